"""Admin lists over big tables draw the same markup as Django's own, faster."""

import pytest


@pytest.mark.django_db
def test_the_written_out_action_checkbox_is_the_one_django_draws():
    from django.contrib import admin

    from articles.models import Article
    from newsroom.admin_lists import PlainActionCheckbox
    from tests.articles.factories import ArticleFactory

    article = ArticleFactory(headline='Talks "resume" <today> & more')
    django_own = admin.ModelAdmin(Article, admin.site).action_checkbox(article)

    assert PlainActionCheckbox().action_checkbox(article) == django_own


@pytest.mark.django_db
@pytest.mark.parametrize("zone_name", ["UTC", "America/New_York", "Asia/Yerevan"])
def test_the_date_hierarchy_walk_finds_the_periods_django_s_distinct_finds(zone_name):
    import datetime
    import zoneinfo

    from django.db import connection

    from newsroom.admin_lists import period_starts
    from support.models import Payment
    from tests.support.factories import PaymentFactory

    zone = zoneinfo.ZoneInfo(zone_name)
    # Moments either side of midnight and of New Year, in one zone or another.
    for moment in (
        "2023-03-05T12:00", "2023-12-31T23:30", "2024-01-01T03:00",
        "2024-02-29T22:00", "2024-03-01T01:00", "2026-11-30T23:59",
    ):  # fmt: skip
        PaymentFactory(paid_at=datetime.datetime.fromisoformat(moment + "+00:00"))
    payments = Payment.objects.all()

    for kind in ("year", "month"):
        walked = period_starts(payments, "paid_at", kind, zone)
        assert walked == list(payments.datetimes("paid_at", kind, tzinfo=zone)), kind
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        months = period_starts(payments, "paid_at", "month", zone)
    # One recursive query on PostgreSQL; elsewhere one MIN() per month, and one to end.
    assert len(statements) == (1 if connection.vendor == "postgresql" else len(months) + 1)
