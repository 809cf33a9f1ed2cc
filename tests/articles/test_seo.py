import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, Status
from articles.seed import load_peacekeeper_story
from articles.views.preview import preview_token
from tests.articles.factories import ArticleFactory, AuthorFactory, PhotoFactory, SectionFactory
from tests.articles.html import find, json_ld, meta

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
STORY = "/2024/06/12/russian-peacekeepers-complete-withdrawal-from-nagorno-karabakh/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def test_the_article_page_has_canonical_open_graph_and_twitter_tags(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the renditions
        load_peacekeeper_story()

    page = client.get(STORY).content

    assert find(page, "link", rel="canonical")[0]["attrs"]["href"] == SITE + STORY
    assert meta(page, "og:type") == ["article"]
    assert meta(page, "og:url") == [SITE + STORY]
    assert meta(page, "og:title") == [
        "Russian Peacekeepers Complete Withdrawal from Nagorno-Karabakh"
    ]
    assert meta(page, "og:image")[0].startswith(SITE + "/media/renditions/")
    assert meta(page, "og:image:width") == ["1200"]
    assert meta(page, "og:image:height") == ["628"]  # the social card's 1.91:1
    assert meta(page, "article:published_time") == ["2024-06-12T14:00:00+00:00"]
    assert meta(page, "twitter:card") == ["summary_large_image"]
    assert meta(page, "description")[0].startswith("Russian peacekeepers on Wednesday")


def test_the_article_page_describes_itself_as_a_news_article_with_credited_image(client):
    photo = PhotoFactory(
        photographer="Stringer",
        agency="AFP",
        licence_url="https://example.org/licence",
        source_url="https://example.org/photo/1",
    )
    author = AuthorFactory(name="Ann Lee", slug="ann-lee")
    article = ArticleFactory(
        live=True, hero_photo=photo, authors=[author], seo_title="Short title for search"
    )

    data = json_ld(client.get(article.get_absolute_url()).content)

    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline
    assert data["datePublished"] == article.publish_at.isoformat()
    assert data["dateModified"] == article.publish_at.isoformat()
    assert data["author"] == [
        {"@type": "Person", "name": "Ann Lee", "url": SITE + "/author/ann-lee/"}
    ]
    assert data["publisher"]["name"] == "The Moscow Times"
    image = data["image"][0]
    assert image["creditText"] == "Stringer / AFP"
    assert image["copyrightNotice"] == "© AFP"
    assert image["license"] == "https://example.org/licence"
    assert image["acquireLicensePage"] == "https://example.org/photo/1"


def test_json_ld_cannot_be_broken_out_of_by_a_headline(client):
    article = ArticleFactory(live=True, headline="</script><script>alert(1)</script>")

    page = client.get(article.get_absolute_url()).content

    assert json_ld(page)["headline"] == "</script><script>alert(1)</script>"
    assert b"<script>alert" not in page


def test_a_meaningful_update_is_shown_as_date_modified(client):
    article = ArticleFactory(live=True)
    article.updated_at = article.publish_at + datetime.timedelta(hours=3)
    article.save()

    data = json_ld(client.get(article.get_absolute_url()).content)

    assert data["dateModified"] == article.updated_at.isoformat()


@pytest.mark.parametrize("path", ["/rss/", "/atom/"])
def test_site_feeds_parse_and_list_the_published_story(client, path):
    load_peacekeeper_story()
    ArticleFactory(status=Status.DRAFT, headline="Secret draft")

    response = client.get(path)

    root = ET.fromstring(response.content)
    if path == "/rss/":
        items = root.findall("./channel/item")
        links = [item.findtext("link") for item in items]
        titles = [item.findtext("title") for item in items]
    else:
        items = root.findall(f"{ATOM}entry")
        links = [e.find(f"{ATOM}link").get("href") for e in items]
        titles = [e.findtext(f"{ATOM}title") for e in items]
    assert links == [SITE + STORY]
    assert titles == ["Russian Peacekeepers Complete Withdrawal from Nagorno-Karabakh"]


