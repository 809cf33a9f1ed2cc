import datetime

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.models import Version

from articles.admin.body_editor import BodyEditorWidget
from articles.admin.conflicts import RESOLVED, conflicts, take_theirs
from articles.front_page import LAST
from articles.models import Article, Status
from articles.models.articles import NO_SECTION
from articles.sanitize import clean_body
from articles.workflow import (
    GOING_LIVE,
    LIVE_TIME_STAYS,
    Move,
    PublicationRefused,
    StaleEdit,
    article_check_move,
    article_check_version,
    article_moves,
    article_stage,
    user_may_publish,
    user_name,
)

SEO_HEADLINE = 70  # characters a results page shows of a title


def last_saved_by(article) -> str:
    version = (
        Version.objects.get_for_object(article).select_related("revision__user").order_by("-pk")
    ).first()
    user = version.revision.user if version else None
    return user_name(user) if user else ""


def opened_version(article, started: str):
    """The stored version of the story an editor opened at `started` (None if unknown)."""
    try:
        opened = datetime.datetime.fromisoformat(started)
    except ValueError:
        opened = None
    if opened is None or opened.tzinfo is None:  # not one this form wrote
        return None
    # A revision is dated when its save begins, just before the story's modified_at.
    return (
        Version.objects.get_for_object(article)
        .filter(revision__date_created__lte=opened)
        .order_by("-revision__date_created", "-pk")
        .first()
    )


def changes_since(article, started: str) -> str:
    """The page comparing the version an editor opened with the story as it is now."""
    version = opened_version(article, started)
    if version is None:  # no stored version to start from: the history lists them all
        return reverse("admin:articles_article_history", args=[article.pk])
    return reverse("admin:articles_article_compare", args=[article.pk, version.pk])


def _to_the_second(moment):
    return moment.replace(microsecond=0) if isinstance(moment, datetime.datetime) else moment


class PublishAtField(forms.SplitDateTimeField):
    """The form shows the time to the second: a time stored with microseconds ("Publish
    now") is unchanged when the form sends back the same second."""

    def has_changed(self, initial, data):
        return super().has_changed(_to_the_second(initial), data)


def _photo_problems(article, *, at) -> list[str]:
    return [p for p in article.publication_problems(at=at) if p != NO_SECTION]


