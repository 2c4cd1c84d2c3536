"""Forms for action plans. They parse and present; the services decide what is allowed, and
the views turn a service's ``ValidationError`` into errors on these forms.

Every form that changes an action carries the ``version`` the person saw, as a hidden field:
the service refuses the save if the action has moved on since (no lost updates)."""

from __future__ import annotations

from itertools import groupby

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from actions.models import (
    ActionPlan,
    ActionStatus,
    EvidenceKind,
    OriginKind,
    Rating,
    TargetDateChange,
)
from actions.services import OWNER_TRANSITIONS, action_errors
from actions.uploads import ACCEPT_ATTRIBUTE, ALLOWED_DESCRIPTION
from scsp.models import Agency, Theme, User
from scsp.permissions import Ability, may
from scsp.privacy import IdentifierGuardMixin

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


#: crispy's form template without its second copy of the non-field errors.
FORM_TEMPLATE = "actions/includes/crispy_form.html"


class Button(Submit):
    """A submit button whose colour is given whole (crispy's Submit is always btn-primary,
    which an outline class cannot override)."""

    field_classes = "btn"


def _helper(submit_label, *, css_class="btn-primary") -> FormHelper:
    helper = FormHelper()
    helper.template = FORM_TEMPLATE
    helper.form_method = "post"
    # The server's error summary explains every problem at once, in our words; the browser's
    # own pop-up checks would show them one at a time, differently in each browser.
    helper.attrs = {"novalidate": ""}
    helper.add_input(Button("submit", submit_label, css_class=css_class))
    return helper


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once. Content checks happen in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def files_field():
    return MultipleFileField(
        label=_("Evidence files (optional)"),
        help_text=_("%(types)s. Up to 10 MB each. You can choose several files.")
        % {"types": ALLOWED_DESCRIPTION},
    )


class VersionField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, min_value=1, **kwargs)


