import pytest

from newsroom.tasks import health_ping
from tests.processes import wait_for_result


@pytest.mark.worker
def test_a_real_worker_runs_the_health_task_and_returns_its_result(celery_worker_process):
    result = health_ping.delay()

    assert wait_for_result(result, celery_worker_process) == {"worker": "ok", "database": "ok"}
    assert celery_worker_process.poll() is None
