"""The buttons under the article form: what each offers, does, refuses and says (issue 14)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from articles.models import Article, Status
from articles.workflow import (
    Move,
    PublicationRefused,
    article_move,
    article_publish,
    article_submit_for_review,
)
from outbox.models import Email
from outbox.services import email_owe, emails_retry
from tests.articles.factories import ArticleFactory, PhotoFactory, SectionFactory, UserFactory
from tests.articles.html import find
from tests.articles.test_admin import (
    ADD,
    answer_confirmation,
    change_url,
    errors,
    form_data,
    opened,
    workflow_buttons,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)
SITE = "https://news.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def section():
    return SectionFactory(name="News", slug="news")


@pytest.fixture
def editor():
    return UserFactory(groups=["Editors"], email="chief@example.org")


@pytest.fixture
def writer():
    return UserFactory(groups=["Writers"], first_name="Anna", last_name="Writer")


def post(client, user, article, move, **fields):
    """Press a button on the story's form (the add form when `article` is None)."""
    client.force_login(user)
    section = article.section if article else SectionFactory(name="News", slug="news")
    data = form_data(section, _workflow=move, **fields)
    if article is None:
        return client.post(f"{ADD}add/", data, follow=True)
    data |= {"slug": article.slug, "headline": article.headline} | opened(article)
    if article.publish_at and "publish_at_0" not in fields:
        data |= {
            "publish_at_0": f"{article.publish_at:%Y-%m-%d}",
            "publish_at_1": f"{article.publish_at:%H:%M:%S}",
        }
    return client.post(change_url(article), data, follow=True)


def success(response) -> str:
    return " ".join(li["text"] for li in find(response.content, "li", class_="success"))


def later(**delta):
    return timezone.now() + datetime.timedelta(**delta)


STAGES = {
    "draft": lambda: ArticleFactory(),
    "in review": lambda: ArticleFactory(status=Status.IN_REVIEW),
    "scheduled": lambda: ArticleFactory(status=Status.SCHEDULED, publish_at=later(days=1)),
    "live": lambda: ArticleFactory(live=True),
    "live (was scheduled)": lambda: ArticleFactory(
        status=Status.SCHEDULED, publish_at=later(hours=-1)
    ),
    "unpublished": lambda: ArticleFactory(status=Status.UNPUBLISHED, publish_at=later(days=-3)),
}
EDITOR_BUTTONS = {
    "draft": ["Save draft", "Submit for review", "Publish now", "Schedule"],
    "in review": ["Save, keep in review", "Move back to draft", "Publish now", "Schedule"],
    "scheduled": ["Schedule", "Publish now", "Unschedule, save as draft", "Unpublish"],
    "live": ["Update live story", "Unpublish"],
    "live (was scheduled)": ["Update live story", "Unpublish"],
    "unpublished": ["Save as draft", "Submit for review", "Publish now", "Schedule"],
}
WRITER_BUTTONS = {
    "draft": ["Save draft", "Submit for review"],
    "in review": ["Save, keep in review", "Move back to draft"],
}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("role", ["editor", "writer"])
def test_the_form_offers_only_the_buttons_that_fit_the_story_and_the_role(
    client, request, stage, role
):
    client.force_login(request.getfixturevalue(role))
    article = STAGES[stage]()

    page = client.get(change_url(article)).content

    wanted = EDITOR_BUTTONS if role == "editor" else WRITER_BUTTONS
    assert workflow_buttons(page) == wanted.get(stage, [])
    assert not find(page, "input", name="_save")


def test_a_new_story_is_saved_as_a_draft_and_says_so(client, editor):
    response = post(client, editor, None, "draft")

    article = Article.objects.get()
    assert (article.status, article.publish_at) == (Status.DRAFT, None)
    assert success(response) == "Saved “Ceasefire holds” as a draft. Readers cannot see it."
    assert response.redirect_chain[-1][0] == change_url(article)


