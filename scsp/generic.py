"""The view toolkit every app uses, so the same page is written the same way everywhere.

* :class:`ServiceFormView`: a form whose valid POST calls **one service**; a
  ``ValidationError`` from the service goes onto the form (:func:`apply_errors`), success is a
  message and a redirect. :class:`ObjectServiceFormView` is the same about one record fetched
  through ``get_object_for_user`` (404 outside scope, 403 when read-only).
* :class:`FilteredListView` (django-filter's ``FilterView``) and :class:`ScopedListView`
  (Django's ``ListView``), 25 rows a page through :class:`scsp.pagination.KeysFirstPaginator`;
  templates build sort, filter and page links with Django's ``{% querystring %}``
  (``includes/pagination.html``, ``includes/sort_th.html``).
* :class:`DayMixin`: the request's day and working-day calendar (the only clock read).
* A list with ``printable = True`` has a print view, ``?print=1`` with its filters: every
  filtered row on one page (up to :data:`PRINT_MAX`) in the print layout, the same scope and
  filterset as the list (``includes/print_bar.html``, "Print this list" in
  ``includes/print_link.html``).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView
from django_filters.views import FilterView

from scsp import form_messages
from scsp.audit import Kind, record_access
from scsp.kept_work import KeptWorkMixin
from scsp.pagination import KeysFirstPaginator
from scsp.permissions import get_object_for_user
from scsp.workdays import calendar

PAGE_SIZE = 25
#: The most rows a print view shows; past it, the page says how many were left out.
PRINT_MAX = 500


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on ``form``: on the field it names when the form
    has that field, otherwise at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def flash_errors(request, exc: ValidationError) -> None:
    """A service's refusal of a button (no form to put it on) as error messages."""
    for message in exc.messages:
        messages.error(request, message)


class DayMixin:
    """The day and the working-day calendar of this request, read once."""

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


class ServiceFormView(KeptWorkMixin, DayMixin, FormView):
    """GET shows the form; a valid POST calls :meth:`perform` (one service). A
    ``ValidationError`` goes onto the form, which comes back with everything typed and every
    file attached (held: :mod:`scsp.kept_work`); success shows ``success_message`` and
    redirects to :meth:`get_success_url`. A form sent after the session ended comes back
    filled in when the same person signs in again."""

    success_message = ""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form_messages.apply(form)
        return form

    def perform(self, form):  # pragma: no cover - every subclass overrides it
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform(form)")

    def get_success_message(self, result) -> str:
        return self.success_message

    def get_success_url(self, result=None):  # noqa: D102 - FormView calls it without result
        if result is not None and hasattr(result, "get_absolute_url"):
            return result.get_absolute_url()
        return super().get_success_url()

    def form_valid(self, form):
        if self.held_files_refused():
            return self.form_invalid(form)
        try:
            result = self.perform(form)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        self.held_files_used()
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(result))


