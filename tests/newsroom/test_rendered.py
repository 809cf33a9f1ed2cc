"""Parts of reader pages drawn once per version of their data (newsroom.rendered)."""

import pytest

from newsroom import rendered

PART = '<a href="/support/?placement={{ placement }}{{ about }}">{{ label }}</a>'


@pytest.fixture
def part(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", {"part.html": PART})],
            },
        }
    ]


@pytest.fixture
def drawn(drawn_templates):
    return drawn_templates


def draw(version, about, label="Support us"):
    context = {"placement": "top_banner", "label": label}
    return rendered.render((version,), "part.html", context, fill={"about": about})


def test_a_part_is_drawn_once_and_each_page_gets_its_own_values_escaped(part, drawn):
    first = draw("v1", "&article=1&next=/2024/06/12/a/")
    second = draw("v1", '&article=2&next="><script>')

    assert drawn == ["part.html"]
    assert first == (
        '<a href="/support/?placement=top_banner&amp;article=1&amp;next=/2024/06/12/a/">'
        "Support us</a>"
    )
    assert second == (
        '<a href="/support/?placement=top_banner&amp;article=2&amp;next=&quot;&gt;&lt;script&gt;">'
        "Support us</a>"
    )


def test_a_new_version_of_the_data_is_drawn_afresh(part, drawn):
    before = draw("v1", "", label="Support us")
    after = draw("v2", "", label="Give today")

    assert drawn == ["part.html", "part.html"]
    assert "Support us" in before and "Give today" in after


def test_each_process_keeps_a_bounded_number_of_parts(part, drawn, monkeypatch):
    monkeypatch.setattr(rendered, "LIMIT", 2)
    for version in ("v1", "v2", "v3", "v1"):
        draw(version, "")

    assert len(drawn) == 4  # v1 was the oldest of three, and was let go


def test_changed_settings_let_go_of_what_was_drawn(part, drawn, settings):
    draw("v1", "")
    settings.STATIC_URL = "/assets/"  # a drawn part may hold a static file's address
    draw("v1", "")

    assert len(drawn) == 2
