from pathlib import Path

import pytest

from tests.processes import celery_command, child_env, running

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` process on the configured broker, stopped afterwards."""
    args = celery_command(
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-mingle",
        "--without-gossip",
        "--hostname",
        f"test-{tmp_path.name}@%h",
    )
    with running(args, ARTIFACTS / "celery-worker.log", child_env()) as proc:
        yield proc
