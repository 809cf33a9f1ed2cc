"""Embeds: which providers we know, and resolving an editor's URL into a kept Embed.

YouTube, Vimeo, X, Datawrapper and Flourish answer oEmbed: their title, author and
thumbnail are fetched once, when the editor adds the URL, from their own hosts only (see
articles.safe_fetch), and kept with a copy of the thumbnail. Telegram, Instagram and maps
have no open oEmbed: they become link cards, fetched from nowhere. Anything else stays a
plain link. A provider that is down leaves the link and the error; resolving again retries.
"""

import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Embed, Provider
from articles.photo_files import UnsupportedImage, open_image
from articles.safe_fetch import FetchError, fetch
from articles.sanitize import embed_ids
from newsroom.queue import after_commit
from pagecache.tags import invalidate

RETRY = "articles.tasks.resolve_failed_embeds"
OEMBED_LIMIT = 64 * 1024
THUMBNAIL_LIMIT = 2 * 1024 * 1024
THUMBNAIL_PIXELS = 20_000_000
THUMBNAIL_BOX = (1280, 720)
HTML_LIMIT = 10_000
HTML_TAGS = {"blockquote", "p", "a", "br", "em", "strong"}


@dataclass(frozen=True)
class Spec:
    provider: Provider
    hosts: frozenset[str]
    oembed: str = ""  # the endpoint; none: a link card
    thumbnail_hosts: frozenset[str] = frozenset()
    frame_origin: str = ""  # what a reader's press loads, and the CSP's frame-src
    path: re.Pattern = field(default=re.compile(""))  # the URL's path must match


def _hosts(*names: str) -> frozenset[str]:
    return frozenset(names)


SPECS = (
    Spec(
        Provider.YOUTUBE,
        _hosts("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"),
        "https://www.youtube.com/oembed?format=json&url={url}",
        _hosts("i.ytimg.com"),
        "https://www.youtube-nocookie.com",
    ),
    Spec(
        Provider.VIMEO,
        _hosts("vimeo.com", "www.vimeo.com", "player.vimeo.com"),
        "https://vimeo.com/api/oembed.json?dnt=1&url={url}",
        _hosts("i.vimeocdn.com"),
        "https://player.vimeo.com",
    ),
    Spec(
        Provider.X,
        _hosts("x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"),
        "https://publish.twitter.com/oembed?omit_script=1&dnt=true&url={url}",
        frozenset(),
        "https://platform.twitter.com",
        re.compile(r"/[^/]+/status/[0-9]+"),
    ),
    Spec(
        Provider.DATAWRAPPER,
        _hosts("datawrapper.dwcdn.net", "www.datawrapper.de"),
        "https://api.datawrapper.de/v3/oembed?format=json&url={url}",
        _hosts("datawrapper.dwcdn.net"),
        "https://datawrapper.dwcdn.net",
    ),
    Spec(
        Provider.FLOURISH,
        _hosts("public.flourish.studio", "flo.uri.sh"),
        "https://app.flourish.studio/api/v1/oembed?format=json&url={url}",
        _hosts("public.flourish.studio"),
        "https://flo.uri.sh",
    ),
    Spec(Provider.TELEGRAM, _hosts("t.me", "telegram.me")),
    Spec(Provider.INSTAGRAM, _hosts("instagram.com", "www.instagram.com")),
    Spec(
        Provider.MAP,
        _hosts("www.openstreetmap.org", "openstreetmap.org", "maps.google.com", "maps.app.goo.gl"),
    ),
    Spec(Provider.MAP, _hosts("www.google.com", "google.com"), path=re.compile(r"/maps(/|$)")),
)


class EmbedUrlError(ValueError):
    """The editor's text is not an address an embed can be made of."""


def spec_for(url: str) -> Spec | None:
    """Return the provider of a URL, or None for one we do not know."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for spec in _specs():
        if host in spec.hosts and spec.path.match(parts.path or "/"):
            return spec
    return None


def _specs() -> tuple[Spec, ...]:
    """The providers, with the test-only overrides of settings.EMBED_TEST_PROVIDERS."""
    overrides = getattr(settings, "EMBED_TEST_PROVIDERS", {})
    if not overrides:
        return SPECS
    return tuple(_override(spec, overrides.get(spec.provider.value)) for spec in SPECS)


def _override(spec: Spec, given: dict | None) -> Spec:
    if not given:
        return spec
    values = {**spec.__dict__, **given}
    for name in ("hosts", "thumbnail_hosts"):
        values[name] = frozenset(values[name])
    return Spec(**values)


def frame_origins() -> list[str]:
    """Return the origins a reader's press may load frames from (the CSP's frame-src)."""
    return sorted({spec.frame_origin for spec in _specs() if spec.frame_origin})


def normalise_url(text: str) -> str:
    url = (text or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise EmbedUrlError("Paste a web address starting with https://.")
    if parts.username or parts.password:
        raise EmbedUrlError("An embed's address may not carry a user name or password.")
    return url


def embed_for_url(*, url: str) -> Embed:
    """Return the kept embed for an editor's URL, resolving it if it never was (or failed)."""
    url = normalise_url(url)
    spec = spec_for(url)
    embed, _ = Embed.objects.get_or_create(
        url=url, defaults={"provider": spec.provider if spec else Provider.UNKNOWN}
    )
    if embed.resolved_at is None or embed.error:
        embed_resolve(embed=embed)
    return embed


