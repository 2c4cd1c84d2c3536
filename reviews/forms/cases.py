"""Forms for cases, their children and the subgroup's referral decisions."""

from __future__ import annotations

from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reviews.forms._base import (
    IdentifierGuardMixin,
    ParseOnlyModelForm,
    active_agencies,
    active_themes,
    date_widget,
    helper,
    textarea,
)
from reviews.models import (
    Case,
    Child,
    HarmCategory,
    SpotlightReferral,
)
from scsp.privacy import find_identifiers

CASE_DATE_FIELDS = ["incident_date", "became_aware_on", "notification_submitted_on",
                    "referral_received_on"]


class CaseForm(IdentifierGuardMixin, ParseOnlyModelForm):
    """A case's details. ``mode`` is "notification" (the co-ordinator logs a serious incident
    notification), "referral" (a partner refers), "referral_bu" (the co-ordinator logs a
    partner's referral) or "edit"."""

    harm_categories = forms.MultipleChoiceField(
        label=_("Harm categories"), choices=HarmCategory.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    entered_after_event = forms.BooleanField(
        label=_("Entered after the event"), required=False,
        help_text=_("Tick when bringing in a case from before (for example an earlier year): "
                    "the case says it was entered after the event, by whom and when. Its "
                    "clocks count from the dates you give."),
    )
    guarded_fields = ("case_outline", "immediate_safeguarding_actions", "referral_reason",
                      "late_notification_reason")

    class Meta:
        model = Case
        fields = [
            "route", "referring_agency", "incident_date", "became_aware_on",
            "notification_submitted_on", "referral_received_on", "late_notification_reason",
            "incident_type", "location", "case_outline", "referral_reason",
            "agencies_involved", "police_investigation", "immediate_safeguarding_actions",
            "themes",
        ]
        widgets = {
            **{f: date_widget() for f in CASE_DATE_FIELDS},
            "case_outline": textarea(5),
            "referral_reason": textarea(3),
            "late_notification_reason": textarea(2),
            "immediate_safeguarding_actions": textarea(3),
            "agencies_involved": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "incident_type": forms.RadioSelect,
            "location": forms.RadioSelect,
            "police_investigation": forms.RadioSelect,
        }
        help_texts = {
            "late_notification_reason": _("Needed only if the notification was made more than "
                                          "5 working days after the local authority became "
                                          "aware."),
            "referral_received_on": _("Sandwell's Rapid Review clock counts from this date."),
        }

    def __init__(self, *args, mode="edit", **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        instance = self.instance if self.instance.pk else None
        self.fields["agencies_involved"].queryset = active_agencies(
            instance.agencies_involved.all() if instance else ())
        self.fields["themes"].queryset = active_themes(instance.themes.all() if instance else ())
        self.fields["themes"].required = False
        self.fields["referring_agency"].queryset = active_agencies()
        for name in ("incident_type", "location", "police_investigation"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        if instance:
            self.initial["harm_categories"] = [h.category for h in instance.harms.all()]
        drop = set() if mode in ("notification", "referral_bu") else {"entered_after_event"}
        if mode == "notification":
            drop |= {"route", "referring_agency", "referral_reason"}
        elif mode == "referral":
            drop |= {"route", "referring_agency", "became_aware_on", "notification_submitted_on",
                     "late_notification_reason", "referral_received_on"}
            self.fields["referral_reason"].required = True
            # The referrer's own agency is always involved; others are optional.
            self.fields["agencies_involved"].required = False
            self.fields["agencies_involved"].help_text = _(
                "Your own agency is included. Tick the others that know the family.")
        elif mode == "referral_bu":
            drop |= {"route", "became_aware_on", "notification_submitted_on",
                     "late_notification_reason"}
            self.fields["referring_agency"].required = True
        else:  # edit
            if instance and instance.is_notification:
                drop |= {"route", "referring_agency", "referral_reason"}
        for name in drop:
            del self.fields[name]
        self.add_identifier_guard()
        self.helper = helper(None, form_tag=False)
        self.helper.disable_csrf = True
        sections = [
            (_("Dates"), CASE_DATE_FIELDS + ["late_notification_reason",
                                               "entered_after_event"]),
            (_("Referral"), ["route", "referring_agency", "referral_reason"]),
            (_("The incident"), ["incident_type", "harm_categories", "location", "case_outline",
                                 "police_investigation", "immediate_safeguarding_actions"]),
            (_("Agencies and learning themes"), ["agencies_involved", "themes"]),
        ]
        multi = {"harm_categories", "agencies_involved", "themes"}
        dates = [f for f in CASE_DATE_FIELDS if f in self.fields]

        def item(name):
            if name in multi:
                return Field(name, wrapper_class="checkbox-columns")
            return name

        parts = []
        for legend, names in sections:
            present = [f for f in names if f in self.fields]
            if not present:
                continue
            if legend == sections[0][0]:
                rows = [Row(*[Column(f, css_class="col-md-6") for f in dates[i:i + 2]])
                        for i in range(0, len(dates), 2)]
                rest = [f for f in present if f not in dates]
                parts.append(Fieldset(legend, *rows, *rest))
            else:
                parts.append(Fieldset(legend, *[item(f) for f in present]))
        self.helper.layout = Layout(*parts, "confirm_no_identifiers")

    KEPT_WHEN_HIDDEN = ("referring_agency", "referral_reason", "became_aware_on",
                        "notification_submitted_on", "late_notification_reason")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("confirm_no_identifiers", None)
        data["agencies_involved"] = list(data.get("agencies_involved") or [])
        data["themes"] = list(data.get("themes") or [])
        if self.instance.pk:
            # Fields this form does not show keep their values.
            for name in self.KEPT_WHEN_HIDDEN:
                if name not in self.fields:
                    data[name] = getattr(self.instance, name)
        return data


class ChildForm(ParseOnlyModelForm):
    class Meta:
        model = Child
        fields = ["pseudonym", "age_band", "sex", "ethnicity", "disability", "legal_status",
                  "agencies_known_to"]
        widgets = {"agencies_known_to": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pseudonym"].required = False  # an empty extra row is simply ignored
        self.fields["agencies_known_to"].queryset = active_agencies(
            self.instance.agencies_known_to.all() if self.instance.pk else ())
        self.fields["agencies_known_to"].required = False

    def clean_pseudonym(self):
        name = " ".join((self.cleaned_data.get("pseudonym") or "").split())
        if name and find_identifiers(name):
            raise ValidationError(_("A pseudonym must not contain an NHS number, a postcode or "
                                    "a date of birth."))
        return name


class BaseChildFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this child from the case")

    def rows(self) -> list[dict]:
        """The children to keep, in order, as dicts for ``case_set_children``."""
        rows = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self.can_delete and self._should_delete_form(
                    form):
                continue
            data = form.cleaned_data
            if not data.get("pseudonym"):
                if form.instance.pk:
                    rows.append({"id": form.instance.pk, "pseudonym": ""})
                continue
            row = {k: data.get(k) for k in ChildForm.Meta.fields}
            row["agencies_known_to"] = list(data.get("agencies_known_to") or [])
            if form.instance.pk:
                row["id"] = form.instance.pk
            rows.append(row)
        return rows


def child_formset(*, data=None, case=None, extra=None, prefix="children"):
    """Up to 4 children: the case's children plus empty rows up to 4."""
    queryset = case.children.order_by("position") if case else Child.objects.none()
    count = queryset.count() if case else 0
    if extra is None:
        extra = max(4 - count, 0)
    FormSet = forms.modelformset_factory(
        Child, form=ChildForm, formset=BaseChildFormSet, extra=extra, max_num=4,
        validate_max=True, absolute_max=4, can_delete=bool(case),
    )
    formset = FormSet(data=data, queryset=queryset, prefix=prefix)
    formset.helper = helper(None, form_tag=False)
    formset.helper.disable_csrf = True
    formset.helper.template = "reviews/includes/child_formset.html"
    return formset


class ReferralDecisionForm(IdentifierGuardMixin, ParseOnlyModelForm):
    guarded_fields = ("rationale",)

    class Meta:
        model = SpotlightReferral
        fields = ["decision", "rationale", "decided_on"]
        widgets = {"decision": forms.RadioSelect, "rationale": textarea(4),
                   "decided_on": date_widget()}
        help_texts = {"decision": _("A learning briefing or a Spotlight Review is started for "
                                    "you, linked to this case.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [c for c in self.fields["decision"].choices if c[0]]
        self.add_identifier_guard()
        self.helper = helper(_("Record the decision"))

    def service_kwargs(self):
        data = self.cleaned_data
        return {"decision": data["decision"], "rationale": data["rationale"],
                "decided_on": data["decided_on"]}


class LegalHoldForm(IdentifierGuardMixin, forms.Form):
    """Why a case goes on legal hold, or why the hold is lifted (kept in its history)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=textarea(3),
        help_text=_("For example: civil claim notified by the council's legal team on 3 March. "
                    "Kept in the case's history."))

    def __init__(self, *args, hold: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(_("Put the case on legal hold") if hold
                             else _("Lift the legal hold"))
