"""Settings for the processes a test starts (Celery worker and beat, gunicorn, commands).

The project's own, with the cache of the test process that started them (its folder, or its
Redis key prefix: tests/conftest.py gives each test process its own) and, for a Celery
worker or beat, the queue of the test that started it. pytest-xdist workers run side by
side on one cache and one broker: their children must not read each other's pages or take
each other's tasks.
"""

import json
import os

from newsroom.settings import *  # noqa: F403
from newsroom.settings import CACHES

CACHES["default"].update(json.loads(os.environ.get("TEST_CACHE") or "{}"))
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TEST_CELERY_QUEUE", "celery")
