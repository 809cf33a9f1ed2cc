from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from support import experiments
from support.models import Appeal, AppealLadderAmount, Audience, SiteCurrency, SupportSettings
from support.models.appeals import recurring_errors_by_currency
from support.money import format_money
from support.views import appeals as appeal_views


class AppealForm(forms.ModelForm):
    """A variant: its words, its amounts, when it runs and whom it asks."""

    reads = forms.MultipleChoiceField(
        label="Articles read in the last 30 days",
        choices=Audience.READS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Counted in the reader's own browser. None ticked: any.",
    )
    donor_states = forms.MultipleChoiceField(
        label="Donor state",
        choices=Audience.DONOR,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the hint the thank-you page leaves in the reader's browser. None "
        "ticked: everyone but monthly and yearly donors, who see only a variant that names them.",
    )
    referrers = forms.MultipleChoiceField(
        label="Came from",
        choices=Audience.REFERRER,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):  # a date box and a time box: each named
            if name in self.fields and hasattr(self.fields[name].widget, "widgets"):
                label = str(self.fields[name].label or name).capitalize()
                date, time = self.fields[name].widget.widgets
                date.attrs["aria-label"] = f"{label}: date"
                time.attrs["aria-label"] = f"{label}: time"

    class Meta:
        model = Appeal
        fields = [
            "placement",
            "name",
            "position",
            "active",
            "starts_at",
            "ends_at",
            "heading",
            "body",
            "button_label",
            "footnote",
            "remind_prompt",
            "remind_label",
            "show_goal",
            "monthly_amounts",
            "annual_amounts",
            "once_amounts",
            "default_frequency",
            "default_amount",
            "reads",
            "donor_states",
            "referrers",
            "countries",
            "cap_views",
            "cap_days",
            "gap_days",
        ]


class CurrencyAmountsFormSet(forms.BaseInlineFormSet):
    """A variant for monthly and yearly donors keeps its upgrade ask in each currency too."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A table's cells have no <label>: each box says what it is.
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            widget.attrs.setdefault("aria-label", str(field.label or name).capitalize())

    def clean(self):
        super().clean()
        if "recurring" not in (self.instance.donor_states or []):
            return
        rows = [
            (data["currency"], data["frequency"], data.get("amount"))
            for data in (form.cleaned_data for form in self.forms if form.is_valid())
            if data and not data.get("DELETE") and data.get("currency") and data.get("frequency")
        ]
        errors = recurring_errors_by_currency(rows)
        if errors:
            raise forms.ValidationError(errors)


class AppealLadderAmountInline(admin.TabularInline):
    """The variant's own amounts in a currency other than the base one; a frequency it names
    none for in a currency keeps that currency's ladder."""

    model = AppealLadderAmount
    formset = CurrencyAmountsFormSet
    extra = 1
    fields = ["currency", "frequency", "amount", "position"]
    ordering = ["currency", "frequency", "position", "amount"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "currency":  # the base currency's are the fields above
            kwargs["queryset"] = SiteCurrency.objects.exclude(code=settings.DONATION_CURRENCY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "currency":  # a currency is edited on its own page
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_view_related = False
        return field


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    form = AppealForm
    inlines = [AppealLadderAmountInline]
    change_list_template = "admin/support/appeal/change_list.html"
    list_display = ["__str__", "active", "position", "starts_at", "ends_at", "preview_link"]
    list_filter = ["placement", "active"]
    save_as = True  # "Save as new": a new variant from this one
    fieldsets = [
        (None, {"fields": ["placement", "name", "position", "active", ("starts_at", "ends_at")]}),
        (
            "Words",
            {
                "fields": [
                    "heading",
                    "body",
                    "button_label",
                    "footnote",
                    "remind_prompt",
                    "remind_label",
                    "show_goal",
                ]
            },
        ),
        (
            "Amounts (empty: the site's)",
            {
                "fields": [
                    "monthly_amounts",
                    "annual_amounts",
                    "once_amounts",
                    ("default_frequency", "default_amount"),
                ]
            },
        ),
        ("Audience", {"fields": ["reads", "donor_states", "referrers", "countries"]}),
        (
            "How often one reader sees it",
            {"fields": [("cap_views", "cap_days"), "gap_days"]},
        ),
    ]

    @admin.display(description="Preview")
    def preview_link(self, obj):
        url = reverse("admin:support_appeal_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview on a story</a>', url)

    def get_urls(self):
        own = [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="support_appeal_report",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="support_appeal_preview",
            ),
            path(
                "<int:pk>/preview/story/",
                self.admin_site.admin_view(self.preview_story_view),
                name="support_appeal_preview_story",
            ),
        ]
        return own + super().get_urls()

    def _appeal_for(self, request, pk) -> Appeal:
        if not self.has_view_permission(request):
            raise PermissionDenied  # fundraising: not for Writers
        return get_object_or_404(Appeal, pk=pk)

    def preview_view(self, request, pk):
        appeal = self._appeal_for(request, pk)
        context = {
            **self.admin_site.each_context(request),
            **appeal_views.preview(request, appeal),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/support/appeal/preview.html", context)

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied  # fundraising figures: Editors only
        report = experiments.variant_report()
        for row in report["rows"]:
            row["given_display"] = _money(row["given"])
            row["annual_display"] = _money(row["annual"])
            row["per_thousand_display"] = _money(row["per_thousand"])
            row["p_best_display"] = "—" if row["p_best"] is None else f"{row['p_best']:.0%}"
        context = {
            **self.admin_site.each_context(request),
            **report,
            "title": "What each appeal raises",
            "opts": self.model._meta,
            "min_gifts": experiments.MIN_GIFTS_FOR_CONVERSION,
            "sample": settings.APPEAL_VIEW_SAMPLE,
        }
        return TemplateResponse(request, "admin/support/appeal/report.html", context)

    def preview_story_view(self, request, pk):
        return appeal_views.preview_story(request, self._appeal_for(request, pk))


def _money(amount) -> str:
    return "—" if amount is None else format_money(amount, settings.DONATION_CURRENCY)


@admin.register(SupportSettings)
class SupportSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "monthly_goal", "default_amount", "default_frequency"]

    def has_add_permission(self, request):
        return not SupportSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
