"""Forms for audits. They are plain forms, not model forms: each lists exactly the fields a
person may set and hands them to one service, so extra POSTed fields are never saved."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from crispy_forms.layout import Fieldset as CrispyFieldset
from django import forms
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from audits.models import (
    AnswerChoice,
    Audit,
    AuditKind,
    Finding,
    Grade,
    RagRating,
)
from scsp.models import Agency, Role, Theme, User
from scsp.privacy import IdentifierGuardMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
BLANK = [("", "---------")]


class Fieldset(CrispyFieldset):
    """crispy's Fieldset renders its legend as a Django template and marks it safe, so a
    question's wording would run as template code (and HTML). This one escapes the legend and
    never evaluates it: wording written by people is only ever text."""

    def render(self, form, context, template_pack="bootstrap5", **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        legend = conditional_escape(self.legend) if self.legend else ""
        context.update({"fieldset": self, "legend": legend, "fields": fields})
        return render_to_string(self.get_template_name(template_pack), context.flatten())


class MonthField(forms.DateField):
    """A month, entered as YYYY-MM (the browser's month picker) and stored as its first day."""

    input_formats = ["%Y-%m", "%m/%Y", "%Y-%m-%d"]
    default_error_messages = {
        "invalid": _("Enter a month as year and month, for example 2026-03."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MONTH_WIDGET)
        kwargs.setdefault("help_text", _("Year and month, for example 2026-03."))
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.agency.short_name})"


def people():
    return User.objects.active().select_related("agency").order_by("full_name")


def participant_agencies(kind: str):
    """Who can take part: schools in Section 175, other agencies otherwise; never the business
    unit, which runs the audit."""
    agencies = Agency.objects.active().filter(is_business_unit=False)
    if kind == AuditKind.SECTION_175:
        return agencies.filter(kind=Agency.Kind.SCHOOL)
    if kind == AuditKind.SECTION_11:
        return agencies.exclude(kind=Agency.Kind.SCHOOL)
    return agencies


