"""Planning and running one audit: plan it, read it, change its details, move its status,
choose the participants, and record a rota slot's presentation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from audits import selectors, services
from audits.forms import AuditForm, ParticipantsForm, PresentedForm
from audits.models import TRANSITIONS, Audit, AuditKind, AuditStatus
from audits.views._base import AuditFormView, AuditMixin, PostOnlyAuditView
from scsp.generic import ServiceFormView, flash_errors
from scsp.permissions import Ability, RoleRequiredMixin, may

#: The button for each move, by kind of audit where it differs.
TRANSITION_LABELS = {
    AuditStatus.IN_PROGRESS: gettext_lazy("Start the audit"),
    AuditStatus.MODERATION: gettext_lazy("Close returns and start moderation"),
    AuditStatus.FINDINGS_AGREED: gettext_lazy("Mark the findings as agreed"),
    AuditStatus.CLOSED: gettext_lazy("Close the audit"),
}
REOPEN_LABEL = gettext_lazy("Reopen returns for correction")
BACK_TO_PROGRESS_LABEL = gettext_lazy("Move back to in progress")
PLAN_HEADINGS = {
    AuditKind.MACFA: gettext_lazy("Plan a multi-agency case file audit (MACFA)"),
    AuditKind.SECTION_11: gettext_lazy("Plan a Section 11 audit round"),
    AuditKind.SECTION_175: gettext_lazy("Plan a Section 175 audit round"),
    AuditKind.SINGLE_AGENCY: gettext_lazy("Add a slot to the single-agency audit rota"),
}
#: Where a rota slot's presentation can be recorded.
PRESENTABLE = (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS, AuditStatus.MODERATION)


def status_moves(audit: Audit) -> list[dict]:
    """The status buttons on the audit page, each with its label."""
    moves = []
    for status in TRANSITIONS[audit.status]:
        if audit.is_rota and status == AuditStatus.MODERATION:
            continue  # recorded with the presentation date instead
        label = TRANSITION_LABELS[status]
        if status == AuditStatus.IN_PROGRESS and audit.status == AuditStatus.MODERATION:
            label = BACK_TO_PROGRESS_LABEL if audit.is_rota else REOPEN_LABEL
        moves.append({"status": status, "label": label})
    return moves


class AuditCreateView(RoleRequiredMixin, ServiceFormView):
    template_name = "audits/audit_form.html"
    form_class = AuditForm
    ability = Ability.MANAGE_AUDITS

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in AuditKind.values:
            raise Http404("No such kind of audit.")
        self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind}

    def get_initial(self):
        return {"lead": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=PLAN_HEADINGS[self.kind], kind=self.kind,
                                        **kwargs)

    def perform(self, form):
        return services.audit_create(by=self.request.user, kind=self.kind, today=self.today,
                                     **form.service_kwargs())

    def get_success_message(self, audit):
        return _("%(ref)s planned.") % {"ref": audit.reference}


class AuditDetailView(AuditMixin, TemplateView):
    template_name = "audits/audit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        audit, user, today = self.audit, self.request.user, self.today
        manages = may(user, Ability.MANAGE_AUDITS)
        ctx.update(selectors.audit_detail_for(user, audit, today=today))
        ctx.update(
            moves=status_moves(audit) if manages else [], today=today,
            results_open=audit.results_open_to(user) and audit.has_returns,
            report_open=audit.results_open_to(user),
            rota_state=audit.rota_state(today) if audit.is_rota else "",
            months_late=audit.months_late(today) if audit.is_rota else 0,
            can_present=manages and audit.is_rota and audit.status in PRESENTABLE,
            findings_open=audit.status in (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED),
        )
        return ctx


class AuditUpdateView(AuditFormView):
    template_name = "audits/audit_form.html"
    form_class = AuditForm
    success_message = gettext_lazy("Audit details saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.audit.kind, "audit": self.audit}

    def get_initial(self):
        a = self.audit
        return {"title": a.title, "description": a.description, "themes": list(a.themes.all()),
                "lead": a.lead, "planned_start": a.planned_start, "planned_end": a.planned_end,
                "actual_start": a.actual_start, "actual_end": a.actual_end,
                "month_due": a.month_due}

    def perform(self, form):
        old = self.audit.reference
        audit = services.audit_update(by=self.request.user, audit=self.audit,
                                      **form.service_kwargs())
        self.renumbered_from = old if audit.reference != old else ""
        return audit

    def get_success_message(self, result) -> str:
        if getattr(self, "renumbered_from", ""):
            return _("Audit details saved. It is now planned for %(year)s, so it is renumbered "
                     "%(new)s (it was %(old)s; the old reference still finds it).") % {
                "year": (result.planned_start or result.month_due).year,
                "new": result.reference, "old": self.renumbered_from}
        return super().get_success_message(result)


class AuditTransitionView(PostOnlyAuditView):
    def post(self, request, *args, **kwargs):
        try:
            audit = services.audit_transition(by=request.user, audit=self.audit,
                                              to_status=request.POST.get("to", ""),
                                              today=self.today)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(ref)s is now “%(status)s”.")
                             % {"ref": audit.reference, "status": audit.get_status_display()})
        return self.redirect_back()


class ParticipantsView(AuditFormView):
    template_name = "audits/participants_form.html"
    page_title = gettext_lazy("Participating agencies")
    form_class = ParticipantsForm
    success_message = gettext_lazy("Participants saved.")

    def check_allowed(self, audit):
        if not audit.has_returns:
            raise Http404("A single-agency audit has no participants list.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.audit}

    def get_initial(self):
        return {"agencies": list(self.audit.returns.values_list("agency_id", flat=True))}

    def perform(self, form):
        return services.participants_set(by=self.request.user, audit=self.audit,
                                         agencies=form.cleaned_data["agencies"])


class RotaPresentedView(AuditFormView):
    template_name = "audits/presented_form.html"
    page_title = gettext_lazy("Record the presentation")
    form_class = PresentedForm
    success_message = gettext_lazy("Presentation recorded; the audit is now in moderation.")

    def check_allowed(self, audit):
        if not audit.is_rota:
            raise Http404("Only a single-agency audit is presented on the rota.")

    def get_initial(self):
        return {"date_presented": self.audit.date_presented or self.today}

    def perform(self, form):
        return services.rota_record_presented(by=self.request.user, audit=self.audit,
                                              today=self.today, **form.cleaned_data)
