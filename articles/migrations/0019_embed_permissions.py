from django.contrib.auth.management import create_permissions
from django.db import migrations

# Editors see the kept embeds and resolve again one whose provider was down; Writers see them.
GRANTS = {"Editors": ["view_embed", "change_embed"], "Writers": ["view_embed"]}


def grant(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename__endswith="_embed")
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_embed")]

    operations = [migrations.RunPython(grant, revoke)]
