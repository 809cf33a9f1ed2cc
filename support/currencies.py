"""Which currencies a reader may give in, the amounts offered in each, and which one a
reader sees first.

The support page's currency is always in its address (`/support/?currency=eur`) or the
form's own field, never drawn per reader on a shared page: a reader arriving without one is
sent to the address of the currency their country (the CDN's header) or their browser's
language suggests, and that answer varies on those headers.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation.trans_real import parse_accept_lang_header

from support.models import Frequency, LadderAmount, SiteCurrency
from support.money import fee_estimate


@dataclass(frozen=True)
class Offer:
    """What the support form offers in one currency."""

    code: str
    presets: dict = field(default_factory=dict)  # frequency -> [Decimal], in order
    impacts: dict = field(default_factory=dict)  # (frequency, Decimal) -> text
    smallest: Decimal = Decimal("1")
    largest: Decimal = Decimal("10000")
    fee_percent: Decimal = Decimal("0")
    fee_fixed: Decimal = Decimal("0")

    def fee_for(self, amount: Decimal) -> Decimal:
        return fee_estimate(amount, self.code, self.fee_percent, self.fee_fixed)


def offered() -> list[SiteCurrency]:
    """The currencies on the support form, the default first."""
    return list(SiteCurrency.objects.filter(offered=True).order_by("position", "code"))


def find(code: str, currencies: list[SiteCurrency] | None = None) -> SiteCurrency | None:
    """The offered currency with this code ("EUR" or "eur"), or None."""
    code = (code or "").strip().lower()
    return next((c for c in (currencies or offered()) if c.code == code), None)


def default(currencies: list[SiteCurrency]) -> SiteCurrency | None:
    return currencies[0] if currencies else None


def offer_for(site_currency: SiteCurrency | None) -> Offer:
    """The ladders, limits and fee estimate of a currency (the settings' limits and no
    amounts when the site has no currency row, so the form still says what is wrong)."""
    if site_currency is None:
        return Offer(
            code=settings.DONATION_CURRENCY,
            presets={f: [] for f in Frequency.values},
            smallest=Decimal(settings.DONATION_MIN_AMOUNT),
            largest=Decimal(settings.DONATION_MAX_AMOUNT),
        )
    presets = {f: [] for f in Frequency.values}
    impacts = {}
    for row in LadderAmount.objects.filter(currency=site_currency).order_by("position", "amount"):
        if site_currency.amount_errors(row.amount):
            continue  # stored around the admin's checks: never offered, never breaks the page
        presets.setdefault(row.frequency, []).append(row.amount)
        if row.impact:
            impacts[(row.frequency, row.amount)] = row.impact
    return Offer(
        code=site_currency.code,
        presets=presets,
        impacts=impacts,
        smallest=site_currency.smallest_gift,
        largest=site_currency.largest_gift,
        fee_percent=site_currency.fee_percent,
        fee_fixed=site_currency.fee_fixed,
    )


def ladders(code: str) -> dict[str, list[Decimal]]:
    """The amounts offered per frequency in a currency ({} when it is not offered)."""
    site_currency = find(code)
    return offer_for(site_currency).presets if site_currency else {}


def suggested(request, currencies: list[SiteCurrency]) -> SiteCurrency | None:
    """The currency a reader's country (the CDN's header, SUPPORT_COUNTRY_HEADER) or, without
    one, the region of their browser's first language with a region (en-GB) suggests."""
    for country in _countries(request):
        for site_currency in currencies:
            if country in site_currency.country_codes():
                return site_currency
    return None


def _countries(request) -> list[str]:
    found = []
    header = settings.SUPPORT_COUNTRY_HEADER
    if header:
        country = request.headers.get(header, "").strip().upper()
        if len(country) == 2 and country.isalpha() and country not in ("XX", "T1"):
            found.append(country)
    for language, _ in parse_accept_lang_header(request.headers.get("Accept-Language", "")[:500]):
        # The region subtag: "en-GB", "zh-Hant-TW" (a script may come before it).
        regions = [p for p in language.split("-")[1:] if len(p) == 2 and p.isalpha()]
        if regions:
            found.append(regions[0].upper())
    return found


def vary_headers() -> list[str]:
    """The request headers the support page's redirect to a currency depends on."""
    header = settings.SUPPORT_COUNTRY_HEADER
    return [*([header] if header else []), "Accept-Language"]


def rates() -> dict[str, Decimal]:
    """What one unit of each currency is worth in the base currency (editors' rates)."""
    found = dict(SiteCurrency.objects.values_list("code", "rate"))
    found[settings.DONATION_CURRENCY] = Decimal(1)
    return found
