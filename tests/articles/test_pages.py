import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.views.defaults import server_error

from articles.models import Status
from articles.photos import photo_make_renditions
from pagecache import schedule
from pagecache.tags import ALL, invalidate
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PhotoFactory,
    SectionFactory,
    TagFactory,
)
from tests.articles.html import find, inside, parse

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def own_queries(captured):
    """Leave out the queries of the appeals, the masthead and the newsletters' sign-up form
    (each cached on its own)."""
    kept_apart = ('"support_', '"publication_', '"newsletters_')
    return [q for q in captured if not any(name in q["sql"] for name in kept_apart)]


def test_article_url_uses_the_publication_date_in_utc():
    article = ArticleFactory(
        slug="late-night",
        publish_at=datetime.datetime(2024, 6, 12, 23, 30, tzinfo=datetime.UTC),
    )

    assert article.get_absolute_url() == "/2024/06/12/late-night/"


def test_the_article_page_shows_every_part_of_the_story(client):
    tag = TagFactory(name="Diplomacy")
    first, second = AuthorFactory(name="Ann Lee"), AuthorFactory(name="Bo Kim")
    article = ArticleFactory(
        live=True,
        kicker="Analysis",
        headline="Talks resume",
        dek="Both sides return to the table.",
        dateline="Baku",
        body="<p>Talks resumed on Monday.</p>",
        hero_photo=PhotoFactory(caption="Delegates arrive.", photographer="Jo", agency="AP"),
        hero_caption="Delegates arrive in Baku.",
        tags=[tag],
        authors=[second, first],
        updated_at=timezone.now(),
    )
    CorrectionFactory(article=article, text="An earlier version misnamed the venue.")
    related = ArticleFactory(live=True, headline="Earlier talks", tags=[tag])

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    content = response.content
    assert find(content, "p", class_="kicker")[0]["text"] == "Analysis"
    assert find(content, "h1")[0]["text"] == "Talks resume"
    assert find(content, "p", class_="dek")[0]["text"] == "Both sides return to the table."
    assert find(content, "p", class_="byline")[0]["text"] == "By Bo Kim and Ann Lee"
    dateline = find(content, "p", class_="dateline")[0]["text"]
    assert "Baku" in dateline and "Updated" in dateline
    assert find(content, "figcaption")[0]["text"] == "Delegates arrive in Baku. Jo / AP"
    assert find(content, "figure", class_="hero")
    assert [p["text"] for p in inside(content, "p", "article-body")] == ["Talks resumed on Monday."]
    assert (
        "An earlier version misnamed the venue." in inside(content, "li", "corrections")[0]["text"]
    )
    assert [a["text"] for a in inside(content, "a", "tags")] == ["Diplomacy"]
    assert [h["text"] for h in inside(content, "h3", "read-more")] == [related.headline]


def test_a_wire_story_without_authors_is_credited_to_its_agency(client):
    article = ArticleFactory(live=True, agency="AFP")

    response = client.get(article.get_absolute_url())

    assert find(response.content, "p", class_="byline")[0]["text"] == "AFP"


@pytest.mark.parametrize(
    "status, publish_at",
    [
        (Status.DRAFT, None),
        (Status.IN_REVIEW, None),
        (Status.SCHEDULED, "future"),
    ],
)
def test_articles_readers_may_not_see_answer_404(client, status, publish_at):
    when = timezone.now() + datetime.timedelta(days=1) if publish_at else hours_ago(2)
    article = ArticleFactory(status=status, publish_at=when)

    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/2024/06/12/no-such-story/",
        "/2024/06/13/visible/",
        "/2024/02/30/visible/",
        "/2024/13/12/visible/",
        "/24/06/12/visible/",
    ],
)
def test_unknown_slugs_and_wrong_or_impossible_dates_answer_404(client, path):
    ArticleFactory(
        slug="visible",
        status=Status.PUBLISHED,
        publish_at=datetime.datetime(2024, 6, 12, 9, tzinfo=datetime.UTC),
    )

    response = client.get(path)

    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_the_500_page_is_the_sites_own():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_home_shows_the_lead_story_then_the_latest(client):
    older = ArticleFactory(live=True, publish_at=hours_ago(5), headline="Older")
    newest = ArticleFactory(live=True, publish_at=hours_ago(1), headline="Newest")
    ArticleFactory(status=Status.DRAFT, headline="Draft")

    response = client.get("/")

    assert [h["text"] for h in inside(response.content, "h2", "lead-story")] == [newest.headline]
    headlines = [h["text"] for h in find(response.content, "h3", class_="teaser-headline")]
    assert headlines == [older.headline]
    assert b"Draft" not in response.content


