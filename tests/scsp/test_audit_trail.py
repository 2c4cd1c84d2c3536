"""The audit trail (issue 15): what the access log records (kinds, cases, refusals folded per
minute), the change history's index, the pages and their CSV, a member of staff's records,
the hash chains and their verification, retention and legal hold."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from reviews import services
from scsp.audit import Kind, record_access
from scsp.audit.chain import verify
from scsp.audit.changes import indexed_at_the_end
from scsp.audit.refusals import seal_refusals
from scsp.models import AccessEvent, AccessEventCase, ChainHead, ChangeEvent, ChangeEventCase
from tests.actions.factories import ActionFactory
from tests.factories import ThemeFactory
from tests.querycount import assert_flat, page_rows
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


def kinds(**filters):
    return list(AccessEvent.objects.filter(**filters).order_by("seq")
                .values_list("kind", flat=True))


@pytest.fixture
def child_case(coordinator, wmp, swbnhs):
    """SLPR-2022-001: Child 1, with its Rapid Review decided (so an LCSPR and a plan)."""
    case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=("Child 1",))
    f.decided(case, by=coordinator)
    case.refresh_from_db()
    return case


@pytest.fixture
def other_case(coordinator, swbnhs):
    return f.notification(by=coordinator, agencies=[swbnhs], pseudonyms=("Baby H",),
                          aware=D(2022, 5, 2), received=D(2022, 5, 3), notified=D(2022, 5, 4),
                          incident=D(2022, 5, 1))


# --- what is recorded ---------------------------------------------------------------------------


def test_viewing_the_minutes_is_not_viewing_the_rapid_review(client_for, chair, child_case,
                                                             monkeypatch):
    import scsp.pdf

    monkeypatch.setattr(scsp.pdf, "html_to_pdf", lambda html, **kw: b"%PDF-1.7 test")
    client = client_for(chair)
    rr = child_case.rapid_review
    client.get(reverse("reviews:rr_detail", args=[rr.pk]))
    client.get(reverse("reviews:rr_minutes", args=[rr.pk]))
    client.get(reverse("reviews:rr_minutes_pdf", args=[rr.pk]))
    events = AccessEvent.objects.filter(user=chair, object_type="reviews.RapidReview")
    assert [e.kind for e in events.order_by("seq")] == [
        Kind.VIEW, Kind.VIEW_MINUTES, Kind.MINUTES_PDF]
    for event in events:
        assert event.case_reference == child_case.reference
        assert event.agency_id == chair.agency_id
        assert event.ip_address == "127.0.0.1" and len(event.request_id) == 36
        assert event.label == f"{child_case.reference} RR"


def test_every_record_about_a_case_carries_it(client_for, coordinator, child_case, other_case,
                                              wmp, wmp_officer):
    """A plan's action knows its case through its Rapid Review; a thematic review concerns
    each case it names."""
    review = child_case.practice_reviews.get()
    review.cases.add(other_case)
    plan = child_case.rapid_review.action_plan or action_services.plan_create(
        by=coordinator, title="Plan", origin_kind="rapid_review",
        origin_reference=child_case.reference)
    action = ActionFactory(plan=child_case.rapid_review.action_plan, lead_agency=wmp,
                           lead_officer=wmp_officer) if child_case.rapid_review.action_plan \
        else ActionFactory(plan=plan, lead_agency=wmp, lead_officer=wmp_officer)
    client = client_for(coordinator)
    client.get(reverse("reviews:review_detail", args=[review.pk]))
    client.get(reverse("reviews:case_detail", args=[child_case.pk]))
    if child_case.rapid_review.action_plan:
        client.get(reverse("actions:action_detail", args=[action.pk]))
        event = AccessEvent.objects.get(object_type="actions.Action")
        assert event.cases == [child_case.reference]
    review_event = AccessEvent.objects.get(object_type="reviews.PracticeReview")
    assert sorted(review_event.cases) == sorted([child_case.reference, other_case.reference])
    assert sorted(review_event.case_links.values_list("case_reference", flat=True)) == sorted(
        [child_case.reference, other_case.reference])


def test_sign_in_and_out_and_failures_are_events_without_secrets(client, wmp_officer):
    from tests.factories import PASSWORD

    client.post(reverse("scsp:login"), {"username": wmp_officer.email,
                                        "password": "a-secret-guess-123"})
    client.post(reverse("scsp:login"), {"username": "nobody@nowhere.test",
                                        "password": "another-secret-456"})
    client.post(reverse("scsp:login"), {"username": wmp_officer.email, "password": PASSWORD})
    client.post(reverse("scsp:logout"))
    assert kinds() == [Kind.SIGN_IN_FAILED, Kind.SIGN_IN_FAILED, Kind.SIGN_IN, Kind.SIGN_OUT]
    failed = AccessEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).order_by("seq")
    assert failed[0].user is None and failed[0].object_id == str(wmp_officer.pk)
    assert failed[1].object_id == "" and failed[1].label == ""
    everything = str(list(AccessEvent.objects.values()))
    assert "secret-guess" not in everything and "another-secret" not in everything
    assert "nobody@nowhere" not in everything


# --- refusals ------------------------------------------------------------------------------------


def test_a_refusal_names_the_record_and_its_case(client_for, health_officer, child_case):
    client = client_for(health_officer)
    response = client.get(reverse("reviews:case_detail", args=[child_case.pk]),
                          REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 404
    event = AccessEvent.objects.get(kind=Kind.REFUSED)
    assert (event.user, event.status, event.object_type, event.object_id) == (
        health_officer, 404, "reviews.Case", str(child_case.pk))
    assert event.case_reference == child_case.reference and event.label == child_case.reference
    assert event.ip_address == "10.9.8.7" and event.request_id == response["X-Request-ID"]
    assert event.detail == "not found or outside their scope"
    assert child_case.case_outline not in str(list(AccessEvent.objects.values()))


def test_role_refusals_and_anonymous_probes_are_recorded(client, client_for, wmp_officer,
                                                         chair, child_case):
    assert client_for(wmp_officer).get(reverse("scsp:access_log")).status_code == 403
    assert client_for(chair).get(reverse("reviews:case_update",
                                         args=[child_case.pk])).status_code == 403
    client.logout()
    assert client.get("/wp-admin/setup.php").status_code == 404
    refused = AccessEvent.objects.filter(kind=Kind.REFUSED).order_by("seq")
    assert [(e.user, e.status, e.detail) for e in refused] == [
        (wmp_officer, 403, "not for their role"),
        (chair, 403, "not theirs to change"),
        (None, 404, "no such page")]
    assert refused[1].case_reference == child_case.reference
    assert refused[2].path == "/wp-admin/setup.php"


def test_a_flood_of_identical_refusals_is_folded_but_every_one_counted(client):
    start = timezone.now().replace(second=5, microsecond=0)
    with time_machine.travel(start, tick=False):
        for _ in range(30):
            assert client.get("/no-such-page/").status_code == 404
        client.get("/another-page/")
    assert AccessEvent.objects.filter(kind=Kind.REFUSED).count() == 2  # one per path so far
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        assert seal_refusals() == 1
    rows = AccessEvent.objects.filter(kind=Kind.REFUSED, path="/no-such-page/").order_by("seq")
    assert [r.count for r in rows] == [1, 29]
    assert "29 more identical refusals" in rows[1].detail
    assert sum(AccessEvent.objects.filter(kind=Kind.REFUSED).values_list("count", flat=True)) \
        == 31
    assert verify("access").ok


# --- the change history's index -------------------------------------------------------------


def test_changes_show_labels_and_display_values_across_a_case(coordinator, child_case):
    c = child_case
    services.case_update(
        by=coordinator, case=c, today=f.TODAY, cal=f.CAL, police_investigation="yes",
        case_outline="Changed outline.", referral_received_on=c.referral_received_on,
        incident_type=c.incident_type, agencies_involved=list(c.agencies_involved.all()),
        route=c.route, incident_date=c.incident_date, became_aware_on=c.became_aware_on,
        notification_submitted_on=c.notification_submitted_on,
        referring_agency=c.referring_agency, location=c.location,
        harm_categories=[h.category for h in c.harms.all()], themes=list(c.themes.all()))
    change = ChangeEvent.objects.filter(model_label="reviews.Case", history_type="~").latest("seq")
    labels = {label: (before, after) for _n, label, before, after in change.changes}
    assert labels["Police investigation"] == ("Not known", "Yes")
    assert labels["Case outline"][1] == "Changed outline."
    assert change.user == coordinator and change.case_reference == child_case.reference
    timeline = set(ChangeEvent.objects.filter(case_links__case_reference=child_case.reference)
                   .values_list("model_label", flat=True))
    assert {"reviews.Case", "reviews.RapidReview", "reviews.PracticeReview",
            "reviews.Child"} <= timeline


@pytest.mark.template_context
def test_the_change_history_page_filters_across_record_types(client_for, coordinator,
                                                             scrutineer, child_case):
    ThemeFactory(name="Early help")
    client = client_for(scrutineer)
    page = client.get(reverse("scsp:change_history"), {"case": "Child 1"})
    body = page.content.decode()
    assert "Rapid Review" in body and "Practice review" in body and "Early help" not in body
    assert all(child_case.reference in c.cases for c in page.context["changes"])
    by_person = client.get(reverse("scsp:change_history"), {"person": "Carol"})
    assert by_person.context["paginator"].count == ChangeEvent.objects.filter(
        user=coordinator).count()
    future = client.get(reverse("scsp:change_history"), {"since": "2099-01-01"})
    assert future.context["paginator"].count == 0
    csv_rows = list(csv.reader(io.StringIO(b"".join(client.get(
        reverse("scsp:change_history"), {"case": child_case.reference, "export": "csv"})
        .streaming_content).decode("utf-8-sig"))))
    assert csv_rows[0][:3] == ["When", "Who", "Record type"]
    assert AccessEvent.objects.get(kind=Kind.EXPORT).object_type == "scsp.ChangeEvent"


@pytest.mark.template_context
def test_change_history_queries_do_not_grow(client_for, coordinator):
    client = client_for(coordinator)

    def make_rows(n):
        for i in range(n):
            ThemeFactory(name=f"Theme {ChangeEvent.objects.count()} {i}")

    assert_flat(client, reverse("scsp:change_history"), make_rows, most=14,
                data={"record_type": "scsp.Theme"}, expect_rows=page_rows)


# --- the access log page -------------------------------------------------------------------


@pytest.mark.template_context
def test_who_looked_at_child_1s_minutes_last_month(client_for, chair, coordinator, scrutineer,
                                                   health_officer, child_case, other_case):
    rr = child_case.rapid_review
    last_month = timezone.now() - dt.timedelta(days=20)
    with time_machine.travel(last_month, tick=False):
        client_for(chair).get(reverse("reviews:rr_minutes", args=[rr.pk]))
        client_for(coordinator).get(reverse("reviews:rr_minutes",
                                            args=[other_case.rapid_review.pk]))
        client_for(health_officer).get(reverse("reviews:rr_minutes", args=[rr.pk]))
    client = client_for(scrutineer)
    since, until = (timezone.localdate() - dt.timedelta(days=30)).isoformat(), \
        timezone.localdate().isoformat()
    response = client.get(reverse("scsp:access_log"), {
        "case": "Child 1", "kind": Kind.VIEW_MINUTES, "since": since, "until": until})
    events = list(response.context["events"])
    assert [(e.user, e.kind) for e in events] == [(chair, Kind.VIEW_MINUTES)]
    assert response.context["matched_cases"] == [(child_case.pk, child_case.reference)]
    refused = client.get(reverse("scsp:access_log"), {"case": "child 1", "outcome": "refused"})
    assert [e.user for e in refused.context["events"]] == [health_officer]
    # The CSV is exactly the filtered rows, and downloading it is itself logged.
    download = client.get(reverse("scsp:access_log"), {
        "case": "Child 1", "kind": Kind.VIEW_MINUTES, "since": since, "until": until,
        "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content)
                                       .decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == chair.full_name
    assert rows[1][4] == "Viewed the Rapid Review minutes" and rows[1][8] == child_case.reference
    logged = AccessEvent.objects.get(kind=Kind.EXPORT, user=scrutineer)
    assert logged.object_type == "scsp.AccessEvent" and "Child 1" in logged.detail


@pytest.mark.template_context
def test_the_record_type_filter_lists_the_types_that_occur(client_for, scrutineer,
                                                           coordinator, child_case):
    client_for(coordinator).get(reverse("reviews:case_detail", args=[child_case.pk]))
    response = client_for(scrutineer).get(reverse("scsp:access_log"))
    choices = dict(response.context["filterset"].form.fields["record_type"].choices)
    assert choices["reviews.Case"] == "Case"
    assert "reviews.RapidReview" not in choices
    only_cases = client_for(scrutineer).get(reverse("scsp:access_log"),
                                            {"record_type": "reviews.Case"})
    assert {e.object_type for e in only_cases.context["events"]} == {"reviews.Case"}


def test_a_csv_cell_cannot_run_a_formula(client_for, scrutineer, coordinator):
    record_access(user=coordinator, kind=Kind.EXPORT, object_type="actions.Action",
                  label="=HYPERLINK(\"http://x\")")
    body = b"".join(client_for(scrutineer).get(reverse("scsp:access_log"), {
        "kind": Kind.EXPORT, "export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body


@pytest.mark.template_context
def test_access_log_queries_do_not_grow(client_for, scrutineer, wmp_officer, child_case):
    client = client_for(scrutineer)

    def make_rows(n):
        for _ in range(n):
            record_access(user=wmp_officer, kind=Kind.VIEW, obj=child_case)

    assert_flat(client, reverse("scsp:access_log") + "?case=Child+1", make_rows, most=14,
                expect_rows=page_rows)


def test_an_invalid_date_range_says_so(client_for, scrutineer):
    response = client_for(scrutineer).get(reverse("scsp:access_log"),
                                          {"since": "2026-12-01", "until": "2026-01-01"})
    assert "must be on or before" in response.content.decode()


# --- a member of staff's records -----------------------------------------------------------


@pytest.mark.template_context
def test_a_persons_page_answers_a_subject_access_request(client_for, coordinator, wmp,
                                                         wmp_officer, child_case):
    action = ActionFactory(lead_agency=wmp, lead_officer=wmp_officer)
    client_for(wmp_officer).get(reverse("actions:action_detail", args=[action.pk]))
    action_services.action_record_progress(by=wmp_officer, action=action, note="Done half.",
                                           today=timezone.localdate())
    client = client_for(coordinator)
    page = client.get(reverse("scsp:person_detail", args=[wmp_officer.pk]))
    assert action.reference in [r.reference for r in page.context["led"]]
    assert page.context["event_count"] >= 2  # signed in, viewed the action
    assert page.context["change_count"] >= 1  # the progress update
    body = b"".join(client.get(reverse("scsp:person_records_csv", args=[wmp_officer.pk]))
                    .streaming_content).decode("utf-8-sig")
    assert action.reference in body and "Viewed a record" in body and "Signed in" in body
    assert AccessEvent.objects.filter(kind=Kind.EXPORT, user=coordinator,
                                      object_id=str(wmp_officer.pk)).exists()


# --- tamper evidence --------------------------------------------------------------------------


def _events(n, user):
    return [record_access(user=user, kind=Kind.VIEW, object_type="reviews.Case",
                          object_id=str(i), label=f"SLPR-2026-{i:03d}") for i in range(n)]


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _tamper(sql, params=()):
    """Change the tables behind the application's back, as someone with the database owner's
    powers would: on PostgreSQL with the append-only trigger switched off for the statement
    (``session_replication_role``, a superuser's), on SQLite directly."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_an_intact_chain_verifies(coordinator):
    _events(5, coordinator)
    call_command("verify_audit_trail")
    report = verify("access")
    assert report.ok and report.rows == 5


def test_an_altered_row_is_named(coordinator):
    events = _events(5, coordinator)
    _tamper("UPDATE scsp_accessevent SET user_id = NULL WHERE id = %s", [events[2].pk])
    report = verify("access")
    assert not report.ok
    assert report.problems[0].seq == events[2].seq
    assert f"row #{events[2].seq} (id {events[2].pk}" in str(report.problems[0])
    assert "does not match its seal" in str(report.problems[0])
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit_trail", "--chain", "access")
    assert failed.value.returncode == 1


def test_a_deleted_row_is_named(coordinator):
    events = _events(5, coordinator)
    _tamper("DELETE FROM scsp_accessevent WHERE id = %s", [events[1].pk])
    problem = verify("access").problems[0]
    assert f"row #{events[1].seq} is missing" in str(problem)
    assert f"id {events[2].pk}" in str(problem)


def test_rows_deleted_from_the_end_are_caught(coordinator):
    events = _events(4, coordinator)
    _tamper("DELETE FROM scsp_accessevent WHERE id = %s", [events[-1].pk])
    assert "deleted from the end" in str(verify("access").problems[0])


def test_an_inserted_row_is_caught(coordinator):
    events = _events(3, coordinator)
    last = events[-1]
    _tamper("INSERT INTO scsp_accessevent (seq, prev_hash, hash, at, kind, object_type, object_id,"
         " label, detail, path, count, request_id, case_reference, other_cases) VALUES "
         "(%s, %s, %s, %s, 'view', 'x', '1', '', '', '', 1, '', '', '')",
         [last.seq + 1, last.hash, "0" * 64, connection.ops.adapt_datetimefield_value(
             timezone.now())])
    ChainHead.objects.filter(name="access").update(seq=last.seq + 1)
    problem = verify("access").problems[0]
    assert f"row #{last.seq + 1}" in str(problem) and "does not match its seal" in str(problem)


def test_swapped_rows_and_changed_case_links_are_caught(coordinator, child_case):
    event = record_access(user=coordinator, kind=Kind.VIEW, obj=child_case)
    AccessEventCase.objects.filter(event=event).update(case_reference="SLPR-2099-999")
    assert "case links" in str(verify("access").problems[0])


def test_the_change_history_chain_catches_an_edit(coordinator):
    ThemeFactory(name="Neglect")
    change = ChangeEvent.objects.latest("seq")
    assert verify("change").ok
    _tamper("UPDATE scsp_changeevent SET label = 'Something else' WHERE id = %s", [change.pk])
    assert f"row #{change.seq}" in str(verify("change").problems[0])


def _index_rows(after: int):
    """The change history's index after row ``after`` as a reader sees it, in chain order (no
    times or seals, and no records' ids: PostgreSQL does not take back the ids of rows rolled
    back; each row's record is checked to exist instead)."""
    from django.apps import apps

    rows = ChangeEvent.objects.filter(seq__gt=after).order_by("seq").values_list(
        "seq", "model_label", "object_id", "reference", "label", "history_type", "user_id",
        "changes", "case_reference", "other_cases")
    for row in rows:
        assert apps.get_model(row[1])._default_manager.filter(pk=row[2]).exists(), row
    links = sorted(ChangeEventCase.objects.filter(event__seq__gt=after)
                   .values_list("event__seq", "case_reference"))
    return [(*row[:2], *row[3:7], [c for c in row[7] if c[0] != "version_at"], *row[8:])
            for row in rows], links


def _some_changes(coordinator, wmp):
    """A case (its child, Rapid Review, themes: versions of several records with case links), a
    theme made and renamed, and a case whose savepoint is rolled back (a service retrying)."""
    case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=("Child 9",))
    f.decided(case, by=coordinator)
    theme = ThemeFactory(name="Neglect")
    theme.name = "Neglect and emotional harm"
    theme.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        f.notification(by=coordinator, agencies=[wmp], pseudonyms=("Rolled back",))
        raise RuntimeError("the savepoint is rolled back")


