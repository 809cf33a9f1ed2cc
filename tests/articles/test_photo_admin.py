import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from articles.models import Photo
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.articles.html import find, inside

pytestmark = pytest.mark.django_db

PHOTOS = "/admin/articles/photo/"


def jpeg(*, iptc=None, exif=None, size=(800, 450)) -> bytes:
    """Return a JPEG carrying the given IPTC (APP13) and EXIF fields, as agencies send them."""
    exif_data = Image.Exif()
    for tag, value in (exif or {}).items():
        exif_data[tag] = value
    buffer = io.BytesIO()
    Image.new("RGB", size, "gray").save(buffer, "JPEG", exif=exif_data.tobytes())
    data = buffer.getvalue()
    if iptc:
        records = b"".join(
            b"\x1c" + bytes(key) + len(v.encode()).to_bytes(2, "big") + v.encode()
            for key, v in iptc.items()
        )
        resource = b"8BIM\x04\x04\x00\x00" + len(records).to_bytes(4, "big") + records
        payload = b"Photoshop 3.0\x00" + resource + b"\x00" * (len(records) % 2)
        data = data[:2] + b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]
    return data


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(groups=["Editors"]))


def upload(client, content, name="photo.jpg", **fields):
    data = {
        "image": SimpleUploadedFile(name, content, content_type="image/jpeg"),
        "alt_text": "Soldiers at a checkpoint",
        "caption": "",
        "photographer": "",
        "agency": "",
        "source_url": "",
        "usage_terms": "",
        "licence_url": "",
        "rights_expire_on": "",
        "notes": "",
    } | fields
    return client.post(f"{PHOTOS}add/", data)


def test_an_uploaded_non_image_is_a_form_error(client, editor):
    response = upload(client, b"%PDF-1.4 not an image", name="report.jpg")

    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Photo.objects.exists()


def test_iptc_credit_and_caption_prefill_the_empty_fields(client, editor):
    content = jpeg(
        iptc={(2, 80): "Stringer", (2, 110): "AFP", (2, 120): "An armoured vehicle."},
        exif={ExifTags.Base.Copyright: "Copyright AFP 2024"},
    )

    response = upload(client, content)

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.credit_line == "Stringer / AFP"
    assert photo.caption == "An armoured vehicle."
    assert photo.usage_terms == "Copyright AFP 2024"
    assert (photo.width, photo.height) == (800, 450)


def test_exif_fills_in_when_there_is_no_iptc_and_typed_values_win(client, editor):
    content = jpeg(
        exif={ExifTags.Base.Artist: "Jane Roe", ExifTags.Base.ImageDescription: "A street."}
    )

    upload(client, content, caption="Our own caption")

    photo = Photo.objects.get()
    assert photo.photographer == "Jane Roe"
    assert photo.caption == "Our own caption"


def test_a_photo_needs_alt_text_or_the_decorative_flag(client, editor):
    response = upload(client, jpeg(), alt_text="")

    assert "Write alt text for the photo" in response.content.decode()
    assert upload(client, jpeg(), alt_text="", is_decorative="on").status_code == 302


def test_the_photo_library_filters_rights_expiring_within_14_days_and_expired(client, editor):
    today = timezone.localdate()
    PhotoFactory(caption="Expiring soon", rights_expire_on=today + datetime.timedelta(9))
    PhotoFactory(caption="Valid for long", rights_expire_on=today + datetime.timedelta(20))
    PhotoFactory(caption="Ran out", rights_expire_on=datetime.date(2026, 1, 31))

    soon = card_texts(client.get(PHOTOS, {"rights": "soon"}).content)
    expired = card_texts(client.get(PHOTOS, {"rights": "expired"}).content)

    assert soon == ["Expiring soon Rights expire in 9 days Stringer / AFP On no article"]
    assert expired == ["Ran out Rights expired 31 Jan 2026 Stringer / AFP On no article"]


def card_texts(listing) -> list[str]:
    return [" ".join(c["text"].split()) for c in find(listing, "li", class_="photo-card")]


def test_an_upload_kept_after_an_error_is_saved_with_the_next_try_and_then_removed(client, editor):
    from django.core.files.storage import default_storage

    first = upload(client, jpeg(iptc={(2, 80): "Jane Photographer"}), alt_text="")
    token = find(first.content, "input", name="pending_image")[0]["attrs"]["value"]
    data = {
        "pending_image": token, "alt_text": "A checkpoint", "caption": "", "photographer": "",
        "agency": "", "source_url": "", "usage_terms": "", "licence_url": "",
        "rights_expire_on": "", "notes": "",
    }  # fmt: skip

    assert client.post(f"{PHOTOS}add/", data).status_code == 302

    photo = Photo.objects.get()
    assert (photo.width, photo.photographer) == (800, "Jane Photographer")
    assert default_storage.listdir("uploads-pending")[1] == []