def test_home_leads_with_the_story_the_editors_chose_then_their_order(client):
    chosen = ArticleFactory(live=True, publish_at=hours_ago(9), headline="Chosen lead")
    second = ArticleFactory(live=True, publish_at=hours_ago(8), headline="Second on the front")
    newest = ArticleFactory(live=True, publish_at=hours_ago(1), headline="Newest")
    type(chosen).objects.filter(pk=chosen.pk).update(front_page_position=1)
    type(chosen).objects.filter(pk=second.pk).update(front_page_position=2)

    response = client.get("/")

    assert [h["text"] for h in inside(response.content, "h2", "lead-story")] == [chosen.headline]
    headlines = [h["text"] for h in find(response.content, "h3", class_="teaser-headline")]
    assert headlines == [second.headline, newest.headline]


def test_home_paginates_and_refuses_malformed_page_numbers(client):
    for hour in range(14):
        ArticleFactory(live=True, publish_at=hours_ago(hour + 1))

    assert client.get("/?page=2").status_code == 200
    assert len(find(client.get("/?page=2").content, "h3", class_="teaser-headline")) == 2
    for bad in ("0", "3", "abc", "1.5", "-1", "99999999999999999999", "%00"):
        assert client.get(f"/?page={bad}").status_code == 404, bad


@pytest.mark.parametrize("path", ["/", "/section/world/"])
def test_lists_page_newer_and_older_without_counting_the_archive(client, path):
    world = SectionFactory(name="World", slug="world")
    for hour in range(14):
        ArticleFactory(live=True, section=world, publish_at=hours_ago(hour + 1))

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # (CaptureQueriesContext sees nothing here: a request empties the log it reads.)
    with connection.execute_wrapper(record):
        first = client.get(path)
    second = client.get(path, {"page": "2"})

    assert any('"articles_article"' in sql for sql in statements), statements
    assert not [sql for sql in statements if "COUNT(" in sql]
    assert find(first.content, "a", rel="next")[0]["attrs"]["href"] == "?page=2"
    assert not find(first.content, "a", rel="prev")
    # The first page has one address, without ?page=1.
    assert find(second.content, "a", rel="prev")[0]["attrs"]["href"] == path
    assert not find(second.content, "a", rel="next")
    assert "Page 2" in find(second.content, "nav", class_="pagination")[0]["text"]
    assert client.get(path, {"page": "3"}).status_code == 404


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_section_tag_and_author_pages_list_only_their_published_articles(client, kind):
    section, tag, author = SectionFactory(name="World"), TagFactory(), AuthorFactory()
    mine = ArticleFactory(live=True, section=section, tags=[tag], authors=[author])
    ArticleFactory(status=Status.DRAFT, section=section, tags=[tag], authors=[author])
    other = ArticleFactory(live=True)
    target = {"section": section, "tag": tag, "author": author}[kind]

    response = client.get(target.get_absolute_url())

    headlines = [h["text"] for h in find(response.content, "h2", class_="teaser-headline")]
    assert headlines == [mine.headline]
    assert other.headline.encode() not in response.content
    assert client.get(f"/{kind}/no-such-thing/").status_code == 404


def test_a_plain_anonymous_view_sets_no_cookie_and_touches_no_session(client):
    article = ArticleFactory(live=True)

    for path in ("/", article.get_absolute_url(), "/search/?q=talks"):
        response = client.get(path)
        assert response.status_code == 200
        assert not response.cookies, path
        assert not response.wsgi_request.session.accessed, path


def test_reader_pages_load_nothing_from_another_origin_and_carry_no_inline_code(client):
    article = ArticleFactory(live=True, hero_photo=PhotoFactory(), tags=[TagFactory()])
    page = client.get(article.get_absolute_url()).content

    for element in find(page, "script"):
        if element["attrs"].get("type") == "application/ld+json":
            continue  # data, not code
        assert element["attrs"]["src"].startswith("/static/") and not element["text"].strip()
    for tag, attribute in (("img", "src"), ("source", "srcset"), ("script", "src")):
        for element in find(page, tag):
            assert not element["attrs"].get(attribute, "").startswith(("http:", "https:", "//"))
    stylesheets = [e["attrs"]["href"] for e in find(page, "link", rel="stylesheet")]
    assert stylesheets == ["/static/css/site.css"]
    for element in parse(page):
        assert element["tag"] != "style"
        assert not [name for name in element["attrs"] if name == "style" or name.startswith("on")]


