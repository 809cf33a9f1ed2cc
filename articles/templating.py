"""What the site's templates draw of articles: photos, bodies with their inline photos."""

from django.utils import timezone
from django.utils.html import format_html
from markupsafe import Markup

from articles.blocks import has_blocks, has_embeds, with_blocks
from articles.images import picture_sources
from articles.models import Photo
from articles.sanitize import INLINE_PHOTO, inline_photo_ids, photo_id
from articles.seo import isotime

HERO_SIZES = "(min-width: 44rem) 42rem, 100vw"


def picture(photo, *, sizes=HERO_SIZES, lazy=True, alt=None, crop="free") -> str:
    """A photo as <picture> with WebP and JPEG srcsets and its intrinsic size.

    crop: "free" (as composed), "lead" (16:9) or "teaser" (3:2), cut around its focal point.
    """
    sources = picture_sources(photo, crop)
    alt = photo.reader_alt_text if alt is None else alt
    webp, jpeg = sources["webp_srcset"], sources["jpeg_srcset"]
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
        Markup(' loading="lazy"') if lazy else "",
    )


def with_inline_photos(body: str) -> Markup:
    """The body with its library photos drawn with their caption and credit.

    A photo no longer credited, past its rights or gone from the library is left out.
    """
    photos = Photo.objects.in_bulk(inline_photo_ids(body))
    today = timezone.localdate()

    def draw(match):
        photo = photos.get(photo_id(match.group(1)))
        if photo is None or not photo.credit_line or photo.rights_expired(on=today):
            return ""
        caption = format_html("{} ", photo.caption) if photo.caption else ""
        return format_html(
            '<figure class="inline-photo">{}<figcaption>{}<span class="credit">{}</span>'
            "</figcaption></figure>",
            picture(photo, sizes=HERO_SIZES),
            caption,
            photo.credit_line,
        )

    return Markup(INLINE_PHOTO.sub(draw, body))  # noqa: S704 (the body is sanitised when saved)


def story_body(body: str) -> Markup:
    """The body as readers see it: its library photos and its story blocks drawn."""
    return Markup(with_blocks(with_inline_photos(body)))  # noqa: S704 (sanitised when saved)


def register(environment) -> None:
    environment.globals.update(picture=picture)
    environment.filters.update(
        isotime=isotime,
        with_inline_photos=with_inline_photos,
        story_body=story_body,
        has_blocks=has_blocks,
        has_embeds=has_embeds,
    )
