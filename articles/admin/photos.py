import datetime
import logging

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image

from articles.admin import uploads
from articles.images import thumbnail_url
from articles.models import Photo
from articles.photo_metadata import read_credit_and_caption
from articles.services import photo_make_renditions, user_may_change_photo

logger = logging.getLogger(__name__)

EXPIRY_WINDOW_DAYS = 30


def thumbnail(photo, *, width=120, alt="", title="") -> str:
    if photo is None or not photo.image:
        return ""
    if title:
        return format_html(
            '<img src="{}" width="{}" alt="{}" title="{}">', thumbnail_url(photo), width, alt, title
        )
    return format_html('<img src="{}" width="{}" alt="{}">', thumbnail_url(photo), width, alt)


def https_url_fields(db_field, **kwargs):
    """Build form fields, treating scheme-less URLs as https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class PhotoAdminForm(forms.ModelForm):
    pending_image = forms.CharField(required=False, widget=forms.HiddenInput)
    user = None  # set per request by PhotoAdmin.get_form

    class Meta:
        model = Photo
        fields = [
            "image", "alt_text", "is_decorative", "caption", "photographer", "agency", "source_url",
            "usage_terms", "licence_url", "rights_expire_on", "syndication_allowed", "notes",
        ]  # fmt: skip
        formfield_callback = https_url_fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = None
        if self.is_bound and not self.files.get("image"):
            self.pending = uploads.unstash(self.data.get("pending_image", ""), user=self.user)
            if self.pending:
                self.files = self.files.copy()
                self.files["image"] = self.pending.file

    def clean(self):
        """Fill empty credit and caption fields from the upload's IPTC or EXIF data.

        The filled-in values go into the form's data too, so that a form returned with
        errors shows them in their boxes (and the credit line agrees with the boxes).
        """
        cleaned = super().clean()
        if not cleaned.get("alt_text") and not cleaned.get("is_decorative"):
            self.add_error("alt_text", Photo._meta.constraints[0].violation_error_message)
        upload = cleaned.get("image")
        if upload and "image" in self.changed_data:
            for field, value in read_credit_and_caption(upload).items():
                if not cleaned.get(field):
                    limit = Photo._meta.get_field(field).max_length
                    cleaned[field] = value[:limit] if limit else value
                    self.data = self.data.copy()
                    self.data[field] = cleaned[field]
        return cleaned

    def full_clean(self):
        """Keep a valid upload for the next try when something else in the form is wrong."""
        super().full_clean()
        if not self._errors or "image" in self._errors:
            return
        upload = self.cleaned_data.get("image")
        if self.pending is None and upload and "image" in self.changed_data:
            self.pending = uploads.stash(upload, user=self.user)
        if self.pending:
            self.data = self.data.copy()
            self.data["pending_image"] = self.pending.token
            self.fields["image"].required = False
            # The bound field copied the help text when the form was cleaned.
            self["image"].help_text = self.fields["image"].help_text = (
                f"Kept from your last try: {self.pending.filename}. "
                "Choose another file only to replace it."
            )


class UsageFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("no", "Unused"), ("yes", "Used as a hero photo")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(usage_count=0)
        if self.value() == "yes":
            return queryset.filter(usage_count__gt=0)
        return queryset


class RightsExpiryFilter(admin.SimpleListFilter):
    title = "rights"
    parameter_name = "rights"

    def lookups(self, request, model_admin):
        return [
            ("soon", f"Expire within {EXPIRY_WINDOW_DAYS} days"),
            ("expired", "Expired"),
            ("none", "Never expire"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "soon":
            return queryset.rights_expiring(within_days=EXPIRY_WINDOW_DAYS)
        if self.value() == "expired":
            return queryset.rights_expired()
        if self.value() == "none":
            return queryset.filter(rights_expire_on__isnull=True)
        return queryset


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = [
        "preview",
        "__str__",
        "credit",
        "usage_count",
        "rights_expire_on",
        "rights_state",
        "syndication_allowed",
    ]
    list_filter = [RightsExpiryFilter, UsageFilter, "syndication_allowed", "agency"]
    search_fields = ["caption", "alt_text", "photographer", "agency"]
    # Explicit: the usage count's GROUP BY drops the model's ordering, and the article form's
    # photo lookup would list the library in no particular order.
    ordering = ["-created_at", "-pk"]
    readonly_fields = ["preview", "width", "height", "credit"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "image",
                    "pending_image",
                    "preview",
                    ("width", "height"),
                    "alt_text",
                    "is_decorative",
                ]
            },
        ),
        ("Caption and credit", {"fields": ["caption", ("photographer", "agency"), "credit"]}),
        (
            "Rights",
            {
                "fields": [
                    "source_url",
                    "usage_terms",
                    "licence_url",
                    "rights_expire_on",
                    "syndication_allowed",
                    "notes",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage_count()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Photo")
    def preview(self, photo):
        # In the list the thumbnail is the link to the photo: its alt text names it.
        return thumbnail(
            photo,
            alt=f"Photo: {(photo.alt_text or photo.caption)[:80]}",
            title=f"{photo.credit_line or 'No credit'} · {self.usage_count(photo)}",
        )

    @admin.display(description="Credit line")
    def credit(self, photo):
        return photo.credit_line or "— no credit —"

    @admin.display(description="Used on", ordering="usage_count")
    def usage_count(self, photo):
        count = getattr(photo, "usage_count", None)
        return "—" if count is None else f"{count} article{'s' if count != 1 else ''}"

    @admin.display(description="Rights")
    def rights_state(self, photo):
        if photo.rights_expire_on is None:
            return "No expiry"
        today = timezone.localdate()
        if photo.rights_expired(on=today):
            return "Expired"
        if photo.rights_expire_on <= today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS):
            return f"Expires in {(photo.rights_expire_on - today).days} days"
        return "Valid"

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or user_may_change_photo(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.pending:
            uploads.discard(form.pending)
        if "image" in form.changed_data:
            try:
                photo_make_renditions(photo=obj)
            except (OSError, Image.DecompressionBombError):
                logger.warning("Could not make renditions of photo %s", obj.pk, exc_info=True)
                messages.warning(request, "Saved, but no smaller versions could be made.")
