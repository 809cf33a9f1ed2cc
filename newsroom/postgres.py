"""PostgreSQL helpers: a statement timeout, and counts that need not read big tables.

On SQLite (the embedded default) everything here falls back to plain Django.
"""

import json
from contextlib import contextmanager

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