def test_publish_now_makes_the_story_live_and_names_its_address(client, editor):
    response = post(client, editor, None, "publish")

    article = Article.objects.get()
    assert article.is_live
    url = f"{SITE}{article.get_absolute_url()}"
    assert success(response) == f"Published “Ceasefire holds”. It is live at {url}."
    assert client.get(article.get_absolute_url()).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_schedule_keeps_the_chosen_time_and_says_when(client, editor):
    response = post(
        client, editor, None, "schedule", publish_at_0="2026-11-29", publish_at_1="14:00"
    )

    article = Article.objects.get()
    assert (article.status, article.publish_at) == (
        Status.SCHEDULED,
        datetime.datetime(2026, 11, 29, 14, 0, tzinfo=datetime.UTC),
    )
    assert success(response) == (
        "Scheduled “Ceasefire holds” for 29 Nov 2026, 14:00 UTC. "
        f"It will be live at {SITE}/2026/11/29/ceasefire-holds/."
    )
    assert not article.is_live


def test_publish_now_on_a_scheduled_story_publishes_it_now_not_at_its_time(client, editor):
    article = STAGES["scheduled"]()

    response = post(client, editor, article, "publish")

    article.refresh_from_db()
    assert article.is_live and article.publish_at <= timezone.now()
    assert success(response).startswith(f"Published “{article.headline}”. It is live at")


def test_publish_now_with_a_time_typed_in_the_future_is_refused_even_on_a_scheduled_story(
    client, editor
):
    article = STAGES["scheduled"]()
    when = later(days=5)

    response = post(
        client, editor, article, "publish", publish_at_0=f"{when:%Y-%m-%d}", publish_at_1="10:00"
    )

    assert "Publish now publishes at once" in errors(response)
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED and not article.is_live


def test_update_live_story_keeps_it_live_at_the_same_address(client, editor):
    article = STAGES["live"]()
    url = article.get_absolute_url()

    response = post(client, editor, article, "update", dek="A new standfirst.")

    article.refresh_from_db()
    assert (article.status, article.dek, article.get_absolute_url()) == (
        Status.PUBLISHED,
        "A new standfirst.",
        url,
    )
    assert success(response) == (
        f"Updated the live story “{article.headline}”. Readers see it now at {SITE}{url}."
    )


def test_update_live_story_refuses_to_move_its_time_into_the_future(client, editor):
    article = STAGES["live"]()
    when = later(days=2)

    response = post(
        client, editor, article, "update", publish_at_0=f"{when:%Y-%m-%d}", publish_at_1="10:00"
    )

    field = find(response.content, "div", class_="field-publish_at")[0]["text"]
    assert "A live story keeps a publication time in the past" in field
    article.refresh_from_db()
    assert article.is_live


def test_unpublish_takes_a_live_story_off_the_site_and_says_so(client, editor):
    article = STAGES["live"]()
    url = article.get_absolute_url()

    asked = post(client, editor, article, "unpublish")
    response = answer_confirmation(client, asked, follow=True)

    article.refresh_from_db()
    assert article.status == Status.UNPUBLISHED
    assert success(response) == (
        f"Unpublished “{article.headline}”. {SITE}{url} no longer answers readers."
    )
    assert client.get(url).status_code == 410  # "This story is no longer available"


def test_republishing_an_unpublished_story_keeps_its_address(client, editor):
    article = STAGES["unpublished"]()
    url = article.get_absolute_url()

    post(client, editor, article, "publish")

    article.refresh_from_db()
    assert article.is_live and article.get_absolute_url() == url


def test_unscheduling_saves_a_draft_and_says_it_is_no_longer_scheduled(client, editor):
    article = STAGES["scheduled"]()

    response = post(client, editor, article, "draft")

    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert "It is no longer scheduled. Readers cannot see it." in success(response)


@pytest.mark.parametrize("move", ["publish", "schedule", "update", "unpublish"])
def test_a_writer_posting_an_editors_button_on_their_draft_is_refused(client, writer, move):
    article = ArticleFactory(created_by=writer, headline="Mine")
    when = later(days=1)

    response = post(
        client, writer, article, move, publish_at_0=f"{when:%Y-%m-%d}", publish_at_1="09:00"
    )

    assert "Only editors publish, schedule, update a live story or unpublish" in errors(response)
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Status.DRAFT, None)


