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
from tests.articles.live_factories import LiveEntryFactory
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
# reminders, and edit the publication's name, masthead and pages, and see (and send again)
# edge purges that failed. Accounts, groups and login
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
    # Embeds are made by pasting a URL into a story; an Editor resolves a failed one again.
    "articles.Embed": {
        "writer": ({"view"}, set()),
        "editor": ({"view", "change"}, {"resolve_again"}),
    },
    # Live blog entries: a Writer's only on stories readers cannot see (per row, below).
    "articles.LiveEntry": {"writer": (ALL, set()), "editor": (ALL, set())},
    "support.Appeal": {"editor": (ALL, {DELETE})},
    "support.SupportSettings": {"editor": ({"view", "change"}, set())},
    # Currencies are switched off, never deleted (gifts keep their rate for the goal meter).
    "support.SiteCurrency": {"editor": ({"view", "add", "change"}, set())},
    "support.Donor": {"editor": ({"view"}, {"export_csv"})},
    "support.Donation": {"editor": ({"view"}, {"export_csv"})},
    "support.Payment": {"editor": ({"view"}, {"export_csv"})},
    "support.StripeEvent": {"editor": ({"view"}, set())},
    "outbox.Email": {"editor": ({"view"}, set())},
    "support.Reminder": {"editor": ({"view", "change"}, {"cancel_selected"})},
    "publication.Publication": {"editor": ({"view", "change"}, set())},
    # Edge purges not sent yet, with their errors; an Editor may send them again.
    "pagecache.Purge": {"editor": ({"view"}, {"send_now"})},
    "publication.Page": {"editor": (ALL, set())},
    # Newsletters: Editors compose and send; who is subscribed is the reader's own choice.
    "newsletters.Newsletter": {"editor": (ALL, {DELETE})},
    "newsletters.Edition": {"editor": (ALL, set())},
    "newsletters.Subscription": {"editor": ({"view"}, set())},
    "auth.User": {},
    "auth.Group": {},
    "axes.AccessAttempt": {},
    "axes.AccessLog": {},
    "axes.AccessFailureLog": {},
}
CASES = [(label, role) for label in MATRIX for role in ROLES]
# Rows edited inside another model's page (its inlines): what each role may do with them.
INLINES = {
    "articles.Byline": {"writer": ALL, "editor": ALL},
    "articles.Correction": {"writer": {"view"}, "editor": ALL},
    "newsletters.EditionStory": {"editor": ALL},
    "support.LadderAmount": {"editor": ALL},  # a currency's ladder
    "support.AppealLadderAmount": {"editor": ALL},  # a variant's amounts in other currencies
    "support.Payment": {"editor": {"view"}},
}


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


def inline_admins():
    """Every inline of every admin page, as (its model's label, the inline)."""
    for model, ma in admin.site._registry.items():
        for inline_class in ma.inlines:
            inline = inline_class(model, admin.site)
            yield inline.model._meta.label, inline


