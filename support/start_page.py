"""The admin's start page: the newsroom's (articles.start_page) and, for those who may see
fundraising figures (Editors, never Writers), "What earns support"; and what one story raised,
on its form."""

from django.conf import settings

from articles.start_page import start_page as newsroom_start_page
from support.experiments import REPORT_DAYS, earns_report, story_figures_of
from support.money import format_money


def start_page(user) -> dict:
    context = newsroom_start_page(user)
    if user.has_perm("support.view_donation"):
        report = earns_report()
        for rows in report.values():
            for row in rows:
                row["annual_display"] = _money(row["annual"])
                row["per_thousand_display"] = _money(row["per_thousand"])
        context["support_report"] = {**report, "days": REPORT_DAYS}
    return context


def story_figures(user, article_id: int) -> dict:
    if not user.has_perm("support.view_donation"):
        return {}
    figures = story_figures_of(article_id)
    figures["annual_display"] = _money(figures["annual"])
    figures["per_thousand_display"] = _money(figures["per_thousand"])
    return {"support_figures": figures}


def _money(amount) -> str:
    return "—" if amount is None else format_money(amount, settings.DONATION_CURRENCY)