def test_section_feeds_list_only_their_section(client):
    world = SectionFactory(name="World", slug="world")
    mine = ArticleFactory(live=True, section=world)
    ArticleFactory(live=True)

    for path in ("/section/world/rss/", "/section/world/atom/"):
        response = client.get(path)
        assert response.status_code == 200
        assert ET.fromstring(response.content) is not None
        assert response.content.count(mine.headline.encode()) == 1
    assert client.get("/section/nowhere/rss/").status_code == 404


def sitemap_locations(client, path="/sitemap.xml") -> dict[str, str]:
    """Follow the sitemap index; return {URL: lastmod} of every page it leads to."""
    response = client.get(path)
    assert response.status_code == 200, path
    root = ET.fromstring(response.content)
    found = {}
    for entry in root.findall(f"{SITEMAP}sitemap"):
        found |= sitemap_locations(client, entry.findtext(f"{SITEMAP}loc").removeprefix(SITE))
    for entry in root.findall(f"{SITEMAP}url"):
        found[entry.findtext(f"{SITEMAP}loc")] = entry.findtext(f"{SITEMAP}lastmod")
    return found


def test_the_sitemap_lists_the_story_and_its_section(client):
    load_peacekeeper_story()
    ArticleFactory(status=Status.DRAFT, slug="hidden")

    locations = sitemap_locations(client)

    assert SITE + STORY in locations
    assert SITE + "/section/news/" in locations
    assert not [loc for loc in locations if "hidden" in loc]


def test_every_published_article_is_reachable_from_the_sitemap_index(client, monkeypatch):
    from articles import sitemaps

    monkeypatch.setattr(sitemaps, "PART_SIZE", 3)
    now = timezone.now()
    published = [
        ArticleFactory(status=Status.PUBLISHED, publish_at=now - datetime.timedelta(days=d))
        for d in (1, 2, 3, 4, 5, 40, 41, 400, 800)
    ]
    ArticleFactory(status=Status.SCHEDULED, publish_at=now + datetime.timedelta(days=1))
    ArticleFactory(status=Status.UNPUBLISHED, publish_at=now - datetime.timedelta(days=1))

    locations = sitemap_locations(client)

    articles = {loc for loc in locations if loc.count("/") > 6}
    assert articles == {SITE + a.get_absolute_url() for a in published}
    for article in published:
        lastmod = datetime.datetime.fromisoformat(locations[SITE + article.get_absolute_url()])
        assert lastmod == article.modified_at.replace(microsecond=0)


def test_the_sitemap_index_gives_each_month_its_newest_change(client):
    old = ArticleFactory(live=True, publish_at=datetime.datetime(2024, 6, 12, tzinfo=datetime.UTC))
    ArticleFactory(live=True, publish_at=datetime.datetime(2024, 6, 2, tzinfo=datetime.UTC))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3), tick=False):
        old.save()  # edited three days later
        root = ET.fromstring(client.get("/sitemap.xml").content)

    entries = {
        e.findtext(f"{SITEMAP}loc"): e.findtext(f"{SITEMAP}lastmod")
        for e in root.findall(f"{SITEMAP}sitemap")
    }
    june = entries[SITE + "/sitemaps/articles-2024-06.xml"]
    assert datetime.datetime.fromisoformat(june) == old.modified_at.replace(microsecond=0)


@pytest.mark.parametrize(
    "path",
    [
        "/sitemaps/articles-2024-13.xml",
        "/sitemaps/articles-2024-06.xml?part=2",
        "/sitemaps/articles-2024-06.xml?part=x",
        "/sitemaps/articles-2024-06.xml?part=-1",
        "/sitemaps/articles-1999-01.xml",
    ],
)
def test_a_sitemap_that_does_not_exist_is_not_found(client, path):
    ArticleFactory(live=True, publish_at=datetime.datetime(2024, 6, 12, tzinfo=datetime.UTC))

    assert client.get(path).status_code == 404


