import django.db.models.deletion  # noqa: F401
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def seed(apps, schema_editor):
    from articles.sanitize import clean_body
    from publication.seed import NAME, PAGES, TAGLINE

    apps.get_model("publication", "Publication").objects.get_or_create(
        pk=1, defaults={"name": NAME, "tagline": TAGLINE}
    )
    Page = apps.get_model("publication", "Page")
    for title, slug, body, position in PAGES:
        Page.objects.get_or_create(
            slug=slug, defaults={"title": title, "body": clean_body(body), "position": position}
        )

    publication = apps.get_app_config("publication")
    publication.models_module = True
    create_permissions(publication, apps=apps, verbosity=0)
    publication.models_module = None
    perms = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="publication"
    )
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    editors.permissions.add(*perms.exclude(codename__in=["add_publication", "delete_publication"]))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0002_writers_and_editors_groups"),
    ]

    operations = [
        migrations.CreateModel(
            name="Page",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=100)),
                ("slug", models.SlugField(help_text="The page's address: /slug/", max_length=100, unique=True)),
                ("body", models.TextField(help_text="HTML: paragraphs, headings, lists and links.")),
                ("in_footer", models.BooleanField(default=True, verbose_name="linked in the footer")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"ordering": ["position", "title"]},
        ),
        migrations.CreateModel(
            name="Publication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(default="Newsroom", max_length=100)),
                ("tagline", models.CharField(blank=True, max_length=200)),
                ("logo", models.ImageField(blank=True, help_text="Shown in the masthead instead of the name in type (PNG or JPEG, wide).", upload_to="publication/")),
                ("contact_email", models.EmailField(blank=True, max_length=254)),
                ("receipt_tax_note", models.TextField(blank=True, help_text='For example "Gifts are not tax-deductible." Printed on every receipt.', verbose_name="tax wording on receipts")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("nav_sections", models.ManyToManyField(blank=True, help_text="In their section order; with none chosen, every section is listed.", related_name="+", to="articles.section", verbose_name="sections in the masthead")),
            ],
            options={"verbose_name": "publication", "verbose_name_plural": "publication"},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
