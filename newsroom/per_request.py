"""Values read once per request, however many parts of the page ask for them.

A reader page asks for the masthead (the title, the header, the footer, the structured
data) and the appeals (the banner, the end of the article) several times; each ask was a
cache read and an unpickling. ``@per_request`` keeps the first answer until the request
ends. Outside a request (a task, a shell, a test calling the function) nothing is kept,
and ``forget()`` drops the kept answer when the value changes within the request.
"""

import threading
from functools import wraps

from django.core.signals import request_finished, request_started

_state = threading.local()


def per_request(func):
    @wraps(func)
    def wrapper():
        kept = getattr(_state, "kept", None)
        if kept is None:  # not serving a request
            return func()
        if func not in kept:
            kept[func] = func()
        return kept[func]

    def forget():
        kept = getattr(_state, "kept", None)
        if kept is not None:
            kept.pop(func, None)

    wrapper.forget = forget
    return wrapper


def kept_now() -> dict | None:
    """This request's kept values (None outside a request), for values read ahead of the
    function that wants them (newsroom.snapshots)."""
    return getattr(_state, "kept", None)


def _started(**kwargs):
    _state.kept = {}


def _finished(**kwargs):
    _state.kept = None


request_started.connect(_started, dispatch_uid="newsroom-per-request-started")
request_finished.connect(_finished, dispatch_uid="newsroom-per-request-finished")
