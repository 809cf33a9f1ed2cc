"""``reverse()`` remembered: the same name and arguments give the same URL every time.

Reader pages link to dozens of sections, tags, authors, pages and articles, and each
``reverse()`` walks Django's resolver (about a sixth of an uncached article page's CPU).
The URL of a name and arguments does not change while the URLconf and the script prefix
stay the same, so those are part of the key, and a changed URLconf (a test's
override_settings) empties the memory.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


def reverse(viewname: str, args=None, kwargs=None) -> str:
    return _reverse(
        get_urlconf(),
        get_script_prefix(),
        viewname,
        tuple(args or ()),
        tuple(sorted((kwargs or {}).items())),
    )


@lru_cache(maxsize=50_000)
def _reverse(urlconf, prefix, viewname, args, kwargs) -> str:
    return django_reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs))


def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


setting_changed.connect(_forget, dispatch_uid="newsroom-reversing")
