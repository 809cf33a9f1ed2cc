"""The photo chooser (an admin view the article form opens in a dialog): the whole library,
searched by caption, photographer and agency, filtered by rights, a page at a time, with
upload in place that asks for a credit as a story does."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.models import Photo
from tests.articles.factories import PhotoFactory, UserFactory
from tests.articles.html import find, parse
from tests.articles.test_photo_admin import jpeg

pytestmark = pytest.mark.django_db

CHOOSER = "/admin/articles/article/photo-chooser/"
UPLOAD = "/admin/articles/article/photo-chooser/upload/"


@pytest.fixture
def writer(client):
    client.force_login(UserFactory(groups=["Writers"]))


def choices(response) -> list[str]:
    """The photos offered, by the label of their Choose buttons."""
    assert response.status_code == 200
    return [
        button["attrs"]["data-label"]
        for button in parse(response.content)
        if button["tag"] == "button" and "data-choose-photo" in button["attrs"]
    ]


def test_search_finds_caption_photographer_and_agency_words(client, writer):
    PhotoFactory(caption="Ferry at dawn", photographer="Jane Doe", agency="Reuters")
    PhotoFactory(caption="Tanks on a road", photographer="Ivan Petrov", agency="AFP")

    assert choices(client.get(CHOOSER, {"q": "ferry", "partial": 1})) == [
        "Ferry at dawn (Jane Doe / Reuters)"
    ]
    assert choices(client.get(CHOOSER, {"q": "petrov", "partial": 1})) == [
        "Tanks on a road (Ivan Petrov / AFP)"
    ]
    assert choices(client.get(CHOOSER, {"q": "REUTERS dawn", "partial": 1})) == [
        "Ferry at dawn (Jane Doe / Reuters)"
    ]
    assert choices(client.get(CHOOSER, {"q": "reuters tanks", "partial": 1})) == []
    assert (
        "No photos for “reuters tanks”"
        in client.get(CHOOSER, {"q": "reuters tanks"}).content.decode()
    )


def test_by_default_only_photos_a_story_may_show_can_be_chosen(client, writer):
    today = timezone.localdate()
    PhotoFactory(caption="Credited")
    PhotoFactory(caption="Uncredited", photographer="", agency="")
    PhotoFactory(caption="Expired", rights_expire_on=today - datetime.timedelta(days=1))
    PhotoFactory(caption="Expiring", rights_expire_on=today + datetime.timedelta(days=3))

    usable = choices(client.get(CHOOSER, {"partial": 1}))
    assert sorted(usable) == ["Credited (Stringer / AFP)", "Expiring (Stringer / AFP)"]
    assert choices(client.get(CHOOSER, {"rights": "soon", "partial": 1})) == [
        "Expiring (Stringer / AFP)"
    ]
    assert choices(client.get(CHOOSER, {"rights": "none", "partial": 1})) == [
        "Credited (Stringer / AFP)"
    ]
    everything = client.get(CHOOSER, {"rights": "all", "partial": 1})
    assert len(choices(everything)) == 2  # the others are shown, and say why not
    warnings = [e["text"] for e in parse(everything.content) if "chooser-card-warning" in
                e["attrs"].get("class", "")]  # fmt: skip
    assert sorted(warnings) == [
        "No credit: add one on the photo's page.",
        f"Rights expired on {today - datetime.timedelta(days=1):%-d %b %Y}.",
    ]


def test_the_whole_library_a_page_at_a_time_oldest_on_the_last_page(client, writer):
    oldest = PhotoFactory(caption="The oldest photo")
    Photo.objects.filter(pk=oldest.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3650)
    )
    for number in range(30):
        PhotoFactory(caption=f"Photo {number}")

    first = client.get(CHOOSER, {"partial": 1})
    assert len(choices(first)) == 24
    assert "31 photos, page 1 of 2" in first.content.decode()
    assert "The oldest photo (Stringer / AFP)" not in choices(first)
    last = client.get(CHOOSER, {"partial": 1, "page": 2})
    assert choices(last)[-1] == "The oldest photo (Stringer / AFP)"
    assert choices(client.get(CHOOSER, {"partial": 1, "page": "x"})) == choices(first)


def test_the_chooser_is_for_staff_who_may_see_photos(client):
    assert client.get(CHOOSER).status_code == 302  # to the admin's login
    client.force_login(UserFactory(is_staff=True))
    assert client.get(CHOOSER).status_code == 403
    assert client.post(UPLOAD).status_code == 403
    client.force_login(UserFactory(groups=["Editors"], username="an-editor"))
    page = client.get(CHOOSER)
    assert page.status_code == 200
    assert find(page.content, "form", **{"class": "chooser-upload"})


def upload(client, *, partial=True, **fields):
    data = {
        "image": SimpleUploadedFile("new.jpg", jpeg(), content_type="image/jpeg"),
        "alt_text": "Delegates at a table",
        "caption": "Delegates in Geneva.",
        "photographer": "",
        "agency": "",
        "rights_expire_on": "",
    } | fields
    return client.post(UPLOAD + ("?partial=1" if partial else ""), data)


def test_an_upload_without_a_credit_is_refused_and_says_why(client, writer):
    response = upload(client)

    assert response.status_code == 400
    assert "Name the photographer or the agency" in response.content.decode()
    assert not Photo.objects.exists()


def test_an_upload_with_a_credit_is_a_new_photo_ready_to_choose(client, writer):
    response = upload(client, photographer="Jane Doe")

    assert response.status_code == 201
    photo = Photo.objects.get()
    assert response.json() == {"id": photo.pk, "label": "Delegates in Geneva. (Jane Doe)"}
    assert (photo.width, photo.height, photo.alt_text) == (800, 450, "Delegates at a table")


def test_a_credit_in_the_image_is_enough(client, writer):
    content = jpeg(iptc={(2, 80): "Stringer", (2, 110): "AFP"})
    response = upload(
        client, image=SimpleUploadedFile("agency.jpg", content, content_type="image/jpeg")
    )

    assert response.status_code == 201
    assert Photo.objects.get().credit_line == "Stringer / AFP"


def test_without_javascript_the_upload_returns_to_the_chooser_page(client, writer):
    refused = upload(client, partial=False, alt_text="")
    assert refused.status_code == 400
    assert "Please correct the errors below" in refused.content.decode()

    response = upload(client, partial=False, agency="Reuters")
    assert response.status_code == 302 and response["Location"] == CHOOSER
