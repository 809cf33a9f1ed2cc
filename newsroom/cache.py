"""Django's Redis cache, keeping one Redis client per connection pool.

Django's backend builds a new ``redis.Redis`` for every cache call, and each build fills a
table of some 170 response callbacks: on a reader page, which reads the cache several
times, that was a few per cent of its CPU. A client is safe to share between threads (it
takes a connection from its pool for each command), so one per pool is kept.

Keys are not checked for memcached's rules either (a Python loop over every character of
every key, some 7% of serving a cached page): Redis takes any key.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Any key will do for Redis (the memcached warnings do not apply)."""
