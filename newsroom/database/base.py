"""Django's PostgreSQL backend, with a health check that needs no round trip.

Django checks a kept connection at the start of each request (CONN_HEALTH_CHECKS) with a
``SELECT 1``: a round trip that cost an uncached reader page about a twentieth of its CPU,
in the web process and in PostgreSQL. An idle connection is quiet: the server sends
nothing until asked, except when it ends the session (a restart, a crash, an
administrator's pg_terminate_backend, an idle timeout), and then the socket has something
to read (its goodbye, or the end of the stream). So the check first looks whether the
socket is readable, without waiting; only when it is, or when the connection is not idle,
does it ask ``SELECT 1`` as Django does. A server that vanishes without a word (a cable
pulled) is noticed by neither check before the first query, as before.
"""

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg.pq import ConnStatus, TransactionStatus


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def is_usable(self):
        if self.connection is None:
            return False
        if _quiet_and_idle(self.connection):
            return True
        return super().is_usable()


def _quiet_and_idle(connection) -> bool:
    """Whether the connection is open, idle, and has nothing from the server to read."""
    pgconn = connection.pgconn
    if pgconn.status != ConnStatus.OK or pgconn.transaction_status != TransactionStatus.IDLE:
        return False
    try:
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except (OSError, ValueError):  # a closed socket
        return False
    return not readable
