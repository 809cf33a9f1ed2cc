"""The site as bench/pages.py serves it: production settings plus a bare view to compare with."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench.pages_urls"
# Pages only need static URLs, not the manifest a collectstatic run would write.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