@pytest.mark.parametrize("stage", ["live", "scheduled", "unpublished"])
def test_a_writer_may_not_press_any_button_on_what_readers_see_or_saw(client, writer, stage):
    article = STAGES[stage]()

    response = post(client, writer, article, "draft", headline="Changed")

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status != Status.DRAFT


@pytest.mark.parametrize(
    "stage, move, reason",
    [
        ("draft", "update", "“Update live story” does not apply: this story is a draft."),
        ("draft", "unpublish", "“Unpublish” does not apply: this story is a draft."),
        ("live", "schedule", "“Schedule” does not apply: this story is live."),
        ("live", "review", "Only drafts can be submitted for review; this story is live."),
    ],
)
def test_an_editor_pressing_a_button_that_does_not_fit_the_story_is_told_why(
    client, editor, stage, move, reason
):
    article = STAGES[stage]()
    before = (article.status, article.publish_at)

    response = post(client, editor, article, move)

    assert reason in errors(response)
    article.refresh_from_db()
    assert (article.status, article.publish_at) == before


@pytest.mark.parametrize("data", [{}, {"_workflow": "delete-everything"}])
def test_a_save_without_a_known_button_is_refused_not_guessed(client, editor, section, data):
    client.force_login(editor)
    fields = {k: v for k, v in form_data(section).items() if k != "_workflow"}

    response = client.post(f"{ADD}add/", fields | data)

    assert response.status_code == 200
    assert "press one of the buttons below the form" in errors(response)
    assert not Article.objects.exists()


def test_a_story_that_changed_while_it_was_saved_is_not_saved_and_says_why(
    client, editor, monkeypatch
):
    article = STAGES["draft"]()
    # The form's check passes (as it would just before someone else's change)...
    monkeypatch.setattr("articles.admin.forms.article_check_move", lambda **kw: None)

    response = post(client, editor, article, "unpublish")  # ...the service reads the row.

    assert response.status_code == 200
    text = " ".join(li["text"] for li in find(response.content, "li", class_="error"))
    assert "Nothing was saved: “Unpublish” does not apply: this story is a draft." in text
    article.refresh_from_db()
    assert article.status == Status.DRAFT


# The notice to Editors


@pytest.fixture
def colleagues():
    """Editors who are told (one with no address, one who left), and a writer who is not."""
    return {
        "told": [
            UserFactory(groups=["Editors"], email="chief@example.org"),
            UserFactory(groups=["Editors"], email="night@example.org"),
        ],
        "untold": [
            UserFactory(groups=["Editors"], email=""),
            UserFactory(groups=["Editors"], email="left@example.org", is_active=False),
            UserFactory(groups=["Writers"], email="other.writer@example.org"),
        ],
    }


def test_submitting_emails_every_editor_through_the_outbox_and_says_so(
    client, writer, colleagues, django_capture_on_commit_callbacks
):
    article = ArticleFactory(created_by=writer, headline="Border talks")

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, writer, article, "review")

    article.refresh_from_db()
    assert (article.status, article.submitted_by) == (Status.IN_REVIEW, writer)
    assert success(response) == (
        "Submitted “Border talks” for review. The editors have been notified."
    )
    notices = Email.objects.filter(key__startswith="articles.review_requested:")
    assert sorted(notices.values_list("to", "status")) == [
        ("chief@example.org", "sent"),
        ("night@example.org", "sent"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["chief@example.org", "night@example.org"]
    message = mail.outbox[0]
    assert message.subject == "For review: “Border talks”"
    assert "Anna Writer submitted “Border talks” (News) for review." in message.body
    assert f"{SITE}/admin/articles/article/{article.pk}/change/" in message.body


def test_saving_a_story_already_in_review_tells_nobody_again(
    client, writer, colleagues, django_capture_on_commit_callbacks
):
    article = ArticleFactory(created_by=writer, headline="Border talks")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, writer, article, "review")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, writer, article, "review", dek="Tightened.")

    assert mail.outbox == []
    assert Email.objects.count() == 2
    assert "It is still in review" in success(response)


def test_the_list_action_submits_through_the_same_service_and_notifies(
    client, writer, colleagues, django_capture_on_commit_callbacks
):
    article = ArticleFactory(created_by=writer)
    client.force_login(writer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {"action": "submit_for_review", "_selected_action": [article.pk]})

    assert len(mail.outbox) == 2
    article.refresh_from_db()
    assert article.submitted_by == writer


