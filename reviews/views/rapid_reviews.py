"""Rapid Review pages: the record, its forms, actions and the minutes (web page and PDF)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from reviews import forms, selectors, services, summary_selectors
from reviews.models import (
    Case,
    RapidReview,
)
from reviews.summary_selectors import require_full_record
from reviews.views._base import RowsFormView
from scsp.audit import Kind, record_access
from scsp.generic import DayMixin, ObjectServiceFormView
from scsp.pdf import pdf_response, render_pdf
from scsp.permissions import Ability, get_object_for_user, may


def minutes_context(rr, user, *, cal, today) -> dict:
    """What the Rapid Review page and its minutes show: the record, and the combined
    chronology of the submitted summaries ``user`` may read."""
    partners = list(services.statutory_partners())
    ctx = selectors.minutes_context(rr, cal=cal, today=today, partners=partners)
    ctx["partners"] = partners
    ctx["chronology"] = summary_selectors.combined_chronology(rr, user)
    ctx["missing_sign_offs"] = services.missing_sign_offs(rr, partners)
    ctx["summary_rows"] = summary_selectors.summary_rows(rr, user, today=today, cal=cal)
    return ctx


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
        require_full_record(user, rr)
        record_access(user=user, kind=Kind.VIEW, obj=rr, request=self.request)
        ctx.update(minutes_context(rr, user, cal=self.cal, today=self.today))
        ctx["can_edit"] = may(user, Ability.MANAGE_REVIEWS)
        ctx["can_see_case"] = Case.objects.visible_to(user).filter(pk=rr.case_id).exists()
        ctx["can_sign_off"] = may(user, Ability.SIGN_OFF_RAPID_REVIEWS) and bool(rr.decision)
        ctx["chair_signed"] = any(s.signed_by_id == user.pk for s in rr.sign_offs.all())
        mine = next((s for s in rr.sign_offs.all() if s.agency_id == user.agency_id), None)
        ctx["partner_sign"] = (
            may(user, Ability.SIGN_OFF_FOR_AGENCY) and bool(rr.decision)
            and any(p.pk == user.agency_id for p in ctx["partners"])
            and (mine is None or not mine.is_current(rr)))

        if ctx["can_edit"]:
            form = forms.ActionForm()
            form.helper.form_action = reverse("reviews:rr_action_create", args=[rr.pk])
            ctx["action_form"] = form
        return ctx


class RapidReviewUpdateView(RapidReviewMixin, ObjectServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.RapidReviewForm
    success_message = _("Rapid Review saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Rapid Review %(ref)s: meeting and findings") % {
            "ref": self.object.case.reference}
        return ctx

    def perform(self, form):
        return services.rr_update(by=self.request.user, rr=self.object, today=self.today,
                                  **form.service_kwargs())


class RowsView(RapidReviewMixin, RowsFormView):
    """A table of rows (attendees or agency summaries) saved in one go."""

    template_name = "reviews/rows_form.html"
    heading = ""
    intro = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = self.heading % {"ref": self.object.case.reference}
        ctx["intro"] = self.intro
        return ctx


class AttendeesView(RowsView):
    heading = _("Who attended the Rapid Review for %(ref)s")
    intro = _("List everyone who attended and everyone who sent apologies. Leave spare rows "
              "empty; tick “Remove” to take someone off.")
    success_message = _("Attendees saved.")

    def get_formset(self, data):
        return forms.attendee_formset(self.object, data)

    def perform(self, formset):
        return services.rr_set_attendees(by=self.request.user, rr=self.object,
                                         attendees=formset.rows())


class AgencySummariesView(RowsView):
    heading = _("Agency summaries received by e-mail for %(ref)s")
    intro = _("Summaries sent by e-mail: when each agency was asked and when its summary "
              "arrived. A summary written here is dated by its agency's submission and is "
              "left as it is.")
    success_message = _("Agency summaries saved.")

    def get_formset(self, data):
        return forms.summary_formset(self.object, data)

    def perform(self, formset):
        return services.rr_set_agency_summaries(by=self.request.user, rr=self.object,
                                                today=self.today, summaries=formset.rows())


class DecisionView(RapidReviewMixin, ObjectServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.DecisionForm
    success_message = _("Decision recorded.")

    def get_initial(self):
        """The meeting date, when the decision could be dated that day: never a date its own
        validation refuses (a meeting still to come)."""
        meeting = self.object.meeting_date
        if self.object.decided_on or meeting is None or meeting > self.today:
            return {}
        return {"decided_on": meeting}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Rapid Review decision for %(ref)s") % {
            "ref": self.object.case.reference}
        return ctx

    def perform(self, form):
        return services.rr_decide(by=self.request.user, rr=self.object, today=self.today,
                                  cal=self.cal, **form.service_kwargs())


class SignOffView(RapidReviewMixin, ObjectServiceFormView):
    """The co-ordinator records a partner's sign-off; the chair signs off in person."""

    template_name = "reviews/sign_off.html"
    edit = False

    def check_allowed(self, rr):
        if not may(self.request.user, Ability.SIGN_OFF_RAPID_REVIEWS):
            raise PermissionDenied(_("Only the chair and the business unit record sign-offs "
                                     "here. A statutory partner's safeguarding lead signs off "
                                     "for their agency from the Rapid Review page."))

    def get_form_class(self):
        return forms.ChairSignOffForm if self.request.user.is_chair else forms.SignOffForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if not self.request.user.is_chair:
            kwargs.update(partners=services.statutory_partners(),
                          initial={"signed_on": self.today})
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sign_offs"] = list(self.object.sign_offs.all())
        ctx["is_chair"] = self.request.user.is_chair
        ctx["already"] = any(s.signed_by_id == self.request.user.pk for s in ctx["sign_offs"])
        ctx["decided"] = bool(self.object.decision)
        return ctx

    def perform(self, form):
        kwargs = {} if self.request.user.is_chair else form.service_kwargs()
        return services.rr_record_sign_off(by=self.request.user, rr=self.object,
                                           today=self.today, **kwargs)

    def get_success_message(self, sign_off) -> str:
        return _("Sign-off by %(agency)s recorded.") % {"agency": sign_off.agency.name}


