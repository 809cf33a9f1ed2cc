from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.images import picture_sources
from articles.models import Photo
from articles.sanitize import INLINE_PHOTO, inline_photo_ids, photo_id
from articles.seo import isotime

register = template.Library()

HERO_SIZES = "(min-width: 44rem) 42rem, 100vw"


@register.simple_tag
def picture(photo, *, sizes=HERO_SIZES, lazy=True, alt=None, crop="free"):
    """Render a photo as <picture> with WebP and JPEG srcsets and its intrinsic size.

    crop: "free" (as composed), "lead" (16:9) or "teaser" (3:2), cut around its focal point.
    Built in Python rather than from an included template: a page draws several, and an
    inclusion tag's template and context cost more than the markup itself.
    """
    sources = picture_sources(photo, crop)
    alt = photo.reader_alt_text if alt is None else alt
    webp = sources["webp_srcset"]
    jpeg = sources["jpeg_srcset"]
    return format_html(
        '<picture>{}<img src="{}"{}{} alt="{}"{} decoding="async"></picture>\n',
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes)
        if webp
        else "",
        sources["src"],
        format_html(' srcset="{}" sizes="{}"', jpeg, sizes) if jpeg else "",
        format_html(' width="{}" height="{}"', sources["width"], sources["height"])
        if sources["width"]
        else "",
        alt,
        mark_safe(' loading="lazy"') if lazy else "",
    )


@register.filter
def with_inline_photos(body: str) -> str:
    """Render the body's library photos with their caption and credit.

    A photo no longer credited, past its rights or gone from the library is left out.
    """
    photos = Photo.objects.in_bulk(inline_photo_ids(body))
    today = timezone.localdate()

    def render(match):
        photo = photos.get(photo_id(match.group(1)))
        if photo is None or not photo.credit_line or photo.rights_expired(on=today):
            return ""
        return render_to_string("articles/includes/inline_photo.html", {"photo": photo})

    return mark_safe(INLINE_PHOTO.sub(render, body))  # noqa: S308  (the body is sanitised)


@register.simple_tag
def site_name():
    from publication.services import publication_name

    return publication_name()


register.filter("isotime", isotime)
