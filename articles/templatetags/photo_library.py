"""The photo library's grid of cards (the admin's photo list)."""

from django import template
from django.urls import reverse
from django.utils import timezone

from articles.images import renditions_of, thumbnail_url

register = template.Library()


@register.inclusion_tag("admin/articles/photo/cards.html")
def photo_cards(cl):
    """Cards for the photos on this page of the list: a thumbnail, what it shows, its credit,
    where it is used and its rights."""
    from articles.admin.photos import EXPIRY_WINDOW_DAYS, rights_text, usage_text

    today = timezone.localdate()
    cards = []
    for photo in cl.result_list:
        thumbs = renditions_of(photo, "jpeg", "teaser")
        days_left = (photo.rights_expire_on - today).days if photo.rights_expire_on else None
        cards.append(
            {
                "url": reverse("admin:articles_photo_change", args=[photo.pk]),
                "src": thumbnail_url(photo),
                "size": (thumbs[0]["width"], thumbs[0]["height"]) if thumbs else (360, 240),
                "label": (photo.caption or photo.alt_text or photo.image.name)[:90],
                "credit": photo.credit_line or "No credit",
                "usage": usage_text(photo),
                "rights": rights_text(photo, today=today),
                "warn": days_left is not None and days_left <= EXPIRY_WINDOW_DAYS,
            }
        )
    return {"cards": cards}
