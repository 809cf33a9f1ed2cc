"""The article page's data: the article with what it shows, and its related stories.

This is the hottest read of the site (every uncached page view), and building these
queries with the ORM cost ten times what running them did: most of a page's CPU went on
compiling SQL that never changes shape. So the SQL is written out here once, for
PostgreSQL and SQLite alike, with placeholders for what changes; the rows become the same
model instances the ORM would build (the related objects cached on them, the prefetched
lists in place), so templates and callers cannot tell the difference.

At most five queries, whatever the article shows: the article with its section and hero
photo (and whether it has corrections); its bylines with their authors; its tags; its
corrections, when it has any; then one query for its related
stories: the newest sharing one of its tags, then the newest of its section, both from
within READ_MORE_DAYS of it, so the page costs the same in an archive of any size.
"""

import datetime

from django.db import connections
from django.db.models.sql import Query
from django.utils import timezone

from newsroom.postgres import prepared_cursor

# Related stories come from this many days either side of the article.
READ_MORE_DAYS = 30
_DAY = datetime.timedelta(days=1)
# Teasers do not show the body: it is the bulk of an article row.
_NOT_IN_TEASERS = {"body", "body_text"}


class _Columns:
    """The columns of one model in a SELECT, and the instances built from them."""

    def __init__(self, model, alias: str, connection, *, leave_out=()):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in leave_out]
        self.attnames = [f.attname for f in self.fields]
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(f.column)}" for f in self.fields)
        # The ORM's own conversions (JSON, and dates on SQLite) for these columns.
        compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, None)
        self._compiler = compiler
        self._converters = compiler.get_converters(
            [f.get_col(model._meta.db_table) for f in self.fields]
        )

    def __len__(self):
        return len(self.fields)

    def convert(self, rows):
        if not self._converters:
            return rows
        return list(self._compiler.apply_converters(rows, self._converters))

    def build(self, db: str, values):
        return self.model.from_db(db, self.attnames, values)


class _Statements:
    """The page's SQL for one database connection, written once per process."""

    def __init__(self, connection):
        from articles.models import Article, Author, Byline, Correction, Photo, Section, Tag
        from articles.models.articles import LIVE_STATUSES

        quote = connection.ops.quote_name
        table = {m: quote(m._meta.db_table) for m in (Article, Author, Byline, Correction)}
        table.update({m: quote(m._meta.db_table) for m in (Photo, Section, Tag)})
        article_tags = quote(Article.tags.through._meta.db_table)
        self.article = _Columns(Article, "a", connection)
        self.teaser = _Columns(Article, "a", connection, leave_out=_NOT_IN_TEASERS)
        self.section = _Columns(Section, "s", connection)
        self.photo = _Columns(Photo, "p", connection)
        self.byline = _Columns(Byline, "b", connection)
        self.author = _Columns(Author, "au", connection)
        self.tag = _Columns(Tag, "t", connection)
        self.correction = _Columns(Correction, "c", connection)
        joins = (
            f"FROM {table[Article]} a JOIN {table[Section]} s ON s.id = a.section_id "
            f"LEFT JOIN {table[Photo]} p ON p.id = a.hero_photo_id"
        )
        # The statuses are written in, not passed: the live-article indexes are partial on
        # them, and a prepared statement's generic plan can use them only so.
        assert all(status.isidentifier() for status in LIVE_STATUSES)
        statuses = ", ".join(f"'{status}'" for status in LIVE_STATUSES)
        live = f"a.status IN ({statuses}) AND a.publish_at <= %s"
        # Whether it has corrections, so the many that have none skip that query.
        corrected = (
            f"EXISTS (SELECT 1 FROM {table[Correction]} c "  # noqa: S608 (names from the models)
            "WHERE c.article_id = a.id)"
        )
        self.article_sql = (
            f"SELECT {self.article.sql}, {self.section.sql}, {self.photo.sql}, {corrected} "
            f"{joins} "
            f"WHERE {live} AND a.slug = %s AND a.publish_at >= %s AND a.publish_at < %s "
            "LIMIT 1"
        )
        self.bylines_sql = (
            f"SELECT {self.byline.sql}, {self.author.sql} FROM {table[Byline]} b "  # noqa: S608 (names from the models)
            f"JOIN {table[Author]} au ON au.id = b.author_id "
            "WHERE b.article_id = %s ORDER BY b.position, b.id"
        )
        self.tags_sql = (
            f"SELECT {self.tag.sql} FROM {table[Tag]} t JOIN {article_tags} at "  # noqa: S608 (names from the models)
            "ON at.tag_id = t.id WHERE at.article_id = %s ORDER BY t.name"
        )
        self.corrections_sql = (
            f"SELECT {self.correction.sql} FROM {table[Correction]} c "  # noqa: S608 (names from the models)
            "WHERE c.article_id = %s ORDER BY c.noted_at, c.id"
        )
        # Each part is limited on its own (SQLite limits a UNION's parts only in subqueries).
        nearby = (
            f"SELECT {{rank}} AS rank, {self.teaser.sql}, {self.section.sql}, {self.photo.sql} "
            f"{joins} WHERE {live} AND a.publish_at >= %s AND a.publish_at < %s AND a.id <> %s"
        )
        newest = "ORDER BY a.publish_at DESC, a.id DESC LIMIT %s"
        same_section = f"{nearby.format(rank=0)} AND a.section_id = %s {newest}"
        self.same_section_sql = f"SELECT * FROM ({same_section}) same_section"  # noqa: S608 (names from the models)
        shares_tag = (
            f"{nearby.format(rank=1)} AND EXISTS (SELECT 1 FROM {article_tags} at "  # noqa: S608 (names from the models)
            f"WHERE at.article_id = a.id AND at.tag_id IN ({{tags}})) {newest}"
        )
        self.shares_tag_sql = f"SELECT * FROM ({shares_tag}) shares_tag"  # noqa: S608 (names from the models)


