"""The embedded default (`make run` with no environment): SQLite, and every page answers."""

import subprocess
import sys

import pytest

from tests.processes import PROJECT_DIR

pytestmark = pytest.mark.command

READ_PAGES = """
from django.test import Client
from articles.models import Article
client = Client(HTTP_HOST="127.0.0.1")
story = Article.objects.published().get()
for path in ["/", story.get_absolute_url(), "/support/", "/search/?q=peacekeepers"]:
    print(path, client.get(path).status_code)
# A story of the same week and tag shows under the seeded one's "Read more".
from datetime import timedelta
related = Article.objects.create(
    headline="Related talks", slug="related-talks", section=story.section,
    status="published", publish_at=story.publish_at - timedelta(days=2),
)
related.tags.add(story.tags.first())
from django.core.cache import cache
cache.clear()  # a new story does not stale the pages it may now be related to
print("read-more", "Related talks" in client.get(story.get_absolute_url()).text)
"""


def test_a_fresh_sqlite_site_serves_the_seeded_story_and_its_pages(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )

    manage("migrate", "--noinput")
    manage("seed_demo")
    lines = manage("shell", "-c", READ_PAGES).stdout.splitlines()

    codes = dict(line.split() for line in lines if line.startswith("/"))
    assert len(codes) == 4, lines
    assert set(codes.values()) == {"200"}, codes
    assert "read-more True" in lines, lines
