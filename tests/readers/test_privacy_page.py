"""The privacy page names the donor account's cookie, on a new site and on one made before it."""

from importlib import import_module

import pytest
from django.apps import apps

from publication.models import Page

pytestmark = pytest.mark.django_db


def test_the_privacy_page_names_the_account_cookie_among_the_cookies_we_set(client):
    page = " ".join(client.get("/privacy/").content.decode().split())

    cookies = page.split("Cookies we set</h2>", 1)[1].split("</ul>", 1)[0]
    assert "<code>reader_session</code>" in cookies
    assert "sign-in link" in cookies


def test_the_migration_adds_it_once_to_the_cookie_list_of_a_page_made_before_the_account():
    migration = import_module("readers.migrations.0002_reader_session_on_the_privacy_page")
    page = Page.objects.get(slug="privacy")
    page.body = (
        "<h2>Cookies we set</h2><ul><li><code>csrftoken</code>: forms.</li></ul>"
        "<h2>Stored in your browser only</h2><ul><li>appeal-reads</li></ul>"
    )
    page.save()

    migration.add_to_privacy_page(apps, None)
    migration.add_to_privacy_page(apps, None)

    body = Page.objects.get(slug="privacy").body
    assert body.count("reader_session") == 1
    assert body.index("csrftoken") < body.index("reader_session") < body.index("Stored in your")


def test_the_migration_appends_it_to_a_page_an_editor_rewrote_without_a_cookie_list():
    migration = import_module("readers.migrations.0002_reader_session_on_the_privacy_page")
    page = Page.objects.get(slug="privacy")
    page.body = "<p>Ours.</p>"
    page.save()

    migration.add_to_privacy_page(apps, None)

    body = Page.objects.get(slug="privacy").body
    assert body.startswith("<p>Ours.</p>") and "<code>reader_session</code>" in body
