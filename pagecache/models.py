from django.db import models


class Purge(models.Model):
    """Keys an edit asked the edge cache to purge, kept until the purge was sent.

    Written in the editor's transaction (a rolled-back edit purges nothing) and sent by a
    task after the commit, so a slow or unreachable CDN never delays a save.
    """

    keys = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return " ".join(self.keys)
