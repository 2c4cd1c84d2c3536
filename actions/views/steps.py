"""One action: its page, and each step on it (progress, impact, dates, sign-off, return,
close, edit), each through one service, each guarded by the action's version."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView

from actions import rules, selectors, services
from actions.forms import (
    ActionForm,
    CloseForm,
    CompleteForm,
    DateChangeDecisionForm,
    DateChangeRequestForm,
    ImpactForm,
    ProgressForm,
    ReturnForm,
    SignOffForm,
)
from actions.models import Action, ActionStatus, TargetDateChange
from actions.uploads import SizeLimitUploadHandler
from actions.views.common import ACTION_RELATED, action_permissions, merge_newer_values
from scsp.audit import Kind, record_access
from scsp.generic import ObjectServiceFormView
from scsp.permissions import get_object_for_user
from scsp.workdays import calendar

# --- one action ------------------------------------------------------------------------------

class ActionDetailView(TemplateView):
    template_name = "actions/action_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        action = get_object_for_user(
            Action.objects.select_related(*ACTION_RELATED, "lead_officer__agency")
            .prefetch_related("themes"),
            user, pk=self.kwargs["pk"])
        record_access(user=user, kind=Kind.VIEW, obj=action, request=self.request)
        today = timezone.localdate()
        ctx.update(action=action, today=today, can=action_permissions(user, action),
                   **selectors.action_detail(action, today=today, cal=calendar()))
        return ctx


class _NotNow(Exception):
    """The action's state does not allow the step now (raised by ``check_allowed``)."""


class _Conflict(Exception):
    """Carries a service's ``EditConflict`` past ``ServiceFormView.form_valid``, which would
    otherwise treat it as any other ``ValidationError``."""

    def __init__(self, conflict):
        super().__init__(conflict.message)
        self.conflict = conflict


class ActionStepView(ObjectServiceFormView):
    """One step on one action through one service (progress, impact, dates, decisions).

    The action is fetched with ``edit=True`` (403 when read-only); ``allowed`` narrows it by
    role; ``possible`` says whether the action's state allows the step now (otherwise the
    person is sent back to the action page with the reason). Subclasses define
    ``step(form, data)``, which calls one service; success goes back to the action."""

    template_name = "actions/form.html"
    not_possible_text = ""

    @property
    def action(self):
        return self.object

    def allowed(self, user, action) -> bool:
        return rules.may_update(user, action)

    def possible(self, action) -> bool:
        return True

    def get_queryset(self):
        return Action.objects.select_related(*ACTION_RELATED).prefetch_related("themes")

    def check_allowed(self, action):
        if not self.allowed(self.request.user, action):
            raise PermissionDenied(_("Your role does not include this step."))
        if not self.possible(action):
            raise _NotNow

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except _NotNow:
            messages.info(request, self.not_possible_text)
            return redirect(self.action)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action=self.action, title=self.get_title(), today=self.today,
            back_url=self.action.get_absolute_url(),
            back_label=_("Back to action %(ref)s") % {"ref": self.action.reference}, **kwargs)

    def perform(self, form):
        try:
            self.step(form, form.cleaned_data)
        except services.EditConflict as conflict:
            # EditConflict is a ValidationError, which ServiceFormView would only put on the
            # form: hand it to form_valid as something else, to show what changed meanwhile.
            raise _Conflict(conflict) from None

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except _Conflict as refused:
            return self.conflict(form, refused.conflict)

    def conflict(self, form, conflict):
        """Refuse the save: show what changed meanwhile and let the person resubmit against
        the current version, keeping what they typed. Answered as a form error (200), like
        any other refusal on a form: browsers report a 409 page as a failed resource load."""
        self.object = conflict.action
        merge_newer_values(form, conflict.changes)
        form.add_error(None, conflict.message)
        ctx = self.get_context_data(form=form, conflict=conflict.changes)
        return self.render_to_response(ctx)


