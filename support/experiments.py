"""Appeals that learn: beacons counted, counts folded, weights and reports drawn from them.

Nothing here knows a reader: a beacon raises a counter for (day, variant, story, view or
click); beat folds the counters into AppealCount rows and computes each placement's weights
(support.bandit) into a small shared document, /support/appeals/weights.json.
"""

import logging
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from newsroom import ratelimit
from support import bandit, counters
from support.models import Appeal, AppealCount, Donation, Frequency, Placement, SupportSettings
from support.services import appeals_now

logger = logging.getLogger(__name__)

WEIGHTS_KEY = "support:appeal-weights"
EVENTS = ("view", "click")
PICKED_IN_BROWSER = (Placement.TOP_BANNER, Placement.END_OF_ARTICLE)
KEEP_DAYS = 396  # 13 months of daily rows; older ones are kept as monthly totals


def annualised(amount: Decimal, frequency: str) -> Decimal:
    return amount * 12 if frequency == Frequency.MONTHLY else amount


# --- beacons -----------------------------------------------------------------------------


def beacon_count(*, variant_id, event: str, article_id, network: str) -> bool:
    """Count one beacon; False (and counted as dropped) for an unknown variant or a network
    over its cap this minute. A view stands for APPEAL_VIEW_SAMPLE views (one in N is sent)."""
    today = timezone.localdate()
    known = {a.pk for variants in appeals_now()["variants"].values() for a in variants}
    if (
        type(variant_id) is not int  # noqa: E721 - not True, which is an int too
        or variant_id not in known
        or event not in EVENTS
        or ratelimit.hit("appeal-beacon", network, settings.APPEAL_BEACON_RATE_LIMIT)
    ):
        counters.add(counters.dropped_field(today))
        return False
    if not (type(article_id) is int and 0 < article_id < 2**62):  # noqa: E721
        article_id = None
    amount = settings.APPEAL_VIEW_SAMPLE if event == "view" else 1
    counters.add(counters.field(today, variant_id, article_id, event), amount)
    return True


def appeal_counts_fold() -> int:
    """Add the counters raised since the last fold to the day's rows; return how many rows
    changed. A failure puts the counters back for the next fold."""
    taken = counters.take()
    if not taken:
        return 0
    try:
        return _fold(taken)
    except Exception:
        counters.put_back(taken)
        raise


def _fold(taken: dict[str, int]) -> int:
    from articles.models import Article

    sums: dict[tuple, dict] = defaultdict(lambda: {"views": 0, "clicks": 0, "dropped": 0})
    for name, amount in taken.items():
        parts = name.split("|")
        try:
            day = date.fromisoformat(parts[0])
        except ValueError:
            continue
        if parts[1:] == [counters.DROPPED]:
            sums[(day, None, None)]["dropped"] += amount
            continue
        if len(parts) != 4 or parts[3] not in EVENTS:
            continue
        variant, article, event = int(parts[1]), int(parts[2]) if parts[2] else None, parts[3]
        sums[(day, variant, article)][event + "s"] += amount
    variants = set(Appeal.objects.filter(pk__in={k[1] for k in sums}).values_list("pk", flat=True))
    articles = set(
        Article.objects.filter(pk__in={k[2] for k in sums if k[2]}).values_list("pk", flat=True)
    )
    merged: dict[tuple, dict] = defaultdict(lambda: {"views": 0, "clicks": 0, "dropped": 0})
    for (day, variant, article), counts in sums.items():
        if variant is not None and variant not in variants:  # deleted since: dropped
            merged[(day, None, None)]["dropped"] += counts["views"] + counts["clicks"]
            continue
        key = (day, variant, article if article in articles else None)
        for name, amount in counts.items():
            merged[key][name] += amount
    with transaction.atomic():
        for (day, variant, article), counts in merged.items():
            match = {"day": day, "appeal_id": variant, "article_id": article}
            row = AppealCount.objects.select_for_update().filter(**match).first()
            if row is None:
                AppealCount.objects.create(**match, **counts)
            else:
                AppealCount.objects.filter(pk=row.pk).update(
                    **{name: F(name) + amount for name, amount in counts.items()}
                )
    return len(merged)


