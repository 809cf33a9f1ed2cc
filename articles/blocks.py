"""The reader page's story blocks, drawn from the shapes articles.sanitize keeps.

Each kind of block is loaded in one query, whatever the number of blocks: related stories
from our own published stories only, embeds from their kept records. Pull quotes and fact
boxes are drawn as stored; tables get a scrolling frame that keyboards can reach.
"""

import html
import re

from django.utils.html import format_html
from markupsafe import Markup

from articles.models import Article, Embed, Provider
from articles.sanitize import EMBED, RELATED, embed_ids, record_id, related_article_ids

TABLE = re.compile(r"<table>(\s*<caption>(.*?)</caption>)?", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def has_blocks(body: str) -> bool:
    """Whether the body holds a block that needs the blocks' stylesheet."""
    return 'data-block="' in (body or "") or "<table>" in (body or "")


def has_embeds(body: str) -> bool:
    return bool(EMBED.search(body or ""))


def with_blocks(body: str) -> str:
    """Return the body with its related stories, embeds and tables drawn."""
    if not has_blocks(body):
        return body
    related_ids = related_article_ids(body)
    stories = (
        Article.objects.published()
        .only("pk", "headline", "slug", "publish_at")
        .in_bulk(related_ids)
        if related_ids
        else {}
    )
    embeds = Embed.objects.in_bulk(embed_ids(body))
    body = RELATED.sub(lambda m: _related(stories.get(record_id(m.group(1)))), body)
    body = EMBED.sub(lambda m: _embed(embeds.get(record_id(m.group(1))), m.group(2)), body)
    body = TABLE.sub(_table, body)
    return body.replace("</table>", "</table></div>")


def _related(article) -> str:
    if article is None:
        return ""  # unpublished since, or never ours
    return format_html(
        '<p class="related-story"><span class="related-label">Related</span> '
        '<a href="{}">{}</a></p>',
        article.get_absolute_url(),
        article.headline,
    )


def _table(match) -> str:
    caption = html.unescape(" ".join(_TAGS.sub("", match.group(2) or "").split()))
    return format_html(
        '<div class="table-scroll" role="region" tabindex="0" aria-label="{}">{}',
        caption or "Table",
        Markup(match.group(0)),  # noqa: S704 (the body is sanitised when saved)
    )


def _embed(embed, stored: str) -> str:
    if embed is None:
        return f'<p class="embed-link">{stored}</p>' if "<a " in stored else ""
    if embed.error or embed.provider == Provider.UNKNOWN:
        return format_html('<p class="embed-link"><a href="{}">{}</a></p>', embed.url, embed.url)
    return embed_card(embed)


def embed_card(embed) -> str:
    """The card a reader sees: the kept thumbnail, title and a button that loads the rest."""
    provider = embed.provider_name
    thumbnail = (
        format_html(
            '<img src="{}" width="{}" height="{}" alt="" loading="lazy" decoding="async">',
            embed.thumbnail.url,
            embed.thumbnail_width,
            embed.thumbnail_height,
        )
        if embed.thumbnail
        else ""
    )
    byline = (
        format_html('<span class="embed-author">{}</span>', embed.author) if embed.author else ""
    )
    if not embed.frame_url:  # a link card: nothing to load
        return format_html(
            '<figure class="embed-card embed-link-card">{}<figcaption><a href="{}">{}</a>{}'
            '<span class="embed-provider">On {}</span></figcaption></figure>',
            thumbnail, embed.url, embed.title or embed.url, byline, provider,
        )  # fmt: skip
    return format_html(
        '<figure class="embed-card" data-embed-frame="{}" data-embed-title="{}">{}'
        '<figcaption><a href="{}">{}</a>{}'
        '<p class="embed-consent"><button type="button" class="embed-load">'
        "Load content from {}</button> <span>Pressing it lets {} see your visit.</span></p>"
        "</figcaption></figure>",
        embed.frame_url, embed.title or provider, thumbnail, embed.url, embed.title or embed.url,
        byline, provider, provider,
    )  # fmt: skip


def for_feed(body: str) -> str:
    """Return the body as feeds carry it: an embed as its link, no related-story blocks."""
    body = RELATED.sub("", body or "")
    return EMBED.sub(lambda m: f"<p>{m.group(2)}</p>" if "<a " in m.group(2) else "", body)
