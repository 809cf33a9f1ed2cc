"""Admin lists over big tables: a date hierarchy that reads an index, not every row, and
rows drawn without a template per checkbox.

Django's date hierarchy lists the years (or a year's months) that have rows with
`SELECT DISTINCT date_trunc('year', paid_at)`, which reads all million payments to find
four years. Here each period is found by asking for the first moment at or after the end of
the last one: one `MIN()` per period, which PostgreSQL answers from the column's index (or,
when the list's filters make that slower, from whichever plan is cheaper). The list's
filters and search apply as before, and the choices are the same. Lists the planner expects
to be short (a search, a narrow filter) keep Django's single query.
"""

import datetime
from functools import cache

from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.db.models import Min
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from newsroom import postgres

# A date hierarchy names at most this many years or months.
MAX_PERIODS = 200


def period_starts(queryset, field_name: str, kind: str, tzinfo=None) -> list[datetime.datetime]:
    """Return the start of each year or month holding rows, oldest first (as datetimes())."""
    zone = tzinfo or timezone.get_current_timezone()
    rows = queryset.order_by()
    if connection.vendor == "postgresql" and getattr(zone, "key", None):
        return _period_starts_in_one_query(rows, field_name, kind, zone)
    first = rows.aggregate(first=Min(field_name))["first"]
    starts = []
    while first is not None and len(starts) < MAX_PERIODS:
        local = first.astimezone(zone)
        if kind == "year":
            start = datetime.datetime(local.year, 1, 1, tzinfo=zone)
            following = datetime.datetime(local.year + 1, 1, 1, tzinfo=zone)
        else:
            start = datetime.datetime(local.year, local.month, 1, tzinfo=zone)
            following = (start + datetime.timedelta(days=32)).replace(day=1)
        starts.append(start)
        later = rows.filter(**{f"{field_name}__gte": following})
        first = later.aggregate(first=Min(field_name))["first"]
    return starts


def _period_starts_in_one_query(rows, field_name: str, kind: str, zone) -> list[datetime.datetime]:
    """The same walk as one recursive query: each step one MIN() from the column's index.

    Asked from Python, a dozen years cost a dozen compiled queries, a sixth of an admin
    list's time.
    """
    assert kind in ("year", "month")
    column = connection.ops.quote_name(field_name)
    sql, params = rows.values(field_name).query.sql_with_params()
    step = "1 year" if kind == "year" else "1 month"
    local = f"date_trunc('{kind}', MIN(r.{column}) AT TIME ZONE %s)"
    statement = (
        "WITH RECURSIVE periods(start) AS ("  # noqa: S608 (the ORM's SQL, a quoted name)
        f"SELECT {local} FROM ({sql}) r "
        "UNION ALL "
        f"SELECT (SELECT {local} FROM ({sql}) r "
        f"WHERE r.{column} >= (p.start + interval '{step}') AT TIME ZONE %s) "
        "FROM periods p WHERE p.start IS NOT NULL"
        ") SELECT start FROM periods WHERE start IS NOT NULL LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [zone.key, *params, zone.key, *params, zone.key, MAX_PERIODS])
        return [start.replace(tzinfo=zone) for (start,) in cursor.fetchall()]


class _PeriodStartsQuerySet:
    """Mixed into the list's queryset class: datetimes() by year or month reads the index."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind in ("year", "month") and order == "ASC" and _many_rows(self):
            return period_starts(self, field_name, kind, tzinfo)
        return super().datetimes(field_name, kind, order, tzinfo)


def _many_rows(queryset) -> bool:
    """Whether the list is big enough for the index to pay (a search finds few rows: the
    usual DISTINCT over them is one query, where a MIN() per period would repeat it)."""
    if connection.vendor != "postgresql" or queryset.query.is_sliced:
        return False
    return postgres.plan_estimate(queryset) >= postgres.EXACT_COUNT_BELOW


@cache
def _with_period_starts(queryset_class):
    if issubclass(queryset_class, _PeriodStartsQuerySet):
        return queryset_class
    return type(queryset_class.__name__, (_PeriodStartsQuerySet, queryset_class), {})


class CheckedDateHierarchyChangeList(ChangeList):
    """Django's date hierarchy with its period checked first.

    Django bounds a period by adding a day, a month or a year to its start, which overflows
    on the calendar's last ones (?publish_at__year=9999&publish_at__month=12 was a 500);
    a year in which a time zone's offset would cross the calendar's ends is refused too.
    The list then says its parameters are wrong, as for any other bad filter.
    """

    def get_filters(self, request):
        if self.date_hierarchy:
            _check_period(self.filter_params, self.date_hierarchy)
        return super().get_filters(request)


def _check_period(params: dict, field: str) -> None:
    year, month, day = (params.get(f"{field}__{part}") for part in ("year", "month", "day"))
    if year is None:
        return
    try:
        start = datetime.date(*(int(v[-1]) if v else 1 for v in (year, month, day)))
    except (ValueError, TypeError, OverflowError) as error:
        raise IncorrectLookupParameters(error) from error
    if not datetime.MINYEAR < start.year < datetime.MAXYEAR:
        raise IncorrectLookupParameters(f"No dates in the year {start.year} can be listed.")


class IndexedDateHierarchyChangeList(CheckedDateHierarchyChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        queryset.__class__ = _with_period_starts(type(queryset))
        return queryset


class IndexedDateHierarchy:
    """ModelAdmin mixin for a date_hierarchy over hundreds of thousands of rows."""

    def get_changelist(self, request, **kwargs):
        return IndexedDateHierarchyChangeList


class CheckedDateHierarchy:
    """ModelAdmin mixin: a date_hierarchy whose period is checked (any list that has one)."""

    def get_changelist(self, request, **kwargs):
        return CheckedDateHierarchyChangeList


class PlainActionCheckbox:
    """ModelAdmin mixin: each row's action checkbox written out, as Django's widget draws it.

    Django renders it through the form renderer's templates, once per row: a quarter of the
    time of a 100-row list. The markup is the same (a test compares them).
    """

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )
