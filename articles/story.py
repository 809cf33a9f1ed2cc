"""What an article page shows, loaded the same way for readers and for previews.

The story with its section and hero photo, its bylines with their authors, its tags, its
corrections (when it has any), and (for readers) its related stories: at most five reads,
each a queryset of the one rule it must agree with (``published()``, ``for_listing()``'s
fields), whose SQL the ORM writes once per database connection (``newsroom.compiled``: the
hottest reads of the site, where writing the SQL cost more than running it).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from articles.models import Article, Author, Byline, Correction, Photo, Section, Tag
from articles.querysets import NOT_IN_TEASERS, READ_MORE_DAYS
from newsroom.compiled import CompiledRead, fields_of

_DAY = datetime.timedelta(days=1)
_WINDOW = datetime.timedelta(days=READ_MORE_DAYS)
_publish_at = Article._meta.get_field("publish_at")
_pk = Article._meta.pk


@dataclass
class Story:
    article: Article
    bylines: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    corrections: list = field(default_factory=list)


def _with_section_and_photo(queryset, *, teaser=False, extra=()):
    article = [f for f in fields_of(Article) if not (teaser and f in NOT_IN_TEASERS)]
    return queryset.values_list(
        *article, *fields_of(Section, "section__"), *fields_of(Photo, "hero_photo__"), *extra
    )


def _story_read(found):
    """The story's row, and whether it has corrections (most have none: no read then)."""
    corrected = Exists(Correction.objects.filter(article_id=OuterRef("pk")))
    found = found.order_by().annotate(has_corrections=corrected)
    return _with_section_and_photo(found, extra=["has_corrections"])[:1]


def _live(*, slug, start, end, now):
    return _story_read(
        Article.objects.published(at=now).filter(
            slug=slug, publish_at__gte=start, publish_at__lt=end
        )
    )


def _any(*, pk):
    return _story_read(Article.objects.filter(pk=pk))


def _read_more(*, pk, section, start, end, now):
    through = Article.tags.through.objects
    its_tags = through.filter(article_id=pk).values("tag_id")
    shares_tag = Exists(through.filter(article_id=OuterRef("pk"), tag_id__in=its_tags))
    nearby = (
        Article.objects.published(at=now)
        .filter(publish_at__gte=start, publish_at__lt=end)
        .filter(Q(section_id=section) | shares_tag)
        .exclude(pk=pk)
        .annotate(shares_tag=shares_tag)
        .order_by("-shares_tag", "-publish_at", "-pk")
    )
    return _with_section_and_photo(nearby, teaser=True)[:4]


_STORY_MODELS = [Article, Section, Photo]
_LIVE = CompiledRead(
    _live, models=_STORY_MODELS, slug=Article._meta.get_field("slug"),
    start=_publish_at, end=_publish_at, now=_publish_at,
)  # fmt: skip
_ANY = CompiledRead(_any, models=_STORY_MODELS, pk=_pk)
_BYLINES = CompiledRead(
    lambda *, pk: (
        Byline.objects.filter(article_id=pk)
        .order_by("position", "pk")
        .values_list(*fields_of(Byline), *fields_of(Author, "author__"))
    ),
    models=[Byline, Author],
    pk=_pk,
)
_TAGS = CompiledRead(
    lambda *, pk: Tag.objects.filter(articles=pk).order_by("name").values_list(*fields_of(Tag)),
    models=[Tag],
    pk=_pk,
)
_CORRECTIONS = CompiledRead(
    lambda *, pk: (
        Correction.objects.filter(article_id=pk)
        .order_by("noted_at", "pk")
        .values_list(*fields_of(Correction))
    ),
    models=[Correction],
    pk=_pk,
)
_READ_MORE = CompiledRead(
    _read_more,
    models=[(Article, NOT_IN_TEASERS), Section, Photo],
    pk=_pk, section=Section._meta.pk, start=_publish_at, end=_publish_at, now=_publish_at,
)  # fmt: skip


def published_story(*, day: datetime.date, slug: str) -> Story | None:
    """The published story at this date and slug, with all its page shows; None if none."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    found = _LIVE.run(slug=slug, start=start, end=start + _DAY, now=timezone.now())
    return _story(found)


def any_story(*, pk: int) -> Story | None:
    """The story with this id, whatever its status (a preview), with all its page shows."""
    return _story(_ANY.run(pk=pk))


def read_more(article: Article, *, now: datetime.datetime | None = None) -> list[Article]:
    """The newest published stories sharing one of its tags, then the newest of its section,
    from within READ_MORE_DAYS of it: one read, whose cost does not grow with the archive."""
    rows = _READ_MORE.run(
        pk=article.pk,
        section=article.section_id,
        start=article.publish_at - _WINDOW,
        end=article.publish_at + _WINDOW,
        now=now or timezone.now(),
    )
    return [_attached(*row) for row in rows]


def _story(rows) -> Story | None:
    if not rows:
        return None
    *row, has_corrections = rows[0]
    article = _attached(*row)
    bylines = []
    for byline, author in _BYLINES.run(pk=article.pk):
        byline.author = author
        bylines.append(byline)
    tags = [tag for (tag,) in _TAGS.run(pk=article.pk)]
    corrections = []
    if has_corrections:
        corrections = [correction for (correction,) in _CORRECTIONS.run(pk=article.pk)]
    return Story(article, bylines, tags, corrections)


def _attached(article: Article, section: Section, photo: Photo | None) -> Article:
    article.section = section
    if photo is not None:
        article.hero_photo = photo
    return article
