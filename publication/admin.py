from django.contrib import admin

from publication.models import Page, Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "tagline", "logo", "contact_email"]}),
        ("Masthead", {"fields": ["nav_sections"]}),
        ("Receipts", {"fields": ["receipt_tax_note"]}),
    ]
    filter_horizontal = ["nav_sections"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Publication.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    actions = None  # a page is deleted from its own form, one at a time
    list_display = ["title", "slug", "in_footer", "position", "updated_at"]
    list_editable = ["in_footer", "position"]
    prepopulated_fields = {"slug": ["title"]}
