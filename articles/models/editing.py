from django.conf import settings
from django.db import models


class EditingSession(models.Model):
    """Someone has an article's form open: refreshed while it stays open, ended by a save.

    Not a lock that blocks anyone: it lets the next person who opens the story know.
    """

    article = models.ForeignKey("articles.Article", models.CASCADE, related_name="editing_sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    opened_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="editing_session_once")
        ]

    def __str__(self):
        return f"{self.user} editing {self.article_id} since {self.opened_at:%H:%M}"
