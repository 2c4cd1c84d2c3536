"""Impact reviews: the co-ordinator's date (or "not needed"), the lead agency's evidence and
the SLPR group's rating, each a form through one service (``actions.services.impact``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions import impact_register, services
from actions.forms import ImpactEvidenceForm, ImpactRatingForm, ImpactReviewSetForm
from actions.models import ImpactReview
from actions.views.steps import EvidenceUploadMixin
from scsp.audit import Kind, record_access
from scsp.generic import ObjectServiceFormView, ScopedListView
from scsp.permissions import Ability, NotForYourRole, ReadOnlyRecord, may


class _NotNow(Exception):
    pass


class ImpactStepView(ObjectServiceFormView):
    """One step on one impact review. The review is fetched as seen (404 outside scope);
    :meth:`allowed` is the role and scope rule of the step (403 otherwise); a review whose
    state does not allow the step sends the person back to the action with the reason."""

    edit = False
    template_name = "actions/form.html"
    not_possible_text = gettext_lazy("This impact review has been rated or marked not needed.")
    refusal = gettext_lazy("Your role does not include this step.")

    def get_queryset(self):
        return ImpactReview.objects.select_related(
            "action", "action__plan", "action__lead_agency", "action__lead_officer")

    @property
    def review(self) -> ImpactReview:
        return self.object

    def allowed(self, user, review) -> bool:  # pragma: no cover - every step overrides it
        return False

    def possible(self, review) -> bool:
        return review.status == ImpactReview.Status.SCHEDULED

    def check_allowed(self, review):
        if not self.allowed(self.request.user, review):
            raise NotForYourRole(self.refusal)
        if not self.possible(review):
            raise _NotNow

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except _NotNow:
            messages.info(request, self.not_possible_text)
            return redirect(self.review.get_absolute_url())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "review": self.review}

    def get_context_data(self, **kwargs):
        action = self.review.action
        return super().get_context_data(
            action=action, title=self.get_title(), back_url=self.review.get_absolute_url(),
            back_label=_("Back to action %(ref)s") % {"ref": action.reference},
            intro=_("Impact review %(n)s, due %(day)s.") % {
                "n": self.review.number, "day": self.review.due_on.strftime("%-d %B %Y")},
            **kwargs)

    def get_success_url(self, result=None):
        return self.review.get_absolute_url()


class ImpactReviewSetView(ImpactStepView):
    form_class = ImpactReviewSetForm
    success_message = gettext_lazy("The impact review has been updated.")
    refusal = gettext_lazy("Only the co-ordinator sets impact review dates.")

    def allowed(self, user, review):
        return may(user, Ability.SCHEDULE_IMPACT_REVIEWS)

    def possible(self, review):
        return review.status != ImpactReview.Status.RATED

    def get_title(self):
        return _("Impact review date for %(ref)s") % {"ref": self.review.action.reference}

    def perform(self, form):
        d = form.cleaned_data
        return services.impact_review_set(
            by=self.request.user, review=self.review, today=self.today, due_on=d["due_on"],
            not_needed=d["choice"] == ImpactReviewSetForm.NOT_NEEDED, reason=d["reason"])


class ImpactEvidenceView(EvidenceUploadMixin, ImpactStepView):
    form_class = ImpactEvidenceForm
    success_message = gettext_lazy("The impact evidence has been added.")

    def allowed(self, user, review):
        return ImpactReview.objects.evidence_addable_by(user).filter(pk=review.pk).exists()

    def check_allowed(self, review):
        if may(self.request.user, Ability.ADD_IMPACT_EVIDENCE) and not self.allowed(
                self.request.user, review):
            raise ReadOnlyRecord(_("This action belongs to another agency: only its lead "
                                   "agency adds impact evidence."))
        super().check_allowed(review)

    def get_title(self):
        return _("Add impact evidence for %(ref)s") % {"ref": self.review.action.reference}

    def perform(self, form):
        d = form.cleaned_data
        return services.impact_evidence_add(
            by=self.request.user, review=self.review, kind=d["kind"], summary=d["summary"],
            measure=d["measure"], before=d["before"], after=d["after"], period=d["period"],
            files=d["files"])


class ImpactRateView(ImpactStepView):
    form_class = ImpactRatingForm
    success_message = gettext_lazy("The SLPR group's rating has been recorded.")
    refusal = gettext_lazy("Only the co-ordinator or the chair records impact ratings.")

    def allowed(self, user, review):
        return may(user, Ability.RATE_IMPACT)

    def get_title(self):
        return _("Rate the impact of %(ref)s") % {"ref": self.review.action.reference}

    def get_context_data(self, **kwargs):
        evidence = list(self.review.evidence.select_related("added_by", "update")
                        .prefetch_related("update__evidence"))
        for item in evidence:
            item.files = list(item.update.evidence.all())
        return super().get_context_data(impact_evidence=evidence, **kwargs)

    def perform(self, form):
        d = form.cleaned_data
        return services.impact_rate(
            by=self.request.user, review=self.review, rating=d["rating"],
            rationale=d["rationale"], meeting_date=d["meeting_date"], today=self.today,
            next_due_on=d["next_due_on"], consequence=d["consequence"], reason=d["reason"],
            follow_up_description=d["follow_up_description"],
            follow_up_success_measure=d["follow_up_success_measure"],
            follow_up_target_date=d["follow_up_target_date"])


class ImpactRegisterView(ScopedListView):
    """Every impact review of the actions the person may see, 25 a page, with the register
    as CSV or Excel (``?export=csv`` / ``xlsx``: every row, logged)."""

    template_name = "actions/impact_register.html"

    def get_queryset(self):
        return impact_register.register_rows(self.request.user)

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            reviews = list(self.get_queryset())
            record_access(user=request.user, kind=Kind.EXPORT,
                          object_type="actions.ImpactReview",
                          label=f"{len(reviews)} impact reviews (register, {fmt})",
                          request=request)
            filename = f"scsp-impact-register-{self.today:%Y-%m-%d}"
            if fmt == "csv":
                return impact_register.csv_response(reviews, filename)
            return impact_register.xlsx_response(reviews, filename)
        return super().get(request, *args, **kwargs)