def test_a_kept_upload_serves_only_the_person_who_made_it(client, editor):
    first = upload(client, jpeg(), alt_text="")
    token = find(first.content, "input", name="pending_image")[0]["attrs"]["value"]
    client.force_login(UserFactory(groups=["Editors"]))

    response = client.post(f"{PHOTOS}add/", {"pending_image": token, "alt_text": "Stolen"})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Photo.objects.exists()


def test_the_photo_library_filters_unused_photos_counting_hero_and_inline_use(client, editor):
    hero = PhotoFactory(caption="A hero", photographer="Jane Doe", agency="")
    inline = PhotoFactory(caption="Inline in a body")
    PhotoFactory(caption="Never used")
    ArticleFactory(hero_photo=hero)
    ArticleFactory(body=f'<p>Text.</p><figure data-photo="{inline.pk}">Inline</figure>')
    ArticleFactory(body=f'<figure data-photo="{inline.pk}0">Another photo</figure>')

    unused = client.get(PHOTOS, {"used": "no"}).content.decode()
    used = client.get(PHOTOS, {"used": "yes"}).content.decode()

    assert "Never used" in unused
    assert "A hero" not in unused and "Inline in a body" not in unused
    assert "A hero" in used and "Inline in a body" in used and "Never used" not in used


def test_the_photo_library_is_a_grid_of_cards_with_credit_use_and_rights(client, editor):
    used = PhotoFactory(caption="On two stories", photographer="Jane Doe", agency="Reuters")
    PhotoFactory(caption="Uncredited", photographer="", agency="")
    ArticleFactory(hero_photo=used)
    ArticleFactory(body=f'<figure data-photo="{used.pk}">x</figure>')

    listing = client.get(PHOTOS).content

    cards = card_texts(listing)
    assert "On two stories Jane Doe / Reuters On 2 articles Rights do not expire" in cards
    assert "Uncredited No credit On no article Rights do not expire" in cards
    assert not find(listing, "table", id="result_list")
    links = [a["attrs"]["href"] for a in inside(listing, "a", "photo-card")]
    assert f"{PHOTOS}{used.pk}/change/" in links


def test_the_photo_library_searches_caption_credit_and_agency(client, editor):
    PhotoFactory(caption="Ferry at dawn", agency="Reuters")
    PhotoFactory(caption="Tanks on a road", agency="AFP")

    found = client.get(PHOTOS, {"q": "reuters"}).content.decode()

    assert "Ferry at dawn" in found and "Tanks on a road" not in found


def test_a_photo_taken_out_of_a_body_becomes_unused_and_one_in_a_body_cannot_be_deleted(
    client, editor
):
    photo = PhotoFactory(caption="Inline for a while")
    article = ArticleFactory(body=f'<p>Text.</p><figure data-photo="{photo.pk}">x</figure>')

    assert not Photo.objects.unused().filter(pk=photo.pk).exists()
    refused = client.post(f"{PHOTOS}{photo.pk}/delete/", {"post": "yes"})
    assert "Cannot delete photo" in refused.content.decode()

    article.body = "<p>Text only.</p>"
    article.save()

    assert Photo.objects.unused().filter(pk=photo.pk).exists()


def test_the_photo_library_asks_the_same_queries_for_few_photos_or_many(client, editor):
    def queries_for_the_list() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(PHOTOS, {"used": "no"}).status_code == 200
        return len(captured)

    for _ in range(2):
        inline = PhotoFactory()
        ArticleFactory(
            hero_photo=PhotoFactory(), body=f'<figure data-photo="{inline.pk}">x</figure>'
        )
    queries_for_the_list()  # the header's name (the masthead) is read once per process
    few = queries_for_the_list()
    for _ in range(8):
        inline = PhotoFactory()
        ArticleFactory(
            hero_photo=PhotoFactory(), body=f'<figure data-photo="{inline.pk}">x</figure>'
        )
        PhotoFactory()

    assert queries_for_the_list() == few


def test_the_photo_page_shows_the_crops_pages_use_and_the_focal_point_boxes(client, editor):
    from articles.photos import photo_make_renditions

    photo = photo_make_renditions(photo=PhotoFactory(image__width=900, image__height=600))

    page = client.get(f"{PHOTOS}{photo.pk}/change/").content

    captions = [f["text"] for f in find(page, "figcaption")]
    assert captions == ["Lead and story page, 16:9", "Teasers, 3:2", "Social card, 1.91:1"]
    boxes = {i["attrs"]["name"]: i["attrs"] for i in find(page, "input", type="number")}
    assert boxes["focal_x"]["value"] == "0.5" and boxes["focal_x"]["max"] == "1"
    assert "data-focal-picker" in find(page, "div", class_="focal-picker")[0]["attrs"]
