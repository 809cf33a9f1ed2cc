import datetime
from urllib.parse import quote_plus

from django import forms
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

from articles.images import share_image
from articles.live import last_change, live_json_ld, live_page, live_page_tags
from articles.models import Article, Author, Section, Status, Tag
from articles.page_tags import tags_for_articles
from articles.paging import UncountedPage
from articles.sanitize import embed_ids, inline_photo_ids, related_article_ids
from articles.search import CANDIDATES as search_candidates
from articles.search import SearchTimedOut, statement_timeout
from articles.seo import article_json_ld, article_meta, json_ld_script
from articles.story import published_story, read_more
from newsroom.links import absolute_url
from newsroom.reversing import reverse
from pagecache.pages import reader_page
from pagecache.tags import add_tags
from publication.services import publication_name

PAGE_SIZE = 12


def _page(request, queryset):
    try:
        return Paginator(queryset, PAGE_SIZE).page(request.GET.get("page", 1))
    except InvalidPage as error:
        raise Http404("No such page.") from error


def _uncounted_page(request, queryset):
    """A page of a list of the archive: "Newer" and "Older", no count of every article."""
    try:
        return UncountedPage(queryset, request.GET.get("page", 1), PAGE_SIZE)
    except InvalidPage as error:
        raise Http404("No such page.") from error


def _last_modified(response, articles):
    moments = [a.modified_at for a in articles] + [a.publish_at for a in articles]
    if moments:
        response["Last-Modified"] = http_date(max(moments).timestamp())
    return response


@reader_page(query=("page",))
def home(request):
    add_tags(request, "lists", "list:home")
    # The editors' lead and top stories in their positions, then the rest newest first.
    page = _uncounted_page(request, Article.objects.front_page().for_listing())
    articles = list(page.object_list)
    lead = articles[0] if page.number == 1 and articles else None
    context = {
        "page": page,
        "lead": lead,
        "latest": articles[1:] if lead else articles,
        "canonical": absolute_url(request.path),
    }
    return _last_modified(render(request, "articles/home.html", context), articles)


@reader_page
def article_detail(request, year, month, day, slug):
    try:
        date = datetime.date(year, month, day)
    except ValueError as error:
        raise Http404("No such date.") from error
    story = published_story(day=date, slug=slug)
    if story is None:
        if _was_removed(date, slug):
            return render(request, "articles/gone.html", status=410)
        raise Http404("No such article.")
    article = story.article
    related = read_more(article)
    add_tags(request, *tags_for_articles([article, *related]))
    add_tags(request, *(f"tag:{tag.pk}" for tag in story.tags))
    add_tags(request, *(f"author:{byline.author_id}" for byline in story.bylines))
    add_tags(request, *(f"photo:{pk}" for pk in inline_photo_ids(article.body)))
    add_tags(request, *(f"article:{pk}" for pk in related_article_ids(article.body)))
    add_tags(request, *(f"embed:{pk}" for pk in embed_ids(article.body)))
    live = live_page(article) if article.live_blog else None
    if live is not None:
        add_tags(request, *live_page_tags(live.entries))
    image = share_image(article.hero_photo)
    canonical = absolute_url(article.get_absolute_url())
    site_name = publication_name(request)
    json_ld = article_json_ld(story, image, site_name=site_name)
    if live is not None:
        json_ld = live_json_ld(json_ld, article, live.entries)
    context = {
        "story": story,
        "article": article,
        "read_more": related,
        "meta": article_meta(
            story,
            canonical=canonical,
            image=image,
            site_name=site_name,
            feed_url=reverse("articles:feed-rss"),
        ),
        "json_ld": json_ld_script(json_ld),
        "live": live,
    }
    response = render(request, "articles/article.html", context)
    changed = [article.modified_at, article.publish_at]
    if article.hero_photo:
        changed.append(article.hero_photo.modified_at)
    if live is not None:
        changed.append(last_change(article, live.entries))
    response["Last-Modified"] = http_date(max(changed).timestamp())
    return response


def _was_removed(day: datetime.date, slug: str) -> bool:
    """Whether a story was published at this address and unpublished since."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    return Article.objects.filter(
        slug=slug,
        status=Status.UNPUBLISHED,
        publish_at__gte=start,
        publish_at__lt=start + datetime.timedelta(days=1),
    ).exists()


def _listing(request, *, heading, articles, obj=None, description="", feed_url=""):
    kind = obj._meta.model_name
    add_tags(request, "lists", f"list:{kind}:{obj.pk}", f"{kind}:{obj.pk}")
    page = _uncounted_page(request, articles.for_listing())
    stories = list(page.object_list)
    lead = stories.pop(0) if page.number == 1 and stories else None
    context = {
        "page": page,
        "lead": lead,
        "stories": stories,
        "heading": heading,
        "object": obj,
        "description": description,
        "feed_url": feed_url,
        "canonical": absolute_url(request.path),
    }
    shown = [lead, *stories] if lead else stories
    return _last_modified(render(request, "articles/list.html", context), shown)


@reader_page(query=("page",))
def section(request, slug):
    obj = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().filter(section=obj)
    return _listing(
        request,
        heading=obj.name,
        articles=articles,
        obj=obj,
        description=obj.description,
        feed_url=reverse("articles:section-feed-rss", args=[obj.slug]),
    )


@reader_page(query=("page",))
def tag(request, slug):
    obj = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=obj)
    return _listing(request, heading=f"Tagged: {obj.name}", articles=articles, obj=obj)


@reader_page(query=("page",))
def author(request, slug):
    obj = get_object_or_404(Author, slug=slug)
    articles = Article.objects.published().filter(bylines__author=obj)
    return _listing(request, heading=obj.name, articles=articles, obj=obj, description=obj.bio)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False, strip=True)


def _in_order(articles, pks: list[int]) -> list:
    """The articles with these pks, as listed, in the order given."""
    found = articles.for_listing().in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


@reader_page(query=("q", "page"))
def search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    add_tags(request, "lists", "search")
    page, timed_out = None, False
    if query:
        try:
            with statement_timeout():
                page = _page(request, Article.objects.published().best_first(query))
                page.object_list = _in_order(Article.objects.published(), page.object_list)
        except SearchTimedOut:
            page, timed_out = None, True
    context = {
        "form": form,
        "query": query,
        "page": page,
        "more_than": page is not None and page.paginator.count >= search_candidates,
        "timed_out": timed_out,
        "query_prefix": f"q={quote_plus(query)}&",
    }
    response = render(request, "articles/search.html", context)
    if timed_out:
        add_never_cache_headers(response)  # not kept: the next try may well succeed
    return response
