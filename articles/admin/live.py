"""The live blog's desk: one small form that posts an entry, and the story's entries below
it (pin, unpin, edit, remove), without opening the story's own form."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles.admin.body_editor import PROSE_CSS, BodyEditorWidget
from articles.live import (
    LiveBlogClosed,
    live_blog_set,
    live_entries,
    live_entry_pin,
    live_entry_post,
    user_may_open_or_close,
    user_may_post,
)
from articles.models import Article, Author, LiveBlog, LiveEntry


class EntryForm(forms.Form):
    headline = forms.CharField(max_length=200, required=False, label="Headline (optional)")
    body = forms.CharField(label="Text", widget=BodyEditorWidget, max_length=50_000)
    author = forms.ModelChoiceField(
        Author.objects.order_by("name"), required=False, empty_label="The newsroom"
    )
    pinned = forms.BooleanField(required=False, label="Pin to the top")
    submission = forms.UUIDField(widget=forms.HiddenInput)

    class Media:
        css = {"all": PROSE_CSS}


class LiveEntryAdminForm(forms.ModelForm):
    user = None  # set per request by LiveEntryAdmin.get_form

    class Meta:
        model = LiveEntry
        fields = ["article", "posted_at", "headline", "body", "author", "pinned"]
        widgets = {"body": BodyEditorWidget}

    def clean_article(self):
        article = self.cleaned_data["article"]
        if article.live_blog != LiveBlog.OPEN:
            raise ValidationError(
                "This live blog is closed: open it again to post."
                if article.live_blog
                else "This story is not a live blog: make it one first."
            )
        if not user_may_post(self.user, article):
            raise ValidationError("Only editors post to a live, scheduled or withdrawn story.")
        return article


@admin.register(LiveEntry)
class LiveEntryAdmin(admin.ModelAdmin):
    form = LiveEntryAdminForm
    list_display = ["__str__", "article", "posted_at", "author", "pinned"]
    list_select_related = ["article", "author"]
    list_filter = ["pinned"]
    search_fields = ["headline", "body_text"]
    autocomplete_fields = ["article", "author"]
    list_per_page = 50
    actions = None  # an entry is removed from its own page, checked against its story

    class Media:
        css = {"all": PROSE_CSS}

    def get_urls(self):
        story = self.admin_site.admin_view(self.story_view)
        return [
            path("story/<path:object_id>/", story, name="articles_liveentry_story"),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return ["article"] if obj is not None else []  # an entry stays with its story

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or user_may_post(request.user, obj.article)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or user_may_post(request.user, obj.article)
        )

    def save_model(self, request, obj, form, change):
        if not user_may_post(request.user, obj.article):
            raise PermissionDenied
        if not change:
            obj.posted_by = request.user
        super().save_model(request, obj, form, change)

    def response_post_save_add(self, request, obj):
        return HttpResponseRedirect(self._story_url(obj.article_id))

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(self._story_url(obj.article_id))

    def _story_url(self, article_id):
        return reverse("admin:articles_liveentry_story", args=[article_id])

    def story_view(self, request, object_id):
        """The story's live blog: post an entry, pin one, close or open the blog."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            article = get_object_or_404(Article, pk=int(unquote(object_id)))
        except ValueError as error:
            raise Http404("No such story.") from error
        may_post = self.has_add_permission(request) and user_may_post(request.user, article)
        form = None
        if request.method == "POST":
            action = request.POST.get("action", "")
            if action in ("open", "close", "end"):
                return self._set_state(request, article, action)
            if not may_post:
                raise PermissionDenied
            if action in ("pin", "unpin"):
                return self._pin(request, article, action == "pin")
            form = EntryForm(request.POST)
            if form.is_valid():
                try:
                    posted = live_entry_post(
                        article=article,
                        user=request.user,
                        body=form.cleaned_data["body"],
                        headline=form.cleaned_data["headline"],
                        author=form.cleaned_data["author"],
                        pinned=form.cleaned_data["pinned"],
                        submission=form.cleaned_data["submission"],
                    )
                except LiveBlogClosed as refusal:
                    form.add_error(None, str(refusal))
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if posted.created:
                        self.message_user(request, "Entry posted.", messages.SUCCESS)
                    return HttpResponseRedirect(request.path)
        if form is None and may_post and article.live_blog == LiveBlog.OPEN:
            own = Author.objects.filter(user_id=request.user.pk).first()
            form = EntryForm(initial={"submission": uuid.uuid4(), "author": own})
        media = self.media + (form.media if form is not None else forms.Media())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article_opts": Article._meta,
            "article": article,
            "title": f"Live blog: {article.headline}",
            "form": form,
            "media": media,
            "entries": [(e, self.has_change_permission(request, e)) for e in live_entries(article)],
            "may_post": may_post,
            "may_open_or_close": user_may_open_or_close(request.user, article),
            "reader_url": article.get_absolute_url() if article.is_live else "",
        }
        return TemplateResponse(request, "admin/articles/liveentry/story.html", context)

    def _set_state(self, request, article, action):
        state = {"open": LiveBlog.OPEN, "close": LiveBlog.CLOSED, "end": LiveBlog.NO}[action]
        live_blog_set(article=article, user=request.user, state=state)
        said = {
            "open": "The live blog is open: readers' pages pick up new entries.",
            "close": "The live blog is closed: its entries stay, it takes no new ones.",
            "end": "The story is no longer a live blog; its entries are kept.",
        }[action]
        self.message_user(request, said, messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    def _pin(self, request, article, pinned):
        raw = request.POST.get("entry", "")
        if not (raw.isascii() and raw.isdigit()):
            return HttpResponseRedirect(request.path)
        entry = LiveEntry.objects.filter(article=article, pk=int(raw)).first()
        if entry is None:
            self.message_user(request, "That entry is gone.", messages.WARNING)
        else:
            live_entry_pin(entry=entry, user=request.user, pinned=pinned)
            self.message_user(
                request,
                format_html("{} “{}”.", "Pinned" if pinned else "Unpinned", entry),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(request.path)
