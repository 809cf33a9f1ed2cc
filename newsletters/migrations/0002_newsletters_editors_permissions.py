from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "newsletter": ["view", "add", "change", "delete"],
    "edition": ["view", "add", "change", "delete"],
    "editionstory": ["view", "add", "change", "delete"],
    "subscription": ["view"],
}


def grant(apps, schema_editor):
    newsletters = apps.get_app_config("newsletters")
    newsletters.models_module = True
    create_permissions(newsletters, apps=apps, verbosity=0)
    newsletters.models_module = None
    Permission = apps.get_model("auth", "Permission")
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    for model, actions in GRANTS.items():
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="newsletters",
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_newsletters_lists_editions_deliveries"),
        ("articles", "0002_writers_and_editors_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
