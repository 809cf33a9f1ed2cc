"""Newsroom-sized data for bench/scale.py, written with PostgreSQL's COPY.

Articles are published at a steady 30 a day going back from now, so a bigger archive is an
older one, as in a real newsroom: growing from 10,000 to 100,000 articles adds the years before.
Words follow a Zipf law over a made-up vocabulary, so full-text search meets common and rare
words as it would in real copy. Everything is seeded, so two runs build the same database.
"""

import datetime
import itertools
import random
import uuid
from decimal import Decimal

from django.db import connection
from django.utils import timezone

PER_DAY = 30
SECTIONS = ["News", "World", "Politics", "Business", "Culture", "Science", "Sport", "Opinion",
            "Climate", "Technology", "Health", "Region"]  # fmt: skip
TAGS, AUTHORS, PHOTOS = 2000, 400, 300
VOCABULARY = 20_000
SYLLABLES = ["ka", "ro", "mi", "ste", "lan", "vor", "di", "en", "tu", "bra", "sel", "quo", "ne",
             "pa", "gri", "xo", "lu", "mer", "ta", "zin", "co", "har", "vel", "os"]  # fmt: skip
# Real words the bench searches for, sprinkled into headlines and bodies.
STORY_WORDS = ["peacekeepers", "withdrawal", "ceasefire", "election", "budget", "drought"]
NOW = timezone.now().replace(microsecond=0)


def _vocabulary(rng: random.Random) -> list[str]:
    words = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words)


