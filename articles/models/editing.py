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


class Autosave(models.Model):
    """The text of someone's open form, kept every half minute: one slot per story and user.

    Never the story itself: nothing here changes the article, its version or its history.
    A save of the story by its user removes the slot.
    """

    article = models.ForeignKey("articles.Article", models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    fields = models.JSONField()  # the form's text fields, as typed
    # The story's edit version the form was opened at, so a restored draft over a newer
    # save is refused as stale and compared, never saved over it.
    opened_version = models.PositiveIntegerField()
    opened_at = models.DateTimeField(null=True)  # the form's edited_since, when it sent one
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="autosave_once")]

    def __str__(self):
        return f"{self.user}'s draft of {self.article_id} at {self.saved_at:%H:%M}"
