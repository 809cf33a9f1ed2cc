import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning

from newsroom.cache import RedisCache

CONFIGURED = django_settings.CACHES["default"]


@pytest.mark.skipif(
    not CONFIGURED["BACKEND"].endswith("RedisCache"), reason="the tests' cache is not Redis"
)
def test_the_redis_cache_shares_its_client_and_takes_any_key(recwarn):
    cache = caches["default"]
    assert isinstance(cache, RedisCache)  # the tests' own subclass (tests/cache.py)
    key = "articles:page:" + "x" * 300 + " with spaces"

    cache.set(key, {"page": 1}, 5)

    assert cache.get(key) == {"page": 1}
    assert cache._cache.get_client() is cache._cache.get_client()
    assert not [w for w in recwarn if issubclass(w.category, CacheKeyWarning)]
    cache.delete(key)
