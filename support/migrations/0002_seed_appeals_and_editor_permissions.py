from django.contrib.auth.management import create_permissions
from django.db import migrations

# Wording from the seed page; its typo "paiment methods" is fixed in the template.
TOP_BANNER = {
    "heading": "Enjoying ad-free content?",
    "body": (
        "Since July 1, 2024, we have disabled all ads to improve your reading experience.\n\n"
        "This commitment costs us $10,000 a month. Your support can help us fill the gap."
    ),
    "button_label": "Support us",
    "footnote": (
        "Our journalism is banned in Russia. "
        "We need your help to keep providing you with the truth."
    ),
}
END_OF_ARTICLE = {
    "heading": "",
    "body": (
        "… we have a small favor to ask. As you may have heard, The Moscow Times, an "
        "independent news source for over 30 years, has been unjustly branded as a "
        '"foreign agent" by the Russian government. This blatant attempt to silence our '
        "voice is a direct assault on the integrity of journalism and the values we hold "
        "dear.\n\n"
        "We, the journalists of The Moscow Times, refuse to be silenced. Our commitment to "
        "providing accurate and unbiased reporting on Russia remains unshaken. But we need "
        "your help to continue our critical mission.\n\n"
        "Your support, no matter how small, makes a world of difference. If you can, please "
        "support us monthly starting from just $2. It's quick to set up, and you can be "
        "confident that you're making a significant impact every month by supporting open, "
        "independent journalism. Thank you."
    ),
    "button_label": "Support us",
    "remind_prompt": "Not ready to support today?",
    "remind_label": "Remind me later.",
}
EDITOR_CHANGES = ("appeal", "supportsettings")
EDITOR_VIEWS = ("donor", "donation", "payment", "stripeevent", "outboundemail")


def seed(apps, schema_editor):
    Appeal = apps.get_model("support", "Appeal")
    Appeal.objects.get_or_create(placement="top_banner", defaults=TOP_BANNER)
    Appeal.objects.get_or_create(placement="end_of_article", defaults=END_OF_ARTICLE)
    apps.get_model("support", "SupportSettings").objects.get_or_create(pk=1)

    support = apps.get_app_config("support")
    support.models_module = True
    create_permissions(support, apps=apps, verbosity=0)
    support.models_module = None
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="support")
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    editors.permissions.add(
        *perms.filter(content_type__model__in=EDITOR_CHANGES),
        *perms.filter(content_type__model__in=EDITOR_VIEWS, codename__startswith="view_"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
        ("articles", "0002_writers_and_editors_groups"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
