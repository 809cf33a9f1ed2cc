"""Settings for processes the drills start: the tests' (tests/process_settings.py), with the
recording mail backend and the test's own queue (for the tasks a worker enqueues itself)."""

import os

from tests.process_settings import *  # noqa: F403

EMAIL_BACKEND = "tests.drills.mail_backend.RecordingBackend"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("DRILL_QUEUE", "celery")
