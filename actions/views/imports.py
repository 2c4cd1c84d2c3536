"""The co-ordinator's spreadsheet import: the page with the template and the upload, the
template downloads, and the check of an uploaded file (row by row) with its Import button.
Nothing is saved before Import, and Import saves everything or nothing
(``actions.services.imports``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from actions import services
from actions.imports.check import Report
from actions.imports.columns import COLUMNS
from actions.imports.forms import ImportConfirmForm, ImportUploadForm
from actions.imports.template import template_csv, template_xlsx
from actions.models import PlanImport
from actions.uploads import CSV, XLSX
from scsp.generic import ObjectServiceFormView, ServiceFormView
from scsp.permissions import Ability, RoleRequiredMixin

TEMPLATES = {"xlsx": (template_xlsx, XLSX), "csv": (template_csv, f"{CSV}; charset=utf-8")}


class ImportStartView(RoleRequiredMixin, ServiceFormView):
    ability = Ability.IMPORT_PLANS
    template_name = "actions/import_start.html"
    form_class = ImportUploadForm

    def get_context_data(self, **kwargs):
        recent = (PlanImport.objects.visible_to(self.request.user)
                  .select_related("uploaded_by", "imported_by").defer("content")[:10])
        return super().get_context_data(columns=COLUMNS, recent=recent, **kwargs)

    def perform(self, form):
        return services.import_upload(by=self.request.user, upload=form.cleaned_data["file"])


class ImportTemplateView(RoleRequiredMixin, View):
    ability = Ability.IMPORT_PLANS

    def get(self, request, kind):
        if kind not in TEMPLATES:
            raise Http404("No such template.")
        make, content_type = TEMPLATES[kind]
        response = HttpResponse(make(), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="scsp-action-plan-import-template.{kind}"')
        return response


class ImportCheckView(RoleRequiredMixin, ObjectServiceFormView):
    """GET: the dry run of the uploaded file, every row. POST: import it, if the check shown
    is still what an import would do."""

    ability = Ability.IMPORT_PLANS
    template_name = "actions/import_check.html"
    form_class = ImportConfirmForm

    def get_queryset(self):
        return PlanImport.objects.select_related("uploaded_by", "imported_by")

    @property
    def report(self):
        if not hasattr(self, "_report"):
            try:
                self._report = services.import_check(by=self.request.user, batch=self.object,
                                                     today=self.today)
            except ValidationError as exc:
                self._report = Report(file_problems=exc.messages)
        return self._report

    @property
    def digest(self) -> str:
        return self.report.digest(self.object.sha256)

    def get_form_kwargs(self):
        adding = len(self.report.to_add)
        label = (_("Import %(n)s action") if adding == 1 else _("Import %(n)s actions")) % {
            "n": adding}
        return {**super().get_form_kwargs(), "initial": {"checked": self.digest},
                "submit_label": label}

    def form_invalid(self, form):
        # The check shown again is a fresh one: its digest goes with the next Import.
        if hasattr(self, "_report"):
            del self._report
        form.data = form.data.copy()
        form.data["checked"] = self.digest
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        report = self.report
        return super().get_context_data(
            batch=self.object, report=report,
            errors=[(n, p.where(n), p.message) for n, p in report.errors],
            can_import=report.ok and self.object.imported_at is None,
            start_url=reverse("actions:import_start"), **kwargs)

    def perform(self, form):
        return services.import_apply(by=self.request.user, batch=self.object,
                                     checked=form.cleaned_data["checked"], today=self.today)

    def get_success_message(self, batch):
        return _("Imported from %(name)s: %(actions)s actions added, in %(plans)s new plans. "
                 "Every record is marked as entered after the event.") % {
            "name": batch.original_name, "actions": batch.actions_added,
            "plans": batch.plans_added}
