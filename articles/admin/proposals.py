"""A Writer proposes a change to a live or scheduled story; an Editor reviews it (what
changes, accept, send back with a note). The services are in articles/desk.py."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.admin.body_editor import BodyEditorWidget
from articles.admin.compare import differences
from articles.admin.workflow import outcome_message
from articles.desk import (
    PROPOSED_FIELDS,
    pending_proposal,
    proposal_accept,
    proposal_save,
    proposal_send_back,
    user_may_propose,
)
from articles.models import ProposedRevision
from articles.workflow import PublicationRefused, StaleEdit, user_may_publish


class ProposalForm(forms.ModelForm):
    class Meta:
        model = ProposedRevision
        fields = [*PROPOSED_FIELDS, "note"]
        widgets = {
            "body": BodyEditorWidget,
            "headline": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="Note for the writer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to send the change back: say what to fix.",
    )


def _article(model_admin, request, object_id):
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("No such article.")
    return article


def _context(model_admin, request, article, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": article,
        **extra,
    }


def propose_view(model_admin, request, object_id):
    """The Writer's form: the story's words (or their open proposal's), and a note."""
    article = _article(model_admin, request, object_id)
    if not user_may_propose(request.user, article):
        raise PermissionDenied
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    open_one = pending_proposal(article=article, user=request.user)
    initial = None if open_one else {name: getattr(article, name) for name in PROPOSED_FIELDS}
    form = ProposalForm(request.POST or None, instance=open_one, initial=initial)
    if request.method == "POST" and form.is_valid():
        proposal = proposal_save(
            article=article,
            user=request.user,
            fields={name: form.cleaned_data[name] for name in PROPOSED_FIELDS},
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            f"Your change to “{article.headline}” is saved for an editor to review; the "
            "story readers see stays as it is until it is accepted. You will be told.",
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_proposal", args=[article.pk, proposal.pk])
        )
    context = _context(
        model_admin,
        request,
        article,
        form=form,
        media=model_admin.media + form.media,
        title=f"Propose a change to “{article.headline}”",
        change_url=change_url,
        editing_open_one=open_one is not None,
    )
    return TemplateResponse(request, "admin/articles/article/propose.html", context)


def proposal_view(model_admin, request, object_id, proposal_id):
    """What the proposed change changes; an Editor accepts it or sends it back."""
    article = _article(model_admin, request, object_id)
    proposal = get_object_or_404(ProposedRevision, pk=proposal_id, article=article)
    may_review = user_may_publish(request.user)
    if not may_review and proposal.proposed_by_id != request.user.pk:
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        if form.is_valid():
            note = form.cleaned_data["note"].strip()
            try:
                if "accept" in request.POST:
                    moved = proposal_accept(proposal=proposal, user=request.user, note=note)
                    messages.success(
                        request, f"Accepted the proposed change. {outcome_message(moved)}"
                    )
                    return HttpResponseRedirect(
                        reverse("admin:articles_article_change", args=[article.pk])
                    )
                proposal_send_back(proposal=proposal, user=request.user, note=note)
                messages.success(
                    request, "Sent the proposed change back; the writer has been told why."
                )
                return HttpResponseRedirect(reverse("admin:index"))
            except (PublicationRefused, StaleEdit) as refusal:
                form.add_error(None, f"Nothing was changed: {refusal}")
    current = {name: getattr(article, name) for name in PROPOSED_FIELDS}
    proposed = {name: getattr(proposal, name) for name in PROPOSED_FIELDS}
    context = _context(
        model_admin,
        request,
        article,
        proposal=proposal,
        rows=differences(current, proposed),
        form=form,
        may_review=may_review and proposal.state == ProposedRevision.State.PENDING,
        saved_since=article.edit_version != proposal.base_version,
        title=f"Proposed change to “{article.headline}”",
    )
    return TemplateResponse(request, "admin/articles/article/proposal.html", context)