def _version_number(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


class ArticleAdminForm(forms.ModelForm):
    mark_updated = forms.BooleanField(
        label="Show as updated",
        required=False,
        help_text='Shows "Updated" with the time of this save. Leave unticked for small fixes.',
    )
    # The version the editor started from: a save over a newer one is refused, not lost
    # (checked on the server under the row's lock: articles.workflow.article_check_version).
    opened_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    # When the form was opened: where "See what they changed" starts from.
    edited_since = forms.CharField(required=False, widget=forms.HiddenInput)
    user = None  # set per request by ArticleAdmin.get_form
    conflicts = None  # a stale save: what they saved beside what was sent
    resolved_version = None  # the version those were compared with
    restored = None  # an Autosave to open the form with (?autosave=restore)

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "kicker", "dek", "body", "section", "tags", "dateline", "agency",
            "hero_photo", "hero_caption", "publish_at", "front_page_position",
            "seo_title", "seo_description",
        ]  # fmt: skip
        widgets = {"body": BodyEditorWidget}
        field_classes = {"publish_at": PublishAtField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Where the story stands as loaded, before this form's data touches it.
        self.stage = article_stage(self.instance)
        self.moves = article_moves(stage=self.stage, user=self.user) if self.user else ()
        self.move = None
        if "publish_at" in self.fields:
            self.fields["publish_at"].help_text = (
                "For Schedule, the time the story goes live. Publish now uses the current "
                "time when this is empty."
            )
        if self.instance.pk and "opened_version" in self.fields:
            self.fields["opened_version"].initial = self.instance.edit_version
            self.fields["edited_since"].initial = self.instance.modified_at.isoformat()
        if self.restored is not None and not self.is_bound:
            self._restore(self.restored)
        for name in ("publish_at", "updated_at"):
            if name in self.fields and hasattr(self.fields[name].widget, "widgets"):
                label = self.fields[name].label or name
                date, time = self.fields[name].widget.widgets
                date.attrs["aria-label"] = f"{label.capitalize()}: date"
                time.attrs["aria-label"] = f"{label.capitalize()}: time"
        if "front_page_position" in self.fields:
            self.fields["front_page_position"].max_value = LAST
            self.fields["front_page_position"].validators.append(MaxValueValidator(LAST))
            self.fields["front_page_position"].widget.attrs["max"] = LAST
        if "front_page_position" in self.fields and not user_may_publish(self.user):
            self.fields["front_page_position"].disabled = True
            self.fields["front_page_position"].help_text = "Editors choose the front page."
        if "headline" in self.fields:
            self.fields["headline"].widget.attrs.update(
                {"class": "vLargeTextField headline-input", "data-count-limit": SEO_HEADLINE}
            )
            self.fields["headline"].help_text = (
                f"Search engines show about {SEO_HEADLINE} characters; "
                "write a separate SEO title below if it must be longer."
            )

    def _restore(self, slot):
        """Open with the kept draft's text and the version it was typed against: a save
        over a newer save is then refused and compared, never saved over it."""
        for name, value in slot.fields.items():
            if name in self.fields and not self.fields[name].disabled:
                self.initial[name] = value
        self.initial["opened_version"] = slot.opened_version
        # Unknown: the comparison then keeps mine for every field that differs.
        self.initial["edited_since"] = slot.opened_at.isoformat() if slot.opened_at else ""

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        stored = self.instance.publish_at if self.instance.pk else None
        if stored is not None and value is not None and value == _to_the_second(stored):
            return stored  # the same second as stored: kept as stored, not "changed"
        return value

    def clean(self):
        cleaned = super().clean()
        self._refuse_a_stale_save()
        if "_back" in self.data:  # "Cancel" on the page asking to confirm (admin/confirm.py)
            raise ValidationError(
                "Nothing was saved. Your changes are still in the form below: press a button "
                "to save them, or leave the page to drop them.",
                code="back",
            )
        self.move = self._chosen_move()
        if self.move in GOING_LIVE:
            self._clean_going_live(cleaned)
        return cleaned

    def _chosen_move(self) -> Move:
        """Return the button pressed, or refuse: nothing is saved without one."""
        try:
            move = Move(self.data.get("_workflow", ""))
        except ValueError:
            raise ValidationError(
                "Choose what to do with the story: press one of the buttons below the form.",
                code="no_move",
            ) from None
        try:
            article_check_move(stage=self.stage, user=self.user, move=move)
        except (PermissionDenied, PublicationRefused) as refusal:
            raise ValidationError(str(refusal), code="refused") from None
        return move

    def _refuse_a_stale_save(self):
        """Refuse a form opened before the story's last save, or carrying no version; show
        what they saved beside what was sent (articles/admin/conflicts.py).

        The check locks the story's row until the save's transaction ends (the admin
        validates and saves in one), so no other save can come in between. A form sent
        back from that comparison is checked against the version it was compared with.
        """
        if not self.instance.pk:
            return
        resolving = _version_number(self.data.get(RESOLVED, ""))
        expected = self.cleaned_data.get("opened_version") if resolving is None else resolving
        try:
            article_check_version(article=self.instance, expected_version=expected)
        except StaleEdit:
            pass
        else:
            if resolving is not None:
                take_theirs(form=self, stored=Article.objects.get(pk=self.instance.pk))
                self.cleaned_data["opened_version"] = resolving
            return
        saved_at, self.resolved_version = Article.objects.filter(pk=self.instance.pk).values_list(
            "modified_at", "edit_version"
        )[0]
        started = self.data.get("edited_since", "")
        opened = opened_version(self.instance, started)
        self.conflicts = conflicts(form=self, opened=opened.field_dict if opened else None)
        raise ValidationError(
            format_html(
                "{} saved this story at {} after you opened it, so your changes were not saved "
                'over theirs. <a href="{}">See what they changed</a>. {}',
                last_saved_by(self.instance) or "Someone",
                f"{timezone.localtime(saved_at):%H:%M:%S}",
                changes_since(self.instance, started),
                "Below, what they saved beside what you wrote: tick “Keep mine” where yours "
                "should stand, then press the button again."
                if self.conflicts
                else "What you wrote matches what they saved, field by field: press the "
                "button again to save it over their version.",
            ),
            code="stale",
        )

    def _clean_going_live(self, cleaned):
        """Refuse a time that does not fit the button, at the field; never swap the move."""
        now = timezone.now()
        publish_at = cleaned.get("publish_at")
        if self.move == Move.SCHEDULE and (publish_at is None or publish_at <= now):
            raise ValidationError({"publish_at": "To schedule, choose a time in the future."})
        if self.move == Move.PUBLISH and publish_at and publish_at > now:
            if self.stage != Status.SCHEDULED or "publish_at" in self.changed_data:
                raise ValidationError(
                    {
                        "publish_at": "Publish now publishes at once: clear this future time, "
                        "or press Schedule to publish the story then."
                    }
                )
            publish_at = None  # a scheduled story published early
        if self.move == Move.UPDATE and (publish_at is None or publish_at > now):
            raise ValidationError({"publish_at": LIVE_TIME_STAYS})
        if publish_at is None:
            cleaned["publish_at"] = publish_at = now
        # Each field's problems at the field.
        hero = Article(hero_photo=cleaned.get("hero_photo"))
        body = Article(body=clean_body(cleaned.get("body", "")))
        errors = {
            "section": [] if cleaned.get("section") is not None else [NO_SECTION],
            "hero_photo": _photo_problems(hero, at=publish_at),
            "body": _photo_problems(body, at=publish_at),
        }
        errors = {field: problems for field, problems in errors.items() if problems}
        if errors:
            raise ValidationError(errors)
