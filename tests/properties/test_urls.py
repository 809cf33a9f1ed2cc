"""Arbitrary URL path parameters and query strings on every public page: never a 500."""

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support.models import Donation, Reminder, StripeEvent
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
