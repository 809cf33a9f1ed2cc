"""The body editor's helpers: the related-story chooser, resolving a pasted embed URL, and
resolving again an embed whose provider was down."""

import pytest

from articles.models import Embed, Provider, Status
from tests.articles.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

STORIES = "/admin/articles/article/story-chooser/"
EMBED = "/admin/articles/article/embed/"


@pytest.fixture
def writer(client):
    client.force_login(UserFactory(groups=["Writers"]))


def test_the_story_chooser_offers_only_our_published_stories_matching_the_headline(client, writer):
    bridge = ArticleFactory(live=True, headline="Bridge closes for repairs")
    ArticleFactory(headline="Bridge draft", status=Status.DRAFT)
    ArticleFactory(live=True, headline="Council votes")

    answer = client.get(STORIES, {"q": "bridge"}).json()

    assert answer["results"] == [
        {"id": bridge.pk, "headline": bridge.headline, "url": bridge.get_absolute_url()}
    ]


def test_the_helpers_are_for_staff_only(client):
    assert client.get(STORIES).status_code == 302  # to the admin's sign-in
    assert client.post(EMBED, {"url": "https://t.me/x/1"}).status_code == 302
    assert not Embed.objects.exists()


def test_a_pasted_url_is_resolved_and_kept(client, writer, fake_youtube):
    answer = client.post(EMBED, {"url": " https://www.youtube.com/watch?v=xyz "}).json()

    embed = Embed.objects.get()
    assert answer == {"id": embed.pk, "url": "https://www.youtube.com/watch?v=xyz",
                      "provider": "YouTube", "title": embed.title, "error": ""}  # fmt: skip
    assert embed.title.startswith("Council")


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "x" * 3000])
def test_text_that_is_not_an_address_gets_a_400_with_a_reason(client, writer, url):
    response = client.post(EMBED, {"url": url})

    assert response.status_code == 400
    assert response.json()["error"]


def test_a_get_lists_the_providers_an_embed_may_come_from(client, writer):
    assert "YouTube" in client.get(EMBED).json()["providers"]
    assert not Embed.objects.exists()


def test_an_editor_resolves_again_an_embed_whose_provider_was_down(client, fake_youtube):
    client.force_login(UserFactory(groups=["Editors"]))
    fake_youtube.mode = "down"
    client.post(EMBED, {"url": "https://www.youtube.com/watch?v=xyz"})
    embed = Embed.objects.get()
    assert embed.error and embed.provider == Provider.YOUTUBE

    fake_youtube.mode = "ok"
    response = client.post(
        "/admin/articles/embed/",
        {"action": "resolve_again", "_selected_action": [embed.pk]},
        follow=True,
    )

    assert response.status_code == 200
    embed.refresh_from_db()
    assert embed.error == "" and embed.title.startswith("Council")
