"""The partnership's settings page (the co-ordinator; ``Ability.MANAGE_SETTINGS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from scsp import services
from scsp.forms import PartnershipSettingsForm
from scsp.generic import ServiceFormView
from scsp.models import PartnershipSettings
from scsp.permissions import Ability, RoleRequiredMixin


class PartnershipSettingsView(RoleRequiredMixin, ServiceFormView):
    ability = Ability.MANAGE_SETTINGS
    template_name = "scsp/partnership_settings.html"
    form_class = PartnershipSettingsForm
    success_message = ""

    def get_initial(self):
        current = PartnershipSettings.load()
        return {"officers_exempt_from_mfa": current.officers_exempt_from_mfa,
                "exemption_reason": current.exemption_reason}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        current = PartnershipSettings.load()
        ctx["current"] = current
        ctx["history"] = (PartnershipSettings.history.select_related("history_user")
                          .order_by("-history_date")[:10])
        return ctx

    def perform(self, form):
        return services.update_partnership_settings(by=self.request.user, **form.cleaned_data)

    def get_success_message(self, result):
        return _("The partnership settings are saved.")

    def get_success_url(self, result=None):
        return reverse("scsp:partnership_settings")