class AgencyGroupedUsers(ModelChoiceIterator):
    """People grouped by agency in the select, so the lead officer is easy to find."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.select_related("agency").order_by("agency__name", "full_name")
        for agency, people in groupby(rows, key=lambda u: u.agency):
            yield (agency.name, [self.choice(u) for u in people])


class LeadOfficerField(forms.ModelChoiceField):
    iterator = AgencyGroupedUsers

    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.agency.short_name})"


def _themes_field():
    return forms.ModelMultipleChoiceField(
        label=_("Learning themes"), required=False,
        queryset=Theme.objects.active().order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )


# --- plans -----------------------------------------------------------------------------------


class PlanForm(IdentifierGuardMixin, forms.Form):
    guarded_fields = ("title",)
    title = forms.CharField(label=_("Title"), max_length=200)
    origin_kind = forms.ChoiceField(label=_("Where the plan came from"),
                                    choices=[("", "---------")] + OriginKind.choices)
    origin_reference = forms.CharField(
        label=_("Origin reference (optional)"), max_length=60, required=False,
        help_text=_("For example the case reference SLPR-2026-004 or the inspection date."),
    )
    owner = forms.ModelChoiceField(
        label=_("Plan owner"), queryset=User.objects.active().select_related("agency"),
        help_text=_("Who answers for the plan as a whole."),
    )
    reference = forms.CharField(
        label=_("Reference (optional)"), max_length=40, required=False,
        help_text=_("Leave blank to number the plan automatically, like AP-2026-007."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionPlan.Status.choices)
    agreed_on = forms.DateField(
        label=_("Date the plan was agreed (optional)"), required=False, **DATE_WIDGET,
        help_text=_("Its reference takes this year, for example AP-2022-004 for a plan agreed "
                    "in 2022. Leave blank for today."),
    )
    impact_review_months = forms.IntegerField(
        label=_("Months from sign-off to the impact review"), initial=6, min_value=1,
        required=False,
        max_value=36, help_text=_("Each action's impact review is scheduled this many months "
                                  "after it is signed off. Usually 3 to 6."))
    entered_after_event = forms.BooleanField(
        label=_("Entered after the event"), required=False,
        help_text=_("Tick when bringing in a plan agreed before: the plan says it was entered "
                    "after the event, by whom and when."),
    )

    def __init__(self, *args, creating: bool = True, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["status"]
            if user is None or not may(user, Ability.RECORD_THE_PAST):
                del self.fields["entered_after_event"]
        else:
            del self.fields["reference"]
            del self.fields["agreed_on"]
            del self.fields["entered_after_event"]
        self.fields["owner"].label_from_instance = (
            lambda u: f"{u.full_name} ({u.agency.short_name})")
        self.helper = _helper(_("Create the plan") if creating else _("Save the plan"))


class RecommendationForm(IdentifierGuardMixin, forms.Form):
    text = forms.CharField(label=_("Recommendation or learning point"),
                           widget=forms.Textarea(attrs={"rows": 3}))
    themes = _themes_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"] = _themes_field()
        self.helper = _helper(_("Add the recommendation"))


# --- actions ---------------------------------------------------------------------------------


class ActionForm(IdentifierGuardMixin, forms.Form):
    """Create an action (with a target date) or change its SMART details (without)."""

    guarded_fields = ("title", "description", "success_measure")

    recommendation = forms.ModelChoiceField(
        label=_("Recommendation or learning point"), required=False, queryset=None,
        empty_label=_("(none)"),
    )
    title = forms.CharField(
        label=_("Short title"), max_length=120,
        help_text=_("A few words for lists, reminders and calendars, for example “Brief "
                    "response teams on threshold guidance”. No names or case details."),
        error_messages={"required": _("Give the action a short title.")},
    )
    description = forms.CharField(
        label=_("Action"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What will be done: be specific."),
        error_messages={"required": _("Say what will be done.")},
    )
    success_measure = forms.CharField(
        label=_("Success measure"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How we will know it has worked: something measurable."),
        error_messages={"required": _(
            "Say how you will know the action has worked: a success measure is required.")},
    )
    lead_agency = forms.ModelChoiceField(
        label=_("Lead agency"), queryset=Agency.objects.active().order_by("name"),
    )
    lead_officer = LeadOfficerField(
        label=_("Lead officer"), queryset=User.objects.active(),
        help_text=_("Must work for the lead agency."),
    )
    target_date = forms.DateField(label=_("Target date"), **DATE_WIDGET,
                                  error_messages={"required": _("Give a target date.")})
    themes = _themes_field()
    version = VersionField(required=False)

    entered_after_event = forms.BooleanField(
        label=_("Entered after the event"), required=False,
        help_text=_("Tick when bringing in an action agreed before (for example from last "
                    "year's tracker): its target date may then be in the past, and the action "
                    "says it was entered after the event, by whom and when."),
    )

    def __init__(self, *args, plan, creating: bool = True, today=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.creating, self.today, self.user = plan, creating, today, user
        if not (creating and user is not None and may(user, Ability.RECORD_THE_PAST)):
            del self.fields["entered_after_event"]
        self.fields["recommendation"].queryset = plan.recommendations.order_by("number")
        self.fields["recommendation"].label_from_instance = (
            lambda r: f"{r.number}. {r.text[:90]}")
        self.fields["themes"] = _themes_field()
        # static/js/officer_select.js narrows the officers to the chosen lead agency.
        self.fields["lead_agency"].widget.attrs["data-agency-select"] = "1"
        self.fields["lead_officer"].widget.attrs["data-officer-select"] = "1"
        if creating:
            del self.fields["version"]
            self.helper = _helper(_("Add the action"))
        else:
            del self.fields["target_date"]
            self.fields["version"].required = True
            self.helper = _helper(_("Save the action"))

    def clean(self):
        """Ask the service's rules about everything at once, so the person sees every problem
        in one go (the service checks again when it saves)."""
        data = super().clean()
        if self.creating and self.today is not None:
            problems = action_errors(
                plan=self.plan, description=data.get("description", "x"),
                success_measure=data.get("success_measure", "x"),
                lead_agency=data.get("lead_agency"), lead_officer=data.get("lead_officer"),
                target_date=data.get("target_date", self.today), today=self.today,
                recommendation=data.get("recommendation"), themes=data.get("themes", ()),
                by=self.user, entered_after_event=bool(data.get("entered_after_event")))
            for field, message in problems.items():
                name = None if field == "__all__" else field
                if name is None or (name in self.fields and name not in self.errors):
                    self.add_error(name, message)
        return data


class ProgressForm(IdentifierGuardMixin, forms.Form):
    """An owner's progress update: a note, optionally another status, flags and files.
    Marking the action complete is its own step (:class:`CompleteForm`)."""

    note = forms.CharField(label=_("What has happened since the last update"),
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _(
                               "Write what has happened since the last update.")})
    status = forms.ChoiceField(label=_("Change the status (optional)"), required=False)
    at_risk = forms.BooleanField(
        label=_("Delivery is at risk"), required=False,
        help_text=_("Tick if the target date may be missed. The action shows as amber."),
    )
    blocked = forms.BooleanField(
        label=_("Blocked: it cannot progress"), required=False,
        help_text=_("Tick if something outside your control stops it. The action shows as red."),
    )
    files = files_field()
    version = VersionField()

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(
            version=action.version, at_risk=action.at_risk, blocked=action.blocked,
        )
        super().__init__(*args, **kwargs)
        current = ActionStatus(action.status)
        moves = [s for s in OWNER_TRANSITIONS.get(action.status, ())
                 if s != ActionStatus.AWAITING_SIGN_OFF]
        if moves:
            self.fields["status"].choices = [
                ("", _("Keep it as “%(status)s”") % {"status": current.label})
            ] + [(s, _("Change it to “%(status)s”") % {"status": ActionStatus(s).label})
                 for s in moves]
            self.fields["status"].help_text = _(
                "It is “%(status)s” now. To mark it complete, use “Mark as complete” on the "
                "action instead.") % {"status": current.label}
        else:
            del self.fields["status"]
        self.helper = _helper(_("Save the update"))


class CompleteForm(IdentifierGuardMixin, forms.Form):
    """Mark an action complete: the evidence that it is done and the day it was, for the
    co-ordinator or chair to sign off."""

    completion_evidence = forms.CharField(
        label=_("Evidence that the action is complete"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What shows it is done: for example the audit result, the training "
                    "register or the new procedure. The co-ordinator signs it off on this."),
        error_messages={"required": _("Describe the evidence that the action is complete.")},
    )
    completed_on = forms.DateField(
        label=_("Date it was completed"), **DATE_WIDGET,
        help_text=_("Today or an earlier day, for example 27 3 2026."),
    )
    note = forms.CharField(
        label=_("Anything else to add (optional)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = files_field()
    version = VersionField()

    def __init__(self, *args, action, today=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(version=action.version,
                                 completion_evidence=action.completion_evidence,
                                 completed_on=today)
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Mark as complete"))


class ImpactForm(IdentifierGuardMixin, forms.Form):
    impact_evidence = forms.CharField(
        label=_("Evidence of impact"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is different for children and families because of this action, "
                    "and how you know (audit findings, data, feedback)."),
    )
    files = files_field()
    version = VersionField()

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(version=action.version, impact_evidence=action.impact_evidence)
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the evidence of impact"))


class DateChangeRequestForm(IdentifierGuardMixin, forms.Form):
    new_date = forms.DateField(label=_("New target date"), **DATE_WIDGET)
    reason = forms.CharField(label=_("Why the date needs to change"),
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Ask for the new date"))


class DateChangeDecisionForm(IdentifierGuardMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(TargetDateChange.Decision.AGREED, _("Agree the new date")),
                 (TargetDateChange.Decision.REFUSED, _("Refuse: keep the current date"))],
    )
    decision_note = forms.CharField(
        label=_("Note on the decision"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you refuse."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the decision"))


class SignOffForm(IdentifierGuardMixin, forms.Form):
    note = forms.CharField(
        label=_("Note for the record (optional)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example what in the evidence satisfied you."),
    )
    version = VersionField()

    def __init__(self, *args, action, user=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"]["version"] = action.version
        super().__init__(*args, **kwargs)
        if user is not None and may(user, Ability.RECORD_THE_PAST):
            # Bringing in a past year: the day it was really signed off. Empty is today.
            # Never pre-filled (the field is for a day before today).
            self.fields["signed_off_on"] = forms.DateField(
                label=_("Date it was signed off (only if before today)"), required=False,
                **DATE_WIDGET,
                help_text=_("Leave empty to sign off today. For a sign-off made earlier, for "
                            "example 3 3 2023: not before the action was completed, and the "
                            "record will say it was entered after the event."))
            self.order_fields(["signed_off_on", "note"])
        self.helper = _helper(_("Sign off the action"))


class ReturnForm(IdentifierGuardMixin, forms.Form):
    reason = forms.CharField(
        label=_("What more evidence is needed"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The owner sees this on the action and in their notice."),
        error_messages={"required": _("Say what more evidence is needed.")},
    )
    version = VersionField()

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"]["version"] = action.version
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Return for more evidence"), css_class="btn-warning")


class CloseForm(IdentifierGuardMixin, forms.Form):
    reason = forms.CharField(label=_("Why the action is closed without completion"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"]["version"] = action.version
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Close the action"), css_class="btn-danger")


class CalendarResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand my current address stops working at once, and I will subscribe "
                "again with the new one"),
        error_messages={"required": _("Tick the box to confirm: your current address will stop "
                                      "working as soon as the new one is made.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Make a new address"), css_class="btn-outline-danger")


class _ActionIds(forms.Field):
    """The ticked boxes of "Decisions waiting": action ids. Which of them may be decided is
    the service's question (an action decided meanwhile is named there, with the reason), so
    any whole number is accepted here."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class BulkDecisionForm(IdentifierGuardMixin, forms.Form):
    """Sign off or return several completed actions with one comment (``services.
    actions_decide_in_bulk``). The boxes and each action's version are drawn by the page
    (``actions/decisions.html``): one box per action named by its reference and title, and a
    ``version-<id>`` field beside it."""

    actions = _ActionIds(
        label=_("Actions to decide"),
        error_messages={"required": _("Select the actions to sign off or return."),
                        "invalid": _("Select the actions to sign off or return from the list.")})
    note = forms.CharField(
        label=_("Comment (goes on each action's record)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional to sign off, for example what in the evidence satisfied you. "
                    "Needed to return: say what more evidence is needed."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("sign_off", _("Sign off")), ("return", _("Return"))],
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose “Sign off selected” or “Return selected”."),
                        "invalid_choice": _("Choose “Sign off selected” or “Return selected”.")})

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what more evidence is needed to return the "
                                     "selected actions."))
        return data

    def versions(self) -> dict[int, int | None]:
        """Each chosen action's version as the page showed it (``None`` when not sent)."""
        found = {}
        for pk in self.cleaned_data["actions"]:
            raw = self.data.get(f"version-{pk}", "")
            found[pk] = int(raw) if str(raw).isdigit() else None
        return found
