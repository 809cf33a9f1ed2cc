"""The daily digest: a newsletter that has it on gets, at its digest time each day, an
edition of the day's front page (the stories published in the last 24 hours, in the front
page's order), built and sent by beat. One digest per list a day (a constraint), so beat
running twice, or two beats, send it once."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from newsletters.models import Edition, EditionStory, Newsletter

MOST_STORIES = 10


def digests_due(*, now: datetime.datetime | None = None) -> list[Edition]:
    """Build today's digest of each list whose digest time has come; return them, unsent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    built = []
    for newsletter in Newsletter.objects.filter(daily_digest=True):
        if local.time() < newsletter.digest_time:
            continue
        if Edition.objects.filter(newsletter=newsletter, digest_of=local.date()).exists():
            continue
        stories = list(
            Article.objects.front_page()
            .filter(publish_at__gt=now - datetime.timedelta(days=1))
            .values_list("pk", flat=True)[:MOST_STORIES]
        )
        if not stories:
            continue
        try:
            with transaction.atomic():
                edition = Edition.objects.create(
                    newsletter=newsletter,
                    subject=f"{newsletter.name}: {local:%A} {local.day} {local:%B %Y}",
                    digest_of=local.date(),
                )
                EditionStory.objects.bulk_create(
                    EditionStory(edition=edition, article_id=pk, position=n)
                    for n, pk in enumerate(stories)
                )
        except IntegrityError:
            continue  # built by another beat in between
        built.append(edition)
    return built
