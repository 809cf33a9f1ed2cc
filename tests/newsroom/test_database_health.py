"""A kept PostgreSQL connection is checked at each request without a round trip."""

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def kept():
    """A second connection to the test database, idle between requests as a kept one is."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def last_statement_of(wrapper) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT query FROM pg_stat_activity WHERE pid = %s",
            [wrapper.connection.info.backend_pid],
        )
        return cursor.fetchone()[0]


def test_a_quiet_idle_connection_passes_without_a_query(kept):
    with kept.cursor() as cursor:
        cursor.execute("SELECT 'the reader page'")

    assert kept.is_usable()
    assert last_statement_of(kept) == "SELECT 'the reader page'"


def test_a_connection_the_server_ended_fails_and_the_next_request_reconnects(kept):
    ended = kept.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [ended])

    assert not kept.is_usable()
    kept.health_check_done = False
    kept.close_if_health_check_failed()
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended


def test_a_connection_inside_a_transaction_is_asked_as_django_asks(kept):
    kept.set_autocommit(False)
    with kept.cursor() as cursor:
        cursor.execute("SELECT 'in a transaction'")

    assert kept.is_usable()
    assert last_statement_of(kept) == "SELECT 1"
    kept.rollback()
    kept.set_autocommit(True)
