"""Arbitrary and hostile URL path parameters and query strings on every page: never a 500."""

import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support.models import Donation, Reminder, StripeEvent
from tests.articles.factories import ArticleFactory
from tests.properties.conftest import rolled_back, text

pytestmark = pytest.mark.django_db

digits = st.from_regex(r"\A[0-9]{2}\Z")
slugs = st.one_of(
    st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"), st.sampled_from(["news", "russian-peacekeepers"])
)
tokens = st.one_of(text.filter(lambda t: t and "/" not in t), st.just("x:y:z"))
paths = st.one_of(
    st.builds(lambda y, m, d, s: f"/{y}/{m}/{d}/{s}/", st.from_regex(r"\A[0-9]{4}\Z"),
              digits, digits, slugs),
    st.builds("/section/{}/".format, slugs),
    st.builds("/section/{}/rss/".format, slugs),
    st.builds("/tag/{}/".format, slugs),
    st.builds("/author/{}/".format, slugs),
    st.builds("/preview/{}/".format, tokens),
    st.builds("/support/manage/{}/".format, tokens),
    st.builds("/support/remind/cancel/{}/".format, tokens),
    st.sampled_from(["/", "/search/", "/support/", "/support/remind/", "/support/thanks/",
                     "/rss/", "/atom/", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt",
                     "/healthz", "/admin/login/"]),
    text.map(lambda t: "/" + t),
)  # fmt: skip
parameters = st.dictionaries(
    st.one_of(
        st.sampled_from(["page", "q", "session_id", "amount", "frequency", "placement",
                         "article", "next", "p", "o", "_changelist_filters"]),
        text,
    ),
    st.one_of(st.integers().map(str), st.just("cs_test_123"), text.map("cs_{}".format), text),
    max_size=4,
)  # fmt: skip


@given(path=paths, query=parameters)
def test_any_path_and_query_is_answered_without_a_server_error_and_stores_nothing(
    client, stripe_server, article, path, query
):
    with rolled_back():
        response = client.get(quote(path, safe="/:"), query)

        assert response.status_code < 500, (path, query, response.status_code)
        assert not Donation.objects.exists()
        assert not Reminder.objects.exists()
        assert not StripeEvent.objects.exists()


@given(slug=slugs, page=st.one_of(st.integers().map(str), text), q=text)
def test_listing_and_search_pages_take_any_page_number_and_query(client, article, slug, page, q):
    for path in ("/", f"/section/{slug}/", "/search/"):
        # A kept parameter spelt otherwise is redirected once, to its one spelling.
        response = client.get(path, {"page": page, "q": q}, follow=True)

        assert response.status_code in (200, 404), (path, page, q, response.status_code)
        assert len(response.redirect_chain) <= 1, response.redirect_chain


# Every URL pattern of the project (reader, support, accounts, admin), each parameter in
# turn given hostile values while the others stay valid, as anonymous, a Writer and an
# Editor: never a server error. The patterns are read from the resolver, so a new page is
# walked from the day it is added. Pages answer the same to everyone or only to staff, so
# each role gets the full set where its answers differ (anonymous: the public pages; staff:
# the admin) and the valid address with one hostile value elsewhere.
HOSTILE = ["²", "99999999999999999999999", "", "../../etc/passwd", "x" * 1000, "\x00"]
HOSTILE_QUERY = ["²", "99999999999999999999999", "", "\x00"]
# Values a path converter lets through that its view must still refuse (out of range).
IN_FORMAT = {
    "yyyy": ["0000", "0001", "9999"],
    "dd": ["00", "13", "32", "99"],
    "int": ["0", "2147483648", "99999999999999999999"],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
}
# Query parameters tried one at a time, by the kind of page that reads them; an admin list
# also gets its own filters' parameters and its date hierarchy's.
QUERY = {
    "public": ["page", "q", "part", "session_id", "amount", "frequency", "placement",
               "article", "next"],
    "admin list": ["p", "o", "q", "e", "all", "_to_field", "_popup", "_changelist_filters"],
    "admin": ["_to_field", "_changelist_filters", "autosave"],
    "autocomplete": ["term", "app_label", "model_name", "field_name", "page"],
}  # fmt: skip
ROLES = {"anonymous": None, "writer": ["Writers"], "editor": ["Editors"]}


def url_patterns(patterns=None, prefix=""):
    """Yield (route template, URL name, converters) for every pattern: "/{year}/{month}/..."
    style, with the converter of each parameter that has one."""
    from django.urls import URLResolver, get_resolver

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, route)
        else:
            converters = {name: kind for kind, name in re.findall(r"<(\w+):(\w+)>", route)}
            yield _template(route), pattern.name, converters


def _template(route: str) -> str:
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    unnamed = iter(range(10))
    route = re.sub(r"\((?!\?)[^)]*\)", lambda m: f"{{arg{next(unnamed)}}}", route)
    return "/" + route.replace("^", "").replace("$", "").replace("\\", "")


