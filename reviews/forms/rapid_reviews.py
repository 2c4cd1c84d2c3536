"""Forms for the Rapid Review: sections, attendees, agency summaries, decision, sign-off,
the Panel and "what, by whom, by when" actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from reviews.forms._base import (
    IdentifierGuardMixin,
    ParseOnlyModelForm,
    active_agencies,
    date_widget,
    helper,
    style_row_widgets,
    textarea,
)
from reviews.models import (
    AgencySummary,
    Attendee,
    RapidReview,
    SignOff,
)
from scsp.models import Agency, User

RR_SECTIONS = ["facts_and_chronology", "key_practice_episodes", "good_practice",
               "immediate_safeguarding_actions", "learning_single_agency",
               "learning_multi_agency", "context"]


class RapidReviewForm(IdentifierGuardMixin, ParseOnlyModelForm):
    guarded_fields = tuple(RR_SECTIONS)

    class Meta:
        model = RapidReview
        fields = ["meeting_date", *RR_SECTIONS]
        widgets = {"meeting_date": date_widget(), **{f: textarea(5) for f in RR_SECTIONS}}
        help_texts = {"meeting_date": _("It can be planned ahead.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_identifier_guard()
        self.helper = helper(_("Save the Rapid Review"))


class AttendeeForm(ParseOnlyModelForm):
    class Meta:
        model = Attendee
        fields = ["name", "role", "agency", "attendance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_row_widgets(self)
        for name in ("name", "role", "agency"):
            self.fields[name].required = False
        self.fields["agency"].queryset = active_agencies(
            [self.instance.agency] if self.instance.pk else ())


class AgencySummaryForm(ParseOnlyModelForm):
    class Meta:
        model = AgencySummary
        fields = ["agency", "requested_on", "received_on"]
        widgets = {"requested_on": date_widget(), "received_on": date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_row_widgets(self)
        self.fields["agency"].required = False
        self.fields["requested_on"].required = False
        self.fields["agency"].queryset = active_agencies(
            [self.instance.agency] if self.instance.pk else ())


class BaseRowsFormSet(forms.BaseModelFormSet):
    """A table of rows saved in one go by a service; blank extra rows are ignored."""

    row_fields: tuple[str, ...] = ()

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
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if not form.instance.pk and not any(data.get(f) for f in self.row_fields):
                continue
            row = {f: data.get(f) for f in self.row_fields}
            if form.instance.pk:
                row["id"] = form.instance.pk
            rows.append(row)
        return rows


def rows_formset(model, form, fields, *, data=None, queryset, prefix, extra=3):
    FormSet = forms.modelformset_factory(
        model, form=form, formset=BaseRowsFormSet, extra=extra, can_delete=True,
        max_num=60, absolute_max=60, validate_max=True,
    )
    FormSet.row_fields = tuple(fields)
    formset = FormSet(data=data, queryset=queryset, prefix=prefix)
    return formset


def attendee_formset(rr, data=None):
    return rows_formset(Attendee, AttendeeForm, AttendeeForm.Meta.fields, data=data,
                        queryset=rr.attendees.select_related("agency"), prefix="people", extra=4)


def summary_formset(rr, data=None):
    return rows_formset(AgencySummary, AgencySummaryForm, AgencySummaryForm.Meta.fields,
                        data=data, queryset=rr.agency_summaries.select_related("agency"),
                        prefix="summaries", extra=3)


class DecisionForm(IdentifierGuardMixin, ParseOnlyModelForm):
    guarded_fields = ("decision_rationale",)

    class Meta:
        model = RapidReview
        fields = ["decision", "local_route", "decision_rationale", "decided_on"]
        widgets = {"decision": forms.RadioSelect, "local_route": forms.RadioSelect,
                   "decision_rationale": textarea(5), "decided_on": date_widget()}
        help_texts = {
            "local_route": _("Only when the decision is “No CSPR: a local learning route”."),
            "decision": _("An LCSPR, Tabletop Review, Spotlight Review or learning briefing is "
                          "started for you, linked to this case."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].required = True
        self.fields["decision_rationale"].required = True
        self.fields["decided_on"].required = True
        for name in ("decision", "local_route"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        self.add_identifier_guard()
        self.helper = helper(_("Record the decision"))

    def service_kwargs(self):
        data = self.cleaned_data
        return {"decision": data["decision"], "local_route": data.get("local_route") or "",
                "rationale": data["decision_rationale"], "decided_on": data["decided_on"]}


class SignOffForm(ParseOnlyModelForm):
    class Meta:
        model = SignOff
        fields = ["agency", "signed_by_name", "signed_by_role", "signed_on", "how"]
        widgets = {"signed_on": date_widget()}
        labels = {"agency": _("Safeguarding partner")}

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is not None:
            self.fields["agency"].queryset = partners
        self.helper = helper(_("Record the sign-off"))

    def service_kwargs(self):
        data = self.cleaned_data
        return {"agency": data["agency"], "name": data["signed_by_name"],
                "role": data["signed_by_role"], "signed_on": data["signed_on"],
                "how": data.get("how", "")}


class ChairSignOffForm(forms.Form):
    """The chair signs off in person: nothing to fill in, their name and today are used."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(_("Sign off this Rapid Review"))


class PanelForm(IdentifierGuardMixin, ParseOnlyModelForm):
    guarded_fields = ("panel_comments",)

    class Meta:
        model = RapidReview
        fields = ["sent_to_panel_on", "panel_response_on", "panel_response", "panel_comments"]
        widgets = {"sent_to_panel_on": date_widget(), "panel_response_on": date_widget(),
                   "panel_response": forms.RadioSelect, "panel_comments": textarea(4)}
        help_texts = {"sent_to_panel_on": _("Sending the Rapid Review stops its clock.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel_response"].choices = [
            ("", _("No response yet")), *[c for c in self.fields["panel_response"].choices if c[0]]
        ]
        self.add_identifier_guard()
        self.helper = helper(_("Save"))


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name} ({user.agency.short_name})"


class ActionForm(IdentifierGuardMixin, forms.Form):
    """A "what, by whom, by when" action for a Rapid Review's action plan."""

    guarded_fields = ("title", "description", "success_measure")

    title = forms.CharField(
        label=_("Short title"), max_length=120, required=False,
        help_text=_("A few words for lists, reminders and calendars. No case details."),
    )
    description = forms.CharField(label=_("What will be done"), widget=textarea(3))
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.none())
    lead_officer = OfficerChoiceField(
        label=_("Lead officer"), queryset=User.objects.none(),
        help_text=_("Someone in the lead agency."),
    )
    target_date = forms.DateField(label=_("By when"), widget=date_widget())
    success_measure = forms.CharField(
        label=_("How we will know it has worked"), widget=textarea(2),
        help_text=Action._meta.get_field("success_measure").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = Agency.objects.active().order_by("name")
        officers = (User.objects.active().select_related("agency")
                    .order_by("agency__name", "full_name"))
        self.fields["lead_officer"].queryset = officers
        # Officers grouped by agency (<optgroup>); js/officer_select.js narrows them to the lead agency.
        groups: dict[str, list] = {}
        for user in officers:
            groups.setdefault(user.agency.name, []).append((user.pk, user.full_name))
        self.fields["lead_officer"].widget.choices = [("", "---------"), *groups.items()]
        self.fields["lead_officer"].widget.attrs["data-officer-select"] = "1"
        self.fields["lead_agency"].widget.attrs["data-agency-select"] = "1"
        self.helper = helper(_("Add the action"))
