"""The support app's admin, one module per subject."""

from support.admin import appeals, currencies, events, ledger, reminders  # noqa: F401
