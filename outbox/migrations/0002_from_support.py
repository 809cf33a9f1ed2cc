"""The emails support owed before the outbox was an app of its own, keyed by what they are
about; Editors see them as before."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DONOR_KINDS = ("receipt", "payment_failed", "gift_ended")


def key_of(row) -> str:
    if row.kind in DONOR_KINDS and row.payment_id:
        return f"support.{row.kind}:payment:{row.payment_id}"
    if row.kind in DONOR_KINDS:
        return f"support.{row.kind}:donation:{row.donation_id}:{row.pk}"
    return f"articles.{row.kind}:{row.pk}"


def move(apps, schema_editor):
    Old = apps.get_model("support", "OutboundEmail")
    Email = apps.get_model("outbox", "Email")
    moved = []
    for row in Old.objects.order_by("pk").iterator():
        if row.kind in DONOR_KINDS:
            kind = f"support.{row.kind}"
            context = {"donation": row.donation_id, "payment": row.payment_id}
        else:
            kind = "outbox.notice"
            context = {"subject": row.subject, "body": row.body, "from": ""}
        moved.append(
            Email(
                key=key_of(row), kind=kind, to=row.to, context=context, status=row.status,
                attempts=row.attempts, last_error=row.last_error,
                sending_since=row.sending_since, sent_at=row.sent_at,
            )  # fmt: skip
        )
        if len(moved) >= 1000:
            Email.objects.bulk_create(moved, ignore_conflicts=True)
            moved = []
    Email.objects.bulk_create(moved, ignore_conflicts=True)

    outbox = apps.get_app_config("outbox")
    outbox.models_module = True
    create_permissions(outbox, apps=apps, verbosity=0)
    outbox.models_module = None
    view = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="outbox", codename="view_email"
    )
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    editors.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("support", "0018_ledger_versions_unpaid_appeals_ignored_events"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
