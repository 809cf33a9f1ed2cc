from django import template

register = template.Library()


@register.inclusion_tag("support/includes/top_banner.html", takes_context=True)
def top_banner(context):
    return {"request": context.get("request")}


@register.inclusion_tag("support/includes/end_of_article_appeal.html", takes_context=True)
def end_of_article_appeal(context, article=None):
    return {"request": context.get("request"), "article": article}
