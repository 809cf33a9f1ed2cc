from django.contrib import admin, messages

from outbox import services
from outbox.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """What was owed to whom and whether it went: staff look and may send failures again."""

    list_display = ["kind", "to", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    search_fields = ["to"]
    readonly_fields = [f.name for f in Email._meta.fields]
    actions = ["retry"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("outbox.retry_email")

    @admin.action(description="Send the selected failed emails again", permissions=["retry"])
    def retry(self, request, queryset):
        count = services.emails_retry(email_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} email(s) queued to be sent again.", messages.SUCCESS)
