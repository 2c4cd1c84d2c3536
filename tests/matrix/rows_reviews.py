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

from reviews import services
from reviews.models import ReferralDecision
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


def pk(name):
    return lambda w: {"pk": w[name].pk}


# Pages that change a record of the WMP case / Rapid Review: the co-ordinator only; people
# who can see it get 403, the health officer (outside scope) 404.
RR_EDIT = statuses(403, coordinator=200, health_officer=404)
RR_READ = statuses(200, wmp_lead=403, wmp_officer=403, health_officer=404)
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
        note="the full Rapid Review is for partnership-wide roles"),
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
