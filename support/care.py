"""Recurring-revenue care: the emails that keep a recurring gift going, owed by a daily sweep
(beat) through the outbox, each once (its key says what it is about):

- a card expiring at the end of next month (read from the card of the gift's last payment),
  once per gift and card expiry;
- an annual gift renewing within RENEWAL_NOTICE_DAYS, once per gift and renewal date;
- a win-back, once per mailbox ever, to a recurring gift that ended WIN_BACK_AFTER ago (not
  longer than WIN_BACK_UNTIL: no one is written to about a gift of years ago). It is
  marketing: it carries List-Unsubscribe and is not sent to an address that opted out of
  appeals, or whose mailbox has a live gift again.

The failed-payment email (support.emails) carries a one-click link to update the card
(`card_update_link`): it opens Stripe's portal on the card, without signing in.

None goes to an erased donor (an erased gift has no address) or to an address suppressed
(a bounce, a complaint, "send me nothing"); each is checked again when the email is drawn,
so a gift changed since is told nothing stale.
"""

import hashlib
from datetime import date, datetime, timedelta

from django.core import signing
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from newsroom.links import absolute_url
from outbox.messages import render_message
from outbox.models import Email
from outbox.services import email_owe
from publication.services import sender
from readers.addresses import normalise
from readers.optout import opt_out_headers, opt_out_link
from readers.services import mailbox_suppressed
from support import emails
from support.models import Donation, Frequency, Payment

CARD_EXPIRING, RENEWAL_NOTICE, WIN_BACK = "card_expiring", "renewal_notice", "win_back"
SUBJECTS = {
    CARD_EXPIRING: "The card for your gift to {name} expires soon",
    RENEWAL_NOTICE: "Your annual gift to {name} renews soon",
    WIN_BACK: "We miss you at {name}",
}
RENEWAL_NOTICE_DAYS = 14
WIN_BACK_AFTER = timedelta(days=30)
WIN_BACK_UNTIL = timedelta(days=90)
CARD_SALT = "support.card-update"
CARD_LINK_MAX_AGE = 60 * 60 * 24 * 30
Status = Donation.Status
COLLECTING = [Status.ACTIVE, Status.PAST_DUE]


def kind_of(name: str) -> str:
    return f"support.{name}"


# One-click card updates (from the failed-payment and card-expiring emails).


def card_update_link(donation: Donation) -> str:
    token = signing.dumps({"gift": donation.pk}, salt=CARD_SALT, compress=True)
    return absolute_url(reverse("support:card-update", args=[token]))


def card_update_gift(token: str) -> Donation | None:
    """The gift a card-update link names; None when it is not ours or older than its 30 days
    (the page then offers a sign-in link)."""
    try:
        data = signing.loads(token, salt=CARD_SALT, max_age=CARD_LINK_MAX_AGE)
        return Donation.objects.filter(pk=int(data["gift"])).first()
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return None


# The sweep.


