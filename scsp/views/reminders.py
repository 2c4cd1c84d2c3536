"""The reminders sent: to me, or (co-ordinator, scrutineer) the whole log."""

from __future__ import annotations

from django.views.generic import DetailView

from scsp.generic import ScopedListView
from scsp.models import Reminder
from scsp.permissions import Ability, get_object_for_user, may, scoped


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
