"""Pages for action plans and actions. Thin: fetch in scope, call one service, show the result.

* Objects come from ``get_object_for_user`` (404 outside scope, 403 read-only); lists start
  from ``visible_to`` through the selectors.
* Forms that change an action carry its ``version``; a refused save (``EditConflict``) comes
  back as a form error showing what changed meanwhile.
* Only these views read the clock (``timezone.localdate()``)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from actions import exports, ics, rules, selectors, services
from actions.filters import SORTS, ActionFilter
from actions.forms import (
    ActionForm,
    CalendarResetForm,
    CloseForm,
    DateChangeDecisionForm,
    DateChangeRequestForm,
    ImpactForm,
    PlanForm,
    ProgressForm,
    RecommendationForm,
    ReturnForm,
    SignOffForm,
)
from actions.models import Action, ActionPlan, ActionStatus, Evidence, TargetDateChange
from actions.uploads import SizeLimitUploadHandler
from scsp.audit import record_access
from scsp.models import User
from scsp.permissions import RoleRequiredMixin, get_object_for_user

log = logging.getLogger(__name__)
PAGE_SIZE = 25


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: on a field when it names one of the
    form's fields, otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _raw(value):
    value = getattr(value, "pk", value)
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", None) else value


def merge_newer_values(form, changes) -> None:
    """After a refused save, bring the other person's changes into the form wherever this
    person left the field as they found it, so a second submit cannot quietly undo them;
    where both changed a field, keep this person's value and say so. The hidden version moves
    to the current one, so the second submit is a deliberate choice."""
    data = form.data.copy()
    cleaned = getattr(form, "cleaned_data", {})
    for change in changes.fields:
        field = form.fields.get(change.name)
        if field is None or change.name not in cleaned:
            continue
        if _raw(cleaned[change.name]) == _raw(change.after_raw):
            change.outcome = "same"
        elif _raw(cleaned[change.name]) == _raw(change.before_raw):
            if isinstance(field.widget, forms.CheckboxInput):
                if change.after_raw:
                    data[change.name] = "on"
                else:
                    data.pop(change.name, None)
            else:
                data[change.name] = "" if change.after_raw is None else str(change.after_raw)
            change.outcome = "updated"
        else:
            change.outcome = "yours"
    if "version" in form.fields:
        data["version"] = str(changes.current_version)
    form.data = data


def default_list_url(user) -> str:
    """An officer starts at "My actions", an agency lead at "My agency's actions", the
    business unit at "All actions"."""
    if user.sees_everything:
        return reverse("actions:all_actions")
    if user.is_agency_lead:
        return reverse("actions:agency_actions")
    return reverse("actions:my_actions")


def actions_home(request):
    return redirect(default_list_url(request.user))


# --- lists -----------------------------------------------------------------------------------


class ActionListView(TemplateView):
    """One list, three scopes: "My actions", "My agency's actions", "All actions". Filters,
    sorting, 25 a page, and CSV / Excel downloads of exactly the filtered list."""

    template_name = "actions/action_list.html"
    scope = "all"

    TITLES = {"mine": _("My actions"), "agency": _("My agency's actions"),
              "all": _("All actions")}

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if self.scope == "all" and not user.sees_everything:
                raise PermissionDenied(_("“All actions” is for the business unit, chair and "
                                         "scrutineer."))
            if self.scope == "agency" and not (user.is_agency_lead or user.is_agency_officer):
                raise PermissionDenied(_("“My agency's actions” is for agency staff."))
        return super().dispatch(request, *args, **kwargs)

    def title(self) -> str:
        if self.scope == "agency":
            return _("My agency's actions (%(agency)s)") % {
                "agency": self.request.user.agency.short_name}
        return str(self.TITLES[self.scope])

    def get_filterset(self, today):
        base = selectors.actions_for(self.request.user, scope=self.scope, today=today)
        return ActionFilter(self.request.GET or None, base, request=self.request, today=today)

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        filterset = self.get_filterset(today)
        valid = not filterset.is_bound or filterset.form.is_valid()
        qs = filterset.qs if valid else filterset.queryset.none()
        export = request.GET.get("export")
        if export in ("csv", "xlsx") and valid:
            return self.export(qs, export, today)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        ctx = self.get_context_data(
            filterset=filterset, form=filterset.form, page_obj=page, actions=page.object_list,
            query=query.urlencode(), today=today, heading=self.title(), scope=self.scope,
            sort_links=self.sort_links(query, filterset.sort_key() if valid else ""),
            filtered=any(v for k, v in query.items() if k not in ("sort",)),
            export_csv=self.export_url(query, "csv"), export_xlsx=self.export_url(query, "xlsx"),
            can_manage=rules.can_manage_plans(request.user),
        )
        return self.render_to_response(ctx)

    def export_url(self, query, fmt):
        q = query.copy()
        q["export"] = fmt
        return f"?{q.urlencode()}"

    def sort_links(self, query, current: str) -> dict:
        """For each sortable column: the link that sorts by it (toggling the direction when
        it is already the sort) and its ``aria-sort`` value."""
        links = {}
        for key in SORTS:
            q = query.copy()
            if current == key:
                q["sort"], state = f"-{key}", "ascending"
            elif current == f"-{key}":
                q["sort"], state = key, "descending"
            else:
                q["sort"], state = key, ""
            links[key] = {"url": f"?{q.urlencode()}", "aria_sort": state}
        return links

    def export(self, qs, fmt, today):
        user = self.request.user
        qs = selectors.for_export(qs)
        count = qs.count()
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        filename = f"scsp-{self.scope}-actions-{stamp}"
        record_access(user=user, action="export", object_type="actions.Action",
                      label=f"{count} actions ({self.scope}, {fmt})", request=self.request)
        if fmt == "csv":
            return exports.csv_response(qs, filename)
        return exports.xlsx_response(qs, filename, title=self.title())


class MyActionsView(ActionListView):
    scope = "mine"


class AgencyActionsView(ActionListView):
    scope = "agency"


class AllActionsView(ActionListView):
    scope = "all"


class PlanListView(TemplateView):
    template_name = "actions/plan_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        plans = selectors.plan_list_for(self.request.user, today=today)
        page = Paginator(plans, PAGE_SIZE).get_page(self.request.GET.get("page"))
        counts = selectors.rag_counts([p.pk for p in page.object_list], today=today)
        for plan in page.object_list:
            mine = counts.get(plan.pk, {})
            plan.rags = [(rag, mine[rag]) for rag in selectors.RAG_ORDER if mine.get(rag)]
        ctx.update(page_obj=page, plans=page.object_list, query="",
                   can_manage=rules.can_manage_plans(self.request.user))
        return ctx


class PlanDetailView(TemplateView):
    template_name = "actions/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        plan = get_object_for_user(ActionPlan.objects.select_related("owner", "owner__agency"),
                                   user, pk=self.kwargs["pk"])
        record_access(user=user, action="view", obj=plan, request=self.request)
        today = timezone.localdate()
        ctx.update(plan=plan, today=today, **selectors.plan_detail(plan, today=today),
                   can_manage=rules.can_edit_plan(user, plan))
        return ctx


class DecisionsView(RoleRequiredMixin, TemplateView):
    """What waits for the co-ordinator: sign-offs and target-date requests."""

    template_name = "actions/decisions.html"

    def allowed(self, user):
        return user.is_coordinator

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.decisions_for(self.request.user, today=timezone.localdate()))
        return ctx


# --- plan forms ------------------------------------------------------------------------------


class CoordinatorFormView(RoleRequiredMixin, FormView):
    template_name = "actions/form.html"

    def allowed(self, user):
        return rules.can_manage_plans(user)

    def form_valid(self, form):
        try:
            obj = self.perform(form)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(obj))
        return redirect(self.success_url_for(obj))

    def success_url_for(self, obj):
        return obj.get_absolute_url()


class PlanCreateView(CoordinatorFormView):
    form_class = PlanForm

    def get_initial(self):
        return {"owner": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("New action plan"),
            intro=_("Plans from reviews and audits are made from those records; use this for "
                    "plans from inspections, scrutiny challenges, pledges to young people and "
                    "the like."),
            back_url=reverse("actions:plan_list"), back_label=_("Back to action plans"),
            **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.plan_create(
            by=self.request.user, title=data["title"], origin_kind=data["origin_kind"],
            origin_reference=data["origin_reference"], owner=data["owner"],
            reference=data["reference"] or None,
        )

    def success_message(self, plan):
        return _("Plan %(ref)s created. Now add its recommendations and actions.") % {
            "ref": plan.reference}


class PlanObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.plan = get_object_for_user(ActionPlan, request.user, edit=True,
                                            pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return {"back_url": self.plan.get_absolute_url(),
                "back_label": _("Back to plan %(ref)s") % {"ref": self.plan.reference}}


class PlanUpdateView(PlanObjectMixin, CoordinatorFormView):
    form_class = PlanForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": False}

    def get_initial(self):
        p = self.plan
        return {"title": p.title, "origin_kind": p.origin_kind,
                "origin_reference": p.origin_reference, "owner": p.owner, "status": p.status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Edit plan %(ref)s") % {"ref": self.plan.reference}, **self.back(), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.plan_update(
            by=self.request.user, plan=self.plan, title=data["title"],
            origin_kind=data["origin_kind"], origin_reference=data["origin_reference"],
            owner=data["owner"], status=data["status"],
        )

    def success_message(self, plan):
        return _("Plan %(ref)s saved.") % {"ref": plan.reference}


class RecommendationCreateView(PlanObjectMixin, CoordinatorFormView):
    form_class = RecommendationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Add a recommendation to %(ref)s") % {"ref": self.plan.reference},
            **self.back(), **kwargs)

    def perform(self, form):
        return services.recommendation_add(
            by=self.request.user, plan=self.plan, text=form.cleaned_data["text"],
            themes=form.cleaned_data["themes"],
        )

    def success_message(self, rec):
        return _("Recommendation %(n)s added.") % {"n": rec.number}

    def success_url_for(self, rec):
        return self.plan.get_absolute_url()


class ActionCreateView(PlanObjectMixin, CoordinatorFormView):
    form_class = ActionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan, "today": timezone.localdate()}

    def get_initial(self):
        rec = self.request.GET.get("recommendation")
        return {"recommendation": rec} if rec and rec.isdigit() else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Add an action to %(ref)s") % {"ref": self.plan.reference},
            intro=_("A SMART action: specific, measurable, with an accountable lead, relevant "
                    "to a recommendation or theme, and time-bound."),
            **self.back(), **kwargs)

    def perform(self, form):
        d = form.cleaned_data
        return services.action_create(
            by=self.request.user, plan=self.plan, title=d["title"],
            description=d["description"],
            success_measure=d["success_measure"], lead_agency=d["lead_agency"],
            lead_officer=d["lead_officer"], target_date=d["target_date"],
            today=timezone.localdate(), recommendation=d["recommendation"], themes=d["themes"],
        )

    def success_message(self, action):
        return _("Action %(ref)s added.") % {"ref": action.reference}


# --- one action ------------------------------------------------------------------------------

ACTION_RELATED = ("plan", "lead_agency", "lead_officer", "recommendation", "signed_off_by",
                  "created_by")


def action_permissions(user, action) -> dict:
    """What the person may do on this action now: the page shows exactly these controls."""
    return {
        "progress": rules.can_add_progress(user, action),
        "date_change": rules.can_request_date_change(user, action),
        "impact": rules.can_record_impact(user, action),
        "edit": rules.can_edit_details(user, action),
        "sign_off": rules.can_sign_off(user, action)
        and action.status == ActionStatus.AWAITING_SIGN_OFF,
        "close": rules.can_close(user, action) and action.is_open,
        "decide": rules.can_decide(user),
        "own": rules.is_own_action(user, action),
    }


class ActionDetailView(TemplateView):
    template_name = "actions/action_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        action = get_object_for_user(
            Action.objects.select_related(*ACTION_RELATED, "lead_officer__agency")
            .prefetch_related("themes"),
            user, pk=self.kwargs["pk"])
        record_access(user=user, action="view", obj=action, request=self.request)
        today = timezone.localdate()
        ctx.update(action=action, today=today, can=action_permissions(user, action),
                   **selectors.action_detail(action, today=today))
        return ctx


class ActionStepView(FormView):
    """One step on one action through one service (progress, impact, dates, decisions).

    ``edit = True`` fetches the action with ``edit=True`` (403 when read-only); ``allowed``
    narrows it by role; ``possible`` says whether the action's state allows the step now
    (otherwise the person is sent back to the action page with the reason)."""

    template_name = "actions/form.html"
    success_text = ""
    not_possible_text = ""

    def allowed(self, user, action) -> bool:
        return rules.may_update(user, action)

    def possible(self, action) -> bool:
        return True

    def get_action(self):
        return get_object_for_user(
            Action.objects.select_related(*ACTION_RELATED).prefetch_related("themes"),
            self.request.user, edit=True, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.action = self.get_action()
        if not self.allowed(request.user, self.action):
            raise PermissionDenied(_("Your role does not include this step."))
        if not self.possible(self.action):
            messages.info(request, self.not_possible_text)
            return redirect(self.action)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action=self.action, title=self.get_title(), today=timezone.localdate(),
            back_url=self.action.get_absolute_url(),
            back_label=_("Back to action %(ref)s") % {"ref": self.action.reference}, **kwargs)

    def form_valid(self, form):
        try:
            self.perform(form, form.cleaned_data)
        except services.EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_text)
        return redirect(self.action)

    def conflict(self, form, conflict):
        """Refuse the save: show what changed meanwhile and let the person resubmit against
        the current version, keeping what they typed. Answered as a form error (200), like
        any other refusal on a form: browsers report a 409 page as a failed resource load."""
        self.action = conflict.action
        merge_newer_values(form, conflict.changes)
        form.add_error(None, conflict.message)
        ctx = self.get_context_data(form=form, conflict=conflict.changes)
        return self.render_to_response(ctx)


@method_decorator(csrf_exempt, name="dispatch")
class EvidenceUploadMixin:
    """Caps each uploaded file at ``EVIDENCE_MAX_BYTES`` while it streams in, so an oversized
    file is dropped instead of written to disk in full. The upload handler must be installed
    before anything reads ``request.POST``, which is why the CSRF check moves from the
    middleware to ``csrf_protect`` here: it still runs on every request."""

    def dispatch(self, request, *args, **kwargs):
        handler = SizeLimitUploadHandler(request, limit=settings.EVIDENCE_MAX_BYTES)
        request.upload_handlers.insert(0, handler)
        self.upload_limit = handler
        protected = csrf_protect(super().dispatch)
        return protected(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        valid = form.is_valid()
        for name, size in self.upload_limit.too_big:
            form.add_error("files", SizeLimitUploadHandler.message(name, size))
        if valid and not self.upload_limit.too_big:
            return self.form_valid(form)
        return self.form_invalid(form)


class ActionProgressView(EvidenceUploadMixin, ActionStepView):
    form_class = ProgressForm
    success_text = _("Your update has been added.")
    not_possible_text = _("This action is finished, so it takes no more progress updates.")

    def possible(self, action):
        return rules.can_add_progress(self.request.user, action)

    def get_title(self):
        return _("Add a progress update to %(ref)s") % {"ref": self.action.reference}

    def perform(self, form, d):
        services.action_record_progress(
            by=self.request.user, action=self.action, version=d["version"], note=d["note"],
            status=d["status"], at_risk=d["at_risk"], blocked=d["blocked"],
            completion_evidence=d["completion_evidence"], files=d["files"],
            today=timezone.localdate(),
        )
        if d["status"] == ActionStatus.AWAITING_SIGN_OFF:
            self.success_text = _("Your update has been added and the action is marked "
                                  "complete. The co-ordinator will review the evidence.")


class ActionImpactView(EvidenceUploadMixin, ActionStepView):
    form_class = ImpactForm
    success_text = _("The evidence of impact has been saved.")
    not_possible_text = _("Impact can be evidenced once the action is complete.")

    def possible(self, action):
        return rules.can_record_impact(self.request.user, action)

    def get_title(self):
        return _("Evidence of impact for %(ref)s") % {"ref": self.action.reference}

    def perform(self, form, d):
        services.action_record_impact(
            by=self.request.user, action=self.action, version=d["version"],
            impact_evidence=d["impact_evidence"], files=d["files"],
        )


class ActionEditView(ActionStepView):
    form_class = ActionForm
    success_text = _("The action has been saved.")
    not_possible_text = _("This action is finished; its details can no longer change.")

    def allowed(self, user, action):
        return rules.can_manage_plans(user)

    def possible(self, action):
        return rules.can_edit_details(self.request.user, action)

    def get_title(self):
        return _("Edit action %(ref)s") % {"ref": self.action.reference}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("action")
        return {**kwargs, "plan": self.action.plan, "creating": False}

    def get_initial(self):
        a = self.action
        return {"recommendation": a.recommendation, "title": a.title,
                "description": a.description,
                "success_measure": a.success_measure, "lead_agency": a.lead_agency,
                "lead_officer": a.lead_officer, "themes": list(a.themes.all()),
                "version": a.version}

    def perform(self, form, d):
        services.action_update(
            by=self.request.user, action=self.action, version=d["version"],
            title=d["title"], description=d["description"],
            success_measure=d["success_measure"],
            lead_agency=d["lead_agency"], lead_officer=d["lead_officer"],
            recommendation=d["recommendation"], themes=d["themes"],
        )


class DateChangeRequestView(ActionStepView):
    form_class = DateChangeRequestForm
    success_text = _("Your request has been sent to the co-ordinator.")
    not_possible_text = _("This action is finished, or a request for a new date is already "
                          "waiting for the co-ordinator.")

    def possible(self, action):
        return rules.can_request_date_change(self.request.user, action) and not (
            action.date_changes.filter(decision=TargetDateChange.Decision.PENDING).exists())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("action")
        return kwargs

    def get_title(self):
        return _("Ask for a new target date for %(ref)s") % {"ref": self.action.reference}

    def perform(self, form, d):
        services.action_request_date_change(
            by=self.request.user, action=self.action, new_date=d["new_date"],
            reason=d["reason"], today=timezone.localdate(),
        )


class DateChangeDecideView(ActionStepView):
    form_class = DateChangeDecisionForm
    success_text = _("Your decision has been recorded.")
    not_possible_text = _("That request has already been decided.")

    def get_action(self):
        change = get_object_for_user(
            TargetDateChange.objects.select_related("requested_by"), self.request.user,
            pk=self.kwargs["pk"])
        self.change = change
        return get_object_for_user(
            Action.objects.select_related(*ACTION_RELATED), self.request.user, edit=True,
            pk=change.action_id)

    def allowed(self, user, action):
        return rules.can_decide(user)

    def possible(self, action):
        return self.change.decision == TargetDateChange.Decision.PENDING

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("action")
        return kwargs

    def get_title(self):
        return _("Decide the new target date for %(ref)s") % {"ref": self.action.reference}

    def get_context_data(self, **kwargs):
        slip = (self.change.new_date - self.action.original_target_date).days
        return super().get_context_data(change=self.change, slip_if_agreed=max(slip, 0),
                                        **kwargs)

    def perform(self, form, d):
        services.action_decide_date_change(
            by=self.request.user, change=self.change,
            agree=d["decision"] == TargetDateChange.Decision.AGREED,
            note=d["decision_note"], today=timezone.localdate(),
        )


class CompletedActionStepView(ActionStepView):
    """Sign-off and return: the co-ordinator's decisions on a completed action, made on its
    evidence (shown on the page), never on an action they lead."""

    not_possible_text = _("Only an action marked complete can be signed off or returned.")

    def allowed(self, user, action):
        return rules.can_sign_off(user, action)

    def possible(self, action):
        return action.status == ActionStatus.AWAITING_SIGN_OFF

    def get_context_data(self, **kwargs):
        evidence = list(self.action.evidence.select_related("uploaded_by"))
        return super().get_context_data(evidence=evidence, show_evidence=True, **kwargs)


class ActionSignOffView(CompletedActionStepView):
    form_class = SignOffForm

    def get_title(self):
        return _("Sign off %(ref)s") % {"ref": self.action.reference}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            other_step=(reverse("actions:action_return", args=[self.action.pk]),
                        _("Not enough evidence? Return it for more")), **kwargs)

    def perform(self, form, d):
        services.action_sign_off(by=self.request.user, action=self.action,
                                 version=d["version"], note=d["note"])
        self.success_text = _("Action %(ref)s is signed off.") % {"ref": self.action.reference}


class ActionReturnView(CompletedActionStepView):
    form_class = ReturnForm

    def get_title(self):
        return _("Return %(ref)s for more evidence") % {"ref": self.action.reference}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            other_step=(reverse("actions:action_sign_off", args=[self.action.pk]),
                        _("The evidence is enough? Sign it off")), **kwargs)

    def perform(self, form, d):
        services.action_return(by=self.request.user, action=self.action,
                               version=d["version"], reason=d["reason"])
        self.success_text = _("Action %(ref)s has been returned for more evidence.") % {
            "ref": self.action.reference}


class ActionCloseView(ActionStepView):
    form_class = CloseForm
    success_text = _("The action is closed without completion.")
    not_possible_text = _("This action is already finished.")

    def allowed(self, user, action):
        return rules.can_close(user, action)

    def possible(self, action):
        return action.is_open

    def get_title(self):
        return _("Close %(ref)s without completion") % {"ref": self.action.reference}

    def perform(self, form, d):
        services.action_close(by=self.request.user, action=self.action, version=d["version"],
                              reason=d["reason"])


# --- evidence --------------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name per RFC 6266 / RFC 5987."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class EvidenceDownloadView(View):
    """Evidence leaves only through here: in scope, as an attachment, never rendered by the
    browser, and logged."""

    def get(self, request, pk):
        evidence = get_object_for_user(Evidence.objects.select_related("action"), request.user,
                                       pk=pk)
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError):
            log.error("evidence file missing: evidence=%s", evidence.pk)
            raise Http404(_("The file is missing.")) from None
        record_access(user=request.user, action="download", obj=evidence,
                      label=f"{evidence.action.reference}: evidence {evidence.pk}",
                      request=request)
        response = FileResponse(handle, content_type=evidence.content_type)
        response["Content-Disposition"] = content_disposition(evidence.original_name)
        response["Content-Length"] = str(evidence.size)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "no-store, private"
        return response


# --- calendar feed ---------------------------------------------------------------------------


class CalendarView(FormView):
    """Show the person's secret feed address, and let them replace it (revoking the old)."""

    template_name = "actions/calendar.html"
    form_class = CalendarResetForm

    def get_context_data(self, **kwargs):
        user = self.request.user
        url = settings.SITE_URL + reverse("actions:calendar_feed",
                                          args=[user.calendar_token])
        upcoming = list(selectors.calendar_actions_for(user)[:5])
        return super().get_context_data(feed_url=url, upcoming=upcoming,
                                        today=timezone.localdate(), **kwargs)

    def form_valid(self, form):
        services.calendar_token_regenerate(user=self.request.user)
        messages.success(self.request, _("Your calendar address has been replaced. The old "
                                         "address no longer works: subscribe again with the "
                                         "new one."))
        return redirect("actions:calendar")


@login_not_required
@never_cache
def calendar_feed(request, token):
    """The ICS feed, found by its secret token alone (calendar apps cannot sign in)."""
    user = (User.objects.filter(calendar_token=token, is_active=True).first()
            if len(token) >= 32 else None)
    if user is None:
        raise Http404("No such calendar.")
    now = timezone.now()
    today = timezone.localdate(now)
    body = ics.build_feed(user, selectors.calendar_actions_for(user), today=today, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="scsp-actions.ics"'
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response
