from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from articles.models import Article
from articles.story import any_story

SALT = "articles.preview"


def preview_token(article: Article) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(article.pk))


def preview(request, token):
    """Show any article to whoever holds a fresh signed link, account or not."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.ARTICLE_PREVIEW_MAX_AGE
        )
        story = any_story(pk=int(pk))
    except signing.SignatureExpired:
        return _invalid(request, "This preview link has expired. Ask an editor for a new one.")
    except (signing.BadSignature, ValueError):
        return _invalid(request, "This preview link is not valid.")
    if story is None:
        return _invalid(request, "This preview link is not valid.")
    context = {"story": story, "article": story.article, "preview": True}
    response = render(request, "articles/article.html", context)
    return _private(response)


def _invalid(request, reason):
    response = render(request, "articles/preview_invalid.html", {"reason": reason}, status=404)
    return _private(response)


def _private(response):
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
