import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, Photo, Section, Status, Tag
from articles.seed import load_peacekeeper_story
from tests.articles.html import find, inside
from tests.processes import PROJECT_DIR

pytestmark = pytest.mark.django_db

# The seed page, kept in the repository (its origin is in tests/data/README.md).
SEED_PAGE = PROJECT_DIR / "tests" / "data" / "peacekeeper_seed_page.txt"
URL = "/2024/06/12/russian-peacekeepers-complete-withdrawal-from-nagorno-karabakh/"


def story_paragraphs_in_seed_page() -> list[str]:
    blocks = [block.strip() for block in Path(SEED_PAGE).read_text("utf-8").split("\n\n")]
    first = next(i for i, b in enumerate(blocks) if b.startswith("Russian peacekeepers on Wed"))
    last = next(i for i, b in enumerate(blocks) if b.endswith("mass protests in Armenia."))
    return blocks[first : last + 1]


def test_the_story_page_carries_every_paragraph_of_the_seed_exactly(client):
    load_peacekeeper_story()

    response = client.get(URL)

    assert response.status_code == 200
    paragraphs = [p["text"] for p in inside(response.content, "p", "article-body")]
    assert paragraphs == story_paragraphs_in_seed_page()
    assert len(paragraphs) == 13
    assert paragraphs[2].startswith('"The process of the full withdrawal')
    assert paragraphs[2].endswith("Azerbaijan’s Defense Ministry said in a statement.")


def test_the_story_has_its_headline_date_section_and_tags():
    article = load_peacekeeper_story()

    assert article.headline == "Russian Peacekeepers Complete Withdrawal from Nagorno-Karabakh"
    assert article.status == Status.PUBLISHED
    assert article.publish_at.astimezone(datetime.UTC).date() == datetime.date(2024, 6, 12)
    assert article.section.name == "News"
    assert {"Nagorno-Karabakh", "Russia", "Azerbaijan", "Armenia"} <= {
        t.name for t in article.tags.all()
    }
    assert article.get_absolute_url() == URL
    assert Article.objects.published().get() == article


def test_the_hero_photo_is_a_credited_placeholder_that_says_so(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the renditions
        photo = load_peacekeeper_story().hero_photo
    photo.refresh_from_db()

    assert photo.caption == (
        "An armoured vehicle of the Russian peacekeeping forces in the Nagorno-Karabakh region."
    )
    assert photo.credit_line == "Stringer / AFP"
    assert "placeholder" in photo.alt_text.lower() and "not available" in photo.alt_text
    assert "not available" in photo.notes
    assert photo.width == 1200 and photo.height == 675
    assert {r["format"] for r in photo.renditions} == {"webp", "jpeg"}
    assert {r["crop"] for r in photo.renditions} == {"free", "lead", "teaser", "social"}

    figcaption = find(client.get(URL).content, "figcaption")[0]["text"]
    assert figcaption == (
        "An armoured vehicle of the Russian peacekeeping forces in the Nagorno-Karabakh region."
        " Stringer / AFP"
    )


def test_loading_twice_creates_nothing_twice():
    first = load_peacekeeper_story()
    counts = [m.objects.count() for m in (Article, Photo, Section, Tag)]

    second = load_peacekeeper_story()
    call_command("seed_demo", stdout=io.StringIO())

    assert second.pk == first.pk
    assert [m.objects.count() for m in (Article, Photo, Section, Tag)] == counts == [1, 1, 1, 5]


def test_the_donation_texts_are_not_part_of_the_article():
    article = load_peacekeeper_story()

    assert "small favor to ask" not in article.body
    assert "ad-free" not in article.body


def test_make_run_loads_the_story_right_after_migrating():
    makefile = (PROJECT_DIR / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0].splitlines()
    migrate = next(i for i, line in enumerate(run) if "manage.py migrate" in line)

    assert "manage.py seed_demo" in run[migrate + 1]
