"""Finding photos in the library to put on a story: the chooser's search and rights filter."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from articles.models import Photo

EXPIRING_WITHIN_DAYS = 14
RIGHTS_CHOICES = [
    ("", "Usable now"),
    ("soon", f"Rights expire within {EXPIRING_WITHIN_DAYS} days"),
    ("none", "Rights never expire"),
    ("all", "All photos, unusable ones too"),
]
SEARCHED = ("caption", "alt_text", "photographer", "agency")


def credited() -> Q:
    return ~Q(photographer="") | ~Q(agency="")


def photo_is_usable(photo: Photo, *, on: datetime.date | None = None) -> str:
    """Return why a story may not show the photo now ("" when it may)."""
    if photo.is_placeholder:
        return "The placeholder is not for stories."
    if not photo.credit_line:
        return "No credit: add one on the photo's page."
    if photo.rights_expired(on=on):
        return f"Rights expired on {photo.rights_expire_on:%-d %b %Y}."
    return ""


def photos_matching(query: str = "", rights: str = "", *, on=None) -> QuerySet:
    """Photos whose caption, alt text, photographer or agency hold every word of the query,
    newest first; by default only those a story may show now (credited, rights running)."""
    today = on or timezone.localdate()
    found = Photo.objects.filter(is_placeholder=False)
    for word in query.split()[:10]:
        found = found.filter(Q.create([(f"{field}__icontains", word) for field in SEARCHED], Q.OR))
    if rights != "all":
        found = found.filter(credited()).exclude(rights_expire_on__lt=today)
    if rights == "soon":
        found = found.filter(
            rights_expire_on__lte=today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        )
    elif rights == "none":
        found = found.filter(rights_expire_on__isnull=True)
    return found.order_by("-created_at", "-pk")
