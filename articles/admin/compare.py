"""Compare a stored version of an article with the article as it is now."""

import difflib

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from reversion.models import Version

from articles.sanitize import html_to_text

COMPARED = [
    "headline", "kicker", "dek", "body", "section_id", "dateline", "agency", "hero_photo_id",
    "hero_caption", "status", "publish_at", "updated_at", "seo_title", "seo_description", "tags",
]  # fmt: skip


def differences(old: dict, article) -> list[dict]:
    """Return the compared fields whose stored value differs from the current one."""
    current = {name: getattr(article, name) for name in COMPARED if name != "tags"}
    current["tags"] = sorted(article.tags.values_list("pk", flat=True))
    rows = []
    for name in COMPARED:
        before, after = old.get(name), current[name]
        if name == "tags":
            before = sorted(before or [])
        if before == after:
            continue
        row = {"field": article._meta.get_field(name.removesuffix("_id")).verbose_name}
        if name == "body":
            row["lines"] = _line_diff(html_to_text(before or ""), html_to_text(after or ""))
        else:
            row["before"], row["after"] = before, after
        rows.append(row)
    return rows


def _line_diff(before: str, after: str) -> list[tuple[str, str]]:
    kinds = {"- ": "removed", "+ ": "added", "  ": "same"}
    return [
        (kinds[line[:2]], line[2:])
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line[:2] in kinds
    ]


def compare_view(model_admin, request, object_id, version_id):
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("No such article.")
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "version": version,
        "rows": differences(version.field_dict, article),
        "title": f"Changes since {version.revision.date_created:%d %B %Y %H:%M}",
    }
    return TemplateResponse(request, "admin/articles/article/compare.html", context)
