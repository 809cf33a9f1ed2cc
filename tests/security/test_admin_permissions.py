"""The Writers/Editors permission matrix, over every model and every action of the admin."""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from support import reminders
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    PhotoFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
)
from tests.support.factories import PaymentFactory

pytestmark = pytest.mark.django_db

ROLES = {"writer": ["Writers"], "editor": ["Editors"], "staff": []}
CRUD = ("view", "add", "change", "delete")
ALL = frozenset(CRUD)
DELETE = "delete_selected"
PUBLISHING = {"publish_selected", "unpublish_selected", "submit_for_review"}

# (permissions, bulk actions) per model and role; a role left out may do nothing there.
# Writers draft; Editors also delete, publish and schedule, edit the appeals and support
# settings, look at (never edit) donors, gifts, payments, events and emails, and may cancel
# reminders, and edit the publication's name, masthead and pages. Accounts, groups and login
# records are for superusers only.
MATRIX = {
    "articles.Article": {
        "writer": ({"view", "add", "change"}, {"submit_for_review"}),
        "editor": (ALL, PUBLISHING | {DELETE}),
    },
    # The photo library is a grid without row checkboxes: a photo is deleted from its page.
    "articles.Photo": {"writer": ({"view", "add", "change"}, set()), "editor": (ALL, set())},
    "articles.Tag": {"writer": ({"view", "add", "change"}, set()), "editor": (ALL, {DELETE})},
    "articles.Section": {"writer": ({"view"}, set()), "editor": (ALL, {DELETE})},
    "articles.Author": {"writer": ({"view"}, set()), "editor": (ALL, {DELETE})},
    "support.Appeal": {"editor": (ALL, {DELETE})},
    "support.SupportSettings": {"editor": ({"view", "change"}, set())},
    "support.Donor": {"editor": ({"view"}, {"export_csv"})},
    "support.Donation": {"editor": ({"view"}, {"export_csv"})},
    "support.Payment": {"editor": ({"view"}, {"export_csv"})},
    "support.StripeEvent": {"editor": ({"view"}, set())},
    "support.OutboundEmail": {"editor": ({"view"}, set())},
    "support.Reminder": {"editor": ({"view", "change"}, {"cancel_selected"})},
    "publication.Publication": {"editor": ({"view", "change"}, set())},
    "publication.Page": {"editor": (ALL, set())},
    "auth.User": {},
    "auth.Group": {},
    "axes.AccessAttempt": {},
    "axes.AccessLog": {},
    "axes.AccessFailureLog": {},
}
CASES = [(label, role) for label in MATRIX for role in ROLES]


def user_for(role):
    return UserFactory(groups=ROLES[role])


def model_admin(label):
    return next(ma for m, ma in admin.site._registry.items() if m._meta.label == label)


def expected(label, role):
    permissions, actions = MATRIX[label].get(role, (set(), set()))
    return set(permissions), set(actions)


def admin_url(label, page="changelist"):
    app, model = label.lower().split(".")
    return f"/admin/{app}/{model}/" + ("add/" if page == "add" else "")


def test_the_matrix_names_every_model_in_the_admin():
    assert {model._meta.label for model in admin.site._registry} == set(MATRIX)


@pytest.mark.parametrize("label, role", CASES)
def test_each_role_has_exactly_the_permissions_and_actions_of_the_matrix(label, role):
    request = RequestFactory().get(admin_url(label))
    request.user = user_for(role)
    ma = model_admin(label)

    permissions = {p for p in CRUD if getattr(ma, f"has_{p}_permission")(request)}
    actions = set(ma.get_actions(request)) if permissions else set()

    assert (permissions, actions) == expected(label, role)


@pytest.mark.parametrize("label, role", CASES)
def test_the_server_refuses_the_pages_a_role_may_not_open(client, label, role):
    client.force_login(user_for(role))
    permissions, _ = expected(label, role)

    listing = client.get(admin_url(label))
    adding = client.get(admin_url(label, "add"))

    assert listing.status_code == (200 if "view" in permissions else 403)
    assert adding.status_code == (200 if "add" in permissions else 403)


@pytest.fixture
def one_of_each():
    """One row of every model whose admin has bulk actions."""
    payment = PaymentFactory()
    reminder = reminders.reminder_request(
        email="matrix@example.org", due_on=timezone.localdate() + timezone.timedelta(days=7)
    )
    return {
        "articles.Article": ArticleFactory(),
        "articles.Photo": PhotoFactory(),
        "articles.Tag": TagFactory(),
        "articles.Section": SectionFactory(),
        "articles.Author": AuthorFactory(),
        "support.Appeal": model_admin("support.Appeal").model.objects.first(),
        "support.Donor": payment.donation.donor,
        "support.Donation": payment.donation,
        "support.Payment": payment,
        "support.Reminder": reminder,
    }


# Every bulk action any role has, tried by every role; how to tell that it ran.
ACTION_CASES = [
    (label, action, role)
    for label in MATRIX
    for action in sorted(set().union(*(actions for _, actions in MATRIX[label].values())))
    for role in ROLES
]


