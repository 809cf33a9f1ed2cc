from support.models.appeals import (
    Appeal,
    AppealCount,
    AppealLadderAmount,
    Audience,
    SupportSettings,
)
from support.models.choices import Frequency, Placement
from support.models.currencies import LadderAmount, SiteCurrency
from support.models.ledger import Donation, Donor, Payment
from support.models.reminders import Reminder
from support.models.stripe_events import StripeEvent

__all__ = [
    "Appeal",
    "AppealCount",
    "AppealLadderAmount",
    "Audience",
    "Donation",
    "Donor",
    "Frequency",
    "LadderAmount",
    "Payment",
    "Placement",
    "Reminder",
    "SiteCurrency",
    "StripeEvent",
    "SupportSettings",
]