class ObjectServiceFormView(ServiceFormView):
    """A :class:`ServiceFormView` about one record: ``model`` (or :meth:`get_queryset`) and
    ``edit`` (fetch with ``edit=True``: 403 for people who may only read it). The record is
    ``self.object``, fetched before anything else; :meth:`check_allowed` adds role rules
    beyond ``editable_by``. Success goes back to the record's page."""

    model = None
    edit = True

    def get_queryset(self):
        return self.model._default_manager.all()

    def get_object(self):
        return get_object_for_user(self.get_queryset(), self.request.user, edit=self.edit,
                                   pk=self.kwargs["pk"])

    def check_allowed(self, obj) -> None:
        """Extra role rules beyond ``editable_by``; raise ``PermissionDenied``."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
            self.check_allowed(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("object", self.object)
        return super().get_context_data(**kwargs)

    def get_success_url(self, result=None):
        if result is not None and hasattr(result, "get_absolute_url"):
            return result.get_absolute_url()
        return self.object.get_absolute_url()


class KeysFirstPaginationMixin:
    """25 rows a page through :class:`KeysFirstPaginator`; :meth:`fetch_rows` may load one
    page's rows with their joins by primary key. A page number past the end shows the last
    page, as people expect from a link they kept, rather than a 404."""

    paginate_by = PAGE_SIZE
    paginator_class = KeysFirstPaginator
    #: ``?print=1`` shows the whole list (up to PRINT_MAX rows) in the print layout.
    printable = False
    print_max = PRINT_MAX

    @property
    def printing(self) -> bool:
        return self.printable and self.request.GET.get("print") == "1"

    def fetch_rows(self, keys):
        """The rows for one page's keys (any order). By default the list's own queryset
        narrowed to them."""
        return None

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True,
                      **kwargs):
        overridden = type(self).fetch_rows is not KeysFirstPaginationMixin.fetch_rows
        return self.paginator_class(queryset, per_page, orphans=orphans,
                                    allow_empty_first_page=allow_empty_first_page,
                                    fetch=self.fetch_rows if overridden else None, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        if self.printing:  # every row from the first, as one page
            paginator = self.get_paginator(queryset, self.print_max)
            page = paginator.get_page(1)
            return paginator, page, page.object_list, False
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("today", self.today)
        kwargs.setdefault("printable", self.printable)
        kwargs.setdefault("printing", self.printing)
        if self.printing:
            kwargs.setdefault("print_max", self.print_max)
        ctx = super().get_context_data(**kwargs)
        if self.printing:
            # A whole list on paper is an export: the access log says who printed what.
            count = ctx["paginator"].count if ctx.get("paginator") else 0
            record_access(user=self.request.user, kind=Kind.EXPORT,
                          object_type=self.object_list.model._meta.label,
                          label=f"{count} rows (print view)",
                          detail=self.print_detail(), request=self.request)
        return ctx

    def print_detail(self) -> str:
        """What the printed list holds, in words, for the access log."""
        return str(_("no filter"))


class ScopedListView(KeysFirstPaginationMixin, DayMixin, ListView):
    """A paginated list without filters; ``get_queryset`` must start from
    ``visible_to(user)``."""


class FilteredListView(KeysFirstPaginationMixin, DayMixin, FilterView):
    """A filtered, paginated list of what the person may see: ``filterset_class`` and
    ``get_queryset`` (which must start from ``visible_to(user)``). An invalid filter shows the
    form's errors and no rows."""

    #: Attributes of the view passed to the filterset (e.g. ``today``, ``cal``).
    filterset_extra: tuple[str, ...] = ()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.update({name: getattr(self, name) for name in self.filterset_extra})
        return kwargs

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        form_messages.apply(filterset.form)
        return filterset

    @property
    def filter_is_valid(self) -> bool:
        return not self.filterset.is_bound or self.filterset.is_valid()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        ctx["filtered"] = any(value for key, value in self.request.GET.items()
                              if key not in ("page", "sort", "export", "print"))
        if self.printing:
            ctx["filter_summary"] = filter_summary(self.filterset)
        return ctx

    def print_detail(self) -> str:
        return export_detail(self.filterset)


def export_detail(filterset) -> str:
    """The filters of an exported list, in words, for the access log ("Status: Open; ...")."""
    return "; ".join(f"{label}: {value}" for label, value in filter_summary(filterset)) or str(
        _("no filter"))


def filter_summary(filterset) -> list[tuple[str, str]]:
    """The filters in force as (label, value) pairs, for a printed list to say what it is."""
    form = filterset.form
    if not filterset.is_bound or not form.is_valid():
        return []
    summary = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in ("sort", "page") or value in (None, "", [], False) or field.widget.is_hidden:
            continue
        if hasattr(value, "_meta") or hasattr(value, "model"):  # records: their names
            shown = str(value) if hasattr(value, "_meta") else ", ".join(map(str, value))
        elif value is True:
            shown = str(_("Yes"))
        elif isinstance(value, date):
            shown = date_format(value, "j F Y")
        else:
            labels = {str(k): v for k, v in getattr(field, "choices", ()) or ()}
            values = value if isinstance(value, list | tuple) else [value]
            shown = ", ".join(str(labels.get(str(v), v)) for v in values)
        summary.append((str(field.label or name), shown))
    return summary
