"""The goal meter's one query with gifts in three currencies, against the same sums uncounted.

    .venv/bin/python bench/goal_meter.py [--gifts 200000] [--payments 1000000] [--repeat 7]
                                         [--tiny]

Builds a PostgreSQL database of its own (newsroom_goal, dropped afterwards) with COPY: gifts
(four to a donor) and payments spread over dollars, euros and pounds (a third each),
recurring and one-time, half of the payments this month. Then times, median of --repeat, the
goal meter's query as it runs (each currency's editor-set rate joined in the same query:
support.services.in_base) against the floor of the same sums with no conversion at all (what
a one-currency site ran), and the donors admin list's first page (each donor's totals in the
base currency) the same way. Prints each ratio; the goal is at most 2x the floor. Checks that
the meter's total is what the rates say it should be. --tiny: 3,000 gifts, each query once
(the smoke run: the checks count, the goals are printed but not judged).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import bench_env, drop_database, fresh_database  # noqa: E402

DB = "newsroom_goal"
GOAL = 2.0
RATES = {"usd": Decimal("1"), "eur": Decimal("1.10"), "gbp": Decimal("1.25")}


def setup_django() -> None:
    os.environ.update(bench_env(DB, CACHE_URL="locmemcache://"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()


def build(rng: random.Random, gifts: int, payments: int) -> None:
    from django.utils import timezone

    from bench.scale_data import copy_rows, reset_sequences, vacuum_analyze
    from support.models import Donation, Donor, Payment, SiteCurrency

    for code, rate in RATES.items():
        SiteCurrency.objects.filter(code=code).update(rate=rate)
    now = timezone.now().replace(microsecond=0)
    codes = list(RATES)
    recurring = []
    donors = max(1, gifts // 4)
    copy_rows(
        Donor,
        ["id", "email", "stripe_customer_id", "created_at"],
        ((n, f"donor{n}@example.org", f"cus_goal{n}", now) for n in range(1, donors + 1)),
    )

    def donation_rows():
        for n in range(1, gifts + 1):
            frequency = rng.choices(["monthly", "annual", "once"], [4, 1, 5])[0]
            status = "paid" if frequency == "once" else rng.choice(["active", "cancelled"])
            when = now - datetime.timedelta(minutes=n)
            if frequency != "once":
                recurring.append(n)
            yield (
                n, n % donors + 1, Decimal(rng.choice([2, 5, 10, 25, 50])), codes[n % 3],
                frequency, status,
                uuid.UUID(int=n), f"cs_goal{n}", f"sub_goal{n}" if frequency != "once" else None,
                when, when,
            )  # fmt: skip

    copy_rows(
        Donation,
        ["id", "donor_id", "amount", "currency", "frequency", "status", "idempotency_key",
         "stripe_checkout_session_id", "stripe_subscription_id", "created_at", "updated_at"],
        donation_rows(),
    )  # fmt: skip

    def payment_rows():
        for n in range(1, payments + 1):
            donation = rng.randint(1, gifts)
            kind = "renewal" if donation in recurring_set else "one_time"
            paid = now - datetime.timedelta(days=0 if n % 2 else 40, minutes=n % 1000)
            yield (n, donation, kind, Decimal(10), codes[donation % 3], paid, paid)

    recurring_set = set(recurring)
    copy_rows(
        Payment,
        ["id", "donation_id", "kind", "amount", "currency", "paid_at", "created_at"],
        payment_rows(),
    )  # fmt: skip
    reset_sequences(Donor, Donation, Payment)
    vacuum_analyze()


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        fn()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def expected_raised() -> Decimal:
    """The meter's total counted in Python, one currency at a time, from the same rows."""
    from support import services
    from support.models import Donation, Payment

    month_start = services.timezone.now().replace(day=1, hour=0, minute=0, second=0)
    month_start = month_start.replace(microsecond=0)
    total = Decimal(0)
    for code, rate in RATES.items():
        live = Donation.objects.recurring_live().filter(currency=code)
        monthly = sum(live.filter(frequency="monthly").values_list("amount", flat=True))
        annual = sum(live.filter(frequency="annual").values_list("amount", flat=True))
        once = sum(
            Payment.objects.filter(
                currency=code, kind="one_time", paid_at__gte=month_start
            ).values_list("amount", flat=True)
        )
        total += (monthly + services.monthly_equivalent(annual, "annual") + once) * rate
    return total


def measure(repeat: int) -> tuple[list[tuple[str, float, float]], bool]:
    from unittest import mock

    from django.db.models import F

    from support import services
    from support.admin.ledger import DonorAdmin
    from support.models import Donor

    def plain(expression, currency_field="currency"):
        return F(expression) if isinstance(expression, str) else expression

    def donors_page():
        admin = DonorAdmin(Donor, None)
        return list(admin.get_queryset(None).order_by("-pk")[:50])

    rows = []
    for label, fn in [("goal meter", services._goal_now), ("donors admin page", donors_page)]:
        fn()  # warm
        converted = timed(fn, repeat)
        with (
            mock.patch.object(services, "in_base", plain),
            mock.patch("support.admin.ledger.in_base", plain),
        ):
            floor = timed(fn, repeat)
        rows.append((label, converted, floor))
    raised = services._goal_now()["raised"]
    expected = expected_raised()
    ok = abs(raised - expected) <= Decimal("0.05")
    print(f"meter raised {raised} (counted one currency at a time: {expected:.2f})")
    return rows, ok


def main(options) -> bool:
    import django.db

    env = bench_env(DB)
    print(f"building {DB} ...", flush=True)
    fresh_database(DB, env, flush_redis=False)
    setup_django()
    rng = random.Random(7)
    try:
        begin = time.perf_counter()
        build(rng, options.gifts, options.payments)
        print(
            f"{options.gifts:,} gifts, {options.payments:,} payments in three currencies: "
            f"built in {time.perf_counter() - begin:.0f} s",
            flush=True,
        )
        rows, checked = measure(options.repeat)
    finally:
        django.db.connections.close_all()
        drop_database(DB)
    met = True
    print(f"\n{'query':<20}{'with rates':>12}{'floor':>10}{'ratio':>8}   goal")
    for label, converted, floor in rows:
        ratio = converted / floor
        met &= ratio <= GOAL
        print(
            f"{label:<20}{converted * 1000:>10.1f}ms{floor * 1000:>8.1f}ms{ratio:>8.2f}"
            f"   <={GOAL}x {'ok' if ratio <= GOAL else 'MISSED'}"
        )
    if not checked:
        print("the goal meter's total is wrong")
        return False
    if options.tiny:
        return True
    print("\nall goals met" if met else "\nsome goals missed")
    return met


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gifts", type=int, default=200_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--tiny", action="store_true")
    options = parser.parse_args()
    if options.tiny:
        options.gifts, options.payments, options.repeat = 3_000, 10_000, 1
    sys.exit(0 if main(options) else 1)
