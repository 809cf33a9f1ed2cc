"""How much the appeals' allocator raises against an oracle that always shows the best variant.

    .venv/bin/python bench/appeals.py [--views N] [--seeds S] [--tiny]

Simulated readers over 4 variants of one placement: 0.3% of views give, and one variant (a
different one each seed) converts 30% better. A gift's frequency and amount are drawn from the
seeded ladders (support.models.SupportSettings: monthly 2/5/10/25, annual 25/50/100/250,
one-time 10/25/50/100) and counted as the allocator counts them, annualised (monthly x 12).
As on the site, one view in 10 is counted (times 10), every gift is, and the weights
(support.bandit.allocate, with the site's exploration floor) are refreshed every 2,000 views.

Revenue is each view's expected revenue under the variant it was shown, so the figures are
the allocator's choices, not the luck of the gifts. Prints, over the seeds, the median and 10th
percentile of the allocator's revenue as a share of the oracle's at N views (100,000), the
uniform split's share, and the views it took before the best variant got 80% of the traffic.
Goals: median >= 90% of the oracle, 10th percentile above the uniform split. Exits non-zero
when a goal is missed (not at --tiny, whose few views say nothing).
"""

import argparse
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from support.bandit import Arm, allocate  # noqa: E402

VARIANTS = 4
GIVING = 0.003
LIFT = 1.3
REFRESH = 2_000
SAMPLE = 10
FLOOR = 0.02  # the site's default APPEAL_EXPLORATION_FLOOR
LADDERS = {  # the seeded ladders (SupportSettings' defaults)
    "monthly": [2, 5, 10, 25],
    "annual": [25, 50, 100, 250],
    "once": [10, 25, 50, 100],
}
FREQUENCY_SHARE = {"monthly": 0.5, "annual": 0.1, "once": 0.4}
ANNUALISED = {"monthly": 12, "annual": 1, "once": 1}


def mean_gift() -> float:
    return sum(
        share * ANNUALISED[f] * statistics.mean(LADDERS[f]) for f, share in FREQUENCY_SHARE.items()
    )


def draw_gift(rng: random.Random) -> float:
    frequency = rng.choices(list(FREQUENCY_SHARE), weights=list(FREQUENCY_SHARE.values()))[0]
    return ANNUALISED[frequency] * rng.choice(LADDERS[frequency])


def simulate(seed: int, views: int, floor: float = FLOOR) -> dict:
    rng = random.Random(seed)
    best = rng.randrange(VARIANTS)
    rates = [GIVING * (LIFT if i == best else 1) for i in range(VARIANTS)]
    value = mean_gift()
    seen, gifts, revenue = [0.0] * VARIANTS, [0] * VARIANTS, [0.0] * VARIANTS
    shares = [1 / VARIANTS] * VARIANTS
    expected, until_80 = 0.0, None
    for n in range(views):
        if n and n % REFRESH == 0:
            arms = [Arm(i, seen[i], gifts[i], revenue[i]) for i in range(VARIANTS)]
            result = allocate(arms, floor=floor, rng=rng, draws=1000)
            shares = [result[i].share for i in range(VARIANTS)]
            if until_80 is None and shares[best] >= 0.8:
                until_80 = n
        shown = rng.choices(range(VARIANTS), weights=shares)[0]
        expected += rates[shown] * value
        if rng.random() < 1 / SAMPLE:
            seen[shown] += SAMPLE
        if rng.random() < rates[shown]:
            gifts[shown] += 1
            revenue[shown] += draw_gift(rng)
    oracle = views * rates[best] * value
    return {"share": expected / oracle, "until_80": until_80}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--tiny", action="store_true", help="4,000 views, 2 seeds (smoke run)")
    args = parser.parse_args()
    views, seeds = (4_000, 2) if args.tiny else (args.views, args.seeds)

    runs = [simulate(seed, views) for seed in range(seeds)]
    shares = sorted(r["share"] for r in runs)
    median = statistics.median(shares)
    tenth = shares[int(0.1 * (len(shares) - 1))]
    uniform = (sum(1 for _ in range(VARIANTS - 1)) + LIFT) / VARIANTS / LIFT
    reached = sorted(r["until_80"] for r in runs if r["until_80"] is not None)
    print(f"{VARIANTS} variants, {GIVING:.1%} giving, best {LIFT - 1:.0%} better, "
          f"weights every {REFRESH:,} views, {seeds} seeds, {views:,} views each")  # fmt: skip
    print(f"revenue vs the oracle: median {median:.1%} (goal >= 90%), "
          f"10th percentile {tenth:.1%} vs a uniform split's {uniform:.1%}")  # fmt: skip
    if reached:
        print(
            f"views before the best variant got 80% of traffic: median "
            f"{statistics.median(reached):,.0f} ({len(reached)} of {seeds} seeds got there)"
        )
    else:
        print(f"the best variant never got 80% of traffic within {views:,} views")
    met = median >= 0.9 and tenth > uniform
    print("goals met" if met else "goals NOT met")
    return 0 if met or args.tiny else 1


if __name__ == "__main__":
    sys.exit(main())
