"""What an audit examines, for the people who manage audits: a MACFA's sample of cases, and
the audit tool (a MACFA's questions or a self-assessment's standards)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from audits import selectors, services
from audits.forms import CaseForm, ToolItemForm
from audits.models import Question, Standard
from audits.views._base import AuditFormView, AuditMixin, PostOnlyAuditView
from scsp.generic import flash_errors

# --- the sample ------------------------------------------------------------------------------


class CaseListView(AuditFormView):
    """The MACFA's sample: add cases, remove unanswered ones."""

    template_name = "audits/case_list.html"
    form_class = CaseForm

    def check_allowed(self, audit):
        if not audit.is_macfa:
            raise Http404("Only a MACFA has a sample of cases.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cases = list(self.audit.cases.order_by("reference"))
        links = selectors.case_links(self.request.user, [c.reference for c in cases])
        ctx.update(cases=[{"case": c, "link": links.get(c.reference)} for c in cases],
                   locked=self.audit.tool_is_locked())
        return ctx

    def perform(self, form):
        return services.case_add(by=self.request.user, audit=self.audit, **form.cleaned_data)

    def get_success_message(self, case):
        return _("%(ref)s added to the sample.") % {"ref": case.reference}

    def get_success_url(self, result=None):
        return reverse("audits:case_list", kwargs={"pk": self.audit.pk})


class CaseRemoveView(PostOnlyAuditView):
    def post(self, request, *args, **kwargs):
        case = self._case()
        try:
            services.case_remove(by=request.user, case=case)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(ref)s removed from the sample.")
                             % {"ref": case.reference})
        return redirect("audits:case_list", pk=self.audit.pk)

    def _case(self):
        case = self.audit.cases.filter(pk=self.kwargs["case_pk"]).first()
        if case is None:
            raise Http404("No such case in this audit.")
        return case


# --- the tool --------------------------------------------------------------------------------

class ToolMixin(AuditMixin):
    """The audit tool: questions for a MACFA, standards for Section 11 / 175 (404 for a
    single-agency audit). Managers only."""

    edit = True

    def dispatch(self, request, *args, **kwargs):
        audit = self.get_object()
        if not (audit.is_macfa or audit.uses_standards):
            raise Http404("This audit has no audit tool.")
        return super().dispatch(request, *args, **kwargs)

    @property
    def item_model(self):
        return Question if self.audit.is_macfa else Standard

    @property
    def noun(self) -> str:
        return _("question") if self.audit.is_macfa else _("standard")

    def get_item(self):
        item = self.item_model.objects.filter(audit=self.audit, pk=self.kwargs["item_pk"]).first()
        if item is None:
            raise Http404("No such question or standard in this audit.")
        return item

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(noun=self.noun, locked=self.audit.tool_is_locked(),
                   tool_name=_("Audit tool: questions") if self.audit.is_macfa
                   else _("Standards"))
        return ctx

    def get_success_url(self, result=None):
        return reverse("audits:tool_list", kwargs={"pk": self.audit.pk})


class ToolListView(ToolMixin, AuditFormView):
    template_name = "audits/tool_list.html"
    form_class = ToolItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "noun": self.noun}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["items"] = list(self.item_model.objects.filter(audit=self.audit).order_by("number"))
        return ctx

    def perform(self, form):
        return services.tool_item_add(by=self.request.user, audit=self.audit,
                                      **form.cleaned_data)

    def get_success_message(self, item):
        return _("%(noun)s %(n)s added.") % {"noun": self.noun.capitalize(), "n": item.number}


class ToolItemUpdateView(ToolMixin, AuditFormView):
    template_name = "audits/tool_item_form.html"
    form_class = ToolItemForm

    @property
    def page_title(self):
        return _("Edit %(noun)s %(n)s") % {"noun": self.noun, "n": self.get_item().number}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "noun": self.noun, "editing": True}

    def get_initial(self):
        item = self.get_item()
        return {"text": item.text, "short_label": item.short_label}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["item"] = self.get_item()
        return ctx

    def perform(self, form):
        return services.tool_item_update(by=self.request.user, item=self.get_item(),
                                         **form.cleaned_data)

    def get_success_message(self, item):
        return _("%(noun)s %(n)s saved.") % {"noun": self.noun.capitalize(), "n": item.number}


class ToolItemRemoveView(ToolMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        try:
            services.tool_item_remove(by=request.user, item=item)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(noun)s removed; the rest are renumbered.")
                             % {"noun": self.noun.capitalize()})
        return redirect(self.get_success_url())
