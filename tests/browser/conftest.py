"""Chromium (the system's own, never downloaded) driving the app on pytest-django's live server.

The app runs in a thread of this process against the test database, with the local Stripe
test-mode server delivering its webhooks to it, so a journey goes through the same views,
Celery tasks (eager in tests) and Stripe calls as in production.
"""

import os
import re
import shutil
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.processes import PROJECT_DIR

ARTIFACTS = PROJECT_DIR / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
FAILED = pytest.StashKey[bool]()


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "The browser tests need Debian's chromium package (apt-get install chromium), "
            "or CHROMIUM=/path/to/chromium; they never download a browser."
        )
    return path


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all browser tests; stopped when they are done."""
    # Playwright's sync API keeps an asyncio loop running in this thread, which Django
    # takes for an async context; the test thread's ORM calls are synchronous all the same.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        item.stash[FAILED] = True
    return report


@pytest.fixture
def new_context(browser: Browser, live_server, request):
    """Open browser contexts (fresh cookies) on the live server; screenshot them on failure."""
    contexts: list[BrowserContext] = []
    name = _failure_name(request.node)
    for stale in [FAILURES / f"{name}.png", *FAILURES.glob(f"{name}-[0-9]*.png")]:
        stale.unlink(missing_ok=True)

    def open_context(*, viewport=DESKTOP, **options) -> BrowserContext:
        context = browser.new_context(viewport=viewport, base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    if request.node.stash.get(FAILED, False):
        _save_failure_screenshots(request.node, contexts)
    for context in contexts:
        context.close()


def _failure_name(item) -> str:
    return re.sub(r"[^\w.-]+", "_", item.nodeid.removeprefix("tests/browser/"))


def _save_failure_screenshots(item, contexts) -> None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    name = _failure_name(item)
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        suffix = f"-{number}" if len(pages) > 1 else ""
        try:
            page.screenshot(path=FAILURES / f"{name}{suffix}.png", full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"could not save a failure screenshot of {page.url}: {error}")


@pytest.fixture
def page(new_context) -> Page:
    """A page 1280 px wide with JavaScript on, in a fresh context."""
    return new_context().new_page()


@dataclass
class Site:
    url: str
    story: object
    stripe: object

    @property
    def story_path(self) -> str:
        return self.story.get_absolute_url()

    def same_origin(self, url: str) -> bool:
        return urlsplit(url)[:2] == urlsplit(self.url)[:2]


class SeededStory:
    """The peacekeeper story, seeded once a session and restored row by row after that.

    Seeding draws the placeholder photo and its renditions, which is most of a test's set-up;
    the files stay in one media folder for the session, the rows go with each test's database.
    """

    def __init__(self, media_root):
        self.media_root = media_root
        self.rows = None

    def load(self):
        from django.core import serializers

        from articles.models import Article
        from articles.seed import SLUG, load_peacekeeper_story

        if self.rows is None:
            # Read back: a worker (eager here) made the photo's renditions after the commit.
            story = Article.objects.select_related("hero_photo").get(pk=load_peacekeeper_story().pk)
            rows = [story.section, *story.tags.all(), story.hero_photo, story]
            self.rows = serializers.serialize("json", rows)
            return story
        for row in serializers.deserialize("json", self.rows):
            row.save()
        return Article.objects.get(slug=SLUG)


@pytest.fixture(scope="session")
def seeded_story(tmp_path_factory) -> SeededStory:
    return SeededStory(tmp_path_factory.mktemp("media"))


def _newsletters():
    """Two lists taking sign-ups, so every page draws its sign-up form with a choice."""
    from newsletters.models import Newsletter

    Newsletter.objects.create(
        name="The Morning Brief", slug="morning", frequency="daily", position=1,
        description="The day's news before breakfast.",
    )  # fmt: skip
    Newsletter.objects.create(name="Caucasus Weekly", slug="caucasus", position=2)


@pytest.fixture
def site(live_server, stripe_server, settings, seeded_story) -> Site:
    """The live app with the peacekeeper story, paying through the local Stripe server."""
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = seeded_story.media_root
    # Logging in is part of the journeys; the hasher's cost is not.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    stripe_server.configure(webhook_url=f"{live_server.url}/support/stripe/webhook/")
    _newsletters()
    yield Site(url=live_server.url, story=seeded_story.load(), stripe=stripe_server)
    # No delivery may reach the app while the test database is being emptied.
    stripe_server.deliveries(wait=True)
    stripe_server.configure(webhook_url=None)
