"""Case pages: the list and its CSV, logging a notification, referring a case, the case
summary, editing, children and the subgroup's decision."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from reviews import clocks, forms, selectors, services
from reviews.filters import CaseFilter
from reviews.models import (
    Case,
    Route,
)
from reviews.views._base import (
    PAGE_SIZE,
    DayMixin,
    ServiceFormView,
    _iso,
    _query_without_page,
)
from scsp.audit import record_access
from scsp.permissions import get_object_for_user
from scsp.spreadsheets import csv_cell


class CaseListView(DayMixin, TemplateView):
    """Notifications and referrals the person may see, filtered, with their clocks."""

    template_name = "reviews/case_list.html"

    def filterset(self):
        return CaseFilter(self.request.GET or None, queryset=selectors.case_list_for(
            self.request.user), request=self.request, today=self.today, cal=self.cal)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = self.filterset()
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        ctx.update(
            filter=filterset, page_obj=page, query=_query_without_page(self.request),
            rows=selectors.case_rows(page.object_list, cal=self.cal, today=self.today),
            today=self.today, can_log=self.request.user.is_coordinator,
            can_refer=services.can_refer(self.request.user),
            anchor_label=clocks.rapid_review_anchor_setting().label,
        )
        return ctx


class CaseExportView(CaseListView):
    """The filtered list as CSV: the same scope and filters as the page."""

    def get(self, request, *args, **kwargs):
        filterset = self.filterset()
        cases = list(filterset.qs)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"cases-{self.today.isoformat()}.csv")
        writer = csv.writer(response)
        writer.writerow([
            _("Reference"), _("Route"), _("Status"), _("Children"), _("Incident date"),
            _("Became aware"), _("Notification submitted"), _("Notification due"),
            _("Notification clock"), _("Referral received"), _("Rapid Review due"),
            _("Rapid Review day"), _("Rapid Review clock"), _("Panel meeting"),
            _("Decision"), _("Agencies involved"), _("Learning themes"),
        ])
        for row in selectors.case_rows(cases, cal=self.cal, today=self.today):
            case, note, rr = row.case, row.notification, row.rr_clock
            writer.writerow([csv_cell(v) for v in [
                case.reference, case.get_route_display(), case.get_status_display(),
                case.pseudonyms(), _iso(case.incident_date), _iso(case.became_aware_on),
                _iso(case.notification_submitted_on), _iso(note["due"]) if note else "",
                note["status_label"] if note else "", _iso(case.referral_received_on),
                _iso(rr["due"]) if rr else "", rr["day"] if rr else "",
                rr["status_label"] if rr else "",
                _iso(row.rapid_review.meeting_date) if row.rapid_review else "",
                row.decision,
                "; ".join(a.short_name for a in case.agencies_involved.all()),
                "; ".join(t.name for t in case.themes.all()),
            ]])
        record_access(user=request.user, action="export", object_type="reviews.Case",
                      label=_("%(n)d cases") % {"n": len(cases)}, request=request)
        return response


class CaseCreateView(DayMixin, TemplateView):
    """Log a notification (co-ordinator) or refer a case (agency lead, or the co-ordinator
    logging a partner's referral). One form for the case, one row per child."""

    template_name = "reviews/case_form.html"
    route = Route.NOTIFICATION

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        notification = self.route == Route.NOTIFICATION
        if not (user.is_coordinator if notification else services.can_refer(user)):
            raise PermissionDenied(_("Your role does not include this page."))
        return super().dispatch(request, *args, **kwargs)

    @property
    def mode(self):
        if self.route == Route.NOTIFICATION:
            return "notification"
        return "referral_bu" if self.request.user.is_coordinator else "referral"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            ctx["form"] = forms.CaseForm(mode=self.mode, initial={
                "referral_received_on": self.today})
            ctx["children"] = forms.child_formset()
        ctx["mode"] = self.mode
        ctx["heading"] = {
            "notification": _("Log a serious incident notification"),
            "referral": _("Refer a case to the SLPR subgroup"),
            "referral_bu": _("Log a partner's referral"),
        }[self.mode]
        return ctx

    def post(self, request, *args, **kwargs):
        form = forms.CaseForm(request.POST, mode=self.mode)
        children = forms.child_formset(data=request.POST)
        if form.is_valid() and children.is_valid():
            kwargs = form.service_kwargs()
            # A partner's referral is received the day it is sent.
            kwargs.setdefault("referral_received_on", self.today)
            try:
                case = services.case_create(
                    by=request.user, route=self.route, today=self.today, cal=self.cal,
                    children=children.rows(), **kwargs,
                )
            except ValidationError as exc:
                forms.apply_service_errors(form, exc)
            else:
                if self.mode == "referral":
                    messages.success(request, _("Referral %(ref)s sent to the business unit.")
                                     % {"ref": case.reference})
                else:
                    messages.success(request, _("%(ref)s logged.") % {"ref": case.reference})
                return redirect(case)
        return self.render_to_response(
            self.get_context_data(form=form, children=children))


class ReferralCreateView(CaseCreateView):
    route = Route.REFERRAL


class CaseDetailView(DayMixin, TemplateView):
    template_name = "reviews/case_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        case = get_object_for_user(selectors.case_detail_queryset(), user, pk=self.kwargs["pk"])
        rr = selectors.rapid_review_queryset().filter(case=case).first()
        row = selectors.case_row(case, cal=self.cal, today=self.today)
        reviews = [selectors.review_row(r, user=user, cal=self.cal, today=self.today)
                   for r in case.practice_reviews.all()]
        record_access(user=user, action="view", obj=case, request=self.request)
        ctx.update(
            case=case, rr=rr, row=row, reviews=reviews, full=user.sees_everything,
            can_edit=user.is_coordinator, referral=selectors.referral_decision_of(case),
            timeline=selectors.case_timeline(case, rr=rr, user=user, cal=self.cal),
            actions=selectors.plan_actions(rr.action_plan if rr else None, user, today=self.today),
            today=self.today,
            notification_late=clocks.notification_is_late(
                case.became_aware_on, case.notification_submitted_on, self.cal),
        )
        return ctx


class CaseUpdateView(ServiceFormView):
    model = Case
    template_name = "reviews/case_edit.html"
    success_message = _("Case saved.")

    def get_form(self, data=None, files=None):
        form = forms.CaseForm(data, instance=self.object, mode="edit")
        form.helper.form_tag = True
        form.helper.disable_csrf = False
        from crispy_forms.layout import Submit

        form.helper.add_input(Submit("submit", _("Save the case")))
        return form

    def perform(self, form):
        return services.case_update(by=self.request.user, case=self.object, today=self.today,
                                    cal=self.cal, **form.service_kwargs())


class ChildrenUpdateView(ServiceFormView):
    model = Case
    template_name = "reviews/children_form.html"
    success_message = _("Children saved.")

    def get_form(self, data=None, files=None):
        return forms.child_formset(data=data, case=self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["children"] = ctx.pop("form")
        ctx["case"] = self.object
        return ctx

    def post(self, request, *args, **kwargs):
        formset = self.get_form(request.POST)
        errors = []
        if formset.is_valid():
            try:
                services.case_set_children(by=request.user, case=self.object,
                                           children=formset.rows())
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, self.success_message)
                return redirect(self.object)
        ctx = self.get_context_data(form=formset)
        ctx["service_errors"] = errors
        return self.render_to_response(ctx)


class ReferralDecisionView(ServiceFormView):
    model = Case
    template_name = "reviews/simple_form.html"
    form_class = forms.ReferralDecisionForm

    def check_allowed(self, case):
        if case.route != Route.REFERRAL:
            raise PermissionDenied(_("A notification has a Rapid Review, not a referral "
                                     "decision."))

    def form_kwargs(self):
        existing = selectors.referral_decision_of(self.object)
        return {"instance": existing} if existing else {"initial": {"decided_on": self.today}}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("The subgroup's decision on %(ref)s") % {"ref": self.object.reference}
        ctx["intro"] = _("Spotlight process: no further action, a learning briefing, or a "
                         "Spotlight Review.")
        ctx["back"] = self.object.get_absolute_url()
        return ctx

    def perform(self, form):
        services.referral_decide(by=self.request.user, case=self.object, today=self.today,
                                 cal=self.cal, **form.service_kwargs())
        messages.success(self.request, _("Decision recorded."))
        return self.object
