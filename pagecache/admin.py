from django.contrib import admin

from pagecache.models import Purge


@admin.register(Purge)
class PurgeAdmin(admin.ModelAdmin):
    """Purges of the edge cache not sent yet: a row that stays names the error."""

    list_display = ["created_at", "keys_shown", "attempts", "last_attempt_at", "last_error"]
    list_filter = ["attempts"]
    readonly_fields = ["keys", "created_at", "attempts", "last_attempt_at", "last_error"]
    actions = ["send_now"]

    @admin.display(description="keys")
    def keys_shown(self, purge):
        return " ".join(purge.keys)[:120]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the queued purges now")
    def send_now(self, request, queryset):
        from pagecache.purge import PurgeFailed, send_queued

        try:
            left = send_queued()
        except PurgeFailed as error:
            self.message_user(request, f"The edge cache refused the purge: {error}", "error")
            return
        self.message_user(request, f"Sent; {left} purges still queued.")
