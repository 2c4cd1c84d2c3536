"""What every review page shares: the day and calendar of the request, the form-and-service
pattern, and CSV helpers."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from reviews import forms
from scsp.permissions import RoleRequiredMixin, get_object_for_user
from scsp.workdays import calendar

log = logging.getLogger(__name__)


PAGE_SIZE = 25


class DayMixin:
    """The day and the working-day calendar for this request (the only clock read)."""

    @property
    def today(self):
        if not hasattr(self, "_today"):
            self._today = timezone.localdate()
        return self._today

    @property
    def cal(self):
        if not hasattr(self, "_cal"):
            self._cal = calendar()
        return self._cal


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _iso(day) -> str:
    return day.isoformat() if day else ""


class ServiceFormView(DayMixin, TemplateView):
    """GET shows a form about one object; POST calls a service with the cleaned data.

    Subclasses set ``model`` (or ``get_queryset``), ``edit`` (fetch with ``edit=True``: 403
    for people who may only read), ``form_class`` and ``perform(form)``."""

    model = None
    edit = True
    form_class = None
    success_message = ""

    def get_queryset(self):
        return self.model.objects.all()

    def get_object(self):
        return get_object_for_user(self.get_queryset(), self.request.user, edit=self.edit,
                                   pk=self.kwargs["pk"])

    def check_allowed(self, obj):
        """Extra role rules beyond ``editable_by``; raise ``PermissionDenied``."""

    def form_kwargs(self):
        return {}

    def get_form(self, data=None, files=None):
        return self.form_class(data=data, files=files, **self.form_kwargs())

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.check_allowed(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", kwargs.get("form") or self.get_form())
        ctx["object"] = self.object
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as exc:
                forms.apply_service_errors(form, exc)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.get_success_url(result))
        return self.render_to_response(self.get_context_data(form=form))

    def perform(self, form):  # pragma: no cover - every subclass overrides it
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform(form)")

    def get_success_url(self, result):
        return self.object.get_absolute_url()


class CoordinatorOnly(RoleRequiredMixin):
    def allowed(self, user):
        return user.is_coordinator
