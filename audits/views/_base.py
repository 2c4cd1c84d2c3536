"""What every audit page shares: the audit named in the URL, fetched for the signed-in user
(404 outside their scope, 403 when a page changes it and they may not), and what every audit
page's context carries."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.views import View

from audits.models import Audit
from scsp.generic import DayMixin, ObjectServiceFormView
from scsp.permissions import Ability, get_object_for_user, may


class AuditMixin(DayMixin):
    """Fetch the audit named by ``pk`` for the signed-in user, once, before anything else.
    ``edit=True``: 403 unless the user manages audits (``Audit.objects.editable_by``). Also
    the request's ``today``."""

    edit = False
    page_title = ""

    def get_queryset(self):
        return Audit.objects.select_related("lead", "lead__agency", "agency", "action_plan")

    def get_object(self) -> Audit:
        if not hasattr(self, "_audit"):
            self._audit = get_object_for_user(self.get_queryset(), self.request.user,
                                              edit=self.edit, pk=self.kwargs["pk"])
        return self._audit

    @property
    def audit(self) -> Audit:
        return self.get_object()

    def dispatch(self, request, *args, **kwargs):
        self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(audit=self.audit, page_title=self.page_title,
                   can_manage=may(user, Ability.MANAGE_AUDITS),
                   can_record_findings=may(user, Ability.RECORD_FINDINGS))
        return ctx


class AuditFormView(AuditMixin, ObjectServiceFormView):
    """A form about one audit that calls one service (``perform``): by default for the people
    who manage audits. Success goes back to the audit unless the view says otherwise."""

    model = Audit
    edit = True


class PostOnlyAuditView(AuditMixin, View):
    """A button: POST does one thing and goes back to the audit."""

    http_method_names = ["post"]
    edit = True

    def redirect_back(self):
        return HttpResponseRedirect(self.audit.get_absolute_url())
