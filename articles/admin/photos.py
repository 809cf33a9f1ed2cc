from django import forms
from django.contrib import admin
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from PIL import Image

from articles import uploads
from articles.images import picture_sources, renditions_of, thumbnail_url
from articles.models import Photo
from articles.photo_files import ImageTooLarge, UnsupportedImage, open_image, stored_name
from articles.photo_metadata import read_credit_and_caption
from articles.photos import photo_save, user_may_change_photo
from articles.renditions import check_image

EXPIRY_WINDOW_DAYS = 14
CROP_LABELS = {
    "lead": "Lead and story page, 16:9",
    "teaser": "Teasers, 3:2",
    "social": "Social card, 1.91:1",
}
CROP_WIDTH = 200


def thumbnail(photo, *, width=120, alt="") -> str:
    if photo is None or not photo.image:
        return ""
    return format_html('<img src="{}" width="{}" alt="{}">', thumbnail_url(photo), width, alt)


def https_url_fields(db_field, **kwargs):
    """Build form fields, treating scheme-less URLs as https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class PhotoImageField(forms.ImageField):
    """An image field that takes only the formats a photo may be, told by the content, and
    refuses from the header alone an image over the pixel cap or the decoding budget.

    The upload is renamed to the extension of its format ("evil.pdf" holding a PNG is
    stored as "evil.png", and served as one). Django's own check would hand the file to
    every loader Pillow has, so it is not called.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        try:
            image_format, _ = check_image(upload)
            with open_image(upload) as image:
                image.verify()  # a truncated or corrupt file, before anything keeps it
        except ImageTooLarge as error:
            raise forms.ValidationError(str(error), code="too_large") from error
        except UnsupportedImage as error:
            raise forms.ValidationError(str(error), code="invalid_image") from error
        except Exception as error:
            raise forms.ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error
        finally:
            upload.seek(0)
        upload.name = stored_name(upload.name, image_format)
        upload.content_type = Image.MIME[image_format]
        return upload


class FocalInput(forms.NumberInput):
    def __init__(self, axis: str):
        super().__init__(attrs={"step": "0.01", "min": "0", "max": "1", "data-focal": axis})


class PhotoAdminForm(forms.ModelForm):
    pending_image = forms.CharField(required=False, widget=forms.HiddenInput)
    user = None  # set per request by PhotoAdmin.get_form

    class Meta:
        model = Photo
        fields = [
            "image", "alt_text", "is_decorative", "caption", "photographer", "agency", "source_url",
            "usage_terms", "licence_url", "rights_expire_on", "syndication_allowed", "notes",
            "focal_x", "focal_y",
        ]  # fmt: skip
        formfield_callback = https_url_fields
        field_classes = {"image": PhotoImageField}
        widgets = {"focal_x": FocalInput("x"), "focal_y": FocalInput("y")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("focal_x", "focal_y"):
            if name in self.fields:  # an empty box puts the point back in the centre
                self.fields[name].required = False
        self.pending = None
        if self.is_bound and not self.files.get("image"):
            self.pending = uploads.unstash(self.data.get("pending_image", ""), user=self.user)
            if self.pending:
                self.files = self.files.copy()
                self.files["image"] = self.pending.file

    def clean_focal_x(self):
        return _centre_if_empty(self.cleaned_data.get("focal_x"))

    def clean_focal_y(self):
        return _centre_if_empty(self.cleaned_data.get("focal_y"))

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


def _centre_if_empty(value):
    return Photo._meta.get_field("focal_x").default if value is None else value


class UsageFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("no", "Unused (on no article)"), ("yes", "Used (hero or in a body)")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.unused()
        if self.value() == "yes":
            return queryset.used()
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
    """The photo library: a grid of thumbnails (admin/articles/photo/change_list_results.html)."""

    form = PhotoAdminForm
    list_display = ["__str__"]
    list_display_links = None
    list_filter = [RightsExpiryFilter, UsageFilter, "agency", "syndication_allowed"]
    list_per_page = 48
    search_fields = ["caption", "alt_text", "photographer", "agency"]
    actions = None  # the grid has no row checkboxes; a photo is deleted from its own page
    readonly_fields = ["preview", "width", "height", "credit"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "image",
                    "pending_image",
                    "preview",
                    ("focal_x", "focal_y"),
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

    class Media:
        js = [forms.Script("newsroom-admin/focal-point.js", defer=True)]
        css = {"all": ["newsroom-admin/photos.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage_count()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Photo")
    def preview(self, photo):
        """The photo with its focal point; clicking it moves the point (focal-point.js)."""
        if photo is None or not photo.image:
            return "Save the photo to set its focal point on it."
        sources = picture_sources(photo)
        if photo.renditions_error:
            state = format_html(
                '<p class="errornote">Smaller versions could not be made ({}); pages show the '
                "original. Upload the image again, or another one.</p>",
                photo.renditions_error,
            )
        elif not photo.renditions:
            state = format_html(
                '<p class="help">{}</p>',
                "Smaller versions are being made; until then pages show the original.",
            )
        else:
            state = ""
        return format_html(
            "{}"
            '<div class="focal-picker" data-focal-picker>'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-marker" hidden></span></div>'
            '<p class="help">Click the subject to set the focal point; every crop keeps it '
            "in view.</p>{}",
            state,
            sources["src"],
            sources["width"] or "",
            sources["height"] or "",
            f"Photo: {(photo.alt_text or photo.caption)[:80]}",
            self._crops(photo),
        )

    def _crops(self, photo) -> str:
        """The crops pages show now, small: what a new focal point would change."""
        figures = []
        for crop, label in CROP_LABELS.items():
            jpegs = renditions_of(photo, "jpeg", crop)
            if jpegs:
                figures.append(
                    format_html(
                        '<figure><img src="{}" width="{}" height="{}" alt="" loading="lazy">'
                        "<figcaption>{}</figcaption></figure>",
                        default_storage.url(jpegs[0]["name"]),
                        CROP_WIDTH,
                        round(CROP_WIDTH * jpegs[0]["height"] / jpegs[0]["width"]),
                        label,
                    )
                )
        if not figures:
            return ""
        return format_html(
            '<div class="focal-crops">{}</div>', format_html_join("", "{}", ((f,) for f in figures))
        )

    @admin.display(description="Credit line")
    def credit(self, photo):
        return photo.credit_line or "— no credit —"

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or user_may_change_photo(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        photo_save(photo=obj)
        if form.pending:
            uploads.discard(form.pending)


def usage_text(photo) -> str:
    count = getattr(photo, "usage_count", None) or 0
    return "On no article" if not count else f"On {count} article{'s' if count != 1 else ''}"


def rights_text(photo, *, today=None) -> str:
    if photo.rights_expire_on is None:
        return "Rights do not expire"
    today = today or timezone.localdate()
    if photo.rights_expired(on=today):
        return f"Rights expired {photo.rights_expire_on:%-d %b %Y}"
    days = (photo.rights_expire_on - today).days
    if days <= EXPIRY_WINDOW_DAYS:
        return (
            "Rights expire today"
            if days == 0
            else f"Rights expire in {days} day{'s' * (days != 1)}"
        )
    return f"Rights until {photo.rights_expire_on:%-d %b %Y}"
