"""The photo chooser: a searchable, paginated grid of the whole library for the hero and
inline photos of a story, with upload in place (photo-chooser.js opens it in a dialog on the
article form; it is an ordinary admin page too)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles import uploads
from articles.admin.photos import PhotoAdminForm, rights_text
from articles.images import thumbnail_url
from articles.photo_search import RIGHTS_CHOICES, photo_is_usable, photos_matching
from articles.photos import photo_save

PER_PAGE = 24
NO_CREDIT = "Name the photographer or the agency: a story cannot show a photo without a credit."


class ChooserSearchForm(forms.Form):
    q = forms.CharField(
        label="Search caption, photographer, agency", required=False, max_length=200
    )
    rights = forms.ChoiceField(label="Rights", choices=RIGHTS_CHOICES, required=False)


class ChooserUploadForm(PhotoAdminForm):
    """The photo form's upload, in short: the image, what it shows and its credit."""

    class Meta(PhotoAdminForm.Meta):
        fields = [
            "image", "alt_text", "is_decorative", "caption", "photographer", "agency",
            "rights_expire_on",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "chooser-upload-%s")  # apart from the article form's ids
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()  # a credit in the image's IPTC or EXIF data counts
        if (
            not (cleaned.get("photographer") or "").strip()
            and not (cleaned.get("agency") or "").strip()
        ):
            self.add_error("photographer", NO_CREDIT)
        return cleaned


def label(photo) -> str:
    text = (photo.caption or photo.alt_text or photo.image.name)[:80]
    return f"{text} ({photo.credit_line})" if photo.credit_line else text


def card(photo, *, today) -> dict:
    return {
        "id": photo.pk,
        "url": reverse("admin:articles_photo_change", args=[photo.pk]),
        "src": thumbnail_url(photo),
        "label": label(photo),
        "caption": (photo.caption or photo.alt_text or photo.image.name)[:90],
        "credit": photo.credit_line or "No credit",
        "rights": rights_text(photo, today=today),
        "unusable": photo_is_usable(photo, on=today),
    }


def chooser_context(request, *, upload_form=None) -> dict:
    search = ChooserSearchForm(request.GET or None)
    query, rights = ("", "")
    if search.is_valid():
        query, rights = search.cleaned_data["q"], search.cleaned_data["rights"]
    page = Paginator(photos_matching(query, rights), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("partial", None)
    return {
        "search": search,
        "query": query,
        "page": page,
        "cards": [card(photo, today=today) for photo in page.object_list],
        "page_query": params.urlencode(),
        "chooser_url": reverse("admin:articles_article_photo_chooser"),
        "upload_url": reverse("admin:articles_article_photo_chooser_upload"),
        "upload_form": upload_form,
        "may_upload": request.user.has_perm("articles.add_photo"),
    }


def chooser_view(model_admin: admin.ModelAdmin, request):
    """GET: the grid for a search; ?partial=1 gives only the grid (for the dialog)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    context = chooser_context(request)
    if context["may_upload"]:
        context["upload_form"] = ChooserUploadForm()
    if request.GET.get("partial"):
        return TemplateResponse(request, "admin/articles/photo/chooser_panel.html", context)
    context["standalone"] = True
    return TemplateResponse(
        request,
        "admin/articles/photo/chooser.html",
        {
            **model_admin.admin_site.each_context(request),
            **context,
            "opts": model_admin.opts,
            "title": "Choose a photo",
        },
    )


def chooser_upload_view(model_admin: admin.ModelAdmin, request):
    """POST an upload: the new photo ({id, label} as JSON for the dialog), or the form with
    what to fix (400)."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseRedirect(reverse("admin:articles_article_photo_chooser"))
    # The form finds a kept upload of this user's while it is built (as PhotoAdmin's does).
    form_class = type("ChooserUploadForm", (ChooserUploadForm,), {"user": request.user})
    form = form_class(request.POST, request.FILES)
    partial = bool(request.GET.get("partial"))
    if form.is_valid():
        photo = photo_save(photo=form.save(commit=False))
        if form.pending:
            uploads.discard(form.pending)
        model_admin.log_addition(request, photo, [{"added": {}}])
        if partial:
            return JsonResponse({"id": photo.pk, "label": label(photo)}, status=201)
        model_admin.message_user(request, f"Uploaded “{label(photo)}”.")
        return HttpResponseRedirect(reverse("admin:articles_article_photo_chooser"))
    if partial:
        return TemplateResponse(
            request,
            "admin/articles/photo/chooser_upload.html",
            {
                "upload_form": form,
                "upload_url": reverse("admin:articles_article_photo_chooser_upload"),
            },
            status=400,
        )
    context = chooser_context(request, upload_form=form)
    context["standalone"] = True
    return TemplateResponse(
        request,
        "admin/articles/photo/chooser.html",
        {
            **model_admin.admin_site.each_context(request),
            **context,
            "opts": model_admin.opts,
            "title": "Choose a photo",
        },
        status=400,
    )