def test_the_news_sitemap_lists_only_the_last_two_days(client):
    load_peacekeeper_story()
    fresh = ArticleFactory(live=True, headline="Fresh news")
    ArticleFactory(status=Status.PUBLISHED, publish_at=timezone.now() - datetime.timedelta(days=3))

    root = ET.fromstring(client.get("/news-sitemap.xml").content)

    urls = root.findall(f"{SITEMAP}url")
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == [SITE + fresh.get_absolute_url()]
    assert urls[0].findtext(f"{NEWS}news/{NEWS}title") == "Fresh news"
    assert urls[0].findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name") == "The Moscow Times"


def test_robots_txt_points_to_the_sitemaps_and_keeps_crawlers_out_of_previews(client):
    text = client.get("/robots.txt").content.decode()

    assert f"Sitemap: {SITE}/sitemap.xml" in text
    assert "Disallow: /preview/" in text and "Disallow: /admin/" in text


def test_a_signed_preview_link_shows_a_draft_without_an_account(client):
    draft = ArticleFactory(status=Status.DRAFT, headline="Not yet public")

    response = client.get(f"/preview/{preview_token(draft)}/")

    assert response.status_code == 200
    assert find(response.content, "h1")[0]["text"] == "Not yet public"
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert meta(response.content, "robots") == ["noindex, nofollow"]
    assert not find(response.content, "link", rel="canonical")


def test_a_preview_link_expires(client, settings):
    draft = ArticleFactory(status=Status.DRAFT)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=4)):
        token = preview_token(draft)

    response = client.get(f"/preview/{token}/")

    assert response.status_code == 404
    assert b"This preview link has expired" in response.content
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["nonsense", "1:abc:def", "99999:1a2b3c:forged"])
def test_a_forged_preview_link_is_refused(client, token):
    ArticleFactory(status=Status.DRAFT)

    response = client.get(f"/preview/{token}/")

    assert response.status_code == 404
    assert b"not valid" in response.content


def test_atom_summaries_are_plain_text_and_the_full_text_is_sanitised_html(client):
    ArticleFactory(
        live=True,
        dek="Why <b>bold</b> & <script>x</script> stay text",
        body='<p>First <em>paragraph</em>.</p><p onclick="steal()">Second.</p>',
    )

    entry = ET.fromstring(client.get("/atom/").content).find(f"{ATOM}entry")

    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == "Why <b>bold</b> & <script>x</script> stay text"
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == "<p>First <em>paragraph</em>.</p><p>Second.</p>"


def test_rss_descriptions_escape_text_so_readers_do_not_take_it_for_markup(client):
    ArticleFactory(live=True, dek="A <b>dek</b> & more")

    item = ET.fromstring(client.get("/rss/").content).find("./channel/item")

    assert item.findtext("description") == "A &lt;b&gt;dek&lt;/b&gt; &amp; more"


def test_the_news_sitemap_lists_at_most_a_thousand_articles_newest_first(client):
    section = SectionFactory()
    now = timezone.now()
    Article.objects.bulk_create(
        Article(headline=f"Story {n}", slug=f"story-{n}", section=section,
                status=Status.PUBLISHED, publish_at=now - datetime.timedelta(seconds=n))
        for n in range(1, 1006)
    )  # fmt: skip

    root = ET.fromstring(client.get("/news-sitemap.xml").content)

    titles = [u.findtext(f"{NEWS}news/{NEWS}title") for u in root.findall(f"{SITEMAP}url")]
    assert len(titles) == 1000
    assert titles[0] == "Story 1" and titles[-1] == "Story 1000"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        STORY,
        "/section/news/",
        "/support/",
        "/support/remind/",
        "/about/",
        "/privacy/",
        "/terms/",
        "/contact/",
    ],
)
def test_every_indexable_page_has_a_description_and_names_the_publication(client, path):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)

    page = client.get(path)

    assert page.status_code == 200
    assert meta(page.content, "robots") == []
    (description,) = meta(page.content, "description")
    assert len(description.split()) >= 5, description
    (title,) = find(page.content, "title")
    assert "The Moscow Times" in title["text"]


def test_the_thank_you_page_is_kept_out_of_search_engines(client):
    page = client.get("/support/thanks/")

    assert meta(page.content, "robots") == ["noindex"]
