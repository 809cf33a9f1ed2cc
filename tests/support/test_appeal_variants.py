"""Appeal variants: several live ones per placement, drawn for the browser's picker, their own
amounts, their audience rules, their gifts, and a preview only staff see."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from support import stripe_gateway
from support.appeals import HINT_COOKIE, HINT_SALT
from support.models import Appeal, Donation
from tests.articles.factories import ArticleFactory, UserFactory
from tests.articles.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(live=True, headline="A story readers may support")


def second_variant(**fields) -> Appeal:
    first = Appeal.objects.filter(placement="end_of_article").order_by("pk").first()
    values = {
        "placement": "end_of_article",
        "name": "B",
        "position": 1,
        "heading": "Variant B asks plainly",
        "body": "Every reader who gives keeps this free for everyone.",
        "button_label": "Give to B",
        **fields,
    }
    assert first.position == 0
    return Appeal.objects.create(**values)


def slot(page: str, placement: str) -> dict:
    return next(e for e in parse(page.encode()) if e["attrs"].get("data-appeal-slot") == placement)


def test_the_seeded_appeals_are_the_first_variant_of_each_placement_verbatim():
    first = Appeal.objects.get(placement="end_of_article")

    assert (first.name, first.position, first.active) == ("A", 0, True)
    assert "we have a small favor to ask" in first.body
    assert "support us monthly starting from just $2" in first.body
    assert first.rules()["donor"] == [] and first.rules()["cap"] is None


def test_a_second_variant_rides_along_in_a_template_and_the_first_shows_without_javascript(
    client, article
):
    b = second_variant()

    page = client.get(article.get_absolute_url()).content.decode()

    outside, _, inside = page.partition(f'<template data-variant="{b.pk}">')
    assert "Variant B asks plainly" not in outside  # not drawn: only in its template
    assert "Variant B asks plainly" in inside.split("</template>")[0]
    assert "support us monthly starting from just $2" in outside
    assert f"variant={b.pk}" in inside
    rules = json.loads(
        next(
            e["attrs"]["data-rules"]
            for e in parse(page.encode())
            if e["attrs"].get("data-variant") == str(b.pk) and "data-rules" in e["attrs"]
        )
    )
    assert rules["reads"] == [] and rules["starts"] is None
    assert slot(page, "end_of_article")["attrs"]["data-weights"] == "/support/appeals/weights.json"
    assert "/static/js/appeal-picker.js" in page


def test_an_ended_variant_is_left_out_and_one_yet_to_start_rides_along_for_the_picker(
    client, article
):
    now = timezone.now()
    second_variant(name="Ended", heading="Ended already", ends_at=now - timedelta(minutes=1))
    later = second_variant(name="Later", heading="Starts tomorrow", starts_at=now + timedelta(1))

    page = client.get(article.get_absolute_url()).content.decode()

    assert "Ended already" not in page
    outside, _, inside = page.partition(f'<template data-variant="{later.pk}">')
    assert "Starts tomorrow" in inside and "Starts tomorrow" not in outside
    assert f'"starts":{int(later.starts_at.timestamp() * 1000)}' in page.replace("&#34;", '"')


def test_when_the_first_variant_has_not_started_the_next_live_one_is_drawn(client, article):
    Appeal.objects.filter(placement="end_of_article").update(
        starts_at=timezone.now() + timedelta(days=2)
    )
    second_variant()

    page = client.get(article.get_absolute_url()).content.decode()
    outside = page.split("<template", 1)[0]

    assert "Variant B asks plainly" in outside


def test_a_variants_own_amounts_and_default_come_with_its_link_to_the_support_page(client):
    b = second_variant(monthly_amounts="7.50, 15, 30", default_amount=Decimal("15"))

    page = client.get(reverse("support:give"), {"variant": b.pk}).content.decode()

    assert "$7.50" in page and "$30" in page
    assert "$25" not in page.split('class="amounts amounts-annual"')[0]
    assert 'value="15" id="id_amount_monthly_1" checked' in page


def test_a_gift_through_a_variant_carries_it_to_checkout_and_into_the_ledger(client, stripe_server):
    b = second_variant(monthly_amounts="7.50, 15")

    response = client.post(
        reverse("support:give"),
        {"frequency": "monthly", "amount": "7.5", "placement": "end_of_article", "variant": b.pk},
    )

    donation = Donation.objects.get()
    assert response.status_code == 303
    assert donation.appeal == b and donation.amount == Decimal("7.50")
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert session["metadata"]["appeal_variant"] == str(b.pk)


def test_an_unknown_variant_in_the_form_is_ignored_and_the_site_amounts_apply(
    client, stripe_server
):
    response = client.post(
        reverse("support:give"), {"frequency": "monthly", "amount": "2", "variant": "99999²"}
    )

    assert response.status_code == 303
    assert Donation.objects.get().appeal is None


def test_a_variant_with_gifts_cannot_be_deleted_so_its_gifts_stay_attributed(admin_client):
    b = second_variant()
    Donation.objects.create(amount=Decimal("5"), frequency="monthly", appeal=b, status="active")

    admin_client.post(reverse("admin:support_appeal_delete", args=[b.pk]), {"post": "yes"})

    assert Appeal.objects.filter(pk=b.pk).exists()
    assert Donation.objects.get().appeal_id == b.pk


def variant_form(appeal: Appeal, **changes) -> dict:
    data = {
        "placement": appeal.placement,
        "name": appeal.name,
        "position": appeal.position,
        "active": "on",
        "heading": appeal.heading,
        "body": appeal.body,
        "button_label": appeal.button_label,
        "footnote": appeal.footnote,
        "remind_prompt": appeal.remind_prompt,
        "remind_label": appeal.remind_label,
        "monthly_amounts": "",
        "annual_amounts": "",
        "once_amounts": "",
        "default_frequency": "",
        "default_amount": "",
        "countries": "",
        "cap_views": "",
        "cap_days": "",
        "gap_days": "",
        # Its amounts in other currencies (an inline): none.
        "currency_amounts-TOTAL_FORMS": "0",
        "currency_amounts-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_monthly_donors_never_see_the_two_dollar_ask(admin_client):
    b = second_variant()
    url = reverse("admin:support_appeal_change", args=[b.pk])

    refused = admin_client.post(url, variant_form(b, donor_states=["recurring"]))
    accepted = admin_client.post(
        url,
        variant_form(
            b,
            donor_states=["recurring"],
            heading="Thank you: could you give a little more?",
            monthly_amounts="10, 25",
            default_frequency="monthly",
            default_amount="10",
        ),
    )

    assert refused.status_code == 200
    assert "Monthly donors never see the $2 ask" in refused.content.decode()
    assert accepted.status_code == 302
    b.refresh_from_db()
    assert b.donor_states == ["recurring"]
    assert b.rules()["donor"] == ["recurring"]


def test_audience_rules_and_caps_are_saved_and_bad_ones_explained(admin_client):
    b = second_variant()
    url = reverse("admin:support_appeal_change", args=[b.pk])

    bad = admin_client.post(url, variant_form(b, countries="US, Canada", cap_views="3"))
    good = admin_client.post(
        url,
        variant_form(
            b,
            reads=["5-14", "15+"],
            referrers=["search", "social"],
            donor_states=["never", "lapsed"],
            countries="us, ca",
            cap_views="3",
            cap_days="7",
            gap_days="1",
        ),
    )

    text = bad.content.decode()
    assert "“CANADA” is not a two-letter country code." in text
    assert "Give both: at most N views in D days." in text
    assert good.status_code == 302
    b.refresh_from_db()
    assert b.rules() | {"starts": None, "ends": None} == {
        "reads": ["5-14", "15+"],
        "donor": ["never", "lapsed"],
        "referrer": ["search", "social"],
        "country": ["US", "CA"],
        "cap": [3, 7],
        "gap": 1,
        "starts": None,
        "ends": None,
    }


def test_editors_preview_a_variant_on_a_real_story_at_two_widths(client, article):
    draft_variant = second_variant(active=False, heading="Not running yet")
    client.force_login(UserFactory(groups=["Editors"]))

    frame_page = client.get(reverse("admin:support_appeal_preview", args=[draft_variant.pk]))
    story = client.get(
        reverse("admin:support_appeal_preview_story", args=[draft_variant.pk]),
        {"article": article.pk},
    )

    frames = [e for e in parse(frame_page.content) if e["tag"] == "iframe"]
    assert [f["attrs"]["width"] for f in frames] == ["375", "1280"]
    assert f"?article={article.pk}" in frames[0]["attrs"]["src"]
    text = story.content.decode()
    assert story.status_code == 200
    assert "A story readers may support" in text
    assert "Not running yet" in text and "starting from just $2" not in text
    assert "data-appeal-preview" in text
    assert story["X-Frame-Options"] == "SAMEORIGIN"
    policy = story["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "https://www.youtube-nocookie.com" in policy  # a story's embeds load as on the page
    assert "private" in story["Cache-Control"]
    # Readers never see it.
    assert "Not running yet" not in Client().get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["writer", "anonymous"])
def test_only_editors_open_a_variants_preview(client, article, who):
    b = second_variant()
    if who == "writer":
        client.force_login(UserFactory(groups=["Writers"]))

    response = client.get(
        reverse("admin:support_appeal_preview_story", args=[b.pk]), {"article": article.pk}
    )

    assert response.status_code == (403 if who == "writer" else 302)
    assert "Variant B asks plainly" not in response.content.decode()


def test_the_thank_you_page_leaves_a_readable_signed_hint_of_the_kind_of_gift(
    client, give, stripe_server
):
    _, donation = give(frequency="monthly", amount="5")
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")

    response = client.get(
        reverse("support:thanks"), {"session_id": donation.stripe_checkout_session_id}
    )

    morsel = response.cookies[HINT_COOKIE]
    assert not morsel["httponly"]  # the picker reads it
    assert morsel["samesite"] == "Lax"
    request = HttpRequest()
    request.COOKIES[HINT_COOKIE] = morsel.value
    hint = request.get_signed_cookie(HINT_COOKIE, salt=HINT_SALT)
    kind, through = hint.split("|")
    assert kind == "monthly"
    assert through > timezone.localdate().isoformat()
    assert morsel.value.split(":")[0] == f"{kind}|{through}"  # nothing else: no address, no id
