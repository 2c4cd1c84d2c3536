"""Forms for cases, children, Rapid Reviews, referral decisions and practice reviews.

Forms parse and present; the rules live in ``reviews.services``, which the views call with
``cleaned_data`` and whose ``ValidationError`` they put back on the form. Model forms here
therefore skip Django's model validation (:class:`ParseOnlyModelForm`), so a rule is stated
once, with one message.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from reviews.models import (
    AgencySummary,
    Attendee,
    Case,
    Child,
    HarmCategory,
    PracticeReview,
    ProgressCheck,
    RapidReview,
    ReviewStage,
    SignOff,
    SpotlightReferral,
)
from reviews.privacy import find_identifiers
from scsp.models import Agency, Theme, User

DATE = {"type": "date"}


def date_widget():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


def textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def helper(submit_label, *, form_tag=True, css_class="btn-primary"):
    h = FormHelper()
    h.form_tag = form_tag
    if submit_label:
        h.add_input(Submit("submit", submit_label, css_class=css_class))
    return h


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on ``form``: on the field it names when the form
    has that field, otherwise at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def active_themes(selected=()):
    ids = [t.pk for t in selected]
    return Theme.objects.filter(Q(active=True) | Q(pk__in=ids)).order_by("name")


def active_agencies(selected=()):
    ids = [a.pk for a in selected]
    return Agency.objects.filter(Q(active=True) | Q(pk__in=ids)).order_by("name")


def style_row_widgets(form):
    """Compact Bootstrap classes for forms shown as table rows (no crispy layout there)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"


class ParseOnlyModelForm(forms.ModelForm):
    """A model form that only turns input into values: no model or constraint validation
    (the service does that) and the instance is never changed by the form."""

    def _post_clean(self):
        pass


class IdentifierGuardMixin:
    """Warn when free text looks like it holds an NHS number or a postcode (SECURITY.md 37).
    The person removes it or ticks a box to confirm it is not an identifier."""

    guarded_fields: tuple[str, ...] = ()

    def add_identifier_guard(self):
        self.fields["confirm_no_identifiers"] = forms.BooleanField(
            required=False, widget=forms.HiddenInput,
            label=_("I have checked: this text does not identify a child or family member"),
        )

    def check_identifiers(self, data):
        if "confirm_no_identifiers" not in self.fields or data.get("confirm_no_identifiers"):
            return
        found = False
        for name in self.guarded_fields:
            kinds = find_identifiers(data.get(name) or "")
            if kinds:
                found = True
                self.add_error(name, _(
                    "This looks like it contains %(what)s. Records here use pseudonyms only: "
                    "remove it, or tick the box at the end of the form to confirm it does not "
                    "identify anyone."
                ) % {"what": _(" and ").join(kinds)})
        if found:
            self.fields["confirm_no_identifiers"].widget = forms.CheckboxInput()


# --- Cases --------------------------------------------------------------------------------------

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
        drop = set()
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
            (_("Dates"), CASE_DATE_FIELDS + ["late_notification_reason"]),
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

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

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
            raise ValidationError(_("A pseudonym must not contain an NHS number or a postcode."))
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


# --- Rapid Reviews ------------------------------------------------------------------------------

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

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("confirm_no_identifiers", None)
        return data


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

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {"decision": data["decision"], "local_route": data.get("local_route") or "",
                "rationale": data["decision_rationale"], "decided_on": data["decided_on"]}


class SignOffForm(ParseOnlyModelForm):
    class Meta:
        model = SignOff
        fields = ["agency", "signed_by_name", "signed_by_role", "signed_on"]
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
                "role": data["signed_by_role"], "signed_on": data["signed_on"]}


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

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("confirm_no_identifiers", None)
        return data


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name} ({user.agency.short_name})"


class ActionForm(forms.Form):
    """A "what, by whom, by when" action for a Rapid Review's action plan."""

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
        # Officers grouped by agency (<optgroup>); reviews.js narrows them to the lead agency.
        groups: dict[str, list] = {}
        for user in officers:
            groups.setdefault(user.agency.name, []).append((user.pk, user.full_name))
        self.fields["lead_officer"].widget.choices = [("", "---------"), *groups.items()]
        self.fields["lead_officer"].widget.attrs["data-officer-select"] = "1"
        self.fields["lead_agency"].widget.attrs["data-agency-select"] = "1"
        self.helper = helper(_("Add the action"))


# --- Spotlight referral decisions ---------------------------------------------------------------


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

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {"decision": data["decision"], "rationale": data["rationale"],
                "decided_on": data["decided_on"]}


# --- Practice reviews ---------------------------------------------------------------------------


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, case):
        return f"{case.reference}: {case.pseudonyms()}"


class ReviewForm(IdentifierGuardMixin, ParseOnlyModelForm):
    cases = CaseChoiceField(label=_("Cases"), queryset=Case.objects.none(),
                            widget=forms.CheckboxSelectMultiple,
                            help_text=_("A thematic LCSPR covers several cases."))
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
        else:
            self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
            del self.fields["summary"]
        self.add_identifier_guard()
        self.helper = helper(_("Save the review") if instance else _("Start the review"))
        self.helper.layout = Layout(*[
            Field(name, wrapper_class="checkbox-columns") if name in ("cases", "themes")
            else name for name in self.fields])

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

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

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("confirm_no_identifiers", None)
        return data


class RecommendationForm(forms.Form):
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

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("confirm_no_identifiers", None)
        return data


class CompletionForm(IdentifierGuardMixin, forms.Form):
    """When a Tabletop or Spotlight Review or a learning briefing was completed."""

    completed_on = forms.DateField(label=_("Date completed"), widget=date_widget())
    summary = forms.CharField(label=_("Summary of learning"), widget=textarea(5),
                              required=False)
    guarded_fields = ("summary",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_identifier_guard()
        self.helper = helper(_("Record completion"))

    def clean(self):
        data = super().clean()
        self.check_identifiers(data)
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("confirm_no_identifiers", None)
        return data


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