def test_a_bulk_load_writes_the_same_index_rows_at_its_end(coordinator, wmp):
    """``indexed_at_the_end`` (``seed_demo``): the same index rows and case links, sealed in the
    same order, as writing each version's row at once; a version rolled back with its
    savepoint leaves no row; the chain verifies."""
    before = ChainHead.objects.get(name="change").seq
    first = transaction.savepoint()
    _some_changes(coordinator, wmp)
    one_at_a_time = _index_rows(before)
    transaction.savepoint_rollback(first)
    assert ChainHead.objects.get(name="change").seq == before

    with indexed_at_the_end():
        _some_changes(coordinator, wmp)
        assert ChainHead.objects.get(name="change").seq == before  # written when it ends
    assert _index_rows(before) == one_at_a_time
    rows, links = one_at_a_time
    assert len(rows) > 10 and links  # versions of several records, with their cases
    assert {"reviews.Case", "reviews.Child", "reviews.RapidReview", "scsp.Theme"} <= {
        row[1] for row in rows}
    assert "Rolled back" not in str(one_at_a_time)
    assert verify("change").ok
    assert ChainHead.objects.get(name="change").seq == before + len(rows)


def test_a_failed_bulk_load_writes_no_index_rows(coordinator, wmp):
    before = ChangeEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), indexed_at_the_end():
        ThemeFactory(name="Neglect")
        raise RuntimeError("the load failed")
    assert ChangeEvent.objects.count() == before
    ThemeFactory(name="Exploitation")  # and later changes are written at once again
    assert ChangeEvent.objects.count() == before + 1 and verify("change").ok


