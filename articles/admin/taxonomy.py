from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from articles.models import Author, Section, Tag


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


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "articles_link"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]

    @admin.display(description="Articles")
    def articles_link(self, obj):
        url = reverse("admin:articles_article_changelist")
        return format_html('<a href="{}?authors__id__exact={}">Articles</a>', url, obj.pk)
