"""Story blocks in the body: kept in their one shape, drawn on the page, read as text."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Embed, Provider, Status
from articles.sanitize import clean_body, embed_ids, related_article_ids
from pagecache.tags import ALL, invalidate
from tests.articles.factories import ArticleFactory
from tests.articles.html import find, inside, json_ld
from tests.articles.test_pages import own_queries

pytestmark = pytest.mark.django_db

PULLQUOTE = (
    '<aside data-block="pullquote"><p>“We will rebuild.”</p><p><cite>The mayor</cite></p></aside>'
)
FACTBOX = '<aside data-block="factbox"><h3>The bridge</h3><ul><li>Built 1931</li></ul></aside>'
TABLE = (
    '<table><caption>Votes</caption><thead><tr><th scope="col">Party</th>'
    '<th scope="col">Seats</th></tr></thead><tbody><tr><td>Green</td><td>12</td></tr>'
    "</tbody></table>"
)


def embed(**fields):
    values = {"url": "https://www.youtube.com/watch?v=abc", "provider": Provider.YOUTUBE,
              "title": "Council meeting", "author": "City Hall TV",
              "frame_url": "https://www.youtube-nocookie.com/embed/abc"}  # fmt: skip
    return Embed.objects.create(**{**values, **fields})


def embed_block(item):
    link = f'<a href="{item.url}">{item.url}</a>'
    return f'<figure data-block="embed" data-embed="{item.pk}">{link}</figure>'


def related_block(article):
    return f'<figure data-block="related" data-article="{article.pk}">{article.headline}</figure>'


def test_blocks_keep_their_shape_when_saved():
    body = f"<p>Text.</p>{PULLQUOTE}{FACTBOX}{TABLE}"

    assert clean_body(body) == body


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ('<aside data-block="sidebar" onclick="x()">Hi</aside>', "<aside>Hi</aside>"),
        ('<figure data-block="embed" data-embed="²">x</figure>', "<figure>x</figure>"),
        ('<figure data-block="related">x</figure>', "<figure>x</figure>"),
        ('<figure data-embed="4" data-photo="3" class="a">x</figure>',
         '<figure data-photo="3">x</figure>'),
        ('<figure data-article="4" data-block="related" style="x">y</figure>',
         '<figure data-block="related" data-article="4">y</figure>'),
        ('<table style="w"><tr><th scope="all" colspan="0">a</th><td rowspan="2">b</td>'
         "</tr></table>",
         '<table><tbody><tr><th>a</th><td rowspan="2">b</td></tr></tbody></table>'),
        ("<iframe src=\"https://www.youtube.com/embed/x\"></iframe><p>After</p>", "<p>After</p>"),
    ],
)  # fmt: skip
def test_a_block_in_any_other_shape_is_cut_down_to_what_is_allowed(given, kept):
    assert clean_body(given) == kept


def test_the_text_of_a_story_reads_fact_boxes_and_tables_but_not_quotes_embeds_or_links():
    other = ArticleFactory(headline="Another story")
    video = embed()
    body = f"<p>One two.</p>{PULLQUOTE}{FACTBOX}{TABLE}{related_block(other)}{embed_block(video)}"

    article = ArticleFactory(body=body)

    assert article.body_text.split("\n") == [
        "One two.", "The bridge", "Built 1931", "Votes", "Party Seats", "Green 12",
    ]  # fmt: skip
    assert related_article_ids(article.body) == [other.pk]
    assert embed_ids(article.body) == [video.pk]


def test_the_word_count_in_json_ld_counts_the_story_s_own_words(client):
    article = ArticleFactory(live=True, body=f"<p>One two three.</p>{PULLQUOTE}{TABLE}")

    data = json_ld(client.get(article.get_absolute_url()).content)

    assert data["wordCount"] == 3 + 5  # the table's caption and cells; the quote repeats


def test_an_old_body_renders_as_it_did(client):
    article = ArticleFactory(live=True, body="<p>First.</p><blockquote>Said.</blockquote>")

    page = client.get(article.get_absolute_url()).content.decode()

    assert "<p>First.</p><blockquote>Said.</blockquote>" in page
    assert "blocks.css" not in page and "embeds.js" not in page


def test_the_page_draws_each_block_and_loads_their_styles(client):
    other = ArticleFactory(live=True, headline="Bridge closes")
    article = ArticleFactory(live=True, body=f"{PULLQUOTE}{FACTBOX}{TABLE}{related_block(other)}")

    response = client.get(article.get_absolute_url())

    page = response.content.decode()
    assert PULLQUOTE in page and FACTBOX in page
    region = find(page, "div", class_="table-scroll")[0]
    assert region["attrs"] == {"class": "table-scroll", "role": "region", "tabindex": "0",
                               "aria-label": "Votes"}  # fmt: skip
    assert [a["attrs"]["href"] for a in inside(page, "a", "related-story")] == [
        other.get_absolute_url()
    ]
    assert "blocks.css" in page and "embeds.js" not in page


def test_a_related_story_not_published_is_left_out(client):
    draft = ArticleFactory(headline="Secret draft", status=Status.DRAFT)
    article = ArticleFactory(live=True, body=f"<p>Text.</p>{related_block(draft)}")

    page = client.get(article.get_absolute_url()).content.decode()

    assert "Secret draft" not in page
    assert not find(page, "p", class_="related-story")


def test_an_embed_is_a_card_with_a_button_and_no_request_to_its_provider(client):
    video = embed()
    article = ArticleFactory(live=True, body=f"<p>Text.</p>{embed_block(video)}")

    response = client.get(article.get_absolute_url())

    page = response.content.decode()
    card = find(page, "figure", class_="embed-card")[0]
    assert card["attrs"]["data-embed-frame"] == video.frame_url
    assert "Load content from YouTube" in card["text"]
    assert "embeds.js" in page
    # Nothing on the page loads from the provider: only the button's script knows the frame.
    assert not find(page, "iframe")
    assert not [e for e in find(page, "img") + find(page, "script")
                if "youtube" in e["attrs"].get("src", "")]  # fmt: skip
    assert "https://www.youtube-nocookie.com" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "fields",
    [
        {"provider": Provider.UNKNOWN, "url": "https://unknown.example/v/1", "frame_url": ""},
        {"error": "The provider answered 503.", "frame_url": "", "title": ""},
    ],
)
def test_an_unknown_provider_or_a_failed_one_is_a_plain_link_never_a_frame(client, fields):
    item = embed(**fields)
    article = ArticleFactory(live=True, body=embed_block(item))

    page = client.get(article.get_absolute_url()).content.decode()

    links = inside(page, "a", "embed-link")
    assert [a["attrs"]["href"] for a in links] == [item.url]
    assert not find(page, "figure", class_="embed-card")


def test_a_link_card_provider_shows_a_card_with_nothing_to_load(client):
    item = embed(url="https://t.me/newsroom/5", provider=Provider.TELEGRAM, frame_url="",
                 title="", author="")  # fmt: skip
    article = ArticleFactory(live=True, body=embed_block(item))

    page = client.get(article.get_absolute_url()).content.decode()

    card = find(page, "figure", class_="embed-link-card")[0]
    assert "On Telegram" in card["text"]
    assert "data-embed-frame" not in card["attrs"]


def test_the_atom_feed_carries_an_embed_as_a_link_and_leaves_related_stories_out(client):
    item = embed()
    other = ArticleFactory(live=True, headline="Bridge closes")
    ArticleFactory(live=True, body=f"<p>Text.</p>{embed_block(item)}{related_block(other)}")

    feed = client.get(reverse("articles:feed-atom")).content.decode()

    assert "data-embed" not in feed and "data-article" not in feed
    assert f'&lt;p&gt;&lt;a href="{item.url}"' in feed


def test_blocks_cost_one_query_per_kind_however_many_there_are(client):
    def page_queries(count):
        stories = [ArticleFactory(live=True) for _ in range(count)]
        embeds = [
            embed(url=f"https://vimeo.com/{n}{count}", provider=Provider.VIMEO)
            for n in range(count)
        ]
        body = "".join(related_block(s) for s in stories) + "".join(embed_block(e) for e in embeds)
        article = ArticleFactory(live=True, body=body)
        cache.clear()
        invalidate(ALL)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(own_queries(captured.captured_queries))

    assert page_queries(1) == page_queries(5)


def test_a_story_saved_with_blocks_keeps_them_in_its_stored_body():
    item = embed()
    article = ArticleFactory(body=f"<p>Text.</p>{embed_block(item)}{TABLE}")

    stored = Article.objects.get(pk=article.pk).body

    assert f'<figure data-block="embed" data-embed="{item.pk}">' in stored
    assert "<caption>Votes</caption>" in stored


def test_a_live_entry_with_a_block_loads_the_blocks_styles_and_embed_script(client):
    from tests.articles.live_factories import LiveEntryFactory

    blog = ArticleFactory(live=True, live_blog="open")
    LiveEntryFactory(article=blog, body=f"<p>Update.</p>{embed_block(embed())}")

    page = client.get(blog.get_absolute_url()).content.decode()

    assert "blocks.css" in page and "embeds.js" in page
    assert find(page, "figure", class_="embed-card")


@pytest.mark.parametrize("value", ["99999999999999999999", "12", "0"])
def test_a_stored_block_naming_a_missing_or_odd_record_is_shown_without_it(client, value):
    article = ArticleFactory(live=True)
    # Stored as it was, or naming a row since deleted.
    body = (
        f'<p>Text.</p><figure data-block="related" data-article="{value}">Gone</figure>'
        f'<figure data-block="embed" data-embed="{value}"><a href="https://x.example/">'
        "https://x.example/</a></figure>"
    )
    Article.objects.filter(pk=article.pk).update(body=body)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Gone" not in page
    assert [a["attrs"]["href"] for a in inside(page, "a", "embed-link")] == ["https://x.example/"]
