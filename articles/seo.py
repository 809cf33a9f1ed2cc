"""Absolute URLs and structured data for search engines and social cards."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def publisher() -> dict:
    from publication.services import publication_name

    return {"@type": "NewsMediaOrganization", "name": publication_name(), "url": absolute_url("/")}


def article_json_ld(article, image: dict | None) -> dict:
    """Return schema.org NewsArticle data for a published article."""
    url = absolute_url(article.get_absolute_url())
    authors = [
        {"@type": "Person", "name": b.author.name, "url": absolute_url(b.author.get_absolute_url())}
        for b in article.bylines.all()
    ]
    if not authors and article.agency:
        authors = [{"@type": "Organization", "name": article.agency}]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": article.headline,
        "description": article.description,
        "datePublished": article.publish_at.isoformat(),
        "dateModified": (article.reader_updated_at or article.publish_at).isoformat(),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "author": authors or [publisher()],
        "publisher": publisher(),
        "isAccessibleForFree": True,
    }
    if image:
        data["image"] = [_image_object(article, image)]
    return data


def _image_object(article, image: dict) -> dict:
    photo = article.hero_photo
    data = {
        "@type": "ImageObject",
        "url": image["url"],
        "contentUrl": image["url"],
        "width": image["width"],
        "height": image["height"],
        "caption": article.caption,
        "creditText": photo.credit_line,
        "copyrightNotice": photo.copyright_notice,
    }
    if photo.licence_url:
        data["license"] = photo.licence_url
    if photo.source_url:
        data["acquireLicensePage"] = photo.source_url
    return {key: value for key, value in data.items() if value not in ("", None)}


def json_ld_script(data: dict) -> SafeString:
    """Return a JSON-LD script element that no string inside it can break out of."""
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308
