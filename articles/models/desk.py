"""The desk's own rows: what happened to a writer's story (for their start page), and the
changes a Writer proposes to a live or scheduled story for an Editor to review."""

from django.conf import settings
from django.db import models


class DeskNotice(models.Model):
    """A line on a writer's start page: their story was published, scheduled or sent back."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        SENT_BACK = "sent_back", "Sent back"
        PROPOSAL_ACCEPTED = "proposal_accepted", "Proposed change accepted"
        PROPOSAL_SENT_BACK = "proposal_sent_back", "Proposed change sent back"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="desk_notices")
    article = models.ForeignKey("articles.Article", models.CASCADE, related_name="desk_notices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="desk_notice_user_newest")]

    def __str__(self):
        return self.text


class ProposedRevision(models.Model):
    """A Writer's change to a story readers see or will see, kept apart from the story
    until an Editor accepts it (or sends it back with a note)."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Accepted"
        SENT_BACK = "sent_back", "Sent back"

    article = models.ForeignKey("articles.Article", models.CASCADE, related_name="proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    headline = models.CharField(max_length=255)
    kicker = models.CharField("kicker / label", max_length=80, blank=True)
    dek = models.TextField("dek (standfirst)", blank=True)
    body = models.TextField(blank=True)
    hero_caption = models.TextField("hero caption override", blank=True)
    note = models.TextField(
        "note for the editor", blank=True, help_text="What you changed and why, in a line."
    )
    # The story's version the proposal started from (the review shows what changed since).
    base_version = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One open proposal per writer and story: a second save edits it.
            models.UniqueConstraint(
                fields=["article", "proposed_by"],
                condition=models.Q(state="pending"),
                name="proposal_one_pending_per_writer",
            )
        ]

    def __str__(self):
        return f"Proposed change to “{self.headline}”"
