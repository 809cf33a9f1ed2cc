from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    pagecache = apps.get_app_config("pagecache")
    pagecache.models_module = True
    create_permissions(pagecache, apps=apps, verbosity=0)
    pagecache.models_module = None
    view = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="pagecache", codename="view_purge"
    )
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    editors.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [("pagecache", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
