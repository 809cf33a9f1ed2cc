"""Currencies and their ladders: editors' data, the reader's choice in the address."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest

from support import currencies
from support.models import LadderAmount, SiteCurrency

pytestmark = pytest.mark.django_db


def ladder(code, frequency):
    return [
        f"{a.normalize():f}"
        for a in LadderAmount.objects.filter(currency__code=code, frequency=frequency).values_list(
            "amount", flat=True
        )
    ]


def test_the_site_starts_with_dollars_euros_and_pounds_and_today_s_ladders_verbatim():
    assert [c.code for c in currencies.offered()] == ["usd", "eur", "gbp"]
    assert ladder("usd", "monthly") == ["2", "5", "10", "25"]
    assert ladder("usd", "annual") == ["25", "50", "100", "250"]
    assert ladder("usd", "once") == ["10", "25", "50", "100"]
    # "support us monthly starting from just $2" stays true.
    assert min(currencies.ladders("usd")["monthly"]) == Decimal("2")
    assert SiteCurrency.objects.get(code="usd").rate == 1
    assert "DE" in SiteCurrency.objects.get(code="eur").country_codes()
    assert SiteCurrency.objects.get(code="gbp").country_codes() >= {"GB"}


def test_the_migration_moves_an_edited_preset_string_and_its_impacts_into_the_ladder():
    """The seed step of 0021 run on a site whose editors had changed the preset strings (its
    SupportSettings row as it was before the strings were removed)."""
    from django.apps import apps as current

    seed = importlib.import_module("support.migrations.0021_money_currencies_ladders")
    before = SimpleNamespace(
        preset_amounts="3, 7.50, abc, 3, 40",
        annual_preset_amounts="60",
        once_preset_amounts="15,30",
        preset_impact="monthly 7.50: Pays for a day of fact-checking\nnonsense",
    )
    rows = SimpleNamespace(filter=lambda **_: SimpleNamespace(first=lambda: before))
    old_settings = SimpleNamespace(objects=rows)
    state = SimpleNamespace(
        get_model=lambda app, name: (
            old_settings if name == "SupportSettings" else current.get_model(app, name)
        )
    )
    SiteCurrency.objects.all().delete()

    seed.seed_currencies(state, None)

    assert ladder("usd", "monthly") == ["3", "7.5", "40"]
    assert ladder("usd", "annual") == ["60"]
    assert ladder("usd", "once") == ["15", "30"]
    assert LadderAmount.objects.get(currency__code="usd", amount="7.50").impact == (
        "Pays for a day of fact-checking"
    )
    # Other currencies start from the defaults, not from a conversion.
    assert ladder("eur", "monthly") == ["2", "5", "10", "25"]
    assert [c.code for c in currencies.offered()] == ["usd", "eur", "gbp"]


def test_the_support_page_offers_the_ladder_of_the_currency_in_its_address(client):
    LadderAmount.objects.filter(currency__code="eur", frequency="monthly", amount=25).update(
        amount=20
    )

    page = client.get("/support/?currency=eur").content.decode()

    assert 'name="amount" value="20"' in page
    assert "€5" in page and "$5" not in page
    assert 'name="currency" value="eur"' in page
    assert "(EUR)" in page


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"HTTP_CF_IPCOUNTRY": "DE"}, "eur"),
        ({"HTTP_CF_IPCOUNTRY": "gb"}, "gbp"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}, "gbp"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}, "eur"),
        ({"HTTP_ACCEPT_LANGUAGE": "hr-Latn-HR, en;q=0.5"}, "eur"),  # a script, then a region
        # The CDN's country wins over the browser's language.
        ({"HTTP_CF_IPCOUNTRY": "FR", "HTTP_ACCEPT_LANGUAGE": "en-GB"}, "eur"),
    ],
)
def test_a_reader_abroad_is_sent_to_the_address_of_their_currency(client, headers, expected):
    query = "placement=end_of_article&article=7&next=/a/b/&frequency=monthly&amount=2"
    response = client.get(f"/support/?{query}", **headers)

    assert response.status_code == 302
    assert response["Location"] == f"/support/?{query}&currency={expected}"
    assert {"cf-ipcountry", "accept-language"} <= {
        v.strip().lower() for v in response["Vary"].split(",")
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_CF_IPCOUNTRY": "US"}, {"HTTP_CF_IPCOUNTRY": "XX"}, {"HTTP_ACCEPT_LANGUAGE": "de"}],
)
def test_a_reader_without_another_currency_gets_the_first_one_and_the_page_varies(client, headers):
    response = client.get("/support/", **headers)

    assert response.status_code == 200
    assert 'name="currency" value="usd"' in response.content.decode()
    assert "cf-ipcountry" in response["Vary"].lower()


def test_the_header_is_configurable_and_an_address_with_a_currency_never_redirects(
    client, settings
):
    settings.SUPPORT_COUNTRY_HEADER = "X-Country"

    assert client.get("/support/", HTTP_CF_IPCOUNTRY="DE").status_code == 200
    assert client.get("/support/", HTTP_X_COUNTRY="DE")["Location"].endswith("currency=eur")
    chosen = client.get("/support/?currency=usd", HTTP_X_COUNTRY="DE")
    assert chosen.status_code == 200
    assert 'name="currency" value="usd"' in chosen.content.decode()


def test_the_page_links_to_each_currency_keeping_where_the_reader_came_from(client):
    page = client.get("/support/?currency=gbp&placement=top_banner").content.decode()

    assert 'href="/support/?placement=top_banner&amp;currency=eur"' in page
    assert 'aria-current="page">GBP' in page


def test_an_editor_cannot_save_a_ladder_amount_outside_the_currency_s_limits(admin_client):
    usd = SiteCurrency.objects.get(code="usd")
    amount = LadderAmount(currency=usd, frequency="monthly", amount=Decimal("1"))

    with pytest.raises(Exception, match="The smallest gift we can take is \\$2."):
        amount.full_clean()


def test_the_base_currency_s_rate_is_one_and_limits_must_be_chargeable():
    usd = SiteCurrency.objects.get(code="usd")
    usd.rate = Decimal("1.1")
    yen = SiteCurrency(code="jpy", smallest_gift=Decimal("10"), largest_gift=Decimal("5"))

    with pytest.raises(Exception, match="its rate is 1"):
        usd.full_clean()
    with pytest.raises(Exception) as refused:
        yen.full_clean()
    assert "The smallest gift we can take in yen is ¥50." in str(refused.value)
    assert "at least the smallest" in str(refused.value)


def test_the_goal_meter_counts_every_currency_in_the_base_one_at_the_editors_rates_and_says_so(
    client, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from tests.support.factories import DonationFactory

    SiteCurrency.objects.filter(code="eur").update(rate=Decimal("1.10"))
    SiteCurrency.objects.filter(code="gbp").update(rate=Decimal("1.25"))
    DonationFactory(status="active", frequency="monthly", amount=Decimal("10"), currency="usd")
    DonationFactory(status="active", frequency="monthly", amount=Decimal("10"), currency="eur")
    DonationFactory(status="active", frequency="annual", amount=Decimal("120"), currency="gbp")
    cache.clear()

    goal = client.get("/support/goal.json").json()

    # $10 + €10 × 1.10 + £120 × 1.25 / 12
    assert goal["raised"] == "33.50"
    assert goal["currency"] == "usd"
    assert goal["note"] == (
        "Gifts in other currencies are counted in dollars at exchange rates our editors set."
    )
    assert goal["rates"] == {"eur": "€1 = $1.10", "gbp": "£1 = $1.25"}
    page = client.get("/support/").content.decode()
    assert "counted in dollars at exchange rates our editors set" in page
    assert goal["label"].startswith("$33.50 of $10,000")


def test_the_admin_shows_each_gift_and_payment_in_its_own_currency(admin_client):
    from tests.support.factories import DonationFactory, PaymentFactory

    yen = DonationFactory(amount=Decimal("500"), currency="jpy", frequency="once", status="paid")
    PaymentFactory(
        donation=yen, amount=Decimal("500"), currency="jpy", refunded_amount=Decimal("100")
    )
    euro = DonationFactory(amount=Decimal("5"), currency="eur")
    PaymentFactory(donation=euro, amount=Decimal("5"), currency="eur")

    gifts = admin_client.get("/admin/support/donation/").content.decode()
    payments = admin_client.get("/admin/support/payment/").content.decode()
    one = admin_client.get(f"/admin/support/donation/{yen.pk}/change/").content.decode()

    assert "¥500 once" in gifts and "€5 every month" in gifts
    assert "¥500" in payments and "¥100" in payments and "€5.00" in payments
    assert "¥500" in one and "¥100" in one


def test_a_saved_currency_keeps_its_code(admin_client):
    euro = SiteCurrency.objects.get(code="eur")
    page = admin_client.get(f"/admin/support/sitecurrency/{euro.pk}/change/")

    assert "code" not in page.context["adminform"].form.fields
    assert "Stripe&#x27;s minimum" in page.content.decode() and "€0.50" in page.content.decode()
