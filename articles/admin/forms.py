from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.admin.body_editor import BodyEditorWidget
from articles.models import Article, Status
from articles.models.articles import LIVE_STATUSES, PUBLISHING_STATUSES
from articles.sanitize import clean_body
from articles.services import user_may_publish

WRITER_STATUSES = (Status.DRAFT, Status.IN_REVIEW)


class ArticleAdminForm(forms.ModelForm):
    mark_updated = forms.BooleanField(
        label="Tell readers it was updated",
        required=False,
        help_text='Shows "Updated" with the time of this save. Leave unticked for small fixes.',
    )
    user = None  # set per request by ArticleAdmin.get_form

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "kicker", "dek", "body", "section", "tags", "dateline", "agency",
            "hero_photo", "hero_caption", "status", "publish_at", "updated_at", "seo_title",
            "seo_description",
        ]  # fmt: skip
        widgets = {"body": BodyEditorWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields and not user_may_publish(self.user):
            self.fields["status"].choices = [
                choice for choice in Status.choices if choice[0] in WRITER_STATUSES
            ]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status is None:
            return cleaned
        if status in PUBLISHING_STATUSES and not user_may_publish(self.user):
            raise ValidationError(
                {"status": "Only editors can publish, schedule or unpublish; submit for review."}
            )
        if status in LIVE_STATUSES:
            self._clean_going_live(cleaned)
        return cleaned

    def _clean_going_live(self, cleaned):
        now = timezone.now()
        publish_at = cleaned.get("publish_at")
        if cleaned["status"] == Status.SCHEDULED and (publish_at is None or publish_at <= now):
            raise ValidationError({"publish_at": "To schedule, choose a time in the future."})
        if publish_at is None:
            cleaned["publish_at"] = publish_at = now
        if publish_at > now:
            cleaned["status"] = Status.SCHEDULED
        relevant = {"status", "publish_at", "hero_photo", "body"} & set(self.changed_data)
        if relevant or self.instance.pk is None:
            hero = Article(hero_photo=cleaned.get("hero_photo"))
            body = Article(body=clean_body(cleaned.get("body", "")))
            errors = {
                "hero_photo": hero.publication_problems(at=publish_at),
                "body": body.publication_problems(at=publish_at),
            }
            errors = {field: problems for field, problems in errors.items() if problems}
            if errors:
                raise ValidationError(errors)
