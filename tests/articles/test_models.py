import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, Photo, Status
from articles.story import any_story, published_story, read_more
from tests.articles.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db


def test_published_includes_only_live_statuses_whose_time_has_passed():
    past = timezone.now() - datetime.timedelta(minutes=5)
    future = timezone.now() + datetime.timedelta(hours=2)
    visible = ArticleFactory(status=Status.PUBLISHED, publish_at=past)
    due = ArticleFactory(status=Status.SCHEDULED, publish_at=past)
    ArticleFactory(status=Status.SCHEDULED, publish_at=future)
    ArticleFactory(status=Status.PUBLISHED, publish_at=future)
    ArticleFactory(status=Status.DRAFT, publish_at=past)
    ArticleFactory(status=Status.IN_REVIEW, publish_at=past)
    ArticleFactory(status=Status.UNPUBLISHED, publish_at=past)
    ArticleFactory(status=Status.PUBLISHED, publish_at=None)

    assert set(Article.objects.published()) == {visible, due}


def test_a_scheduled_article_appears_when_its_time_comes_without_any_job():
    publish_at = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC)
    article = ArticleFactory(status=Status.SCHEDULED, publish_at=publish_at)

    with time_machine.travel(publish_at - datetime.timedelta(seconds=1), tick=False):
        assert not Article.objects.published().exists()
        assert not article.is_live
    with time_machine.travel(publish_at, tick=False):
        assert list(Article.objects.published()) == [article]
        assert article.is_live


def test_body_is_sanitised_on_save_so_no_script_or_event_handler_survives():
    article = ArticleFactory(
        body=(
            '<p onclick="steal()">Hello <a href="javascript:alert(1)">x</a></p>'
            "<script>alert('xss')</script><img src=x onerror=alert(1)>"
            '<iframe src="https://evil.example"></iframe><p style="color:red">Bye</p>'
        )
    )

    article.refresh_from_db()
    assert article.body == '<p>Hello <a rel="noopener noreferrer">x</a></p><p>Bye</p>'
    assert "script" not in article.body and "onerror" not in article.body


def test_body_keeps_editorial_markup_and_links():
    body = (
        '<h2>Context</h2><p>Read <a href="https://example.org/report">the report</a>, '
        "<em>now</em>.</p><blockquote><p>A quote.</p></blockquote>"
    )
    article = ArticleFactory(body=body)

    assert '<a href="https://example.org/report" rel="noopener noreferrer">' in article.body
    assert "<h2>Context</h2>" in article.body and "<blockquote><p>A quote.</p></blockquote>" in (
        article.body
    )


def test_plain_text_of_the_body_keeps_one_line_per_paragraph():
    article = ArticleFactory(body="<p>Fish &amp; chips</p><p>Azerbaijan’s <b>army</b></p>")

    assert article.body_text == "Fish & chips\nAzerbaijan’s army"


def test_photo_credit_line_joins_photographer_and_agency():
    assert PhotoFactory.build(photographer="Stringer", agency="AFP").credit_line == "Stringer / AFP"
    assert PhotoFactory.build(photographer="", agency="Reuters").credit_line == "Reuters"
    assert PhotoFactory.build(photographer=" ", agency="").credit_line == ""


def test_a_photo_needs_alt_text_unless_marked_decorative():
    with pytest.raises(IntegrityError):
        PhotoFactory(alt_text="", is_decorative=False)


def test_a_decorative_photo_gets_empty_alt_text_for_readers():
    photo = PhotoFactory(alt_text="", is_decorative=True)

    assert photo.reader_alt_text == ""


def test_publication_is_refused_when_the_hero_photo_has_no_credit():
    article = ArticleFactory(hero_photo=PhotoFactory(photographer="", agency=""))

    assert article.publication_problems() == [
        "The hero photo has no credit: add its photographer or agency before publishing."
    ]