def next_month(today: date) -> tuple[int, int]:
    return (today.year + today.month // 12, today.month % 12 + 1)


def _may_write(donation: Donation, *, marketing: bool = False) -> bool:
    to = donation.address
    return bool(to) and not mailbox_suppressed(to, marketing=marketing)


def _owe(name: str, donation: Donation, about: str, **context) -> bool:
    return email_owe(
        key=f"{kind_of(name)}:{about}",
        kind=kind_of(name),
        to=donation.address,
        context={"donation": donation.pk, **context},
    )


def cards_expiring(today: date) -> int:
    """Gifts still charging whose last payment's card expires at the end of next month."""
    year, month = next_month(today)
    last = Payment.objects.filter(donation=OuterRef("donation")).order_by("-paid_at", "-pk")
    payments = (
        Payment.objects.filter(
            card_exp_year=year,
            card_exp_month=month,
            donation__status__in=COLLECTING,
            donation__frequency__in=[Frequency.MONTHLY, Frequency.ANNUAL],
        )
        .annotate(last=Subquery(last.values("pk")[:1]))
        .filter(pk=F("last"))
        .select_related("donation", "donation__donor")
    )
    owed = 0
    for payment in payments:
        donation = payment.donation
        if _may_write(donation):
            about = f"donation:{donation.pk}:{year}-{month:02d}"
            owed += _owe(CARD_EXPIRING, donation, about, payment=payment.pk)
    return owed


def renewals_due(now: datetime) -> int:
    """Annual gifts that renew within RENEWAL_NOTICE_DAYS, told once per renewal."""
    soon = now + timedelta(days=RENEWAL_NOTICE_DAYS)
    due = Donation.objects.filter(
        frequency=Frequency.ANNUAL,
        status=Status.ACTIVE,
        current_period_end__gt=now,
        current_period_end__lte=soon,
    ).select_related("donor")
    owed = 0
    for donation in due:
        if _may_write(donation):
            about = f"donation:{donation.pk}:{donation.current_period_end:%Y-%m-%d}"
            owed += _owe(RENEWAL_NOTICE, donation, about)
    return owed


def _mailbox_digest(address: str) -> str:
    return hashlib.sha256(normalise(address).encode()).hexdigest()[:32]


def _gives_again(donation: Donation) -> bool:
    key = normalise(donation.address)
    live = Donation.objects.filter(status__in=[*COLLECTING, Status.PAUSED])
    return live.filter(donor__mailbox=key).exists()


def win_backs(now: datetime) -> int:
    """One email per mailbox ever, to a recurring gift that ended a month to three ago."""
    ended = Donation.objects.filter(
        status=Status.CANCELLED,
        frequency__in=[Frequency.MONTHLY, Frequency.ANNUAL],
        cancelled_at__lte=now - WIN_BACK_AFTER,
        cancelled_at__gt=now - WIN_BACK_UNTIL,
    ).select_related("donor")
    owed = 0
    for donation in ended:
        if _may_write(donation, marketing=True) and not _gives_again(donation):
            about = f"mailbox:{_mailbox_digest(donation.address)}"
            owed += _owe(WIN_BACK, donation, about)
    return owed


def care_sweep(now: datetime | None = None) -> dict:
    """Owe every care email due now (beat runs it daily; each is owed once)."""
    now = now or timezone.now()
    return {
        CARD_EXPIRING: cards_expiring(now.date()),
        RENEWAL_NOTICE: renewals_due(now),
        WIN_BACK: win_backs(now),
    }


# Drawing them when the outbox sends them.


def _still_due(name: str, donation: Donation, payment: Payment | None) -> bool:
    if name == WIN_BACK:
        return donation.status == Status.CANCELLED and not _gives_again(donation)
    if name == RENEWAL_NOTICE:
        return donation.status == Status.ACTIVE and donation.frequency == Frequency.ANNUAL
    return donation.status in COLLECTING and payment is not None


def draw(email: Email):
    """A care email, or None when its gift changed since (or its address must get nothing)."""
    name = email.kind.removeprefix("support.")
    donation = Donation.objects.select_related("donor").filter(pk=email.context["donation"])
    donation = donation.first()
    payment_id = email.context.get("payment")
    payment = Payment.objects.filter(pk=payment_id).first() if payment_id else None
    marketing = name == WIN_BACK
    if donation is None or not _may_write(donation, marketing=marketing):
        return None
    if not _still_due(name, donation, payment):
        return None
    context = {
        **emails.publication_context(),
        "test_mode": False,
        "donation": donation,
        "payment": payment,
        "account_url": absolute_url(reverse("support:account")),
        "support_url": absolute_url(reverse("support:give")),
        "card_url": card_update_link(donation) if donation.stripe_customer_id else "",
        "opt_out_url": opt_out_link(email.to) if marketing else "",
    }
    return render_message(
        f"support/email/{name}",
        subject=SUBJECTS[name].format(name=context["publication"].name),
        to=email.to,
        from_email=sender(),
        context=context,
        headers=opt_out_headers(email.to) if marketing else None,
    )
