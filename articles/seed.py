"""The peacekeeper story, loaded from the page the project was created from."""

import datetime

from django.db import transaction
from django.utils.html import escape

from articles import renditions
from articles.models import Article, Photo, Section, Status, Tag
from articles.photos import photo_save
from articles.seed_story import PARAGRAPHS

HEADLINE = "Russian Peacekeepers Complete Withdrawal from Nagorno-Karabakh"
SLUG = "russian-peacekeepers-complete-withdrawal-from-nagorno-karabakh"
PUBLISH_AT = datetime.datetime(2024, 6, 12, 14, 0, tzinfo=datetime.UTC)
CAPTION = "An armoured vehicle of the Russian peacekeeping forces in the Nagorno-Karabakh region."
PHOTOGRAPHER, AGENCY = "Stringer", "AFP"
ALT_TEXT = (
    "Placeholder image: the original photo of an armoured vehicle of the Russian "
    "peacekeeping forces in Nagorno-Karabakh is not available."
)
PHOTO_NOTE = (
    "Generated placeholder. The original photo (Stringer / AFP) is not available to this "
    "project; replace the image file if you hold a licence for it."
)
TAGS = (
    ("Nagorno-Karabakh", "nagorno-karabakh"),
    ("Russia", "russia"),
    ("Azerbaijan", "azerbaijan"),
    ("Armenia", "armenia"),
    ("Peacekeeping", "peacekeeping"),
)


@transaction.atomic
def load_peacekeeper_story() -> Article:
    """Load the story unless it is already there (then leave it as editors left it)."""
    existing = Article.objects.filter(slug=SLUG).first()
    if existing:
        return existing
    section, _ = Section.objects.get_or_create(slug="news", defaults={"name": "News"})
    tags = [Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in TAGS]
    article = Article.objects.create(
        headline=HEADLINE,
        slug=SLUG,
        body="".join(f"<p>{escape(paragraph)}</p>" for paragraph in PARAGRAPHS),
        section=section,
        hero_photo=_photo(),
        status=Status.PUBLISHED,
        publish_at=PUBLISH_AT,
    )
    article.tags.set(tags)
    return article


def _photo() -> Photo:
    photo = Photo.objects.filter(
        caption=CAPTION, photographer=PHOTOGRAPHER, agency=AGENCY, alt_text=ALT_TEXT
    ).first()
    if photo:
        return photo
    photo = Photo(
        alt_text=ALT_TEXT,
        caption=CAPTION,
        photographer=PHOTOGRAPHER,
        agency=AGENCY,
        usage_terms="Placeholder; the original photo is not available.",
        notes=PHOTO_NOTE,
    )
    image = renditions.placeholder_image(
        ["Placeholder image", "Original photo (Stringer / AFP) not available"],
        name="peacekeepers-placeholder.jpg",
    )
    # As an upload from the admin: saved, then its renditions made by a worker.
    photo.image = image
    return photo_save(photo=photo)
