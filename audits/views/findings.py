"""After the returns: the moderation meeting (people who manage audits), and the findings and
their actions, which go into the audit's action plan (the co-ordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits import selectors, services
from audits.forms import FindingActionForm, FindingForm, ModerationForm
from audits.models import FINDINGS_STATUSES, Finding
from audits.views._base import AuditFormView
from scsp.permissions import Ability, require


class ModerationView(AuditFormView):
    template_name = "audits/moderation_form.html"
    form_class = ModerationForm
    success_message = gettext_lazy("Moderation saved.")

    def dispatch(self, request, *args, **kwargs):
        audit = self.get_object()
        if not audit.has_returns:
            raise Http404("A single-agency audit is presented, not moderated.")
        if audit.status not in FINDINGS_STATUSES:
            messages.info(request, _("Moderation opens when the audit moves to moderation."))
            return redirect(audit)
        return super().dispatch(request, *args, **kwargs)

    def get_results(self):
        if not hasattr(self, "_results"):
            self._results = (selectors.macfa_results(self.audit, with_narrative=True)
                             if self.audit.is_macfa
                             else selectors.standards_results(self.audit, with_evidence=True))
        return self._results

    def get_form_kwargs(self):
        results = self.get_results()
        kwargs = {**super().get_form_kwargs(), "audit": self.audit,
                  "returns": results.submitted}
        if self.audit.is_macfa:
            kwargs.update(cases=results.cases, questions=results.questions,
                          agreed=results.agreed)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        results = self.get_results()
        ctx["results"] = results
        if self.audit.is_macfa:
            ctx["case_tables"] = results.case_tables(selectors.case_links(
                self.request.user, [c.reference for c in results.cases]))
        return ctx

    def perform(self, form):
        return services.moderation_record(by=self.request.user, audit=self.audit,
                                          today=self.today, **form.service_kwargs())

    def get_success_url(self, result=None):
        return reverse("audits:results", kwargs={"pk": self.audit.pk})


class FindingCreateView(AuditFormView):
    template_name = "audits/finding_form.html"
    page_title = gettext_lazy("Record a finding")
    form_class = FindingForm

    def check_allowed(self, audit):
        require(self.request.user, Ability.RECORD_FINDINGS,
                _("Findings go into the action plan, which the co-ordinator keeps."))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.audit}

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "")}

    def perform(self, form):
        return services.finding_add(by=self.request.user, audit=self.audit, **form.cleaned_data)

    def get_success_message(self, finding):
        return (_("Finding recorded as recommendation %(n)s in the action plan.")
                % {"n": finding.recommendation.number})

    def get_success_url(self, result=None):
        return f"{self.audit.get_absolute_url()}#finding-{result.pk}"


class FindingActionCreateView(AuditFormView):
    template_name = "audits/finding_action_form.html"
    page_title = gettext_lazy("Add an action for this finding")
    form_class = FindingActionForm

    def check_allowed(self, audit):
        require(self.request.user, Ability.RECORD_FINDINGS,
                _("Only the co-ordinator adds actions to an audit's plan."))
        self.finding = (Finding.objects.filter(audit=audit, pk=self.kwargs["finding_pk"])
                        .select_related("agency", "recommendation").first())
        if self.finding is None:
            raise Http404("No such finding in this audit.")

    def get_initial(self):
        return {"lead_agency": self.finding.agency}

    def get_context_data(self, **kwargs):
        return super().get_context_data(finding=self.finding, **kwargs)

    def perform(self, form):
        return services.finding_action_create(by=self.request.user, finding=self.finding,
                                              today=self.today, **form.cleaned_data)

    def get_success_message(self, action):
        return (_("Action %(ref)s added; it is now in %(agency)s's action list.")
                % {"ref": action.reference, "agency": action.lead_agency.short_name})

    def get_success_url(self, result=None):
        return f"{self.audit.get_absolute_url()}#finding-{self.finding.pk}"
