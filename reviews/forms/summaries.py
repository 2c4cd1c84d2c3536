"""Forms for agency summaries (asking, delegating, writing, returning) and a partner's
sign-off in person."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.forms._base import (
    IdentifierGuardMixin,
    ParseOnlyModelForm,
    date_widget,
    helper,
    style_row_widgets,
    textarea,
)
from reviews.forms.rapid_reviews import rows_formset
from reviews.models import AgencySummary, ChronologyEntry, ProposedAction
from scsp.models import Agency, User

SUMMARY_TEXT = ["went_well", "could_be_better", "actions_taken", "learning_agency",
                "learning_partnership"]


class AskForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies to ask"), queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ticked: the agencies involved in the case, and any already asked."))
    due_on = forms.DateField(label=_("Due on"), widget=date_widget())

    def __init__(self, *args, due_help="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(
            active=True, is_business_unit=False).order_by("name")
        if due_help:
            self.fields["due_on"].help_text = due_help
        self.helper = helper(_("Ask these agencies"))

    def service_kwargs(self):
        return dict(self.cleaned_data)


class DelegateForm(forms.Form):
    writer = forms.ModelChoiceField(
        label=_("Who writes it"), queryset=User.objects.none(), required=False,
        empty_label=_("I write it myself"))

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["writer"].queryset = User.objects.filter(
            agency=agency, is_active=True).order_by("full_name")
        self.helper = helper(_("Save"))


class SummaryForm(IdentifierGuardMixin, ParseOnlyModelForm):
    class Meta:
        model = AgencySummary
        fields = SUMMARY_TEXT
        widgets = {f: textarea(5) for f in SUMMARY_TEXT}
        help_texts = {
            "went_well": _("Your analysis of your agency's practice."),
            "actions_taken": _("Already done to keep this child and other children safe."),
            "learning_partnership": _("What the partnership as a whole should learn."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(_("Save the draft"))


class ChronologyEntryForm(IdentifierGuardMixin, ParseOnlyModelForm):
    guarded_fields = ("what", "who", "source")

    class Meta:
        model = ChronologyEntry
        fields = ["happened_on", "what", "who", "source"]
        widgets = {"happened_on": date_widget(), "what": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_row_widgets(self)
        self.fields["happened_on"].required = False
        self.fields["what"].required = False


class ProposedActionForm(IdentifierGuardMixin, ParseOnlyModelForm):
    guarded_fields = ("description", "success_measure")

    class Meta:
        model = ProposedAction
        fields = ["description", "success_measure", "target_date"]
        widgets = {"description": forms.TextInput(), "success_measure": forms.TextInput(),
                   "target_date": date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_row_widgets(self)
        for name in self.Meta.fields:
            self.fields[name].required = False


def chronology_formset(summary, data=None):
    return rows_formset(ChronologyEntry, ChronologyEntryForm, ChronologyEntryForm.Meta.fields,
                        data=data, queryset=summary.chronology.all(), prefix="entries",
                        extra=5)


def proposed_action_formset(summary, data=None):
    return rows_formset(ProposedAction, ProposedActionForm, ProposedActionForm.Meta.fields,
                        data=data, queryset=summary.proposed_actions.all(), prefix="proposed",
                        extra=3)


class ReturnForm(IdentifierGuardMixin, forms.Form):
    comment = forms.CharField(label=_("What should the agency change?"), widget=textarea(4))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(_("Return the summary"), css_class="btn-secondary")


class PartnerSignOffForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read this version of the Rapid Review and its minutes, and sign it "
                "off for my agency."))
    #: The version the person read: a change in the meantime is refused, not signed unseen.
    version_seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, version_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        if version_at is not None:
            self.fields["version_seen"].initial = version_at.isoformat()
        self.helper = helper(_("Sign off"))
