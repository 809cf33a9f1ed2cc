"""Newsletters, who is subscribed to them, their editions and each edition's deliveries."""

import datetime

from django.db import models
from django.db.models import Q

from articles.sanitize import clean_body


class Newsletter(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        OCCASIONAL = "occasional", "When there is news"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences readers see.")
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default="weekly")
    accepting_signups = models.BooleanField(
        "accepting sign-ups", default=True, help_text="Off: the list keeps its subscribers."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the sign-up form.")
    daily_digest = models.BooleanField(
        "daily digest",
        default=False,
        help_text="Every day at the digest time, send the day's front page stories (beat "
        "builds and sends it; nothing is sent on a day without new stories).",
    )
    digest_time = models.TimeField(
        default=datetime.time(7, 0), help_text="In the site's time zone."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Subscription(models.Model):
    """A reader's mailbox on one list: pending until the emailed link is confirmed."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    mailbox = models.ForeignKey(
        "readers.Mailbox", on_delete=models.CASCADE, related_name="subscriptions"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "mailbox"], name="one_subscription_per_list"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "state"], name="newsletter_subscribers")]

    def __str__(self):
        return f"{self.mailbox} on {self.newsletter}"


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="editions")
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="HTML; scripts and unsafe markup are removed.")
    stories = models.ManyToManyField(
        "articles.Article", through="EditionStory", blank=True, related_name="+"
    )
    ask = models.BooleanField(
        "ask for support",
        default=True,
        help_text="End with a block asking readers to support us (/support/, placement "
        "“newsletter”).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(null=True, blank=True, help_text="When scheduled: send then.")
    digest_of = models.DateField(
        null=True, blank=True, editable=False, help_text="The day a daily digest was built for."
    )
    note = models.TextField(
        blank=True, editable=False, help_text="What the sending left out, and why."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_batch_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["status", "send_at"], name="edition_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "digest_of"],
                condition=Q(digest_of__isnull=False),
                name="one_digest_per_list_a_day",
            )
        ]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        self.intro = clean_body(self.intro)
        super().save(*args, **kwargs)


class EditionStory(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="story_rows")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "story"
        verbose_name_plural = "stories"
        constraints = [
            models.UniqueConstraint(fields=["edition", "article"], name="one_story_per_edition")
        ]

    def __str__(self):
        return str(self.article)


class Delivery(models.Model):
    """One subscriber's copy of one edition: the record the sending works from."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped (suppressed or unsubscribed)"
        FAILED = "failed", "Failed"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    bounced = models.BooleanField(default=False)
    complained = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscription"], name="one_delivery_per_subscriber"
            )
        ]
        indexes = [
            models.Index(
                fields=["edition", "id"],
                name="delivery_owed",
                condition=Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self):
        return f"{self.edition} to subscription {self.subscription_id}"
