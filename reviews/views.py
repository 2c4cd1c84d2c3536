"""Pages for cases, Rapid Reviews and practice reviews. Thin: each page fetches through the
permission helpers, calls one service and turns its ``ValidationError`` into form errors."""

from __future__ import annotations

import csv
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from actions.models import ActionPlan
from reviews import clocks, forms, selectors, services
from reviews.filters import CaseFilter, ReviewFilter
from reviews.models import (
    BriefingFile,
    Case,
    PracticeReview,
    PublicationOutcome,
    RapidReview,
    ReviewKind,
    Route,
)
from scsp.audit import record_access
from scsp.pdf import pdf_response, render_pdf
from scsp.permissions import RoleRequiredMixin, get_object_for_user, scoped
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


def _csv_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


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
        raise NotImplementedError

    def get_success_url(self, result):
        return self.object.get_absolute_url()


# --- Cases --------------------------------------------------------------------------------------


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
            writer.writerow([_csv_cell(v) for v in [
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


class CoordinatorOnly(RoleRequiredMixin):
    def allowed(self, user):
        return user.is_coordinator


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


# --- Rapid Reviews ------------------------------------------------------------------------------


def require_full_record(user):
    """The Rapid Review record and minutes are for partnership-wide roles; agency staff see
    the case summary (and their actions) instead."""
    if not user.sees_everything:
        raise PermissionDenied(_("The full Rapid Review is for the business unit, the chair and "
                                 "the scrutineer. The case page shows its summary."))


class RapidReviewMixin:
    model = RapidReview

    def get_queryset(self):
        return selectors.rapid_review_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rr"] = self.object
        ctx["case"] = self.object.case
        ctx["back"] = self.object.get_absolute_url()
        return ctx


class RapidReviewDetailView(DayMixin, TemplateView):
    template_name = "reviews/rr_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        rr = get_object_for_user(selectors.rapid_review_queryset(), user, pk=self.kwargs["pk"])
        require_full_record(user)
        record_access(user=user, action="view", obj=rr, request=self.request)
        ctx.update(selectors.minutes_context(rr, cal=self.cal, today=self.today,
                                             partners=list(services.statutory_partners())))
        ctx["can_edit"] = user.is_coordinator
        ctx["can_sign_off"] = services.can_sign_off(user) and bool(rr.decision)
        ctx["chair_signed"] = any(s.signed_by_id == user.pk for s in rr.sign_offs.all())
        if user.is_coordinator:
            form = forms.ActionForm()
            form.helper.form_action = reverse("reviews:rr_action_create", args=[rr.pk])
            ctx["action_form"] = form
        return ctx


class RapidReviewUpdateView(RapidReviewMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.RapidReviewForm
    success_message = _("Rapid Review saved.")

    def form_kwargs(self):
        return {"instance": self.object}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Rapid Review %(ref)s: meeting and findings") % {
            "ref": self.object.case.reference}
        return ctx

    def perform(self, form):
        return services.rr_update(by=self.request.user, rr=self.object, today=self.today,
                                  **form.service_kwargs())


class RowsView(RapidReviewMixin, ServiceFormView):
    """A table of rows (attendees or agency summaries) saved in one go."""

    template_name = "reviews/rows_form.html"
    heading = ""
    intro = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["formset"] = ctx.pop("form")
        ctx["heading"] = self.heading % {"ref": self.object.case.reference}
        ctx["intro"] = self.intro
        return ctx

    def post(self, request, *args, **kwargs):
        formset = self.get_form(request.POST)
        errors = []
        if formset.is_valid():
            try:
                self.perform(formset)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, self.success_message)
                return redirect(self.object)
        ctx = self.get_context_data(form=formset)
        ctx["service_errors"] = errors
        return self.render_to_response(ctx)


class AttendeesView(RowsView):
    heading = _("Who attended the Rapid Review for %(ref)s")
    intro = _("List everyone who attended and everyone who sent apologies. Leave spare rows "
              "empty; tick “Remove” to take someone off.")
    success_message = _("Attendees saved.")

    def get_form(self, data=None, files=None):
        return forms.attendee_formset(self.object, data)

    def perform(self, formset):
        return services.rr_set_attendees(by=self.request.user, rr=self.object,
                                         attendees=formset.rows())


class AgencySummariesView(RowsView):
    heading = _("Agency summaries for %(ref)s")
    intro = _("When each agency was asked for its summary and when it arrived.")
    success_message = _("Agency summaries saved.")

    def get_form(self, data=None, files=None):
        return forms.summary_formset(self.object, data)

    def perform(self, formset):
        return services.rr_set_agency_summaries(by=self.request.user, rr=self.object,
                                                today=self.today, summaries=formset.rows())


class DecisionView(RapidReviewMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.DecisionForm
    success_message = _("Decision recorded.")

    def form_kwargs(self):
        initial = {} if self.object.decided_on else {"decided_on": self.object.meeting_date}
        return {"instance": self.object, "initial": initial}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Rapid Review decision for %(ref)s") % {
            "ref": self.object.case.reference}
        return ctx

    def perform(self, form):
        return services.rr_decide(by=self.request.user, rr=self.object, today=self.today,
                                  cal=self.cal, **form.service_kwargs())


class SignOffView(RapidReviewMixin, ServiceFormView):
    """The co-ordinator records a partner's sign-off; the chair signs off in person."""

    template_name = "reviews/sign_off.html"
    form_class = forms.SignOffForm
    edit = False

    def check_allowed(self, rr):
        if not services.can_sign_off(self.request.user):
            raise PermissionDenied(_("Only the chair and the business unit record sign-offs."))

    def form_kwargs(self):
        return {"partners": services.statutory_partners(),
                "initial": {"signed_on": self.today}}

    def get_form(self, data=None, files=None):
        if self.request.user.is_chair:
            form = forms.forms.Form(data=data)
            form.helper = forms.helper(_("Sign off this Rapid Review"))
            return form
        return super().get_form(data, files)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sign_offs"] = list(self.object.sign_offs.all())
        ctx["is_chair"] = self.request.user.is_chair
        ctx["already"] = any(s.signed_by_id == self.request.user.pk for s in ctx["sign_offs"])
        return ctx

    def perform(self, form):
        kwargs = {} if self.request.user.is_chair else form.service_kwargs()
        sign_off = services.rr_record_sign_off(by=self.request.user, rr=self.object,
                                               today=self.today, **kwargs)
        messages.success(self.request, _("Sign-off by %(agency)s recorded.")
                         % {"agency": sign_off.agency.name})
        return sign_off


class PanelView(RapidReviewMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.PanelForm
    success_message = _("Saved.")

    def form_kwargs(self):
        return {"instance": self.object}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("The National Panel and %(ref)s") % {"ref": self.object.case.reference}
        return ctx

    def perform(self, form):
        return services.rr_record_panel(by=self.request.user, rr=self.object, today=self.today,
                                        **form.service_kwargs())


class ActionCreateView(RapidReviewMixin, ServiceFormView):
    template_name = "reviews/rr_action_form.html"
    form_class = forms.ActionForm

    def perform(self, form):
        data = form.cleaned_data
        action = services.rr_add_action(
            by=self.request.user, rr=self.object, today=self.today,
            description=data["description"], success_measure=data["success_measure"],
            lead_agency=data["lead_agency"], lead_officer=data["lead_officer"],
            target_date=data["target_date"],
        )
        messages.success(self.request, _("Action %(ref)s added for %(agency)s.")
                         % {"ref": action.reference, "agency": action.lead_agency.name})
        return action

    def get_success_url(self, result):
        return self.object.get_absolute_url() + "#actions"


class MinutesView(DayMixin, TemplateView):
    """The Rapid Review minutes as a web page: the same template as the PDF."""

    template_name = "reviews/pdf/minutes.html"
    pdf = False

    def get(self, request, *args, **kwargs):
        user = request.user
        rr = get_object_for_user(selectors.rapid_review_queryset(), user, pk=kwargs["pk"])
        require_full_record(user)
        ctx = selectors.minutes_context(rr, cal=self.cal, today=self.today,
                                        partners=list(services.statutory_partners()))
        if self.pdf:
            pdf = render_pdf(self.template_name, ctx, request=request)
            record_access(user=user, action="download", obj=rr, request=request)
            return pdf_response(pdf, f"rapid-review-minutes-{rr.case.reference}.pdf")
        record_access(user=user, action="view", obj=rr, request=request)
        ctx["html_view"] = True
        return self.render_to_response(ctx)


# --- Practice reviews ---------------------------------------------------------------------------


class ReviewListView(DayMixin, TemplateView):
    template_name = "reviews/review_list.html"

    def filterset(self):
        return ReviewFilter(self.request.GET or None,
                            queryset=selectors.review_list_for(self.request.user),
                            request=self.request, today=self.today, cal=self.cal)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = self.filterset()
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        ctx.update(
            filter=filterset, page_obj=page, query=_query_without_page(self.request),
            rows=selectors.review_rows(page.object_list, user=self.request.user, cal=self.cal,
                                       today=self.today),
            can_create=self.request.user.is_coordinator, today=self.today,
        )
        return ctx


class ReviewExportView(ReviewListView):
    def get(self, request, *args, **kwargs):
        user = request.user
        reviews = list(self.filterset().qs)
        rows = selectors.review_rows(reviews, user=user, cal=self.cal, today=self.today)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"practice-reviews-{self.today.isoformat()}.csv")
        writer = csv.writer(response)
        header = [_("Reference"), _("Kind"), _("Title"), _("Cases"), _("Decision to initiate"),
                  _("Status"), _("Target (6 months)"), _("Clock"), _("Ratified"),
                  _("Published"), _("Completed"), _("Reviewer"), _("Learning themes")]
        sees_embargo = user.sees_everything
        if sees_embargo:
            header += [_("Publication outcome"), _("Embargo: proceeding"),
                       _("Embargo: expected end"), _("Embargo: next review")]
        writer.writerow(header)
        for row in rows:
            r = row.review
            embargoed = r.outcome == PublicationOutcome.EMBARGOED
            values = [
                r.reference, r.get_kind_display(), r.title,
                "; ".join(c.reference for c in r.cases.all()), _iso(r.decision_date),
                row.status_label, _iso(row.clock["due"]) if row.clock else "",
                row.clock["status_label"] if row.clock else "", _iso(r.ratified_on),
                _iso(r.published_on), _iso(r.completed_on), r.reviewer,
                "; ".join(t.name for t in r.themes.all()),
            ]
            if sees_embargo:
                values += [
                    r.get_outcome_display() if r.outcome else "",
                    r.get_embargo_proceeding_display() if embargoed else "",
                    _iso(r.embargo_expected_end) if embargoed else "",
                    _iso(r.embargo_next_review) if embargoed else "",
                ]
            writer.writerow([_csv_cell(v) for v in values])
        record_access(user=user, action="export", object_type="reviews.PracticeReview",
                      label=_("%(n)d practice reviews") % {"n": len(rows)}, request=request)
        return response


class ReviewCreateView(CoordinatorOnly, DayMixin, TemplateView):
    template_name = "reviews/simple_form.html"

    def form(self, data=None):
        return forms.ReviewForm(data, cases=scoped(Case, self.request.user),
                                initial={"decision_date": self.today})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", self.form())
        ctx["heading"] = _("Start a practice review")
        ctx["intro"] = _("Reviews decided by a Rapid Review or a referral decision are started "
                         "for you. Use this page for others, such as a thematic LCSPR.")
        ctx["back"] = reverse("reviews:review_list")
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                review = services.review_create(by=request.user, today=self.today, cal=self.cal,
                                                **form.service_kwargs())
            except ValidationError as exc:
                forms.apply_service_errors(form, exc)
            else:
                messages.success(request, _("%(ref)s started.") % {"ref": review.reference})
                return redirect(review)
        return self.render_to_response(self.get_context_data(form=form))


class ReviewDetailView(DayMixin, TemplateView):
    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        review = get_object_for_user(selectors.review_detail_queryset(), user,
                                     pk=self.kwargs["pk"])
        record_access(user=user, action="view", obj=review, request=self.request)
        lcspr = clocks.lcspr_clock(review, self.cal)
        panel = clocks.panel_report_clock(review, self.cal)
        visible_cases = set(scoped(Case, user).filter(
            pk__in=[c.pk for c in review.cases.all()]).values_list("pk", flat=True))
        ctx.update(
            review=review, status_label=review.status_for(user),
            lcspr_clock=lcspr.describe(self.today) if lcspr else None,
            panel_clock=panel.describe(self.today) if panel else None,
            stages=[(s, s.state(self.today)) for s in review.stages.all()],
            cases=[(c, c.pk in visible_cases) for c in review.cases.all()],
            recommendations=selectors.recommendations_of(review),
            actions=selectors.plan_actions(review.action_plan, user, today=self.today),
            briefings=list(review.briefings.all()),
            timeline=selectors.review_timeline(review, user=user),
            plan_visible=review.action_plan_id is not None and ActionPlan.objects.visible_to(
                user).filter(pk=review.action_plan_id).exists(),
            show_embargo=user.sees_everything, can_edit=user.is_coordinator, today=self.today,
        )
        return ctx


class PracticeReviewMixin:
    model = PracticeReview

    def get_queryset(self):
        return selectors.review_detail_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["review"] = self.object
        ctx["back"] = self.object.get_absolute_url()
        return ctx


class ReviewUpdateView(PracticeReviewMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.ReviewForm
    success_message = _("Review saved.")

    def form_kwargs(self):
        return {"instance": self.object, "cases": scoped(Case, self.request.user)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Edit %(ref)s") % {"ref": self.object.reference}
        return ctx

    def perform(self, form):
        return services.review_update(by=self.request.user, review=self.object,
                                      today=self.today, **form.service_kwargs())


class StagesView(PracticeReviewMixin, ServiceFormView):
    template_name = "reviews/stages_form.html"
    success_message = _("Stages saved.")

    def get_form(self, data=None, files=None):
        return forms.stage_formset(self.object, data)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["formset"] = ctx.pop("form")
        return ctx

    def post(self, request, *args, **kwargs):
        formset = self.get_form(request.POST)
        errors = []
        if formset.is_valid():
            try:
                services.review_set_stages(by=request.user, review=self.object,
                                           today=self.today, stages=formset.rows())
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, self.success_message)
                return redirect(self.object)
        ctx = self.get_context_data(form=formset)
        ctx["service_errors"] = errors
        return self.render_to_response(ctx)


class ProgressCheckCreateView(PracticeReviewMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.ProgressCheckForm
    success_message = _("Progress check recorded.")

    def form_kwargs(self):
        return {"initial": {"checked_on": self.today}}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Progress check on %(ref)s") % {"ref": self.object.reference}
        ctx["intro"] = _("Partners monitor the review's time and quality, and may ask the "
                         "reviewer in writing for drafts.")
        return ctx

    def perform(self, form):
        return services.review_add_progress_check(by=self.request.user, review=self.object,
                                                  today=self.today, **form.service_kwargs())


class RecommendationCreateView(PracticeReviewMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.RecommendationForm
    success_message = _("Recommendation added to the action plan.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Add a recommendation to %(ref)s") % {"ref": self.object.reference}
        ctx["intro"] = _("Recommendations go into the review's action plan, where actions "
                         "answer them.")
        return ctx

    def perform(self, form):
        return services.review_add_recommendation(
            by=self.request.user, review=self.object, text=form.cleaned_data["text"],
            themes=list(form.cleaned_data["themes"]))


class OutcomeView(PracticeReviewMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    success_message = _("Outcome recorded.")

    def get_form(self, data=None, files=None):
        if self.object.kind == ReviewKind.LCSPR:
            return forms.OutcomeForm(data, instance=self.object)
        return forms.CompletionForm(data, initial={
            "completed_on": self.object.completed_on or self.today,
            "summary": self.object.summary})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.object.is_lcspr:
            if not self.object.ratified_on:
                ctx["warning"] = _("This review has not been ratified yet. Record the date the "
                                   "partnership ratified it on the stages page first.")
            ctx["heading"] = _("Publication of %(ref)s") % {"ref": self.object.reference}
            ctx["intro"] = _("Once ratified, an LCSPR is published, embargoed (publication "
                             "delayed by parallel proceedings) or, exceptionally, not "
                             "published. Embargo details are seen only by the business unit, "
                             "the chair and the scrutineer.")
        else:
            ctx["heading"] = _("Completion of %(ref)s") % {"ref": self.object.reference}
        return ctx

    def perform(self, form):
        return services.review_record_outcome(by=self.request.user, review=self.object,
                                              today=self.today, **form.service_kwargs())


class BriefingUploadView(PracticeReviewMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.BriefingUploadForm
    success_message = _("Learning briefing uploaded.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Upload the learning briefing for %(ref)s") % {
            "ref": self.object.reference}
        ctx["multipart"] = True
        return ctx

    def perform(self, form):
        return services.review_upload_briefing(by=self.request.user, review=self.object,
                                               upload=form.cleaned_data["file"])


class BriefingDownloadView(DayMixin, TemplateView):
    """A learning briefing file, only for people who can see its review (404 otherwise),
    served as an attachment in a sandbox and recorded in the access log."""

    def get(self, request, *args, **kwargs):
        briefing = get_object_for_user(
            BriefingFile.objects.filter(review_id=kwargs["pk"]).select_related("review"),
            request.user, pk=kwargs["file_pk"],
        )
        record_access(user=request.user, action="download", obj=briefing,
                      label=briefing.review.reference, request=request)
        response = FileResponse(briefing.file.open("rb"), content_type=briefing.content_type,
                                as_attachment=True, filename=briefing.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "no-store, private"
        return response
