"""What a photo file may be (told by its content), the names it is stored under, and the
memory a worker takes to make its renditions."""

import io
import mimetypes
import re
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from django.views.static import serve
from PIL import EpsImagePlugin, Image

from articles.models import Photo
from articles.photos import photo_make_renditions
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.articles.test_photo_admin import upload

pytestmark = pytest.mark.django_db

EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n%%EndComments\n"
    b"newpath 0 0 moveto 100 100 lineto stroke\nshowpage\n%%EOF\n"
)
UNGUESSABLE = re.compile(r"\Aphotos/[0-9]{4}/[0-9]{2}/[A-Za-z0-9_-]{22}/[^/]+\Z")


def image_bytes(pillow_format: str, size=(120, 80), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "gray" if mode != "RGBA" else (90, 90, 90, 255)).save(
        buffer, pillow_format
    )
    return buffer.getvalue()


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(groups=["Editors"]))


@pytest.fixture
def postscript_loader_calls(monkeypatch):
    """Every time Pillow's EPS loader is asked to read a file (it would run Ghostscript)."""
    calls = []
    original = EpsImagePlugin.EpsImageFile._open

    def spying(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", spying)
    return calls


@pytest.mark.parametrize("name", ["drawing.eps", "photo.jpg"])
def test_a_postscript_file_is_refused_without_reaching_pillow_s_postscript_loader(
    client, editor, postscript_loader_calls, name
):
    response = upload(client, EPS, name=name)

    assert response.status_code == 200
    assert "a photo as a JPEG, PNG, WebP or GIF file" in response.content.decode()
    assert postscript_loader_calls == []
    assert not Photo.objects.exists()


@pytest.mark.parametrize("pillow_format", ["BMP", "TIFF", "ICO", "PPM", "PCX", "TGA"])
def test_images_in_formats_a_photo_may_not_be_are_refused(client, editor, pillow_format):
    response = upload(client, image_bytes(pillow_format), name="photo.jpg")

    assert response.status_code == 200
    assert "a photo as a JPEG, PNG, WebP or GIF file" in response.content.decode()
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    "pillow_format, extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")]
)
def test_jpeg_png_webp_and_gif_photos_are_taken_and_stored_under_their_own_extension(
    client, editor, pillow_format, extension
):
    response = upload(client, image_bytes(pillow_format), name="photo.jpeg")

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.endswith(f"/photo.{extension}")
    assert (photo.width, photo.height) == (120, 80)


def test_png_bytes_named_pdf_are_stored_as_a_png_and_served_as_an_image(client, editor):
    response = upload(client, image_bytes("PNG"), name="evil.pdf")

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.endswith("/evil.png")
    # Served by its extension, as nginx and object storage do.
    served = serve(RequestFactory().get("/"), photo.image.name, default_storage.location)
    served.close()
    assert served["Content-Type"] == "image/png"
    assert mimetypes.guess_type(photo.image.name)[0] == "image/png"


def test_a_kept_upload_of_a_form_with_errors_is_kept_under_its_format_s_extension(client, editor):
    response = upload(client, image_bytes("PNG"), name="evil.pdf", alt_text="")

    assert response.status_code == 200
    kept = list((Path(default_storage.location) / "uploads-pending").glob("*/*"))
    assert [path.name for path in kept] == ["evil.png"]


def test_an_uploaded_photo_is_stored_under_a_name_nobody_can_guess(client, editor):
    for _ in range(2):
        assert upload(client, image_bytes("JPEG"), name="IMG_1234.jpg").status_code == 302

    first, second = Photo.objects.order_by("pk")
    assert UNGUESSABLE.match(first.image.name), first.image.name
    assert first.image.name != second.image.name
    assert first.image.name.endswith("/IMG_1234.jpg")  # the photographer's name is kept


def test_renditions_are_stored_under_names_nobody_can_guess():
    photo = PhotoFactory(image__width=700, image__height=400)

    first = {Path(r["name"]).stem[-23:] for r in photo_make_renditions(photo=photo).renditions}
    again = {Path(r["name"]).stem[-23:] for r in photo_make_renditions(photo=photo).renditions}

    # One random token of 22 characters (128 bits) ends every name of one making.
    assert len(first) == len(again) == 1
    assert re.fullmatch(r"-[A-Za-z0-9_-]{22}", first.pop())
    assert first != again


def _stored_before_names_were_random(photo, name):
    """Give a photo the name uploads had before: photos/<year>/<month>/<upload's name>."""
    old_renditions = photo_make_renditions(photo=photo).renditions
    with default_storage.open(photo.image.name, "rb") as content:
        saved = default_storage.save(name, content)
    default_storage.delete(photo.image.name)
    Photo.objects.filter(pk=photo.pk).update(image=saved)
    photo.refresh_from_db()
    return saved, [r["name"] for r in old_renditions]


def test_the_command_moves_photos_of_stories_not_yet_live_to_unguessable_names(
    client, django_capture_on_commit_callbacks
):
    scheduled_photo, live_photo = PhotoFactory(), PhotoFactory()
    old_name, old_renditions = _stored_before_names_were_random(
        scheduled_photo, "photos/2026/12/IMG_1234.jpg"
    )
    live_name, _ = _stored_before_names_were_random(live_photo, "photos/2026/12/IMG_9.jpg")
    future = timezone.now() + timezone.timedelta(days=2)
    ArticleFactory(status="scheduled", publish_at=future, hero_photo=scheduled_photo)
    live = ArticleFactory(live=True, hero_photo=live_photo)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("photos_unguessable_names", stdout=io.StringIO())

    scheduled_photo.refresh_from_db()
    assert UNGUESSABLE.match(scheduled_photo.image.name)
    assert not default_storage.exists(old_name)
    assert not any(default_storage.exists(name) for name in old_renditions)
    assert default_storage.exists(scheduled_photo.image.name)
    assert scheduled_photo.renditions
    assert all(default_storage.exists(r["name"]) for r in scheduled_photo.renditions)
    # A live story's photo is public already: its files stay where pages name them.
    live_photo.refresh_from_db()
    assert live_photo.image.name == live_name
    assert client.get(live.get_absolute_url()).status_code == 200


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_makes_the_renditions_of_a_40_megapixel_rgba_png_within_400_mb(
    client, celery_worker_process
):
    buffer = io.BytesIO()
    Image.new("RGBA", (8000, 5000), (200, 30, 30, 128)).save(buffer, "PNG")
    png = buffer.getvalue()
    assert len(png) < 200_000  # a flat colour compresses to about 165 KB
    client.force_login(UserFactory(groups=["Editors"]))

    assert upload(client, png, name="flat.png").status_code == 302  # accepted

    photo = Photo.objects.get()
    deadline = time.monotonic() + 120
    while not (photo.renditions or photo.renditions_error) and time.monotonic() < deadline:
        assert celery_worker_process.poll() is None, "the worker exited; see its log"
        time.sleep(0.2)
        photo.refresh_from_db()
    assert photo.renditions and not photo.renditions_error
    # The worker's peak resident memory so far (Pillow's buffers are C allocations that
    # tracemalloc does not see; the kernel counts them).
    status = Path(f"/proc/{celery_worker_process.pid}/status").read_text()
    peak_kb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    assert peak_kb <= 400 * 1024, f"peak {peak_kb // 1024} MB"
