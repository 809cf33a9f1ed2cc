from django.db import migrations, models
from django.db.models import Q


def fill_addresses(apps, schema_editor):
    """Key each reminder by its mailbox; of several pending for one mailbox keep the first."""
    from readers.addresses import normalise

    Reminder = apps.get_model("support", "Reminder")
    pending = set()
    for reminder in Reminder.objects.order_by("pk").iterator():
        reminder.address = normalise(reminder.email)
        if reminder.status == "pending":
            if reminder.address in pending:
                reminder.status = "cancelled"
            pending.add(reminder.address)
        reminder.save(update_fields=["address", "status"])


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0007_ledger_disputes_and_failure_bookkeeping"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="address",
            field=models.CharField(
                default="",
                help_text="The mailbox the email reaches (lower case, no +tag).",
                max_length=254,
            ),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(
            model_name="reminder",
            name="one_pending_reminder_per_email",
        ),
        migrations.RunPython(fill_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                condition=Q(status="pending"),
                fields=("address",),
                name="one_pending_reminder_per_address",
            ),
        ),
    ]
