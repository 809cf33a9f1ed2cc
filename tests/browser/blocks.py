"""A story with every kind of block, as readers meet one: a pull quote, a fact box, a
table, a related story and an embed (kept, with a local thumbnail)."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Embed, Provider
from tests.articles.factories import ArticleFactory

SLUG = "ceasefire-in-numbers"


def thumbnail() -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), (90, 110, 130)).save(out, "JPEG")
    return ContentFile(out.getvalue(), name="youtube.jpg")


def kept_embed(**fields) -> Embed:
    values = {
        "url": "https://www.youtube.com/watch?v=peacekeepers",
        "provider": Provider.YOUTUBE,
        "title": "Convoy leaves Stepanakert at dawn",
        "author": "Regional TV",
        "frame_url": "https://www.youtube-nocookie.com/embed/peacekeepers",
        "resolved_at": timezone.now(),
    }
    embed = Embed(**{**values, **fields})
    embed.thumbnail.save("youtube.jpg", thumbnail(), save=False)
    embed.save()
    return embed


def body_with_blocks(site, embed) -> str:
    link = f'<a href="{embed.url}">{embed.url}</a>'
    return (
        "<p>The ceasefire has held for a month, the monitors say, though both sides report "
        "violations every night.</p>"
        '<aside data-block="pullquote"><p>“Nobody here believes it will last the winter.”</p>'
        "<p><cite>A farmer in Askeran</cite></p></aside>"
        "<p>Here is what the mission has counted since it began.</p>"
        "<table><caption>Violations reported, by week</caption><thead><tr>"
        '<th scope="col">Week</th><th scope="col">Reported</th><th scope="col">Confirmed</th>'
        "</tr></thead><tbody><tr><td>1</td><td>48</td><td>31</td></tr>"
        "<tr><td>2</td><td>36</td><td>20</td></tr><tr><td>3</td><td>22</td><td>15</td></tr>"
        "</tbody></table>"
        '<aside data-block="factbox"><h2>The mission</h2><ul><li>Began in November</li>'
        "<li>120 monitors from 14 countries</li><li>Reports weekly to the council</li></ul>"
        "</aside>"
        f'<figure data-block="embed" data-embed="{embed.pk}">{link}</figure>'
        f'<figure data-block="related" data-article="{site.story.pk}">{site.story.headline}'
        "</figure>"
        "<p>The council meets again on Friday.</p>"
    )


def blocks_story(site, *, embed=None):
    """A published story beside the seeded one, showing each block."""
    embed = embed or kept_embed()
    return ArticleFactory(
        headline="The ceasefire in numbers",
        slug=SLUG,
        dek="A month of monitoring, in a table, a fact box and the convoy on video.",
        body=body_with_blocks(site, embed),
        section=site.story.section,
        status="published",
        publish_at=timezone.now() - datetime.timedelta(hours=2),
    )
