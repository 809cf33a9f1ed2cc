from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from reversion import is_active, set_comment
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles.admin.autosave import RESTORE, autosave_discard_view, autosave_view, saved_at_text
from articles.admin.blocks import embed_resolve_view, story_chooser_view
from articles.admin.chooser import chooser_upload_view, chooser_view
from articles.admin.compare import compare_view, history_rows, restore_view
from articles.admin.confirm import (
    BACK,
    CONFIRMED,
    ConfirmationNeeded,
    confirmation_needed,
    confirmation_page,
    unpublishing_needs_confirmation,
)
from articles.admin.forms import ArticleAdminForm
from articles.admin.front_page import front_page_view
from articles.admin.photos import thumbnail
from articles.admin.proposals import proposal_view, propose_view
from articles.admin.workflow import buttons, outcome_message
from articles.autosave import (
    AUTOSAVE_SECONDS,
    AUTOSAVED_FIELDS,
    autosave_discard,
    autosave_offered,
)
from articles.desk import desk_after_move, user_may_propose
from articles.editing import HEARTBEAT_SECONDS, editing_ended, editing_notice, editing_seen
from articles.embeds import embeds_retry_failed_later
from articles.models import Article, Author, Byline, Correction, Photo, Status
from articles.models.articles import PUBLISHING_STATUSES
from articles.sanitize import clean_body
from articles.search import condition as search_condition
from articles.views.preview import preview_token
from articles.workflow import (
    Move,
    PublicationRefused,
    StaleEdit,
    article_publish,
    article_revoke_previews,
    article_save,
    article_submit_for_review,
    article_unpublish,
    move_comment,
    user_may_publish,
)
from newsroom.admin_lists import IndexedDateHierarchy, PlainActionCheckbox
from newsroom.postgres import EstimatedCountPaginator


class BylineForm(forms.ModelForm):
    def has_changed(self):
        # A new story's byline offered by default (its writer's own) is saved as offered;
        # cleared, it is dropped.
        if self.instance._state.adding and self.initial.get("author"):
            return bool(self["author"].data)
        return super().has_changed()


class BylineInline(admin.TabularInline):
    model = Byline
    form = BylineForm
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None and own_author(request.user) else 0


