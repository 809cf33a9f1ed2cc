"""Responsive renditions of photos, and generated placeholder images, made with Pillow."""

import io
import math
import secrets
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from articles import photo_files

# The shapes pages show. "free" keeps the photo as composed (inline photos); the others are
# cut around the photo's focal point: the lead and the article's hero 16:9, teasers 3:2,
# social cards (og:image) 1.91:1.
CROPS = {
    "free": {"ratio": None, "widths": (320, 640, 960, 1280), "formats": ("webp", "jpeg")},
    "lead": {"ratio": 16 / 9, "widths": (320, 640, 960, 1280), "formats": ("webp", "jpeg")},
    "teaser": {"ratio": 3 / 2, "widths": (320, 640, 960), "formats": ("webp", "jpeg")},
    "social": {"ratio": 1.91, "widths": (1200,), "formats": ("jpeg",)},
}
WIDTHS = CROPS["free"]["widths"]
LARGEST = max(max(crop["widths"]) for crop in CROPS.values())
FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}


# The smallest working copy every crop can be cut from at its widest: as wide as the widest
# rendition, and as tall as the widest rendition of the widest crop needs.
NEEDED = (
    LARGEST,
    max(math.ceil(max(c["widths"]) / c["ratio"]) for c in CROPS.values() if c["ratio"]),
)


def check_image(file) -> tuple[str, tuple[int, int]]:
    """Return the format and size of an image a photo may be, or refuse it (see photo_files)."""
    return photo_files.check_image(file, needed=NEEDED)


def widths_for(available: int, widths=WIDTHS) -> list[int]:
    """Return the rendition widths for an image: never wider than what it has."""
    fitting = [w for w in widths if w < available]
    return fitting if available > widths[-1] else [*fitting, available]


def crop_box(size, ratio: float, focal=(0.5, 0.5)) -> tuple[float, float, float, float]:
    """Return the largest box of the ratio inside the image, centred on the focal point
    as far as the edges allow (the same crop as ImageOps.fit with a matching centering)."""
    width, height = size
    if width / height > ratio:
        box_width, box_height = height * ratio, height
    else:
        box_width, box_height = width, width / ratio
    left = min(max(focal[0] * width - box_width / 2, 0), width - box_width)
    top = min(max(focal[1] * height - box_height / 2, 0), height - box_height)
    return (left, top, left + box_width, top + box_height)


def render(image_file, *, prefix: str, focal=(0.5, 0.5)) -> list[dict]:
    """Write the renditions of an image to storage; return their descriptions.

    Every crop keeps the focal point in view. The names carry a new random token each time,
    so a browser or CDN never shows an older crop under a new name, and nobody can guess
    the renditions of a photo whose story is not yet live. If anything fails, the
    renditions already written are removed before the error goes on.
    """
    rgb = _decoded(image_file)
    stem = PurePosixPath(image_file.name).stem[:60]
    token = secrets.token_urlsafe(16)
    written = []
    try:
        for crop, spec in CROPS.items():
            for image in _sized(rgb, spec, focal):
                for extension in spec["formats"]:
                    pillow_format, options = FORMATS[extension]
                    buffer = io.BytesIO()
                    image.save(buffer, pillow_format, **options)
                    name = f"{prefix}/{stem}-{crop}-{image.width}-{token}.{extension}"
                    saved = default_storage.save(name, ContentFile(buffer.getvalue()))
                    written.append(
                        {
                            "crop": crop,
                            "format": extension,
                            "width": image.width,
                            "height": image.height,
                            "name": saved,
                        }
                    )
    except BaseException:
        delete(written)
        raise
    return written


def delete(renditions) -> None:
    """Remove rendition files (descriptions or names) from storage."""
    for rendition in renditions:
        name = rendition["name"] if isinstance(rendition, dict) else rendition
        if name:
            default_storage.delete(name)


def _decoded(image_file) -> Image.Image:
    image_file.open("rb")
    try:
        return photo_files.decoded(image_file, needed=NEEDED)
    finally:
        image_file.close()


def _sized(rgb: Image.Image, spec: dict, focal):
    """Yield the image cut to the crop's ratio at each of its widths, widest first."""
    ratio = spec["ratio"]
    if ratio is None:
        box = (0, 0, rgb.width, rgb.height)
        ratio = rgb.width / rgb.height
    else:
        box = crop_box(rgb.size, ratio, focal)
    widths = widths_for(round(box[2] - box[0]), spec["widths"])
    widest = None
    for width in reversed(widths):
        size = (width, max(1, round(width / ratio)))
        if widest is None:
            widest = rgb.resize(size, Image.LANCZOS, box=box)
            yield widest
        else:
            yield widest.resize(size, Image.LANCZOS)


def placeholder_image(
    lines: list[str], *, name: str, size=(1200, 675), colour="#5b6152"
) -> ContentFile:
    """Return a JPEG of the given size with the lines of text centred on it."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(14, size[1] // 18))
    line_height = font.size * 1.5
    top = (size[1] - line_height * len(lines)) / 2
    for index, line in enumerate(lines):
        draw.text(
            (size[0] / 2, top + index * line_height), line, fill="white", font=font, anchor="ma"
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    # A named file: Django reads the dimensions of the content it was given.
    return ContentFile(buffer.getvalue(), name=name)
