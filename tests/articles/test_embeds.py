"""Embeds resolved when an editor adds them: allow-listed hosts, https, no private
addresses, no redirects, a size cap; a provider that is down leaves a link and a retry."""

import io

import pytest
from PIL import Image

from articles.embeds import (
    EmbedUrlError,
    embed_for_url,
    embed_resolve,
    embeds_retry_failed_later,
    frame_origins,
    frame_url,
    spec_for,
)
from articles.models import Embed, Provider
from articles.safe_fetch import FetchError, fetch, public_address
from tests.articles.fake_oembed import fake_provider

pytestmark = pytest.mark.django_db

VIDEO = "https://www.youtube.com/watch?v=abc123"


@pytest.fixture
def provider(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with fake_provider() as fake:
        settings.EMBED_TEST_ALLOW_LOCAL = True
        settings.EMBED_TEST_PROVIDERS = fake.settings_for("youtube")
        yield fake


def test_a_youtube_url_is_resolved_once_and_kept_with_a_local_thumbnail(provider):
    embed = embed_for_url(url=VIDEO)

    assert embed.provider == Provider.YOUTUBE
    assert embed.error == ""
    assert embed.title == "Council <b>meeting</b>, in full"  # text, escaped when drawn
    assert embed.author == "City Hall TV"
    assert embed.frame_url == f"{provider.origin}/embed/abc123"
    assert embed.thumbnail.name.startswith("embeds/")
    assert embed.thumbnail.width <= 1280
    assert "<script" not in embed.html and "<iframe" not in embed.html
    seen = len(provider.requests)

    assert embed_for_url(url=VIDEO) == embed
    assert len(provider.requests) == seen  # kept, not asked again


def test_a_thumbnail_in_a_format_the_photo_library_refuses_is_not_kept(provider):
    tiff = io.BytesIO()
    Image.new("RGB", (480, 360), (40, 40, 200)).save(tiff, "TIFF")
    provider.thumbnail = tiff.getvalue()  # served as image/jpeg all the same

    embed = embed_for_url(url=VIDEO)

    assert embed.error == "" and embed.title.startswith("Council")
    assert not embed.thumbnail


def test_a_provider_that_is_down_leaves_the_error_and_a_retry_resolves_it(provider):
    provider.mode = "down"
    embed = embed_for_url(url=VIDEO)
    assert embed.error == "The provider answered 503."
    assert embed.frame_url == "" and embed.title == ""

    provider.mode = "ok"
    embed = embed_for_url(url=VIDEO)  # a re-save retries a failed one

    assert embed.error == ""
    assert embed.title.startswith("Council")


def test_resolving_again_replaces_the_kept_thumbnail(provider):
    embed = embed_for_url(url=VIDEO)
    first = embed.thumbnail.name

    embed_resolve(embed=embed)

    assert embed.thumbnail.name != first
    assert embed.thumbnail.storage.exists(embed.thumbnail.name)
    assert not embed.thumbnail.storage.exists(first)


def test_a_redirect_is_not_followed(provider):
    provider.mode = "redirect"

    embed = embed_for_url(url=VIDEO)

    assert "redirect" in embed.error
    assert not any("10.0.0.1" in path for path in provider.requests)


def test_a_provider_slower_than_the_timeout_leaves_an_error(provider, monkeypatch):
    monkeypatch.setattr("articles.safe_fetch.READ_SECONDS", 0.2)
    provider.mode = "slow"

    embed = embed_for_url(url=VIDEO)

    assert embed.error == "127.0.0.1 did not answer (ReadTimeoutError)."
    assert embed.title == ""


def test_an_oembed_answer_over_the_size_cap_is_refused(provider):
    provider.mode = "huge"

    assert "too large" in embed_for_url(url=VIDEO).error


def test_without_the_test_setting_plain_http_and_loopback_are_refused(provider, settings):
    settings.EMBED_TEST_ALLOW_LOCAL = False
    embed = embed_for_url(url=VIDEO)
    assert embed.error == "Only https addresses are fetched."

    https_endpoint = provider.origin.replace("http:", "https:") + "/oembed?url={url}"
    settings.EMBED_TEST_PROVIDERS = {"youtube": {"oembed": https_endpoint}}
    embed_resolve(embed=embed)

    assert "private address" in embed.error
    assert provider.requests == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "10.1.2.3", "169.254.169.254", "::1"])
