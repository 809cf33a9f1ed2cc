"""Parts of reader pages drawn once per version of what they show, in each process.

The masthead, the footer and the appeals look the same on every reader page, yet drawing
them was about a third of rendering an uncached article. Each process now keeps them as
HTML under the version of the data they show: the masthead and the appeals' snapshot
carry a stamp (``new_version()``) made afresh whenever they are rebuilt after an edit, so
an edit shows on the next page exactly as it did when they were drawn every time.

What differs from page to page (the story a link names, the address to come back to) is
given in ``fill``: the template gets a marker in its place and the value, escaped, is put
in afterwards. A template must print a filled value as it is given, with no filter.
"""

import secrets
import threading
from collections import OrderedDict

from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

LIMIT = 512  # kept parts per process (a few KB each)

_kept: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()
_MARKER = f"fill{secrets.token_hex(8)}"  # unguessable, and untouched by escaping


def new_version() -> str:
    """A stamp for a snapshot of data that kept parts are drawn from."""
    return secrets.token_hex(8)


def render(
    key: tuple, template_name: str, context: dict, *, fill: dict | None = None
) -> SafeString:
    """Return the template drawn with `context`, drawn once for each `key`.

    `key` must name everything the drawing depends on (a version of the data, a flag);
    `fill` holds the values that differ on every page.
    """
    fill = fill or {}
    kept_key = (template_name, key, *sorted(fill))
    with _lock:
        html = _kept.get(kept_key)
        if html is not None:
            _kept.move_to_end(kept_key)
    if html is None:
        markers = {name: mark_safe(_marker(name)) for name in fill}  # noqa: S308 (fixed text)
        html = render_to_string(template_name, {**context, **markers})
        with _lock:
            _kept[kept_key] = html
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    for name, value in fill.items():
        html = html.replace(_marker(name), conditional_escape(value))
    return mark_safe(html)  # noqa: S308 (drawn by the template, fills escaped)


def _marker(name: str) -> str:
    return f"{_MARKER}_{name}_"


def forget() -> None:
    with _lock:
        _kept.clear()


def _settings_changed(**kwargs):
    forget()  # templates, static files or URLs may differ now (tests' override_settings)


setting_changed.connect(_settings_changed, dispatch_uid="newsroom-rendered")