@time_machine.travel(datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_publication_is_refused_when_the_hero_photo_rights_have_expired():
    photo = PhotoFactory(rights_expire_on=datetime.date(2025, 3, 9))
    article = ArticleFactory(hero_photo=photo)

    assert article.publication_problems() == [
        "The rights to the hero photo expired on 09 March 2025: choose another photo."
    ]


@time_machine.travel(datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_rights_are_valid_through_their_last_day():
    photo = PhotoFactory(rights_expire_on=datetime.date(2025, 3, 10))

    assert ArticleFactory(hero_photo=photo).publication_problems() == []


@time_machine.travel(datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_scheduling_is_refused_when_the_rights_end_before_the_scheduled_day():
    photo = PhotoFactory(rights_expire_on=datetime.date(2025, 3, 12))
    article = ArticleFactory(hero_photo=photo)

    problems = article.publication_problems(
        at=datetime.datetime(2025, 3, 14, 8, tzinfo=datetime.UTC)
    )

    assert problems == [
        "The rights to the hero photo expired on 12 March 2025 (before the scheduled time): "
        "choose another photo."
    ]


def test_an_article_without_a_hero_photo_may_be_published():
    assert ArticleFactory(hero_photo=None).publication_problems() == []


def test_expiring_photos_are_found_within_the_window():
    today = timezone.localdate()
    soon = PhotoFactory(rights_expire_on=today + datetime.timedelta(days=30))
    PhotoFactory(rights_expire_on=today + datetime.timedelta(days=31))
    PhotoFactory(rights_expire_on=today - datetime.timedelta(days=1))
    PhotoFactory(rights_expire_on=None)

    assert list(Photo.objects.rights_expiring(within_days=30)) == [soon]


def test_the_data_migration_creates_writers_and_editors_with_distinct_powers():
    writers = Group.objects.get(name="Writers")
    editors = Group.objects.get(name="Editors")
    writer_codenames = set(writers.permissions.values_list("codename", flat=True))
    editor_codenames = set(editors.permissions.values_list("codename", flat=True))

    assert {"add_article", "change_article", "view_article"} <= writer_codenames
    assert "publish_article" not in writer_codenames
    assert "delete_article" not in writer_codenames
    assert {"publish_article", "delete_article", "change_photo"} <= editor_codenames


def test_inline_photos_are_held_to_the_hero_photos_rules_and_left_out_once_their_rights_end():
    from articles.templating import with_inline_photos

    today = timezone.localdate()
    expired = PhotoFactory(caption="Old", rights_expire_on=today - datetime.timedelta(days=1))
    good = PhotoFactory(caption="Fresh", photographer="Jane Doe", agency="")
    body = (
        f'<p>a</p><figure data-photo="{expired.pk}">x</figure>'
        f'<figure data-photo="{good.pk}">y</figure>'
    )
    article = ArticleFactory(body=body)

    assert article.publication_problems() == [
        f"The rights to the inline photo “{expired}” expired on "
        f"{expired.rights_expire_on:%d %B %Y}: choose another photo."
    ]
    rendered = with_inline_photos(article.body)
    assert "Old" not in rendered
    assert 'Fresh <span class="credit">Jane Doe</span>' in rendered
    assert article.body_text == "a"


def test_the_front_page_puts_the_editors_lead_and_top_stories_first_then_the_rest_by_time():
    now = timezone.now()
    newest = ArticleFactory(live=True, publish_at=now - datetime.timedelta(minutes=5))
    lead = ArticleFactory(live=True, front_page_position=1, publish_at=now - datetime.timedelta(1))
    second = ArticleFactory(
        live=True, front_page_position=2, publish_at=now - datetime.timedelta(2)
    )
    older = ArticleFactory(live=True, publish_at=now - datetime.timedelta(3))
    ArticleFactory(front_page_position=1)  # a draft is never on the front page

    assert list(Article.objects.front_page()) == [lead, second, newest, older]


def test_the_article_page_loads_the_story_with_what_it_shows_and_its_related_stories(
    django_assert_num_queries,
):
    from tests.articles.factories import (
        AuthorFactory,
        CorrectionFactory,
        SectionFactory,
        TagFactory,
    )

    now = timezone.now()
    day = datetime.timedelta(days=1)
    tag, news, sport = TagFactory(name="Talks"), SectionFactory(slug="news"), SectionFactory()
    story = ArticleFactory(
        live=True, section=news, tags=[tag, TagFactory(name="Baku")], publish_at=now - 3 * day,
        hero_photo=PhotoFactory(), authors=[AuthorFactory(name="B"), AuthorFactory(name="A")],
    )  # fmt: skip
    CorrectionFactory(article=story, text="A date was wrong.")
    same_tag = [
        ArticleFactory(live=True, section=sport, tags=[tag], publish_at=now - n * day)
        for n in (1, 2, 4, 5, 6)
    ]
    same_section = ArticleFactory(live=True, section=news, publish_at=now - 10 * day)
    ArticleFactory(live=True, section=news, tags=[tag], publish_at=now - 40 * day)  # too old
    ArticleFactory(section=news, tags=[tag], publish_at=now - day)  # a draft
    ArticleFactory(live=True, section=news, tags=[tag], publish_at=now + day)  # not yet
    ArticleFactory(live=True, section=sport, publish_at=now - day)  # unrelated

    with django_assert_num_queries(5):
        page = published_story(
            day=story.publish_at.astimezone(datetime.UTC).date(), slug=story.slug
        )
        related = read_more(page.article)
    found = page.article
    stored = Article.objects.select_related("hero_photo").get(pk=story.pk)
    with django_assert_num_queries(0):  # all it shows came with it
        assert found == story and found.hero_photo == story.hero_photo
        assert found.hero_photo.renditions == stored.hero_photo.renditions
        assert found.section.name == news.name and found.body == story.body
        assert found.publish_at == stored.publish_at
        assert [b.author.name for b in page.bylines] == ["B", "A"]
        assert [t.name for t in page.tags] == ["Baku", "Talks"]
        assert [c.text for c in page.corrections] == ["A date was wrong."]
        assert related == same_tag[:4]  # sharing a tag first, newest first
        assert [r.section.name for r in related] == [sport.name] * 4
    assert published_story(day=now.date(), slug=story.slug) is None
    assert any_story(pk=story.pk).tags == page.tags  # a preview loads it the same way
    assert read_more(same_section)[0] == story  # its section's, when none shares a tag

    one_tagged = read_more(same_tag[4])
    assert one_tagged == [same_tag[0], same_tag[1], story, same_tag[2]]
    alone = ArticleFactory(live=True, section=news, publish_at=now - 9 * day)
    related = read_more(alone)
    assert related == [story, same_section]  # no tag: the newest of its section
