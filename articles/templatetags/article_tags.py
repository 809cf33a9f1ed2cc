from django import template

from articles.images import picture_sources

register = template.Library()

HERO_SIZES = "(min-width: 44rem) 42rem, 100vw"


@register.inclusion_tag("articles/includes/picture.html")
def picture(photo, *, sizes=HERO_SIZES, lazy=True, alt=None):
    """Render a photo as <picture> with WebP and JPEG srcsets and its intrinsic size."""
    return {
        "photo": photo,
        "sources": picture_sources(photo),
        "sizes": sizes,
        "lazy": lazy,
        "alt": photo.reader_alt_text if alt is None else alt,
    }


@register.simple_tag
def site_name():
    from publication.services import publication_name

    return publication_name()


@register.filter
def isotime(value):
    """Return an ISO 8601 time in whole seconds, as HTML's datetime attribute accepts."""
    return value.replace(microsecond=0).isoformat() if value else ""
