"""The partnership directory: agencies and learning themes."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, UpdateView

from scsp.form_messages import FieldMessagesMixin
from scsp.forms import ThemeForm
from scsp.generic import ScopedListView
from scsp.models import Agency, Theme, User
from scsp.permissions import Ability, RoleRequiredMixin, get_object_for_user, may, scoped


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


class ThemeCreateView(RoleRequiredMixin, FieldMessagesMixin, CreateView):
    model = Theme
    form_class = ThemeForm
    template_name = "scsp/theme_form.html"
    success_url = reverse_lazy("scsp:theme_list")
    ability = Ability.MANAGE_DIRECTORY

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Theme “%s” added.") % self.object.name)
        return response


class ThemeUpdateView(FieldMessagesMixin, UpdateView):
    form_class = ThemeForm
    template_name = "scsp/theme_form.html"
    success_url = reverse_lazy("scsp:theme_list")

    def get_object(self, queryset=None):
        return get_object_for_user(Theme, self.request.user, edit=True, pk=self.kwargs["pk"])

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Theme “%s” saved.") % self.object.name)
        return response
