"""A story that was published and then removed answers 410, saying so; a never-published
address stays a plain 404."""

import pytest

from articles.models import Status
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_an_unpublished_story_answers_410_this_story_is_no_longer_available(client):
    """(Readers may not see it either way; tests/articles/test_pages.py has the other
    statuses, which answer 404.)"""
    story = ArticleFactory(live=True, headline="A story later removed")
    url = story.get_absolute_url()
    assert client.get(url).status_code == 200
    story.status = Status.UNPUBLISHED
    story.save()

    response = client.get(url)

    assert response.status_code == 410
    page = response.content.decode()
    assert "This story is no longer available" in page
    assert "A story later removed" not in page


def test_an_address_never_published_is_still_a_404(client):
    story = ArticleFactory(live=True)
    url = story.get_absolute_url().replace(story.slug, story.slug + "-nope")

    assert client.get(url).status_code == 404


def test_every_page_links_to_search_from_its_footer(client):
    story = ArticleFactory(live=True)
    page = client.get(story.get_absolute_url()).content.decode()

    footer = page.split('<footer class="site-footer">', 1)[1]
    assert '<a href="/search/">Search</a>' in footer
