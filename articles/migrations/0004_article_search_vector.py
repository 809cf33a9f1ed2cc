"""A stored tsvector for full-text search, kept up to date by a trigger, with a GIN index.

PostgreSQL only: on SQLite search falls back to matching words in the text (articles/search.py).
The column is not a model field, so Django never loads or writes it; the trigger fills it on
every insert and on every update of the text it is made from, however the row is written.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector;

CREATE FUNCTION articles_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.headline, '')), 'A')
        || setweight(to_tsvector('english'::regconfig,
                                 coalesce(NEW.kicker, '') || ' ' || coalesce(NEW.dek, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body_text, '')), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE OF headline, kicker, dek, body_text ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();

UPDATE articles_article SET headline = headline;

CREATE INDEX articles_article_search ON articles_article USING gin (search_vector);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_vector();
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_article_dateline")]

    operations = [
        migrations.RunPython(forward, backward),
        # Articles of a tag, read by tag: the tag page and the article page's read-more.
        migrations.RunSQL(
            "CREATE INDEX articles_article_tags_tag_article "
            "ON articles_article_tags (tag_id, article_id)",
            "DROP INDEX articles_article_tags_tag_article",
        ),
    ]
