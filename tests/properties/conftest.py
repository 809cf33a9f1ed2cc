import os
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.articles.factories import ArticleFactory

# Two profiles (README, "Tests"): "fast" by default, "full" in `make test-all` (CI). No
# example database is written to disk. A test asking for more examples than the default
# asks through examples(), so the fast profile scales it down too.
settings.register_profile(
    "full",
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("fast", settings.get_profile("full"), max_examples=12)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "fast"
settings.load_profile(PROFILE)


def examples(full: int) -> int:
    """Return `full` in the full profile and a fifth of it (at least 3) in the fast one."""
    return full if PROFILE == "full" else max(3, full // 5)


# Any text a browser could send: every code point UTF-8 can carry, NUL included.
text = st.text(st.characters(codec="utf-8"), max_size=200)
long_emails = st.integers(min_value=240, max_value=400).map(lambda n: "a" * n + "@example.org")
emails = st.one_of(st.emails(), long_emails, text, st.just(""))
numbers_as_text = st.one_of(
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.sampled_from(["1e999999", "-0", "0.001", "9999.99", "10000.01", "$5", "1,000", " 7.50 "]),
)
next_urls = st.one_of(
    st.sampled_from(["/", "/2024/06/12/story/", "//evil.example/", "https://evil.example/",
                     "/\\evil.example", "javascript:alert(1)", "/?a=b#c"]),
    text,
)  # fmt: skip


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    settings.CHECKOUT_RATE_LIMIT = "1000000/h"
    settings.CHECKOUT_SITE_RATE_LIMIT = "1000000/m"
    settings.REMINDER_RATE_LIMIT_NETWORK = "1000000/h"
    settings.REMINDER_RATE_LIMIT_EMAIL = "1000000/h"


@pytest.fixture
def article(db):
    return ArticleFactory(live=True)


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is undone afterwards, so examples stay apart."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