class Words:
    """Zipf-distributed words: word n is about 1/n as frequent as the first."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words = _vocabulary(rng)
        self.cum = list(itertools.accumulate(1 / (n + 1) for n in range(VOCABULARY)))

    def take(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=k)

    @property
    def common(self) -> str:
        return self.words[0]

    @property
    def rare(self) -> str:
        return self.words[VOCABULARY // 2]


def copy_rows(model, columns: list[str], rows) -> int:
    """COPY rows (tuples in the order of the named attributes) into the model's table.

    Columns not named get the field's default, so fields added later need no change here.
    """
    fields = model._meta.concrete_fields
    named = set(columns)
    rest = [f for f in fields if f.attname not in named and not f.primary_key]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    names = [model._meta.get_field(c).column if c != "id" else "id" for c in columns]
    names += [f.column for f in rest]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + defaults)
                count += 1
    return count


def reset_sequences(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 1))"
            )


def taxonomy(rng: random.Random) -> None:
    from articles.models import Author, Photo, Section, Tag

    copy_rows(Section, ["id", "name", "slug", "position"],
              ((n + 1, name, name.lower(), n) for n, name in enumerate(SECTIONS)))  # fmt: skip
    copy_rows(Tag, ["id", "name", "slug"],
              ((n, f"Topic {n}", f"topic-{n}") for n in range(1, TAGS + 1)))  # fmt: skip
    copy_rows(Author, ["id", "name", "slug", "bio"],
              ((n, f"Reporter {n}", f"reporter-{n}", "Covers the region.")
               for n in range(1, AUTHORS + 1)))  # fmt: skip
    copy_rows(
        Photo,
        ["id", "image", "width", "height", "alt_text", "caption", "photographer", "agency",
         "created_at", "modified_at"],
        ((n, f"photos/2024/01/scale-{n}.jpg", 1200, 675, f"Photo {n}", f"Caption {n}",
          "Stringer", "AFP", NOW, NOW) for n in range(1, PHOTOS + 1)),
    )  # fmt: skip
    reset_sequences(Section, Tag, Author, Photo)


def articles(rng: random.Random, words: Words, start: int, stop: int) -> None:
    """Articles start+1..stop: number n was published n/30 days ago."""
    from articles.models import Article, Byline

    tag_weights = list(itertools.accumulate(1 / n for n in range(1, TAGS + 1)))
    tags, bylines = [], []

    def rows():
        for n in range(start + 1, stop + 1):
            when = NOW - datetime.timedelta(seconds=n * 86400 // PER_DAY)
            headline_words = words.take(6)
            if n % 500 == 0:
                headline_words[1:3] = STORY_WORDS[:2]
            headline = " ".join(headline_words).capitalize()
            dek = " ".join(words.take(25)).capitalize() + "."
            paragraphs = [" ".join(words.take(50)).capitalize() + "." for _ in range(4)]
            if n % 50 == 0:
                paragraphs[1] += f" The {rng.choice(STORY_WORDS)} continued."
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            for tag in set(rng.choices(range(1, TAGS + 1), cum_weights=tag_weights, k=3)):
                tags.append((len(tags) + start * 3 + 1, n, tag))
            for position, author in enumerate({rng.randint(1, AUTHORS) for _ in range(1 + n % 2)}):
                bylines.append((len(bylines) + start * 2 + 1, n, author, position))
            yield (
                n, headline, f"{'-'.join(headline_words[:5])}-{n}", dek, body,
                "\n".join(paragraphs), rng.randint(1, len(SECTIONS)), "published", when, when,
                when, rng.randint(1, PHOTOS) if n % 10 < 7 else None,
            )  # fmt: skip

    copy_rows(
        Article,
        ["id", "headline", "slug", "dek", "body", "body_text", "section_id", "status",
         "publish_at", "created_at", "modified_at", "hero_photo_id"],
        rows(),
    )  # fmt: skip
    copy_rows(Article.tags.through, ["id", "article_id", "tag_id"], tags)
    copy_rows(Byline, ["id", "article_id", "author_id", "position"], bylines)
    reset_sequences(Article, Article.tags.through, Byline)


def support(rng: random.Random, donors: tuple, gifts: tuple, payments: tuple, articles: int):
    """Donors, donations and payments in the ranges (start, stop) given for each."""
    from support.models import Donation, Donor, Payment

    copy_rows(Donor, ["id", "email", "stripe_customer_id", "created_at"],
              ((n, f"donor{n}@example.org", f"cus_scale{n}", NOW - datetime.timedelta(hours=n))
               for n in range(donors[0] + 1, donors[1] + 1)))  # fmt: skip
    recurring = []

    def donation_rows():
        for n in range(gifts[0] + 1, gifts[1] + 1):
            frequency = rng.choices(["monthly", "annual", "once"], [4, 1, 5])[0]
            status = (
                "paid" if frequency == "once" else rng.choice(["active", "active", "cancelled"])
            )
            when = NOW - datetime.timedelta(minutes=n * 5)
            if frequency != "once":
                recurring.append((n, when))
            donor = rng.randint(1, donors[1])
            yield (
                n, donor, f"donor{donor}@example.org", Decimal(rng.choice([2, 5, 10, 25, 50])),
                frequency, status, rng.choice(["top_banner", "end_of_article", "support_page"]),
                rng.randint(1, articles) if n % 3 else None, uuid.UUID(int=n), f"cs_scale{n}",
                f"sub_scale{n}" if frequency != "once" else None, when, when,
            )  # fmt: skip

    copy_rows(
        Donation,
        ["id", "donor_id", "email", "amount", "frequency", "status", "placement", "article_id",
         "idempotency_key", "stripe_checkout_session_id", "stripe_subscription_id",
         "created_at", "updated_at"],
        donation_rows(),
    )  # fmt: skip
    count = payments[1] - payments[0]

    def payment_rows():
        for n in range(payments[0] + 1, payments[1] + 1):
            donation, when = recurring[(n * 7919) % len(recurring)]
            paid = when + datetime.timedelta(days=30 * (n % 24))
            kind = "initial" if n - payments[0] <= len(recurring) else "renewal"
            yield (n, donation, kind, Decimal(10), f"in_scale{n}", f"ch_scale{n}", paid, paid)

    copy_rows(
        Payment,
        ["id", "donation_id", "kind", "amount", "stripe_invoice_id", "stripe_charge_id",
         "paid_at", "created_at"],
        itertools.islice(payment_rows(), count),
    )  # fmt: skip
    reset_sequences(Donor, Donation, Payment)


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
