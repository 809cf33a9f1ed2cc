from django.contrib.auth.management import create_permissions
from django.db import migrations

# Writers draft and submit for review; only Editors publish, schedule and delete.
WRITER_PERMISSIONS = {
    "article": ("add", "change", "view"),
    "byline": ("add", "change", "delete", "view"),
    "correction": ("view",),
    "photo": ("add", "change", "view"),
    "tag": ("add", "change", "view"),
    "author": ("view",),
    "section": ("view",),
}
EDITOR_MODELS = ("article", "byline", "correction", "photo", "tag", "author", "section")


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="articles")

    writers, _ = Group.objects.get_or_create(name="Writers")
    writers.permissions.add(
        *perms.filter(
            codename__in=[
                f"{action}_{model}"
                for model, actions in WRITER_PERMISSIONS.items()
                for action in actions
            ]
        )
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *perms.filter(content_type__model__in=EDITOR_MODELS),
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writers", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