def own_author(user):
    """The author a newsroom account writes as, if it has one."""
    return Author.objects.filter(user_id=user.pk).first() if user.pk else None


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
class ArticleAdmin(PlainActionCheckbox, IndexedDateHierarchy, VersionAdmin):
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
    # Fifty stories a page, as in Wagtail (WordPress shows twenty): a 100-row page took
    # twice as long to draw, with more scrolling than an editor reads.
    list_per_page = 50
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags", "hero_photo"]
    # The status moves only by the buttons under the form (see workflow.py).
    readonly_fields = [
        "status", "hero_photo_preview", "preview_link", "updated_at", "created_by", "modified_at",
        "body_as_readers_see",
    ]  # fmt: skip
    actions = ["publish_selected", "unpublish_selected", "submit_for_review"]
    # django-reversion's VersionAdmin names its own template; this one links Compare.
    object_history_template = "admin/articles/article/object_history.html"
    change_list_template = "admin/articles/article/change_list.html"
    # In the order editors work: the words, the photo, the filing, then publishing.
    fieldsets = [
        (None, {"fields": ["headline", "kicker", "dek", "body", "opened_version", "edited_since"]}),
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
                    "live_blog",
                    "preview_link",
                ]
            },
        ),  # fmt: skip
        ("Search engines", {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_by", "modified_at"], "classes": ["collapse"]}),
    ]

    class Media:
        # Deferred: they look for the form, which is not there yet when the head is read.
        js = [
            forms.Script("newsroom-admin/unsaved-changes.js", defer=True),
            forms.Script("newsroom-admin/char-count.js", defer=True),
            forms.Script("newsroom-admin/editing-notice.js", defer=True),
            forms.Script("newsroom-admin/autosave.js", defer=True),
        ]
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
        editing = self.admin_site.admin_view(self.editing_view)
        revoke = self.admin_site.admin_view(self.revoke_previews_view)
        propose = self.admin_site.admin_view(
            lambda request, object_id: propose_view(self, request, object_id)
        )
        proposal = self.admin_site.admin_view(
            lambda request, object_id, proposal_id: proposal_view(
                self, request, object_id, proposal_id
            )
        )
        photos = self.admin_site.get_model_admin(Photo)
        choose = self.admin_site.admin_view(lambda request: chooser_view(photos, request))
        upload = self.admin_site.admin_view(lambda request: chooser_upload_view(photos, request))
        front_page = self.admin_site.admin_view(lambda request: front_page_view(self, request))
        stories = self.admin_site.admin_view(lambda request: story_chooser_view(self, request))
        embeds = self.admin_site.admin_view(lambda request: embed_resolve_view(self, request))
        autosave = self.admin_site.admin_view(
            lambda request, object_id: autosave_view(self, request, object_id)
        )
        discard = self.admin_site.admin_view(
            lambda request, object_id: autosave_discard_view(self, request, object_id)
        )
        return [
            path("front-page/", front_page, name="articles_article_front_page"),
            # The body editor's blocks: a related story, an embed's URL.
            path("story-chooser/", stories, name="articles_article_story_chooser"),
            path("embed/", embeds, name="articles_article_embed"),
            # The photo chooser the article form opens (its permissions are the photos').
            path("photo-chooser/", choose, name="articles_article_photo_chooser"),
            path("photo-chooser/upload/", upload, name="articles_article_photo_chooser_upload"),
            path("<path:object_id>/propose/", propose, name="articles_article_propose"),
            path(
                "<path:object_id>/proposals/<int:proposal_id>/",
                proposal,
                name="articles_article_proposal",
            ),
            path(route, compare, name="articles_article_compare"),
            path("<path:object_id>/editing/", editing, name="articles_article_editing"),
            path("<path:object_id>/autosave/", autosave, name="articles_article_autosave"),
            path(
                "<path:object_id>/autosave/discard/",
                discard,
                name="articles_article_autosave_discard",
            ),
            path(
                "<path:object_id>/revoke-previews/", revoke, name="articles_article_revoke_previews"
            ),
            *super().get_urls(),
        ]

    def revoke_previews_view(self, request, object_id):
        """Ask, then revoke every preview link of the story given out so far."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            article_revoke_previews(article=article)
            self.message_user(
                request,
                "The story's preview links were revoked: whoever opens one is told the story "
                "is no longer available. The form offers a new link.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": "Revoke preview links?",
        }
        return TemplateResponse(request, "admin/articles/article/revoke_previews.html", context)

    def editing_view(self, request, object_id):
        """Who else has the story open (JSON); a POST is the form's heartbeat."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            editing_seen(article=article, user=request.user)
        return JsonResponse({"notice": editing_notice(article=article, user=request.user)})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        may_edit = add or self.has_change_permission(request, obj)
        moves = getattr(form, "moves", ()) if may_edit else ()
        context["workflow_buttons"] = buttons(stage=getattr(form, "stage", None), moves=moves)
        if obj is not None and obj.pk and user_may_propose(request.user, obj):
            context["propose_url"] = reverse("admin:articles_article_propose", args=[obj.pk])
        if obj is not None and obj.pk:
            if may_edit:
                editing_seen(article=obj, user=request.user)
            context["editing"] = {
                "notice": editing_notice(article=obj, user=request.user),
                "url": reverse("admin:articles_article_editing", args=[obj.pk]) if may_edit else "",
                "interval": HEARTBEAT_SECONDS,
            }
            if may_edit:
                context["autosave"] = self._autosave_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _autosave_context(self, request, obj) -> dict:
        """Where the form's script keeps drafts, and a kept one newer than the last save."""
        offered = autosave_offered(article=obj, user=request.user)
        return {
            "url": reverse("admin:articles_article_autosave", args=[obj.pk]),
            "interval": AUTOSAVE_SECONDS,
            "fields": " ".join(AUTOSAVED_FIELDS),
            "discard_url": reverse("admin:articles_article_autosave_discard", args=[obj.pk]),
            "offered": offered,
            "offered_at": saved_at_text(offered.saved_at) if offered else "",
            "restoring": offered is not None and request.GET.get(RESTORE) == "restore",
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:  # saved: no longer editing (opening the form again starts anew)
            editing_ended(article=form.instance, user=request.user)
            autosave_discard(article=form.instance, user=request.user)

    def compare_version_view(self, request, object_id, version_id):
        return compare_view(self, request, object_id, version_id)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a version's content only (replaces reversion's revert-everything form)."""
        return restore_view(self, request, object_id, version_id)

    def recover_view(self, request, version_id, extra_context=None):
        """Bring back a deleted story; reversion's page would revert any version of any row."""
        version = get_object_or_404(Version.objects.get_for_model(Article), pk=version_id)
        if Article.objects.filter(pk=version.object_id).exists():
            raise Http404("This story was not deleted: restore a version from its history.")
        return super().recover_view(request, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        article = self.get_object(request, object_id)
        if article is not None and hasattr(response, "context_data"):
            response.context_data["action_list"] = history_rows(article)
            response.context_data["original"] = article
        return response

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj._state.adding and isinstance(inline, BylineInline):
            author = own_author(request.user)
            if author:  # a new story is bylined to whoever starts it
                kwargs["initial"] = [{"author": author.pk}]
        return kwargs

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        if obj is not None and request.method == "GET" and request.GET.get(RESTORE) == "restore":
            form.restored = autosave_offered(article=obj, user=request.user)
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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id and str(object_id).isascii() and str(object_id).isdigit():
            # What the story raised, from the app above (a setting names it): for Editors.
            figures = import_string(settings.ARTICLE_ADMIN_FIGURES)(request.user, int(object_id))
            extra_context = {**(extra_context or {}), **figures}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (PublicationRefused, StaleEdit) as refusal:
            # The form checked the move; the story changed under it while it was saved.
            messages.error(request, f"Nothing was saved: {refusal}")
            return HttpResponseRedirect(request.get_full_path())
        except ConfirmationNeeded as asked:  # raised before anything was saved, rolled back
            original = self.get_object(request, unquote(object_id)) if object_id else None
            return confirmation_page(self, request, asked, original=original)

    def save_model(self, request, obj, form, change):
        """Save the story by the button that was pressed (the one place: services.py)."""
        asked = confirmation_needed(article=obj, move=form.move, stage=form.stage)
        if asked is not None and request.POST.get(CONFIRMED) != asked.fingerprint:
            raise asked
        if not change:
            obj.created_by = request.user
        if form.cleaned_data.get("mark_updated"):
            obj.updated_at = timezone.now()
        request.article_moved = article_save(
            article=obj,
            user=request.user,
            move=form.move,
            expected_version=form.cleaned_data.get("opened_version"),
        )
        desk_after_move(moved=request.article_moved, user=request.user)
        embeds_retry_failed_later(body=obj.body)

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_move(request, obj) or super().response_add(request, obj)

    def response_change(self, request, obj):
        return self._after_move(request, obj) or super().response_change(request, obj)

    def log_addition(self, request, obj, message):
        return self._name_the_move(request, super().log_addition(request, obj, message))

    def log_change(self, request, obj, message):
        return self._name_the_move(request, super().log_change(request, obj, message))

    def _name_the_move(self, request, entry):
        """Keep the button in the version's comment ("Published. Changed Headline.")."""
        moved = getattr(request, "article_moved", None)
        if moved is not None and is_active():
            set_comment(f"{move_comment(moved.article, moved.move)}. {entry.get_change_message()}")
        return entry

    def _after_move(self, request, obj):
        """Say what the button did, and stay on the story (a popup closes as usual)."""
        moved = getattr(request, "article_moved", None)
        if moved is None or IS_POPUP_VAR in request.POST:
            return None
        self.message_user(request, outcome_message(moved), messages.SUCCESS)
        url = reverse("admin:articles_article_change", args=[obj.pk])
        context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(context, url))

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

    def get_fieldsets(self, request, obj=None):
        """Who may only read the story reads its body as text, not as HTML source."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [_read_body(f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    @admin.display(description="Body")
    def body_as_readers_see(self, obj):
        return mark_safe(clean_body(obj.body))  # noqa: S308 (the sanitiser's own output)

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
        if obj.status == Status.UNPUBLISHED:
            return "Unpublished: its preview links say the story is no longer available."
        url = reverse("articles:preview", args=[preview_token(obj)])
        days = settings.ARTICLE_PREVIEW_MAX_AGE // 86400
        revoke = reverse("admin:articles_article_revoke_previews", args=[obj.pk])
        return format_html(
            '<a href="{}">Open preview</a><br>Anyone with this link can read it for {} days. '
            '<a href="{}">Revoke preview links</a>',
            url,
            days,
            revoke,
        )

    @admin.action(description="Publish (or schedule) selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, article_publish, "published or scheduled")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        """Ask first when live stories are among them, naming what readers lose."""
        if BACK in request.POST:
            self.message_user(request, "Nothing was unpublished.", messages.INFO)
            return None
        asked = unpublishing_needs_confirmation(queryset)
        if asked is not None and request.POST.get(CONFIRMED) != asked.fingerprint:
            return confirmation_page(self, request, asked, original=None, back="Cancel")
        self._apply(request, queryset, article_unpublish, "unpublished")
        return None

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(request, queryset, article_submit_for_review, "submitted for review")

    def _apply(self, request, queryset, service, verb):
        """Move each story by the same services as the form's buttons; say what each did."""
        done = {}
        for article in queryset.select_related("hero_photo"):
            try:
                moved = service(article=article, user=request.user)
            except (PublicationRefused, StaleEdit) as refusal:
                messages.error(request, f"“{article}” was not {verb}: {refusal}")
            else:
                desk_after_move(moved=moved, user=request.user)
                done.setdefault(DONE[moved.move], []).append(article)
        for did, articles in done.items():
            count = len(articles)
            messages.success(request, f"{count} article{'s' if count != 1 else ''} {did}.")


def _read_body(field):
    return "body_as_readers_see" if field == "body" else field


DONE = {
    Move.PUBLISH: "published",
    Move.SCHEDULE: "scheduled",
    Move.UNPUBLISH: "unpublished",
    Move.REVIEW: "submitted for review",
}
