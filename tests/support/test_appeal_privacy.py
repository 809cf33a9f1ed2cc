"""Every key the site's scripts keep in the reader's browser is named on the Privacy page."""

import re

import pytest

from tests.processes import PROJECT_DIR

pytestmark = pytest.mark.django_db


def stored_keys() -> set[str]:
    keys = set()
    for script in (PROJECT_DIR / "static" / "js").glob("*.js"):
        text = script.read_text()
        if "Storage" not in text:
            continue
        keys |= set(re.findall(r'"(appeal-[a-z-]+)"', text))
    return keys


def test_the_privacy_page_names_every_key_the_browser_stores(client):
    keys = stored_keys()
    page = client.get("/privacy/").content.decode()

    assert {"appeal-banner-views", "appeal-reads", "appeal-views", "appeal-referrer"} <= keys
    assert [key for key in sorted(keys) if key not in page] == []
    assert "support_hint" in page
