from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Editors reset a colleague's lost second factor from the list of users.
    auth = apps.get_app_config("auth")
    auth.models_module = True
    create_permissions(auth, apps=apps, verbosity=0)
    auth.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="view_user")
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="auth", codename="view_user")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("articles", "0002_writers_and_editors_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
