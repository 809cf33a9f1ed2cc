"""Credit and caption embedded in an uploaded photo by the camera or the agency."""

from PIL import ExifTags, IptcImagePlugin

from articles.photo_files import open_image

# IPTC IIM datasets (record 2) agencies fill in.
BYLINE, CREDIT, SOURCE, COPYRIGHT, CAPTION = (2, 80), (2, 110), (2, 115), (2, 116), (2, 120)


def read_credit_and_caption(file) -> dict[str, str]:
    """Return photographer, agency, caption and usage terms found in the file (may be empty)."""
    try:
        file.seek(0)
        with open_image(file) as image:
            iptc = IptcImagePlugin.getiptcinfo(image) or {}
            exif = image.getexif()
    except (OSError, SyntaxError, ValueError):  # not an accepted image: no credit to read
        return {}
    finally:
        file.seek(0)
    found = {
        "photographer": _iptc(iptc, BYLINE) or _exif(exif, ExifTags.Base.Artist),
        "agency": _iptc(iptc, CREDIT) or _iptc(iptc, SOURCE),
        "caption": _iptc(iptc, CAPTION) or _exif(exif, ExifTags.Base.ImageDescription),
        "usage_terms": _iptc(iptc, COPYRIGHT) or _exif(exif, ExifTags.Base.Copyright),
    }
    return {field: value for field, value in found.items() if value}


def _iptc(iptc: dict, key: tuple[int, int]) -> str:
    value = iptc.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, bytes):
        return ""
    return value.decode("utf-8", errors="replace").replace("\x00", "").strip()


def _exif(exif, tag: int) -> str:
    value = exif.get(tag)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return str(value).replace("\x00", "").strip() if value else ""
