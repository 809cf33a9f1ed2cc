"""Purging an edge cache by surrogate key: queued with the edit, sent by a task.

CDN_PURGE_BACKEND names the class (default: nothing in front of the site to purge):
  pagecache.purge.NoPurge          nothing to purge
  pagecache.purge.VarnishPurge     PURGE {CDN_PURGE_URL} with the keys in an xkey-purge
                                   header (the compose stack's Varnish, deploy/varnish/)
  pagecache.purge.FastlyPurge      POST {CDN_PURGE_URL}/service/{CDN_SERVICE_ID}/purge with
                                   the keys in Surrogate-Key and CDN_API_TOKEN as Fastly-Key
  pagecache.purge.CloudflarePurge  POST {CDN_PURGE_URL}/zones/{CDN_SERVICE_ID}/purge_cache
                                   with {"tags": [...]} and CDN_API_TOKEN as a Bearer token
Pages carry the keys in Surrogate-Key (Varnish, Fastly) and Cache-Tag (Cloudflare) headers.
"""

import json
import logging
import time
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from newsroom.queue import after_commit
from pagecache.models import Purge

log = logging.getLogger(__name__)
BATCH = 30  # Cloudflare takes 30 tags a request, Fastly 256
SENT_AT_ONCE = 500  # queued purges merged into one sending


class PurgeFailed(Exception):
    pass


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
                raise PurgeFailed(str(error)) from error

    def request(self, keys: list[str]) -> urllib.request.Request:
        raise NotImplementedError


class VarnishPurge(_HttpPurge):
    def request(self, keys):
        return urllib.request.Request(  # noqa: S310 (purge() checks the scheme)
            settings.CDN_PURGE_URL, method="PURGE", headers={"xkey-purge": " ".join(keys)}
        )


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


def _backend():
    return import_string(settings.CDN_PURGE_BACKEND)()


def queue(keys: list[str]) -> None:
    """Queue a purge of the keys with the current transaction; a task sends it after commit."""
    if settings.CDN_PURGE_BACKEND == "pagecache.purge.NoPurge":
        return
    Purge.objects.create(keys=list(keys))
    after_commit("pagecache.tasks.send_purges")


def send_queued(*, settle: float = 0.0) -> int:
    """Send every queued purge, merged; return how many are left (failed) afterwards.

    `settle`: seconds to wait first, after the edit's commit. Each process serves a page it
    found fresh for PAGE_CACHE_RECHECK_SECONDS without asking again (pagecache.pages), so
    a purge sent at once could be answered with such a copy, which the edge would then keep.
    Nothing is locked while the edge is asked: a purge sent twice by two workers does no harm.
    """
    if not Purge.objects.exists():
        return 0
    time.sleep(settle)
    queued = list(Purge.objects.order_by("id")[:SENT_AT_ONCE])
    if not queued:
        return 0
    keys = sorted({key for purge in queued for key in purge.keys})
    ids = [purge.pk for purge in queued]
    try:
        _backend().purge(keys)
    except PurgeFailed as error:
        log.warning("Purge of %s failed: %s", keys, error)
        Purge.objects.filter(pk__in=ids).update(
            attempts=F("attempts") + 1, last_error=str(error)[:500], last_attempt_at=timezone.now()
        )
        raise
    Purge.objects.filter(pk__in=ids).delete()
    return Purge.objects.count()
