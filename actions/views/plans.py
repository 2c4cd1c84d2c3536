"""The co-ordinator's forms: new plan, edit plan, add a recommendation, add an action."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from actions import rules, services
from actions.forms import ActionForm, PlanForm, RecommendationForm
from actions.models import ActionPlan
from scsp.generic import ObjectServiceFormView, ServiceFormView
from scsp.permissions import Ability, RoleRequiredMixin

# --- plan forms ------------------------------------------------------------------------------


class PlanCreateView(RoleRequiredMixin, ServiceFormView):
    template_name = "actions/form.html"
    ability = Ability.MANAGE_PLANS
    form_class = PlanForm

    def get_initial(self):
        return {"owner": self.request.user}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

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
            reference=data["reference"] or None, agreed_on=data.get("agreed_on"),
            entered_after_event=bool(data.get("entered_after_event")),
            impact_review_months=data["impact_review_months"],
        )

    def get_success_message(self, plan):
        return _("Plan %(ref)s created. Now add its recommendations and actions.") % {
            "ref": plan.reference}


class PlanFormView(ObjectServiceFormView):
    """A co-ordinator's form about one plan, fetched with ``edit=True`` (404 outside scope,
    403 read-only); success goes to what the service made, or back to the plan."""

    template_name = "actions/form.html"
    model = ActionPlan

    @property
    def plan(self):
        return self.object

    def check_allowed(self, plan):
        if not rules.can_edit_plan(self.request.user, plan):
            raise PermissionDenied(_("Your role does not include this page."))

    def back(self):
        return {"back_url": self.plan.get_absolute_url(),
                "back_label": _("Back to plan %(ref)s") % {"ref": self.plan.reference}}


class PlanUpdateView(PlanFormView):
    form_class = PlanForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": False}

    def get_initial(self):
        p = self.plan
        return {"title": p.title, "origin_kind": p.origin_kind,
                "origin_reference": p.origin_reference, "owner": p.owner, "status": p.status,
                "impact_review_months": p.impact_review_months}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Edit plan %(ref)s") % {"ref": self.plan.reference}, **self.back(), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.plan_update(
            by=self.request.user, plan=self.plan, title=data["title"],
            origin_kind=data["origin_kind"], origin_reference=data["origin_reference"],
            owner=data["owner"], status=data["status"],
            impact_review_months=data["impact_review_months"],
        )

    def get_success_message(self, plan):
        return _("Plan %(ref)s saved.") % {"ref": plan.reference}


class RecommendationCreateView(PlanFormView):
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

    def get_success_message(self, rec):
        return _("Recommendation %(n)s added.") % {"n": rec.number}


class ActionCreateView(PlanFormView):
    form_class = ActionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan, "today": self.today,
                "user": self.request.user}

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
            today=self.today, recommendation=d["recommendation"], themes=d["themes"],
            entered_after_event=bool(d.get("entered_after_event")),
        )

    def get_success_message(self, action):
        return _("Action %(ref)s added.") % {"ref": action.reference}