def appeal_counts_roll_up(today: date | None = None) -> int:
    """Daily rows older than 13 months become one row per month (its first day)."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=KEEP_DAYS)
    old = AppealCount.objects.filter(day__lt=cutoff).exclude(day__day=1)
    rolled = 0
    with transaction.atomic():
        groups = defaultdict(lambda: {"views": 0, "clicks": 0, "dropped": 0})
        for row in old.select_for_update():
            key = (row.day.replace(day=1), row.appeal_id, row.article_id)
            for name in ("views", "clicks", "dropped"):
                groups[key][name] += getattr(row, name)
            rolled += 1
        old.delete()
        for (day, variant, article), counts in groups.items():
            match = {"day": day, "appeal_id": variant, "article_id": article}
            updated = AppealCount.objects.filter(**match).update(
                **{name: F(name) + amount for name, amount in counts.items()}
            )
            if not updated:
                AppealCount.objects.create(**match, **counts)
    return rolled


# --- figures and weights -----------------------------------------------------------------


def variant_figures(appeal_ids=None) -> dict[int, dict]:
    """Views, clicks, gifts, money given and annualised revenue of each variant."""
    counts = AppealCount.objects.exclude(appeal=None)
    gifts = Donation.objects.given().exclude(appeal=None)
    if appeal_ids is not None:
        counts, gifts = counts.filter(appeal__in=appeal_ids), gifts.filter(appeal__in=appeal_ids)
    figures = defaultdict(
        lambda: {"views": 0, "clicks": 0, "gifts": 0, "given": Decimal(0), "annual": Decimal(0)}
    )
    for row in counts.values("appeal").annotate(v=Sum("views"), c=Sum("clicks")):
        figures[row["appeal"]]["views"] = row["v"] or 0
        figures[row["appeal"]]["clicks"] = row["c"] or 0
    for row in gifts.values("appeal", "frequency").annotate(n=Count("id"), total=Sum("amount")):
        figure = figures[row["appeal"]]
        total = Decimal(row["total"] or 0).quantize(Decimal("0.01"))
        figure["gifts"] += row["n"]
        figure["given"] += total
        figure["annual"] += annualised(total, row["frequency"])
    return dict(figures)


def appeal_weights_compute(*, rng: random.Random | None = None) -> dict:
    """Each placement's live variants with their share of traffic and chance of being best."""
    now = timezone.now()
    site = SupportSettings.load()
    live = [a for a in Appeal.objects.filter(active=True) if a.is_live(now)]
    figures = variant_figures([a.pk for a in live])
    placements, best = {}, {}
    for placement in Placement.values:
        arms = [
            bandit.Arm(
                key=a.pk,
                views=float(figures.get(a.pk, {}).get("views", 0)),
                gifts=figures.get(a.pk, {}).get("gifts", 0),
                revenue=float(figures.get(a.pk, {}).get("annual", 0)),
            )
            for a in live
            if a.placement == placement
        ]
        if not arms:
            continue
        shares = bandit.allocate(
            arms, floor=settings.APPEAL_EXPLORATION_FLOOR, even=site.appeals_split_evenly, rng=rng
        )
        placements[placement] = {str(k): round(s.share, 4) for k, s in shares.items()}
        best.update({k: s.p_best for k, s in shares.items()})
    return {"placements": placements, "p_best": best, "computed": now.isoformat()}


def appeal_weights_refresh() -> dict:
    data = appeal_weights_compute()
    cache.set(WEIGHTS_KEY, data, None)
    return data


def appeal_weights() -> dict:
    """The weights beat last computed (computed now when there are none yet)."""
    data = cache.get(WEIGHTS_KEY)
    return data if data is not None else appeal_weights_refresh()


def weights_changed() -> None:
    """A variant was added, ended or switched: weights are computed afresh on next ask."""
    cache.delete(WEIGHTS_KEY)
    transaction.on_commit(lambda: cache.delete(WEIGHTS_KEY), robust=True)


# --- reports -----------------------------------------------------------------------------

MIN_GIFTS_FOR_CONVERSION = 10  # fewer gifts than this: no conversion figure (it means little)


def per_thousand(amount: Decimal, views: int) -> Decimal | None:
    return (amount * 1000 / views).quantize(Decimal("0.01")) if views else None


