"""Decisions waiting: what waits for the co-ordinator (actions marked complete, requests for
a new target date), and signing off or returning several completed actions at once."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions import selectors, services
from actions.forms import BulkDecisionForm
from scsp.generic import ServiceFormView
from scsp.permissions import Ability, RoleRequiredMixin


class DecisionsView(RoleRequiredMixin, ServiceFormView):
    """The co-ordinator's list of decisions; its form signs off or returns the ticked
    actions with one comment (``services.actions_decide_in_bulk``: each action checked by
    the sign-off rules, those refused named with the reason, the others decided)."""

    template_name = "actions/decisions.html"
    ability = Ability.DECIDE_ACTIONS
    form_class = BulkDecisionForm
    keeps_drafts = False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        decisions = selectors.decisions_for(user, today=timezone.localdate())
        awaiting = list(decisions["awaiting"])
        # Those the co-ordinator led, updated or completed: the chair or another co-ordinator
        # signs them off (actions.rules.can_sign_off), so they have no box to tick.
        involved = selectors.actions_involving(user, awaiting)
        form = ctx["form"]
        chosen = set(form.cleaned_data.get("actions", ())) if form.is_bound and hasattr(
            form, "cleaned_data") else set()
        ctx.update(decisions, awaiting=awaiting, involved=involved, chosen=chosen,
                   decidable=[a for a in awaiting if a.pk not in involved])
        return ctx

    def perform(self, form):
        outcome = services.actions_decide_in_bulk(
            by=self.request.user, decision=form.cleaned_data["decision"],
            versions=form.versions(), note=form.cleaned_data["note"])
        self.report(outcome)
        return outcome

    def report(self, outcome):
        signed = outcome.decision == services.bulk.SIGN_OFF
        if outcome.done:
            refs = ", ".join(a.reference for a in outcome.done)
            if signed:
                text = ngettext("Signed off %(n)d action: %(refs)s.",
                                "Signed off %(n)d actions: %(refs)s.", len(outcome.done))
            else:
                text = ngettext("Returned %(n)d action for more evidence: %(refs)s.",
                                "Returned %(n)d actions for more evidence: %(refs)s.",
                                len(outcome.done))
            messages.success(self.request, text % {"n": len(outcome.done), "refs": refs})
        for action, reason in outcome.refused:
            text = (_("%(ref)s was not signed off: %(reason)s.") if signed
                    else _("%(ref)s was not returned: %(reason)s."))
            messages.warning(self.request, text % {"ref": action.reference,
                                                   "reason": reason.rstrip(".")})
        if outcome.missing:
            messages.warning(self.request, ngettext(
                "%(n)d of the selected actions is not one you can open; nothing was done to it.",
                "%(n)d of the selected actions are not ones you can open; nothing was done to "
                "them.", outcome.missing) % {"n": outcome.missing})

    def get_success_url(self, result=None):
        return reverse("actions:decisions")
