"""Resetting a colleague's lost second factor, from the list of users."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts import policy, services

User = get_user_model()


class StaffUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]
    list_display = (*UserAdmin.list_display, "two_factor")

    @admin.display(boolean=True, description="Two-factor")
    def two_factor(self, user):
        return services.two_factor_enrolled(user=user)

    def has_reset_two_factor_permission(self, request):
        return policy.may_reset_two_factor(request.user)

    @admin.action(
        permissions=["reset_two_factor"],
        description="Reset two-factor authentication (they enrol again at their next login)",
    )
    def reset_two_factor(self, request, queryset):
        users = [user for user in queryset if user.pk != request.user.pk]
        for user in users:
            services.two_factor_reset(user=user)
        if len(users) < queryset.count():
            self.message_user(
                request, "Your own devices were left alone: reset them on your own page.",
                messages.WARNING,
            )  # fmt: skip
        self.message_user(request, f"Two-factor authentication reset for {len(users)} user(s).")


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
