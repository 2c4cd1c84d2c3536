"""The access log and the change history, for the co-ordinator and the scrutineer."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q

from scsp.forms import AccessLogFilterForm
from scsp.generic import ScopedListView
from scsp.models import AccessEvent
from scsp.permissions import Ability, RoleRequiredMixin, scoped


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
