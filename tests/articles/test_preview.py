"""Preview links an editor can revoke, and that stop showing a story once it is pulled."""

import pytest
from django.core import signing

from articles.models import Article, Status
from articles.views.preview import SALT
from articles.workflow import Move, article_move, article_revoke_previews
from tests.articles.factories import ArticleFactory, UserFactory
from tests.articles.html import find
from tests.articles.test_admin import answer_confirmation, change_url
from tests.articles.test_workflow import post

pytestmark = pytest.mark.django_db


def preview_link(client, user, article) -> str:
    """The preview link the story's form offers the user now."""
    client.force_login(user)
    page = client.get(change_url(article)).content
    return next(a["attrs"]["href"] for a in find(page, "a") if a["text"] == "Open preview")


def seen(client, link):
    client.logout()
    response = client.get(link)
    return response.status_code, find(response.content, "h1")[0]["text"], response


@pytest.fixture
def editor():
    return UserFactory(groups=["Editors"])


def test_an_editor_revokes_the_preview_links_given_out_and_a_new_link_works(client, editor):
    draft = ArticleFactory(headline="Embargoed")
    given_out = preview_link(client, editor, draft)
    assert seen(client, given_out)[:2] == (200, "Embargoed")

    client.force_login(editor)
    page = client.get(change_url(draft)).content
    revoke = next(
        a["attrs"]["href"] for a in find(page, "a") if a["text"] == "Revoke preview links"
    )
    asked = client.get(revoke)
    revoked = client.post(revoke, follow=True)

    assert asked.status_code == 200 and b"no longer available" in asked.content
    assert b"preview links were revoked" in revoked.content
    status, heading, response = seen(client, given_out)
    assert (status, heading) == (410, "Preview unavailable")
    assert b"This story is no longer available." in response.content
    assert b"Embargoed" not in response.content
    assert seen(client, preview_link(client, editor, draft))[:2] == (200, "Embargoed")
    assert Article.objects.get(pk=draft.pk).edit_version == 1  # not an edit of the story


def test_a_writer_may_not_revoke_the_links_of_a_story_only_editors_may_change(client):
    scheduled = ArticleFactory(status=Status.SCHEDULED)
    client.force_login(UserFactory(groups=["Writers"]))

    response = client.post(f"{change_url(scheduled).removesuffix('change/')}revoke-previews/")

    assert response.status_code == 403
    assert Article.objects.get(pk=scheduled.pk).preview_generation == 0


def test_an_unpublished_story_s_preview_says_it_is_no_longer_available(client, editor):
    story = ArticleFactory(headline="Pulled story")
    link = preview_link(client, editor, story)
    post(client, editor, story, "publish")

    asked = post(client, editor, Article.objects.get(pk=story.pk), "unpublish")
    answer_confirmation(client, asked)

    status, heading, response = seen(client, link)
    assert (status, heading) == (410, "Preview unavailable")
    assert b"no longer available" in response.content and b"Pulled story" not in response.content
    client.force_login(editor)
    assert b"no longer available" in client.get(change_url(story)).content


def test_a_pulled_story_taken_back_to_draft_keeps_its_old_links_dead(client, editor):
    story = ArticleFactory(headline="Pulled story")
    old_link = preview_link(client, editor, story)
    post(client, editor, story, "publish")
    asked = post(client, editor, Article.objects.get(pk=story.pk), "unpublish")
    answer_confirmation(client, asked)

    post(client, editor, Article.objects.get(pk=story.pk), "draft")

    assert seen(client, old_link)[0] == 410
    assert seen(client, preview_link(client, editor, story))[:2] == (200, "Pulled story")


def test_a_deleted_story_s_preview_says_it_is_no_longer_available(client, editor):
    story = ArticleFactory(headline="Deleted story")
    link = preview_link(client, editor, story)
    story.delete()

    status, _, response = seen(client, link)

    assert status == 410
    assert b"This story is no longer available." in response.content


def test_a_save_from_a_story_loaded_before_the_revocation_does_not_bring_the_links_back(
    client, editor
):
    story = ArticleFactory(headline="Embargoed")
    link = preview_link(client, editor, story)
    loaded_before = Article.objects.get(pk=story.pk)
    article_revoke_previews(article=story)

    article_move(article=loaded_before, user=editor, move=Move.DRAFT)

    assert seen(client, link)[0] == 410


def test_a_link_made_before_links_named_their_generation_still_shows_the_story(client):
    draft = ArticleFactory(headline="Older link")
    token = signing.TimestampSigner(salt=SALT).sign(str(draft.pk))

    assert seen(client, f"/preview/{token}/")[:2] == (200, "Older link")

    article_revoke_previews(article=draft)
    assert seen(client, f"/preview/{token}/")[0] == 410