def test_the_matrix_names_every_inline_in_the_admin():
    assert {label for label, _ in inline_admins()} == set(INLINES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_exactly_the_inline_permissions_of_the_matrix(role):
    request = RequestFactory().get("/admin/")
    request.user = user_for(role)

    found = {
        label: {p for p in CRUD if getattr(inline, f"has_{p}_permission")(request, None)}
        for label, inline in inline_admins()
    }

    assert found == {label: set(INLINES[label].get(role, ())) for label in INLINES}


@pytest.mark.parametrize("label, role", CASES)
def test_the_server_refuses_the_pages_a_role_may_not_open(client, label, role):
    client.force_login(user_for(role))
    permissions, _ = expected(label, role)

    listing = client.get(admin_url(label))
    adding = client.get(admin_url(label, "add"))

    assert listing.status_code == (200 if "view" in permissions else 403)
    assert adding.status_code == (200 if "add" in permissions else 403)


def registered_actions(label):
    """Every bulk action the label's admin has, as a superuser sees them."""
    from django.contrib.auth.models import User

    request = RequestFactory().get(admin_url(label))
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return set(model_admin(label).get_actions(request) or ())


# Every bulk action registered, tried by every role; how to tell that it ran.
ACTION_CASES = [
    (label, action, role)
    for label in MATRIX
    for action in sorted(registered_actions(label))
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
    "publish_selected": reported("published"),
    "unpublish_selected": reported("unpublished"),
    "submit_for_review": reported("submitted for review"),
    "cancel_selected": lambda response, obj: (
        obj.__class__.objects.get(pk=obj.pk).status == "cancelled"
    ),
    "retry": lambda response, obj: b"queued to be" in response.content,
    "cleanup_expired_attempts": lambda response, obj: b"Cleaned up" in response.content,
    "send_now": lambda response, obj: b"purges still queued" in response.content,
    "resolve_again": lambda response, obj: b"still failing" in response.content,
}


@pytest.mark.parametrize("label, action, role", ACTION_CASES)
def test_a_bulk_action_runs_only_for_the_roles_the_matrix_allows(client, label, action, role):
    assert action in RAN, f"say in RAN how to tell that {action} ran"
    obj = _make_one(label)
    client.force_login(user_for(role))
    permissions, actions = expected(label, role)

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


def _tag_on(status):
    tag = TagFactory()
    ArticleFactory(tags=[tag], status=status, publish_at=timezone.now())
    return tag


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
    "unused tag": (lambda: TagFactory(), True),
    "tag of a draft": (lambda: _tag_on("draft"), True),
    "tag of a live story": (lambda: _tag_on("published"), False),
    "tag of a scheduled story": (lambda: _tag_on("scheduled"), False),
    "entry of a live blog": (lambda: LiveEntryFactory(), False),
    "entry of a draft live blog": (
        lambda: LiveEntryFactory(article=ArticleFactory(status="draft", live_blog="open")),
        True,
    ),
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
    # An article is saved by its workflow buttons, other rows by Save.
    save = b'name="_workflow"' if label == "articles.Article" else b'name="_save"'
    assert (save in page.content) == may
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


# Every page of the admin, found from the URLs each ModelAdmin registers, so a new view,
# report or export is in this matrix from the day it is added. Per kind of page: what the
# role needs to open it (GET) and to send it a form (POST), from its matrix permissions.
# "view" includes "change" (Django lets whoever may change a row look at it).
def _may(*needed):
    return lambda permissions: all(
        need in permissions or (need == "view" and "change" in permissions) for need in needed
    )


PAGES = {
    # kind: (who may GET it, who may POST to it; None: POST is not a thing it does)
    "changelist": (_may("view"), _may("view")),
    "add": (_may("add"), _may("add")),
    "change": (_may("view"), _may("change")),
    "history": (_may("view"), None),
    "delete": (_may("delete"), _may("delete")),
    "compare": (_may("view"), None),  # an article's version against another
    "revision": (_may("change"), _may("change")),  # restoring an article's version
    "recoverlist": (_may("add", "change"), None),  # deleted articles
    "recover": (_may("add", "change"), _may("add", "change")),  # undeleting one
    "editing": (_may("view"), _may("change")),  # who else has a story open; the heartbeat
    "revoke_previews": (_may("change"), _may("change")),  # a story's preview links
    # The form's kept draft (never the story): when it was kept; keep it; discard it.
    "autosave": (_may("change"), _may("change")),
    "autosave_discard": (_may("change"), _may("change")),
    "attribution": (_may("view"), None),  # which stories make readers give
    "preview": (_may("view"), None),  # an appeal variant on a story, two widths
    "preview_story": (_may("view"), None),  # the story itself, with only that variant
    "report": (_may("view"), None),  # what each appeal variant raises
    "password_change": (_may("change"), _may("change")),  # another user's password
    "preview_html": (_may("view"), None),  # an edition as readers will get it
    "preview_text": (_may("view"), None),
    "story": (_may("view"), _may("add")),  # a live blog's desk: its entries, a new one
    "photo_chooser": (_may("view"), None),  # the article form's photo chooser
    "photo_chooser_upload": (_may("add"), _may("add")),  # a photo uploaded from it
    "story_chooser": (_may("change"), None),  # the body's related-story search
    "embed": (_may("change"), _may("change")),  # the body's embed: providers; resolve a URL
    # The matrix's article is a draft: nobody proposes a change to one (Writers propose to
    # live or scheduled stories, tests/articles/test_desk.py), and only Editors (the one role
    # with all four permissions) review another writer's proposal.
    "propose": (lambda permissions: False, lambda permissions: False),
    "proposal": (_may(*CRUD), _may(*CRUD)),
    # The front page's line-up: read by whoever may see stories, arranged by Editors only
    # (the publish permission; the one role with all four).
    "front_page": (_may("view"), _may(*CRUD)),
}


def _make_one(label):
    """One row of the model behind each admin, in a state a Writer may change if any."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.apps import apps
    from django.contrib.auth.models import Group

    from articles.models import Embed
    from newsletters.models import Edition, Newsletter, Subscription
    from outbox.models import Email
    from pagecache.models import Purge
    from readers.services import mailbox_get
    from support.models import StripeEvent

    def matrix_newsletter():  # one, whichever of its rows asks first (test_urls makes them all)
        return Newsletter.objects.get_or_create(slug="matrix", defaults={"name": "Matrix"})[0]

    made = {
        "articles.Article": lambda: ArticleFactory(status="draft"),
        "articles.Photo": PhotoFactory,
        "articles.Tag": TagFactory,
        "articles.Section": SectionFactory,
        "articles.Author": AuthorFactory,
        "articles.Embed": lambda: Embed.objects.create(
            url="https://t.me/matrix/1", provider="telegram"
        ),
        "articles.LiveEntry": lambda: LiveEntryFactory(
            article=ArticleFactory(status="draft", live_blog="open")
        ),
        "support.Donor": lambda: PaymentFactory().donation.donor,
        "support.Donation": lambda: PaymentFactory().donation,
        "support.Payment": PaymentFactory,
        "support.Reminder": lambda: reminders.reminder_request(
            email="matrix@example.org", due_on=timezone.localdate() + timezone.timedelta(days=7)
        ),
        "support.StripeEvent": lambda: StripeEvent.objects.create(
            event_id="evt_matrix", type="charge.succeeded", payload={}
        ),
        "outbox.Email": lambda: Email.objects.create(
            key="support.receipt:payment:1", kind="support.receipt", to="matrix@example.org"
        ),
        "pagecache.Purge": lambda: Purge.objects.create(keys=["lists"]),
        "newsletters.Newsletter": matrix_newsletter,
        "newsletters.Edition": lambda: Edition.objects.create(
            newsletter=matrix_newsletter(), subject="Matrix"
        ),
        "newsletters.Subscription": lambda: Subscription.objects.create(
            newsletter=matrix_newsletter(),
            mailbox=mailbox_get("matrix@example.org", create=True),
        ),
        "auth.User": UserFactory,
        "auth.Group": lambda: Group.objects.get(name="Writers"),
        "axes.AccessAttempt": lambda: AccessAttempt.objects.create(
            username="matrix", ip_address="192.0.2.1", failures_since_start=1
        ),
        "axes.AccessLog": lambda: AccessLog.objects.create(
            username="matrix", ip_address="192.0.2.1"
        ),
        "axes.AccessFailureLog": lambda: AccessFailureLog.objects.create(
            username="matrix", ip_address="192.0.2.1"
        ),
    }
    if label in made:
        return made[label]()
    row = apps.get_model(label).objects.order_by("pk").first()  # made by a migration
    assert row is not None, f"say in _make_one how to make a {label} for the matrix"
    return row


def _versions_of_an_article(article):
    """A stored version of the article, and one of another article since deleted."""
    import reversion
    from reversion.models import Version

    with reversion.create_revision():
        article.save()
    with reversion.create_revision():
        gone = ArticleFactory(status="draft")
    deleted = Version.objects.get_for_object(gone).get()
    gone.delete()
    return Version.objects.get_for_object(article).first(), deleted


def _a_proposal(article) -> int:
    """Another writer's proposed change to the article."""
    from articles.models import ProposedRevision

    writer = UserFactory(groups=["Writers"], username="proposer")
    return ProposedRevision.objects.create(article=article, proposed_by=writer, headline="x").pk


def admin_pages(label, obj):
    """Every (kind, URL) the label's ModelAdmin serves, filled in for the row."""
    from django.urls import reverse

    ma = model_admin(label)
    prefix = f"{ma.opts.app_label}_{ma.opts.model_name}_"
    versions = None
    pages = []
    for pattern in ma.get_urls():
        if pattern.name is None:  # <id>/ only redirects to <id>/change/
            continue
        kind = pattern.name.removeprefix(prefix)
        assert kind in PAGES, f"{pattern.name}: say in PAGES who may open it and post to it"
        if kind in ("compare", "revision", "recover") and versions is None:
            versions = _versions_of_an_article(obj)
        args = {
            "changelist": [],
            "add": [],
            "recoverlist": [],
            "attribution": [],
            "report": [],
            "compare": [obj.pk, versions and versions[0].pk],
            "revision": [obj.pk, versions and versions[0].pk],
            "recover": [versions and versions[1].pk],
            "story": [getattr(obj, "article_id", obj.pk)],
            "photo_chooser": [],
            "front_page": [],
            "photo_chooser_upload": [],
            "story_chooser": [],
            "embed": [],
            "proposal": [obj.pk, _a_proposal(obj) if kind == "proposal" else None],
        }.get(kind, [obj.pk])
        pages.append((kind, reverse(f"admin:{pattern.name}", args=args)))
    return pages


@pytest.mark.parametrize("label, role", [(label, role) for label in MATRIX for role in ROLES])
def test_every_admin_page_opens_and_takes_a_form_only_for_the_roles_the_matrix_allows(
    client, label, role
):
    obj = _make_one(label)
    client.force_login(user_for(role))
    permissions, _ = expected(label, role)

    for kind, url in admin_pages(label, obj):
        may_get, may_post = PAGES[kind]
        opened = client.get(url)
        assert (opened.status_code in (200, 302)) == may_get(permissions), (url, opened)
        if not may_get(permissions):
            assert opened.status_code == 403, url
        if may_post is not None and not may_post(permissions):
            # Refused without a form: a role that may not may not even try.
            assert client.post(url, {}).status_code == 403, url
    if model_admin(label).list_editable and "view" in permissions:
        # Changing rows from the list (e.g. the sections' order) is changing them.
        rows = {"_save": "Save", "form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"}
        edited = client.post(admin_url(label), rows)
        assert (edited.status_code == 403) == ("change" not in permissions), label


@pytest.mark.parametrize("role", ROLES)
def test_the_site_pages_show_an_app_only_to_roles_that_may_see_one_of_its_models(client, role):
    client.force_login(user_for(role))
    apps_seen = {
        label.split(".")[0] for label in MATRIX if expected(label, role)[0] & {"view", "change"}
    }

    index = client.get("/admin/")
    assert index.status_code == 200
    for app in {label.split(".")[0] for label in MATRIX}:
        listing = client.get(f"/admin/{app}/")
        assert listing.status_code == (200 if app in apps_seen else 404), app
        assert (f'href="/admin/{app}/"'.encode() in index.content) == (app in apps_seen), app
    if role == "writer":
        assert b"/admin/support/" not in index.content  # no fundraising data, not even links


def _relations_to_admin_models():
    """Every foreign key in the project whose target the admin can look up by name."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.get_fields():
            remote = getattr(field.remote_field, "model", None)
            if field.concrete and remote in admin.site._registry:
                if admin.site._registry[remote].search_fields:
                    yield model._meta, field.name, remote._meta.label


RELATIONS = sorted(_relations_to_admin_models(), key=str)


@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
@pytest.mark.parametrize("role", ROLES)
def test_the_autocomplete_lookup_answers_only_about_models_the_role_may_see(client, role):
    client.force_login(user_for(role))
    assert RELATIONS  # the lookups the article form uses are among them

    for opts, field, target in RELATIONS:
        query = {"app_label": opts.app_label, "model_name": opts.model_name}
        response = client.get("/admin/autocomplete/", query | {"field_name": field, "term": ""})
        may = bool(expected(target, role)[0] & {"view", "change"})
        assert response.status_code == (200 if may else 403), (opts.label, field)


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_the_recover_page_brings_back_only_deleted_stories_never_an_old_state_of_a_live_one(
    client, role
):
    import reversion
    from reversion.models import Version

    from articles.models import Article
    from tests.articles.test_admin import form_data

    with reversion.create_revision():
        article = ArticleFactory(status="draft", headline="Draft-time headline")
    draft_time = Version.objects.get_for_object(article).get()
    article.status, article.publish_at = "published", timezone.now()
    article.headline = "Live headline"
    article.save()
    client.force_login(user_for(role))
    url = f"{admin_url('articles.Article')}recover/{draft_time.pk}/"

    opened = client.get(url)
    posted = client.post(url, form_data(article.section, slug=article.slug, status="draft"))

    assert opened.status_code == posted.status_code == 404
    article.refresh_from_db()
    assert article.is_live and article.headline == "Live headline"
    assert Article.objects.count() == 1


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_only_an_editor_brings_a_deleted_live_story_back(client, role):
    import reversion
    from reversion.models import Version

    from articles.models import Article
    from tests.articles.test_admin import form_data

    with reversion.create_revision():
        article = ArticleFactory(live=True, slug="withdrawn-story")
    version = Version.objects.get_for_object(article).get()
    section = article.section
    article.delete()
    client.force_login(user_for(role))
    url = f"{admin_url('articles.Article')}recover/{version.pk}/"
    data = form_data(section, slug="withdrawn-story", _workflow="update")
    data |= {"publish_at_0": f"{article.publish_at:%Y-%m-%d}", "publish_at_1": "00:00:00"}
    data["opened_version"] = version.field_dict["edit_version"]  # as the recover form has it

    posted = client.post(url, data)

    back = Article.objects.filter(slug="withdrawn-story").exists()
    assert (posted.status_code, back) == ((302, True) if role == "editor" else (403, False))
