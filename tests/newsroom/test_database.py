import os

import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="DATABASE_URL does not name PostgreSQL",
)
def test_the_database_in_use_is_postgresql_when_database_url_says_so():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.django_db
def test_with_no_database_url_the_embedded_default_is_sqlite(monkeypatch):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set")
    assert connection.vendor == "sqlite"
