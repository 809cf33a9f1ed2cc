"""Writes about the photo library: saving a photo, its renditions and files, its rights,
which stories show it inline."""

import datetime
import logging
import re
from pathlib import PurePosixPath

import reversion
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image

from articles import photo_files, renditions, uploads
from articles.models import Article, InlinePhoto, Photo
from articles.models.photos import photo_upload_to
from articles.sanitize import inline_photo_ids
from articles.statuses import LIVE_STATUSES
from articles.workflow import user_may_publish
from newsroom.queue import after_commit, publish
from publication.services import publication_name

logger = logging.getLogger(__name__)
RENDITIONS = "articles.tasks.make_photo_renditions"


def user_may_change_photo(user, photo: Photo) -> bool:
    """Writers may not change a photo readers can see or will see (or saw, if unpublished)."""
    return user_may_publish(user) or not photo.articles_past_draft().exists()


def article_inline_photos_sync(*, article: Article) -> None:
    """Record which library photos the article's body shows inline (see InlinePhoto)."""
    wanted = set(inline_photo_ids(article.body))
    uses = InlinePhoto.objects.filter(article_id=article.pk)
    if not wanted:
        uses.delete()
        return
    uses.exclude(photo_id__in=wanted).delete()
    present = Photo.objects.filter(pk__in=wanted).values_list("pk", flat=True)
    InlinePhoto.objects.bulk_create(
        [InlinePhoto(article_id=article.pk, photo_id=pk) for pk in present],
        ignore_conflicts=True,
    )


def photo_save(*, photo: Photo) -> Photo:
    """Save a photo from an upload or an edit; a worker then makes its renditions.

    A new image clears the renditions at once (pages show the new original until the worker
    is done) and the old files go once the change is committed. A new focal point keeps the
    old crops until the new ones are made. If saving fails, a file just written is removed.
    """
    before = (
        Photo.objects.filter(pk=photo.pk)
        .values("image", "focal_x", "focal_y", "renditions")
        .first()
        if photo.pk
        else None
    )
    new_image = bool(photo.image) and not photo.image._committed
    if new_image:
        # Stored under the extension of what it is (the form has already said so).
        image_format, _ = renditions.check_image(photo.image)
        photo.image.name = photo_files.stored_name(photo.image.name, image_format)
        photo.renditions, photo.renditions_error = [], ""
    try:
        with transaction.atomic():
            photo.save()
    except BaseException:
        if new_image and photo.image._committed:
            photo.image.storage.delete(photo.image.name)
        raise
    stale = []
    if before and new_image:
        stale = [before["image"], *(r["name"] for r in before["renditions"])]
    focal_moved = before and (before["focal_x"], before["focal_y"]) != (
        photo.focal_x,
        photo.focal_y,
    )
    if before is None or new_image or focal_moved:
        photo_request_renditions(photo=photo)
    if stale:
        transaction.on_commit(lambda: renditions.delete(stale))
    return photo


def photo_request_renditions(*, photo: Photo) -> None:
    """Have a worker make the photo's renditions once the current transaction commits."""
    # With the broker away the save still stands, and the sweep asks again later.
    after_commit(RENDITIONS, [(photo.pk,)])


def photos_request_renditions() -> int:
    """Have workers make every photo's renditions again; return how many were asked for."""
    ids = list(Photo.objects.order_by("pk").values_list("pk", flat=True))
    publish(RENDITIONS, [(pk,) for pk in ids])
    return len(ids)