# --- impact reviews ---------------------------------------------------------------------------

class ImpactReviewSetForm(IdentifierGuardMixin, forms.Form):
    """The co-ordinator's say on an impact review: its date, or that none is needed."""

    DATE, NOT_NEEDED = "date", "not_needed"
    choice = forms.ChoiceField(
        label=_("What to record"), widget=forms.RadioSelect,
        choices=[(DATE, _("Set the impact review date")),
                 (NOT_NEEDED, _("No impact review is needed"))])
    due_on = forms.DateField(label=_("Impact review date"), required=False, **DATE_WIDGET,
                             help_text=_("When the lead agency brings its evidence of impact."))
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when no impact review is needed, for example a purely "
                    "administrative action."))

    def __init__(self, *args, review, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(choice=self.DATE, due_on=review.due_on)
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


class ImpactEvidenceForm(IdentifierGuardMixin, forms.Form):
    guarded_fields = ("measure", "period")
    kind = forms.ChoiceField(label=_("Kind of evidence"), widget=forms.RadioSelect,
                             choices=EvidenceKind.choices)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the evidence shows about practice, and what is different for "
                    "children and families."))
    measure = forms.CharField(label=_("Measure (optional)"), max_length=200, required=False,
                              help_text=_("For example “% of strategy discussions held within "
                                          "1 working day”. Needed with figures."))
    before = forms.CharField(label=_("Figure before (optional)"), max_length=40,
                             required=False)
    after = forms.CharField(label=_("Figure after (optional)"), max_length=40, required=False)
    period = forms.CharField(label=_("Period (optional)"), max_length=100, required=False,
                             help_text=_("For example “April to October 2026”."))
    files = files_field()

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Add the evidence"))


class ImpactRatingForm(IdentifierGuardMixin, forms.Form):
    rating = forms.ChoiceField(label=_("The SLPR group's rating"), widget=forms.RadioSelect,
                               choices=Rating.choices)
    rationale = forms.CharField(
        label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What in the evidence led the group to this rating."))
    meeting_date = forms.DateField(label=_("Date of the SLPR meeting"), **DATE_WIDGET)
    next_due_on = forms.DateField(
        label=_("Next impact review (if not yet evident)"), required=False, **DATE_WIDGET,
        help_text=_("“Not yet evident” schedules another impact review on this date."))
    consequence = forms.ChoiceField(
        label=_("What follows (if not evident)"), required=False, widget=forms.RadioSelect,
        choices=[("follow_up", _("Open a follow-up action, linked to this one")),
                 ("reopen_plan", _("Reopen the action plan"))])
    reason = forms.CharField(label=_("Reason for what follows (if not evident)"),
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_description = forms.CharField(
        label=_("Follow-up action (if opening one)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_success_measure = forms.CharField(
        label=_("Follow-up success measure (if opening one)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_target_date = forms.DateField(
        label=_("Follow-up target date (if opening one)"), required=False, **DATE_WIDGET)

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the rating"))