def _helper(submit_label, *, form_tag=True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", submit_label))
    return helper


class AuditForm(IdentifierGuardMixin, forms.Form):
    """Plan or edit an audit. Which fields appear depends on the kind and on whether the audit
    exists already (participants and the sample are managed on their own pages after)."""

    guarded_fields = ("title", "description", "reschedule_reason")

    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("The theme or topic, for example “Responses to "
                                        "referrals from non-professionals”."))
    description = forms.CharField(label=_("Purpose and scope"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    themes = forms.ModelMultipleChoiceField(
        label=_("Learning themes"), required=False, queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    lead = PersonChoiceField(label=_("Audit lead"), queryset=User.objects.none())
    planned_start = forms.DateField(label=_("Planned start"), required=False,
                                    widget=DATE_WIDGET)
    planned_end = forms.DateField(label=_("Planned finish"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, kind: str, audit: Audit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.audit = audit
        self.fields["themes"].queryset = Theme.objects.active()
        self.fields["lead"].queryset = people()
        if audit is not None:
            # A retired theme already on the audit stays choosable.
            self.fields["themes"].queryset = Theme.objects.filter(
                pk__in=[t.pk for t in Theme.objects.active()] + [t.pk for t in audit.themes.all()])
            self.fields["actual_start"] = forms.DateField(label=_("Actual start"),
                                                          required=False, widget=DATE_WIDGET)
            self.fields["actual_end"] = forms.DateField(label=_("Actual finish"),
                                                        required=False, widget=DATE_WIDGET)
        if kind == AuditKind.SINGLE_AGENCY:
            self.fields["title"].label = _("Topic")
            self.fields["title"].help_text = _("What the agency audited, for example "
                                               "“Missing children: return home interviews”.")
            if audit is None:
                self.fields["agency"] = forms.ModelChoiceField(
                    label=_("Presenting agency"), queryset=participant_agencies(kind))
            self.fields["month_due"] = MonthField(label=_("Month due at QPPA"))
            if audit is not None:
                self.fields["reschedule_reason"] = forms.CharField(
                    label=_("Reason for moving the slot"), required=False, max_length=300,
                    help_text=_("Needed only if you change the month due."))
        elif audit is None:
            noun = _("schools") if kind == AuditKind.SECTION_175 else _("agencies")
            self.fields["agencies"] = forms.ModelMultipleChoiceField(
                label=_("Participating %(noun)s") % {"noun": noun},
                queryset=participant_agencies(kind), required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Each completes its own return. You can change this until "
                            "moderation."),
            )
            if kind == AuditKind.MACFA:
                self.fields["case_references"] = forms.CharField(
                    label=_("Sample of cases"), required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=_("Pseudonymised case references, one per line, for example "
                                "SLPR-2026-004. Never a child's name."),
                )
        self.helper = _helper(_("Save audit") if audit else _("Plan the audit"))

    def clean_case_references(self):
        raw = self.cleaned_data.get("case_references", "")
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned finish must be on or after the "
                                            "planned start."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["themes"] = list(data.get("themes") or [])
        if "agencies" in data:
            data["agencies"] = list(data["agencies"])
        return data


class ParticipantsForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Participating agencies"), queryset=Agency.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = participant_agencies(audit.kind)
        if audit.kind == AuditKind.SECTION_175:
            self.fields["agencies"].label = _("Participating schools")
        self.helper = _helper(_("Save participants"))


class CaseForm(IdentifierGuardMixin, forms.Form):
    guarded_fields = ("summary",)

    reference = forms.CharField(
        label=_("Case reference"), max_length=40,
        help_text=_("A pseudonymised reference such as SLPR-2026-004. Never a child's name."),
    )
    summary = forms.CharField(label=_("Summary (optional)"), max_length=200, required=False,
                              help_text=_("Non-identifying, for example “referral from a "
                                          "neighbour, child aged 6-10”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Add the case"))


class ToolItemForm(IdentifierGuardMixin, forms.Form):
    text = forms.CharField(label=_("Wording"), widget=forms.Textarea(attrs={"rows": 3}))
    short_label = forms.CharField(
        label=_("Short label"), max_length=40, required=False,
        help_text=_("A few words for table headings, for example “Child's voice”."),
    )

    def __init__(self, *args, noun: str, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save %(noun)s") % {"noun": noun} if editing
                              else _("Add the %(noun)s") % {"noun": noun})


class ReturnCaseForm(IdentifierGuardMixin, forms.Form):
    """One agency's answers about one case: answer, grade and narrative per question."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        fieldsets = []
        for q in self.questions:
            existing = answers.get(q.pk)
            n = q.number
            self.fields[f"q{q.pk}_answer"] = forms.ChoiceField(
                label=_("Answer to question %(n)s") % {"n": n}, required=False,
                choices=BLANK + list(AnswerChoice.choices),
                initial=existing.answer if existing else "",
            )
            self.fields[f"q{q.pk}_grade"] = forms.ChoiceField(
                label=_("Grade for question %(n)s") % {"n": n}, required=False,
                choices=BLANK + list(Grade.choices),
                initial=existing.grade if existing else "",
                help_text=_("Leave blank when the question does not apply."),
            )
            self.fields[f"q{q.pk}_narrative"] = forms.CharField(
                label=_("Narrative for question %(n)s: what your records show") % {"n": n},
                required=False, widget=forms.Textarea(attrs={"rows": 3}),
                initial=existing.narrative if existing else "",
            )
            fieldsets.append(Fieldset(
                f"{n}. {q.text}",
                Div(Div(f"q{q.pk}_answer", css_class="col-md-6"),
                    Div(f"q{q.pk}_grade", css_class="col-md-6"), css_class="row"),
                f"q{q.pk}_narrative",
                css_class="audit-question border rounded p-3 mb-3",
            ))
        self.helper = FormHelper()
        self.helper.layout = Layout(*fieldsets)
        self.helper.add_input(Submit("submit", _("Save answers for this case")))

    def answers(self) -> dict[int, dict[str, str]]:
        data = self.cleaned_data
        return {q.pk: {"answer": data.get(f"q{q.pk}_answer", ""),
                       "grade": data.get(f"q{q.pk}_grade", ""),
                       "narrative": data.get(f"q{q.pk}_narrative", "")}
                for q in self.questions}


class RatingsForm(IdentifierGuardMixin, forms.Form):
    """One agency's Section 11 / 175 self-assessment: RAG, evidence and improvement per
    standard."""

    def __init__(self, *args, standards, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.standards = list(standards)
        fieldsets = []
        for s in self.standards:
            existing = ratings.get(s.pk)
            n = s.number
            self.fields[f"s{s.pk}_rag"] = forms.ChoiceField(
                label=_("Self-rating for standard %(n)s") % {"n": n}, required=False,
                choices=BLANK + list(RagRating.choices),
                initial=existing.rag if existing else "",
            )
            self.fields[f"s{s.pk}_evidence"] = forms.CharField(
                label=_("Evidence for standard %(n)s") % {"n": n}, required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=existing.evidence if existing else "",
                help_text=_("What shows the standard is met: policies, audits, training "
                            "figures, feedback."),
            )
            self.fields[f"s{s.pk}_improvement"] = forms.CharField(
                label=_("What you will do to meet standard %(n)s") % {"n": n},
                required=False, widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.improvement if existing else "",
                help_text=_("Needed for amber and red ratings."),
            )
            fieldsets.append(Fieldset(
                f"{n}. {s.text}",
                f"s{s.pk}_rag", f"s{s.pk}_evidence", f"s{s.pk}_improvement",
                css_class="audit-question border rounded p-3 mb-3",
            ))
        self.helper = FormHelper()
        self.helper.layout = Layout(*fieldsets)
        self.helper.add_input(Submit("submit", _("Save self-assessment")))

    def ratings(self) -> dict[int, dict[str, str]]:
        data = self.cleaned_data
        return {s.pk: {"rag": data.get(f"s{s.pk}_rag", ""),
                       "evidence": data.get(f"s{s.pk}_evidence", ""),
                       "improvement": data.get(f"s{s.pk}_improvement", "")}
                for s in self.standards}


class ModerationForm(IdentifierGuardMixin, forms.Form):
    """The moderation meeting: date, notes, the grades agreed per case and question (MACFA)
    and the overall grade agreed for each agency's return."""

    meeting_date = forms.DateField(label=_("Date of the moderation meeting"), required=False,
                                   widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes of the meeting"), required=False,
                            widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, audit: Audit, returns, cases=(), questions=(), agreed=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        agreed = agreed or {}
        self.audit = audit
        self.returns = list(returns)
        self.cases, self.questions = list(cases), list(questions)
        self.fields["meeting_date"].initial = audit.moderation_date
        self.fields["notes"].initial = audit.moderation_notes
        layout = [Fieldset(_("The meeting"), "meeting_date", "notes")]
        grade_choices = BLANK + list(Grade.choices)
        for case in self.cases:
            names = []
            for q in self.questions:
                name = f"c{case.pk}_q{q.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=_("%(case)s, question %(n)s (%(label)s): agreed grade")
                    % {"case": case.reference, "n": q.number, "label": q.label},
                    choices=grade_choices, required=False,
                    initial=agreed.get((case.pk, q.pk), ""),
                )
                names.append(Div(name, css_class="col-md-6 col-lg-4"))
            layout.append(Fieldset(
                _("Agreed grades for %(case)s") % {"case": case.reference},
                Div(*names, css_class="row"), css_class="border rounded p-3 mb-3"))
        agency_fields = []
        for r in self.returns:
            self.fields[f"r{r.pk}_grade"] = forms.ChoiceField(
                label=_("%(agency)s: agreed overall grade") % {"agency": r.agency.name},
                choices=grade_choices, required=False, initial=r.agreed_grade,
            )
            self.fields[f"r{r.pk}_note"] = forms.CharField(
                label=_("%(agency)s: moderation note") % {"agency": r.agency.name},
                required=False, initial=r.moderation_note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            agency_fields.append(Div(f"r{r.pk}_grade", f"r{r.pk}_note",
                                     css_class="border-bottom mb-3"))
        if agency_fields:
            layout.append(Fieldset(_("Agreed grade for each agency"), *agency_fields,
                                   css_class="border rounded p-3 mb-3"))
        self.helper = FormHelper()
        self.helper.layout = Layout(*layout)
        self.helper.add_input(Submit("submit", _("Save moderation")))

    def service_kwargs(self) -> dict:
        """Only what the POST carried: a field missing from it means "unchanged", not
        "clear" (a browser sends every field of the form, an empty one as blank, which does
        clear it)."""
        data, sent = self.cleaned_data, self.data

        def given(names: dict) -> dict:
            return {key: data.get(name, "") for key, name in names.items() if name in sent}

        kwargs = {
            "case_grades": given({(c.pk, q.pk): f"c{c.pk}_q{q.pk}"
                                  for c in self.cases for q in self.questions}),
            "return_grades": given({r.pk: f"r{r.pk}_grade" for r in self.returns}),
            "return_notes": given({r.pk: f"r{r.pk}_note" for r in self.returns}),
        }
        for name in ("meeting_date", "notes"):
            if name in sent:
                kwargs[name] = data.get(name)
        return kwargs


class FindingForm(IdentifierGuardMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of finding"), choices=Finding.Kind.choices,
                             widget=forms.RadioSelect)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("It becomes a recommendation (learning point) in the "
                                       "audit's action plan."))
    agency = forms.ModelChoiceField(
        label=_("Agency it concerns"), queryset=Agency.objects.none(), required=False,
        empty_label=_("The partnership as a whole"),
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        ids = ([audit.agency_id] if audit.is_rota
               else list(audit.returns.values_list("agency_id", flat=True)))
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=ids).order_by("name")
        if audit.is_macfa:
            self.fields["question"] = forms.ModelChoiceField(
                label=_("Question it answers (optional)"), required=False,
                queryset=audit.questions.order_by("number"))
        elif audit.uses_standards:
            self.fields["standard"] = forms.ModelChoiceField(
                label=_("Standard it concerns (optional)"), required=False,
                queryset=audit.standards.order_by("number"))
        self.helper = _helper(_("Record the finding"))


class FindingActionForm(IdentifierGuardMixin, forms.Form):
    """A SMART action against a finding: what, how we will know, who, by when."""

    description = forms.CharField(label=_("Action: what will be done"),
                                  widget=forms.Textarea(attrs={"rows": 3}))
    success_measure = forms.CharField(label=_("Success measure: how we will know it worked"),
                                      widget=forms.Textarea(attrs={"rows": 2}))
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.none())
    lead_officer = PersonChoiceField(label=_("Lead officer"), queryset=User.objects.none(),
                                     help_text=_("Someone who works for the lead agency."))
    target_date = forms.DateField(label=_("Target date"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = Agency.objects.active()
        self.fields["lead_officer"].queryset = people().filter(
            role__in=[Role.AGENCY_LEAD, Role.AGENCY_OFFICER, Role.COORDINATOR])
        self.helper = _helper(_("Add the action"))

    def clean(self):
        data = super().clean()
        agency, officer = data.get("lead_agency"), data.get("lead_officer")
        if agency and officer and officer.agency_id != agency.pk:
            self.add_error("lead_officer", _("%(name)s works for %(theirs)s, not %(agency)s. "
                                             "Choose someone from the lead agency.")
                           % {"name": officer.full_name, "theirs": officer.agency.short_name,
                              "agency": agency.short_name})
        return data


class PresentedForm(forms.Form):
    date_presented = forms.DateField(label=_("Date presented to QPPA"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the presentation"))

