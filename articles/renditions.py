"""Responsive renditions of photos, and generated placeholder images, made with Pillow."""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps

WIDTHS = (320, 640, 960, 1280)
FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}


def widths_for(original_width: int) -> list[int]:
    """Return the rendition widths for an image: never wider than the original."""
    widths = [w for w in WIDTHS if w < original_width]
    return widths if original_width > WIDTHS[-1] else [*widths, original_width]


def render(image_file, *, prefix: str) -> list[dict]:
    """Write WebP and JPEG renditions of an image to storage; return their descriptions."""
    image_file.open("rb")
    try:
        with Image.open(image_file) as source:
            source = ImageOps.exif_transpose(source)
            rgb = _flattened(source)
    finally:
        image_file.close()
    stem = PurePosixPath(image_file.name).stem
    renditions = []
    for width in widths_for(rgb.width):
        height = max(1, round(rgb.height * width / rgb.width))
        resized = rgb if width == rgb.width else rgb.resize((width, height), Image.LANCZOS)
        for extension, (pillow_format, options) in FORMATS.items():
            name = f"{prefix}/{stem}-{width}.{extension}"
            buffer = io.BytesIO()
            resized.save(buffer, pillow_format, **options)
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(buffer.getvalue()))
            renditions.append(
                {"format": extension, "width": width, "height": height, "name": saved}
            )
    return renditions


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or "transparency" in image.info:
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    return image.convert("RGB")


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