def reported(verb):
    """Return a check for the message ArticleAdmin gives after applying an action."""
    pattern = re.compile(rf"(\d+ articles? {verb}|was not {verb})".encode())
    return lambda response, obj: bool(pattern.search(response.content))


RAN = {
    DELETE: lambda response, obj: (
        b"Are you sure you want to delete the selected" in response.content
    ),
    "export_csv": lambda response, obj: response["Content-Type"] == "text/csv",
    "publish_selected": reported("published or scheduled"),
    "unpublish_selected": reported("unpublished"),
    "submit_for_review": reported("submitted for review"),
    "cancel_selected": lambda response, obj: (
        obj.__class__.objects.get(pk=obj.pk).status == "cancelled"
    ),
}


@pytest.mark.parametrize("label, action, role", ACTION_CASES)
def test_a_bulk_action_runs_only_for_the_roles_the_matrix_allows(
    client, one_of_each, label, action, role
):
    client.force_login(user_for(role))
    permissions, actions = expected(label, role)
    obj = one_of_each[label]

    response = client.post(
        admin_url(label), {"action": action, "_selected_action": [obj.pk], "index": 0}, follow=True
    )

    ran = RAN[action](response, obj)
    if "view" not in permissions:
        assert response.status_code == 403
    assert ran == (action in actions)


def _photo_on(status):
    photo = PhotoFactory()
    ArticleFactory(hero_photo=photo, status=status, publish_at=timezone.now())
    return photo


def _inline_photo_on(status):
    photo = PhotoFactory()
    body = f'<p>Text.</p><figure data-photo="{photo.pk}">Photo</figure>'
    ArticleFactory(body=body, status=status, publish_at=timezone.now())
    return photo


# What readers can see (or saw, or will see) is an editor's: rows a Writer may not change.
ROW_CASES = {
    "draft article": (lambda: ArticleFactory(status="draft"), True),
    "article in review": (lambda: ArticleFactory(status="in_review"), True),
    "live article": (lambda: ArticleFactory(live=True), False),
    "scheduled article": (lambda: ArticleFactory(status="scheduled"), False),
    "unpublished article": (lambda: ArticleFactory(status="unpublished"), False),
    "unused photo": (lambda: PhotoFactory(), True),
    "photo of a draft": (lambda: _photo_on("draft"), True),
    "photo of a live story": (lambda: _photo_on("published"), False),
    "photo of a scheduled story": (lambda: _photo_on("scheduled"), False),
    "photo of an unpublished story": (lambda: _photo_on("unpublished"), False),
    "inline photo of a live story": (lambda: _inline_photo_on("published"), False),
    "inline photo of a draft": (lambda: _inline_photo_on("draft"), True),
}


@pytest.mark.parametrize("case", ROW_CASES)
@pytest.mark.parametrize("role", ["writer", "editor"])
def test_writers_may_not_change_what_readers_can_see_and_the_server_refuses_the_save(
    client, case, role
):
    make, writer_may = ROW_CASES[case]
    obj = make()
    label = obj._meta.label
    client.force_login(user_for(role))
    request = RequestFactory().get(admin_url(label))
    request.user = user_for(role)
    may = role == "editor" or writer_may

    assert model_admin(label).has_change_permission(request, obj) == may
    page = client.get(f"{admin_url(label)}{obj.pk}/change/")
    assert page.status_code == 200
    assert (b'name="_save"' in page.content) == may
    if not may:
        refused = client.post(f"{admin_url(label)}{obj.pk}/change/", {"caption": "Changed"})
        assert refused.status_code == 403


def test_a_writer_cannot_reopen_an_unpublished_story_and_an_editor_can(client):
    article = ArticleFactory(status="unpublished")
    data = {"action": "submit_for_review", "_selected_action": [article.pk], "index": 0}

    client.force_login(user_for("writer"))
    client.post(admin_url("articles.Article"), data)
    article.refresh_from_db()
    assert article.status == "unpublished"

    client.force_login(user_for("editor"))
    client.post(admin_url("articles.Article"), data)
    article.refresh_from_db()
    assert article.status == "in_review"


@pytest.mark.parametrize("role", ROLES)
def test_history_compare_and_restore_pages_follow_the_article_permissions(client, role):
    import reversion
    from reversion.models import Version

    with reversion.create_revision():
        article = ArticleFactory(live=True)
    version = Version.objects.get_for_object(article).get()
    client.force_login(user_for(role))
    base = f"{admin_url('articles.Article')}{article.pk}/history/"
    permissions, _ = expected("articles.Article", role)

    history = client.get(base)
    compare = client.get(f"{base}{version.pk}/compare/")
    restore = client.post(f"{base}{version.pk}/")

    assert history.status_code == compare.status_code == (200 if permissions else 403)
    # Restoring changes the story: only for those who may change this (live) story.
    assert restore.status_code == (302 if role == "editor" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_the_attribution_report_is_for_those_who_may_see_donations(client, role):
    client.force_login(user_for(role))
    permissions, _ = expected("support.Donation", role)

    response = client.get("/admin/support/donation/attribution/")

    assert response.status_code == (200 if "view" in permissions else 403)
