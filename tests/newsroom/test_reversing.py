import pytest
from django.urls import reverse as django_reverse

from articles.models import Section
from newsroom.reversing import reverse


def test_remembered_urls_are_djangos_and_follow_a_changed_urlconf(settings):
    section = Section(name="World", slug="world")
    assert section.get_absolute_url() == django_reverse("articles:section", args=["world"])
    assert reverse("articles:tag", kwargs={"slug": "baku"}) == "/tag/baku/"

    settings.ROOT_URLCONF = "tests.newsroom.urls_under_edition"

    assert section.get_absolute_url() == "/edition/section/world/"


def test_an_unknown_name_is_refused_as_django_refuses_it():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("articles:no-such-page")