@method_decorator(csrf_exempt, name="dispatch")
class EvidenceUploadMixin:
    """Caps each uploaded file at ``EVIDENCE_MAX_BYTES`` while it streams in, so an oversized
    file is dropped instead of written to disk in full. The upload handler must be installed
    before anything reads ``request.POST``, which is why the CSRF check moves from the
    middleware to ``csrf_protect`` here: it still runs on every request."""

    def dispatch(self, request, *args, **kwargs):
        handler = SizeLimitUploadHandler(request, limit=settings.EVIDENCE_MAX_BYTES)
        request.upload_handlers.insert(0, handler)
        self.upload_limit = handler
        protected = csrf_protect(super().dispatch)
        return protected(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        valid = form.is_valid()
        for name, size in self.upload_limit.too_big:
            form.add_error("files", SizeLimitUploadHandler.message(name, size))
        if valid and not self.upload_limit.too_big:
            return self.form_valid(form)
        return self.form_invalid(form)


class ActionProgressView(EvidenceUploadMixin, ActionStepView):
    form_class = ProgressForm
    success_message = gettext_lazy("Your update has been added.")
    not_possible_text = gettext_lazy("This action is finished, so it takes no more progress updates.")

    def possible(self, action):
        return rules.can_add_progress(self.request.user, action)

    def get_title(self):
        return _("Add a progress update to %(ref)s") % {"ref": self.action.reference}

    def step(self, form, d):
        services.action_record_progress(
            by=self.request.user, action=self.action, version=d["version"], note=d["note"],
            status=d.get("status", ""), at_risk=d["at_risk"], blocked=d["blocked"],
            files=d["files"], today=self.today,
        )


class ActionCompleteView(EvidenceUploadMixin, ActionStepView):
    """"Mark as complete": the evidence and the day it was done; the action then waits for
    the co-ordinator's or chair's sign-off."""

    form_class = CompleteForm
    success_message = gettext_lazy("The action is marked complete. The co-ordinator will "
                                   "review the evidence and sign it off.")
    not_possible_text = gettext_lazy("This action cannot be marked complete now: it is "
                                     "already complete or finished.")

    def possible(self, action):
        return rules.can_mark_complete(self.request.user, action)

    def get_title(self):
        return _("Mark %(ref)s as complete") % {"ref": self.action.reference}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "today": self.today}

    def step(self, form, d):
        services.action_record_progress(
            by=self.request.user, action=self.action, version=d["version"],
            note=d["note"] or _("Marked as complete."), status=ActionStatus.AWAITING_SIGN_OFF,
            completion_evidence=d["completion_evidence"], completed_on=d["completed_on"],
            files=d["files"], today=self.today,
        )


class ActionImpactView(EvidenceUploadMixin, ActionStepView):
    form_class = ImpactForm
    success_message = gettext_lazy("The evidence of impact has been saved.")
    not_possible_text = gettext_lazy("Impact can be evidenced once the action is complete.")

    def possible(self, action):
        return rules.can_record_impact(self.request.user, action)

    def get_title(self):
        return _("Evidence of impact for %(ref)s") % {"ref": self.action.reference}

    def step(self, form, d):
        services.action_record_impact(
            by=self.request.user, action=self.action, version=d["version"],
            impact_evidence=d["impact_evidence"], files=d["files"],
        )


class ActionEditView(ActionStepView):
    form_class = ActionForm
    success_message = gettext_lazy("The action has been saved.")
    not_possible_text = gettext_lazy("This action is finished; its details can no longer change.")

    def allowed(self, user, action):
        return rules.can_manage_plans(user)

    def possible(self, action):
        return rules.can_edit_details(self.request.user, action)

    def get_title(self):
        return _("Edit action %(ref)s") % {"ref": self.action.reference}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("action")
        return {**kwargs, "plan": self.action.plan, "creating": False}

    def get_initial(self):
        a = self.action
        return {"recommendation": a.recommendation, "title": a.title,
                "description": a.description,
                "success_measure": a.success_measure, "lead_agency": a.lead_agency,
                "lead_officer": a.lead_officer, "themes": list(a.themes.all()),
                "version": a.version}

    def step(self, form, d):
        services.action_update(
            by=self.request.user, action=self.action, version=d["version"],
            title=d["title"], description=d["description"],
            success_measure=d["success_measure"],
            lead_agency=d["lead_agency"], lead_officer=d["lead_officer"],
            recommendation=d["recommendation"], themes=d["themes"],
        )


