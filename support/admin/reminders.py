from django.contrib import admin
from django.db.models import Count
from django.db.models.functions import TruncWeek

from newsroom.admin_lists import CheckedDateHierarchy
from support.models import Reminder
from support.reminders import conversion_stats


@admin.register(Reminder)
class ReminderAdmin(CheckedDateHierarchy, admin.ModelAdmin):
    list_display = ["email", "due_on", "status", "placement", "article", "created_at", "sent_at"]
    list_filter = ["status", ("due_on", admin.DateFieldListFilter), "placement"]
    search_fields = ["email"]
    date_hierarchy = "due_on"
    list_select_related = ["article"]
    readonly_fields = [
        "email",
        "due_on",
        "article",
        "placement",
        "consent_text",
        "consented_at",
        "status",
        "token",
        "attempts",
        "sending_since",
        "sent_at",
        "created_at",
        "updated_at",
    ]
    change_list_template = "admin/support/reminder/change_list.html"
    actions = ["cancel_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Cancel selected pending reminders")
    def cancel_selected(self, request, queryset):
        waiting = [Reminder.Status.AWAITING, Reminder.Status.PENDING]
        count = queryset.filter(status__in=waiting).update(status=Reminder.Status.CANCELLED)
        self.message_user(request, f"{count} reminder(s) cancelled.")

    def changelist_view(self, request, extra_context=None):
        weeks = (
            Reminder.objects.annotate(week=TruncWeek("due_on"))
            .values("week")
            .annotate(count=Count("id"))
            .order_by("-week")[:12]
        )
        extra_context = {
            **(extra_context or {}),
            "weeks": weeks,
            "conversion": conversion_stats(),
        }
        return super().changelist_view(request, extra_context=extra_context)
