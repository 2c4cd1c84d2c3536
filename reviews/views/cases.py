"""Case pages: the list and its CSV, logging a notification, referring a case, the case
summary, editing, children and the subgroup's decision."""

from __future__ import annotations

import csv
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from reviews import clocks, forms, selectors, services
from reviews.filters import CaseFilter
from reviews.models import (
    Case,
    RapidReview,
    Route,
)
from reviews.views._base import RowsFormView, _iso
from scsp import form_messages
from scsp.audit import Kind, record_access
from scsp.generic import DayMixin, FilteredListView, ObjectServiceFormView, ServiceFormView
from scsp.permissions import Ability, RoleRequiredMixin, get_object_for_user, may, require
from scsp.spreadsheets import csv_cell


class CaseListView(FilteredListView):
    """Notifications and referrals the person may see, filtered, with their clocks."""

    template_name = "reviews/case_list.html"
    filterset_class = CaseFilter
    printable = True  # ?print=1: every filtered row, to print
    filterset_extra = ("today", "cal")
    #: A filter value that does not parse (an old link, a retired agency) is ignored, not an
    #: empty list.
    strict = False

    def get_queryset(self):
        return selectors.case_list_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            rows=selectors.case_rows(ctx["page_obj"].object_list, cal=self.cal, today=self.today),
            can_log=may(user, Ability.LOG_NOTIFICATIONS),
            can_refer=may(user, Ability.REFER_CASES),
            anchor_label=clocks.rapid_review_anchor_setting().label,
        )
        return ctx


