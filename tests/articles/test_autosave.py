"""Autosave: the open form's text is kept in one slot per story and user, never in the story;
opening the form offers a newer slot back (Restore, Discard), and a save clears it."""

import json

import pytest
from django.test import Client
from reversion.models import Version

from articles.models import Autosave
from pagecache.models import Purge
from tests.articles.factories import ArticleFactory, UserFactory
from tests.articles.html import find
from tests.articles.test_admin import change_url, errors
from tests.articles.test_conflicts import annas_edit, comparison
from tests.articles.test_edit_version import hidden, open_and_save, stored

pytestmark = pytest.mark.django_db


def autosave_url(article):
    return f"{change_url(article).removesuffix('change/')}autosave/"


def autosave(client, article, fields, **extra):
    payload = {"fields": fields, "opened_version": article.edit_version} | extra
    return client.post(autosave_url(article), json.dumps(payload), "application/json")


def notice(response):
    found = find(response.content, "form", class_="autosave-notice")
    return " ".join(found[0]["text"].split()) if found else None


def test_autosave_keeps_the_text_and_leaves_the_story_untouched(client, anna, article):
    client.force_login(anna)
    before = stored(article)
    versions, purges = Version.objects.get_for_object(article).count(), Purge.objects.count()

    response = autosave(client, article, {"headline": "Truce holds", "body": "<p>Quiet.</p>"})

    assert response.status_code == 200
    assert response.json()["saved_at"] and response.json()["shown"]
    slot = Autosave.objects.get(article=article, user=anna)
    assert slot.fields == {"headline": "Truce holds", "body": "<p>Quiet.</p>"}
    assert slot.opened_version == article.edit_version
    after = stored(article)
    assert (after.headline, after.body, after.edit_version, after.modified_at) == (
        before.headline, before.body, before.edit_version, before.modified_at,
    )  # fmt: skip
    assert Version.objects.get_for_object(article).count() == versions
    assert Purge.objects.count() == purges


def test_a_second_autosave_replaces_the_first_one_slot_per_story_and_user(
    client, anna, ben, article
):
    client.force_login(anna)
    autosave(client, article, {"headline": "First"})
    autosave(client, article, {"headline": "Second"})
    client.force_login(ben)
    autosave(client, article, {"headline": "Ben's"})

    kept = dict(Autosave.objects.values_list("user__first_name", "fields__headline"))
    assert kept == {"Anna": "Second", "Ben": "Ben's"}


def test_a_writer_may_autosave_a_draft_but_not_a_live_story_whose_form_they_only_read(client):
    writer = UserFactory(groups=["Writers"])
    draft, live = ArticleFactory(status="draft"), ArticleFactory(live=True)
    client.force_login(writer)

    assert autosave(client, draft, {"headline": "Mine"}).status_code == 200
    assert autosave(client, live, {"headline": "Mine"}).status_code == 403
    assert not Autosave.objects.filter(article=live).exists()


def test_a_user_who_may_not_change_stories_is_refused(client, article):
    client.force_login(UserFactory(is_staff=True))

    assert autosave(client, article, {"headline": "Mine"}).status_code == 403
    assert not Autosave.objects.exists()


def test_an_autosave_without_the_forms_csrf_token_is_refused(anna, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)

    assert autosave(client, article, {"headline": "Mine"}).status_code == 403
    assert not Autosave.objects.exists()