def embeds_retry_failed_later(*, body: str) -> list[int]:
    """Ask a worker, after this transaction commits, to resolve again the body's embeds that
    failed (a story saved again retries them); return their ids."""
    failed = list(
        Embed.objects.filter(pk__in=embed_ids(body)).exclude(error="").values_list("pk", flat=True)
    )
    if failed:
        after_commit(RETRY, [(failed,)])
    return failed


def embeds_retry_failed(*, ids: list[int]) -> int:
    """Resolve again those of the embeds that failed; return how many still fail."""
    return sum(
        bool(embed_resolve(embed=embed).error)
        for embed in Embed.objects.filter(pk__in=ids).exclude(error="")
    )


def embed_resolve(*, embed: Embed) -> Embed:
    """Fetch the embed's oEmbed answer and thumbnail again; keep them, or the error."""
    spec = spec_for(embed.url)
    embed.provider = spec.provider if spec else Provider.UNKNOWN
    embed.error, embed.resolved_at = "", timezone.now()
    if spec is None:
        embed.frame_url = ""
    elif spec.oembed:
        try:
            _apply_oembed(embed, spec)
        except FetchError as error:
            embed.error = str(error)[:300]
    embed.save()
    invalidate(f"embed:{embed.pk}")  # the pages that show it draw it anew
    return embed


def _apply_oembed(embed: Embed, spec: Spec) -> None:
    endpoint = spec.oembed.format(url=quote(embed.url, safe=""))
    hosts = {urlsplit(endpoint).hostname}
    raw = fetch(endpoint, hosts=hosts, limit=OEMBED_LIMIT, accept="application/json")
    try:
        answer = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise FetchError("The provider's answer is not oEmbed JSON.") from error
    if not isinstance(answer, dict):
        raise FetchError("The provider's answer is not oEmbed JSON.")
    embed.title = _text(answer.get("title"), 300)
    embed.author = _text(answer.get("author_name"), 200)
    markup = answer.get("html") if isinstance(answer.get("html"), str) else ""
    embed.html = "" if len(markup) > HTML_LIMIT else nh3.clean(markup, tags=HTML_TAGS)
    embed.frame_url = frame_url(embed.url, spec, markup)
    thumbnail = answer.get("thumbnail_url")
    if isinstance(thumbnail, str) and thumbnail:
        _keep_thumbnail(embed, spec, thumbnail)


def _text(value, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if isinstance(value, str | int) else ""


IFRAME_SRC = re.compile(r'<iframe[^>]*\ssrc="([^"]+)"')


def frame_url(url: str, spec: Spec, markup: str) -> str:
    """Return what a press loads: the oEmbed iframe's address when it is on the provider's
    frame origin, or one built from the URL (X answers with no iframe)."""
    if spec.provider == Provider.X:
        status = re.search(r"/status/([0-9]+)", urlsplit(url).path)
        return f"{spec.frame_origin}/embed/Tweet.html?dnt=true&id={status.group(1)}"
    found = IFRAME_SRC.search(markup)
    if not found:
        return ""
    src = found.group(1).replace("&amp;", "&")
    if spec.provider == Provider.YOUTUBE:
        src = re.sub(
            r"\Ahttps://(www\.)?youtube\.com/embed/", "https://www.youtube-nocookie.com/embed/", src
        )
    parts = urlsplit(src)
    return src if f"{parts.scheme}://{parts.netloc}" == spec.frame_origin else ""


def _keep_thumbnail(embed: Embed, spec: Spec, url: str) -> None:
    """Keep a re-encoded copy of the thumbnail; a bad one is left out, not an error."""
    try:
        raw = fetch(url, hosts=set(spec.thumbnail_hosts), limit=THUMBNAIL_LIMIT, accept="image/*")
        with open_image(io.BytesIO(raw)) as image:  # the photo library's formats only
            if image.width * image.height > THUMBNAIL_PIXELS:
                return
            image = image.convert("RGB")
            image.thumbnail(THUMBNAIL_BOX)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
    except (FetchError, UnsupportedImage, OSError, Image.DecompressionBombError):
        return
    previous = embed.thumbnail.name
    embed.thumbnail.save(f"{embed.provider}.jpg", ContentFile(out.getvalue()), save=False)
    if previous:
        embed.thumbnail.storage.delete(previous)  # the pages showing it are redrawn
