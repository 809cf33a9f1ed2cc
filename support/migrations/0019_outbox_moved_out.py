from django.db import migrations


class Migration(migrations.Migration):
    """The outbox is an app of its own now (outbox.Email, rows moved by outbox 0002)."""

    dependencies = [
        ("support", "0018_ledger_versions_unpaid_appeals_ignored_events"),
        ("outbox", "0002_from_support"),
    ]

    operations = [migrations.DeleteModel(name="OutboundEmail")]
