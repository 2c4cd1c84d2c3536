from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView

from scsp.dashboard import panels_for
from scsp.forms import AccessLogFilterForm, SignInForm, ThemeForm
from scsp.generic import ScopedListView
from scsp.models import AccessEvent, Agency, Reminder, Theme, User
from scsp.navigation import entries_for
from scsp.permissions import Ability, RoleRequiredMixin, get_object_for_user, may, scoped

log = logging.getLogger(__name__)


class HomeView(TemplateView):
    """What the signed-in person can do, by role."""

    template_name = "scsp/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["capabilities"] = entries_for(self.request.user)
        ctx["panels"] = panels_for(self.request)
        return ctx


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links are built from SITE_URL, never from the request's Host header."""

    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("scsp:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL}


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        log.exception("health check: database unreachable")
        return False


def redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001
        log.warning("health check: redis unreachable")
        return False


@login_not_required
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """200 when the database (and Redis, where configured) answer; 503 naming what failed.
    Needs no sign-in and reveals no versions or host names."""
    failures = []
    if not database_ok():
        failures.append("database")
    if settings.REDIS_URL and not redis_ok(settings.REDIS_URL):
        failures.append("redis")
    if failures:
        return HttpResponse(
            "unavailable: " + ", ".join(failures), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def accessibility_statement(request):
    return render(request, "scsp/accessibility.html")


class AgencyListView(ScopedListView):
    """Every agency in the partnership on one page (a few dozen)."""

    template_name = "scsp/agency_list.html"
    context_object_name = "agencies"
    paginate_by = None

    def get_queryset(self):
        return scoped(Agency, self.request.user).order_by("-active", "kind", "name")


class AgencyDetailView(DetailView):
    template_name = "scsp/agency_detail.html"
    context_object_name = "agency"

    def get_object(self, queryset=None):
        return get_object_for_user(Agency, self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["people"] = (
            scoped(User, self.request.user).filter(agency=self.object, is_active=True)
            .order_by("role", "full_name")
        )
        return ctx


class ThemeListView(ScopedListView):
    """Every learning theme on one page (a few dozen)."""

    template_name = "scsp/theme_list.html"
    context_object_name = "themes"
    paginate_by = None

    def get_queryset(self):
        return scoped(Theme, self.request.user).order_by("-active", "name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = may(self.request.user, Ability.MANAGE_DIRECTORY)
        return ctx


class ThemeCreateView(RoleRequiredMixin, CreateView):
    model = Theme
    form_class = ThemeForm
    template_name = "scsp/theme_form.html"
    success_url = reverse_lazy("scsp:theme_list")
    ability = Ability.MANAGE_DIRECTORY

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Theme “%s” added.") % self.object.name)
        return response


class ThemeUpdateView(UpdateView):
    form_class = ThemeForm
    template_name = "scsp/theme_form.html"
    success_url = reverse_lazy("scsp:theme_list")

    def get_object(self, queryset=None):
        return get_object_for_user(Theme, self.request.user, edit=True, pk=self.kwargs["pk"])

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Theme “%s” saved.") % self.object.name)
        return response


class AuditReaderMixin(RoleRequiredMixin):
    ability = Ability.READ_AUDIT_TRAIL


class AccessLogView(AuditReaderMixin, ScopedListView):
    """The access log, newest first, filtered and paginated."""

    template_name = "scsp/access_log.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        self.form = form = AccessLogFilterForm(self.request.GET or None)
        events = scoped(AccessEvent, self.request.user).select_related("user", "user__agency")
        if form.is_valid():
            data = form.cleaned_data
            if data["action"]:
                events = events.filter(action=data["action"])
            if data["object_type"]:
                events = events.filter(object_type__icontains=data["object_type"])
            if data["person"]:
                events = events.filter(
                    Q(user__full_name__icontains=data["person"])
                    | Q(user__email__icontains=data["person"])
                )
            if data["since"]:
                events = events.filter(at__date__gte=data["since"])
            if data["until"]:
                events = events.filter(at__date__lte=data["until"])
        return events

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


def history_models():
    """Every model whose changes django-simple-history records, by label."""
    found = {}
    for model in apps.get_models():
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager_name and not model._meta.label.startswith("scsp.Historical"):
            found[model._meta.label] = model
    return dict(sorted(found.items(), key=lambda kv: str(kv[1]._meta.verbose_name)))


class ChangeHistoryView(AuditReaderMixin, ScopedListView):
    """Before-and-after history of one kind of record, newest first.

    The previous version of every row on the page is fetched in one query per page, not one
    per row."""

    template_name = "scsp/change_history.html"
    paginate_by = 50

    def get_queryset(self):
        self.models = history_models()
        label = self.request.GET.get("record")
        if label not in self.models:
            label = next(iter(self.models))
        self.label, self.model = label, self.models[label]
        self.history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        return self.history.all().select_related("history_user").order_by("-history_date",
                                                                           "-history_id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        history = self.history
        rows = list(ctx["page_obj"].object_list)
        pk_name = self.model._meta.pk.attname
        object_ids = {getattr(r, pk_name) for r in rows}
        older = {}
        if rows:
            earlier = history.filter(
                **{f"{pk_name}__in": object_ids},
                history_id__lt=max(r.history_id for r in rows),
            ).order_by(pk_name, "history_id")
            for rec in earlier:
                older.setdefault(getattr(rec, pk_name), []).append(rec)
        entries = []
        for rec in rows:
            prev = None
            for candidate in older.get(getattr(rec, pk_name), []):
                if candidate.history_id < rec.history_id:
                    prev = candidate
            changes = []
            if prev is not None and rec.history_type == "~":
                delta = rec.diff_against(prev)
                changes = [(c.field, c.old, c.new) for c in delta.changes]
            entries.append({"record": rec, "changes": changes})
        ctx.update(
            models=[(lbl, str(m._meta.verbose_name).capitalize())
                    for lbl, m in self.models.items()],
            selected=self.label,
            entries=entries,
        )
        return ctx


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


class ReminderListView(ScopedListView):
    """The reminders sent to me; for the co-ordinator and scrutineer, the whole log."""

    template_name = "scsp/reminder_list.html"
    context_object_name = "reminders"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        self.whole_log = may(user, Ability.READ_ALL_REMINDERS)
        self.scope = self.request.GET.get("scope", "all" if self.whole_log else "mine")
        if not self.whole_log:
            self.scope = "mine"
        rows = scoped(Reminder, user).select_related("recipient", "recipient__agency")
        if self.scope == "mine":
            rows = rows.filter(recipient=user)
        self.status = self.request.GET.get("status", "")
        if self.status in Reminder.Status.values:
            rows = rows.filter(status=self.status)
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(whole_log=self.whole_log, scope=self.scope, status=self.status,
                   statuses=Reminder.Status.choices,
                   failures=scoped(Reminder, user).filter(status=Reminder.Status.FAILED).count()
                   if self.whole_log else 0)
        return ctx


class ReminderDetailView(DetailView):
    template_name = "scsp/reminder_detail.html"
    context_object_name = "reminder"

    def get_object(self, queryset=None):
        return get_object_for_user(Reminder.objects.select_related("recipient"),
                                   self.request.user, pk=self.kwargs["pk"])
