"""What review pages share beyond :mod:`scsp.generic`: the tables of rows saved in one go
(formsets) and a CSV date helper."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect

from scsp import form_messages
from scsp.generic import ObjectServiceFormView


def _iso(day) -> str:
    return day.isoformat() if day else ""


class RowsFormView(ObjectServiceFormView):
    """A table of rows (a formset) about one record, saved in one go by one service. A
    formset has no field to put the service's ``ValidationError`` on, so its messages are
    listed above the table (``service_errors``). The formset is in the context as
    :attr:`formset_name`."""

    formset_name = "formset"
    service_errors: list[str] = []

    def get_formset(self, data):  # pragma: no cover - every subclass overrides it
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_formset(data)")

    def get_form(self, form_class=None):
        formset = self.get_formset(self.get_form_kwargs().get("data"))
        form_messages.apply(formset)
        return formset

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx[self.formset_name] = ctx.pop("form")
        ctx["service_errors"] = self.service_errors
        return ctx

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            self.service_errors = exc.messages
            return self.form_invalid(form)
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(result))
