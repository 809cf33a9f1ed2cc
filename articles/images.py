"""What templates and metadata need to show a photo's renditions.

Until a worker has made the renditions (or if it could not), pages show the original with
its own width and height; the stylesheet gives it the crop's shape.
"""

from django.core.files.storage import default_storage

from newsroom.links import absolute_url

DEFAULT_WIDTH = 960


def _url(name: str) -> str:
    return default_storage.url(name)


def renditions_of(photo, image_format: str, crop: str = "free") -> list[dict]:
    """Return the photo's renditions of one crop in one format, narrowest first.

    Renditions made before there were crops are uncropped ("free").
    """
    found = [
        r for r in photo.renditions if r["format"] == image_format and r.get("crop", "free") == crop
    ]
    return sorted(found, key=lambda r: r["width"])


def thumbnail_url(photo) -> str:
    """Return the smallest teaser (3:2) rendition, or the smallest there is, or the original."""
    for crop in ("teaser", "free"):
        jpegs = renditions_of(photo, "jpeg", crop)
        if jpegs:
            return _url(jpegs[0]["name"])
    return photo.image.url


def picture_sources(photo, crop: str = "free") -> dict:
    """Return srcsets for WebP and JPEG and the fallback src with its size."""
    jpegs, webps = renditions_of(photo, "jpeg", crop), renditions_of(photo, "webp", crop)
    if not jpegs and crop != "free":
        jpegs, webps = renditions_of(photo, "jpeg"), renditions_of(photo, "webp")
    if not jpegs:
        return {
            "src": photo.image.url,
            "width": photo.width or None,
            "height": photo.height or None,
            "jpeg_srcset": "",
            "webp_srcset": "",
        }
    fallback = next((r for r in reversed(jpegs) if r["width"] <= DEFAULT_WIDTH), jpegs[0])
    return {
        "src": _url(fallback["name"]),
        "width": fallback["width"],
        "height": fallback["height"],
        "jpeg_srcset": ", ".join(f"{_url(r['name'])} {r['width']}w" for r in jpegs),
        "webp_srcset": ", ".join(f"{_url(r['name'])} {r['width']}w" for r in webps),
    }


def share_image(photo) -> dict | None:
    """Return the absolute URL and size of the social card (1.91:1), for cards and JSON-LD."""
    if photo is None:
        return None
    jpegs = renditions_of(photo, "jpeg", "social") or renditions_of(photo, "jpeg")
    if not jpegs:
        return {"url": absolute_url(photo.image.url), "width": photo.width, "height": photo.height}
    largest = jpegs[-1]
    return {
        "url": absolute_url(_url(largest["name"])),
        "width": largest["width"],
        "height": largest["height"],
    }
