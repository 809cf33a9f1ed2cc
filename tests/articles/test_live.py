"""Live blogs: entries, who may post them, a double submit, and the admin's desk."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.live import LiveBlogClosed, live_blog_set, live_entries, live_entry_post
from articles.models import LiveEntry
from tests.articles.factories import ArticleFactory, AuthorFactory, UserFactory
from tests.articles.live_factories import LiveEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(groups=["Editors"])


@pytest.fixture
def writer():
    return UserFactory(groups=["Writers"])


@pytest.fixture
def blog():
    return ArticleFactory(live=True, live_blog="open", headline="Border crossings, live")


def desk(article):
    return f"/admin/articles/liveentry/story/{article.pk}/"


def test_an_entry_keeps_only_safe_markup_and_its_plain_text(blog):
    entry = LiveEntryFactory(
        article=blog, body='<p onclick="x()">Shelling <b>resumed</b>.</p><script>alert(1)</script>'
    )

    assert entry.body == "<p>Shelling <b>resumed</b>.</p>"
    assert entry.body_text == "Shelling resumed."


def test_entries_are_pinned_first_then_newest_first(blog):
    hours = datetime.timedelta(hours=1)
    now = timezone.now()
    old = LiveEntryFactory(article=blog, posted_at=now - 2 * hours)
    pinned = LiveEntryFactory(article=blog, posted_at=now - 3 * hours, pinned=True)
    new = LiveEntryFactory(article=blog, posted_at=now - hours / 12)
    LiveEntryFactory()  # another blog's

    assert live_entries(blog) == [pinned, new, old]


def test_an_editor_posts_to_an_open_blog(blog, editor):
    author = AuthorFactory(name="Anna Petrova")

    posted = live_entry_post(
        article=blog, user=editor, body="<p>Convoy seen.</p>", headline=" Convoy ", author=author
    )

    assert posted.created
    entry = LiveEntry.objects.get()
    assert (entry.headline, entry.body, entry.author, entry.posted_by) == (
        "Convoy", "<p>Convoy seen.</p>", author, editor
    )  # fmt: skip


@pytest.mark.parametrize("state, reason", [("closed", "closed"), ("", "not a live blog")])
def test_a_closed_blog_or_an_ordinary_story_takes_no_entry(editor, state, reason):
    article = ArticleFactory(live=True, live_blog=state)

    with pytest.raises(LiveBlogClosed, match=reason):
        live_entry_post(article=article, user=editor, body="<p>Late news.</p>")

    assert not LiveEntry.objects.exists()


def test_an_entry_without_words_is_refused(blog, editor):
    with pytest.raises(ValidationError):
        live_entry_post(article=blog, user=editor, body="<p> </p><script>x</script>")


def test_a_writer_prepares_entries_on_a_draft_but_never_posts_to_a_live_story(writer):
    draft = ArticleFactory(status="draft", live_blog="open")
    live = ArticleFactory(live=True, live_blog="open")

    assert live_entry_post(article=draft, user=writer, body="<p>Ready.</p>").created
    with pytest.raises(PermissionDenied):
        live_entry_post(article=live, user=writer, body="<p>Not mine to post.</p>")
    with pytest.raises(PermissionDenied):
        live_blog_set(article=live, user=writer, state="closed")


def test_the_same_form_sent_twice_is_one_entry(blog, editor):
    token = uuid.uuid4()

    first = live_entry_post(article=blog, user=editor, body="<p>Blast.</p>", submission=token)
    again = live_entry_post(article=blog, user=editor, body="<p>Blast.</p>", submission=token)

    assert (first.created, again.created) == (True, False)
    assert again.entry == first.entry
    assert LiveEntry.objects.count() == 1


def test_the_same_words_within_a_second_are_one_entry_and_later_are_two(blog, editor):
    with time_machine.travel("2026-12-07 10:00:00.000", tick=False) as clock:
        live_entry_post(article=blog, user=editor, body="<p>Sirens.</p>", submission=uuid.uuid4())
        clock.shift(0.6)
        live_entry_post(article=blog, user=editor, body="<p>Sirens.</p>", submission=uuid.uuid4())
        assert LiveEntry.objects.count() == 1
        clock.shift(5)
        live_entry_post(article=blog, user=editor, body="<p>Sirens.</p>")
    assert LiveEntry.objects.count() == 2


# The admin's desk: one small form, without opening the story.


def form(text="<p>Troops crossed at dawn.</p>", **extra):
    return {
        "action": "post",
        "headline": "",
        "body": text,
        "author": "",
        "submission": str(uuid.uuid4()),
        **extra,
    }


def test_the_desk_posts_an_entry_without_touching_the_story(client, blog, editor):
    version = blog.edit_version
    client.force_login(editor)

    page = client.get(desk(blog))
    token = re.search(rb'name="submission" value="([^"]+)"', page.content).group(1).decode()
    posted = client.post(desk(blog), form(headline="Dawn", submission=token), follow=True)

    assert posted.redirect_chain == [(desk(blog), 302)]
    assert b"Entry posted." in posted.content
    entry = LiveEntry.objects.get()
    assert (entry.headline, entry.article) == ("Dawn", blog)
    blog.refresh_from_db()
    assert blog.edit_version == version  # an editor with the story open can still save it


def test_a_double_submit_of_the_desk_form_makes_one_entry(client, blog, editor):
    client.force_login(editor)
    data = form()

    first = client.post(desk(blog), data)
    second = client.post(desk(blog), data)

    assert first.status_code == second.status_code == 302
    assert LiveEntry.objects.count() == 1


def test_the_desk_says_what_is_wrong_with_an_empty_entry(client, blog, editor):
    client.force_login(editor)

    response = client.post(desk(blog), form(text=""))

    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert not LiveEntry.objects.exists()


def test_a_writer_reads_a_live_storys_entries_but_may_not_post(client, blog, writer):
    LiveEntryFactory(article=blog, headline="Already posted")
    client.force_login(writer)

    page = client.get(desk(blog))
    refused = client.post(desk(blog), form())

    assert page.status_code == 200
    assert b"Already posted" in page.content and b'name="body"' not in page.content
    assert refused.status_code == 403
    assert LiveEntry.objects.count() == 1


def test_an_editor_pins_an_entry_and_closes_the_blog(client, blog, editor):
    entry = LiveEntryFactory(article=blog)
    client.force_login(editor)

    client.post(desk(blog), {"action": "pin", "entry": entry.pk})
    client.post(desk(blog), {"action": "close"})

    entry.refresh_from_db()
    blog.refresh_from_db()
    assert entry.pinned
    assert blog.live_blog == "closed"
    page = client.get(desk(blog))
    assert b'name="body"' not in page.content  # closed: no form
    assert b"Open it again" in page.content


def test_the_desk_of_no_story_is_a_404(client, editor):
    client.force_login(editor)

    assert client.get("/admin/articles/liveentry/story/999999/").status_code == 404
    assert client.get("/admin/articles/liveentry/story/x/").status_code == 404


def test_the_story_form_links_to_its_live_blog(client, blog, editor):
    client.force_login(editor)

    page = client.get(f"/admin/articles/article/{blog.pk}/change/")

    assert desk(blog).encode() in page.content


def test_the_plain_add_form_posts_only_to_an_open_blog_the_user_may_post_to(client, writer):
    closed = ArticleFactory(status="draft", live_blog="closed")
    live = ArticleFactory(live=True, live_blog="open")
    draft = ArticleFactory(status="draft", live_blog="open")
    client.force_login(writer)

    def add(article):
        data = {"article": article.pk, "posted_at_0": "2026-12-07", "posted_at_1": "10:00:00"}
        return client.post("/admin/articles/liveentry/add/", data | {"body": "<p>Text.</p>"})

    assert b"This live blog is closed" in add(closed).content
    assert b"Only editors post" in add(live).content
    assert add(draft).status_code == 302
    assert list(LiveEntry.objects.values_list("article", flat=True)) == [draft.pk]


def test_an_entry_edited_in_the_admin_stays_with_its_story(client, blog, editor):
    entry = LiveEntryFactory(article=blog)
    other = ArticleFactory(live=True, live_blog="open")
    client.force_login(editor)
    data = {
        "article": other.pk,
        "posted_at_0": "2026-12-07",
        "posted_at_1": "10:00:00",
        "body": "<p>Corrected.</p>",
    }

    response = client.post(f"/admin/articles/liveentry/{entry.pk}/change/", data)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.article, entry.body) == (blog, "<p>Corrected.</p>")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("same_form", [True, False], ids=["same form", "same words"])
def test_two_posts_of_one_entry_at_the_same_moment_make_one_entry(same_form):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    blog = ArticleFactory(live=True, live_blog="open")
    editor = UserFactory(groups=["Editors"])
    token = uuid.uuid4()
    start = threading.Barrier(2)
    results, errors = [], []

    def post():
        try:
            start.wait()
            results.append(
                live_entry_post(
                    article=blog,
                    user=editor,
                    body="<p>Explosion heard.</p>",
                    submission=token if same_form else uuid.uuid4(),
                )
            )
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(r.created for r in results) == [False, True]
    assert LiveEntry.objects.filter(article=blog).count() == 1