class PanelView(RapidReviewMixin, ObjectServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.PanelForm
    success_message = _("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("The National Panel and %(ref)s") % {"ref": self.object.case.reference}
        missing = services.missing_sign_offs(self.object, list(services.statutory_partners()))
        if missing:
            ctx["warning"] = _("Sign-off still missing from: %(partners)s. Send it to the "
                               "National Panel once every statutory partner has signed off "
                               "this version.") % {"partners": ", ".join(
                                   _("%(agency)s (signed an earlier version)") % {
                                       "agency": p.name} if earlier else p.name
                                   for p, earlier in missing)}
        return ctx

    def perform(self, form):
        return services.rr_record_panel(by=self.request.user, rr=self.object, today=self.today,
                                        **form.service_kwargs())


class ActionCreateView(RapidReviewMixin, ObjectServiceFormView):
    template_name = "reviews/rr_action_form.html"
    form_class = forms.ActionForm

    def perform(self, form):
        data = form.cleaned_data
        return services.rr_add_action(
            by=self.request.user, rr=self.object, today=self.today,
            description=data["description"], success_measure=data["success_measure"],
            lead_agency=data["lead_agency"], lead_officer=data["lead_officer"],
            target_date=data["target_date"], title=data.get("title", ""),
        )

    def get_success_message(self, action) -> str:
        return _("Action %(ref)s added for %(agency)s.") % {
            "ref": action.reference, "agency": action.lead_agency.name}

    def get_success_url(self, result=None):
        return self.object.get_absolute_url() + "#actions"


class MinutesView(DayMixin, TemplateView):
    """The Rapid Review minutes as a web page: the same template as the PDF."""

    template_name = "reviews/pdf/minutes.html"
    pdf = False

    def get(self, request, *args, **kwargs):
        user = request.user
        rr = get_object_for_user(selectors.rapid_review_queryset(), user, pk=kwargs["pk"])
        require_full_record(user, rr)
        ctx = minutes_context(rr, user, cal=self.cal, today=self.today)
        ctx["pdf_view"] = True
        if self.pdf:
            pdf = render_pdf(self.template_name, ctx, request=request)
            record_access(user=user, kind=Kind.MINUTES_PDF, obj=rr, request=request)
            return pdf_response(pdf, f"rapid-review-minutes-{rr.case.reference}.pdf")
        record_access(user=user, kind=Kind.VIEW_MINUTES, obj=rr, request=request)
        ctx["html_view"] = True
        return self.render_to_response(ctx)
