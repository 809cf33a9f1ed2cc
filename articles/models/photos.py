import datetime
import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, Func, OuterRef, Q, Subquery
from django.utils import timezone

from articles.statuses import PUBLISHING_STATUSES

FOCAL_HELP = (
    "Where the subject is, from 0 (left or top edge) to 1 (right or bottom edge); "
    "every crop keeps this point in view. Click the photo to set it."
)


class PhotoQuerySet(models.QuerySet):
    def rights_expired(self, *, on: datetime.date | None = None):
        """Return photos whose usage rights ended before the given day (default today)."""
        return self.filter(rights_expire_on__lt=on or timezone.localdate())

    def rights_expiring(self, *, within_days: int, on: datetime.date | None = None):
        today = on or timezone.localdate()
        return self.filter(
            rights_expire_on__gte=today,
            rights_expire_on__lte=today + datetime.timedelta(days=within_days),
        )

    def with_usage_count(self):
        """Count the articles showing each photo, as the hero or inline in the body."""
        heroes = _articles(self.model).filter(hero_photo=OuterRef("pk"))
        inline_only = InlinePhoto.objects.filter(photo=OuterRef("pk")).exclude(
            article__hero_photo=OuterRef("pk")
        )
        return self.annotate(usage_count=_count(heroes) + _count(inline_only))

    def unused(self):
        """Return the photos no article shows, neither as its hero nor inline in its body."""
        return self.exclude(_used(self.model))

    def used(self):
        return self.filter(_used(self.model))


def _articles(photo_model):
    """The articles' rows (the model that points at photos as their hero)."""
    return photo_model.hero_articles.field.model.objects


def _used(photo_model) -> Q:
    return Q(Exists(_articles(photo_model).filter(hero_photo=OuterRef("pk")))) | Q(
        Exists(InlinePhoto.objects.filter(photo=OuterRef("pk")))
    )


def _count(queryset) -> Subquery:
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Subquery(counted, output_field=models.IntegerField())


def photo_upload_to(photo, filename: str) -> str:
    """Return photos/<year>/<month>/<random>/<name>: nobody can guess where the photo of a
    story not yet live is (the web server serves /media/ to anyone who names a file)."""
    return f"photos/{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}/{filename}"


class Photo(models.Model):
    image = models.ImageField(
        upload_to=photo_upload_to, max_length=255, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    is_decorative = models.BooleanField(
        "decorative",
        default=False,
        help_text="Tick only if the photo adds no information; it then gets empty alt text.",
    )
    caption = models.TextField(blank=True)
    photographer = models.CharField(
        max_length=120, blank=True, help_text='A name, or "Stringer" when unnamed.'
    )
    agency = models.CharField("agency or organisation", max_length=120, blank=True)
    source_url = models.URLField("source URL", blank=True)
    usage_terms = models.TextField("licence or usage terms", blank=True)
    licence_url = models.URLField("licence URL", blank=True)
    rights_expire_on = models.DateField(
        "rights expire on",
        null=True,
        blank=True,
        help_text="Last day the photo may be shown. Leave empty if the rights do not expire.",
    )
    syndication_allowed = models.BooleanField("may be syndicated", default=False)
    is_placeholder = models.BooleanField(default=False, editable=False)
    notes = models.TextField(blank=True, help_text="For editors only; never shown to readers.")
    focal_x = models.FloatField(
        "focal point, across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=FOCAL_HELP,
    )
    focal_y = models.FloatField(
        "focal point, down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    renditions = models.JSONField(default=list, blank=True, editable=False)
    renditions_error = models.CharField(
        "why no renditions could be made", max_length=300, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_decorative=True) | ~Q(alt_text=""),
                name="photo_alt_text_or_decorative",
                violation_error_message=(
                    'Write alt text for the photo, or tick "decorative" if it adds no information.'
                ),
            ),
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_inside",
                violation_error_message="The focal point must lie on the photo (0 to 1).",
            ),
        ]

    def __str__(self):
        label = self.caption or self.alt_text or self.image.name
        credit = self.credit_line
        return f"{label[:60]} ({credit})" if credit else label[:60]

    @property
    def credit_line(self) -> str:
        """Return the credit as readers see it, e.g. "Stringer / AFP"."""
        return " / ".join(p for p in (self.photographer.strip(), self.agency.strip()) if p)

    @property
    def copyright_notice(self) -> str:
        holder = self.agency.strip() or self.photographer.strip()
        return f"© {holder}" if holder else ""

    @property
    def reader_alt_text(self) -> str:
        return "" if self.is_decorative else self.alt_text

    def articles_past_draft(self):
        """Return the articles showing this photo that are, were or will be live."""
        inline = Q(pk__in=InlinePhoto.objects.filter(photo_id=self.pk).values("article_id"))
        return _articles(type(self)).filter(
            Q(hero_photo=self) | inline, status__in=PUBLISHING_STATUSES
        )

    def rights_expired(self, on: datetime.date | None = None) -> bool:
        today = on or timezone.localdate()
        return self.rights_expire_on is not None and self.rights_expire_on < today


class InlinePhoto(models.Model):
    """A photo an article's body shows inline (<figure data-photo>), kept in step with the
    body on every save (articles.workflow.article_inline_photos_sync), so that the library
    tells used photos from unused ones by an index rather than by reading every body."""

    article = models.ForeignKey(
        "articles.Article", models.CASCADE, related_name="inline_photo_uses"
    )
    photo = models.ForeignKey(Photo, models.PROTECT, related_name="inline_uses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["photo", "article"], name="inline_photo_once")
        ]

    def __str__(self):
        return f"Photo {self.photo_id} in article {self.article_id}"
