import csv
from decimal import Decimal

from django.contrib import admin
from django.http import HttpResponse

from newsroom.admin_lists import IndexedDateHierarchy, PlainActionCheckbox
from newsroom.postgres import EstimatedCountPaginator


@admin.action(description="Export selected rows as CSV")
def export_csv(modeladmin, request, queryset):
    fields = modeladmin.csv_fields
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="{modeladmin.model._meta.model_name}s.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(fields)
    for obj in queryset:
        writer.writerow([csv_cell(_csv_value(modeladmin, obj, name)) for name in fields])
    return response


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Return the value as a spreadsheet will take it as text: numbers as they are, any
    other text that would start a formula behind a single quote."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(modeladmin, obj, name):
    if not hasattr(obj, name):  # a column the admin computes, like Donor's lifetime total
        return getattr(modeladmin, name)(obj)
    value = getattr(obj, name)
    return value() if callable(value) else value


class ReadOnlyAdmin(PlainActionCheckbox, IndexedDateHierarchy, admin.ModelAdmin):
    """Stripe is the source of truth for these rows: staff look, never edit.

    The ledger runs to millions of rows: lists estimate their count instead of counting,
    their date hierarchy reads the date's index, and a page shows fifty rows, as the article
    list does (drawing a hundred rows was most of a list's time).
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
