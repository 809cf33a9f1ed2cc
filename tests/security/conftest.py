import pytest
from django.urls import reverse

from articles.photos import photo_make_renditions
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PhotoFactory,
    TagFactory,
)
from tests.support.conftest import deliver, give  # noqa: F401


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def story(db):
    """A published article with every part a reader page can show."""
    tag, author = TagFactory(slug="diplomacy"), AuthorFactory(slug="ann-lee")
    photo = photo_make_renditions(photo=PhotoFactory())
    article = ArticleFactory(
        live=True,
        headline="Talks resume",
        body='<p>Talks resumed. <a href="https://example.org/report">The report</a>.</p>',
        hero_photo=photo,
        tags=[tag],
        authors=[author],
    )
    CorrectionFactory(article=article)
    return article


@pytest.fixture
def reader_pages(story):
    """Every HTML page a reader can reach without an account."""
    from newsletters.models import Newsletter

    Newsletter.objects.create(name="The Morning Brief", slug="morning")  # its sign-up form
    return [
        "/",
        story.get_absolute_url(),
        reverse("articles:section", args=[story.section.slug]),
        reverse("articles:tag", args=["diplomacy"]),
        reverse("articles:author", args=["ann-lee"]),
        reverse("articles:search") + "?q=talks",
        reverse("support:give"),
        reverse("support:give") + f"?placement=end_of_article&article={story.pk}",
        reverse("support:remind"),
        reverse("newsletters:index"),
        "/no-such-page/",
    ]
