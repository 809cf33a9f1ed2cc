from django.contrib.auth.management import create_permissions
from django.db import migrations

# Writers prepare entries on the stories they may change (drafts, stories in review); the
# admin refuses them a live story's entries, as it refuses them the live story itself.
LIVE_ENTRY = ["add_liveentry", "change_liveentry", "delete_liveentry", "view_liveentry"]


def grant(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="articles", codename__in=LIVE_ENTRY)
    for name in ("Writers", "Editors"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Writers", "Editors"]):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=LIVE_ENTRY)
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_live_blog")]

    operations = [migrations.RunPython(grant, revoke)]
