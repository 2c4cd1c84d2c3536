"""Audit pages. Thin: each fetches its objects through ``get_object_for_user`` (404 outside
the user's scope, 403 when visible but not theirs to change), calls one service and turns its
``ValidationError`` into form errors or a message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from audits import selectors, services
from audits.filters import AuditFilter, RotaFilter
from audits.forms import (
    AuditForm,
    CaseForm,
    FindingActionForm,
    FindingForm,
    ModerationForm,
    ParticipantsForm,
    PresentedForm,
    RatingsForm,
    ReturnCaseForm,
    ToolItemForm,
)
from audits.models import (
    TRANSITIONS,
    AgencyReturn,
    Audit,
    AuditKind,
    AuditStatus,
    Finding,
    Question,
    Standard,
)
from scsp.audit import record_access
from scsp.pdf import pdf_response, render_pdf
from scsp.permissions import RoleRequiredMixin, get_object_for_user, scoped

#: The button for each move, by kind of audit where it differs.
TRANSITION_LABELS = {
    AuditStatus.IN_PROGRESS: gettext_lazy("Start the audit"),
    AuditStatus.MODERATION: gettext_lazy("Close returns and start moderation"),
    AuditStatus.FINDINGS_AGREED: gettext_lazy("Mark the findings as agreed"),
    AuditStatus.CLOSED: gettext_lazy("Close the audit"),
}
REOPEN_LABEL = gettext_lazy("Reopen returns for correction")
BACK_TO_PROGRESS_LABEL = gettext_lazy("Move back to in progress")
PLAN_HEADINGS = {
    AuditKind.MACFA: gettext_lazy("Plan a multi-agency case file audit (MACFA)"),
    AuditKind.SECTION_11: gettext_lazy("Plan a Section 11 audit round"),
    AuditKind.SECTION_175: gettext_lazy("Plan a Section 175 audit round"),
    AuditKind.SINGLE_AGENCY: gettext_lazy("Add a slot to the single-agency audit rota"),
}


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: per field where the form has that
    field, otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class AuditMixin:
    """Fetch the audit named by ``pk`` for the signed-in user. ``edit=True``: 403 unless the
    user manages audits."""

    edit = False

    def get_audit(self) -> Audit:
        if not hasattr(self, "_audit"):
            self._audit = get_object_for_user(
                Audit.objects.select_related("lead", "lead__agency", "agency", "action_plan"),
                self.request.user, edit=self.edit, pk=self.kwargs["pk"],
            )
        return self._audit

    @property
    def audit(self) -> Audit:
        return self.get_audit()

    def dispatch(self, request, *args, **kwargs):
        self.get_audit()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["audit"] = self.audit
        ctx["page_title"] = getattr(self, "page_title", "")
        ctx["can_manage"] = services.can_manage(self.request.user)
        ctx["can_record_findings"] = services.can_record_findings(self.request.user)
        return ctx


class PostOnlyAuditView(AuditMixin, View):
    """A button: POST does one thing and goes back to the audit."""

    http_method_names = ["post"]
    edit = True

    def redirect_back(self):
        return HttpResponseRedirect(self.audit.get_absolute_url())


# --- lists -----------------------------------------------------------------------------------

class AuditListView(TemplateView):
    """MACFAs and Section 11 / 175 rounds the user can see, with their own return's status."""

    template_name = "audits/audit_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        filterset = AuditFilter(self.request.GET or None,
                                queryset=selectors.audit_list_for(user))
        page = Paginator(filterset.qs, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            filter=filterset, page_obj=page, audits=page.object_list, query=query.urlencode(),
            can_manage=services.can_manage(user),
            kinds=[(AuditKind.MACFA, _("Plan a MACFA")),
                   (AuditKind.SECTION_11, _("Plan a Section 11 round")),
                   (AuditKind.SECTION_175, _("Plan a Section 175 round"))],
        )
        return ctx


class RotaView(TemplateView):
    """The single-agency audit rota: who presents when, and who has not."""

    template_name = "audits/rota.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        filterset = RotaFilter(self.request.GET or None, queryset=selectors.rota_for(user),
                               today=today)
        rows = selectors.rota_rows(filterset.qs, today)
        ctx.update(filter=filterset, rows=rows, today=today,
                   late_count=sum(1 for r in rows if r["state"] == "late"),
                   can_manage=services.can_manage(user))
        return ctx


# --- planning and editing --------------------------------------------------------------------

