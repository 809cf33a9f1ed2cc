from django.contrib import admin, messages

from support import webhooks
from support.admin.common import ReadOnlyAdmin
from support.models import StripeEvent


class GaveUpFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("failed", "Given up"),
            ("waiting", "Waiting to be applied"),
            ("done", "Applied"),
            ("ignored", "Ignored"),
        ]

    def queryset(self, request, queryset):
        unprocessed = queryset.filter(processed_at__isnull=True)
        processed = queryset.filter(processed_at__isnull=False)
        return {
            "failed": unprocessed.filter(failed_at__isnull=False),
            "waiting": unprocessed.filter(failed_at__isnull=True),
            "done": processed.filter(ignored_reason=""),
            "ignored": processed.exclude(ignored_reason=""),
        }.get(self.value(), queryset)


class RetryMixin:
    """Staff who may change these rows in Django's terms may send failed work again."""

    def has_retry_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


@admin.register(StripeEvent)
class StripeEventAdmin(RetryMixin, ReadOnlyAdmin):
    list_display = [
        "event_id",
        "type",
        "received_at",
        "processed_at",
        "ignored_reason",
        "attempts",
        "failed_at",
    ]
    list_filter = [GaveUpFilter, "type"]
    # Event ids are pasted whole: an exact match uses their unique index (a partial one would
    # read every event).
    search_fields = ["event_id__exact"]
    readonly_fields = ["error", "ignored_reason"]
    actions = ["retry"]
    show_full_result_count = False

    @admin.action(description="Apply the selected events again", permissions=["retry"])
    def retry(self, request, queryset):
        count = webhooks.stripe_events_retry(event_pks=queryset.values_list("pk", flat=True))
        self.message_user(
            request, f"{count} event(s) queued to be applied again.", messages.SUCCESS
        )
