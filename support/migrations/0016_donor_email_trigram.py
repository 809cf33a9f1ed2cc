"""A trigram index for the admin's search of donors by email (PostgreSQL's pg_trgm).

The admin searches emails with `icontains` (UPPER(email) LIKE '%…%'), which no b-tree can
serve: with 50,000 donors every search read the whole table. A GIN trigram index on
UPPER(email) serves any part of an address. pg_trgm is a trusted extension (PostgreSQL 13+):
the database's owner may create it. Where it cannot be created (a role without that right),
the index is left out and the search reads the table, as before.
"""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

INDEX = (
    "CREATE INDEX IF NOT EXISTS donor_email_trgm "
    "ON support_donor USING gin (UPPER(email) gin_trgm_ops)"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return  # not allowed here: searches read the table
    schema_editor.execute(INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS donor_email_trgm")


class Migration(migrations.Migration):
    dependencies = [("support", "0015_stripe_event_received")]

    operations = [migrations.RunPython(forward, backward)]
