"""Editors' newsletters: the lists, who is on them (read only), and editions: composed from
the archive's stories, previewed as HTML and text, sent to oneself as a test, then sent now
or scheduled."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.admin.body_editor import BodyEditorWidget
from newsletters import sending
from newsletters.editions import edition_draw
from newsletters.models import Edition, EditionStory, Newsletter, Subscription


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = [
        "name", "frequency", "accepting_signups", "daily_digest", "subscribers", "position"
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        from django.db.models import Count, Q

        confirmed = Q(subscriptions__state=Subscription.State.CONFIRMED)
        return super().get_queryset(request).annotate(confirmed=Count("subscriptions", confirmed))

    @admin.display(description="confirmed subscribers", ordering="confirmed")
    def subscribers(self, obj):
        return obj.confirmed


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Read only: a subscription is the reader's own choice, made and ended by them."""

    list_display = ["mailbox", "newsletter", "state", "created_at", "confirmed_at"]
    list_filter = ["newsletter", "state"]
    search_fields = ["mailbox__email"]
    list_select_related = ["mailbox", "newsletter"]
    actions = None
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EditionStoryInline(admin.TabularInline):
    model = EditionStory
    raw_id_fields = ["article"]
    extra = 3
    fields = ["position", "article"]


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["newsletter", "subject", "intro", "ask", "send_at"]
        widgets = {"intro": BodyEditorWidget}


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionForm
    inlines = [EditionStoryInline]
    list_display = ["subject", "newsletter", "status", "send_at", "sent_at", "counts"]
    list_filter = ["newsletter", "status"]
    readonly_fields = ["status", "note_shown", "counts", "sending_tools"]
    fieldsets = [
        (None, {"fields": ["newsletter", "subject", "intro", "ask"]}),
        ("Sending", {"fields": ["status", "send_at", "note_shown", "counts", "sending_tools"]}),
    ]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status in (Edition.Status.SENDING, Edition.Status.SENT):
            fields += ["newsletter", "subject", "intro", "ask", "send_at"]
        return fields

    def get_inline_instances(self, request, obj=None):
        if obj is not None and obj.status in (Edition.Status.SENDING, Edition.Status.SENT):
            return []
        return super().get_inline_instances(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**sending.edition_count_columns())

    @admin.display(description="sent · bounced · complained · unsubscribed")
    def counts(self, obj):
        if obj is None or getattr(obj, "sent_count", None) is None:
            return "—"
        return (
            f"{obj.sent_count} · {obj.bounced_count} · {obj.complained_count} · "
            f"{obj.unsubscribed_count}"
        )

    @admin.display(description="note")
    def note_shown(self, obj):
        return obj.note or "—"

    @admin.display(description="preview and send")
    def sending_tools(self, obj):
        if obj is None or obj.pk is None:
            return "Save the edition to preview and send it."
        html = reverse("admin:newsletters_edition_preview_html", args=[obj.pk])
        text = reverse("admin:newsletters_edition_preview_text", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank">Preview as HTML</a> · '
            '<a href="{}" target="_blank">Preview as text</a><br>'
            "Send a test to yourself, send now or schedule with the buttons below the form.",
            html,
            text,
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/preview/html/",
                self.admin_site.admin_view(self.preview_html),
                name="newsletters_edition_preview_html",
            ),
            path(
                "<int:pk>/preview/text/",
                self.admin_site.admin_view(self.preview_text),
                name="newsletters_edition_preview_text",
            ),
        ]
        return own + super().get_urls()

    def _viewable(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        if not self.has_view_or_change_permission(request, edition):
            raise PermissionDenied
        return edition

    def preview_html(self, request, pk):
        drawn = edition_draw(self._viewable(request, pk))
        response = HttpResponse(drawn.html)
        # The email's own inline styles: this page alone may use them.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
        )
        return response

    def preview_text(self, request, pk):
        drawn = edition_draw(self._viewable(request, pk))
        return HttpResponse(
            f"Subject: {drawn.subject}\n\n{drawn.text}", content_type="text/plain; charset=utf-8"
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["edition_buttons"] = (
            obj is not None
            and obj.pk is not None
            and obj.status in (Edition.Status.DRAFT, Edition.Status.SCHEDULED)
            and self.has_change_permission(request, obj)
        )
        context["edition_scheduled"] = obj is not None and obj.status == Edition.Status.SCHEDULED
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        if "_send_test" in request.POST:
            return self._send_test(request, obj)
        if "_send_now" in request.POST:
            return self._send(request, obj, at=None)
        if "_schedule" in request.POST:
            if obj.send_at is None or obj.send_at <= timezone.now():
                self.message_user(
                    request, "Choose a sending time in the future to schedule.", messages.ERROR
                )
                return HttpResponseRedirect(request.path)
            return self._send(request, obj, at=obj.send_at)
        if "_unschedule" in request.POST:
            sending.edition_unschedule(obj)
            self.message_user(request, f"“{obj.subject}” is a draft again.")
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _send_test(self, request, obj):
        if not request.user.email:
            self.message_user(
                request, "Your account has no email address to send a test to.", messages.ERROR
            )
        else:
            sending.edition_send_test(obj, to=request.user.email)
            self.message_user(request, f"Sent a test of “{obj.subject}” to {request.user.email}.")
        return HttpResponseRedirect(request.path)

    def _send(self, request, obj, *, at):
        try:
            note = sending.edition_send(obj, at=at)
        except sending.NotSendable as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(request.path)
        if note:
            self.message_user(request, note.strip(), messages.WARNING)
        if at is None:
            done = f"Sending “{obj.subject}” to the confirmed subscribers of {obj.newsletter}."
        else:
            done = f"Scheduled “{obj.subject}” for {timezone.localtime(at):%-d %b %Y, %H:%M %Z}."
        self.message_user(request, done)
        return HttpResponseRedirect(request.path)
