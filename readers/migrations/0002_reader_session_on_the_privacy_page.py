from django.db import migrations

COOKIES_END = "</ul>"


def add_to_privacy_page(apps, schema_editor):
    """Name the account's cookie on a privacy page made before the account (new sites have it)."""
    from publication.models import clean_page
    from publication.seed import READER_SESSION_PRIVACY

    page = apps.get_model("publication", "Page").objects.filter(slug="privacy").first()
    if page is None or "reader_session" in page.body:
        return
    item = clean_page(READER_SESSION_PRIVACY)
    if "Cookies we set</h2>" in page.body and COOKIES_END in page.body:
        at = page.body.index(COOKIES_END, page.body.index("Cookies we set</h2>"))
        page.body = f"{page.body[:at]}{item}\n{page.body[at:]}"
    else:
        page.body = f"{page.body}\n<ul>\n{item}\n</ul>"
    page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [
        ("readers", "0001_initial"),
        ("publication", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_to_privacy_page, migrations.RunPython.noop)]
