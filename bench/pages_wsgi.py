"""The site as bench/pages.py serves it: production settings plus a bare view to compare with."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench.pages_urls"
# The "uncached" cases add ?bench=<unique>: a parameter the page cache keys on here only
# (it ignores parameters pages do not use, so a cache-buster cannot fill it).
settings.PAGE_CACHE_QUERY_PARAMS = [*settings.PAGE_CACHE_QUERY_PARAMS, "bench"]
# Pages only need static URLs, not the manifest a collectstatic run would write.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
