from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from articles.admin.compare import compare_view, history_rows, restore_view
from articles.admin.forms import ArticleAdminForm
from articles.admin.photos import thumbnail
from articles.admin.workflow import outcome_message
from articles.models import Article, Author, Byline, Correction, Status
from articles.models.articles import PUBLISHING_STATUSES
from articles.search import condition as search_condition
from articles.services import (
    PublicationRefused,
    article_mark_submitted,
    article_publish,
    article_submit_for_review,
    article_unpublish,
    user_may_publish,
)
from articles.views.preview import preview_token
from newsroom.admin_lists import IndexedDateHierarchy
from newsroom.postgres import EstimatedCountPaginator


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["noted_at", "text"]


class AuthorFilter(admin.SimpleListFilter):
    """By author, without listing every author of the newsroom on each page of the list.

    Reached from the authors' list ("Articles" link); shows the chosen author only.
    """

    title = "author"
    parameter_name = "authors__id__exact"

    def lookups(self, request, model_admin):
        chosen = self._author_id()
        if chosen is None:
            return []
        return list(Author.objects.filter(pk=chosen).values_list("pk", "name"))

    def has_output(self):
        return self.value() is not None

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        chosen = self._author_id()
        return queryset.none() if chosen is None else queryset.filter(authors__id=chosen)

    def _author_id(self) -> int | None:
        value = self.value() or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@admin.register(Article)
class ArticleAdmin(IndexedDateHierarchy, VersionAdmin):
    form = ArticleAdminForm
    inlines = [BylineInline, CorrectionInline]
    list_display = [
        "headline", "state", "section", "publish_at", "byline", "front_page_position",
        "modified_at",
    ]  # fmt: skip
    list_filter = ["status", "section", "publish_at", AuthorFilter]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "slug", "body_text"]  # see get_search_results
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags", "hero_photo"]
    readonly_fields = [
        "hero_photo_preview", "preview_link", "updated_at", "created_by", "modified_at",
    ]  # fmt: skip
    actions = ["publish_selected", "unpublish_selected", "submit_for_review"]
    # django-reversion's VersionAdmin names its own template; this one links Compare.
    object_history_template = "admin/articles/article/object_history.html"
    # In the order editors work: the words, the photo, the filing, then publishing.
    fieldsets = [
        (None, {"fields": ["headline", "kicker", "dek", "body", "edited_since"]}),
        ("Photo", {"fields": [("hero_photo", "hero_photo_preview"), "hero_caption"]}),
        ("Filing", {"fields": ["section", "tags", "dateline", "agency", "slug"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "mark_updated",
                    "updated_at",
                    "front_page_position",
                    "preview_link",
                ]
            },
        ),  # fmt: skip
        ("Search engines", {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_by", "modified_at"], "classes": ["collapse"]}),
    ]

    class Media:
        js = ["newsroom-admin/unsaved-changes.js", "newsroom-admin/char-count.js"]
        css = {"all": ["newsroom-admin/article-form.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    def get_search_results(self, request, queryset, search_term):
        """Search with the full-text index (headline, dek, body); slugs match exactly."""
        term = search_term.strip()
        found = search_condition(term)
        if found is None:
            return (queryset.filter(slug=term) if term else queryset), False
        return queryset.filter(Q(found) | Q(slug=term)), False

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_version_view)
        route = "<path:object_id>/history/<int:version_id>/compare/"
        return [path(route, compare, name="articles_article_compare"), *super().get_urls()]

    def compare_version_view(self, request, object_id, version_id):
        return compare_view(self, request, object_id, version_id)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a version's content only (replaces reversion's revert-everything form)."""
        return restore_view(self, request, object_id, version_id)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        article = self.get_object(request, object_id)
        if article is not None and hasattr(response, "context_data"):
            response.context_data["action_list"] = history_rows(article)
            response.context_data["original"] = article
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Writers may not touch what is published, scheduled or withdrawn.
        return (
            obj is None or obj.status not in PUBLISHING_STATUSES or user_may_publish(request.user)
        )

    def has_publish_permission(self, request):
        return user_may_publish(request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if form.cleaned_data.get("mark_updated"):
            obj.updated_at = timezone.now()
        previous = Article.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        if obj.status == Status.IN_REVIEW and previous != Status.IN_REVIEW:
            article_mark_submitted(article=obj, user=request.user)
        super().save_model(request, obj, form, change)
        request.article_outcome = outcome_message(
            obj, chosen=form.data.get("status", obj.status), previous=previous
        )

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """Replace the generic "changed successfully" with what happened to the story."""
        outcome = getattr(request, "article_outcome", None)
        if outcome and level == messages.SUCCESS:
            message, request.article_outcome = outcome, None
        super().message_user(request, message, level, *args, **kwargs)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else None

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        if obj.status == Status.SCHEDULED and obj.is_live:
            return "Published (was scheduled)"
        return obj.get_status_display()

    @admin.display(description="Byline")
    def byline(self, obj):
        return ", ".join(b.author.name for b in obj.bylines.all()) or obj.agency

    @admin.display(description="Current photo")
    def hero_photo_preview(self, obj):
        photo = obj.hero_photo if obj and obj.pk else None
        if photo is None:
            return "—"
        lines = [photo.credit_line or "No credit: publishing will be refused."]
        if photo.rights_expire_on:
            state = "expired" if photo.rights_expired() else "expire"
            lines.append(f"Rights {state} on {photo.rights_expire_on:%d %B %Y}.")
        text = format_html_join("", "<br>{}", ((line,) for line in lines))
        return format_html("{}{}", thumbnail(photo), text)

    @admin.display(description="Preview link")
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "Save the article to get a preview link."
        if obj.is_live:
            return "Published: use “View on site”."
        url = reverse("articles:preview", args=[preview_token(obj)])
        days = settings.ARTICLE_PREVIEW_MAX_AGE // 86400
        return format_html(
            '<a href="{}">Open preview</a><br>Anyone with this link can read it for {} days.',
            url,
            days,
        )

    @admin.action(description="Publish (or schedule) selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, article_publish, "published or scheduled")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._apply(request, queryset, article_unpublish, "unpublished")

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(request, queryset, article_submit_for_review, "submitted for review")

    def _apply(self, request, queryset, service, verb):
        done = 0
        for article in queryset.select_related("hero_photo"):
            try:
                service(article=article, user=request.user)
            except PublicationRefused as refusal:
                messages.error(request, f"“{article}” was not {verb}: {refusal}")
            else:
                done += 1
        if done:
            messages.success(request, f"{done} article{'s' if done != 1 else ''} {verb}.")
