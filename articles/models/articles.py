import datetime

import reversion
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from articles.models.live import LiveBlog
from articles.querysets import ArticleQuerySet
from articles.sanitize import clean_body, html_to_text, inline_photo_ids
from articles.statuses import LIVE_STATUSES, PUBLISHING_STATUSES, Status  # noqa: F401 (names of the models)
from newsroom.reversing import reverse

# Publication times a newsroom can mean: an archive reaching back three centuries, a story
# scheduled within this millennium. Pages compute days and months around a story's time,
# which a date at the calendar's ends (year 1, year 9999) would overflow.
EARLIEST_PUBLISH_AT = datetime.datetime(1700, 1, 1, tzinfo=datetime.UTC)
LATEST_PUBLISH_AT = datetime.datetime(3000, 1, 1, tzinfo=datetime.UTC)
PUBLISH_AT_RANGE = "Choose a time between the years 1700 and 2999."


@reversion.register(follow=("bylines", "corrections"))
class Article(models.Model):
    headline = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    kicker = models.CharField("kicker / label", max_length=80, blank=True)
    dek = models.TextField("dek (standfirst)", blank=True)
    body = models.TextField(blank=True, help_text="HTML; scripts and unsafe markup are removed.")
    body_text = models.TextField(blank=True, editable=False)
    # A draft may wait for its section; a story goes live only with one (publication_problems).
    section = models.ForeignKey(
        "articles.Section", models.PROTECT, null=True, blank=True, related_name="articles"
    )
    tags = models.ManyToManyField("articles.Tag", blank=True, related_name="articles")
    authors = models.ManyToManyField(
        "articles.Author", through="articles.Byline", blank=True, related_name="articles"
    )
    dateline = models.CharField(
        max_length=80, blank=True, help_text="Where the story was filed from, e.g. Baku."
    )
    agency = models.CharField(
        max_length=120, blank=True, help_text="For wire copy, e.g. AFP. Shown when no byline."
    )
    hero_photo = models.ForeignKey(
        "articles.Photo",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hero_articles",
    )
    hero_caption = models.TextField(
        "hero caption override", blank=True, help_text="Leave empty to use the photo's caption."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(EARLIEST_PUBLISH_AT, PUBLISH_AT_RANGE),
            MaxValueValidator(LATEST_PUBLISH_AT, PUBLISH_AT_RANGE),
        ],
    )
    updated_at = models.DateTimeField(
        "updated for readers",
        null=True,
        blank=True,
        help_text='Shown to readers as "Updated" when later than the publication time.',
    )
    front_page_position = models.PositiveSmallIntegerField(
        "front page position",
        null=True,
        blank=True,
        help_text="1 makes it the lead story; 2, 3… order the top stories. Leave empty and "
        "the story follows by time.",
    )
    live_blog = models.CharField(
        "live blog",
        max_length=6,
        choices=LiveBlog.choices,
        blank=True,
        default=LiveBlog.NO,
        db_default=LiveBlog.NO,  # rows written without the ORM (COPY) are ordinary stories
        help_text="A live blog's page lists its entries, newest first; open, it takes new "
        "ones and lists show it as live.",
    )
    seo_title = models.CharField("SEO title", max_length=110, blank=True)
    seo_description = models.CharField("SEO description", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who last submitted the article for review.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    # One more with every save: a form carries the version it was opened at, and a save
    # from an older one is refused (articles.workflow.article_save).
    edit_version = models.PositiveIntegerField(default=1, editable=False)
    # Signed into every preview link; one more revokes the links given out so far.
    preview_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="article_status_publish"),
            # Section pages and the admin's list by section, newest first.
            models.Index(fields=["section", "-publish_at"], name="article_section_publish"),
            # Readers' lists, feeds and search candidates, newest first: (status, publish_at)
            # cannot give that order for two statuses, so this index holds the live ones only.
            # It covers modified_at so the sitemap index counts months from the index alone.
            models.Index(
                fields=["-publish_at", "-id"],
                name="article_live_newest",
                include=["modified_at"],
                condition=models.Q(status__in=LIVE_STATUSES),
            ),
            # The home page: the editors' chosen stories in their positions, then the newest
            # (PostgreSQL puts nulls last in an ascending index, as the page orders them).
            models.Index(
                fields=["front_page_position", "-publish_at", "-id"],
                name="article_live_front_page",
                condition=models.Q(status__in=LIVE_STATUSES),
            ),
            # The admin's list of every article, newest first.
            models.Index(fields=["-publish_at", "-id"], name="article_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(publish_at__gte=EARLIEST_PUBLISH_AT)
                & models.Q(publish_at__lte=LATEST_PUBLISH_AT)
                | models.Q(publish_at__isnull=True),
                name="article_publish_at_in_range",
                violation_error_message=PUBLISH_AT_RANGE,
            ),
        ]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = clean_body(self.body)
        self.body_text = html_to_text(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            update_fields = kwargs["update_fields"] = {*update_fields, "body_text"}
        if not self._state.adding:
            self.edit_version += 1
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "edit_version"}
        try:
            super().save(*args, **kwargs)
        except BaseException:
            if not self._state.adding:
                self.edit_version -= 1  # not saved: still the version it was
            raise

    def get_absolute_url(self):
        if self.publish_at is None:
            return None
        day = self.publish_at.astimezone(datetime.UTC)
        return reverse(
            "articles:article",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": self.slug},
        )

    @property
    def is_live(self) -> bool:
        return (
            self.status in LIVE_STATUSES
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_live_blog(self) -> bool:
        return bool(self.live_blog)

    @property
    def live_blog_open(self) -> bool:
        return self.live_blog == LiveBlog.OPEN

    @property
    def caption(self) -> str:
        if self.hero_caption:
            return self.hero_caption
        return self.hero_photo.caption if self.hero_photo else ""

    @property
    def reader_updated_at(self) -> datetime.datetime | None:
        """Return the update time worth telling readers about, if any."""
        if self.updated_at and self.publish_at and self.updated_at > self.publish_at:
            return self.updated_at
        return None

    @property
    def title_for_search_engines(self) -> str:
        return self.seo_title or self.headline

    @property
    def description(self) -> str:
        if self.seo_description:
            return self.seo_description
        text = self.dek or self.body_text.split("\n", 1)[0]
        return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"

    def publication_problems(self, *, at: datetime.datetime | None = None) -> list[str]:
        """Return why the article may not go live at the given time (empty when it may).

        The hero photo and every inline photo of the body are held to the same rules.
        """
        Photo = type(self).hero_photo.field.related_model  # noqa: N806 (a model)

        problems = []
        if self.section_id is None:
            problems.append(NO_SECTION)
        if self.hero_photo is not None:
            problems += _photo_problems(self.hero_photo, "The hero photo", at=at)
        inline_ids = inline_photo_ids(self.body)
        inline = Photo.objects.in_bulk(inline_ids)
        for pk in dict.fromkeys(inline_ids):
            photo = inline.get(pk)
            if photo is None:
                problems.append(f"The inline photo {pk} is no longer in the library: remove it.")
            else:
                problems += _photo_problems(photo, f"The inline photo “{photo}”", at=at)
        return problems


NO_SECTION = "Choose a section: a story goes live only filed under one."


def _photo_problems(photo, name: str, *, at: datetime.datetime | None) -> list[str]:
    problems = []
    if not photo.credit_line:
        problems.append(f"{name} has no credit: add its photographer or agency before publishing.")
    when = timezone.localdate(at) if at else timezone.localdate()
    if photo.rights_expired(on=max(when, timezone.localdate())):
        problems.append(
            f"The rights to {name[0].lower()}{name[1:]} expired on "
            f"{photo.rights_expire_on:%d %B %Y}"
            + (" (before the scheduled time)" if at and when > timezone.localdate() else "")
            + ": choose another photo."
        )
    return problems


@reversion.register()
class Byline(models.Model):
    article = models.ForeignKey(Article, models.CASCADE, related_name="bylines")
    author = models.ForeignKey("articles.Author", models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_author_once")
        ]

    def __str__(self):
        return self.author.name


@reversion.register()
class Correction(models.Model):
    article = models.ForeignKey(Article, models.CASCADE, related_name="corrections")
    noted_at = models.DateTimeField("date", default=timezone.now)
    text = models.TextField()

    class Meta:
        ordering = ["noted_at", "pk"]

    def __str__(self):
        return f"Correction of {self.noted_at:%d %B %Y}"