@pytest.mark.parametrize(
    "payload, reason",
    [
        ("not json", "as JSON"),
        ([], "JSON object"),
        ({"fields": "Truce"}, "JSON object"),
        ({"fields": {"status": "published"}}, "not a text field"),
        ({"fields": {"hero_photo": "1"}}, "not a text field"),
        ({"fields": {"headline": 1}}, "must be text"),
        ({"fields": {"dek": "a\x00b"}}, "must be text"),
        ({"fields": {"headline": "x" * 256}}, "Headline is over the form's limit of 255"),
        ({"fields": {"headline": "x"}, "opened_version": None}, "edit version"),
        ({"fields": {"headline": "x"}, "opened_version": "²"}, "edit version"),
        ({"fields": {"headline": "x"}, "opened_version": 99}, "not one this story has had"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_kept(
    client, anna, article, payload, reason
):
    client.force_login(anna)
    if isinstance(payload, dict):
        payload = {"opened_version": article.edit_version} | payload
    body = payload if isinstance(payload, str) else json.dumps(payload)

    response = client.post(autosave_url(article), body, "application/json")

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not Autosave.objects.exists()


def test_a_form_posted_instead_of_json_is_refused_with_a_reason(client, anna, article):
    client.force_login(anna)

    response = client.post(autosave_url(article), {"headline": "Truce holds"})  # multipart

    assert response.status_code == 400
    assert "as JSON" in response.json()["error"]
    assert not Autosave.objects.exists()


def test_a_body_over_what_a_save_of_the_form_may_send_is_refused(client, anna, article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(anna)

    response = autosave(client, article, {"body": "<p>" + "x" * 10_000 + "</p>"})

    assert response.status_code == 400
    assert "over the 10,000 bytes a save of the form may send" in response.json()["error"]
    assert not Autosave.objects.exists()


def test_opening_the_form_offers_a_draft_newer_than_the_last_save(client, anna, ben, article):
    client.force_login(anna)
    assert notice(client.get(change_url(article))) is None
    autosave(client, article, {"headline": "Truce holds"})

    offered = client.get(change_url(article))
    client.force_login(ben)
    not_bens = client.get(change_url(article))

    assert notice(offered).startswith("You have unsaved changes from ")
    assert notice(offered).endswith("Restore / Discard")
    assert find(offered.content, "a", href="?autosave=restore")
    assert notice(not_bens) is None


def test_a_draft_older_than_the_last_save_is_not_offered(client, anna, ben, article):
    client.force_login(anna)
    autosave(client, article, {"headline": "Truce holds"})
    open_and_save(client, ben, article, headline="Truce broken", dek="As it was.", kicker="War")
    client.force_login(anna)

    assert notice(client.get(change_url(article))) is None


def test_restore_fills_the_form_with_the_draft(client, anna, article):
    client.force_login(anna)
    autosave(client, article, {"headline": "Truce holds", "dek": "Kept dek."})

    page = client.get(f"{change_url(article)}?autosave=restore").content

    assert find(page, "input", name="headline")[0]["attrs"]["value"] == "Truce holds"
    assert find(page, "textarea", name="dek")[0]["text"].strip() == "Kept dek."
    assert hidden(page, "opened_version") == str(article.edit_version)
    assert stored(article).headline == "Ceasefire holds"  # nothing saved until the button


def test_discard_drops_the_draft(client, anna, ben, article):
    client.force_login(ben)
    autosave(client, article, {"headline": "Ben's"})
    client.force_login(anna)
    autosave(client, article, {"headline": "Truce holds"})

    response = client.post(f"{autosave_url(article)}discard/")

    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    assert list(Autosave.objects.values_list("user", flat=True)) == [ben.pk]
    assert notice(client.get(change_url(article))) is None


def test_a_save_of_the_story_clears_the_users_draft(client, anna, article):
    client.force_login(anna)
    autosave(client, article, {"headline": "Truce holds"})

    saved = open_and_save(client, anna, article, dek="As it was.", kicker="War")

    assert saved.status_code == 302, errors(saved)
    assert not Autosave.objects.filter(user=anna).exists()


def test_restoring_a_draft_over_a_newer_save_goes_to_the_comparison_never_over_it(
    client, anna, ben, article
):
    client.force_login(anna)
    opened = client.get(change_url(article)).content
    version = article.edit_version
    open_and_save(client, ben, article, headline="Truce holds", dek="As it was.", kicker="War")
    client.force_login(anna)
    autosave(
        client, article, {"dek": "Anna's dek."}, opened_version=version,
        edited_since=hidden(opened, "edited_since"),
    )  # fmt: skip

    restored = client.get(f"{change_url(article)}?autosave=restore").content
    sent = annas_edit(article, dek=find(restored, "textarea", name="dek")[0]["text"].strip())
    sent |= {name: hidden(restored, name) for name in ("opened_version", "edited_since")}
    refused = client.post(change_url(article), sent)

    assert hidden(restored, "opened_version") == str(version)
    assert refused.status_code == 200
    assert "after you opened it" in errors(refused)
    assert comparison(refused)["dek"] == ("As it was.", "Anna's dek.", True)
    assert comparison(refused)["headline"] == ("Truce holds", "Ceasefire holds", False)
    assert stored(article).dek == "As it was."


def test_a_draft_goes_with_its_story_or_its_user(client, anna, ben, article):
    other = ArticleFactory()
    for user, story in [(anna, article), (ben, article), (ben, other)]:
        client.force_login(user)
        autosave(client, story, {"headline": "Kept"})

    bens = (ben.pk, other.pk)

    article.delete()
    left = list(Autosave.objects.values_list("user", "article"))
    ben.delete()

    assert left == [bens]
    assert not Autosave.objects.exists()