def variant_report() -> dict:
    """Every variant, live or not, with what it raised; and the beacons dropped."""
    figures = variant_figures()
    p_best = appeal_weights().get("p_best", {})
    now = timezone.now()
    rows = []
    for appeal in Appeal.objects.order_by("placement", "position", "pk"):
        f = figures.get(appeal.pk, {})
        views, gifts = f.get("views", 0), f.get("gifts", 0)
        shown = gifts >= MIN_GIFTS_FOR_CONVERSION and views
        rows.append(
            {
                "appeal": appeal,
                "live": appeal.is_live(now),
                "views": views,
                "clicks": f.get("clicks", 0),
                "gifts": gifts,
                "conversion": (Decimal(gifts * 100) / views).quantize(Decimal("0.001"))
                if shown
                else None,
                "given": f.get("given", Decimal(0)),
                "annual": f.get("annual", Decimal(0)),
                "per_thousand": per_thousand(f.get("annual", Decimal(0)), views),
                "p_best": p_best.get(appeal.pk),
            }
        )
    dropped = AppealCount.objects.filter(appeal=None).aggregate(n=Sum("dropped"))["n"] or 0
    return {"rows": rows, "dropped": dropped}


REPORT_DAYS = 90  # "What earns support" looks at the last 90 days


def earns_report(limit: int = 10, days: int = REPORT_DAYS) -> dict:
    """ "What earns support" over the last `days`: per story, section and author, the views of
    the end-of-article appeal, the gifts made from the story, their annualised revenue and
    that per 1,000 views; the ones raising the most per 1,000 views first (then by revenue).
    A story with two authors counts for each."""
    from articles.models import Article, Byline

    since = timezone.localdate() - timedelta(days=days)
    views = dict(
        AppealCount.objects.filter(appeal__placement=Placement.END_OF_ARTICLE, day__gte=since)
        .exclude(article=None)
        .values_list("article")
        .annotate(n=Sum("views"))
    )
    money = defaultdict(lambda: {"gifts": 0, "annual": Decimal(0)})
    rows = (
        Donation.objects.given()
        .filter(created_at__date__gte=since)
        .exclude(article=None)
        .values("article", "frequency")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    for row in rows:
        total = Decimal(row["total"] or 0).quantize(Decimal("0.01"))
        money[row["article"]]["gifts"] += row["n"]
        money[row["article"]]["annual"] += annualised(total, row["frequency"])
    ids = set(views) | set(money)
    stories = Article.objects.filter(pk__in=ids).select_related("section")
    authors = defaultdict(list)
    for byline in Byline.objects.filter(article__in=ids).select_related("author"):
        authors[byline.article_id].append(byline.author)
    groups = {"articles": {}, "sections": {}, "authors": {}}
    for story in stories:
        seen, raised = views.get(story.pk, 0), money[story.pk]
        keys = [("articles", story), ("sections", story.section)]
        keys += [("authors", author) for author in authors[story.pk]]
        for kind, subject in keys:
            total = groups[kind].setdefault(
                subject.pk, {"subject": subject, "views": 0, "gifts": 0, "annual": Decimal(0)}
            )
            total["views"] += seen
            total["gifts"] += raised["gifts"]
            total["annual"] += raised["annual"]
    report = {}
    for kind, totals in groups.items():
        rows = list(totals.values())
        for row in rows:
            row["per_thousand"] = per_thousand(row["annual"], row["views"])
        rows.sort(key=lambda r: (r["per_thousand"] or Decimal(-1), r["annual"]), reverse=True)
        report[kind] = rows[:limit]
    return report


def story_figures_of(article_id: int) -> dict:
    """One story's appeal views, gifts and annualised revenue, all time."""
    views = (
        AppealCount.objects.filter(
            appeal__placement=Placement.END_OF_ARTICLE, article_id=article_id
        ).aggregate(n=Sum("views"))["n"]
        or 0
    )
    gifts, annual = 0, Decimal(0)
    rows = (
        Donation.objects.given()
        .filter(article_id=article_id)
        .values("frequency")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    for row in rows:
        gifts += row["n"]
        annual += annualised(Decimal(row["total"] or 0).quantize(Decimal("0.01")), row["frequency"])
    return {
        "views": views,
        "gifts": gifts,
        "annual": annual,
        "per_thousand": per_thousand(annual, views),
    }
