from django.contrib import admin

from support.models import LadderAmount, SiteCurrency
from support.money import currency, format_money


class LadderAmountInline(admin.TabularInline):
    model = LadderAmount
    extra = 3
    fields = ["frequency", "amount", "impact", "position"]
    ordering = ["frequency", "position", "amount"]


@admin.register(SiteCurrency)
class SiteCurrencyAdmin(admin.ModelAdmin):
    """Currencies and their amount ladders: each set by editors, none converted."""

    list_display = [
        "__str__",
        "offered",
        "position",
        "ladder_summary",
        "stripe_minimum",
        "rate",
        "fee_estimate",
    ]
    list_editable = ["offered", "position"]
    inlines = [LadderAmountInline]
    fieldsets = [
        (None, {"fields": ["code", "offered", "position", "countries"]}),
        ("Gifts", {"fields": ["smallest_gift", "largest_gift", "stripe_minimum"]}),
        ("Goal meter", {"fields": ["rate"]}),
        ("Covering fees", {"fields": ["fee_percent", "fee_fixed"]}),
    ]
    readonly_fields = ["stripe_minimum"]

    def get_readonly_fields(self, request, obj=None):
        # Gifts name their currency by its code: a saved currency keeps it.
        return ["code", *self.readonly_fields] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # A currency gifts were made in keeps its rate for the goal meter: switch it off.
        return False

    @admin.display(description="Stripe's minimum")
    def stripe_minimum(self, obj):
        if not obj or not obj.code:
            return "-"
        minimum = currency(obj.code).minimum
        return format_money(minimum, obj.code) if minimum is not None else "Stripe decides"

    @admin.display(description="Amounts")
    def ladder_summary(self, obj):
        rows = {}
        for row in obj.amounts.all():
            rows.setdefault(row.get_frequency_display(), []).append(obj.money(row.amount))
        return "; ".join(f"{label}: {', '.join(amounts)}" for label, amounts in rows.items())

    @admin.display(description="Fee estimate")
    def fee_estimate(self, obj):
        fixed = format_money(obj.fee_fixed, obj.code) if obj.fee_fixed else ""
        return f"{obj.fee_percent.normalize():f}%" + (f" + {fixed}" if fixed else "")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("amounts")
