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
bolder ladder) earns its own mean as its gifts show it. "No more than their noise" is a test
(Cochran's Q at 95%), not a guess: ten gifts' mean is ±30% by chance alone, and a variant
that drew a few small gifts early was otherwise marked down for them, starved of traffic, and
never showed what it raised (bench/appeals.py: the worst seeds).
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


# A variant's own mean gift counts only once the variants' means differ by more than chance
# would make them differ in 19 placements of 20 (the one-sided 95% normal point).
SIZE_EVIDENCE_Z = 1.645


def chi_square_point(df: int, z: float = SIZE_EVIDENCE_Z) -> float:
    """The chi-square quantile with `df` degrees of freedom at the normal point z
    (Wilson-Hilferty: 7.78 for 3 degrees at 95%, against 7.81 exactly)."""
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def gift_sizes(arms: list[Arm]) -> dict:
    """Each arm's (mean, variance) of its mean gift, pooled with the others' by empirical
    Bayes (normal-normal, with the noise of n gifts taken as (GIFT_CV x mean)^2 / n).

    The spread between variants is estimated only when Cochran's Q (each variant's distance
    from the pooled mean, weighted by its gifts) passes the 95% point of chi-square, and then
    by DerSimonian-Laird, which weighs a variant by its gifts: a variant's few gifts neither
    suggest a spread nor, under a spread suggested by the others, cost it much."""
    gifts = sum(a.gifts for a in arms)
    pooled = (sum(a.revenue for a in arms) / gifts) if gifts else 1.0
    pooled = pooled if pooled > 0 else 1.0
    sizes = {a.key: (pooled, 0.0) for a in arms}
    given = [a for a in arms if a.gifts]
    if len(given) < 2:
        return sizes
    noise = {a.key: (GIFT_CV * pooled) ** 2 / a.gifts for a in given}
    weight = {key: 1 / n for key, n in noise.items()}
    means = {a.key: a.revenue / a.gifts for a in given}
    q = sum(weight[key] * (means[key] - pooled) ** 2 for key in weight)  # pooled: weighted mean
    df = len(given) - 1
    if q <= chi_square_point(df):
        return sizes
    total = sum(weight.values())
    between = (q - df) / (total - sum(w * w for w in weight.values()) / total)
    for a in given:
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
