"""Reviews: who may open each page.

The world has two cases:

* ``case_wmp``: a notification with WMP involved (not SWBNHS). Its Rapid Review decided an
  LCSPR. WMP staff see the case summary (200) but not the full Rapid Review (403); the health
  officer gets 404 on all of it.
* ``case_health``: a partner referral from SWBNHS, WMP not involved; the subgroup asked for a
  learning briefing, which has a briefing file. WMP staff get 404; the health officer 200 to
  read, 403 to change.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reviews import services
from reviews.models import ReferralDecision
from scsp.roles import Role
from tests.factories import UserFactory
from tests.matrix import Row, only, statuses
from tests.reviews import factories

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def build_world(world, personas):
    coordinator = personas["coordinator"]
    wmp = personas["wmp_officer"].agency
    health = personas["health_officer"].agency
    case_wmp = factories.notification(by=coordinator, agencies=[wmp])
    rr = factories.decided(case_wmp, by=coordinator)
    case_health = factories.referral(by=coordinator, agencies=[health], referring_agency=health)
    services.referral_decide(by=coordinator, case=case_health, today=D(2022, 6, 30),
                             decision=ReferralDecision.LEARNING_BRIEFING,
                             rationale="Learning for health visiting.", decided_on=D(2022, 6, 20),
                             cal=factories.CAL)
    review_lb = case_health.practice_reviews.get()
    briefing = services.review_upload_briefing(
        by=coordinator, review=review_lb,
        upload=SimpleUploadedFile("briefing.pdf", PDF, content_type="application/pdf"),
    )
    world.update(case_wmp=case_wmp, rr_wmp=rr, review_lcspr=rr.practice_reviews.get(),
                 case_health=case_health, review_lb=review_lb, briefing=briefing)
    build_summaries(world, personas, rr, wmp, health)


def build_summaries(world, personas, rr, wmp, health):
    """Agency summaries on the WMP Rapid Review (the panel has not met: no attendees): WMP's
    is a complete draft; SWBNHS's was submitted by its lead with one proposed action."""
    coordinator, today = personas["coordinator"], timezone.localdate()
    asked = {s.agency_id: s for s in services.summaries_ask(
        by=coordinator, rr=rr, today=today, agencies=[wmp, health],
        due_on=today + dt.timedelta(days=7))}
    health_lead = UserFactory(agency=health, email="lead18@swbnhs.test",
                              full_name="Harriet Healthlead", role=Role.AGENCY_LEAD)
    for summary, lead in ((asked[wmp.pk], personas["wmp_lead"]), (asked[health.pk], health_lead)):
        services.summary_set_chronology(by=lead, summary=summary, today=today, entries=[
            {"happened_on": today - dt.timedelta(days=30), "what": "Home visit",
             "who": "Officer", "source": "Log"}])
        services.summary_save(by=lead, summary=summary, went_well="Prompt.",
                              could_be_better="Sharing.", actions_taken="Briefing.")
        services.summary_set_actions(by=lead, summary=summary, today=today, actions=[
            {"description": "Audit visits", "success_measure": "Audit done",
             "target_date": today + dt.timedelta(days=90)}])
    services.summary_submit(by=health_lead, summary=asked[health.pk], today=today)
    world.update(summary_wmp=asked[wmp.pk], summary_health=asked[health.pk],
                 health_lead=health_lead)


def pk(name):
    return lambda w: {"pk": w[name].pk}


# Pages that change a record of the WMP case / Rapid Review: the co-ordinator only; people
# who can see it get 403, the health officer (outside scope) 404.
RR_EDIT = statuses(403, coordinator=200, health_officer=404)
# The full Rapid Review: partnership-wide roles and the leads of the panel's agencies (WMP is
# a statutory partner); other staff of an involved agency 403, the rest 404.
RR_READ = statuses(200, wmp_lead=200, wmp_officer=403, health_officer=404)
# WMP's draft summary: WMP reads it, its lead writes it (the officer only when delegated); the
# business unit reads it but never writes it; SWBNHS (not on the panel yet) 404.
SUMMARY_WRITE = statuses(403, wmp_lead=200, health_officer=404)
# SWBNHS's submitted summary: the business unit returns or accepts it; WMP cannot see it (the
# panel has not met); SWBNHS reads it but it is locked.
SUMMARY_DECIDE = statuses(403, coordinator=200, wmp_lead=404, wmp_officer=404)
# Pages that change the health case or its review: WMP is outside scope (404).
HEALTH_EDIT = statuses(403, coordinator=200, wmp_lead=404, wmp_officer=404)

