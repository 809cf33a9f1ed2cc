import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.articles.html import parse
from tests.processes import PROJECT_DIR

pytestmark = pytest.mark.django_db

FETCHING_LINKS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


def fetched_urls(element) -> list[str]:
    """Return the URLs a browser would fetch by itself for this element."""
    tag, attrs = element["tag"], element["attrs"]
    urls = [attrs[name] for name in ("src", "poster", "data") if attrs.get(name)]
    for name in ("srcset", "imagesrcset"):
        urls += [item.split()[0] for item in attrs.get(name, "").split(",") if item.strip()]
    if tag == "link" and FETCHING_LINKS & set((attrs.get("rel") or "").split()):
        urls.append(attrs.get("href", ""))
    if tag == "form" and attrs.get("action"):
        urls.append(attrs["action"])
    return urls


def is_own(url: str) -> bool:
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return True
    own = urlsplit(settings.SITE_URL)
    return (parts.scheme, parts.netloc) == (own.scheme, own.netloc)


def test_reader_pages_load_nothing_from_another_origin(client, reader_pages):
    fetched = []
    for url in reader_pages:
        elements = parse(client.get(url).content)

        urls = [u for e in elements for u in fetched_urls(e)]
        assert [u for u in urls if not is_own(u)] == [], url
        assert not [e for e in elements if e["tag"] in ("iframe", "embed", "object")], url
        fetched += urls
    assert any(u.endswith(".css") for u in fetched)
    assert any(settings.MEDIA_URL in u for u in fetched)


def test_reader_pages_need_no_inline_script_or_style(client, reader_pages):
    for url in reader_pages:
        elements = parse(client.get(url).content)

        inline_scripts = [
            e
            for e in elements
            if e["tag"] == "script"
            and not e["attrs"].get("src")
            and e["attrs"].get("type") not in DATA_SCRIPT_TYPES
        ]
        assert inline_scripts == [], url
        assert not [e for e in elements if e["tag"] == "style"], url
        assert not [e for e in elements if "style" in e["attrs"]], url
        handlers = [(e["tag"], a) for e in elements for a in e["attrs"] if a.startswith("on")]
        assert handlers == [], url
        links = [e["attrs"].get("href", "") for e in elements if e["tag"] == "a"]
        assert not [h for h in links if h.lower().startswith("javascript:")], url


def test_a_plain_page_view_sets_no_cookie(client, reader_pages):
    forms = {reverse("support:give"), reverse("support:remind")}
    for url in reader_pages:
        response = client.get(url)

        expected = {"csrftoken"} if urlsplit(url).path in forms else set()
        assert set(response.cookies) == expected, url


def documented_cookies() -> set[str]:
    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme.split("## Cookies", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE))


def test_every_cookie_the_site_sets_is_first_party_and_listed_in_the_readme(
    client, reader_pages, stripe_server
):
    seen = {}
    for url in reader_pages:
        seen.update(client.get(url).cookies)
    remind = client.post(reverse("support:remind"), {"when": "week", "email": "r@example.org"})
    seen.update(remind.cookies)
    seen.update(client.post("/admin/login/", {"username": "nobody", "password": "x"}).cookies)

    assert remind.status_code == 200
    assert set(seen) <= documented_cookies()
    assert {"csrftoken", "appeal_state"} <= set(seen)
    for name, morsel in seen.items():
        assert not morsel["domain"], name
    assert seen["appeal_state"]["httponly"]
    assert seen["appeal_state"]["samesite"] == "Lax"
