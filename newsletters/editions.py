"""What an edition holds and how it reads: drawn once (HTML and text) for a whole batch,
each reader's own unsubscribe link put in afterwards.

Only stories readers may see go in: one unpublished after the edition was composed or
scheduled is left out, and the edition's note (and the admin's message) says so.
"""

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from markupsafe import Markup

from articles.models import Article
from articles.sanitize import html_to_text
from newsletters.models import Edition, EditionStory
from newsroom.links import absolute_url
from publication.services import masthead

# Stands for the reader's own unsubscribe link in the drawn edition (nothing escapes it).
UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/reader"
SUPPORT_PLACEMENT = "newsletter"


@dataclass(frozen=True)
class Drawn:
    subject: str
    html: str
    text: str
    left_out: list[str]  # headlines of stories readers can no longer see

    def for_reader(self, unsubscribe_url: str) -> tuple[str, str]:
        return (
            self.html.replace(UNSUBSCRIBE_MARK, unsubscribe_url),
            self.text.replace(UNSUBSCRIBE_MARK, unsubscribe_url),
        )


def edition_stories(edition: Edition) -> tuple[list[Article], list[Article]]:
    """The edition's stories in order: those readers may see, and those left out."""
    rows = list(
        EditionStory.objects.filter(edition=edition)
        .select_related("article", "article__hero_photo")
        .order_by("position", "pk")
    )
    live = set(
        Article.objects.published()
        .filter(pk__in=[row.article_id for row in rows])
        .values_list("pk", flat=True)
    )
    shown = [row.article for row in rows if row.article_id in live]
    left_out = [row.article for row in rows if row.article_id not in live]
    return shown, left_out


def left_out_note(headlines: list[str]) -> str:
    return "".join(f"Left out “{headline}”: it is no longer published.\n" for headline in headlines)


def support_url() -> str:
    return absolute_url(reverse("support:give") + f"?placement={SUPPORT_PLACEMENT}")


def edition_draw(edition: Edition) -> Drawn:
    stories, left_out = edition_stories(edition)
    publication = masthead()["publication"]
    context = {
        "publication": publication,
        "site_url": settings.SITE_URL,
        "edition": edition,
        "newsletter": edition.newsletter,
        "intro_html": Markup(edition.intro),  # noqa: S704 (sanitised when saved: Edition.save)
        "intro_text": html_to_text(edition.intro),
        "stories": [_story(article) for article in stories],
        "support_url": support_url() if edition.ask else "",
        "unsubscribe_url": UNSUBSCRIBE_MARK,
        "newsletters_url": absolute_url(reverse("newsletters:index")),
    }
    return Drawn(
        subject=edition.subject,
        html=render_to_string("newsletters/email/edition.html", context),
        text=render_to_string("newsletters/email/edition.txt", context),
        left_out=[article.headline for article in left_out],
    )


def _story(article: Article) -> dict:
    photo = article.hero_photo
    return {
        "kicker": article.kicker,
        "headline": article.headline,
        "dek": article.dek,
        "url": absolute_url(article.get_absolute_url()),
        # No image in the email (a remote one would tell us who opened it): its credit
        # goes with the story's link instead, as the photo is on the page it leads to.
        "photo_credit": photo.credit_line if photo is not None else "",
    }


def message_id(edition_id: int, subscription_id: int) -> str:
    """The same Message-ID every time this reader is sent this edition, so a mail system
    can drop the copy a killed worker's batch sent twice."""
    return f"<edition-{edition_id}.reader-{subscription_id}@{message_domain()}>"


def message_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or urlsplit(settings.SITE_URL).hostname or "localhost"
