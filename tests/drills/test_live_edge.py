"""Drill: a live blog behind the edge (Varnish -> nginx -> gunicorn, as in test_edge).

Readers' polls are answered by Varnish; an entry purges the story's key, so the next poll
and the page carry it, while the lists (which show no entries) stay at the edge.
"""

from articles.live import live_entry_post
from tests.articles.factories import ArticleFactory, SectionFactory, UserFactory
from tests.drills.test_edge import chain, fetch, pytestmark  # noqa: F401 (the fixture, marks)


def test_an_entry_purges_its_blog_and_poll_document_at_the_edge_not_a_list(chain):  # noqa: F811
    world = SectionFactory(slug="world")
    blog = ArticleFactory(live=True, live_blog="open", section=world, headline="Live: the border")
    pages = {
        "poll": blog.get_absolute_url() + "live.json",
        "page": blog.get_absolute_url(),
        "section": "/section/world/",
        "home": "/",
    }
    for path in pages.values():
        fetch(chain + path)
    kept = {name: fetch(chain + path).headers["X-Cache"] for name, path in pages.items()}
    assert set(kept.values()) == {"hit"}
    assert fetch(chain + pages["poll"]).json()["entries"] == []

    editor = UserFactory(is_superuser=True)
    live_entry_post(article=blog, user=editor, body="<p>The gates opened at noon.</p>")

    after = {name: fetch(chain + path) for name, path in pages.items()}
    assert {name for name, r in after.items() if r.headers["X-Cache"] == "miss"} == {
        "poll",
        "page",
    }
    [entry] = after["poll"].json()["entries"]
    assert "The gates opened at noon." in entry["html"]
    assert "The gates opened at noon." in after["page"].text
    assert fetch(chain + pages["poll"]).headers["X-Cache"] == "hit"  # kept again
