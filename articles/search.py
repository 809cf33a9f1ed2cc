"""Full-text search over a stored, indexed tsvector (PostgreSQL), and its SQLite fallback.

On PostgreSQL the column articles_article.search_vector holds the headline (weight A), the
kicker and dek (B) and the body text (C). A trigger keeps it up to date on every insert and
update, whichever way the row is written, and a GIN index serves the @@ match (migration
0004). The column is not a model field: Django never loads or writes it.

The reader's text never reaches to_tsquery as typed: it is cut into words (letters and
digits only), so no operator, quote or NUL can make a syntax error; quoted words become a
phrase and the last word matches as a prefix, as people type.
"""

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import Expression, RawSQL

from newsroom import postgres
from newsroom.postgres import StatementTimedOut

CONFIG = "english"
MAX_WORDS = 8
# Readers' searches rank the newest matches this many at most: a word found in half the
# archive costs as much as one found in a thousand articles.
CANDIDATES = 1000
STATEMENT_TIMEOUT_MS = 2000
_TOKENS = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")


def tsquery_text(text: str) -> str:
    """Return a to_tsquery() expression for the text, or "" when it has no words.

    Words are ANDed; a quoted group is a phrase (<->); the last word is a prefix (:*).
    """
    groups, budget = [], MAX_WORDS
    for phrase, word in _TOKENS.findall(text.replace("\x00", " ")):
        words = _WORD.findall((phrase or word).lower())[:budget]
        if words:
            groups.append(words)
            budget -= len(words)
        if budget <= 0:
            break
    if not groups:
        return ""
    groups[-1][-1] += ":*"
    return " & ".join(
        f"({' <-> '.join(words)})" if len(words) > 1 else words[0] for words in groups
    )


class _SearchVectorColumn(Expression):
    """The search_vector column of the query's own table (relabelled inside subqueries)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f'{table}."search_vector"', []


def _vector():
    return _SearchVectorColumn()


def condition(text: str):
    """Return the filter for articles matching the text, or None when it has no words."""
    expression = tsquery_text(text)
    if not expression:
        return None
    if connection.vendor != "postgresql":
        return _words_anywhere(text)
    return SearchVectorExact(_vector(), SearchQuery(expression, config=CONFIG, search_type="raw"))


def matching(queryset, text: str):
    """Filter the articles to those matching the text (no ordering: the caller's)."""
    found = condition(text)
    return queryset.none() if found is None else queryset.filter(found)


def best_first(queryset, text: str) -> list[int]:
    """Return the pks of the matching articles, best first: headline matches above dek and
    body ones, then the newest.

    Only the CANDIDATES newest matches are ranked, so a common word costs no more than a
    rare one; the planner walks the publication index or the GIN index, whichever is cheaper.
    They are found and ranked in one query, and a page of results then reads only its own
    twelve articles: with the candidates in a subquery, the page's count and the page itself
    each found them again. On SQLite, the newest matches first.
    """
    expression = tsquery_text(text)
    found = matching(queryset, text)
    if connection.vendor != "postgresql" or not expression:
        return list(found.order_by("-publish_at", "-pk").values_list("pk", flat=True)[:CANDIDATES])
    newest = (
        found.order_by("-publish_at")
        .annotate(vector=_vector())
        .values_list("pk", "vector", "publish_at")[:CANDIDATES]
    )
    sql, params = newest.query.sql_with_params()
    # Ranked outside the subquery, so only the candidates are ranked, not every match.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.pk FROM ({sql}) c "  # noqa: S608 (the ORM's SQL)
            "ORDER BY ts_rank(c.vector, to_tsquery(%s::regconfig, %s)) DESC, "
            "c.publish_at DESC, c.pk DESC",
            [*params, CONFIG, expression],
        )
        return [pk for (pk,) in cursor.fetchall()]


def ranked(queryset, text: str):
    """The matching articles best first, as a queryset (see best_first)."""
    if connection.vendor != "postgresql":
        return matching(queryset, text).order_by("-publish_at", "-pk")
    ids = best_first(queryset, text)
    column = f'{connection.ops.quote_name(queryset.model._meta.db_table)}."id"'
    return queryset.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,))).order_by(
        RawSQL(f"array_position(%s::bigint[], {column})", (ids,))  # noqa: S611 (a quoted name)
    )


def _words_anywhere(text: str) -> Q:
    matches = Q()
    for word in _WORD.findall(text.replace("\x00", " "))[:MAX_WORDS]:
        matches &= (
            Q(headline__icontains=word) | Q(dek__icontains=word) | Q(body_text__icontains=word)
        )
    return matches


SearchTimedOut = StatementTimedOut


def statement_timeout(milliseconds: int | None = None):
    """The search's backstop: PostgreSQL cancels its statements after the limit."""
    return postgres.statement_timeout(milliseconds or STATEMENT_TIMEOUT_MS)
