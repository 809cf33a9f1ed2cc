"""The article form's autosave: its script posts the text fields every half minute (JSON);
the change form offers a newer slot back (Restore, Discard). See articles/autosave.py."""

import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from articles.admin.forms import ArticleAdminForm
from articles.autosave import AUTOSAVED_FIELDS, autosave_discard, autosave_store
from articles.models import Autosave

RESTORE = "autosave"  # ?autosave=restore on the change form


class Refused(ValueError):
    """A draft the server will not keep; the message says why."""


def _limit(name: str) -> int:
    """The form's own limit on the field: its length, or (the body) what a save may send."""
    field = ArticleAdminForm.base_fields[name]
    return getattr(field, "max_length", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _label(name: str) -> str:
    return str(ArticleAdminForm.base_fields[name].label or name).capitalize()


def draft_from(payload, *, article) -> dict:
    """The fields, version and opening time of a posted draft, or Refused with a reason."""
    if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict):
        raise Refused("Send the form's text fields as a JSON object under “fields”.")
    fields = {}
    for name, value in payload["fields"].items():
        if name not in AUTOSAVED_FIELDS:
            raise Refused(f"“{name}” is not a text field of the form.")
        if not isinstance(value, str) or "\x00" in value:
            raise Refused(f"{_label(name)} must be text.")
        if len(value) > (limit := _limit(name)):
            raise Refused(f"{_label(name)} is over the form's limit of {limit:,} characters.")
        fields[name] = value
    version = payload.get("opened_version")
    if isinstance(version, str) and version.isascii() and version.isdigit() and len(version) < 10:
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int):
        raise Refused("Send the edit version the form was opened at (opened_version).")
    if not 0 <= version <= article.edit_version:
        raise Refused("That edit version is not one this story has had.")
    return {"fields": fields, "opened_version": version, "opened_at": _moment(payload)}


def _moment(payload) -> datetime.datetime | None:
    try:
        opened = datetime.datetime.fromisoformat(str(payload.get("edited_since") or ""))
    except ValueError:
        return None
    return opened if opened.tzinfo is not None else None


def _article(model_admin, request, object_id):
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("No such article.")
    # Whoever may change the story keeps a draft of it; a Writer on a live story reads the
    # form without fields and writes on the Propose page, so has nothing to keep here.
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article


def _refused(reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=400)


def autosave_view(model_admin, request, object_id):
    """POST: keep the form's text in the user's slot; GET: when it was last kept."""
    article = _article(model_admin, request, object_id)
    if request.method != "POST":
        slot = Autosave.objects.filter(article=article, user=request.user).first()
        return JsonResponse(_answer(slot))
    if request.content_type != "application/json":  # a form's body is read already
        return _refused("Send the form's text fields as JSON.")
    try:
        payload = json.loads(request.body)
    except RequestDataTooBig:
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _refused(f"The draft is over the {size:,} bytes a save of the form may send.")
    except ValueError:  # not JSON, or not UTF-8
        return _refused("Send the form's text fields as JSON.")
    try:
        draft = draft_from(payload, article=article)
    except Refused as refused:
        return _refused(str(refused))
    slot = autosave_store(article=article, user=request.user, **draft)
    return JsonResponse(_answer(slot))


def _answer(slot) -> dict:
    if slot is None:
        return {"saved_at": None, "shown": ""}
    return {"saved_at": slot.saved_at.isoformat(), "shown": saved_at_text(slot.saved_at)}


def saved_at_text(moment) -> str:
    """The time shown: "14:03" today, "14:03 on 6 December" before."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "H:i \\o\\n j F")


def autosave_discard_view(model_admin, request, object_id):
    """POST: drop the user's kept draft of the story; then back to its form."""
    article = _article(model_admin, request, object_id)
    if request.method == "POST":
        autosave_discard(article=article, user=request.user)
        messages.info(request, "Your unsaved changes were discarded.")
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
