"""A save refused as stale shows their version beside mine, field by field, with "Keep mine";
pressing the button again saves the mix over their version (and only that version)."""

import pytest

from tests.articles.html import find
from tests.articles.test_admin import change_url, errors, form_data
from tests.articles.test_edit_version import hidden, open_and_save, stored

pytestmark = pytest.mark.django_db


def opened_by(client, user, article) -> dict:
    """Open the story's form as the user: the hidden fields it carries."""
    client.force_login(user)
    page = client.get(change_url(article)).content
    return {name: hidden(page, name) for name in ("opened_version", "edited_since")}


def comparison(response) -> dict[str, tuple[str, str, bool]]:
    """Field: (theirs, mine, keep mine ticked), as the refused form shows them."""
    page = response.content
    names = [i["attrs"]["value"] for i in find(page, "input", name="_conflict")]
    theirs = [td["text"].strip() for td in find(page, "td", class_="conflict-theirs")]
    mine = [td["text"].strip() for td in find(page, "td", class_="conflict-mine")]
    kept = ["checked" in box["attrs"] for box in find(page, "input", name="_keep")]
    return {name: (t, m, k) for name, t, m, k in zip(names, theirs, mine, kept, strict=True)}


def again(client, article, sent: dict, refused, keep: list[str]):
    """Press the button again from the refused form, with "Keep mine" ticked for `keep`."""
    table = {
        "resolved_version": hidden(refused.content, "resolved_version"),
        "_conflict": [
            i["attrs"]["value"] for i in find(refused.content, "input", name="_conflict")
        ],
        "_keep": keep,
    }
    return client.post(change_url(article), sent | table)


def annas_edit(article, **fields):
    data = form_data(article.section, slug=article.slug, headline="Ceasefire holds")
    return data | {"dek": "As it was.", "kicker": "War"} | fields


def test_a_stale_save_shows_theirs_beside_mine_keeping_mine_where_i_changed_it(
    client, anna, ben, article
):
    annas_form = opened_by(client, anna, article)
    assert open_and_save(client, ben, article, headline="Truce holds", dek="As it was.",
                         kicker="War").status_code == 302  # fmt: skip
    client.force_login(anna)
    sent = annas_edit(article, dek="Anna's dek.") | annas_form

    refused = client.post(change_url(article), sent)

    assert refused.status_code == 200
    assert "tick “Keep mine” where yours should stand" in errors(refused)
    assert comparison(refused) == {
        "headline": ("Truce holds", "Ceasefire holds", False),  # Ben's change
        "dek": ("As it was.", "Anna's dek.", True),  # Anna's change
    }

    saved = again(client, article, sent, refused, keep=["dek"])

    assert saved.status_code == 302, errors(saved)
    assert (stored(article).headline, stored(article).dek) == ("Truce holds", "Anna's dek.")


def test_keep_mine_puts_my_value_over_theirs(client, anna, ben, article):
    annas_form = opened_by(client, anna, article)
    open_and_save(client, ben, article, headline="Truce holds", dek="As it was.", kicker="War")
    client.force_login(anna)
    sent = annas_edit(article, dek="Anna's dek.") | annas_form
    refused = client.post(change_url(article), sent)

    again(client, article, sent, refused, keep=["headline", "dek"])

    assert (stored(article).headline, stored(article).dek) == ("Ceasefire holds", "Anna's dek.")


def test_a_choice_made_against_a_version_saved_over_again_is_refused_and_compared_anew(
    client, anna, ben, article
):
    annas_form = opened_by(client, anna, article)
    open_and_save(client, ben, article, headline="Truce holds", dek="As it was.", kicker="War")
    client.force_login(anna)
    sent = annas_edit(article, dek="Anna's dek.") | annas_form
    refused = client.post(change_url(article), sent)
    open_and_save(client, ben, article, headline="Truce broken", dek="As it was.", kicker="War")
    client.force_login(anna)

    refused_again = again(client, article, sent, refused, keep=["dek"])

    assert refused_again.status_code == 200
    assert comparison(refused_again)["headline"][0] == "Truce broken"
    assert (stored(article).headline, stored(article).dek) == ("Truce broken", "As it was.")


@pytest.mark.parametrize("forged", ["", "x", "²", "99999999999999999999", "-1"])
def test_a_forged_compared_version_is_refused_as_stale_never_a_500(
    client, anna, ben, article, forged
):
    annas_form = opened_by(client, anna, article)
    open_and_save(client, ben, article, headline="Truce holds", dek="As it was.", kicker="War")
    client.force_login(anna)
    sent = annas_edit(article, dek="Anna's dek.") | annas_form

    response = client.post(change_url(article), sent | {"resolved_version": forged})

    assert response.status_code == 200
    assert "after you opened it" in errors(response)
    assert stored(article).dek == "As it was."