def test_a_host_naming_a_private_address_is_refused(host):
    with pytest.raises(FetchError, match="private address"):
        public_address(host, 443)


def test_a_host_not_on_the_providers_list_is_never_fetched():
    with pytest.raises(FetchError, match="not one of the provider's hosts"):
        fetch("https://evil.example/oembed", hosts={"www.youtube.com"}, limit=100)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://t.me/newsroom/123", Provider.TELEGRAM),
        ("https://www.instagram.com/p/Cabc/", Provider.INSTAGRAM),
        ("https://www.openstreetmap.org/#map=12/52.5/13.4", Provider.MAP),
        ("https://www.google.com/maps/place/Berlin", Provider.MAP),
        ("https://www.google.com/search?q=maps", Provider.UNKNOWN),
        ("https://unknown.example/video/1", Provider.UNKNOWN),
    ],
)
def test_providers_without_open_oembed_and_unknown_ones_are_not_fetched(url, kind):
    embed = embed_for_url(url=url)  # no endpoint set up: any fetch would fail

    assert embed.provider == kind
    assert embed.error == ""
    assert embed.frame_url == ""


@pytest.mark.parametrize("text", ["", "javascript:alert(1)", "ftp://x.example/", "not a url",
                                  "https://user:pw@www.youtube.com/watch?v=1"])  # fmt: skip
def test_text_that_is_not_a_web_address_is_refused_with_a_reason(text):
    with pytest.raises(EmbedUrlError):
        embed_for_url(url=text)
    assert not Embed.objects.exists()


def test_the_frame_origins_are_the_providers_players_only():
    assert frame_origins() == [
        "https://datawrapper.dwcdn.net",
        "https://flo.uri.sh",
        "https://platform.twitter.com",
        "https://player.vimeo.com",
        "https://www.youtube-nocookie.com",
    ]


@pytest.mark.parametrize(
    ("url", "markup", "frame"),
    [
        ("https://www.youtube.com/watch?v=abc",
         '<iframe width="200" src="https://www.youtube.com/embed/abc?feature=oembed"></iframe>',
         "https://www.youtube-nocookie.com/embed/abc?feature=oembed"),
        ("https://vimeo.com/76979871",
         '<iframe src="https://player.vimeo.com/video/76979871?dnt=1&amp;app_id=1"></iframe>',
         "https://player.vimeo.com/video/76979871?dnt=1&app_id=1"),
        ("https://x.com/reporter/status/1790000000000000000",
         '<blockquote class="twitter-tweet"><p>Hi</p></blockquote>',
         "https://platform.twitter.com/embed/Tweet.html?dnt=true&id=1790000000000000000"),
        ("https://datawrapper.dwcdn.net/AbC12/3/",
         '<iframe src="https://datawrapper.dwcdn.net/AbC12/3/"></iframe>',
         "https://datawrapper.dwcdn.net/AbC12/3/"),
        ("https://public.flourish.studio/visualisation/123/",
         '<iframe src="https://flo.uri.sh/visualisation/123/embed"></iframe>',
         "https://flo.uri.sh/visualisation/123/embed"),
        # A player anywhere but the provider's own frame origin is never loaded.
        ("https://vimeo.com/1", '<iframe src="https://evil.example/player"></iframe>', ""),
        ("https://vimeo.com/1", '<iframe src="javascript:alert(1)"></iframe>', ""),
        ("https://vimeo.com/1",
         '<iframe src="https://player.vimeo.com@evil.example/x"></iframe>', ""),
    ],
)  # fmt: skip
def test_a_press_loads_only_the_providers_own_player(url, markup, frame):
    assert frame_url(url, spec_for(url), markup) == frame


def test_saving_a_story_again_retries_its_failed_embeds_after_the_commit(
    provider, django_capture_on_commit_callbacks
):
    provider.mode = "down"
    embed = embed_for_url(url=VIDEO)
    kept = embed_for_url(url="https://t.me/newsroom/1")
    provider.mode = "ok"
    body = "".join(
        f'<figure data-block="embed" data-embed="{e.pk}">x</figure>' for e in (embed, kept)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert embeds_retry_failed_later(body=body) == [embed.pk]
        embed.refresh_from_db()
        assert embed.error  # not while the story's transaction is open

    embed.refresh_from_db()
    assert embed.error == "" and embed.title.startswith("Council")
