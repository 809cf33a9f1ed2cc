"""Sending an edition at list scale.

Sending starts by making one Delivery row per confirmed subscriber (in bulk; unique per
edition and subscription, so making them twice makes nothing twice). Then a chain of
batch tasks: each claims the next NEWSLETTER_BATCH_SIZE pending rows (marked "sending"),
sends them over one SMTP connection, marks them sent, takes at least batch / rate
seconds (NEWSLETTER_RATE_PER_SECOND) and queues the next batch. The rows are the record:

- a lost broker message stops the chain; beat's sweep (every minute) starts it again for an
  edition that has had no batch for two minutes, so nobody is skipped;
- a killed worker leaves its claimed batch "sending"; the sweep gives it back after
  STUCK_AFTER, so at most that batch is sent twice (each message keeps its Message-ID, so a
  mail system can drop the copies).

Addresses suppressed (bounce, complaint, "send me nothing") or unsubscribed since the
edition started are skipped when their batch is sent.
"""

import logging
import re
import time
from datetime import timedelta
from email import message_from_bytes

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from newsletters.digests import digests_due
from newsletters.editions import (
    UNSUBSCRIBE_MARK,
    Drawn,
    edition_draw,
    edition_stories,
    left_out_note,
    message_domain,
    message_id,
)
from newsletters.models import Delivery, Edition, Subscription
from newsletters.unsubscribe import unsubscribe_token
from newsroom.links import absolute_url
from newsroom.queue import after_commit, publish
from publication.services import sender
from readers.models import Suppression
from readers.services import suppression_digest

logger = logging.getLogger(__name__)

START = "newsletters.tasks.start_edition"
BATCH = "newsletters.tasks.send_batch"
STUCK_AFTER = timedelta(minutes=10)
QUIET_AFTER = timedelta(minutes=2)
MAX_ATTEMPTS = 5
CHUNK = 2000
Status = Delivery.Status


class NotSendable(Exception):
    """The edition is sending or sent already."""


def edition_send(edition: Edition, *, at=None) -> str:
    """Send the edition now, or schedule it for `at`; return the note for the editor
    (stories left out because they are no longer published), empty when none."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status not in (Edition.Status.DRAFT, Edition.Status.SCHEDULED):
            raise NotSendable(f"“{edition.subject}” is {edition.get_status_display().lower()}.")
        note = left_out_note([article.headline for article in edition_stories(edition)[1]])
        edition.note = note
        if at is not None and at > timezone.now():
            edition.status, edition.send_at = Edition.Status.SCHEDULED, at
        else:
            edition.status, edition.last_batch_at = Edition.Status.SENDING, timezone.now()
            after_commit(START, [(edition.pk,)])
        edition.save(update_fields=["status", "send_at", "note", "last_batch_at"])
    return note


def edition_unschedule(edition: Edition) -> bool:
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
            status=Edition.Status.DRAFT
        )
    )


def edition_start(*, edition_id: int) -> int:
    """Make the edition's deliveries (idempotent) and start its first batch."""
    edition = Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).first()
    if edition is None:
        return 0
    note = left_out_note(edition_draw_cached(edition).left_out)
    made = deliveries_make(edition)
    Edition.objects.filter(pk=edition_id).update(
        started_at=timezone.now(), last_batch_at=timezone.now(), note=note
    )
    publish(BATCH, [(edition_id,)])
    return made


