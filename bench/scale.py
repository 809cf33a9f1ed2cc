"""Every reader page, feed, sitemap, search and admin list at newsroom size, against one article.

    .venv/bin/python bench/scale.py [--articles 100000] [--small 10000] [--repeat 7]
                                    [--donors 50000] [--gifts 200000] [--payments 1000000]
                                    [--tiny]

Builds a PostgreSQL database of its own (newsroom_scale or --database, dropped afterwards
unless --keep; --reuse measures it again, --drop drops it)
with COPY: first --small articles and the same share of donors, gifts and payments, then
measures; then grows the archive to --articles (older articles, more gifts and payments) and
measures again. Each page is rendered in-process with the page cache off (the cost of a miss),
--repeat times; the median time is printed with the query count and the ratio to the article
page of the same size. Goals: reader pages at most 5x an article page, admin lists at most 10x,
and no page much slower at the larger size than at the smaller; exits non-zero when one is
missed. --tiny: 2,400 then 3,000 articles, each page once (the test suite's smoke run: every
page must answer, the goals are printed but not judged).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import bench_env, drop_database, fresh_database  # noqa: E402

DB = "newsroom_scale"
READER_GOAL, ADMIN_GOAL = 5, 10
ARTICLE_PK = 2000  # an article of the first size, a few months old


def setup_django() -> None:
    os.environ.update(bench_env(DB, CACHE_URL="locmemcache://", PAGE_CACHE_SECONDS="0"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django
    from django.conf import settings

    django.setup()
    # The bench's admin is a scratch superuser with no authenticator app.
    settings.TWO_FACTOR_REQUIRED = False
    # Pages only need static URLs, not the manifest a collectstatic run would write.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pages(words) -> list[tuple[str, str]]:
    """(label, path) of every page measured; the article page comes first."""
    from articles.models import Article

    article = Article.objects.get(pk=ARTICLE_PK)
    return [
        ("article page", article.get_absolute_url()),
        ("home", "/"),
        ("home page 2", "/?page=2"),
        ("home, an old page", f"/?page={ARTICLE_PK // 12}"),
        ("section", "/section/world/"),
        ("section, an old page", f"/section/world/?page={ARTICLE_PK // 12 // 15}"),
        ("tag (popular)", "/tag/topic-1/"),
        ("tag (rare)", "/tag/topic-1999/"),
        ("author", "/author/reporter-7/"),
        ("rss", "/rss/"),
        ("atom", "/atom/"),
        ("section rss", "/section/world/rss/"),
        ("sitemap.xml", "/sitemap.xml"),
        ("sitemap, newest part", "@sitemap-first"),
        ("sitemap, oldest part", "@sitemap-last"),
        ("news sitemap", "/news-sitemap.xml"),
        ("search two words", "/search/?q=peacekeepers+withdrawal"),
        ("search common word", f"/search/?q={words.common}"),
        ("search rare word", f"/search/?q={words.rare}"),
        ("search prefix", f"/search/?q={words.rare[:4]}"),
        ("search no match", "/search/?q=zzzqqq"),
        ("search operators", "/search/?q=%21%28%26%7C%3A*%22%27"),
        ("search page 5", f"/search/?q={words.common}&page=5"),
        ("admin articles", "/admin/articles/article/"),
        ("admin articles search", f"/admin/articles/article/?q={words.rare}"),
        ("admin articles by section", "/admin/articles/article/?section__id__exact=3"),
        ("admin donations", "/admin/support/donation/"),
        ("admin donations paid", "/admin/support/donation/?status__exact=paid"),
        ("admin payments", "/admin/support/payment/"),
        ("admin payments renewals", "/admin/support/payment/?kind__exact=renewal"),
        ("admin payments search", "/admin/support/payment/?q=in_scale777"),
        ("admin donors", "/admin/support/donor/"),
        ("admin donors search", "/admin/support/donor/?q=donor777%40example.org"),
    ]


def _sitemap_parts(client) -> list[str]:
    import xml.etree.ElementTree as ET
    from urllib.parse import urlsplit

    root = ET.fromstring(client.get("/sitemap.xml").content)
    locs = [urlsplit(e.text) for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    parts = [u.path + (f"?{u.query}" if u.query else "") for u in locs]
    return [p for p in parts if p != "/sitemap.xml"]


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(repeat: int, words) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    reader = Client(SERVER_NAME="127.0.0.1")
    admin = Client(SERVER_NAME="127.0.0.1")
    user, _ = get_user_model().objects.get_or_create(
        username="scale-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    admin.force_login(user)
    parts = _sitemap_parts(reader)
    results = {}
    for label, path in pages(words):
        if path.startswith("@sitemap"):
            if not parts:
                continue
            path = parts[0] if path.endswith("first") else parts[-1]
        client = admin if label.startswith("admin") else reader
        for _attempt in range(3):  # warm: templates, caches of settings and appeals
            response = client.get(path)
            if response.status_code == 200:
                break
            time.sleep(5)  # the database restarting (another bench on a shared machine)
        else:
            raise SystemExit(f"{path} answered {response.status_code}")
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            client.get(path)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        results[label] = {"queries": queries.count, "ms": statistics.median(times) * 1000}
    return results


def report(sizes: list[int], runs: list[dict]) -> bool:
    header = "".join(f"{f'{n:,} articles':>27}" for n in sizes)
    print(f"\n{'page':<28}{header}   goal")
    print(f"{'':<28}" + f"{'queries':>9}{'ms':>9}{'x article':>9}" * len(sizes))
    ok = True
    for label in runs[-1]:
        goal = ADMIN_GOAL if label.startswith("admin") else READER_GOAL
        cells = ""
        for run in runs:
            r, base = run.get(label), run["article page"]["ms"]
            if r is None:
                cells += f"{'-':>27}"
                continue
            cells += f"{r['queries']:>9}{r['ms']:>9.1f}{r['ms'] / base:>9.2f}"
        ratio = runs[-1][label]["ms"] / runs[-1]["article page"]["ms"]
        met = ratio <= goal
        ok &= met
        print(f"{label:<28}{cells}   <={goal}x {'ok' if met else 'MISSED'}")
    return ok


def main(options) -> bool:
    import django.db

    env = bench_env(DB)
    if options.reuse:
        return remeasure(options)
    print(f"building {DB} ...", flush=True)
    fresh_database(DB, env, flush_redis=False)
    setup_django()
    from bench import scale_data

    rng = random.Random(13)
    words = scale_data.Words(rng)
    runs, sizes = [], []
    steps = (
        [options.small, options.articles]
        if options.small < options.articles
        else [options.articles]
    )
    done = 0
    try:
        scale_data.taxonomy(rng)
        for size in steps:
            share = size / options.articles
            begin = time.perf_counter()
            scale_data.articles(rng, words, done, size)
            prev = done / options.articles
            scale_data.support(
                rng,
                donors=(int(options.donors * prev), int(options.donors * share)),
                gifts=(int(options.gifts * prev), int(options.gifts * share)),
                payments=(int(options.payments * prev), int(options.payments * share)),
                articles=size,
            )
            scale_data.vacuum_analyze()
            print(
                f"{size:,} articles, {int(options.donors * share):,} donors, "
                f"{int(options.gifts * share):,} gifts, {int(options.payments * share):,} "
                f"payments: built in {time.perf_counter() - begin:.0f} s",
                flush=True,
            )
            done = size
            sizes.append(size)
            runs.append(measure(options.repeat, words))
            if size != steps[-1]:
                report(sizes, runs)
    finally:
        django.db.connections.close_all()
        if not options.keep:
            drop_database(DB)
    ok = report(sizes, runs)
    print("\nall goals met" if ok else "\nsome goals missed")
    return ok


def remeasure(options) -> bool:
    """Measure the database a run with --keep left, as it is (after migrating it)."""
    import subprocess

    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=bench_env(DB), check=True)
    setup_django()
    from articles.models import Article
    from bench import scale_data

    words = scale_data.Words(random.Random(13))
    return report([Article.objects.count()], [measure(options.repeat, words)])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--donors", type=int, default=50_000)
    parser.add_argument("--gifts", type=int, default=200_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the database kept before")
    parser.add_argument("--database", default=DB, help=f"the scratch database's name ({DB})")
    parser.add_argument("--drop", action="store_true", help="drop the database kept before")
    parser.add_argument("--tiny", action="store_true", help="3,000 articles: a smoke run")
    options = parser.parse_args()
    if options.tiny:
        options.articles, options.small, options.repeat = 3000, 2400, 1
        options.donors, options.gifts, options.payments = 300, 1000, 3000
    DB = options.database
    if options.drop:
        drop_database(DB)
    else:
        raise SystemExit(0 if main(options) or options.tiny else 1)
