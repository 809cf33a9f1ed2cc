"""The support app's admin, one module per subject."""

from support.admin import appeals, events, ledger, reminders  # noqa: F401
