"""Reports where editors work: what each variant raises, and what earns support per story."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from support.models import Appeal, AppealCount, Donation
from tests.articles.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db
REPORT = reverse("admin:support_appeal_report")


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(groups=["Editors"]))
    return client


@pytest.fixture
def b():
    return Appeal.objects.create(
        placement="end_of_article", name="B", position=1, body="B", button_label="Give"
    )


def gifts(appeal, count, *, amount="5", frequency="monthly", article=None, status="active"):
    for _ in range(count):
        Donation.objects.create(
            amount=Decimal(amount),
            frequency=frequency,
            status=status,
            appeal=appeal,
            article=article,
            placement="end_of_article",
        )


def row(page: str, appeal) -> str:
    return page.split(f'id="variant-{appeal.pk}"', 1)[1].split("</tr>", 1)[0]


def test_each_variant_shows_views_clicks_gifts_money_and_revenue_per_thousand_views(editor, b):
    AppealCount.objects.create(day=timezone.localdate(), appeal=b, views=4_000, clicks=90)
    gifts(b, 12)  # $5 a month: $60 a year each
    gifts(b, 1, amount="7.5", frequency="once")
    gifts(b, 3, status="pending")  # checkouts never finished: no gifts

    page = editor.get(REPORT).content.decode()

    cells = row(page, b)
    assert "<td>4000</td><td>90</td><td>13</td>" in cells
    assert "<td>0.325%</td>" in cells  # 13 gifts in 4,000 views
    assert "<td>$67.50</td>" in cells  # given: 12 x $5 + $7.50
    assert "<td>$727.50</td>" in cells  # a year: 12 x $60 + $7.50
    assert "<td>$181.88</td>" in cells  # per 1,000 views
    assert "$7.5<" not in page and "end_of_article" not in page


def test_under_ten_gifts_no_conversion_is_shown(editor, b):
    AppealCount.objects.create(day=timezone.localdate(), appeal=b, views=1_000)
    gifts(b, 9)

    cells = row(editor.get(REPORT).content.decode(), b)

    assert "%" not in cells.split("<td>9</td>", 1)[1].split("</td>", 1)[0]
    assert "<td>9</td><td>—</td>" in cells


def test_the_report_says_how_many_beacons_were_dropped(editor, b):
    AppealCount.objects.create(day=timezone.localdate(), dropped=17)

    assert "Beacons dropped (an unknown variant, or a network over its limit): 17." in (
        editor.get(REPORT).content.decode()
    )


def test_an_ended_variant_keeps_its_gifts_in_the_report(editor, b):
    gifts(b, 2)
    b.active = False
    b.save()

    cells = row(editor.get(REPORT).content.decode(), b)

    assert "<td>no</td>" in cells and "<td>2</td>" in cells


def test_writers_never_see_fundraising_figures(client, b):
    story = ArticleFactory(live=True, headline="A story that raised money")
    gifts(b, 2, article=story)
    client.force_login(UserFactory(groups=["Writers"]))

    assert client.get(REPORT).status_code == 403
    start = client.get("/admin/").content.decode()
    assert "What earns support" not in start and "$120" not in start


def test_the_start_page_shows_editors_what_earns_support_per_story(editor, b):
    earns = ArticleFactory(live=True, headline="A story that raised money")
    other = ArticleFactory(live=True, headline="A story read a lot")
    AppealCount.objects.create(day=timezone.localdate(), appeal=b, article=earns, views=1_000)
    AppealCount.objects.create(day=timezone.localdate(), appeal=b, article=other, views=9_000)
    gifts(b, 2, article=earns)  # $120 a year
    gifts(b, 1, article=other)  # $60 a year

    page = editor.get("/admin/").content.decode()

    table = page.split('id="earns"', 1)[1].split("</table>", 1)[0]
    assert table.index("A story that raised money") < table.index("A story read a lot")
    assert "<td>1000</td><td>2</td><td>$120.00</td><td>$120.00</td>" in table
    assert "<td>9000</td><td>1</td><td>$60.00</td><td>$6.67</td>" in table
    sections = page.split('id="earns-sections"', 1)[1].split("</table>", 1)[0]
    assert "<td>10000</td><td>3</td><td>$180.00</td><td>$18.00</td>" in sections


def test_authors_are_credited_with_each_story_they_wrote_and_old_gifts_age_out(editor, b):
    from datetime import timedelta

    from tests.articles.factories import AuthorFactory

    writer, colleague = AuthorFactory(name="Ana Writer"), AuthorFactory(name="Bo Colleague")
    shared = ArticleFactory(live=True, headline="Written together")
    shared.bylines.create(author=writer)
    shared.bylines.create(author=colleague, position=1)
    alone = ArticleFactory(live=True, headline="Written alone")
    alone.bylines.create(author=writer)
    today = timezone.localdate()
    AppealCount.objects.create(day=today, appeal=b, article=shared, views=2_000)
    AppealCount.objects.create(day=today, appeal=b, article=alone, views=2_000)
    AppealCount.objects.create(day=today - timedelta(days=200), appeal=b, article=alone, views=9)
    gifts(b, 1, article=shared)
    gifts(b, 1, article=alone)

    page = editor.get("/admin/").content.decode()

    authors = page.split('id="earns-authors"', 1)[1].split("</table>", 1)[0]
    ana = authors.split("Ana Writer", 1)[1].split("</tr>", 1)[0]
    bo = authors.split("Bo Colleague", 1)[1].split("</tr>", 1)[0]
    assert "<td>4000</td><td>2</td><td>$120.00</td><td>$30.00</td>" in ana
    assert "<td>2000</td><td>1</td><td>$60.00</td><td>$30.00</td>" in bo


def test_a_storys_form_shows_editors_what_it_raised_and_writers_nothing(client, b):
    story = ArticleFactory(live=True)
    AppealCount.objects.create(day=timezone.localdate(), appeal=b, article=story, views=500)
    gifts(b, 1, article=story, amount="10", frequency="once")
    url = reverse("admin:articles_article_change", args=[story.pk])

    client.force_login(UserFactory(groups=["Editors"]))
    editors = client.get(url).content.decode()
    client.force_login(UserFactory(groups=["Writers"]))
    writers = client.get(url).content.decode()

    assert (
        "Reader support from this story: 500 end-of-article appeal views, 1 gift, $10.00 a year "
        "($20.00 per 1,000 views)." in editors
    )
    assert "Reader support from this story" not in writers
