"""Agency summaries written in the browser (issue 18): asking, writing, submitting, returning,
accepting, who sees which, the combined chronology, and partners signing off in person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actions.models import Action
from reviews import clocks, services, summary_selectors
from reviews.models import AgencySummary, Attendance, RapidReview, SignOff, SummaryStatus
from tests.reviews import factories

D = dt.date
TODAY = D(2022, 4, 13)  # the day after the referral arrived (Child 1's dates)


@pytest.fixture
def rr(coordinator, wmp, swbnhs):
    case = factories.notification(by=coordinator, agencies=[wmp, swbnhs], today=TODAY)
    return case.rapid_review


DUE = D(2022, 4, 21)


def ask(rr, coordinator, *agencies, due=DUE):
    return {s.agency.short_name: s for s in services.summaries_ask(
        by=coordinator, rr=rr, today=TODAY, agencies=agencies, due_on=due)}


def write_and_submit(summary, by, entries=3, today=TODAY):
    services.summary_set_chronology(by=by, summary=summary, today=today, entries=[
        {"happened_on": D(2022, 3, n), "what": f"Event {n}", "who": "Response officer",
         "source": "Police log"} for n in range(entries, 0, -1)])
    services.summary_save(by=by, summary=summary, went_well="Quick attendance.",
                          could_be_better="Referral to children's services was late.",
                          actions_taken="Briefing to all response teams.",
                          learning_agency="Refer the same day.",
                          learning_partnership="Share concerns about siblings.")
    services.summary_set_actions(by=by, summary=summary, today=today, actions=[
        {"description": "Audit same-day referrals", "success_measure": "90% same day",
         "target_date": D(2022, 9, 30)}])
    return services.summary_submit(by=by, summary=summary, today=today)


def test_default_due_is_day_7_of_the_clock(rr, settings):
    # Referral received Tue 12 April 2022; Good Friday 15 and Easter Monday 18 April are
    # bank holidays, so day 7 is Monday 25 April.
    assert clocks.summary_due_default(rr.case, factories.CAL) == D(2022, 4, 25)
    settings.REVIEWS_SUMMARY_DUE_DAY = 10
    assert clocks.summary_due_default(rr.case, factories.CAL) == D(2022, 4, 28)
    assert clocks.rapid_review_day(rr.case, D(2022, 4, 28), factories.CAL) == 10


def test_ask_write_submit_locks_and_return_reopens(rr, coordinator, wmp_lead, wmp, swbnhs):
    asked = ask(rr, coordinator, wmp, swbnhs)
    assert {s.status for s in asked.values()} == {SummaryStatus.ASKED}
    summary = asked["WMP"]
    write_and_submit(summary, wmp_lead)
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SUBMITTED and summary.received_on == TODAY
    with pytest.raises(PermissionDenied):  # submitted: locked
        services.summary_save(by=wmp_lead, summary=summary, went_well="changed")
    summary.refresh_from_db()
    assert summary.went_well == "Quick attendance."
    with pytest.raises(ValidationError):
        services.summary_return(by=coordinator, summary=summary, comment=" ")
    services.summary_return(by=coordinator, summary=summary, comment="Add the GP contact.")
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.RETURNED and summary.received_on is None
    services.summary_save(by=wmp_lead, summary=summary, went_well="Quick attendance; GP told.",
                          could_be_better="x", actions_taken="y")
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.DRAFT


def test_submit_needs_chronology_and_analysis(rr, coordinator, wmp_lead, wmp):
    summary = ask(rr, coordinator, wmp)["WMP"]
    with pytest.raises(ValidationError) as exc:
        services.summary_submit(by=wmp_lead, summary=summary, today=TODAY)
    assert "chronology" in " ".join(exc.value.messages)
    assert AgencySummary.objects.get(pk=summary.pk).status == SummaryStatus.ASKED


def test_officer_writes_only_when_delegated(rr, coordinator, wmp_lead, wmp_officer, wmp):
    summary = ask(rr, coordinator, wmp)["WMP"]
    with pytest.raises(PermissionDenied):
        services.summary_save(by=wmp_officer, summary=summary, went_well="x")
    with pytest.raises(PermissionDenied):
        services.summary_delegate(by=wmp_officer, summary=summary, writer=wmp_officer)
    services.summary_delegate(by=wmp_lead, summary=summary, writer=wmp_officer)
    services.summary_save(by=wmp_officer, summary=summary, went_well="Officer's draft")
    assert AgencySummary.objects.get(pk=summary.pk).went_well == "Officer's draft"


def test_other_agency_and_coordinator_cannot_write(rr, coordinator, wmp, health_officer,
                                                    health_lead):
    summary = ask(rr, coordinator, wmp)["WMP"]
    for person in (coordinator, health_officer, health_lead):
        with pytest.raises(PermissionDenied):
            services.summary_save(by=person, summary=summary, went_well="forged")
    assert AgencySummary.objects.get(pk=summary.pk).went_well == ""


def test_accepting_makes_actions_led_by_the_agency(rr, coordinator, wmp_lead, wmp):
    summary = ask(rr, coordinator, wmp)["WMP"]
    write_and_submit(summary, wmp_lead)
    before = RapidReview.objects.get(pk=rr.pk).version_at
    made = services.summary_accept_actions(by=coordinator, summary=summary, today=TODAY)
    assert [(a.lead_agency, a.lead_officer, a.description) for a in made] == [
        (wmp, wmp_lead, "Audit same-day referrals")]
    rr.refresh_from_db()
    assert Action.objects.get(pk=made[0].pk).plan == rr.action_plan
    assert rr.version_at > before
    with pytest.raises(ValidationError):
        services.summary_accept_actions(by=coordinator, summary=summary, today=TODAY)
    with pytest.raises(ValidationError):  # in the plan: no longer returnable
        services.summary_return(by=coordinator, summary=summary, comment="late change")


def test_ask_keeps_started_summaries(rr, coordinator, wmp_lead, wmp, swbnhs):
    ask(rr, coordinator, wmp, swbnhs)
    services.summary_save(by=wmp_lead, summary=rr.agency_summaries.get(agency=wmp),
                          went_well="started")
    with pytest.raises(ValidationError):
        ask(rr, coordinator, swbnhs)
    ask(rr, coordinator, wmp, due=D(2022, 4, 25))  # SWBNHS (untouched) taken off
    assert [(s.agency, s.due_on) for s in rr.agency_summaries.all()] == [(wmp, D(2022, 4, 25))]
    with pytest.raises(ValidationError):
        ask(rr, coordinator, wmp, due=D(2022, 4, 1))


def _visible(user):
    return set(AgencySummary.objects.visible_to(user).values_list("agency__short_name",
                                                                   flat=True))


def test_before_the_meeting_each_agency_sees_its_own(rr, coordinator, wmp, swbnhs, wmp_lead,
                                                     health_officer, sct_officer, scrutineer):
    ask(rr, coordinator, wmp, swbnhs)
    assert _visible(wmp_lead) == {"WMP"}
    assert _visible(health_officer) == {"SWBNHS"}
    assert _visible(sct_officer) == set()
    assert _visible(scrutineer) == {"WMP", "SWBNHS"}
    # After the meeting (its date and who attended recorded): the agencies that attended see
    # all; SCT (a statutory partner that did not attend) and SWBNHS (apologies) do not.
    services.rr_update(by=coordinator, rr=rr, today=D(2022, 4, 28), meeting_date=D(2022, 4, 28))
    services.rr_set_attendees(by=coordinator, rr=rr, attendees=[
        {"name": "DI Jones", "role": "Detective Inspector", "agency": wmp,
         "attendance": Attendance.ATTENDED},
        {"name": "Dr Patel", "role": "Named doctor", "agency": swbnhs,
         "attendance": Attendance.APOLOGIES}])
    assert _visible(wmp_lead) == {"WMP", "SWBNHS"}
    assert _visible(sct_officer) == set()
    assert _visible(health_officer) == {"SWBNHS"}


def test_combined_chronology_in_date_order_by_agency(rr, coordinator, wmp, swbnhs, wmp_lead,
                                                     health_lead, scrutineer):
    asked = ask(rr, coordinator, wmp, swbnhs)
    write_and_submit(asked["WMP"], wmp_lead, entries=2)
    services.summary_set_chronology(by=health_lead, summary=asked["SWBNHS"], today=TODAY,
                                    entries=[{"happened_on": D(2022, 3, 1), "what": "Draft"}])
    rows = [(e.happened_on, e.summary.agency.short_name, e.what)
            for e in summary_selectors.combined_chronology(rr, scrutineer)]
    assert rows == [(D(2022, 3, 1), "WMP", "Event 1"), (D(2022, 3, 2), "WMP", "Event 2")]


def test_partner_signs_version_and_is_asked_again(rr, coordinator, wmp_lead, health_lead,
                                                  wmp):
    rr = factories.decided(rr.case, by=coordinator, today=D(2022, 6, 30))
    sign_off = services.rr_partner_sign_off(by=wmp_lead, rr=rr, today=D(2022, 6, 30))
    assert sign_off.in_person and sign_off.version_at == rr.version_at
    with pytest.raises(ValidationError):
        services.rr_partner_sign_off(by=wmp_lead, rr=rr, today=D(2022, 6, 30))
    with pytest.raises(PermissionDenied):  # SWBNHS is not a statutory partner
        services.rr_partner_sign_off(by=health_lead, rr=rr, today=D(2022, 6, 30))
    services.rr_update(by=coordinator, rr=rr, today=D(2022, 7, 1), meeting_date=rr.meeting_date,
                       facts_and_chronology="Corrected.")
    rr.refresh_from_db()
    assert not SignOff.objects.get(pk=sign_off.pk).is_current(rr)
    assert [p.short_name for p, earlier in services.missing_sign_offs(rr, [wmp])] == ["WMP"]
    again = services.rr_partner_sign_off(by=wmp_lead, rr=rr, today=D(2022, 7, 1))
    assert again.pk == sign_off.pk and again.is_current(rr)
    assert services.missing_sign_offs(rr, [wmp]) == []


def test_recorded_sign_off_says_how(rr, coordinator, sct):
    rr = factories.decided(rr.case, by=coordinator, today=D(2022, 6, 30))
    s = services.rr_record_sign_off(by=coordinator, rr=rr, today=D(2022, 6, 30), agency=sct,
                                    name="A Director", role="Director", signed_on=D(2022, 6, 29),
                                    how="by e-mail")
    assert not s.in_person and s.how == "by e-mail" and s.is_current(rr)


# --- pages -----------------------------------------------------------------------------------

def test_pages_for_the_agency_and_others(rr, coordinator, wmp, wmp_lead, sct_officer,
                                         health_officer, client_for):
    summary = ask(rr, coordinator, wmp)["WMP"]
    url = reverse("reviews:summary_detail", args=[summary.pk])
    assert client_for(wmp_lead).get(url).status_code == 200
    assert client_for(sct_officer).get(url).status_code == 404
    assert client_for(health_officer).get(url).status_code == 404
    response = client_for(coordinator).get(reverse("reviews:summary_edit", args=[summary.pk]))
    assert response.status_code == 403


def test_rr_page_shows_states_and_403_wording(rr, coordinator, wmp, swbnhs, wmp_lead,
                                              wmp_officer, client_for):
    asked = ask(rr, coordinator, wmp, swbnhs, due=D(2022, 4, 21))
    write_and_submit(asked["WMP"], wmp_lead)
    page = client_for(wmp_lead).get(rr.get_absolute_url())
    assert page.status_code == 200  # WMP: a statutory partner's lead
    body = page.content.decode()
    assert "Submitted" in body and "Asked" in body and "day 5 of 15" in body
    assert "Event 3" in body  # its own entries, in the combined chronology
    refused = client_for(wmp_officer).get(rr.get_absolute_url())
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "safeguarding leads of the agencies on its panel" in text
    assert "not yours to change" not in text


def test_minutes_pdf_has_the_combined_chronology(rr, coordinator, wmp, wmp_lead, client_for):
    write_and_submit(ask(rr, coordinator, wmp)["WMP"], wmp_lead)
    html = client_for(wmp_lead).get(reverse("reviews:rr_minutes", args=[rr.pk]))
    assert "combined chronology" in html.content.decode() and "Event 2" in html.content.decode()
    pdf = client_for(wmp_lead).get(reverse("reviews:rr_minutes_pdf", args=[rr.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["coordinator", "wmp_lead"])
def test_rr_page_and_minutes_queries_do_not_grow_with_summaries(
        rr, personas, coordinator, wmp, swbnhs, sct, wmp_lead, health_lead, client_for,
        monkeypatch, persona):
    import scsp.pdf

    monkeypatch.setattr(scsp.pdf, "html_to_pdf", lambda html, **kw: b"%PDF-1.7 test")
    from scsp.roles import Role
    from tests.factories import UserFactory

    sct_lead = UserFactory(agency=sct, email="lead@sct.test", full_name="Sam Trustlead",
                           role=Role.AGENCY_LEAD)
    asked = ask(rr, coordinator, wmp, swbnhs, sct)
    write_and_submit(asked["WMP"], wmp_lead, entries=1)
    services.rr_set_attendees(by=coordinator, rr=rr, attendees=[
        {"name": "Person", "role": "Lead", "agency": wmp, "attendance": Attendance.ATTENDED}])
    client = client_for(personas[persona])
    urls = [rr.get_absolute_url(), reverse("reviews:rr_minutes", args=[rr.pk]),
            reverse("reviews:rr_minutes_pdf", args=[rr.pk])]
    one = [_queries(client, url) for url in urls]
    write_and_submit(asked["SWBNHS"], health_lead, entries=3)
    write_and_submit(asked["SCT"], sct_lead, entries=3)
    services.rr_set_attendees(by=coordinator, rr=rr, attendees=[
        {"name": f"Person {i}", "role": "Lead", "agency": a, "attendance": Attendance.ATTENDED}
        for i, a in enumerate((wmp, swbnhs, sct))])
    services.rr_update(by=coordinator, rr=rr, today=TODAY, meeting_date=D(2022, 4, 20))
    many = [_queries(client, url) for url in urls]
    assert many == one, (persona, one, many)
    assert max(one) <= 32, one


def test_home_page_lists_the_summaries_to_write(rr, coordinator, wmp, wmp_lead, wmp_officer,
                                                client_for):
    summary = ask(rr, coordinator, wmp)["WMP"]
    link = summary.get_absolute_url()
    assert link in client_for(wmp_lead).get(reverse("scsp:home")).content.decode()
    assert link not in client_for(wmp_officer).get(reverse("scsp:home")).content.decode()
    services.summary_delegate(by=wmp_lead, summary=summary, writer=wmp_officer)
    assert link in client_for(wmp_officer).get(reverse("scsp:home")).content.decode()
    write_and_submit(summary, wmp_officer)
    assert link not in client_for(wmp_lead).get(reverse("scsp:home")).content.decode()


def test_a_change_while_reading_is_not_signed_unseen(rr, coordinator, wmp_lead, client_for):
    rr = factories.decided(rr.case, by=coordinator, today=D(2022, 6, 30))
    url = reverse("reviews:rr_partner_sign_off", args=[rr.pk])
    client = client_for(wmp_lead)
    seen = rr.version_at.isoformat()
    assert seen in client.get(url).content.decode()
    services.rr_update(by=coordinator, rr=rr, today=D(2022, 7, 1), meeting_date=rr.meeting_date,
                       facts_and_chronology="Changed while the partner read it.")
    response = client.post(url, {"confirm": "on", "version_seen": seen})
    assert response.status_code == 200 and "changed while you were reading" in (
        response.content.decode())
    assert not SignOff.objects.filter(rapid_review=rr).exists()
