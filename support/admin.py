import csv

from django.contrib import admin
from django.db.models import DecimalField, F, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from support import services
from support.models import (
    Appeal,
    Donation,
    Donor,
    OutboundEmail,
    Payment,
    StripeEvent,
    SupportSettings,
)

ZERO = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))


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
        writer.writerow([_csv_value(modeladmin, obj, name) for name in fields])
    return response


def _csv_value(modeladmin, obj, name):
    if not hasattr(obj, name):  # a column the admin computes, like Donor's lifetime total
        return getattr(modeladmin, name)(obj)
    value = getattr(obj, name)
    return value() if callable(value) else value


class ReadOnlyAdmin(admin.ModelAdmin):
    """Stripe is the source of truth for these rows: staff look, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Donor)
class DonorAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "first_gift", "lifetime_total", "active_recurring"]
    search_fields = ["email", "stripe_customer_id"]
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
                    gifts.exclude(status=Donation.Status.PENDING)
                    .annotate(first=Min("created_at"))
                    .values("first")
                ),
                lifetime=Coalesce(
                    Subquery(
                        paid.annotate(net=Sum(F("amount") - F("refunded_amount"))).values("net")
                    ),
                    ZERO,
                ),
                active_amount=Coalesce(
                    Subquery(
                        gifts.filter(status__in=[Donation.Status.ACTIVE, Donation.Status.PAST_DUE])
                        .annotate(total=Sum("amount"))
                        .values("total")
                    ),
                    ZERO,
                ),
            )
        )

    @admin.display(ordering="first_gift_at", description="First gift")
    def first_gift(self, obj):
        return obj.first_gift_at

    @admin.display(ordering="lifetime", description="Lifetime total")
    def lifetime_total(self, obj):
        return f"${obj.lifetime:,.2f}"

    @admin.display(ordering="active_amount", description="Active recurring amount")
    def active_recurring(self, obj):
        return f"${obj.active_amount:,.2f}"


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "amount",
        "refunded_amount",
        "paid_at",
        "stripe_invoice_id",
        "stripe_charge_id",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["amount_label", "status", "placement", "article", "donor", "created_at"]
    list_filter = ["status", "frequency", "placement", ("created_at", admin.DateFieldListFilter)]
    search_fields = [
        "email",
        "donor__email",
        "stripe_subscription_id",
        "stripe_checkout_session_id",
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
    ]
    change_list_template = "admin/support/donation/change_list.html"

    def get_urls(self):
        report = self.admin_site.admin_view(self.attribution_view)
        return [
            path("attribution/", report, name="support_donation_attribution"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "goal": services.goal_progress()}
        return super().changelist_view(request, extra_context=extra_context)

    def attribution_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": "Which stories make readers give",
            "rows": services.attribution_report(),
            "opts": self.model._meta,
            "goal": services.goal_progress(),
        }
        return TemplateResponse(request, "admin/support/donation/attribution.html", context)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "amount", "refunded_amount", "donation", "paid_at"]
    list_filter = ["kind", ("paid_at", admin.DateFieldListFilter)]
    search_fields = ["stripe_invoice_id", "stripe_charge_id", "stripe_payment_intent_id"]
    date_hierarchy = "paid_at"
    actions = [export_csv]
    csv_fields = ["id", "paid_at", "kind", "amount", "refunded_amount", "currency", "donation_id"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "received_at", "processed_at"]
    list_filter = ["type", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["event_id"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["kind", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["to"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["placement", "active", "heading", "updated_at"]
    list_editable = ["active"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.support_snapshot_invalidate()


@admin.register(SupportSettings)
class SupportSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "monthly_goal", "default_amount", "default_frequency"]

    def has_add_permission(self, request):
        return not SupportSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.support_snapshot_invalidate()


from support import admin_reminders  # noqa: E402,F401
