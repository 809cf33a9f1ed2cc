"""A live blog as readers meet one: a story with a few entries, one pinned."""

import datetime

from django.utils import timezone

from tests.articles.factories import ArticleFactory, AuthorFactory
from tests.articles.live_factories import LiveEntryFactory

ENTRIES = [
    (
        "What we know",
        "<p>The last convoy left the Lachin corridor at dawn; the checkpoints are unmanned."
        "</p><ul><li>About 2,000 troops have left since April.</li>"
        "<li>Their equipment went by road to Goris.</li></ul>",
        True,
    ),
    ("", "<p>Local officials say the base at Khojaly has been handed over.</p>", False),
    (
        "Moscow confirms",
        "<p>The Kremlin's spokesman said the withdrawal was <em>agreed at the highest "
        'level</em> (<a href="https://example.org/statement">statement</a>).</p>',
        False,
    ),
    ("", "<p>Our correspondent reports traffic moving freely on the road to Shusha.</p>", False),
]


def live_blog_story(site):
    """A live blog beside the seeded story, with four entries an hour apart (one pinned)."""
    story = site.story
    blog = ArticleFactory(
        headline="Peacekeepers' withdrawal: live updates",
        slug="peacekeepers-withdrawal-live",
        kicker="Live",
        dek="The last Russian peacekeepers leave Nagorno-Karabakh. Follow the day here.",
        body="<p>Russia's peacekeeping contingent is completing its withdrawal.</p>",
        section=story.section,
        hero_photo=story.hero_photo,
        status="published",
        publish_at=timezone.now() - datetime.timedelta(hours=5),
        live_blog="open",
    )
    reporter = AuthorFactory(name="Anna Petrova", slug="anna-petrova")
    now = timezone.now()
    for hours, (headline, body, pinned) in enumerate(ENTRIES, start=1):
        LiveEntryFactory(
            article=blog,
            headline=headline,
            body=body,
            pinned=pinned,
            author=reporter if hours % 2 else None,
            posted_at=now - datetime.timedelta(hours=hours),
        )
    return blog