def _statements(connection) -> _Statements:
    """The statements of this connection (each thread has its own), written on first use."""
    statements = getattr(connection, "_article_page_statements", None)
    if statements is None:
        statements = connection._article_page_statements = _Statements(connection)
    return statements


def load(db: str, *, day: datetime.date, slug: str, read_more: int = 4):
    """Return the published article at this date and slug (or None), and its related ones."""
    connection = connections[db]
    sql = _statements(connection)
    moment = connection.ops.adapt_datetimefield_value
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    live = [moment(timezone.now())]
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql.article_sql, [*live, slug, moment(start), moment(start + _DAY)])
        row = cursor.fetchone()
        if row is None:
            return None, []
        article = _with_relations(db, sql, sql.article, row[:-1])
        corrected = row[-1]
        article._prefetched_objects_cache = {
            "bylines": _bylines(cursor, db, sql, article),
            "tags": _rows(cursor, db, sql.tags_sql, sql.tag, article, "tags"),
            "corrections": _rows(cursor, db, sql.corrections_sql, sql.correction, article,
                                 "corrections", run=corrected),
        }  # fmt: skip
        related = _read_more(cursor, db, sql, article, start, live, read_more)
    return article, related


def _with_relations(db, sql, columns, row):
    """Build an article from a row holding it, its section and its photo, in that order."""
    n, m = len(columns), len(columns) + len(sql.section)
    article = columns.build(db, columns.convert([row[:n]])[0])
    section = sql.section.build(db, sql.section.convert([row[n:m]])[0])
    photo = None
    if row[m] is not None:
        photo = sql.photo.build(db, sql.photo.convert([row[m:]])[0])
    type(article).section.field.set_cached_value(article, section)
    type(article).hero_photo.field.set_cached_value(article, photo)
    return article


def _prefetched(article, name: str, objects: list):
    """A queryset of the article's related objects, already filled, as prefetching leaves it."""
    queryset = getattr(article, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    return queryset


def _rows(cursor, db, statement, columns, article, name, *, run=True):
    objects = []
    if run:
        cursor.execute(statement, [article.pk])
        objects = [columns.build(db, values) for values in columns.convert(cursor.fetchall())]
    return _prefetched(article, name, objects)


def _bylines(cursor, db, sql, article):
    cursor.execute(sql.bylines_sql, [article.pk])
    n = len(sql.byline)
    bylines = []
    for row in cursor.fetchall():
        byline = sql.byline.build(db, sql.byline.convert([row[:n]])[0])
        author = sql.author.build(db, sql.author.convert([row[n:]])[0])
        type(byline).author.field.set_cached_value(byline, author)
        type(byline).article.field.set_cached_value(byline, article)
        bylines.append(byline)
    return _prefetched(article, "bylines", bylines)


def _read_more(cursor, db, sql, article, start, live, limit):
    moment = connections[db].ops.adapt_datetimefield_value
    window = datetime.timedelta(days=READ_MORE_DAYS)
    nearby = [*live, moment(start - window), moment(start + window), article.pk]
    statement, params = sql.same_section_sql, [*nearby, article.section_id, limit]
    tag_ids = [tag.pk for tag in article.tags.all()]
    if tag_ids:
        shares_tag = sql.shares_tag_sql.format(tags=", ".join(["%s"] * len(tag_ids)))
        statement = f"{shares_tag} UNION ALL {statement}"
        params = [*nearby, *tag_ids, limit, *params]
    cursor.execute(statement, params)
    rows = [(row[0], _with_relations(db, sql, sql.teaser, row[1:])) for row in cursor.fetchall()]
    rows.sort(key=lambda r: (-r[0], -r[1].publish_at.timestamp(), -r[1].pk))
    related, seen = [], set()
    for _, teaser in rows:
        if teaser.pk not in seen:
            seen.add(teaser.pk)
            related.append(teaser)
    return related[:limit]