def test_images_have_dimensions_and_are_lazy_only_below_the_fold(client):
    photo = PhotoFactory(image__width=1600, image__height=900)
    photo_make_renditions(photo=photo)
    article = ArticleFactory(live=True, hero_photo=photo, tags=[tag := TagFactory()])
    ArticleFactory(live=True, hero_photo=photo, tags=[tag])

    page = client.get(article.get_absolute_url()).content
    hero, teaser = find(page, "img")

    assert hero["attrs"]["width"] == "960" and hero["attrs"]["height"] == "540"
    assert "loading" not in hero["attrs"]
    assert teaser["attrs"]["loading"] == "lazy"
    assert "1280w" in hero["attrs"]["srcset"] and hero["attrs"]["sizes"]
    assert find(page, "source", type="image/webp")[0]["attrs"]["srcset"].count("w,") == 3
    assert max(r["width"] for r in photo.renditions if r["crop"] == "lead") == 1280


def grow(article, n):
    article.tags.add(*[TagFactory() for _ in range(n)])
    for position in range(n):
        article.bylines.create(author=AuthorFactory(), position=position + 10)
        CorrectionFactory(article=article)
    for _ in range(n):
        ArticleFactory(live=True, tags=[article.tags.first()], hero_photo=PhotoFactory())


def test_the_article_page_runs_at_most_five_queries_of_its_own_whatever_it_shows(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(live=True, hero_photo=PhotoFactory())
    counts = []
    for n in (1, 6):
        grow(article, n)
        cache.clear()
        schedule.remember_next()  # looked up once after a flush, for every page
        with CaptureQueriesContext(connection) as cold:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts.append(len(own_queries(cold.captured_queries)))
        # Only the page cache cleared: the appeals' own data stays cached.
        invalidate(ALL)
        with django_assert_max_num_queries(5):
            assert client.get(article.get_absolute_url()).status_code == 200

    # The article and its bylines, tags and corrections; then its related stories, by tag
    # and section (a separate query, so its cost does not grow with the archive).
    assert counts[0] == counts[1] <= 5


def test_the_home_page_runs_a_fixed_number_of_queries(client):
    counts = []
    for n in (2, 10):
        for _ in range(n):
            article = ArticleFactory(live=True, hero_photo=PhotoFactory(), tags=[TagFactory()])
            article.bylines.create(author=AuthorFactory())
        cache.clear()
        schedule.remember_next()
        with CaptureQueriesContext(connection) as cold:
            assert client.get("/").status_code == 200
        counts.append(len(own_queries(cold.captured_queries)))
        lists = len([q for q in cold.captured_queries if '"newsletters_' in q["sql"]])
        masthead = len(cold.captured_queries) - counts[-1] - lists
        assert counts[-1] <= 3 and masthead <= 3 and lists <= 1

    assert counts[0] == counts[1]


def test_an_edit_to_the_masthead_shows_on_every_page_at_once(client):
    from publication.models import Publication

    first, second = ArticleFactory(live=True), ArticleFactory(live=True)
    pages = [client.get(a.get_absolute_url()).content.decode() for a in (first, second)]
    publication = Publication.load()
    publication.tagline = "Reported from Baku and Yerevan"
    publication.save()
    changed = client.get(first.get_absolute_url()).content.decode()

    assert all("Reported from Baku and Yerevan" not in page for page in pages)
    assert find(changed, "p", class_="tagline")[0]["text"] == "Reported from Baku and Yerevan"
    assert (
        find(changed, "p", class_="footer-tagline")[0]["text"] == "Reported from Baku and Yerevan"
    )


def test_the_masthead_marks_the_section_the_reader_is_on(client):
    world = SectionFactory(name="World", slug="world")
    ArticleFactory(live=True, section=world)

    def current(path):
        page = client.get(path).content.decode()
        return [a["text"] for a in inside(page, "a", "section-nav") if "aria-current" in a["attrs"]]

    assert current("/") == ["Home"]
    assert current("/section/world/") == ["World"]
    assert current("/search/") == []


def test_editors_order_the_sections_of_the_masthead_from_the_section_list(client):
    from tests.articles.factories import UserFactory

    world, sport, culture = (
        SectionFactory(name=name, slug=name.lower(), position=position)
        for name, position in (("World", 1), ("Sport", 2), ("Culture", 3))
    )
    ArticleFactory(live=True, section=world)

    def masthead():
        return [a["text"] for a in inside(client.get("/").content, "a", "section-nav")]

    before = masthead()
    client.force_login(UserFactory(groups=["Editors"]))
    rows = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3", "_save": "Save"}
    for index, (section, position) in enumerate(((world, 3), (sport, 1), (culture, 2))):
        rows |= {f"form-{index}-id": section.pk, f"form-{index}-position": position}
    saved = client.post("/admin/articles/section/", rows)

    assert before == ["Home", "World", "Sport", "Culture"]
    assert saved.status_code == 302
    assert masthead() == ["Home", "Sport", "Culture", "World"]
