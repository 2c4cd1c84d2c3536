"""Audits: who may open which page.

The world has WMP (wmp_lead, wmp_officer) and SWBNHS (health_officer) in two MACFAs and a
Section 11 round, a MACFA that only SCT takes part in (so WMP and SWBNHS get 404), and a WMP
slot on the single-agency rota. POST-only buttons answer GET with 405 once the user passes
the permission check (so 403/404 still show who may not press them)."""

from django.utils import timezone

from audits import services
from audits.models import AuditKind, AuditStatus, Grade
from tests.audits.factories import answer_all, make_macfa, return_of, submit
from tests.factories import AgencyFactory
from tests.matrix import Row, only, statuses


def build_world(world, personas):
    coordinator = personas["coordinator"]
    wmp = personas["wmp_officer"].agency
    swbnhs = personas["health_officer"].agency
    sct = AgencyFactory(name="Sandwell Children's Trust", short_name="SCT")
    today = timezone.localdate()

    world["macfa_open"] = make_macfa(coordinator, [wmp, swbnhs], today=today)
    world["wmp_return"] = return_of(world["macfa_open"], wmp)
    world["case"] = world["macfa_open"].cases.first()
    world["question"] = world["macfa_open"].questions.first()

    moderated = make_macfa(coordinator, [wmp, swbnhs], title="Moderated", today=today)
    submit(personas["wmp_officer"],
           answer_all(personas["wmp_officer"], return_of(moderated, wmp), Grade.GOOD))
    world["macfa_mod"] = services.audit_transition(
        by=coordinator, audit=moderated, to_status=AuditStatus.MODERATION, today=today)
    world["finding"] = services.finding_add(by=coordinator, audit=world["macfa_mod"],
                                            kind="improvement", text="Fathers not seen.",
                                            agency=wmp)

    world["macfa_sct"] = make_macfa(coordinator, [sct], title="SCT only", today=today)

    s11 = services.audit_create(by=coordinator, kind=AuditKind.SECTION_11, title="Section 11",
                                lead=coordinator, today=today, agencies=[wmp, swbnhs])
    world["s11"] = services.audit_transition(by=coordinator, audit=s11,
                                             to_status=AuditStatus.IN_PROGRESS, today=today)
    world["s11_wmp_return"] = return_of(world["s11"], wmp)

    world["slot"] = services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY,
                                          title="Missing children", lead=coordinator,
                                          today=today, agency=wmp, month_due=today)


#: Audits are managed by the co-ordinator (Ability.MANAGE_AUDITS); the chair and the
#: scrutineer read them.
MANAGERS = only("coordinator")
#: A POST-only button for managers: 405 to a GET once allowed, 403 for everyone else who can
#: see the audit.
MANAGER_BUTTON = statuses(403, coordinator=405)
OWN_AGENCY = only("wmp_lead", "wmp_officer")
COORDINATOR_ONLY = only("coordinator")


def _open(w):
    return {"pk": w["macfa_open"].pk}


def _wmp_return(w):
    return {"pk": w["macfa_open"].pk, "return_pk": w["wmp_return"].pk}


ROWS = [
    Row("audits:audit_list", statuses()),
    Row("audits:rota", statuses(), note="agencies see only their own slots"),
    Row("audits:audit_create", MANAGERS, kwargs=lambda w: {"kind": "macfa"}),
    Row("audits:audit_detail",
        statuses(404, coordinator=200, chair=200, scrutineer=200),
        kwargs=lambda w: {"pk": w["macfa_sct"].pk},
        note="an audit WMP and SWBNHS take no part in: 404, not 403"),
    Row("audits:audit_update", MANAGERS, kwargs=_open),
    Row("audits:audit_transition",
        statuses(404, coordinator=405, chair=403, scrutineer=403),
        kwargs=lambda w: {"pk": w["macfa_sct"].pk}, note="POST only"),
    Row("audits:participants_update", MANAGERS, kwargs=_open),
    Row("audits:case_list", MANAGERS, kwargs=_open),
    Row("audits:case_remove", MANAGER_BUTTON,
        kwargs=lambda w: {"pk": w["macfa_open"].pk, "case_pk": w["case"].pk}),
    Row("audits:tool_list", MANAGERS, kwargs=_open),
    Row("audits:tool_item_update", MANAGERS,
        kwargs=lambda w: {"pk": w["macfa_open"].pk, "item_pk": w["question"].pk}),
    Row("audits:tool_item_remove", MANAGER_BUTTON,
        kwargs=lambda w: {"pk": w["macfa_open"].pk, "item_pk": w["question"].pk}),
    Row("audits:return_detail", statuses(health_officer=403), kwargs=_wmp_return,
        note="SWBNHS may not read WMP's return before moderation"),
    Row("audits:return_case_update", OWN_AGENCY,
        kwargs=lambda w: {**_wmp_return(w), "case_pk": w["case"].pk},
        note="only WMP completes WMP's return; the co-ordinator does not write it"),
    Row("audits:return_ratings_update", OWN_AGENCY,
        kwargs=lambda w: {"pk": w["s11"].pk, "return_pk": w["s11_wmp_return"].pk}),
    Row("audits:return_submit", statuses(403, wmp_lead=405, wmp_officer=405),
        kwargs=_wmp_return, note="POST only"),
    Row("audits:return_reopen", MANAGER_BUTTON, kwargs=_wmp_return, note="POST only"),
    Row("audits:moderation_update", MANAGERS, kwargs=lambda w: {"pk": w["macfa_mod"].pk}),
    Row("audits:results", only("coordinator", "chair", "scrutineer"), kwargs=_open,
        note="agencies see results from moderation on"),
    Row("audits:finding_create", COORDINATOR_ONLY, kwargs=lambda w: {"pk": w["macfa_mod"].pk},
        note="findings write to the action plan, which only the co-ordinator changes"),
    Row("audits:finding_action_create", COORDINATOR_ONLY,
        kwargs=lambda w: {"pk": w["macfa_mod"].pk, "finding_pk": w["finding"].pk}),
    Row("audits:rota_presented", statuses(403, coordinator=200, health_officer=404),
        kwargs=lambda w: {"pk": w["slot"].pk}),
    Row("audits:report", statuses(), kwargs=lambda w: {"pk": w["macfa_mod"].pk},
        note="in moderation, participating agencies see the report"),
    Row("audits:report_pdf", statuses(), kwargs=lambda w: {"pk": w["macfa_mod"].pk}),
]
