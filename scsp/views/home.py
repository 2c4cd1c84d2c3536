"""The home page: what the signed-in person can do, by role."""

from __future__ import annotations

from django.views.generic import TemplateView

from scsp.dashboard import panels_for
from scsp.navigation import entries_for


class HomeView(TemplateView):
    """What the signed-in person can do, by role."""

    template_name = "scsp/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["capabilities"] = entries_for(self.request.user)
        ctx["panels"] = panels_for(self.request)
        return ctx