class CaseExportView(CaseListView):
    """The filtered list as CSV: the same scope and filters as the page."""

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        cases = list(self.filterset.qs)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"cases-{self.today.isoformat()}.csv")
        writer = csv.writer(response)
        writer.writerow([
            _("Reference"), _("Route"), _("Status"), _("Children"), _("Incident date"),
            _("Became aware"), _("Notification submitted"), _("Notification due"),
            _("Notification clock"), _("Referral received"), _("Rapid Review due"),
            _("Rapid Review day"), _("Rapid Review clock"), _("Rapid Review panel meeting"),
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
        record_access(user=request.user, kind=Kind.EXPORT, object_type="reviews.Case",
                      label=_("%(n)d cases") % {"n": len(cases)}, request=request)
        return response


class CaseCreateView(RoleRequiredMixin, ServiceFormView):
    """Log a notification (co-ordinator) or refer a case (agency lead, or the co-ordinator
    logging a partner's referral). One form for the case, one row per child."""

    template_name = "reviews/case_form.html"
    form_class = forms.CaseForm
    route = Route.NOTIFICATION
    ability = Ability.LOG_NOTIFICATIONS

    @property
    def mode(self):
        if self.route == Route.NOTIFICATION:
            return "notification"
        # The business unit logs a partner's referral; a lead refers for their own agency.
        return "referral_bu" if may(self.request.user, Ability.LOG_NOTIFICATIONS) else "referral"

    def get_initial(self):
        return {"referral_received_on": self.today}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "mode": self.mode}

    @cached_property
    def children(self):
        """One row per child, bound to the POST when there is one."""
        formset = forms.child_formset(data=self.get_form_kwargs().get("data"))
        form_messages.apply(formset)
        return formset

    def get_context_data(self, **kwargs):
        kwargs.setdefault("children", self.children)
        ctx = super().get_context_data(**kwargs)
        ctx["mode"] = self.mode
        ctx["heading"] = {
            "notification": _("Log a serious incident notification"),
            "referral": _("Refer a case to the SLPR subgroup"),
            "referral_bu": _("Log a partner's referral"),
        }[self.mode]
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid() and self.children.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def perform(self, form):
        kwargs = form.service_kwargs()
        # A partner's referral is received the day it is sent.
        kwargs.setdefault("referral_received_on", self.today)
        return services.case_create(
            by=self.request.user, route=self.route, today=self.today, cal=self.cal,
            children=self.children.rows(), **kwargs,
        )

    def get_success_message(self, case) -> str:
        if self.mode == "referral":
            return _("Referral %(ref)s sent to the business unit.") % {"ref": case.reference}
        return _("%(ref)s logged.") % {"ref": case.reference}


class ReferralCreateView(CaseCreateView):
    route = Route.REFERRAL
    ability = Ability.REFER_CASES


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
        record_access(user=user, kind=Kind.VIEW, obj=case, request=self.request)
        ctx.update(
            case=case, rr=rr, row=row, reviews=reviews, full=may(user, Ability.READ_FULL_CASE_RECORDS),
            can_edit=may(user, Ability.MANAGE_REVIEWS),
            can_hold=may(user, Ability.PLACE_LEGAL_HOLD),
            reads_audit_trail=may(user, Ability.READ_AUDIT_TRAIL),
            referral=selectors.referral_decision_of(case),
            timeline=selectors.case_timeline(case, rr=rr, user=user, cal=self.cal),
            actions=selectors.plan_actions(rr.action_plan if rr else None, user, today=self.today),
            today=self.today,
            reads_rr=rr is not None and RapidReview.objects.full_record_for(user).filter(
                pk=rr.pk).exists(),
            own_summary=next((s for s in rr.agency_summaries.all()
                              if s.agency_id == user.agency_id), None)
            if rr and may(user, Ability.WRITE_AGENCY_SUMMARIES) else None,
            notification_late=clocks.notification_is_late(
                case.became_aware_on, case.notification_submitted_on, self.cal),
        )
        return ctx


class CaseUpdateView(ObjectServiceFormView):
    model = Case
    template_name = "reviews/case_edit.html"
    form_class = forms.CaseForm
    success_message = _("Case saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "mode": "edit"}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.helper.form_tag = True
        form.helper.disable_csrf = False
        from crispy_forms.layout import Submit

        form.helper.add_input(Submit("submit", _("Save the case")))
        return form

    def perform(self, form):
        return services.case_update(by=self.request.user, case=self.object, today=self.today,
                                    cal=self.cal, **form.service_kwargs())


class ChildrenUpdateView(RowsFormView):
    model = Case
    template_name = "reviews/children_form.html"
    formset_name = "children"
    success_message = _("Children saved.")

    def get_formset(self, data):
        return forms.child_formset(data=data, case=self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["case"] = self.object
        return ctx

    def perform(self, formset):
        return services.case_set_children(by=self.request.user, case=self.object,
                                          children=formset.rows())


class ReferralDecisionView(ObjectServiceFormView):
    model = Case
    template_name = "reviews/simple_form.html"
    form_class = forms.ReferralDecisionForm

    def check_allowed(self, case):
        if case.route != Route.REFERRAL:
            raise PermissionDenied(_("A notification has a Rapid Review, not a referral "
                                     "decision."))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        existing = selectors.referral_decision_of(self.object)
        if existing:
            kwargs["instance"] = existing
        else:
            kwargs["initial"] = {"decided_on": self.today}
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("The subgroup's decision on %(ref)s") % {"ref": self.object.reference}
        ctx["intro"] = _("Spotlight process: no further action, a learning briefing, or a "
                         "Spotlight Review.")
        ctx["back"] = self.object.get_absolute_url()
        return ctx

    def perform(self, form):
        return services.referral_decide(by=self.request.user, case=self.object,
                                        today=self.today, cal=self.cal, **form.service_kwargs())

    def get_success_message(self, result) -> str:
        return _("Decision recorded.")


class LegalHoldView(ObjectServiceFormView):
    """Put a case on legal hold, or lift the hold, with a reason (co-ordinator): its records
    are then kept past every retention period."""

    model = Case
    template_name = "reviews/simple_form.html"
    form_class = forms.LegalHoldForm

    def check_allowed(self, case):
        require(self.request.user, Ability.PLACE_LEGAL_HOLD,
                _("Only the business unit puts a case on legal hold."))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "hold": not self.object.legal_hold}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = self.object
        if case.legal_hold:
            ctx["heading"] = _("Lift the legal hold on %(ref)s") % {"ref": case.reference}
            ctx["intro"] = _("Its records will again be removed when their retention period "
                             "ends. The reason is kept in the case's history.")
        else:
            ctx["heading"] = _("Put %(ref)s on legal hold") % {"ref": case.reference}
            ctx["intro"] = _("Its records (access events and anything else about the case) "
                             "are kept past their retention period until the hold is lifted. "
                             "The reason is kept in the case's history.")
        ctx["back"] = case.get_absolute_url()
        return ctx

    def perform(self, form):
        return services.case_set_legal_hold(
            by=self.request.user, case=self.object, hold=not self.object.legal_hold,
            reason=form.cleaned_data["reason"], now=timezone.now(), request=self.request)

    def get_success_message(self, case) -> str:
        return (_("%(ref)s is on legal hold.") if case.legal_hold
                else _("The legal hold on %(ref)s is lifted.")) % {"ref": case.reference}