def valid_values(template: str, name: str | None, made: dict) -> dict:
    """A valid value for each parameter of the pattern, from the rows made for the walk."""
    from django.contrib.contenttypes.models import ContentType

    article, version, deleted = made["article"], made["version"], made["deleted version"]
    day = article.publish_at
    values = {
        "year": f"{day:%Y}", "month": f"{day:%m}", "day": f"{day:%d}", "slug": article.slug,
        "app_label": "articles", "url": "nowhere/", "path": "nowhere.jpg",
        "content_type_id": ContentType.objects.get_for_model(article).pk,
        "version_id": version.pk, "token": made["tokens"].get(name, "x"), "ref": "x",
        "payment_id": 1, "gift_id": 1, "proposal_id": made["proposal"],
    }  # fmt: skip
    match = re.match(r"/admin/(\w+)/(\w+)/", template)
    label = f"{match[1]}.{match[2]}" if match else ""
    row = made["rows"].get(label.lower(), article)  # view_on_site names the article
    values["object_id"] = values["id"] = values["pk"] = row.pk
    values["arg0"], values["arg1"] = (
        (deleted.pk, None) if name and name.endswith("_recover") else (article.pk, version.pk)
    )
    if name in ("section", "section-feed-rss", "section-feed-atom"):
        values["slug"] = article.section.slug
    if name == "page":
        values["slug"] = made["page"].slug
    return {key: values[key] for key in re.findall(r"{(\w+)}", template)}


def hostile_paths(template: str, valid: dict, values=HOSTILE, converters=None):
    """The valid path, then each parameter in turn given each hostile value (and the
    out-of-range values its converter lets through)."""
    yield template.format(**valid)
    for key in valid:
        for value in [*values, *IN_FORMAT.get((converters or {}).get(key), [])]:
            yield template.format(**(valid | {key: value}))


def hostile_queries(path: str, name: str | None, values=HOSTILE_QUERY):
    """Each query parameter in turn given each hostile value (filters and dates on a list)."""
    if name == "autocomplete":
        names = QUERY["autocomplete"]
    elif name and name.endswith("_changelist"):
        names = QUERY["admin list"] + _list_parameters(path)
    elif path.startswith("/admin/"):
        names = QUERY["admin"]
    else:
        names = QUERY["public"]
    for key in names:
        for value in values:
            yield {key: value}
    field = _date_hierarchy(path) if name and name.endswith("_changelist") else None
    if field:
        for value in values:
            yield {f"{field}__year": value}
            yield {f"{field}__year": "2024", f"{field}__month": value}
            yield {f"{field}__year": "2024", f"{field}__month": "2", f"{field}__day": value}
        yield {f"{field}__year": "9999", f"{field}__month": "12"}
        yield {f"{field}__year": "9999", f"{field}__month": "12", f"{field}__day": "31"}


def _model_admin(path: str):
    from django.contrib import admin

    match = re.match(r"/admin/(\w+)/(\w+)/", path)
    for model, model_admin in admin.site._registry.items():
        if match and (model._meta.app_label, model._meta.model_name) == match.groups():
            return model_admin
    return None


def _date_hierarchy(path: str) -> str | None:
    model_admin = _model_admin(path)
    return model_admin.date_hierarchy if model_admin else None


def _list_parameters(path: str) -> list[str]:
    """Every query parameter the list's filters read, as a superuser's list has them."""
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    changelist = _model_admin(path).get_changelist_instance(request)
    return [p for spec in changelist.filter_specs for p in spec.expected_parameters()]


@pytest.fixture
def made(db, django_db_setup):
    """One row behind every page of the walk (each admin's model, a live story, versions)."""
    import reversion

    from articles.views.preview import preview_token
    from publication.models import Page
    from support import reminders
    from support.emails import manage_link
    from tests.security.test_admin_permissions import (
        MATRIX,
        _a_proposal,
        _make_one,
        _versions_of_an_article,
    )

    with reversion.create_revision():
        article = ArticleFactory(live=True)
    version, deleted = _versions_of_an_article(article)
    rows = {label.lower(): _make_one(label) for label in MATRIX}
    rows["articles.article"] = article
    reminder = rows["support.reminder"]
    tokens = {
        "preview": preview_token(article),
        "manage": manage_link(rows["support.donation"]).rstrip("/").rsplit("/", 1)[-1],
        "remind-cancel": reminders.cancel_token(reminder),
        "remind-undo": str(reminder.token),
    }
    page = Page.objects.order_by("pk").first() or Page.objects.create(
        title="About", slug="about", body="<p>Us.</p>"
    )
    return {
        "article": article, "version": version, "deleted version": deleted, "rows": rows,
        "tokens": tokens, "page": page, "proposal": _a_proposal(article),
    }  # fmt: skip


@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
@pytest.mark.parametrize("role", ROLES)
def test_every_url_pattern_answers_hostile_values_of_each_parameter_without_a_server_error(
    client, stripe_server, made, role
):
    from tests.articles.factories import UserFactory

    if ROLES[role] is not None:
        client.force_login(UserFactory(groups=ROLES[role]))
    client.raise_request_exception = False  # a 500 is counted, not raised
    failures = []
    for template, name, converters in url_patterns():
        valid = valid_values(template, name, made)
        full = template.startswith("/admin/") == (role != "anonymous")
        values, query_values = (HOSTILE, HOSTILE_QUERY) if full else (["²"], ["²"])
        for path in hostile_paths(template, valid, values, converters if full else None):
            response = client.get(quote(path, safe="/:%"))
            if response.status_code >= 500:
                failures.append((path[:120], "", response.status_code))
        valid_path = template.format(**valid)
        for query in hostile_queries(valid_path, name, query_values):
            response = client.get(valid_path, query)
            if response.status_code >= 500:
                failures.append((valid_path, query, response.status_code))

    assert failures == []