def test_a_bulk_load_must_be_inside_its_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="inside the load's transaction"), \
            indexed_at_the_end():
        pass


def test_a_different_key_fails_every_row(coordinator, settings):
    _events(2, coordinator)
    settings.AUDIT_CHAIN_KEY = "another key entirely, 32 characters or more"
    assert len(verify("access").problems) == 2


# --- retention and legal hold ------------------------------------------------------------------


def test_retention_keeps_held_cases_and_records_what_it_removed(
        client_for, coordinator, chair, child_case, other_case, settings):
    long_ago = timezone.now() - dt.timedelta(days=settings.ACCESS_EVENTS_KEEP_DAYS + 10)
    with time_machine.travel(long_ago, tick=False):
        record_access(user=chair, kind=Kind.VIEW, obj=child_case)
        record_access(user=chair, kind=Kind.VIEW, obj=other_case)
        record_access(user=chair, kind=Kind.EXPORT, object_type="reviews.Case")
    services.case_set_legal_hold(by=coordinator, case=child_case, hold=True,
                                 reason="Civil claim.", now=timezone.now())
    recent = record_access(user=chair, kind=Kind.VIEW, obj=other_case)
    call_command("apply_retention")
    left = AccessEvent.objects.order_by("seq")
    assert [e.kind for e in left] == [Kind.VIEW, Kind.LEGAL_HOLD, Kind.VIEW, Kind.RETENTION]
    assert left[0].case_reference == child_case.reference  # held: kept
    assert left[2] == recent
    anchor = left[3]
    assert anchor.detail.startswith("2 access events from before")
    assert "(1 kept: legal hold)" in anchor.detail
    assert verify("access").ok, verify("access").problems
    # The next run removes the held case's event once the hold is lifted; the first anchor's
    # removed runs pass to the new one, and the chain still verifies.
    services.case_set_legal_hold(by=coordinator, case=child_case, hold=False,
                                 reason="Claim settled.", now=timezone.now())
    call_command("apply_retention")
    assert not AccessEvent.objects.filter(at__lt=long_ago + dt.timedelta(days=1)).exists()
    assert verify("access").ok, verify("access").problems
    case_history = ChangeEvent.objects.filter(model_label="reviews.Case",
                                              object_id=str(child_case.pk)).latest("seq")
    assert case_history.reason == "Claim settled."


