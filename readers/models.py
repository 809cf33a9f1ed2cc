"""A reader's address kept once: the mailbox, its single-use links, and the addresses that
must get nothing (kept as hashes, so they outlast an erasure)."""

from django.db import models
from django.db.models import Q


class Mailbox(models.Model):
    """One reader's mailbox, however its address is spelled (`readers.addresses.normalise`).

    Made when the site first needs to name the reader (a sign-in link, a confirmation);
    other apps keep their own email columns and find their rows by the same key.
    """

    key = models.CharField(max_length=254, unique=True, help_text="The normalised address.")
    email = models.EmailField(max_length=254, help_text="The spelling emails are sent to.")
    created_at = models.DateTimeField(auto_now_add=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    sessions_ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Sessions started before this (a sign-out) are over."
    )

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self):
        return self.email


class Token(models.Model):
    """A single-use link sent to a mailbox: only its SHA-256 is kept, never the token."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", "Sign in"
        CONFIRM = "confirm", "Confirm"

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    subject = models.CharField(
        max_length=200, blank=True, help_text='What a confirmation confirms ("kind:id").'
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="readers_token_expiry")]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox"],
                condition=Q(purpose="confirm", used_at__isnull=True),
                name="one_pending_confirmation_per_mailbox",
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} link for {self.mailbox}"


class Suppression(models.Model):
    """An address that must get no email (or no appeal): kept as a hash of its mailbox key,
    so it survives the erasure of everything else about the address."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Complaint (marked as spam)"
        NOTHING = "nothing", "Asked to be sent nothing"
        MARKETING = "marketing", "Opted out of appeals"

    # Reasons that stop every email but the sign-in links a reader asks for; an opt-out of
    # appeals stops only those (the win-back, later newsletters' promotions).
    EVERYTHING = [Reason.BOUNCE, Reason.COMPLAINT, Reason.NOTHING]

    digest = models.CharField(max_length=64, help_text="SHA-256 of the normalised address.")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["digest", "reason"], name="one_suppression_per_reason")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.digest[:12]}…)"
