"""Live blogs: a story whose page is a running list of timestamped entries."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.sanitize import clean_body, html_to_text


class LiveBlog(models.TextChoices):
    """Whether a story is a live blog, and whether it still takes entries."""

    NO = "", "Not a live blog"
    OPEN = "open", "Live blog, open"
    CLOSED = "closed", "Live blog, closed"


class LiveEntry(models.Model):
    """One update of a live blog: newest first on the page, pinned ones on top."""

    article = models.ForeignKey("articles.Article", models.CASCADE, related_name="live_entries")
    posted_at = models.DateTimeField("time", default=timezone.now)
    author = models.ForeignKey(
        "articles.Author",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_entries",
        help_text="Shown to readers; leave empty for the newsroom.",
    )
    headline = models.CharField(max_length=200, blank=True, help_text="Optional.")
    body = models.TextField("text", help_text="HTML; scripts and unsafe markup are removed.")
    body_text = models.TextField(blank=True, editable=False)
    pinned = models.BooleanField(default=False, help_text="Kept at the top of the blog.")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False
    )
    # The token of the form that posted it: a form sent twice makes one entry.
    submission = models.UUIDField(null=True, blank=True, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "live blog entry"
        verbose_name_plural = "live blog entries"
        ordering = ["-pinned", "-posted_at", "-pk"]
        indexes = [
            models.Index(fields=["article", "-posted_at", "-id"], name="live_entry_newest"),
        ]

    def __str__(self):
        text = self.headline or self.body_text.split("\n", 1)[0]
        return text if len(text) <= 80 else text[:79] + "…"

    def save(self, *args, **kwargs):
        self.body = clean_body(self.body)
        self.body_text = html_to_text(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_text"}
        super().save(*args, **kwargs)

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"
