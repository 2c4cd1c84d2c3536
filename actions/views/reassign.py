"""An agency lead (or the business unit) gives an action to another officer of its agency."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions import rules, services
from actions.forms import VersionField, _helper
from actions.views.steps import ActionStepView
from scsp.models import User
from scsp.permissions import Ability, may
from scsp.privacy import IdentifierGuardMixin


class ReassignForm(IdentifierGuardMixin, forms.Form):
    lead_officer = forms.ModelChoiceField(label=_("New lead officer"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Why it is given to someone else"), max_length=services.REASON_MAX,
        help_text=_("Kept in the action's history, and sent to the new lead officer. No names "
                    "of children or families."))
    version = VersionField()
    guarded_fields = ("reason",)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].queryset = (
            User.objects.active().filter(agency_id=action.lead_agency_id)
            .exclude(pk=action.lead_officer_id).order_by("full_name"))
        self.fields["lead_officer"].label_from_instance = lambda u: u.full_name
        self.add_identifier_guard()
        self.helper = _helper(_("Give the action to this officer"))


class ActionReassignView(ActionStepView):
    form_class = ReassignForm
    success_message = gettext_lazy("The action has been given to its new lead officer, who "
                                   "has been told.")
    not_possible_text = gettext_lazy("This action is finished; it can no longer be reassigned.")

    def allowed(self, user, action):
        return may(user, Ability.REASSIGN_ACTIONS) and rules.may_update(user, action)

    def possible(self, action):
        return action.is_open

    def get_title(self):
        return _("Give action %(ref)s to another officer") % {"ref": self.action.reference}

    def get_initial(self):
        return {"version": self.action.version}

    def step(self, form, d):
        services.action_reassign(by=self.request.user, action=self.action,
                                 lead_officer=d["lead_officer"], reason=d["reason"],
                                 version=d["version"])
