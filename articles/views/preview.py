"""Signed preview links: any story to whoever holds a fresh link, account or not.

A link names the story and its preview generation. An editor revokes the links given out
so far (articles.workflow.article_revoke_previews) and unpublishing does too; a revoked
link, or one to a story withdrawn or deleted since, says the story is no longer available.
"""

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from articles.live import live_page
from articles.models import Article, Status
from articles.story import any_story

SALT = "articles.preview"
GONE = "This story is no longer available."


def preview_token(article: Article) -> str:
    value = f"{article.pk}.{article.preview_generation}"
    return signing.TimestampSigner(salt=SALT).sign(value)


def preview(request, token):
    """Show the story the link names, or say why not."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.ARTICLE_PREVIEW_MAX_AGE
        )
        pk, generation = _parsed(value)
    except signing.SignatureExpired:
        return _invalid(request, "This preview link has expired. Ask an editor for a new one.")
    except (signing.BadSignature, ValueError):
        return _invalid(request, "This preview link is not valid.")
    story = any_story(pk=pk)
    if story is None or story.article.status == Status.UNPUBLISHED:
        return _invalid(request, GONE, status=410)
    if generation != story.article.preview_generation:
        return _invalid(request, f"{GONE} The newsroom has withdrawn this preview link.", 410)
    article = story.article
    live = live_page(article, poll=False) if article.live_blog else None
    context = {"story": story, "article": article, "preview": True, "live": live}
    response = render(request, "articles/article.html", context)
    return _private(response)


def _parsed(value: str) -> tuple[int, int]:
    """The story and generation a link names; links made before there were generations
    name the first."""
    pk, _, generation = value.partition(".")
    return int(pk), int(generation or 0)


def _invalid(request, reason, status=404):
    response = render(request, "articles/preview_invalid.html", {"reason": reason}, status=status)
    return _private(response)


def _private(response):
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
