"""One agency's return in an audit: read it, complete it case by case (MACFA) or standard by
standard (Section 11 / 175), submit it; the people who manage audits reopen it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from audits import selectors, services
from audits.forms import RatingsForm, ReturnCaseForm
from audits.models import AgencyReturn, AuditStatus
from audits.views._base import AuditFormView, AuditMixin
from scsp.audit import Kind, record_access
from scsp.generic import flash_errors
from scsp.permissions import Ability, may, scoped


class ReturnMixin(AuditMixin):
    """One agency's return in an audit the user can see. Another agency's return is refused
    with 403 (the audit is visible, its return is not yours) until moderation; changing one
    (``edit_return``) is refused unless it is your agency's."""

    edit = False
    edit_return = False

    def get_return(self) -> AgencyReturn:
        if hasattr(self, "_return"):
            return self._return
        audit, user = self.get_object(), self.request.user
        if not audit.has_returns:
            raise Http404("A single-agency audit has no returns.")
        agency_return = (audit.returns.select_related("agency", "submitted_by", "updated_by")
                         .filter(pk=self.kwargs["return_pk"]).first())
        if agency_return is None:
            raise Http404("No such return in this audit.")
        if not scoped(AgencyReturn, user).filter(pk=agency_return.pk).exists():
            raise PermissionDenied(_("Agencies cannot see each other's returns until the "
                                     "moderation meeting."))
        if self.edit_return and not scoped(AgencyReturn, user, edit=True).filter(
                pk=agency_return.pk).exists():
            raise PermissionDenied(_("Only %(agency)s's own lead and officers complete its "
                                     "return.") % {"agency": agency_return.agency.short_name})
        agency_return.audit = audit
        self._return = agency_return
        return agency_return

    def dispatch(self, request, *args, **kwargs):
        self.get_return()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["agency_return"] = self.get_return()
        return ctx

    def editable_now(self) -> bool:
        r = self.get_return()
        return (self.audit.status == AuditStatus.IN_PROGRESS and not r.is_submitted
                and scoped(AgencyReturn, self.request.user, edit=True).filter(pk=r.pk).exists())

    def closed_redirect(self):
        """A return that cannot change now goes back to its read-only page, saying why."""
        r = self.get_return()
        if r.is_submitted:
            messages.info(self.request, _("This %(noun)s has been submitted, so it can no "
                                          "longer change.") % {"noun": self.audit.return_noun})
        else:
            messages.info(self.request, _("Returns can be completed only while the audit is "
                                          "in progress."))
        return redirect(r)


class ReturnDetailView(ReturnMixin, TemplateView):
    template_name = "audits/return_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r, audit, user = self.get_return(), self.audit, self.request.user
        if audit.is_macfa:
            ctx["sections"] = selectors.return_answers(r)
            ctx["case_links"] = selectors.case_links(
                user, [s["case"].reference for s in ctx["sections"]])
        else:
            ctx["ratings"] = selectors.return_ratings(r)
        editable = self.editable_now()
        ctx.update(editable=editable,
                   gaps=services.return_gaps(r) if editable else [],
                   can_reopen=(may(user, Ability.MANAGE_AUDITS) and r.is_submitted
                               and audit.status == AuditStatus.IN_PROGRESS))
        record_access(user=user, kind=Kind.VIEW, obj=r, request=self.request)
        return ctx


class ReturnCaseUpdateView(ReturnMixin, AuditFormView):
    """A MACFA return's answers about one sampled case; saving goes on to the next case."""

    template_name = "audits/return_case_form.html"
    form_class = ReturnCaseForm
    edit_return = True

    def get_case(self):
        case = self.audit.cases.filter(pk=self.kwargs["case_pk"]).first()
        if case is None:
            raise Http404("No such case in this audit.")
        return case

    def dispatch(self, request, *args, **kwargs):
        if not self.get_object().is_macfa:
            raise Http404("Only a MACFA return has cases.")
        self.get_return()
        self.case = self.get_case()
        if not self.editable_now():
            return self.closed_redirect()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        answers = {a.question_id: a for a in self.get_return().answers.filter(case=self.case)}
        return {**super().get_form_kwargs(), "questions": self.audit.questions.order_by("number"),
                "answers": answers}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cases = list(self.audit.cases.order_by("reference"))
        index = next(i for i, c in enumerate(cases) if c.pk == self.case.pk)
        ctx.update(case=self.case, case_number=index + 1, case_count=len(cases),
                   next_case=cases[index + 1] if index + 1 < len(cases) else None)
        return ctx

    def perform(self, form):
        return services.return_save_case(by=self.request.user, agency_return=self.get_return(),
                                         case=self.case, answers=form.answers())

    def get_success_message(self, result):
        return _("Answers for %(ref)s saved.") % {"ref": self.case.reference}

    def get_success_url(self, result=None):
        r = self.get_return()
        cases = list(self.audit.cases.order_by("reference").values_list("pk", flat=True))
        index = cases.index(self.case.pk)
        if index + 1 < len(cases):
            return reverse("audits:return_case_update", kwargs={
                "pk": self.audit.pk, "return_pk": r.pk, "case_pk": cases[index + 1]})
        return r.get_absolute_url()


class ReturnRatingsUpdateView(ReturnMixin, AuditFormView):
    """A Section 11 / 175 self-assessment, every standard on one page."""

    template_name = "audits/return_ratings_form.html"
    form_class = RatingsForm
    edit_return = True
    success_message = gettext_lazy("Self-assessment saved.")

    def dispatch(self, request, *args, **kwargs):
        if not self.get_object().uses_standards:
            raise Http404("Only a Section 11 or 175 self-assessment has standards.")
        self.get_return()
        if not self.editable_now():
            return self.closed_redirect()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        r = self.get_return()
        return {**super().get_form_kwargs(),
                "standards": self.audit.standards.order_by("number"),
                "ratings": {x.standard_id: x for x in r.ratings.all()}}

    def perform(self, form):
        return services.return_save_ratings(by=self.request.user,
                                            agency_return=self.get_return(),
                                            ratings=form.ratings())


class ReturnSubmitView(ReturnMixin, View):
    http_method_names = ["post"]
    edit_return = True

    def post(self, request, *args, **kwargs):
        r = self.get_return()
        try:
            services.return_submit(by=request.user, agency_return=r)
        except ValidationError as exc:
            messages.error(request, _("The %(noun)s is not complete yet:")
                           % {"noun": self.audit.return_noun})
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(agency)s's %(noun)s is submitted. Thank you.")
                             % {"agency": r.agency.short_name, "noun": self.audit.return_noun})
        return redirect(r)


class ReturnReopenView(ReturnMixin, View):
    http_method_names = ["post"]
    edit = True

    def post(self, request, *args, **kwargs):
        r = self.get_return()
        try:
            services.return_reopen(by=request.user, agency_return=r)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(agency)s's %(noun)s is open again for correction.")
                             % {"agency": r.agency.short_name, "noun": self.audit.return_noun})
        return redirect(r)
