from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    support = apps.get_app_config("support")
    support.models_module = True
    create_permissions(support, apps=apps, verbosity=0)
    support.models_module = None
    Permission = apps.get_model("auth", "Permission")
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="support",
            content_type__model="reminder",
            codename__in=["view_reminder", "change_reminder"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("support", "0003_reminders")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
