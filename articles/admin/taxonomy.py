from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html

from articles.models import Author, Section, Tag
from articles.models.articles import PUBLISHING_STATUSES
from articles.workflow import user_may_publish


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # A tag's name and address are on the pages of the stories that carry it: Writers
        # may not change one that a story readers see (or saw, or will see) carries.
        return (
            obj is None
            or user_may_publish(request.user)
            or not obj.articles.filter(status__in=PUBLISHING_STATUSES).exists()
        )


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user", "articles_link"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # the newsroom's accounts, not every login there is
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Articles")
    def articles_link(self, obj):
        url = reverse("admin:articles_article_changelist")
        return format_html('<a href="{}?authors__id__exact={}">Articles</a>', url, obj.pk)