def test_an_editor_submitting_is_not_emailed_about_their_own_story(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moved = article_submit_for_review(article=ArticleFactory(), user=editor)

    assert (moved.editors_notified, mail.outbox) == (0, [])


def test_a_notice_that_failed_is_retried_from_the_outbox_like_a_receipt(
    writer, colleagues, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.support.failing_email.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        article_submit_for_review(article=ArticleFactory(), user=writer)
    notice = Email.objects.first()
    assert (notice.status, notice.attempts) == (Email.Status.PENDING, 1)
    assert "refused the connection" in notice.last_error
    Email.objects.update(status=Email.Status.FAILED)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        retried = emails_retry(email_ids=[notice.pk])

    notice.refresh_from_db()
    assert (retried, notice.status) == (1, Email.Status.SENT)
    assert len(mail.outbox) == 1


def test_the_same_email_is_never_owed_twice():
    owed = [
        email_owe(key="articles.review_requested:7:2:a@example.org", kind="outbox.notice",
                  to="a@example.org", context={"subject": "s", "body": "b", "from": ""})
        for _ in range(2)
    ]  # fmt: skip

    assert owed == [True, False]
    assert Email.objects.count() == 1


# The services, without the admin


def test_a_move_is_checked_against_the_stored_story_not_the_object_in_hand(editor):
    article = ArticleFactory()
    article.status = Status.PUBLISHED  # as if a form said so

    with pytest.raises(PublicationRefused, match="does not apply: this story is a draft"):
        article_move(article=article, user=editor, move=Move.UPDATE)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_schedule_refuses_a_time_in_the_past_and_publish_now_never_schedules(editor):
    article = ArticleFactory()

    with pytest.raises(PublicationRefused, match="choose a time in the future"):
        article_move(article=article, user=editor, move=Move.SCHEDULE, at=later(hours=-1))
    article.publish_at = later(days=1)
    moved = article_move(article=article, user=editor, move=Move.PUBLISH)

    assert moved.article.is_live and moved.was == Status.DRAFT


def test_going_live_is_refused_with_the_photo_problems(editor):
    article = ArticleFactory(hero_photo=PhotoFactory(photographer="", agency=""))

    with pytest.raises(PublicationRefused, match="The hero photo has no credit"):
        article_move(article=article, user=editor, move=Move.PUBLISH)


def test_the_publish_action_says_which_stories_it_published_and_which_it_scheduled(client, editor):
    now_story = ArticleFactory()
    later_story = ArticleFactory(publish_at=later(days=1))
    live = ArticleFactory(live=True, headline="Already out")
    client.force_login(editor)

    response = client.post(
        ADD,
        {"action": "publish_selected", "_selected_action": [now_story.pk, later_story.pk, live.pk]},
        follow=True,
    )

    text = response.content.decode()
    assert "1 article published." in text and "1 article scheduled." in text
    assert "“Already out” was not published or scheduled: “Publish now” does not apply" in text
    assert Article.objects.get(pk=later_story.pk).status == Status.SCHEDULED


def test_publish_keeps_scripts_working_publishing_or_scheduling_by_the_time(editor):
    moved = article_publish(article=ArticleFactory(), user=editor, at=later(hours=2))

    assert moved.move == Move.SCHEDULE


def test_a_submission_with_no_editor_to_email_says_where_the_story_waits(client, writer):
    response = post(client, writer, ArticleFactory(headline="Quiet night"), "review")

    assert success(response) == (
        "Submitted “Quiet night” for review. No editor could be emailed (none has an address); "
        "the story is listed under “In review” on their start page."
    )


def test_the_history_names_the_button_each_version_was_saved_with(client, editor):
    from reversion.models import Version

    post(client, editor, None, "draft")
    article = Article.objects.get()
    post(client, editor, article, "publish", dek="Now with a standfirst.")

    comments = [
        v.revision.get_comment() for v in Version.objects.get_for_object(article).order_by("pk")
    ]
    assert comments[0].startswith("Saved as a draft. ")
    assert comments[1].startswith("Published. Changed Dek (standfirst)")