def photos_missing_renditions(*, older_than=datetime.timedelta(minutes=2)) -> list[int]:
    """Return photos saved a while ago still without renditions (a lost task), for a sweep.

    Photos whose renditions could not be made (their error is recorded) are left alone.
    """
    return list(
        Photo.objects.filter(
            renditions=[], renditions_error="", modified_at__lt=timezone.now() - older_than
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )


def photo_make_renditions_of(photo_id: int) -> int:
    """Make the renditions of a photo (from a worker); return how many were made.

    A photo gone meanwhile, or an image that cannot be read, makes none: pages keep showing
    the original, and the reason is logged.
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or not photo.image:
        return 0
    try:
        photo_make_renditions(photo=photo)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        logger.warning("Could not make renditions of photo %s", photo_id, exc_info=True)
        reason = str(error) or type(error).__name__
        Photo.objects.filter(pk=photo_id).update(renditions_error=reason[:300])
        return 0
    return len(photo.renditions)


def photo_make_renditions(*, photo: Photo) -> Photo:
    """Create the photo's renditions, cut around its focal point, and record them on it.

    They are recorded only if the photo still has the same image and focal point; otherwise
    (it changed while they were made) they are removed, and the change's own task makes
    the right ones. The renditions they replace are removed once recorded.
    """
    made = renditions.render(
        photo.image, prefix=f"renditions/{photo.pk}", focal=(photo.focal_x, photo.focal_y)
    )
    with transaction.atomic():
        current = (
            Photo.objects.select_for_update()
            .filter(pk=photo.pk, image=photo.image.name)
            .filter(focal_x=photo.focal_x, focal_y=photo.focal_y)
            .first()
        )
        if current is None:
            stale = made
        else:
            stale = current.renditions
            current.renditions, current.renditions_error = made, ""
            # Saved with its signal: the pages showing the photo go stale.
            current.save(update_fields=["renditions", "renditions_error", "modified_at"])
            photo.renditions, photo.modified_at = made, current.modified_at
        transaction.on_commit(lambda: renditions.delete(stale))
    return photo


def photo_files_delete(*, photo: Photo) -> None:
    """Remove a deleted photo's original and renditions once the deletion is committed."""
    names = [photo.image.name, *(r["name"] for r in photo.renditions)]
    transaction.on_commit(lambda: renditions.delete(names))


def photo_placeholder() -> Photo:
    """Return the photo shown instead of one whose rights have expired."""
    placeholder = Photo.objects.filter(is_placeholder=True).first()
    if placeholder:
        return placeholder
    placeholder = Photo(
        alt_text="Placeholder: the photo that was here may no longer be shown.",
        caption="The photo that illustrated this article is no longer available.",
        agency=publication_name(),
        is_placeholder=True,
        notes="Shown automatically when the rights to an article's photo expire.",
    )
    image = renditions.placeholder_image(["Photo unavailable"], name="photo-unavailable.jpg")
    placeholder.image.save(image.name, image, save=False)
    placeholder.save()
    # Made here, not by another task: this already runs in the worker that swaps photos.
    return photo_make_renditions(photo=placeholder)


@transaction.atomic
def photos_swap_expired_rights(*, today: datetime.date | None = None) -> list[Article]:
    """Replace hero photos whose rights expired, on live and scheduled articles."""
    today = today or timezone.localdate()
    expired = Photo.objects.rights_expired(on=today).filter(is_placeholder=False)
    articles = list(
        Article.objects.filter(status__in=LIVE_STATUSES, hero_photo__in=expired)
        .select_related("hero_photo")
        .select_for_update(of=("self",))
    )
    if not articles:
        return []
    placeholder = photo_placeholder()
    for article in articles:
        old = article.hero_photo
        article.hero_photo = placeholder
        article.hero_caption = ""
        with reversion.create_revision():
            article.save(update_fields=["hero_photo", "hero_caption", "modified_at"])
            reversion.set_comment(f"Hero photo {old.pk} removed: its rights expired.")
        logger.warning(
            "Swapped hero photo %s (%s, rights expired %s) for the placeholder on article %s (%s)",
            old.pk,
            old.credit_line or "no credit",
            old.rights_expire_on,
            article.pk,
            article.slug,
        )
    return articles


# An original stored since names became unguessable: photos/<year>/<month>/<token>/<name>.
UNGUESSABLE_ORIGINAL = re.compile(r"\Aphotos/[0-9]{4}/[0-9]{2}/[A-Za-z0-9_-]{22}/[^/]+\Z")


def photos_with_guessable_names():
    """Return the photos no live story shows whose original was stored under its upload's
    name alone (photos/2026/12/IMG_1234.jpg), before names carried a random token."""
    live = Article.objects.published()
    shown = Photo.objects.filter(
        Q(hero_articles__in=live) | Q(inline_uses__article__in=live)
    ).values("pk")
    hidden = Photo.objects.exclude(pk__in=shown).exclude(image="").order_by("pk")
    return [
        photo for photo in hidden.iterator() if not UNGUESSABLE_ORIGINAL.match(photo.image.name)
    ]


def photo_move_to_unguessable_name(*, photo: Photo) -> bool:
    """Copy the photo's original to an unguessable name, make its renditions anew (their
    names random too), and remove the old files; return whether the photo was moved.

    For photos no reader sees yet: a live story's photo is already public, and moving it
    would break the pages and feeds that name its files.
    """
    storage = photo.image.storage
    old, stale = photo.image.name, [r["name"] for r in photo.renditions]
    with storage.open(old, "rb") as original:
        new = storage.save(
            photo_upload_to(photo, PurePosixPath(old).name), original, max_length=255
        )
    with transaction.atomic():
        moved = Photo.objects.filter(pk=photo.pk, image=old).update(
            image=new, renditions=[], renditions_error="", modified_at=timezone.now()
        )
        if not moved:  # changed meanwhile: its new upload already has a random name
            transaction.on_commit(lambda: storage.delete(new))
            return False
        transaction.on_commit(lambda: renditions.delete([old, *stale]))
    photo_make_renditions_of(photo.pk)
    return True


def photo_uploads_sweep() -> int:
    """Remove photo uploads kept for a form with errors once their day is over; return how
    many files went."""
    return uploads.sweep()
