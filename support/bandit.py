"""How a placement's traffic is shared between its variants: Thompson sampling over
annualised revenue per view, with a floor of exploration, or a plain even split.

A plain function of the counts, with no database: the beat task (support.experiments) feeds
it the variants' views, gifts and annualised revenue, and bench/appeals.py feeds it a
simulation.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Arm:
    key: object
    views: float  # estimated views (sampled beacons, scaled)
    gifts: int
    revenue: float  # annualised: monthly x 12, annual and one-time x 1


@dataclass(frozen=True)
class Share:
    share: float  # the part of the traffic to send it
    p_best: float  # the probability it raises the most per view


VALUE_PRIOR_GIFTS = 5  # a variant's gift size is pulled toward the placement's by this many gifts


def allocate(
    arms: list[Arm],
    *,
    floor: float = 0.05,
    even: bool = False,
    draws: int = 2000,
    rng: random.Random | None = None,
) -> dict:
    """Return {key: Share} for the arms; the shares add up to 1.

    Each draw takes, for every arm, a conversion rate from its Beta posterior and a gift size
    from a Gamma around its mean gift (pulled toward the pooled mean while it has few gifts);
    the arm with the highest rate x size wins the draw. An arm's share is its probability of
    winning, with every arm given at least `floor` (of the whole); `even` shares evenly.
    """
    if not arms:
        return {}
    rng = rng or random.Random()  # noqa: S311 - sharing traffic, not a secret
    gifts = sum(a.gifts for a in arms)
    pooled = (sum(a.revenue for a in arms) / gifts) if gifts else 1.0
    wins = dict.fromkeys((a.key for a in arms), 0)
    if len(arms) == 1:
        wins[arms[0].key] = draws
    else:
        params = []
        for a in arms:
            misses = max(a.views - a.gifts, 0.0)
            weight = a.gifts + VALUE_PRIOR_GIFTS
            mean = (a.revenue + VALUE_PRIOR_GIFTS * pooled) / weight
            params.append((a.key, 1 + a.gifts, 1 + misses, weight, mean))
        for _ in range(draws):
            best, best_score = None, -1.0
            for key, alpha, beta, weight, mean in params:
                score = rng.betavariate(alpha, beta) * mean * rng.gammavariate(weight, 1 / weight)
                if score > best_score:
                    best, best_score = key, score
            wins[best] += 1
    k = len(arms)
    each = min(floor, 1 / k)
    result = {}
    for a in arms:
        p_best = wins[a.key] / draws
        share = 1 / k if even else each + (1 - k * each) * p_best
        result[a.key] = Share(share=share, p_best=p_best)
    return result
