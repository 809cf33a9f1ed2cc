from support.models.donations import (
    Appeal,
    Donation,
    Donor,
    Frequency,
    OutboundEmail,
    Payment,
    Placement,
    StripeEvent,
    SupportSettings,
)
from support.models.reminders import Reminder

__all__ = [
    "Appeal",
    "Donation",
    "Donor",
    "Frequency",
    "OutboundEmail",
    "Payment",
    "Placement",
    "Reminder",
    "StripeEvent",
    "SupportSettings",
]
