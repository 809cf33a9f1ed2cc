"""The desk tells writers what happened to their stories (email through the outbox, and
their start page), and a Writer proposes a change to a live or scheduled story that an
Editor reviews: what changes, accept, send back with a note (issue 25)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article, DeskNotice, ProposedRevision, Status
from tests.articles.factories import ArticleFactory, SectionFactory, UserFactory
from tests.articles.html import find, inside
from tests.articles.test_workflow import SITE, later, post, site_url, success  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(
        groups=["Editors"], email="chief@example.org", first_name="Eda", last_name="Chief"
    )


@pytest.fixture
def writer():
    return UserFactory(
        groups=["Writers"],
        username="anna",
        email="anna@example.org",
        first_name="Anna",
        last_name="Writer",
    )


def start_page_notices(client, user) -> list[str]:
    client.force_login(user)
    page = client.get("/admin/")
    assert page.status_code == 200
    return [link["text"] for link in find(page.content, "a", class_="desk-notice-text")]


def emails_to(address) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


def test_a_writer_is_told_when_an_editor_publishes_their_story(
    client, editor, writer, django_capture_on_commit_callbacks
):
    article = ArticleFactory(created_by=writer, headline="Border talks", status=Status.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        post(client, editor, article, "publish")

    assert emails_to("anna@example.org") == ["Published: “Border talks”"]
    message = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert "Eda Chief published “Border talks”." in message.body
    assert f"{SITE}{Article.objects.get().get_absolute_url()}" in message.body
    assert emails_to("chief@example.org") == []  # not about what they did themselves
    assert start_page_notices(client, writer) == ["Eda Chief published “Border talks”."]
    assert start_page_notices(client, editor) == []


def test_a_writer_is_told_when_their_story_is_scheduled_and_when(
    client, editor, writer, django_capture_on_commit_callbacks
):
    article = ArticleFactory(created_by=writer, headline="Border talks")
    at = later(days=2).replace(microsecond=0)

    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            editor,
            article,
            "schedule",
            publish_at_0=f"{at:%Y-%m-%d}",
            publish_at_1=f"{at:%H:%M:%S}",
        )

    assert Article.objects.get().status == Status.SCHEDULED
    assert emails_to("anna@example.org") == ["Scheduled: “Border talks”"]
    (notice,) = start_page_notices(client, writer)
    assert notice.startswith("Eda Chief scheduled “Border talks” for ")


def test_a_writer_is_told_when_their_story_is_sent_back_from_review(
    client, editor, writer, django_capture_on_commit_callbacks
):
    article = ArticleFactory(
        created_by=writer, submitted_by=writer, headline="Border talks", status=Status.IN_REVIEW
    )

    with django_capture_on_commit_callbacks(execute=True):
        post(client, editor, article, "draft")

    assert emails_to("anna@example.org") == ["Sent back: “Border talks”"]
    assert start_page_notices(client, writer) == ["Eda Chief sent “Border talks” back to draft."]


def test_nobody_is_told_about_their_own_moves_or_an_update_of_a_live_story(
    client, editor, writer, django_capture_on_commit_callbacks
):
    draft = ArticleFactory(created_by=writer, headline="Own draft", status=Status.IN_REVIEW)
    live = ArticleFactory(created_by=writer, live=True, headline="Live", slug="live")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, writer, draft, "draft")
        post(client, editor, live, "update", dek="A fix.")

    assert DeskNotice.objects.count() == 0
    assert mail.outbox == []


def test_the_publish_list_action_tells_the_writers_too(
    client, editor, writer, django_capture_on_commit_callbacks
):
    article = ArticleFactory(created_by=writer, headline="Border talks")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/articles/article/",
            {"action": "publish_selected", "_selected_action": [article.pk]},
        )

    assert emails_to("anna@example.org") == ["Published: “Border talks”"]


# Proposed changes


def propose(client, writer, article, **fields):
    client.force_login(writer)
    data = {
        "headline": article.headline,
        "kicker": article.kicker,
        "dek": article.dek,
        "body": article.body,
        "hero_caption": article.hero_caption,
        "note": "",
    } | fields
    return client.post(f"/admin/articles/article/{article.pk}/propose/", data, follow=True)


def review_url(proposal) -> str:
    return f"/admin/articles/article/{proposal.article_id}/proposals/{proposal.pk}/"


@pytest.fixture
def live(writer):
    return ArticleFactory(
        created_by=writer,
        live=True,
        headline="Ceasefire holds",
        slug="ceasefire-holds",
        body="<p>Quiet night.</p>",
    )


def test_a_writer_on_a_live_story_is_offered_a_proposal_not_the_story(client, writer, live):
    client.force_login(writer)
    page = client.get(f"/admin/articles/article/{live.pk}/change/").content.decode()

    assert f'href="/admin/articles/article/{live.pk}/propose/"' in page
    form = client.get(f"/admin/articles/article/{live.pk}/propose/")
    assert form.status_code == 200
    (headline,) = find(form.content, "input", name="headline")
    assert headline["attrs"]["value"] == "Ceasefire holds"


def test_a_proposal_is_its_own_row_and_the_live_story_stays_as_it_was(
    client, writer, editor, live, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(
            client,
            writer,
            live,
            headline="Ceasefire holds for a second night",
            body="<p>Quiet night.</p><p>Shops reopened.</p><script>x</script>",
            note="Adds the shops.",
        )

    assert "is saved for an editor to review" in success(response)
    proposal = ProposedRevision.objects.get()
    assert (proposal.state, proposal.proposed_by, proposal.note) == (
        "pending",
        writer,
        "Adds the shops.",
    )
    assert proposal.body == "<p>Quiet night.</p><p>Shops reopened.</p>"
    live.refresh_from_db()
    assert (live.headline, live.body) == ("Ceasefire holds", "<p>Quiet night.</p>")
    assert emails_to("chief@example.org") == ["Proposed change to “Ceasefire holds”"]

    # Saving again edits the same proposal; the editors are not told twice.
    with django_capture_on_commit_callbacks(execute=True):
        propose(client, writer, live, headline="Ceasefire holds, again", note="Shorter.")
    assert ProposedRevision.objects.get().headline == "Ceasefire holds, again"
    assert len(emails_to("chief@example.org")) == 1


def test_an_editor_sees_what_changes_and_accepts_it_onto_the_live_story(
    client, writer, editor, live, django_capture_on_commit_callbacks
):
    propose(client, writer, live, headline="Ceasefire holds for a second night")
    proposal = ProposedRevision.objects.get()
    client.force_login(editor)

    start = client.get("/admin/").content.decode()
    assert review_url(proposal) in start
    review = client.get(review_url(proposal))
    assert "Ceasefire holds for a second night" in review.content.decode()
    changed = [e["text"] for e in inside(review.content, "th", "article-compare")]
    assert changed == ["Field", "Now", "Proposed", "Headline"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url(proposal), {"accept": "1", "note": ""}, follow=True)

    assert "Accepted the proposed change. Updated the live story" in success(response)
    live.refresh_from_db()
    assert (live.headline, live.status) == ("Ceasefire holds for a second night", Status.PUBLISHED)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reviewed_by) == ("accepted", editor)
    assert emails_to("anna@example.org") == [
        "Your change to “Ceasefire holds for a second night” was accepted"
    ]
    # Accepted once: a second press is refused, not applied twice.
    again = client.post(review_url(proposal), {"accept": "1"})
    assert "already accepted" in again.content.decode()


def test_sending_back_needs_a_note_which_the_writer_reads(
    client, writer, editor, live, django_capture_on_commit_callbacks
):
    propose(client, writer, live, headline="Ceasefire collapses")
    proposal = ProposedRevision.objects.get()
    client.force_login(editor)

    refused = client.post(review_url(proposal), {"send_back": "1", "note": " "})
    assert "Say in a note why the change goes back." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review_url(proposal), {"send_back": "1", "note": "It has not collapsed."})

    proposal.refresh_from_db()
    assert (proposal.state, proposal.review_note) == ("sent_back", "It has not collapsed.")
    live.refresh_from_db()
    assert live.headline == "Ceasefire holds"
    assert start_page_notices(client, writer) == [
        "Eda Chief sent back your change to “Ceasefire holds”. “It has not collapsed.”"
    ]
    assert emails_to("anna@example.org") == ["Your change to “Ceasefire holds” was sent back"]


def test_only_writers_propose_only_to_live_or_scheduled_stories_and_only_editors_review(
    client, writer, editor, live
):
    draft = ArticleFactory(created_by=writer, slug="a-draft")
    client.force_login(writer)
    assert client.get(f"/admin/articles/article/{draft.pk}/propose/").status_code == 403
    client.force_login(editor)
    assert client.get(f"/admin/articles/article/{live.pk}/propose/").status_code == 403

    propose(client, writer, live, headline="Changed")
    proposal = ProposedRevision.objects.get()
    assert client.get(review_url(proposal)).status_code == 200  # the writer sees their own
    assert client.post(review_url(proposal), {"accept": "1"}).status_code == 403
    other = UserFactory(groups=["Writers"], username="other")
    client.force_login(other)
    assert client.get(review_url(proposal)).status_code == 403
    live.refresh_from_db()
    assert live.headline == "Ceasefire holds"


# Small but daily


def test_an_update_lists_publish_at_as_changed_only_when_it_changed(client, editor):
    from reversion.models import Version

    article = ArticleFactory(live=True, headline="Ceasefire holds", slug="ceasefire-holds")
    published_at = article.publish_at
    assert published_at.microsecond  # as "Publish now" stores it; the form shows seconds

    unchanged = {"body": article.body, "edited_since": article.modified_at.isoformat()}
    post(client, editor, article, "update", dek="A fix.", **unchanged)

    article.refresh_from_db()
    assert article.publish_at == published_at
    comment = Version.objects.get_for_object(article).order_by("-pk").first().revision
    assert comment.get_comment() == "Updated the live story. Changed Dek (standfirst)."

    unchanged["edited_since"] = article.modified_at.isoformat()
    earlier = published_at.replace(microsecond=0) - datetime.timedelta(minutes=5)
    post(
        client,
        editor,
        article,
        "update",
        dek="A fix.",
        **unchanged,
        publish_at_0=f"{timezone.localtime(earlier):%Y-%m-%d}",
        publish_at_1=f"{timezone.localtime(earlier):%H:%M:%S}",
    )
    comment = Version.objects.get_for_object(article).order_by("-pk").first().revision
    assert comment.get_comment() == "Updated the live story. Changed Publish at."


def test_the_admin_header_carries_the_publications_name(client, editor):
    from publication.models import Publication
    from publication.services import masthead_changed

    publication = Publication.load()
    publication.name = "The Caucasus Ledger"
    publication.save()
    masthead_changed()
    client.force_login(editor)

    page = client.get("/admin/")

    (header,) = find(page.content, "div", id="site-name")
    assert header["text"].strip() == "The Caucasus Ledger"
    assert "<title>Start | The Caucasus Ledger admin</title>" in page.content.decode()


def test_a_draft_saves_without_a_section_and_goes_live_only_with_one(client, writer, editor):
    from articles.workflow import PublicationRefused, article_publish
    from tests.articles.test_admin import ADD, change_url, form_data, opened
    from tests.articles.test_preview import preview_link

    client.force_login(writer)
    data = form_data(SectionFactory(), headline="No section yet", slug="no-section-yet")
    data["section"] = ""
    response = client.post(f"{ADD}add/", data, follow=True)

    article = Article.objects.get(slug="no-section-yet")
    assert (article.status, article.section) == (Status.DRAFT, None)
    assert "Saved “No section yet” as a draft." in success(response)
    preview = client.get(preview_link(client, writer, article))
    assert preview.status_code == 200  # its preview draws without a section
    assert "No section yet" in preview.content.decode()

    client.force_login(editor)
    publish = data | opened(article) | {"_workflow": "publish", "body": "<p>Text.</p>"}
    refused = client.post(change_url(article), publish)
    assert "Choose a section: a story goes live only filed under one." in refused.content.decode()
    with pytest.raises(PublicationRefused, match="Choose a section"):
        article_publish(article=Article.objects.get(pk=article.pk), user=editor)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_writer_reads_a_live_storys_body_as_text_not_html_source(client, writer, live):
    client.force_login(writer)

    page = client.get(f"/admin/articles/article/{live.pk}/change/").content.decode()

    assert "<p>Quiet night.</p>" in page
    assert "&lt;p&gt;" not in page
    assert 'name="body"' not in page
