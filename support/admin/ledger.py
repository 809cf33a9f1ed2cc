from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import path

from support import services
from support.admin.common import ReadOnlyAdmin, export_csv
from support.models import Donation, Donor, Payment
from support.models.ledger import CHARGED, NET
from support.money import format_money
from support.services import in_base

ZERO = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))


@admin.register(Donor)
class DonorAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "first_gift", "lifetime_total", "active_recurring"]
    # Stripe ids are pasted whole and case-sensitive: __exact (not "=", which is iexact and
    # reads every row) matches them with their unique indexes.
    search_fields = ["email", "stripe_customer_id__exact"]
    actions = [export_csv]
    csv_fields = ["email", "stripe_customer_id", "first_gift", "lifetime_total", "active_recurring"]

    def get_queryset(self, request):
        gifts = Donation.objects.filter(donor=OuterRef("pk")).values("donor")
        paid = Payment.objects.filter(donation__donor=OuterRef("pk")).values("donation__donor")
        return (
            super()
            .get_queryset(request)
            .annotate(
                first_gift_at=Subquery(
                    gifts.filter(status__in=Donation.GIVEN)
                    .annotate(first=Min("created_at"))
                    .values("first")
                ),
                lifetime=Coalesce(
                    Subquery(paid.annotate(net=Sum(in_base(NET))).values("net")),
                    ZERO,
                ),
                active_amount=Coalesce(
                    Subquery(
                        gifts.recurring_live().annotate(total=Sum(in_base(CHARGED))).values("total")
                    ),
                    ZERO,
                ),
            )
        )

    @admin.display(ordering="first_gift_at", description="First gift")
    def first_gift(self, obj):
        return obj.first_gift_at

    # Totals across a donor's gifts, in the base currency (DONATION_CURRENCY) at the rates
    # editors set on each currency, as the goal meter counts them.
    @admin.display(ordering="lifetime", description="Lifetime total")
    def lifetime_total(self, obj):
        return format_money(obj.lifetime, settings.DONATION_CURRENCY)

    @admin.display(ordering="active_amount", description="Active recurring amount")
    def active_recurring(self, obj):
        return format_money(obj.active_amount, settings.DONATION_CURRENCY)


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "amount_display",
        "refunded",
        "dispute_status",
        "charged_back",
        "paid_at",
        "stripe_invoice_id",
        "stripe_charge_id",
    ]
    readonly_fields = fields

    # Each payment in its own currency: "€5.00", "¥500".
    @admin.display(description="Amount")
    def amount_display(self, obj):
        return obj.amount_display

    @admin.display(description="Refunded")
    def refunded(self, obj):
        return format_money(obj.refunded_amount, obj.currency)

    @admin.display(description="Charged back")
    def charged_back(self, obj):
        return format_money(obj.charged_back_amount, obj.currency)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["amount_label", "status", "placement", "article", "donor", "created_at"]
    list_filter = ["status", "frequency", "placement", ("created_at", admin.DateFieldListFilter)]
    search_fields = [
        "email",
        "donor__email",
        "stripe_subscription_id__exact",
        "stripe_checkout_session_id__exact",
    ]
    list_select_related = ["donor", "article"]
    date_hierarchy = "created_at"
    inlines = [PaymentInline]
    actions = [export_csv]
    csv_fields = [
        "id",
        "created_at",
        "status",
        "frequency",
        "amount",
        "currency",
        "placement",
        "article_id",
        "email",
        "stripe_subscription_id",
        "fee_covered",
    ]
    change_list_template = "admin/support/donation/change_list.html"

    def get_urls(self):
        report = self.admin_site.admin_view(self.attribution_view)
        return [
            path("attribution/", report, name="support_donation_attribution"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), **_goal_context()}
        return super().changelist_view(request, extra_context=extra_context)

    def attribution_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied  # fundraising data: not for Writers
        rows = services.attribution_report()
        for row in rows:
            row["net_paid_display"] = _money(row["net_paid"])
            row["recurring_display"] = _money(row["recurring_monthly"])
        context = {
            **self.admin_site.each_context(request),
            "title": "Which stories make readers give",
            "rows": rows,
            "opts": self.model._meta,
            **_goal_context(),
        }
        return TemplateResponse(request, "admin/support/donation/attribution.html", context)


def _money(amount) -> str:
    """An amount of the goal meter or a report: in the site's currency."""
    return format_money(amount, settings.DONATION_CURRENCY)


def _goal_context() -> dict:
    goal = services.goal_progress()
    names = ("raised", "goal", "recurring", "one_time")
    return {"goal": goal, "goal_money": {name: _money(goal[name]) for name in names}}


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "kind",
        "amount_display",
        "refunded",
        "dispute_status",
        "charged_back",
        "donation",
        "paid_at",
    ]
    list_filter = ["kind", ("paid_at", admin.DateFieldListFilter)]
    # Stripe ids are pasted whole and case-sensitive: exact matches use their unique indexes,
    # where a partial or case-insensitive ("=") match would read a million rows.
    search_fields = [
        "stripe_invoice_id__exact",
        "stripe_charge_id__exact",
        "stripe_payment_intent_id__exact",
    ]
    date_hierarchy = "paid_at"
    actions = [export_csv]

    @admin.display(ordering="amount", description="Amount")
    def amount_display(self, obj):
        return obj.amount_display

    @admin.display(ordering="refunded_amount", description="Refunded")
    def refunded(self, obj):
        return format_money(obj.refunded_amount, obj.currency)

    @admin.display(ordering="charged_back_amount", description="Charged back")
    def charged_back(self, obj):
        return format_money(obj.charged_back_amount, obj.currency)

    csv_fields = [
        "id",
        "paid_at",
        "kind",
        "amount",
        "refunded_amount",
        "dispute_status",
        "charged_back_amount",
        "currency",
        "donation_id",
    ]