class AuditCreateView(RoleRequiredMixin, FormView):
    template_name = "audits/audit_form.html"
    form_class = AuditForm

    def allowed(self, user):
        return services.can_manage(user)

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in AuditKind.values:
            raise Http404("No such kind of audit.")
        self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["kind"] = self.kind
        return kwargs

    def get_initial(self):
        return {"lead": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = PLAN_HEADINGS[self.kind]
        ctx["kind"] = self.kind
        return ctx

    def form_valid(self, form):
        try:
            audit = services.audit_create(by=self.request.user, kind=self.kind,
                                          today=timezone.localdate(), **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(ref)s planned.") % {"ref": audit.reference})
        return redirect(audit)


class AuditDetailView(AuditMixin, TemplateView):
    template_name = "audits/audit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        audit, user = self.audit, self.request.user
        today = timezone.localdate()
        ctx.update(selectors.audit_detail_for(user, audit, today=today))
        moves = []
        if services.can_manage(user):
            for status in TRANSITIONS[audit.status]:
                if audit.is_rota and status == AuditStatus.MODERATION:
                    continue  # recorded with the presentation date instead
                going_back = (status == AuditStatus.IN_PROGRESS
                              and audit.status == AuditStatus.MODERATION)
                label = TRANSITION_LABELS[status]
                if going_back:
                    label = BACK_TO_PROGRESS_LABEL if audit.is_rota else REOPEN_LABEL
                moves.append({"status": status, "label": label})
        ctx.update(
            moves=moves, today=today,
            results_open=audit.results_open_to(user) and audit.has_returns,
            report_open=audit.results_open_to(user),
            rota_state=audit.rota_state(today) if audit.is_rota else "",
            months_late=audit.months_late(today) if audit.is_rota else 0,
            can_present=(services.can_manage(user) and audit.is_rota and audit.status in (
                AuditStatus.PLANNED, AuditStatus.IN_PROGRESS, AuditStatus.MODERATION)),
            findings_open=audit.status in (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED),
        )
        return ctx


class AuditUpdateView(AuditMixin, FormView):
    template_name = "audits/audit_form.html"
    form_class = AuditForm
    edit = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(kind=self.audit.kind, audit=self.audit)
        return kwargs

    def get_initial(self):
        a = self.audit
        return {"title": a.title, "description": a.description, "themes": list(a.themes.all()),
                "lead": a.lead, "planned_start": a.planned_start, "planned_end": a.planned_end,
                "actual_start": a.actual_start, "actual_end": a.actual_end,
                "month_due": a.month_due}

    def form_valid(self, form):
        try:
            services.audit_update(by=self.request.user, audit=self.audit,
                                  **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Audit details saved."))
        return redirect(self.audit)


class AuditTransitionView(PostOnlyAuditView):
    def post(self, request, *args, **kwargs):
        to_status = request.POST.get("to", "")
        try:
            audit = services.audit_transition(by=request.user, audit=self.audit,
                                              to_status=to_status, today=timezone.localdate())
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(ref)s is now “%(status)s”.")
                             % {"ref": audit.reference, "status": audit.get_status_display()})
        return self.redirect_back()


class ParticipantsView(AuditMixin, FormView):
    template_name = "audits/participants_form.html"
    page_title = gettext_lazy("Participating agencies")
    form_class = ParticipantsForm
    edit = True

    def dispatch(self, request, *args, **kwargs):
        if not self.get_audit().has_returns:
            raise Http404("A single-agency audit has no participants list.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.audit}

    def get_initial(self):
        return {"agencies": list(self.audit.returns.values_list("agency_id", flat=True))}

    def form_valid(self, form):
        try:
            services.participants_set(by=self.request.user, audit=self.audit,
                                      agencies=form.cleaned_data["agencies"])
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Participants saved."))
        return redirect(self.audit)


class CaseListView(AuditMixin, FormView):
    """The MACFA's sample: add cases, remove unanswered ones."""

    template_name = "audits/case_list.html"
    form_class = CaseForm
    edit = True

    def dispatch(self, request, *args, **kwargs):
        if not self.get_audit().is_macfa:
            raise Http404("Only a MACFA has a sample of cases.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cases = list(self.audit.cases.order_by("reference"))
        links = selectors.case_links(self.request.user, [c.reference for c in cases])
        ctx.update(cases=[{"case": c, "link": links.get(c.reference)} for c in cases],
                   locked=self.audit.tool_is_locked())
        return ctx

    def form_valid(self, form):
        try:
            case = services.case_add(by=self.request.user, audit=self.audit,
                                     **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(ref)s added to the sample.") % {"ref": case.reference})
        return redirect("audits:case_list", pk=self.audit.pk)


class CaseRemoveView(PostOnlyAuditView):
    def post(self, request, *args, **kwargs):
        case = self._case()
        try:
            services.case_remove(by=request.user, case=case)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(ref)s removed from the sample.")
                             % {"ref": case.reference})
        return redirect("audits:case_list", pk=self.audit.pk)

    def _case(self):
        case = self.audit.cases.filter(pk=self.kwargs["case_pk"]).first()
        if case is None:
            raise Http404("No such case in this audit.")
        return case


class ToolMixin(AuditMixin):
    """The audit tool: questions for a MACFA, standards for Section 11 / 175."""

    edit = True

    def dispatch(self, request, *args, **kwargs):
        audit = self.get_audit()
        if not (audit.is_macfa or audit.uses_standards):
            raise Http404("This audit has no audit tool.")
        return super().dispatch(request, *args, **kwargs)

    @property
    def item_model(self):
        return Question if self.audit.is_macfa else Standard

    @property
    def noun(self) -> str:
        return _("question") if self.audit.is_macfa else _("standard")

    def get_item(self):
        item = self.item_model.objects.filter(audit=self.audit, pk=self.kwargs["item_pk"]).first()
        if item is None:
            raise Http404("No such question or standard in this audit.")
        return item

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(noun=self.noun, locked=self.audit.tool_is_locked(),
                   tool_name=_("Audit tool: questions") if self.audit.is_macfa
                   else _("Standards"))
        return ctx


class ToolListView(ToolMixin, FormView):
    template_name = "audits/tool_list.html"
    form_class = ToolItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "noun": self.noun}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["items"] = list(self.item_model.objects.filter(audit=self.audit).order_by("number"))
        return ctx

    def form_valid(self, form):
        try:
            item = services.tool_item_add(by=self.request.user, audit=self.audit,
                                          **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(noun)s %(n)s added.")
                         % {"noun": self.noun.capitalize(), "n": item.number})
        return redirect("audits:tool_list", pk=self.audit.pk)


class ToolItemUpdateView(ToolMixin, FormView):
    template_name = "audits/tool_item_form.html"

    @property
    def page_title(self):
        return _("Edit %(noun)s %(n)s") % {"noun": self.noun, "n": self.get_item().number}
    form_class = ToolItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "noun": self.noun, "editing": True}

    def get_initial(self):
        item = self.get_item()
        return {"text": item.text, "short_label": item.short_label}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["item"] = self.get_item()
        return ctx

    def form_valid(self, form):
        item = self.get_item()
        try:
            services.tool_item_update(by=self.request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(noun)s %(n)s saved.")
                         % {"noun": self.noun.capitalize(), "n": item.number})
        return redirect("audits:tool_list", pk=self.audit.pk)


class ToolItemRemoveView(ToolMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        try:
            services.tool_item_remove(by=request.user, item=item)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(noun)s removed; the rest are renumbered.")
                             % {"noun": self.noun.capitalize()})
        return redirect("audits:tool_list", pk=self.audit.pk)


# --- returns ---------------------------------------------------------------------------------

class ReturnMixin(AuditMixin):
    """One agency's return in an audit the user can see. Another agency's return is refused
    with 403 (the audit is visible, its return is not yours) until moderation; changing one
    is refused unless it is your agency's."""

    edit_return = False

    def get_return(self) -> AgencyReturn:
        if hasattr(self, "_return"):
            return self._return
        audit, user = self.get_audit(), self.request.user
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
        r, audit = self.get_return(), self.audit
        if audit.is_macfa:
            ctx["sections"] = selectors.return_answers(r)
            ctx["case_links"] = selectors.case_links(
                self.request.user, [s["case"].reference for s in ctx["sections"]])
        else:
            ctx["ratings"] = selectors.return_ratings(r)
        editable = self.editable_now()
        ctx.update(editable=editable,
                   gaps=services.return_gaps(r) if editable else [],
                   can_reopen=(services.can_manage(self.request.user) and r.is_submitted
                               and audit.status == AuditStatus.IN_PROGRESS))
        record_access(user=self.request.user, action="view", obj=r, request=self.request)
        return ctx


class ReturnCaseUpdateView(ReturnMixin, FormView):
    template_name = "audits/return_case_form.html"
    form_class = ReturnCaseForm
    edit_return = True

    def get_case(self):
        case = self.audit.cases.filter(pk=self.kwargs["case_pk"]).first()
        if case is None:
            raise Http404("No such case in this audit.")
        return case

    def dispatch(self, request, *args, **kwargs):
        audit = self.get_audit()
        if not audit.is_macfa:
            raise Http404("Only a MACFA return has cases.")
        self.get_return()
        self.case = self.get_case()
        if not self.editable_now():
            return self.closed_redirect()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        r = self.get_return()
        answers = {a.question_id: a for a in r.answers.filter(case=self.case)}
        return {**super().get_form_kwargs(), "questions": self.audit.questions.order_by("number"),
                "answers": answers}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cases = list(self.audit.cases.order_by("reference"))
        index = next(i for i, c in enumerate(cases) if c.pk == self.case.pk)
        ctx.update(case=self.case, case_number=index + 1, case_count=len(cases),
                   next_case=cases[index + 1] if index + 1 < len(cases) else None)
        return ctx

    def form_valid(self, form):
        r = self.get_return()
        try:
            services.return_save_case(by=self.request.user, agency_return=r, case=self.case,
                                      answers=form.answers())
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Answers for %(ref)s saved.")
                         % {"ref": self.case.reference})
        cases = list(self.audit.cases.order_by("reference").values_list("pk", flat=True))
        index = cases.index(self.case.pk)
        if index + 1 < len(cases):
            return redirect("audits:return_case_update", pk=self.audit.pk, return_pk=r.pk,
                            case_pk=cases[index + 1])
        return redirect(r)


class ReturnRatingsUpdateView(ReturnMixin, FormView):
    template_name = "audits/return_ratings_form.html"
    form_class = RatingsForm
    edit_return = True

    def dispatch(self, request, *args, **kwargs):
        if not self.get_audit().uses_standards:
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

    def form_valid(self, form):
        r = self.get_return()
        try:
            services.return_save_ratings(by=self.request.user, agency_return=r,
                                         ratings=form.ratings())
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Self-assessment saved."))
        return redirect(r)


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


# --- moderation, results, findings -----------------------------------------------------------

class ModerationView(AuditMixin, FormView):
    template_name = "audits/moderation_form.html"
    form_class = ModerationForm
    edit = True

    def dispatch(self, request, *args, **kwargs):
        audit = self.get_audit()
        if not audit.has_returns:
            raise Http404("A single-agency audit is presented, not moderated.")
        if audit.status not in (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED):
            messages.info(request, _("Moderation opens when the audit moves to moderation."))
            return redirect(audit)
        return super().dispatch(request, *args, **kwargs)

    def get_results(self):
        if not hasattr(self, "_results"):
            self._results = (selectors.macfa_results(self.audit, with_narrative=True)
                             if self.audit.is_macfa
                             else selectors.standards_results(self.audit, with_evidence=True))
        return self._results

    def get_form_kwargs(self):
        results = self.get_results()
        kwargs = {**super().get_form_kwargs(), "audit": self.audit,
                  "returns": results.submitted}
        if self.audit.is_macfa:
            kwargs.update(cases=results.cases, questions=results.questions,
                          agreed=results.agreed)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        results = self.get_results()
        ctx["results"] = results
        if self.audit.is_macfa:
            ctx["case_tables"] = results.case_tables(selectors.case_links(
                self.request.user, [c.reference for c in results.cases]))
        return ctx

    def form_valid(self, form):
        try:
            services.moderation_record(by=self.request.user, audit=self.audit,
                                       today=timezone.localdate(), **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Moderation saved."))
        return redirect("audits:results", pk=self.audit.pk)


def results_context(user, audit: Audit) -> dict:
    """The results matrix for the results page and the report."""
    if audit.is_macfa:
        results = selectors.macfa_results(audit)
        return {"results": results, "matrix_rows": results.matrix_rows(),
                "agency_totals": results.agency_totals(),
                "case_tables": results.case_tables(
                    selectors.case_links(user, [c.reference for c in results.cases]))}
    results = selectors.standards_results(audit)
    return {"results": results, "matrix_rows": results.matrix_rows(),
            "standard_totals": results.standard_totals()}


class ResultsOpenMixin(AuditMixin):
    """Results and the report: partnership-wide roles always; participating agencies from
    moderation on (403 before, as the audit itself is visible to them)."""

    def dispatch(self, request, *args, **kwargs):
        audit = self.get_audit()
        if not audit.results_open_to(request.user):
            raise PermissionDenied(_("Agencies see the results from the moderation meeting "
                                     "on."))
        return super().dispatch(request, *args, **kwargs)


class ResultsView(ResultsOpenMixin, TemplateView):
    template_name = "audits/results.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.get_audit().has_returns:
            raise Http404("A single-agency audit has no results matrix.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(results_context(self.request.user, self.audit))
        return ctx


class FindingCreateView(AuditMixin, FormView):
    template_name = "audits/finding_form.html"
    page_title = gettext_lazy("Record a finding")
    form_class = FindingForm
    edit = True

    def dispatch(self, request, *args, **kwargs):
        self.get_audit()
        if not services.can_record_findings(request.user):
            raise PermissionDenied(_("Findings go into the action plan, which the co-ordinator "
                                     "keeps."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.audit}

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "")}

    def form_valid(self, form):
        try:
            finding = services.finding_add(by=self.request.user, audit=self.audit,
                                           **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Finding recorded as recommendation %(n)s in the "
                                         "action plan.")
                         % {"n": finding.recommendation.number})
        return HttpResponseRedirect(reverse("audits:audit_detail", args=[self.audit.pk])
                                    + f"#finding-{finding.pk}")


class FindingActionCreateView(AuditMixin, FormView):
    template_name = "audits/finding_action_form.html"
    page_title = gettext_lazy("Add an action for this finding")
    form_class = FindingActionForm
    edit = True

    def dispatch(self, request, *args, **kwargs):
        audit = self.get_audit()
        if not services.can_record_findings(request.user):
            raise PermissionDenied(_("Only the co-ordinator adds actions to an audit's plan."))
        self.finding = (Finding.objects.filter(audit=audit, pk=kwargs["finding_pk"])
                        .select_related("agency", "recommendation").first())
        if self.finding is None:
            raise Http404("No such finding in this audit.")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"lead_agency": self.finding.agency}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["finding"] = self.finding
        return ctx

    def form_valid(self, form):
        try:
            action = services.finding_action_create(
                by=self.request.user, finding=self.finding, today=timezone.localdate(),
                **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Action %(ref)s added; it is now in %(agency)s's "
                                         "action list.")
                         % {"ref": action.reference, "agency": action.lead_agency.short_name})
        return HttpResponseRedirect(reverse("audits:audit_detail", args=[self.audit.pk])
                                    + f"#finding-{self.finding.pk}")