@pytest.mark.template_context
def test_legal_hold_is_the_coordinators_with_a_reason(client_for, coordinator, chair,
                                                      child_case):
    url = reverse("reviews:case_legal_hold", args=[child_case.pk])
    assert client_for(chair).post(url, {"reason": "x"}).status_code == 403
    response = client_for(coordinator).post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    child_case.refresh_from_db()
    assert not child_case.legal_hold
    assert client_for(coordinator).post(url, {"reason": "Claim notified."}).status_code == 302
    child_case.refresh_from_db()
    assert child_case.legal_hold and child_case.legal_hold_reason == "Claim notified."
    assert AccessEvent.objects.filter(kind=Kind.LEGAL_HOLD, user=coordinator,
                                      case_reference=child_case.reference).exists()
    page = client_for(coordinator).get(child_case.get_absolute_url()).content.decode()
    assert "On legal hold" in page


def test_the_retention_job_runs_nightly(settings):
    from scsp.tasks import retention_task

    assert settings.CELERY_BEAT_SCHEDULE["retention"]["task"] == retention_task.name
    assert "purge-sign-in-records" not in settings.CELERY_BEAT_SCHEDULE


def test_sign_in_records_go_with_the_retention_job(client, wmp_officer, settings):
    from axes.models import AccessLog

    from tests.factories import PASSWORD

    with time_machine.travel(timezone.now() - dt.timedelta(
            days=settings.SIGN_IN_RECORDS_KEEP_DAYS + 1)):
        client.post(reverse("scsp:login"), {"username": wmp_officer.email, "password": PASSWORD},
                    REMOTE_ADDR="10.1.1.1")
    client.logout()
    client.post(reverse("scsp:login"), {"username": wmp_officer.email, "password": PASSWORD},
                REMOTE_ADDR="10.1.1.2")
    call_command("apply_retention")
    assert list(AccessLog.objects.values_list("ip_address", flat=True)) == ["10.1.1.2"]
    anchor = AccessEvent.objects.get(kind=Kind.RETENTION)
    assert "1 sign-in records" in anchor.detail and anchor.removed is None