class DateChangeRequestView(ActionStepView):
    form_class = DateChangeRequestForm
    success_message = gettext_lazy("Your request has been sent to the co-ordinator.")
    not_possible_text = gettext_lazy("This action is finished, or a request for a new date is already "
                          "waiting for the co-ordinator.")

    def possible(self, action):
        return rules.can_request_date_change(self.request.user, action) and not (
            action.date_changes.filter(decision=TargetDateChange.Decision.PENDING).exists())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("action")
        return kwargs

    def get_title(self):
        return _("Ask for a new target date for %(ref)s") % {"ref": self.action.reference}

    def step(self, form, d):
        services.action_request_date_change(
            by=self.request.user, action=self.action, new_date=d["new_date"],
            reason=d["reason"], today=self.today,
        )


class DateChangeDecideView(ActionStepView):
    form_class = DateChangeDecisionForm
    success_message = gettext_lazy("Your decision has been recorded.")
    not_possible_text = gettext_lazy("That request has already been decided.")

    def get_object(self):
        change = get_object_for_user(
            TargetDateChange.objects.select_related("requested_by"), self.request.user,
            pk=self.kwargs["pk"])
        self.change = change
        return get_object_for_user(
            Action.objects.select_related(*ACTION_RELATED), self.request.user, edit=True,
            pk=change.action_id)

    def allowed(self, user, action):
        return rules.can_decide(user)

    def possible(self, action):
        return self.change.decision == TargetDateChange.Decision.PENDING

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("action")
        return kwargs

    def get_title(self):
        return _("Decide the new target date for %(ref)s") % {"ref": self.action.reference}

    def get_context_data(self, **kwargs):
        slip = (self.change.new_date - self.action.original_target_date).days
        return super().get_context_data(change=self.change, slip_if_agreed=max(slip, 0),
                                        **kwargs)

    def step(self, form, d):
        services.action_decide_date_change(
            by=self.request.user, change=self.change,
            agree=d["decision"] == TargetDateChange.Decision.AGREED,
            note=d["decision_note"], today=self.today,
        )


class CompletedActionStepView(ActionStepView):
    """Sign-off and return: decisions on a completed action, made on its evidence (shown on
    the page) by the co-ordinator or the chair, never by someone who led, updated or
    completed it (``rules.can_sign_off``). The action is fetched as seen, not as changeable:
    the chair changes no action otherwise."""

    edit = False
    not_possible_text = gettext_lazy("Only an action marked complete can be signed off or returned.")

    def allowed(self, user, action):
        return rules.can_sign_off(user, action)

    def possible(self, action):
        return action.status == ActionStatus.AWAITING_SIGN_OFF

    def get_context_data(self, **kwargs):
        evidence = list(self.action.evidence.select_related("uploaded_by"))
        return super().get_context_data(evidence=evidence, show_evidence=True, **kwargs)


class ActionSignOffView(CompletedActionStepView):
    form_class = SignOffForm

    def get_title(self):
        return _("Sign off %(ref)s") % {"ref": self.action.reference}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            other_step=(reverse("actions:action_return", args=[self.action.pk]),
                        _("Not enough evidence? Return it for more")), **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def step(self, form, d):
        services.action_sign_off(by=self.request.user, action=self.action,
                                 version=d["version"], note=d["note"],
                                 signed_off_on=d.get("signed_off_on"))
        self.success_message = _("Action %(ref)s is signed off.") % {"ref": self.action.reference}


class ActionReturnView(CompletedActionStepView):
    form_class = ReturnForm

    def get_title(self):
        return _("Return %(ref)s for more evidence") % {"ref": self.action.reference}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            other_step=(reverse("actions:action_sign_off", args=[self.action.pk]),
                        _("The evidence is enough? Sign it off")), **kwargs)

    def step(self, form, d):
        services.action_return(by=self.request.user, action=self.action,
                               version=d["version"], reason=d["reason"])
        self.success_message = _("Action %(ref)s has been returned for more evidence.") % {
            "ref": self.action.reference}


class ActionCloseView(ActionStepView):
    form_class = CloseForm
    success_message = gettext_lazy("The action is closed without completion.")
    not_possible_text = gettext_lazy("This action is already finished.")

    def allowed(self, user, action):
        return rules.can_close(user, action)

    def possible(self, action):
        return action.is_open

    def get_title(self):
        return _("Close %(ref)s without completion") % {"ref": self.action.reference}

    def step(self, form, d):
        services.action_close(by=self.request.user, action=self.action, version=d["version"],
                              reason=d["reason"])
