from django.db import migrations

MARKER = "<h2>Your data</h2>"


def add_to_privacy_page(apps, schema_editor):
    """Say what newsletters keep on a privacy page made before them (new sites have it)."""
    from articles.sanitize import clean_body
    from publication.seed import NEWSLETTERS_PRIVACY

    page = apps.get_model("publication", "Page").objects.filter(slug="privacy").first()
    if page is None or "Newsletters</h2>" in page.body:
        return
    addition = clean_body(NEWSLETTERS_PRIVACY) + "\n"
    if MARKER in page.body:
        page.body = page.body.replace(MARKER, addition + MARKER, 1)
    else:
        page.body = f"{page.body}\n{addition}"
    page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0003_newsletters_daily_digest"),
        ("publication", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_to_privacy_page, migrations.RunPython.noop)]
