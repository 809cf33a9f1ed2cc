"""Responsive renditions of photos, and generated placeholder images, made with Pillow."""

import io
import secrets
import warnings
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps

# The most pixels a photo may have: 40 megapixels is more than any news camera makes (a
# 45 MP full-frame sensor aside), and decoding one takes about 120 MB of memory.
MAX_PIXELS = 40_000_000

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


class ImageTooLarge(ValueError):
    """The image has more pixels than a photo may have (or claims to, as a bomb does)."""

    def __init__(self, size: tuple[int, int] | None = None):
        self.size = size
        limit = f"photos may have at most {MAX_PIXELS // 1_000_000} megapixels"
        if size:
            megapixels = size[0] * size[1] / 1_000_000
            message = f"This image is {size[0]} × {size[1]} pixels ({megapixels:.0f} megapixels); "
        else:
            message = "This image claims more pixels than can be processed safely; "
        super().__init__(f"{message}{limit}. Make it smaller and upload it again.")


def check_size(file) -> tuple[int, int]:
    """Return the image's size, read from its header alone; refuse one over the pixel cap.

    Nothing is decoded, so a decompression bomb (a small file that claims a huge size)
    is refused before it can take the memory it asks for.
    """
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Above Image.MAX_IMAGE_PIXELS Pillow warns; the size is refused just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                size = image.size
    except Image.DecompressionBombError as error:  # over twice the limit: no size given
        raise ImageTooLarge() from error
    finally:
        file.seek(0)
    if size[0] * size[1] > MAX_PIXELS:
        raise ImageTooLarge(size)
    return size


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

    Every crop keeps the focal point in view. The names carry a new token each time, so a
    browser or CDN never shows an older crop under a new name. If anything fails, the
    renditions already written are removed before the error goes on.
    """
    rgb = _decoded(image_file)
    stem = PurePosixPath(image_file.name).stem
    token = secrets.token_hex(4)
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
        check_size(image_file)
        with Image.open(image_file) as source:
            # JPEGs decode straight to a smaller scale when they are much wider than needed.
            source.draft("RGB", (LARGEST, LARGEST))
            return _flattened(ImageOps.exif_transpose(source))
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
