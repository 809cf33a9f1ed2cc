import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from newsroom import postgres
from support import stripe_gateway
from support.models import Donation, Frequency, Payment, StripeEvent
from support.reminders import reminder_request
from tests.articles.html import find
from tests.support.factories import DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_the_donations_list_shows_the_goal_meter_and_links_the_attribution_report(admin_client):
    DonationFactory(amount=Decimal("2"))

    page = admin_client.get("/admin/support/donation/").content.decode()

    assert "This month:" in page
    assert "$2.00 of $10,000.00 goal" in page
    assert "/admin/support/donation/attribution/" in page


def test_the_goal_meter_shows_one_time_gifts_in_cents_after_a_partial_refund(admin_client):
    # SQLite sums net amounts as floating point: 25.00 - 24.29 came back 0.710000000000001.
    gift = DonationFactory(amount=Decimal("25"), frequency=Frequency.ONCE, status="paid")
    PaymentFactory(donation=gift, kind=Payment.Kind.ONE_TIME, refunded_amount=Decimal("24.29"))

    page = admin_client.get("/admin/support/donation/").content.decode()

    assert "$0.71 of $10,000.00 goal" in page
    assert "one-time $0.71 this month" in page


def test_the_attribution_report_lists_gifts_by_placement(admin_client):
    donation = DonationFactory(placement="top_banner", frequency=Frequency.ONCE, status="paid")
    PaymentFactory(donation=donation, kind=Payment.Kind.ONE_TIME, amount=Decimal("25"))

    page = admin_client.get("/admin/support/donation/attribution/").content.decode()

    assert "Which stories make readers give" in page
    assert "top_banner" in page and "$25.00" in page


def test_donors_show_first_gift_lifetime_total_and_active_recurring_amount(admin_client):
    donation = DonationFactory(amount=Decimal("5"), donor__email="loyal@example.org")
    PaymentFactory(donation=donation, amount=Decimal("5"))
    PaymentFactory(donation=donation, amount=Decimal("5"), kind=Payment.Kind.RENEWAL)

    page = admin_client.get("/admin/support/donor/").content.decode()

    assert "loyal@example.org" in page
    assert "$10.00" in page  # lifetime: two payments
    assert "$5.00" in page  # active recurring: one gift, not one per payment


