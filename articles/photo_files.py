"""What a photo file may be, told from its content, and decoding one within a memory budget.

Formats: JPEG, PNG, WebP and GIF, decided by what the file holds; Pillow is never asked to
open anything else (its EPS loader runs Ghostscript, and formats nobody sends a newsroom
are code nobody needs to trust). The stored file's extension follows the format, so the
content type it is served with is what it is, not what it was called.

Memory: decoded, Pillow keeps a pixel in one byte (bilevel, grey, palette), two (16-bit
grey) or four (everything else, RGB included). Only the decode itself is full size: a JPEG
decodes straight to a smaller scale (draft), and any other image is cut into strips that
are each converted, reduced by a whole factor and flattened into a working copy no larger
than the renditions need. An image whose decode and working copy together would exceed
DECODE_BUDGET (a 40,000 × 1,000 RGB panorama, say, which cannot be reduced and still fill
the lead crop) is refused at upload, from its header.
"""

import math
import warnings
from pathlib import PurePosixPath

from PIL import ExifTags, Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

# The most pixels a photo may have: 40 megapixels is more than any news camera makes (a
# 45 MP full-frame sensor aside).
MAX_PIXELS = 40_000_000
# The most a decode and its working copy may take together: a 40 MP RGBA PNG takes 160 MB
# and its working copy 5 MB, so a worker (about 100 MB before it starts) stays under 400 MB.
DECODE_BUDGET = 200_000_000
# Rows of the full-size image converted and reduced at a time (times the reduction).
STRIP_ROWS = 64

# EXIF orientations and the transposition that makes each upright (as ImageOps.exif_transpose).
ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Modes Pillow's reduce() takes; a strip in another mode is converted first.
REDUCIBLE = {"L", "LA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr", "I", "F"}


class ImageTooLarge(ValueError):
    """The image has more pixels than a photo may have (or claims to, as a bomb does)."""

    def __init__(self, size: tuple[int, int] | None = None, *, shape: bool = False):
        self.size = size
        limit = f"photos may have at most {MAX_PIXELS // 1_000_000} megapixels"
        if size and shape:
            message = (
                f"This image is {size[0]} × {size[1]} pixels: too long and narrow to make the "
                "page sizes from within the memory a photo may take. Crop it or make it "
                "smaller and upload it again."
            )
        elif size:
            megapixels = size[0] * size[1] / 1_000_000
            message = (
                f"This image is {size[0]} × {size[1]} pixels ({megapixels:.0f} megapixels); "
                f"{limit}. Make it smaller and upload it again."
            )
        else:
            message = (
                f"This image claims more pixels than can be processed safely; {limit}. "
                "Make it smaller and upload it again."
            )
        super().__init__(message)


class UnsupportedImage(ValueError):
    """The file is not an image in one of the accepted formats, whatever its name says."""

    def __init__(self):
        super().__init__(
            "Upload a valid image: a photo as a JPEG, PNG, WebP or GIF file. "
            "This file is none of them, whatever its name says."
        )


def open_image(file) -> Image.Image:
    """Open an image of an accepted format (lazily: only its header is read)."""
    try:
        return Image.open(file, formats=tuple(ACCEPTED_FORMATS))
    except UnidentifiedImageError as error:
        raise UnsupportedImage() from error


def check_image(file, *, needed: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    """Return the image's format and size, read from its header alone; refuse a format not
    accepted, more pixels than the cap, or a decode that would not fit the budget.

    Nothing is decoded, so a decompression bomb (a small file that claims a huge size) is
    refused before it can take the memory it asks for. `needed` is the smallest working
    size the renditions can be cut from (see decoded).
    """
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Above Image.MAX_IMAGE_PIXELS Pillow warns; the size is refused just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with open_image(file) as image:
                image_format, size = image.format, image.size
                if size[0] * size[1] > MAX_PIXELS:
                    raise ImageTooLarge(size)
                needed = _as_stored(needed, image)
                image.draft("RGB", needed)
                if _decode_cost(image.mode, image.size, needed) > DECODE_BUDGET:
                    raise ImageTooLarge(size, shape=True)
    except Image.DecompressionBombError as error:  # over twice the limit: no size given
        raise ImageTooLarge() from error
    finally:
        file.seek(0)
    return image_format, size


def stored_name(name: str, image_format: str) -> str:
    """Return the file's name with the extension of its format ("evil.pdf" -> "evil.png")."""
    stem = PurePosixPath(name).stem or "photo"
    return f"{stem}.{ACCEPTED_FORMATS[image_format]}"


def decoded(file, *, needed: tuple[int, int]) -> Image.Image:
    """Return the image as RGB, upright, at the smallest whole fraction of its size that is
    still at least `needed` (width, height) where the image is: every crop is cut from it."""
    check_image(file, needed=needed)
    with open_image(file) as source:
        method = ORIENTATIONS.get(source.getexif().get(ExifTags.Base.Orientation))
        needed = _as_stored(needed, source)
        source.draft("RGB", needed)
        working = _reduced_and_flattened(source, _factor(source.size, needed))
    return working.transpose(method) if method is not None else working


def _as_stored(needed: tuple[int, int], image: Image.Image) -> tuple[int, int]:
    """The needed size as the pixels are stored: a photo turned a quarter stores it across."""
    turned = image.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8)
    return (needed[1], needed[0]) if turned else needed


def _factor(size: tuple[int, int], needed: tuple[int, int]) -> int:
    return max(1, min(size[0] // needed[0], size[1] // needed[1]))


def _bytes_per_pixel(mode: str) -> int:
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _decode_cost(mode: str, size: tuple[int, int], needed: tuple[int, int]) -> int:
    factor = _factor(size, needed)
    working = math.ceil(size[0] / factor) * math.ceil(size[1] / factor)
    return size[0] * size[1] * _bytes_per_pixel(mode) + working * 4


def _reduced_and_flattened(source: Image.Image, factor: int) -> Image.Image:
    """Convert, reduce and flatten the decoded image a strip at a time into an RGB copy.

    Whole-image conversions would each copy the full size (reduce() itself premultiplies
    an RGBA image into a full-size copy first).
    """
    width, height = source.size
    working = Image.new("RGB", (math.ceil(width / factor), math.ceil(height / factor)), "white")
    step = STRIP_ROWS * factor
    for top in range(0, height, step):
        strip = source.crop((0, top, width, min(top + step, height)))
        if strip.mode not in REDUCIBLE:
            strip = strip.convert("RGBA" if _transparent(strip) else "RGB")
        if factor > 1:
            strip = strip.reduce(factor)
        working.paste(_flattened(strip), (0, top // factor))
    return working


def _transparent(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _flattened(image: Image.Image) -> Image.Image:
    if _transparent(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
