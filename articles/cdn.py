"""Purging a CDN by surrogate key: one interface, called on every invalidation.

CDN_PURGE_BACKEND names the class (default: no CDN, nothing to purge):
  articles.cdn.NoPurge          nothing in front of the site
  articles.cdn.FastlyPurge      POST {CDN_PURGE_URL}/service/{CDN_SERVICE_ID}/purge with the
                                keys in a Surrogate-Key header and CDN_API_TOKEN as Fastly-Key
  articles.cdn.CloudflarePurge  POST {CDN_PURGE_URL}/zones/{CDN_SERVICE_ID}/purge_cache with
                                {"tags": [...]} and CDN_API_TOKEN as a Bearer token
Pages carry the same keys in Surrogate-Key (Fastly) and Cache-Tag (Cloudflare) headers. A
failed purge is logged, not raised: the page still expires after its s-maxage.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)
# Fastly takes up to 256 keys in one purge, Cloudflare 30 tags.
BATCH = 30


class NoPurge:
    def purge(self, keys: list[str]) -> None:
        return None


class _HttpPurge:
    def purge(self, keys: list[str]) -> None:
        for start in range(0, len(keys), BATCH):
            request = self.request(keys[start : start + BATCH])
            if not request.full_url.startswith(("https://", "http://")):
                raise ImproperlyConfigured("CDN_PURGE_URL must be an http(s) URL.")
            try:
                timeout = settings.CDN_PURGE_TIMEOUT
                with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 (checked)
                    reply.read()
            except OSError as error:  # URLError, HTTPError and timeouts
                log.warning("CDN purge of %s failed: %s", keys[start : start + BATCH], error)

    def request(self, keys: list[str]) -> urllib.request.Request:
        raise NotImplementedError


class FastlyPurge(_HttpPurge):
    def request(self, keys):
        base = settings.CDN_PURGE_URL or "https://api.fastly.com"
        return urllib.request.Request(  # noqa: S310 (purge() checks the scheme)
            f"{base}/service/{settings.CDN_SERVICE_ID}/purge",
            method="POST",
            headers={"Fastly-Key": settings.CDN_API_TOKEN, "Surrogate-Key": " ".join(keys)},
        )


class CloudflarePurge(_HttpPurge):
    def request(self, keys):
        base = settings.CDN_PURGE_URL or "https://api.cloudflare.com/client/v4"
        return urllib.request.Request(  # noqa: S310 (purge() checks the scheme)
            f"{base}/zones/{settings.CDN_SERVICE_ID}/purge_cache",
            data=json.dumps({"tags": keys}).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {settings.CDN_API_TOKEN}",
                "Content-Type": "application/json",
            },
        )


def purge(keys: list[str]) -> None:
    """Purge the pages carrying any of the keys from the CDN configured in the settings."""
    import_string(settings.CDN_PURGE_BACKEND)().purge(list(keys))