ROWS = [
    Row("reviews:case_list", statuses(), note="agency staff see only their cases"),
    Row("reviews:case_export", statuses()),
    Row("reviews:case_notify", only("coordinator")),
    Row("reviews:case_refer", only("coordinator", "wmp_lead"),
        note="agency safeguarding leads refer; officers do not"),
    Row("reviews:case_detail", statuses(health_officer=404), kwargs=pk("case_wmp"),
        note="WMP involved: summary for WMP; SWBNHS not involved: 404"),
    Row("reviews:case_update", HEALTH_EDIT, kwargs=pk("case_health")),
    Row("reviews:case_legal_hold", HEALTH_EDIT, kwargs=pk("case_health"),
        note="the co-ordinator only (Ability.PLACE_LEGAL_HOLD); the case's scope as editing"),
    Row("reviews:case_children", RR_EDIT, kwargs=pk("case_wmp")),
    Row("reviews:referral_decide", HEALTH_EDIT, kwargs=pk("case_health")),
    Row("reviews:rr_detail", RR_READ, kwargs=pk("rr_wmp"),
        note="the full Rapid Review is for partnership-wide roles and the panel's leads"),
    Row("reviews:rr_summaries_ask", RR_EDIT, kwargs=pk("rr_wmp")),
    Row("reviews:rr_partner_sign_off", statuses(403, wmp_lead=200, health_officer=404),
        kwargs=pk("rr_wmp"), note="a statutory partner's lead signs in person"),
    Row("reviews:summary_detail", statuses(health_officer=404), kwargs=pk("summary_wmp"),
        note="until the panel meets an agency sees only its own"),
    Row("reviews:summary_edit", SUMMARY_WRITE, kwargs=pk("summary_wmp")),
    Row("reviews:summary_chronology", SUMMARY_WRITE, kwargs=pk("summary_wmp")),
    Row("reviews:summary_actions", SUMMARY_WRITE, kwargs=pk("summary_wmp")),
    Row("reviews:summary_delegate", SUMMARY_WRITE, kwargs=pk("summary_wmp")),
    Row("reviews:summary_submit", statuses(403, coordinator=405, wmp_lead=405,
                                           health_officer=404),
        kwargs=pk("summary_wmp"), note="a button (POST only)"),
    Row("reviews:summary_return", SUMMARY_DECIDE, kwargs=pk("summary_health")),
    Row("reviews:summary_accept", statuses(403, coordinator=405, wmp_lead=404, wmp_officer=404),
        kwargs=pk("summary_health"), note="a button (POST only)"),
    Row("reviews:rr_update", RR_EDIT, kwargs=pk("rr_wmp")),
    Row("reviews:rr_attendees", RR_EDIT, kwargs=pk("rr_wmp")),
    Row("reviews:rr_summaries", RR_EDIT, kwargs=pk("rr_wmp")),
    Row("reviews:rr_decide", RR_EDIT, kwargs=pk("rr_wmp")),
    Row("reviews:rr_sign_off", statuses(403, coordinator=200, chair=200, health_officer=404),
        kwargs=pk("rr_wmp"), note="the chair signs off; the co-ordinator records partners'"),
    Row("reviews:rr_panel", RR_EDIT, kwargs=pk("rr_wmp")),
    Row("reviews:rr_action_create", RR_EDIT, kwargs=pk("rr_wmp")),
    Row("reviews:rr_minutes", RR_READ, kwargs=pk("rr_wmp")),
    Row("reviews:rr_minutes_pdf", RR_READ, kwargs=pk("rr_wmp")),
    Row("reviews:review_list", statuses()),
    Row("reviews:review_export", statuses()),
    Row("reviews:review_create", only("coordinator")),
    Row("reviews:review_detail", statuses(health_officer=404), kwargs=pk("review_lcspr")),
    Row("reviews:review_update", HEALTH_EDIT, kwargs=pk("review_lb")),
    Row("reviews:review_stages", HEALTH_EDIT, kwargs=pk("review_lb")),
    Row("reviews:review_check_create", HEALTH_EDIT, kwargs=pk("review_lb")),
    Row("reviews:review_recommendation_create", HEALTH_EDIT, kwargs=pk("review_lb")),
    Row("reviews:review_outcome", HEALTH_EDIT, kwargs=pk("review_lb")),
    Row("reviews:review_briefing_upload", HEALTH_EDIT, kwargs=pk("review_lb")),
    Row("reviews:review_briefing_download", statuses(wmp_lead=404, wmp_officer=404),
        kwargs=lambda w: {"pk": w["review_lb"].pk, "file_pk": w["briefing"].pk}),
]
