"""Photo renditions: made by a worker after upload, capped in size, cut around a focal point."""

import datetime
import io
import time
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from articles import renditions
from articles.models import Photo
from articles.photos import photo_make_renditions, photo_make_renditions_of
from articles.tasks import sweep_photo_renditions
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.articles.html import find, meta
from tests.articles.test_photo_admin import PHOTOS, jpeg, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(groups=["Editors"]))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few bytes whose header claims the given size, as a decompression bomb does."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def two_colours(size=(1600, 400)) -> bytes:
    """A wide JPEG: red on the left third, blue on the right third, grey between."""
    image = Image.new("RGB", size, (128, 128, 128))
    third = size[0] // 3
    image.paste((220, 20, 20), (0, 0, third, size[1]))
    image.paste((20, 20, 220), (size[0] - third, 0, size[0], size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def colour_of(photo, crop: str) -> str:
    """The dominant colour of the photo's widest JPEG rendition of a crop."""
    widest = max(
        (r for r in photo.renditions if r["crop"] == crop and r["format"] == "jpeg"),
        key=lambda r: r["width"],
    )
    with default_storage.open(widest["name"]) as file, Image.open(file) as image:
        red, green, blue = image.convert("RGB").resize((1, 1), Image.BOX).getpixel((0, 0))
    return "red" if red > 150 and blue < 100 else "blue" if blue > 150 and red < 100 else "grey"


def files_under(media_root) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def test_an_image_over_40_megapixels_is_refused_at_the_field_and_leaves_no_file(
    client, editor, media_root
):
    response = upload(client, png_claiming(8000, 6000), name="huge.png")

    errors = find(response.content, "ul", class_="errorlist")
    assert response.status_code == 200
    assert (
        "8000 × 6000 pixels (48 megapixels); photos may have at most 40 megapixels"
        in (errors[0]["text"])
    )
    assert find(response.content, "div", class_="field-image")[0]["text"].count("48 megapixels")
    assert not Photo.objects.exists()
    assert files_under(media_root) == []


def test_a_decompression_bomb_is_refused_from_its_header_before_anything_is_decoded(
    client, editor, media_root
):
    response = upload(client, png_claiming(100_000, 100_000), name="bomb.png")

    assert response.status_code == 200
    assert "claims more pixels than can be processed safely" in response.content.decode()
    assert not Photo.objects.exists()
    assert files_under(media_root) == []


def test_the_renditions_are_made_after_the_upload_and_pages_show_the_original_until_then(
    client, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        assert upload(client, jpeg(size=(800, 450))).status_code == 302
    photo = Photo.objects.get()
    article = ArticleFactory(live=True, hero_photo=photo)

    hero = find(client.get(article.get_absolute_url()).content, "img")[0]["attrs"]
    assert photo.renditions == []
    assert (hero["src"], hero["width"], hero["height"]) == (photo.image.url, "800", "450")

    for callback in after_commit:  # the task, eager here; a real worker in the test below
        callback()
    photo.refresh_from_db()
    hero = find(client.get(article.get_absolute_url()).content, "img")[0]["attrs"]

    assert {(r["crop"], r["format"], r["width"], r["height"]) for r in photo.renditions} == {
        ("free", "webp", 320, 180), ("free", "jpeg", 320, 180),
        ("free", "webp", 640, 360), ("free", "jpeg", 640, 360),
        ("free", "webp", 800, 450), ("free", "jpeg", 800, 450),
        ("lead", "webp", 320, 180), ("lead", "jpeg", 320, 180),
        ("lead", "webp", 640, 360), ("lead", "jpeg", 640, 360),
        ("lead", "webp", 800, 450), ("lead", "jpeg", 800, 450),
        ("teaser", "webp", 320, 213), ("teaser", "jpeg", 320, 213),
        ("teaser", "webp", 640, 427), ("teaser", "jpeg", 640, 427),
        ("teaser", "webp", 675, 450), ("teaser", "jpeg", 675, 450),
        ("social", "jpeg", 800, 419),
    }  # fmt: skip
    assert "/renditions/" in hero["src"] and (hero["width"], hero["height"]) == ("800", "450")


def test_renditions_that_fail_halfway_leave_no_file_and_pages_keep_the_original(
    monkeypatch, media_root, client
):
    photo = PhotoFactory(image__width=900, image__height=600)
    article = ArticleFactory(live=True, hero_photo=photo)
    saved = []
    real_save = default_storage.save

    def save_then_fail(name, content, **kwargs):
        if len(saved) == 5:
            raise OSError("No space left on device")
        saved.append(real_save(name, content, **kwargs))
        return saved[-1]

    monkeypatch.setattr(renditions.default_storage, "save", save_then_fail)

    assert photo_make_renditions_of(photo.pk) == 0

    photo.refresh_from_db()
    assert len(saved) == 5 and photo.renditions == []
    assert photo.renditions_error == "No space left on device"
    assert files_under(media_root) == [photo.image.name]
    hero = find(client.get(article.get_absolute_url()).content, "img")[0]["attrs"]
    assert (hero["src"], hero["width"]) == (photo.image.url, "900")
    client.force_login(UserFactory(groups=["Editors"]))
    form = client.get(f"{PHOTOS}{photo.pk}/change/").content
    assert (
        "could not be made (No space left on device)"
        in find(form, "p", class_="errornote")[0]["text"]
    )


def test_a_sweep_asks_again_for_renditions_whose_task_was_lost():
    lost = PhotoFactory(image__width=400, image__height=300)
    failed = PhotoFactory(image__width=400, image__height=300, renditions_error="Truncated file")
    recent = PhotoFactory(image__width=400, image__height=300)
    a_while_ago = timezone.now() - datetime.timedelta(minutes=3)
    Photo.objects.filter(pk__in=[lost.pk, failed.pk]).update(modified_at=a_while_ago)

    assert sweep_photo_renditions.delay().get() == 1

    assert [bool(p.renditions) for p in Photo.objects.order_by("pk")] == [True, False, False]
    assert recent.pk > lost.pk


def test_every_crop_keeps_the_focal_point_in_view():
    photo = PhotoFactory(image=SimpleUploadedFile("wide.jpg", two_colours()), focal_x=0.1)
    photo_make_renditions(photo=photo)

    assert [colour_of(photo, crop) for crop in ("lead", "teaser", "social")] == ["red"] * 3
    assert colour_of(photo, "free") == "grey"  # the whole photo, as composed

    photo.focal_x = 0.9
    photo.save()
    photo_make_renditions(photo=photo)

    assert [colour_of(photo, crop) for crop in ("lead", "teaser", "social")] == ["blue"] * 3


def test_a_focal_point_typed_in_the_admin_recuts_the_crops_and_refreshes_the_pages(
    client, editor, media_root, django_capture_on_commit_callbacks
):
    photo = PhotoFactory(image=SimpleUploadedFile("wide.jpg", two_colours()), focal_x=0.1)
    photo_make_renditions(photo=photo)
    old_files = [r["name"] for r in photo.renditions]
    article = ArticleFactory(live=True, hero_photo=photo)
    client.get(article.get_absolute_url())  # now in the page cache
    form = {
        "alt_text": photo.alt_text, "caption": photo.caption, "photographer": "Stringer",
        "agency": "AFP", "focal_x": "0.9", "focal_y": "0.5",
    }  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PHOTOS}{photo.pk}/change/", form)

    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.focal_x, colour_of(photo, "lead")) == (0.9, "blue")
    assert not any(default_storage.exists(name) for name in old_files)
    hero = find(client.get(article.get_absolute_url()).content, "img")[0]["attrs"]
    assert hero["src"] in {default_storage.url(r["name"]) for r in photo.renditions}


def test_a_focal_point_off_the_photo_is_a_form_error(client, editor):
    photo = PhotoFactory()

    response = client.post(
        f"{PHOTOS}{photo.pk}/change/",
        {"alt_text": "A road", "focal_x": "1.5", "focal_y": "-0.2"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "less than or equal to 1" in text and "greater than or equal to 0" in text


def test_renditions_made_for_an_older_focal_point_are_thrown_away(
    media_root, django_capture_on_commit_callbacks
):
    photo = PhotoFactory(image__width=400, image__height=300)
    Photo.objects.filter(pk=photo.pk).update(focal_x=0.2)  # moved while the worker was busy

    with django_capture_on_commit_callbacks(execute=True):
        photo_make_renditions(photo=photo)

    photo.refresh_from_db()
    assert photo.renditions == []
    assert files_under(media_root) == [photo.image.name]


def test_a_new_image_or_a_deleted_photo_leaves_no_old_file_behind(
    client, editor, media_root, django_capture_on_commit_callbacks
):
    photo = PhotoFactory(image__width=400, image__height=300)
    photo_make_renditions(photo=photo)
    form = {"alt_text": "A road", "focal_x": "0.5", "focal_y": "0.5"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{PHOTOS}{photo.pk}/change/",
            form | {"image": SimpleUploadedFile("new.jpg", jpeg(), content_type="image/jpeg")},
        )
    photo.refresh_from_db()

    assert photo.image.name.endswith("new.jpg") and photo.width == 800
    assert files_under(media_root) == sorted(
        [photo.image.name, *(r["name"] for r in photo.renditions)]
    )

    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()

    assert files_under(media_root) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_makes_the_renditions_of_an_uploaded_photo(
    client, celery_worker_process, media_root
):
    client.force_login(UserFactory(groups=["Editors"]))

    assert upload(client, jpeg(size=(800, 450))).status_code == 302

    photo = Photo.objects.get()
    deadline = time.monotonic() + 60
    while not photo.renditions and time.monotonic() < deadline:
        assert celery_worker_process.poll() is None, "the worker exited; see its log"
        time.sleep(0.2)
        photo.refresh_from_db()
    assert len(photo.renditions) == 19
    assert all((media_root / r["name"]).is_file() for r in photo.renditions)


def test_the_page_of_a_story_showing_a_photo_inline_gets_its_renditions_when_made(client):
    photo = PhotoFactory(image__width=400, image__height=300)
    article = ArticleFactory(
        live=True, body=f'<p>Text.</p><figure data-photo="{photo.pk}">x</figure>'
    )
    before = find(client.get(article.get_absolute_url()).content, "img")[0]["attrs"]

    photo_make_renditions(photo=photo)

    after = find(client.get(article.get_absolute_url()).content, "img")[0]["attrs"]
    assert before["src"] == photo.image.url
    free = [r for r in photo.renditions if r["crop"] == "free" and r["format"] == "jpeg"]
    assert after["src"] == default_storage.url(max(free, key=lambda r: r["width"])["name"])


def test_the_lead_and_the_hero_show_the_16_9_crop_teasers_the_3_2_and_cards_the_social(client):
    photo = PhotoFactory(image__width=1200, image__height=900)
    photo_make_renditions(photo=photo)
    lead = ArticleFactory(live=True, hero_photo=photo)
    ArticleFactory(live=True, hero_photo=photo, publish_at=lead.publish_at - datetime.timedelta(1))

    home = find(client.get("/").content, "img")
    story = client.get(lead.get_absolute_url()).content

    assert [(i["attrs"]["width"], i["attrs"]["height"]) for i in home] == [
        ("960", "540"),  # the lead
        ("960", "640"),  # a teaser
    ]
    assert "-lead-" in home[0]["attrs"]["srcset"] and "-teaser-" in home[1]["attrs"]["srcset"]
    hero = find(story, "img")[0]["attrs"]
    assert "-lead-" in hero["src"] and (hero["width"], hero["height"]) == ("960", "540")
    assert "-social-1200-" in meta(story, "og:image")[0]
    assert meta(story, "og:image:height") == ["628"]


def test_a_photo_that_fails_to_save_leaves_no_file(media_root):
    from django.db import IntegrityError

    from articles.photos import photo_save

    photo = Photo(alt_text="", image=SimpleUploadedFile("refused.jpg", jpeg()))

    with pytest.raises(IntegrityError):  # no alt text and not decorative: the check refuses it
        photo_save(photo=photo)

    assert files_under(media_root) == []


def test_after_an_upgrade_a_command_remakes_the_renditions_of_every_photo():
    photo = PhotoFactory(image__width=400, image__height=300)
    uncropped = [{"format": "jpeg", "width": 400, "height": 300, "name": "renditions/x-400.jpeg"}]
    Photo.objects.filter(pk=photo.pk).update(renditions=uncropped)  # made before crops

    out = io.StringIO()
    call_command("remake_renditions", stdout=out)

    photo.refresh_from_db()
    assert out.getvalue() == "Asked for the renditions of 1 photo.\n"
    assert {r["crop"] for r in photo.renditions} == {"free", "lead", "teaser", "social"}
