"""Practice review pages: list and CSV, starting one, its record, stages, progress checks,
recommendations, outcome and learning briefing files."""

from __future__ import annotations

import csv

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from actions.models import ActionPlan
from actions.views.files import unscanned_file_response
from reviews import clocks, forms, selectors, services
from reviews.filters import ReviewFilter
from reviews.models import (
    BriefingFile,
    Case,
    PracticeReview,
    PublicationOutcome,
    ReviewKind,
)
from reviews.views._base import RowsFormView, _iso
from scsp.audit import Kind, record_access
from scsp.generic import DayMixin, FilteredListView, ObjectServiceFormView, ServiceFormView
from scsp.permissions import Ability, RoleRequiredMixin, get_object_for_user, may, scoped
from scsp.spreadsheets import csv_cell


class ReviewListView(FilteredListView):
    """The practice reviews the person may see, filtered, with their clocks."""

    template_name = "reviews/review_list.html"
    filterset_class = ReviewFilter
    printable = True  # ?print=1: every filtered row, to print
    filterset_extra = ("today", "cal")
    #: A filter value that does not parse (an old link, a retired agency) is ignored, not an
    #: empty list.
    strict = False

    def get_queryset(self):
        return selectors.review_list_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            rows=selectors.review_rows(ctx["page_obj"].object_list, user=self.request.user,
                                       cal=self.cal, today=self.today),
            can_create=may(self.request.user, Ability.MANAGE_REVIEWS),
        )
        return ctx