class RotaPresentedView(AuditMixin, FormView):
    template_name = "audits/presented_form.html"
    page_title = gettext_lazy("Record the presentation")
    form_class = PresentedForm
    edit = True

    def dispatch(self, request, *args, **kwargs):
        if not self.get_audit().is_rota:
            raise Http404("Only a single-agency audit is presented on the rota.")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"date_presented": self.audit.date_presented or timezone.localdate()}

    def form_valid(self, form):
        try:
            services.rota_record_presented(by=self.request.user, audit=self.audit,
                                           today=timezone.localdate(), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Presentation recorded; the audit is now in "
                                         "moderation."))
        return redirect(self.audit)


# --- the report ------------------------------------------------------------------------------

def report_context(request, audit: Audit) -> dict:
    today = timezone.localdate()
    ctx = {"audit": audit, "title": f"{audit.reference}: {audit.title}", "today": today,
           "themes": list(audit.themes.all()),
           "returns": list(selectors.returns_for(audit)) if audit.has_returns else [],
           "findings": selectors.findings_for(request.user, audit, today=today)}
    ctx["strengths"] = [r["finding"] for r in ctx["findings"]
                        if r["finding"].kind == Finding.Kind.STRENGTH]
    ctx["improvements"] = [r["finding"] for r in ctx["findings"]
                           if r["finding"].kind == Finding.Kind.IMPROVEMENT]
    ctx["actions"] = selectors.plan_action_rows(request.user, audit, today=today)
    if audit.has_returns:
        ctx.update(results_context(request.user, audit))
    if audit.is_macfa:
        ctx["cases"] = list(audit.cases.order_by("reference"))
    return ctx


class ReportView(ResultsOpenMixin, View):
    """The audit report as a web page: the same template the PDF is printed from."""

    def get(self, request, *args, **kwargs):
        record_access(user=request.user, action="view", obj=self.audit, request=request)
        ctx = report_context(request, self.audit)
        ctx["screen"] = True
        return TemplateResponse(request, "audits/report.html", ctx)


class ReportPdfView(ReportView):
    def get(self, request, *args, **kwargs):
        pdf = render_pdf("audits/report.html", report_context(request, self.audit),
                         request=request)
        record_access(user=request.user, action="download", obj=self.audit, request=request)
        return pdf_response(pdf, f"{self.audit.reference}-audit-report.pdf")
