"""History, compare and restore pages of an article's stored versions."""

import difflib

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.sanitize import html_to_text
from articles.workflow import PublicationRefused, article_restore_version

COMPARED = [
    "headline", "kicker", "dek", "body", "section_id", "dateline", "agency", "hero_photo_id",
    "hero_caption", "status", "publish_at", "updated_at", "seo_title", "seo_description", "tags",
]  # fmt: skip


def current_fields(article) -> dict:
    fields = {name: getattr(article, name) for name in COMPARED if name != "tags"}
    fields["tags"] = sorted(article.tags.values_list("pk", flat=True))
    return fields


def differences(old: dict, new: dict) -> list[dict]:
    """Return the compared fields whose value differs between two versions."""
    rows = []
    for name in COMPARED:
        before, after = old.get(name), new.get(name)
        if name == "tags":
            before, after = sorted(before or []), sorted(after or [])
        if before == after:
            continue
        row = {"field": Article._meta.get_field(name.removesuffix("_id")).verbose_name}
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


def versions_of(article):
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def history_rows(article) -> list[dict]:
    """Each version, newest first, with who saved it and which fields it changed."""
    versions = list(versions_of(article))
    rows = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changed = differences(previous.field_dict, version.field_dict) if previous else []
        rows.append(
            {
                "version": version,
                "revision": version.revision,
                "previous": previous,
                "changed": ", ".join(str(row["field"]) for row in changed),
            }
        )
    return rows


def _article_and_version(model_admin, request, object_id, version_id):
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("No such article.")
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
    return article, version


def _context(model_admin, request, article, version, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "version": version,
        **extra,
    }


def compare_view(model_admin, request, object_id, version_id):
    article, version = _article_and_version(model_admin, request, object_id, version_id)
    against = request.GET.get("with")
    if against == "previous":
        older = versions_of(article).filter(
            revision__date_created__lte=version.revision.date_created, pk__lt=version.pk
        )
        previous = older.first()
        if previous is None:
            raise Http404("This is the first version: there is nothing before it.")
        rows = differences(previous.field_dict, version.field_dict)
        title = f"What the version of {version.revision.date_created:%d %B %Y %H:%M} changed"
    else:
        previous = None
        rows = differences(version.field_dict, current_fields(article))
        title = f"Changes since {version.revision.date_created:%d %B %Y %H:%M}"
    context = _context(
        model_admin, request, article, version, rows=rows, previous=previous, title=title
    )
    return TemplateResponse(request, "admin/articles/article/compare.html", context)


def restore_view(model_admin, request, object_id, version_id):
    """Ask, then bring back a version's content; the story's state, time and URL stay."""
    article, version = _article_and_version(model_admin, request, object_id, version_id)
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    if request.method == "POST":
        try:
            article_restore_version(article=article, version=version, user=request.user)
        except PublicationRefused as refusal:
            messages.error(request, f"Not restored: {refusal}")
            return HttpResponseRedirect(request.path)
        messages.success(request, restored_message(article, version))
        return HttpResponseRedirect(change_url)
    context = _context(
        model_admin,
        request,
        article,
        version,
        rows=differences(version.field_dict, current_fields(article)),
        title=f"Restore the version of {version.revision.date_created:%d %B %Y %H:%M}?",
        live_url=article.get_absolute_url() if article.is_live else None,
    )
    return TemplateResponse(request, "admin/articles/article/restore.html", context)


def restored_message(article, version) -> str:
    when = f"{version.revision.date_created:%d %B %Y %H:%M}"
    text = f"Restored the headline, text, photo, tags and bylines of the version of {when}."
    if article.is_live:
        return (
            f"{text} The story is still published at {article.get_absolute_url()}, "
            "and readers see the restored text now."
        )
    return f"{text} The story stays {article.get_status_display().lower()}."