class ReviewExportView(ReviewListView):
    """The filtered list as CSV: the same scope and filters as the page."""

    def get(self, request, *args, **kwargs):
        user = request.user
        self.filterset = self.get_filterset(self.get_filterset_class())
        reviews = list(self.filterset.qs)
        rows = selectors.review_rows(reviews, user=user, cal=self.cal, today=self.today)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"practice-reviews-{self.today.isoformat()}.csv")
        writer = csv.writer(response)
        header = [_("Reference"), _("Kind"), _("Title"), _("Cases"), _("Decision to initiate"),
                  _("Status"), _("Target (6 months)"), _("Clock"), _("Ratified"),
                  _("Published"), _("Completed"), _("Reviewer"), _("Learning themes")]
        sees_embargo = may(user, Ability.READ_EMBARGO_DETAILS)
        if sees_embargo:
            header += [_("Publication outcome"), _("Embargo: proceeding"),
                       _("Embargo: expected end"), _("Embargo: next review")]
        writer.writerow(header)
        for row in rows:
            r = row.review
            embargoed = r.outcome == PublicationOutcome.EMBARGOED
            values = [
                r.reference, r.get_kind_display(), r.title,
                "; ".join(c.reference for c in r.linked_cases), _iso(r.decision_date),
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
            writer.writerow([csv_cell(v) for v in values])
        record_access(user=user, kind=Kind.EXPORT, object_type="reviews.PracticeReview",
                      label=_("%(n)d practice reviews") % {"n": len(rows)}, request=request)
        return response


class ReviewCreateView(RoleRequiredMixin, ServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.ReviewForm
    ability = Ability.MANAGE_REVIEWS

    def get_initial(self):
        return {"decision_date": self.today}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cases": scoped(Case, self.request.user)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Start a practice review")
        ctx["intro"] = _("Reviews decided by a Rapid Review or a referral decision are started "
                         "for you. Use this page for others, such as a thematic LCSPR.")
        ctx["back"] = reverse("reviews:review_list")
        return ctx

    def perform(self, form):
        return services.review_create(by=self.request.user, today=self.today, cal=self.cal,
                                      **form.service_kwargs())

    def get_success_message(self, review) -> str:
        return _("%(ref)s started.") % {"ref": review.reference}


class ReviewDetailView(DayMixin, TemplateView):
    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        review = get_object_for_user(selectors.review_detail_queryset(user), user,
                                     pk=self.kwargs["pk"])
        record_access(user=user, kind=Kind.VIEW, obj=review, request=self.request)
        lcspr = clocks.lcspr_clock(review, self.cal)
        panel = clocks.panel_report_clock(review, self.cal)
        publication = clocks.lcspr_publication_clock(review, self.cal)
        ctx.update(
            publication_clock=publication.describe(self.today) if publication else None,
            review=review, status_label=review.status_for(user),
            lcspr_clock=lcspr.describe(self.today) if lcspr else None,
            panel_clock=panel.describe(self.today) if panel else None,
            stages=[(s, s.state(self.today)) for s in review.stages.all()],
            cases=review.linked_cases, decided_by_case=selectors.decided_by_case(review),
            recommendations=selectors.recommendations_of(review),
            actions=selectors.plan_actions(review.action_plan, user, today=self.today),
            briefings=list(review.briefings.all()),
            timeline=selectors.review_timeline(review, user=user),
            plan_visible=review.action_plan_id is not None and ActionPlan.objects.visible_to(
                user).filter(pk=review.action_plan_id).exists(),
            show_embargo=may(user, Ability.READ_EMBARGO_DETAILS), can_edit=may(user, Ability.MANAGE_REVIEWS),
            today=self.today,
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


class ReviewUpdateView(PracticeReviewMixin, ObjectServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.ReviewForm
    success_message = _("Review saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object,
                "cases": scoped(Case, self.request.user)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Edit %(ref)s") % {"ref": self.object.reference}
        return ctx

    def perform(self, form):
        return services.review_update(by=self.request.user, review=self.object,
                                      today=self.today, **form.service_kwargs())


class StagesView(PracticeReviewMixin, RowsFormView):
    template_name = "reviews/stages_form.html"
    success_message = _("Stages saved.")

    def get_formset(self, data):
        return forms.stage_formset(self.object, data)

    def perform(self, formset):
        return services.review_set_stages(by=self.request.user, review=self.object,
                                          today=self.today, stages=formset.rows())


class ProgressCheckCreateView(PracticeReviewMixin, ObjectServiceFormView):
    template_name = "reviews/simple_form.html"
    form_class = forms.ProgressCheckForm
    success_message = _("Progress check recorded.")

    def get_initial(self):
        return {"checked_on": self.today}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Progress check on %(ref)s") % {"ref": self.object.reference}
        ctx["intro"] = _("Partners monitor the review's time and quality, and may ask the "
                         "reviewer in writing for drafts.")
        return ctx

    def perform(self, form):
        return services.review_add_progress_check(by=self.request.user, review=self.object,
                                                  today=self.today, **form.service_kwargs())


class RecommendationCreateView(PracticeReviewMixin, ObjectServiceFormView):
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


class OutcomeView(PracticeReviewMixin, ObjectServiceFormView):
    template_name = "reviews/simple_form.html"
    success_message = _("Outcome recorded.")

    def get_form_class(self):
        return forms.OutcomeForm if self.object.kind == ReviewKind.LCSPR else forms.CompletionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.object.kind == ReviewKind.LCSPR:
            kwargs["instance"] = self.object
        else:
            kwargs["initial"] = {"completed_on": self.object.completed_on or self.today,
                                 "summary": self.object.summary}
        return kwargs

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


class BriefingUploadView(PracticeReviewMixin, ObjectServiceFormView):
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


class BriefingDownloadView(View):
    """A learning briefing file, only for people who can see its review (404 otherwise), once
    scanned clean, served as an attachment in a sandbox and recorded in the access log."""

    def get(self, request, *args, **kwargs):
        briefing = get_object_for_user(
            BriefingFile.objects.filter(review_id=kwargs["pk"]).select_related("review"),
            request.user, pk=kwargs["file_pk"],
        )
        if not briefing.downloadable:
            return unscanned_file_response(request, briefing,
                                           back_url=briefing.review.get_absolute_url())
        record_access(user=request.user, kind=Kind.FILE, obj=briefing,
                      label=briefing.review.reference, request=request)
        response = FileResponse(briefing.file.open("rb"), content_type=briefing.content_type,
                                as_attachment=True, filename=briefing.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "no-store, private"
        return response