def test_staff_can_export_donations_as_csv(admin_client):
    donation = DonationFactory(amount=Decimal("7.50"), email="csv@example.org")

    response = admin_client.post(
        "/admin/support/donation/",
        {"action": "export_csv", "_selected_action": [donation.pk]},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv"
    assert rows[0][:4] == ["id", "created_at", "status", "frequency"]
    assert rows[1][4] == "7.50" and rows[1][9] == ""


def test_stripe_owned_rows_are_read_only_in_the_admin(admin_client):
    donation = DonationFactory()

    assert admin_client.get("/admin/support/donation/add/").status_code == 403
    assert admin_client.post(f"/admin/support/donation/{donation.pk}/delete/").status_code == 403
    assert Donation.objects.filter(pk=donation.pk).exists()


def test_the_reminders_list_shows_counts_per_week_and_the_conversion_rate(admin_client):
    from datetime import date

    reminder_request(email="later@example.org", due_on=date(2026, 12, 4))

    page = admin_client.get("/admin/support/reminder/").content.decode()

    assert "later@example.org" in page
    assert "Reminders due per week" in page
    assert "0 of 0 sent reminders led to a gift within 14 days" in page


def test_a_live_stripe_key_is_refused_unless_live_mode_is_allowed(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_not_a_real_key"
    settings.STRIPE_ALLOW_LIVE = False

    with pytest.raises(ImproperlyConfigured, match="refusing live mode"):
        stripe_gateway.client()


@pytest.mark.parametrize(("group", "expected"), [("Editors", 200), ("Writers", 403)])
def test_editors_see_gifts_and_reminders_and_writers_do_not(
    client, django_user_model, group, expected
):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "staffer", password="pw-long-enough-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)

    for path in ("/admin/support/donation/", "/admin/support/reminder/", "/admin/support/donor/"):
        assert client.get(path).status_code == expected, path


def test_an_editor_typing_a_bad_ladder_amount_gets_a_form_error_and_nothing_is_saved(
    admin_client,
):
    from support.models import LadderAmount, SiteCurrency

    yen = SiteCurrency.objects.create(code="jpy", position=9, smallest_gift=300, largest_gift=10**6)
    url = f"/admin/support/sitecurrency/{yen.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data |= {
        "amounts-TOTAL_FORMS": "2",
        "amounts-INITIAL_FORMS": "0",
        "amounts-0-frequency": "monthly",
        "amounts-0-amount": "500",
        "amounts-0-position": "0",
        "amounts-1-frequency": "monthly",
        "amounts-1-amount": "750.50",
        "amounts-1-position": "1",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "amounts in yen are whole numbers" in response.content.decode()
    assert not LadderAmount.objects.filter(currency=yen).exists()


def test_a_bad_ladder_amount_already_stored_never_breaks_the_support_page(client):
    from support.models import LadderAmount, SiteCurrency

    usd = SiteCurrency.objects.get(code="usd")
    LadderAmount.objects.create(currency=usd, frequency="monthly", amount="1.5", position=9)

    response = client.get("/support/")

    assert response.status_code == 200
    assert 'value="1.5"' not in response.content.decode()
    assert 'name="amount" value="25"' in response.content.decode()


def test_the_payments_list_finds_a_payment_by_its_whole_stripe_id(admin_client):
    wanted = PaymentFactory(stripe_invoice_id="in_wanted123", stripe_charge_id="ch_wanted123")
    PaymentFactory(stripe_invoice_id="in_other456")

    for term in ("in_wanted123", "ch_wanted123"):
        response = admin_client.get("/admin/support/payment/", {"q": term})
        assert [p.pk for p in response.context["cl"].result_list] == [wanted.pk]
    response = admin_client.get("/admin/support/payment/", {"q": "wanted"})
    assert list(response.context["cl"].result_list) == []


def test_stripe_ids_are_matched_exactly_and_case_sensitively_with_their_unique_index(
    admin_client,
):
    if connection.vendor != "postgresql":
        pytest.skip("query plans of PostgreSQL")
    wanted = PaymentFactory(stripe_invoice_id="in_Wanted123")

    other_case = admin_client.get("/admin/support/payment/", {"q": "in_wanted123"})
    response = admin_client.get("/admin/support/payment/", {"q": "in_Wanted123"})

    assert list(other_case.context["cl"].result_list) == []  # Stripe's ids are case-sensitive
    assert [p.pk for p in response.context["cl"].result_list] == [wanted.pk]
    sql, params = response.context["cl"].queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A million payments are too many to read: the search must find an index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "stripe_invoice_id" in plan and "Seq Scan" not in plan, plan


def test_donors_are_searched_by_any_part_of_their_email_through_a_trigram_index(admin_client):
    if connection.vendor != "postgresql":
        pytest.skip("query plans of PostgreSQL")
    from tests.support.factories import DonorFactory

    wanted = DonorFactory(email="Ani.Petrosyan@example.am")
    DonorFactory(email="someone@example.org")

    response = admin_client.get("/admin/support/donor/", {"q": "petrosyan@EXAMPLE"})

    assert [d.pk for d in response.context["cl"].result_list] == [wanted.pk]
    matching = response.context["cl"].queryset.order_by().values("pk")
    sql, params = matching.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tens of thousands of donors are too many to read, whole or in key order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "donor_email_trgm" in plan, plan


def test_the_payments_date_hierarchy_finds_its_years_and_months_without_reading_every_row(
    admin_client, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the index walk is for PostgreSQL")
    monkeypatch.setattr(postgres, "EXACT_COUNT_BELOW", 0)  # as big as a real ledger
    for day in ("2023-03-05", "2023-11-20", "2025-06-01"):
        PaymentFactory(paid_at=datetime.datetime.fromisoformat(f"{day}T12:00:00+00:00"))
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def choices(response):
        links = find(response.content, "a")
        return [a["text"] for a in links if ("nav", "toplinks") in a["parents"]]

    with connection.execute_wrapper(record):
        years = admin_client.get("/admin/support/payment/")
        months = admin_client.get("/admin/support/payment/", {"paid_at__year": "2023"})

    assert choices(years) == ["2023", "2025"]
    assert choices(months) == ["‹ All dates", "March 2023", "November 2023"]
    assert not [sql for sql in statements if "DISTINCT" in sql]


def test_the_stripe_events_list_reads_indexes_for_its_order_and_its_search(admin_client):
    if connection.vendor != "postgresql":
        pytest.skip("query plans of PostgreSQL")
    wanted = StripeEvent.objects.create(event_id="evt_Wanted1", type="invoice.paid", payload={})
    StripeEvent.objects.create(event_id="evt_Other2", type="invoice.paid", payload={})

    def plan(response):
        sql, params = response.context["cl"].queryset[:100].query.sql_with_params()
        with connection.cursor() as cursor:
            # A million events are too many to read or sort whole.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    listing = admin_client.get("/admin/support/stripeevent/")
    found = admin_client.get("/admin/support/stripeevent/", {"q": "evt_Wanted1"})

    assert "stripe_event_received" in plan(listing) and "Sort" not in plan(listing)
    assert list(found.context["cl"].result_list) == [wanted]
    assert "event_id" in plan(found) and "Seq Scan" not in plan(found)
    partial = admin_client.get("/admin/support/stripeevent/", {"q": "Wanted"})
    assert list(partial.context["cl"].result_list) == []  # ids are pasted whole
