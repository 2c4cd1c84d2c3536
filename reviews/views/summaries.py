"""Agency summaries in the browser (ask, read, write, delegate, submit, return, accept) and a
statutory partner's lead signing a Rapid Review off in person."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from reviews import clocks, forms, services
from reviews.models import AgencySummary, RapidReview, SummaryStatus
from reviews.summary_selectors import (
    can_write,
    require_full_record,
    summary_queryset,
)
from reviews.views._base import RowsFormView
from reviews.views.rapid_reviews import RapidReviewMixin
from scsp.audit import Kind, record_access
from scsp.generic import DayMixin, ObjectServiceFormView, flash_errors
from scsp.permissions import Ability, get_object_for_user, may, require


def due_text(rr, due_on, cal) -> str:
    """"Friday 11 December 2026: day 7 of 15"."""
    day = clocks.rapid_review_day(rr.case, due_on, cal)
    text = date_format(due_on, "l j F Y")
    if day is None:
        return text
    return _("%(date)s: day %(n)s of 15") % {"date": text, "n": day}


class AskView(RapidReviewMixin, ObjectServiceFormView):
    """The co-ordinator chooses the agencies to ask and the due date."""

    template_name = "reviews/summaries/ask.html"
    form_class = forms.AskForm

    def default_due(self):
        asked = [s.due_on for s in self.object.agency_summaries.all() if s.due_on]
        return max(asked) if asked else clocks.summary_due_default(self.object.case, self.cal)

    def get_initial(self):
        rr = self.object
        agencies = {a.pk for a in rr.case.agencies_involved.all()}
        agencies |= {s.agency_id for s in rr.agency_summaries.all()}
        return {"agencies": sorted(agencies), "due_on": self.default_due()}

    def get_form_kwargs(self):
        due = clocks.summary_due_default(self.object.case, self.cal)
        help_text = ""
        if due:
            help_text = _("By default day %(n)s of the Rapid Review's 15 working days: "
                          "%(when)s.") % {"n": clocks.summary_due_day_setting(),
                                          "when": due_text(self.object, due, self.cal)}
        return {**super().get_form_kwargs(), "due_help": help_text}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Ask agencies for their summaries: %(ref)s") % {
            "ref": self.object.case.reference}
        return ctx

    def perform(self, form):
        return services.summaries_ask(by=self.request.user, rr=self.object, today=self.today,
                                      **form.service_kwargs())

    def get_success_message(self, asked) -> str:
        return _("%(n)s agencies asked; summaries are due %(due)s.") % {
            "n": len(asked), "due": due_text(self.object, asked[0].due_on, self.cal)}

    def get_success_url(self, result=None):
        return self.object.get_absolute_url() + "#summaries"


class SummaryMixin:
    model = AgencySummary

    def get_queryset(self):
        return summary_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summary"] = self.object
        ctx["rr"] = self.object.rapid_review
        ctx["back"] = self.object.get_absolute_url()
        return ctx

    def check_allowed(self, summary):
        require(self.request.user, Ability.WRITE_AGENCY_SUMMARIES,
                _("The agency's safeguarding lead, or the officer they asked, writes its "
                  "summary; the business unit reads it."))


class SummaryDetailView(DayMixin, TemplateView):
    template_name = "reviews/summaries/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        summary = get_object_for_user(summary_queryset(), user, pk=self.kwargs["pk"])
        record_access(user=user, kind=Kind.VIEW, obj=summary, request=self.request)
        rr = summary.rapid_review
        manager = may(user, Ability.MANAGE_REVIEWS)
        ctx.update(
            summary=summary, rr=rr, case=rr.case,
            chronology=list(summary.chronology.all()),
            proposed=list(summary.proposed_actions.select_related("action")),
            due=due_text(rr, summary.due_on, self.cal) if summary.due_on else "",
            late=summary.is_late(self.today), state=summary.state_label(self.today),
            badge=summary.state_badge(self.today),
            can_write=can_write(user, summary),
            can_delegate=can_write(user, summary)
            and may(user, Ability.DELEGATE_AGENCY_SUMMARIES),
            can_decide=manager and summary.status == SummaryStatus.SUBMITTED,
            can_accept=manager and summary.status == SummaryStatus.SUBMITTED
            and summary.actions_accepted_at is None,
            reads_rr=RapidReview.objects.full_record_for(user).filter(pk=rr.pk).exists(),
        )
        if ctx["can_write"]:
            ctx["problems"] = services.submit_problems(summary)
        return ctx


class SummaryEditView(SummaryMixin, ObjectServiceFormView):
    template_name = "reviews/summaries/edit.html"
    form_class = forms.SummaryForm
    success_message = _("Draft saved. Submit it from the summary page when it is ready.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        return services.summary_save(by=self.request.user, summary=self.object,
                                     **form.service_kwargs())


class SummaryRowsView(SummaryMixin, RowsFormView):
    template_name = "reviews/rows_form.html"
    heading = ""
    intro = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = self.heading % {"agency": self.object.agency.short_name,
                                         "ref": self.object.rapid_review.case.reference}
        ctx["intro"] = self.intro
        return ctx


class ChronologyView(SummaryRowsView):
    heading = _("%(agency)s's chronology for %(ref)s")
    intro = _("Your agency's involvement with the child and family, one dated entry a row: "
              "what happened, who in your agency (a role, not a name) and where it is "
              "recorded. Leave spare rows empty; tick “Remove” to take one out.")
    success_message = _("Chronology saved.")

    def get_formset(self, data):
        return forms.chronology_formset(self.object, data)

    def perform(self, formset):
        return services.summary_set_chronology(by=self.request.user, summary=self.object,
                                               today=self.today, entries=formset.rows())


class ProposedActionsView(SummaryRowsView):
    heading = _("%(agency)s's proposed actions for %(ref)s")
    intro = _("Single-agency actions your agency will take. When the business unit accepts "
              "them they become actions in the Rapid Review's plan, led by your agency.")
    success_message = _("Proposed actions saved.")

    def get_formset(self, data):
        return forms.proposed_action_formset(self.object, data)

    def perform(self, formset):
        return services.summary_set_actions(by=self.request.user, summary=self.object,
                                            today=self.today, actions=formset.rows())


class DelegateView(SummaryMixin, ObjectServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.DelegateForm
    success_message = _("Saved.")

    def check_allowed(self, summary):
        require(self.request.user, Ability.DELEGATE_AGENCY_SUMMARIES,
                _("The agency's safeguarding lead chooses who writes its summary."))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agency": self.object.agency,
                "initial": {"writer": self.object.writer_id}}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Who writes %(agency)s's summary for %(ref)s") % {
            "agency": self.object.agency.short_name,
            "ref": self.object.rapid_review.case.reference}
        return ctx

    def perform(self, form):
        return services.summary_delegate(by=self.request.user, summary=self.object,
                                         writer=form.cleaned_data["writer"])


class SummaryButtonView(DayMixin, View):
    """A button on the summary page: POST does one step and goes back to the summary."""

    http_method_names = ["post"]
    edit = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_for_user(summary_queryset(), request.user, edit=self.edit,
                                              pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            message = self.perform()
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, message)
        return redirect(self.object)


class SubmitView(SummaryButtonView):
    def perform(self):
        services.summary_submit(by=self.request.user, summary=self.object, today=self.today)
        return _("Summary submitted to the business unit. It can no longer be changed unless "
                 "they return it.")


class AcceptView(SummaryButtonView):
    def perform(self):
        made = services.summary_accept_actions(by=self.request.user, summary=self.object,
                                               today=self.today)
        return _("%(n)s actions added to the Rapid Review's plan.") % {"n": len(made)}


class ReturnView(SummaryMixin, ObjectServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.ReturnForm
    success_message = _("Summary returned to the agency.")

    def check_allowed(self, summary):
        require(self.request.user, Ability.MANAGE_REVIEWS,
                _("Only the business unit returns an agency summary."))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Return %(agency)s's summary for %(ref)s") % {
            "agency": self.object.agency.short_name,
            "ref": self.object.rapid_review.case.reference}
        return ctx

    def perform(self, form):
        return services.summary_return(by=self.request.user, summary=self.object,
                                       **form.service_kwargs())


class PartnerSignOffView(RapidReviewMixin, ObjectServiceFormView):
    """A statutory partner's safeguarding lead signs the current version off."""

    template_name = "reviews/summaries/partner_sign_off.html"
    form_class = forms.PartnerSignOffForm
    edit = False

    def check_allowed(self, rr):
        user = self.request.user
        require(user, Ability.SIGN_OFF_FOR_AGENCY,
                _("A statutory partner's safeguarding lead signs off for their agency; the "
                  "business unit records sign-offs given elsewhere."))
        require_full_record(user, rr)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version_at": self.object.version_at}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rr = self.object
        mine = next((s for s in rr.sign_offs.all()
                     if s.agency_id == self.request.user.agency_id), None)
        ctx.update(mine=mine, current=mine is not None and mine.is_current(rr))
        return ctx

    def perform(self, form):
        return services.rr_partner_sign_off(by=self.request.user, rr=self.object,
                                            today=self.today,
                                            seen_version=form.cleaned_data["version_seen"])

    def get_success_message(self, sign_off) -> str:
        return _("Signed off for %(agency)s.") % {"agency": sign_off.agency.name}
