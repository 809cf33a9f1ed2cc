"""How a placement's traffic is shared between its variants: Thompson sampling over
annualised revenue per view, with a floor of exploration, or a plain even split.

A plain function of the counts, with no database: the beat task (support.experiments) feeds
it the variants' views, gifts and annualised revenue, and bench/appeals.py feeds it a
simulation.

Revenue per view is a rate (gifts per view) times a gift size (annualised revenue per gift).
The rate's posterior is Beta. Gift sizes are noisy (a one-time $10 and a monthly $25 are
$10 and $300 a year), so each variant's mean gift is pooled with its placement's by
empirical Bayes: while the variants' means differ by no more than their noise, all share the
pooled mean and the choice rests on the rates; a variant whose gifts are truly larger (a
bolder ladder) earns its own mean as its gifts show it.
"""

import math
import random
from dataclasses import dataclass

GIFT_CV = 1.0  # a gift's spread about the mean gift, as a share of it (annualised gifts)
# Shares lean on P(best)^LEANING (tempered Thompson sampling): with a few hundred gifts a
# month, plain probability matching (1.0) explores for most of the month; 1.5 settles sooner.
LEANING = 1.5
# Each variant's rate starts from the placement's, worth this many gifts: one lucky early
# gift does not send the traffic away from the others (bench/appeals.py).
RATE_PRIOR_GIFTS = 10


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


def gift_sizes(arms: list[Arm]) -> dict:
    """Each arm's (mean, variance) of its mean gift, pooled with the others' by empirical
    Bayes (normal-normal, with the noise of n gifts taken as (GIFT_CV x mean)^2 / n)."""
    gifts = sum(a.gifts for a in arms)
    pooled = (sum(a.revenue for a in arms) / gifts) if gifts else 1.0
    pooled = pooled if pooled > 0 else 1.0
    noise = {a.key: (GIFT_CV * pooled) ** 2 / a.gifts for a in arms if a.gifts}
    means = {a.key: a.revenue / a.gifts for a in arms if a.gifts}
    between = 0.0
    if len(means) >= 2:
        spread = sum((m - pooled) ** 2 for m in means.values()) / (len(means) - 1)
        between = max(0.0, spread - sum(noise.values()) / len(noise))
    sizes = {}
    for a in arms:
        if not a.gifts or between == 0:
            sizes[a.key] = (pooled, 0.0)
            continue
        kept = between / (between + noise[a.key])  # how much of its own mean it keeps
        sizes[a.key] = (pooled + kept * (means[a.key] - pooled), kept * noise[a.key])
    return sizes


def allocate(
    arms: list[Arm],
    *,
    floor: float = 0.02,
    even: bool = False,
    draws: int = 2000,
    rng: random.Random | None = None,
) -> dict:
    """Return {key: Share} for the arms; the shares add up to 1.

    Each draw takes, for every arm, a rate from its Beta posterior (its prior the placement's
    rate) and a gift size from its pooled estimate; the arm with the highest rate x size wins
    the draw. An arm's share leans on its probability of winning (Thompson sampling,
    tempered by LEANING), with every arm given at least `floor` of the whole; `even` shares
    evenly (a plain A/B split) and still says which leads.
    """
    if not arms:
        return {}
    rng = rng or random.Random()  # noqa: S311 - sharing traffic, not a secret
    wins = dict.fromkeys((a.key for a in arms), 0)
    if len(arms) == 1:
        wins[arms[0].key] = draws
    else:
        sizes = gift_sizes(arms)
        views = sum(a.views for a in arms)
        rate = (sum(a.gifts for a in arms) + 1) / (views + 2)
        prior = (RATE_PRIOR_GIFTS, RATE_PRIOR_GIFTS / rate)
        params = []
        for a in arms:
            mean, variance = sizes[a.key]
            misses = max(a.views - a.gifts, 0.0)
            params.append((a.key, prior[0] + a.gifts, prior[1] + misses, mean, math.sqrt(variance)))
        for _ in range(draws):
            best, best_score = None, -1.0
            for key, alpha, beta, mean, spread in params:
                size = max(rng.gauss(mean, spread), mean * 0.01) if spread else mean
                score = rng.betavariate(alpha, beta) * size
                if score > best_score:
                    best, best_score = key, score
            wins[best] += 1
    k = len(arms)
    each = min(floor, 1 / k)
    leaning = {key: (n / draws) ** LEANING for key, n in wins.items()}
    total = sum(leaning.values())
    result = {}
    for a in arms:
        share = 1 / k if even else each + (1 - k * each) * leaning[a.key] / total
        result[a.key] = Share(share=share, p_best=wins[a.key] / draws)
    return result
