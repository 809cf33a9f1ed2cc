import pytest
import reversion
from django.core.cache import cache

from tests.articles.factories import ArticleFactory, UserFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


# Two editors at one story: the edit version, conflicts and autosave.
@pytest.fixture
def anna():
    return UserFactory(groups=["Editors"], first_name="Anna", last_name="Petrova")


@pytest.fixture
def ben():
    return UserFactory(groups=["Editors"], first_name="Ben", last_name="Okafor")


@pytest.fixture
def article():
    with reversion.create_revision():
        return ArticleFactory(headline="Ceasefire holds", dek="As it was.", kicker="War")
