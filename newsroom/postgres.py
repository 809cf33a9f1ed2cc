"""PostgreSQL helpers: a statement timeout, counts that need not read big tables, and
prepared statements for the hottest reads.

On SQLite (the embedded default) everything here falls back to plain Django.
"""

import json
from contextlib import contextmanager
from functools import cache
from types import SimpleNamespace

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.utils import OperationalError
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap; above it the admin's lists estimate.
EXACT_COUNT_BELOW = 20_000
COUNT_TIMEOUT_MS = 150


class StatementTimedOut(Exception):
    """A statement ran past the limit set by statement_timeout()."""


@contextmanager
def statement_timeout(milliseconds: int):
    """Run the block in a transaction (or savepoint) whose statements stop after the limit."""
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # SET LOCAL, as a function so the value can be a parameter.
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), "
                    "set_config('statement_timeout', %s, true)",
                    [str(int(milliseconds))],
                )
                previous = cursor.fetchone()[0]
            yield
            # Inside an outer transaction the setting would outlive this savepoint.
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as error:
        if "statement timeout" in str(error):
            raise StatementTimedOut from error
        raise


def table_estimate(model) -> int | None:
    """Return PostgreSQL's estimate of the table's rows (None before its first ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


def plan_estimate(queryset) -> int:
    """Return the planner's estimate of the rows a queryset returns."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # .none(), or a filter Django knows matches nothing
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def estimated_count(queryset) -> int:
    """Count exactly when that is cheap; estimate from the statistics when it is not.

    An unfiltered big table is estimated from pg_class; a filtered query the planner expects
    to return many rows is estimated by the planner (counting 900,000 renewals takes longer
    than the page); others are counted, with a short timeout, estimated if it runs past.
    """
    if connection.vendor != "postgresql":
        return queryset.count()
    filtered = bool(queryset.query.where)
    estimate = plan_estimate(queryset) if filtered else table_estimate(queryset.model)
    if estimate is not None and estimate >= EXACT_COUNT_BELOW:
        return estimate
    try:
        with statement_timeout(COUNT_TIMEOUT_MS):
            return queryset.count()
    except StatementTimedOut:
        return estimate if filtered else plan_estimate(queryset)


class EstimatedCountPaginator(Paginator):
    """The admin's paginator for tables of millions of rows: no full COUNT(*)."""

    @cached_property
    def count(self) -> int:
        return estimated_count(self.object_list)


PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


@cache
def _prepared_cursor_class():
    """psycopg's server-binding cursor as Django makes it, preparing every statement."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        logged_by = None  # the Django connection whose query log wants the SQL, if any

        def execute(self, query, params=None, **kwargs):
            super().execute(query, params, prepare=True)
            if self.logged_by is not None:  # what its log reads, with the values written in
                composed = self.logged_by.ops.compose_sql(query, params)
                self._query = SimpleNamespace(query=composed.encode())
            return self

    return PreparedCursor


def prepared_cursor(db_connection):
    """Return a cursor whose statements PostgreSQL parses and plans once per connection.

    Django turns psycopg's prepared statements off (a transaction-mode pooler without
    prepared statement support breaks on them), and binds parameters into the SQL text, so
    every execution is parsed and planned again. For the few statements run on every page
    view that planning cost more than running them; this cursor binds parameters on the
    server and prepares each statement on first use. Queries still pass through Django's
    cursor wrapper (logging, query counts, execute wrappers). Elsewhere, or with
    DATABASE_PREPARED_STATEMENTS off, it is Django's own cursor.
    """
    from django.conf import settings

    cursor = db_connection.cursor()
    if db_connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return cursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg import adapters
    from psycopg.pq import Format

    connection = db_connection.connection
    if connection.prepare_threshold is None:
        # psycopg prepares nothing, even when asked, without a threshold. Django's own
        # cursors bind on the client and are never prepared whatever it is; only this
        # cursor's statements are.
        connection.prepare_threshold = PREPARE_ONLY_WHEN_ASKED
    raw = _prepared_cursor_class()(connection)
    if db_connection.queries_logged:
        raw.logged_by = db_connection
    # As Django does for its own cursors: read timestamps in the connection's time zone.
    loader = raw.adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    if db_connection.timezone != loader.timezone:
        register_tzloader(db_connection.timezone, raw)
    cursor.cursor.close()
    cursor.cursor = raw
    return cursor
