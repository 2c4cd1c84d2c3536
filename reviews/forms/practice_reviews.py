"""Forms for practice reviews: details, stages, progress checks, recommendations, the
outcome and learning briefing files."""

from __future__ import annotations

from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reviews.forms._base import (
    IdentifierGuardMixin,
    ParseOnlyModelForm,
    active_themes,
    date_widget,
    helper,
    style_row_widgets,
    textarea,
)
from reviews.models import (
    Case,
    PracticeReview,
    ProgressCheck,
    ReviewStage,
)
from scsp.models import Theme


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, case):
        return f"{case.reference}: {case.pseudonyms()}"


class ReviewForm(IdentifierGuardMixin, ParseOnlyModelForm):
    cases = CaseChoiceField(label=_("Cases"), queryset=Case.objects.none(),
                            widget=forms.CheckboxSelectMultiple,
                            help_text=_("A thematic LCSPR covers several cases."))
    entered_after_event = forms.BooleanField(
        label=_("Entered after the event"), required=False,
        help_text=_("Tick when bringing in a review from before: it says it was entered after "
                    "the event, by whom and when. Its reference takes the year of the decision."),
    )
    guarded_fields = ("summary",)

    class Meta:
        model = PracticeReview
        fields = ["kind", "title", "decision_date", "cases", "is_thematic", "reviewer", "method",
                  "themes", "summary"]
        widgets = {"decision_date": date_widget(), "themes": forms.CheckboxSelectMultiple,
                   "kind": forms.RadioSelect, "summary": textarea(4)}

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        self.fields["cases"].queryset = cases.prefetch_related("children")
        self.fields["themes"].queryset = active_themes(instance.themes.all() if instance else ())
        self.fields["themes"].required = False
        if instance:
            del self.fields["kind"]
            del self.fields["entered_after_event"]
        else:
            self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
            del self.fields["summary"]
        self.add_identifier_guard()
        self.helper = helper(_("Save the review") if instance else _("Start the review"))
        self.helper.layout = Layout(*[
            Field(name, wrapper_class="checkbox-columns") if name in ("cases", "themes")
            else name for name in self.fields])

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("confirm_no_identifiers", None)
        data["cases"] = list(data.get("cases") or [])
        data["themes"] = list(data.get("themes") or [])
        return data


class StageForm(ParseOnlyModelForm):
    class Meta:
        model = ReviewStage
        fields = ["name", "planned_date", "actual_date", "not_needed", "note"]
        widgets = {"planned_date": date_widget(), "actual_date": date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_row_widgets(self)
        self.fields["name"].required = False


class BaseStageFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            data = form.cleaned_data
            row = {f: data.get(f) for f in StageForm.Meta.fields}
            row["delete"] = self._should_delete_form(form)
            if form.instance.pk:
                row["id"] = form.instance.pk
            rows.append(row)
        return rows


def stage_formset(review, data=None):
    FormSet = forms.modelformset_factory(
        ReviewStage, form=StageForm, formset=BaseStageFormSet, extra=2, can_delete=True,
        max_num=40, absolute_max=40, validate_max=True,
    )
    return FormSet(data=data, queryset=review.stages.order_by("order", "id"), prefix="stages")


class ProgressCheckForm(IdentifierGuardMixin, ParseOnlyModelForm):
    guarded_fields = ("note",)

    class Meta:
        model = ProgressCheck
        fields = ["checked_on", "on_track", "drafts_requested", "note"]
        widgets = {"checked_on": date_widget(), "note": textarea(4)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_identifier_guard()
        self.helper = helper(_("Record the check"))


class RecommendationForm(IdentifierGuardMixin, forms.Form):
    text = forms.CharField(label=_("Recommendation or learning point"), widget=textarea(4))
    themes = forms.ModelMultipleChoiceField(
        label=_("Learning themes"), queryset=Theme.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = active_themes()
        self.helper = helper(_("Add the recommendation"))


class OutcomeForm(IdentifierGuardMixin, ParseOnlyModelForm):
    """An LCSPR's publication outcome."""

    published_on = forms.DateField(label=_("Date published"), required=False,
                                   widget=date_widget())
    published_url = forms.URLField(label=_("Link to the published report"), required=False,
                                   assume_scheme="https", max_length=200)
    guarded_fields = ("embargo_reason", "embargo_proceeding_detail", "not_published_reason",
                      "published_instead")

    class Meta:
        model = PracticeReview
        fields = ["outcome", "published_on", "published_url", "embargo_reason",
                  "embargo_proceeding", "embargo_proceeding_detail", "embargo_expected_end",
                  "embargo_next_review", "not_published_reason", "published_instead"]
        widgets = {"outcome": forms.RadioSelect, "embargo_reason": textarea(3),
                   "embargo_expected_end": date_widget(), "embargo_next_review": date_widget(),
                   "not_published_reason": textarea(3), "published_instead": textarea(3)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        self.fields["outcome"].choices = [c for c in self.fields["outcome"].choices if c[0]]
        self.fields["published_url"].widget.attrs["placeholder"] = "https://"
        if self.instance.pk:
            self.initial.setdefault("published_on", self.instance.published_on)
        self.add_identifier_guard()
        self.helper = helper(_("Record the outcome"))
        # reviews.js shows only the part that matches the chosen outcome.
        self.helper.layout = Layout(
            "outcome",
            Fieldset(_("If published"), "published_on", "published_url",
                     css_class="outcome-part", data_outcome="published"),
            Fieldset(_("If embargoed"), "embargo_reason", "embargo_proceeding",
                     "embargo_proceeding_detail", "embargo_expected_end", "embargo_next_review",
                     css_class="outcome-part", data_outcome="embargoed"),
            Fieldset(_("If not published"), "not_published_reason", "published_instead",
                     css_class="outcome-part", data_outcome="not_published"),
            "confirm_no_identifiers",
        )

    def clean_published_url(self):
        url = (self.cleaned_data.get("published_url") or "").strip()
        if url and not url.lower().startswith(("https://", "http://")):
            raise ValidationError(_("The link must start with https://."))
        return url


class CompletionForm(IdentifierGuardMixin, forms.Form):
    """When a Tabletop or Spotlight Review or a learning briefing was completed."""

    completed_on = forms.DateField(
        label=_("Date completed"), widget=date_widget(),
        help_text=_("Only the completion date: the date it was held is kept separately on the "
                    "stages page and is not changed here."))
    summary = forms.CharField(label=_("Summary of learning"), widget=textarea(5),
                              required=False)
    guarded_fields = ("summary",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_identifier_guard()
        self.helper = helper(_("Record completion"))


class BriefingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Learning briefing file"),
        help_text=_("PDF, Word (.docx), OpenDocument text, PNG or JPEG, up to 10 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from actions.uploads import ACCEPT_ATTRIBUTE

        self.fields["file"].widget.attrs["accept"] = ACCEPT_ATTRIBUTE
        self.helper = helper(_("Upload"))