def deliveries_make(edition: Edition) -> int:
    """One pending Delivery per confirmed subscriber, made in bulk; return how many rows
    were asked for (rows already made are left as they are)."""
    subscribers = (
        Subscription.objects.filter(
            newsletter_id=edition.newsletter_id, state=Subscription.State.CONFIRMED
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total, chunk = 0, []
    for subscription_id in subscribers.iterator(chunk_size=CHUNK):
        chunk.append(Delivery(edition_id=edition.pk, subscription_id=subscription_id))
        if len(chunk) >= CHUNK:
            total += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
            chunk = []
    if chunk:
        total += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
    return total


_drawn: dict[tuple, tuple[float, Drawn]] = {}


def edition_draw_cached(edition: Edition, *, seconds: float = 30.0) -> Drawn:
    """The edition drawn once for many batches (again after `seconds`, so a story
    unpublished while it is sending is left out of the batches after)."""
    now, key = time.monotonic(), (edition.pk, edition.created_at)
    found = _drawn.get(key)
    if found is None or not 0 <= now - found[0] <= seconds:
        _drawn.clear()
        found = _drawn[key] = (now, edition_draw(edition))
    return found[1]


def batch_send(*, edition_id: int) -> dict:
    """Send the next batch of the edition's deliveries; queue the batch after it."""
    started = time.monotonic()
    size = settings.NEWSLETTER_BATCH_SIZE
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(edition_id=edition_id, status=Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if claimed:
            Delivery.objects.filter(pk__in=claimed).update(status=Status.SENDING, claimed_at=now)
            Edition.objects.filter(pk=edition_id).update(last_batch_at=now)
    if not claimed:
        edition_finish(edition_id=edition_id)
        return {"sent": 0}
    outcome = _send(edition_id, claimed)
    if outcome.get("unreachable"):
        return outcome  # beat's sweep starts the chain again once the edition is quiet
    rate = settings.NEWSLETTER_RATE_PER_SECOND
    if rate > 0:
        time.sleep(max(0.0, len(claimed) / rate - (time.monotonic() - started)))
    publish(BATCH, [(edition_id,)])
    return outcome


def _send(edition_id: int, claimed: list[int]) -> dict:
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    rows = list(
        Delivery.objects.filter(pk__in=claimed).values_list(
            "pk", "subscription_id", "subscription__state", "subscription__mailbox__email"
        )
    )
    digests = {pk: suppression_digest(email) for pk, _, _, email in rows}
    suppressed = set(
        Suppression.objects.filter(
            digest__in=set(digests.values()), reason__in=Suppression.EVERYTHING
        ).values_list("digest", flat=True)
    )
    drawn = edition_draw_cached(edition)
    from_email = sender()
    template = batch_template(drawn, edition, from_email=from_email)
    sent, skipped, failed = [], [], []
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # the mail server is down: no attempt is spent on it
        logger.warning("Edition %s: the mail server is unreachable: %s", edition_id, exc)
        Delivery.objects.filter(pk__in=claimed).update(status=Status.PENDING)
        return {"unreachable": len(claimed)}
    try:
        for pk, subscription_id, state, email in rows:
            if state != Subscription.State.CONFIRMED or digests[pk] in suppressed:
                skipped.append(pk)
                continue
            message = edition_message(
                drawn,
                edition,
                subscription_id=subscription_id,
                to=email,
                from_email=from_email,
                template=template,
            )
            message.connection = connection
            try:
                connection.send_messages([message])
            except Exception as exc:  # one refused address, or the connection lost
                logger.warning("Edition %s to delivery %s not sent: %s", edition_id, pk, exc)
                failed.append(pk)
                continue
            sent.append(pk)
    finally:
        try:
            connection.close()
        except Exception as exc:  # the messages were handed over; a QUIT that fails is moot
            logger.info("Closing the SMTP connection failed: %s", exc)
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk__in=sent).update(status=Status.SENT, sent_at=now)
        Delivery.objects.filter(pk__in=skipped).update(status=Status.SKIPPED)
        retry = Delivery.objects.filter(pk__in=failed)
        retry.update(attempts=F("attempts") + 1)
        retry.filter(attempts__gte=MAX_ATTEMPTS).update(status=Status.FAILED)
        retry.filter(attempts__lt=MAX_ATTEMPTS).update(status=Status.PENDING)
    return {"sent": len(sent), "skipped": len(skipped), "failed": len(failed)}


class PreparedEmail(EmailMultiAlternatives):
    """A reader's copy whose MIME bytes were made from the batch's one template (below):
    Django's backends send it as any other message, without building it again."""

    prepared: bytes | None = None

    def message(self, **kwargs):
        if self.prepared is None:
            return super().message(**kwargs)
        return _Bytes(self.prepared)


class _Bytes:
    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode()

    def __getitem__(self, name):  # what a backend may ask of a message
        return message_from_bytes(self.data)[name]


# Stand-ins the batch's template carries where each reader's own values go.
MARK_TO = "reader-to@recipient.invalid"
MARK_ID = "<edition-mark.reader-mark@message-id.invalid>"
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,190}")


def batch_template(drawn: Drawn, edition: Edition, *, from_email: str) -> bytes | None:
    """The edition's message as bytes once per batch, with stand-ins for the reader's
    address, Message-ID and unsubscribe link; None when a stand-in did not come through
    whole (a long line encoded as quoted-printable), and each message is built in full."""
    message = _message(drawn, edition, to=MARK_TO, mid=MARK_ID, unsubscribe_url=UNSUBSCRIBE_MARK,
                       from_email=from_email)  # fmt: skip
    data = message.message().as_bytes(linesep="\r\n")
    links = 1 + drawn.html.count(UNSUBSCRIBE_MARK) + drawn.text.count(UNSUBSCRIBE_MARK)
    whole = (
        data.count(MARK_TO.encode()) == 1
        and data.count(MARK_ID.encode()) == 1
        and data.count(UNSUBSCRIBE_MARK.encode()) == links
    )
    return data if whole else None


def edition_message(
    drawn: Drawn,
    edition: Edition,
    *,
    subscription_id: int,
    to: str,
    from_email: str,
    template: bytes | None = None,
) -> EmailMultiAlternatives:
    """One reader's copy: HTML and text, their own one-click unsubscribe link (RFC 8058)
    and a Message-ID that is the same every time this copy is sent."""
    unsubscribe_url = absolute_url(
        reverse("newsletters:unsubscribe", args=[unsubscribe_token(subscription_id)])
    )
    mid = message_id(edition.pk, subscription_id)
    message = _message(drawn, edition, to=to, mid=mid, unsubscribe_url=unsubscribe_url,
                       from_email=from_email)  # fmt: skip
    if template is not None and PLAIN_ADDRESS.fullmatch(to):
        message.prepared = (
            template.replace(MARK_TO.encode(), to.encode())
            .replace(MARK_ID.encode(), mid.encode())
            .replace(UNSUBSCRIBE_MARK.encode(), unsubscribe_url.encode())
        )
    return message


def _message(drawn, edition, *, to, mid, unsubscribe_url, from_email) -> PreparedEmail:
    html, text = drawn.for_reader(unsubscribe_url)
    message = PreparedEmail(
        subject=drawn.subject,
        body=text,
        from_email=from_email,
        to=[to],
        headers={
            "Message-ID": mid,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<{edition.newsletter.slug}.{message_domain()}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def edition_send_test(edition: Edition, *, to: str) -> None:
    """Send the edition as readers will get it, to one address (an editor's), now; its
    unsubscribe link leads to the newsletters page, as nobody is subscribed by it."""
    drawn = edition_draw(edition)
    html, text = drawn.for_reader(absolute_url(reverse("newsletters:index")))
    message = EmailMultiAlternatives(
        subject=f"[Test] {drawn.subject}", body=text, from_email=sender(), to=[to]
    )
    message.attach_alternative(html, "text/html")
    message.send()


def edition_finish(*, edition_id: int) -> bool:
    """Mark the edition sent once no delivery is owed."""
    owed = Delivery.objects.filter(
        edition_id=edition_id, status__in=[Status.PENDING, Status.SENDING]
    )
    if owed.exists():
        return False
    return bool(
        Edition.objects.filter(
            pk=edition_id, status=Edition.Status.SENDING, started_at__isnull=False
        ).update(status=Edition.Status.SENT, sent_at=timezone.now())
    )


def editions_due_and_sweep() -> dict:
    """Beat's minute: start scheduled editions that are due and today's daily digests;
    give back batches a killed worker left claimed; restart the chain of an edition that
    has gone quiet."""
    now = timezone.now()
    due = list(
        Edition.objects.filter(status=Edition.Status.SCHEDULED, send_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    due += [edition.pk for edition in digests_due(now=now)]
    for pk in due:
        try:
            edition_send(Edition(pk=pk))
        except NotSendable:
            pass
    Delivery.objects.filter(
        status=Status.SENDING,
        claimed_at__lt=now - STUCK_AFTER,
        edition__status=Edition.Status.SENDING,
    ).update(status=Status.PENDING)
    quiet = Edition.objects.filter(status=Edition.Status.SENDING).filter(
        Q(last_batch_at__isnull=True) | Q(last_batch_at__lt=now - QUIET_AFTER)
    )
    restarted = 0
    for edition in quiet:
        if edition.started_at is None:
            publish(START, [(edition.pk,)])
        elif not edition_finish(edition_id=edition.pk):
            Edition.objects.filter(pk=edition.pk).update(last_batch_at=now)
            publish(BATCH, [(edition.pk,)])
        restarted += 1
    return {"due": len(due), "restarted": restarted}


COUNTED = {
    "sent": Q(status=Status.SENT),
    "bounced": Q(bounced=True),
    "complained": Q(complained=True),
    "unsubscribed": Q(subscription__state=Subscription.State.UNSUBSCRIBED),
}


def edition_count_columns() -> dict:
    """Per edition, as columns of a query of editions: sent, bounced, complained, and
    subscribers who have unsubscribed since (counts only), each `<name>_count`."""
    return {
        f"{name}_count": Coalesce(
            Subquery(
                Delivery.objects.filter(condition, edition=OuterRef("pk"))
                .order_by()
                .values("edition")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
        for name, condition in COUNTED.items()
    }


def edition_counts(edition_ids) -> dict[int, dict]:
    """The same counts for some editions, by id."""
    rows = Edition.objects.filter(pk__in=list(edition_ids)).annotate(**edition_count_columns())
    return {row.pk: {name: getattr(row, f"{name}_count") for name in COUNTED} for row in rows}
