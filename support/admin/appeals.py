from django.contrib import admin

from support.models import Appeal, SupportSettings


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["placement", "active", "show_goal", "heading", "updated_at"]
    list_editable = ["active", "show_goal"]


@admin.register(SupportSettings)
class SupportSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "monthly_goal", "default_amount", "default_frequency"]

    def has_add_permission(self, request):
        return not SupportSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
