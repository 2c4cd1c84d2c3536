"""The results matrix, checked against returns made by hand and counted by hand."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import selectors, services
from audits.models import AnswerChoice, AuditKind, AuditStatus, Grade, RagRating
from tests.audits.factories import TODAY, make_macfa, return_of
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

OUT, G, RI, INA, NA = (Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT,
                       Grade.INADEQUATE, None)

#: By hand: agency -> case -> grades for questions 1, 2, 3 (None = not applicable).
RETURNS = {
    "WMP": {"CASE-A": [G, RI, G], "CASE-B": [OUT, INA, NA]},
    "SWBNHS": {"CASE-A": [G, RI, RI], "CASE-B": [G, RI, G]},
}
#: SCT starts a return full of "Inadequate" but never submits it: it must not count.
DRAFT = {"SCT": {"CASE-A": [INA, INA, INA], "CASE-B": [INA, INA, INA]}}


def fill(user, agency_return, by_case):
    audit = agency_return.audit
    questions = list(audit.questions.order_by("number"))
    for case in audit.cases.all():
        answers = {}
        for q, grade in zip(questions, by_case[case.reference], strict=True):
            answers[q.pk] = ({"answer": AnswerChoice.YES if grade != RI else AnswerChoice.PARTLY,
                              "grade": grade, "narrative": f"{case.reference} Q{q.number}"}
                             if grade else {"answer": AnswerChoice.NOT_APPLICABLE})
        services.return_save_case(by=user, agency_return=agency_return, case=case,
                                  answers=answers)


@pytest.fixture
def hand_made(coordinator, wmp, swbnhs, sct, wmp_officer, health_officer, sct_officer):
    audit = make_macfa(coordinator, [wmp, swbnhs, sct], cases=["CASE-A", "CASE-B"], start=False)
    for q in audit.questions.filter(number__gt=3):
        services.tool_item_remove(by=coordinator, item=q)
    services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.IN_PROGRESS,
                              today=TODAY)
    people = {"WMP": wmp_officer, "SWBNHS": health_officer, "SCT": sct_officer}
    for short, by_case in {**RETURNS, **DRAFT}.items():
        r = return_of(audit, people[short].agency)
        fill(people[short], r, by_case)
        if short in RETURNS:
            services.return_submit(by=people[short], agency_return=r)
    return audit


def ids(audit):
    q = {q.number: q.pk for q in audit.questions.all()}
    a = {r.agency.short_name: r.agency_id for r in audit.returns.select_related("agency")}
    c = {c.reference: c.pk for c in audit.cases.all()}
    return q, a, c


def counts(cell):
    return {g: n for g, n in cell.counts.items() if n}


def test_agency_by_question_cells_match_the_hand_count(hand_made):
    results = selectors.macfa_results(hand_made)
    q, a, _c = ids(hand_made)
    expected = {
        ("WMP", 1): ({OUT: 1, G: 1}, 0, G),        # a tie goes to the worse grade
        ("WMP", 2): ({RI: 1, INA: 1}, 0, INA),
        ("WMP", 3): ({G: 1}, 1, G),
        ("SWBNHS", 1): ({G: 2}, 0, G),
        ("SWBNHS", 2): ({RI: 2}, 0, RI),
        ("SWBNHS", 3): ({RI: 1, G: 1}, 0, RI),
    }
    for (agency, number), (grades, not_applicable, typical) in expected.items():
        cell = results.cells[(a[agency], q[number])]
        assert counts(cell) == grades, (agency, number)
        assert cell.not_applicable == not_applicable, (agency, number)
        assert cell.typical == typical, (agency, number)
    assert not any(key[0] == a["SCT"] for key in results.cells), "a draft was counted"


def test_totals_by_question_agency_and_overall(hand_made):
    results = selectors.macfa_results(hand_made)
    q, a, _c = ids(hand_made)
    assert counts(results.by_question[q[1]]) == {OUT: 1, G: 3}
    assert counts(results.by_question[q[2]]) == {RI: 3, INA: 1}
    assert counts(results.by_question[q[3]]) == {G: 2, RI: 1}
    assert results.by_question[q[3]].not_applicable == 1
    assert counts(results.by_agency[a["WMP"]]) == {OUT: 1, G: 2, RI: 1, INA: 1}
    assert results.by_agency[a["WMP"]].typical == G
    assert counts(results.by_agency[a["SWBNHS"]]) == {G: 3, RI: 3}
    assert results.by_agency[a["SWBNHS"]].typical == RI
    assert counts(results.overall) == {OUT: 1, G: 5, RI: 4, INA: 1}
    assert results.overall.total == 11 and results.overall.not_applicable == 1


def test_per_case_tables_and_rows(hand_made):
    results = selectors.macfa_results(hand_made)
    q, a, c = ids(hand_made)
    assert counts(results.by_case[c["CASE-A"]]) == {G: 3, RI: 3}
    assert counts(results.by_case[c["CASE-B"]]) == {OUT: 1, G: 2, RI: 1, INA: 1}
    assert results.by_case[c["CASE-B"]].not_applicable == 1
    tables = results.case_tables()
    assert [t["case"].reference for t in tables] == ["CASE-A", "CASE-B"]
    case_b = tables[1]
    assert [ag.short_name for ag in case_b["agencies"]] == ["SWBNHS", "WMP"]  # by name
    q3 = case_b["rows"][2]
    assert [(cell["answer"]["answer_label"], cell["answer"]["grade"]) for cell in q3["cells"]] \
        == [("Yes", G), ("Not applicable", "")]
    q2 = case_b["rows"][1]
    assert [cell["answer"]["grade_label"] for cell in q2["cells"]] == [
        "Requires improvement", "Inadequate"]
    # the table: a row per question, a column per agency that submitted (SCT did not)
    assert [r.agency.short_name for r in results.submitted] == ["SWBNHS", "WMP"]
    assert [r.agency.short_name for r in results.not_submitted] == ["SCT"]
    rows = results.matrix_rows()
    assert [row["question"].number for row in rows] == [1, 2, 3]
    assert [[cell.as_text() for cell in row["cells"]] for row in rows] == [
        ["Good 2", "Outstanding 1, Good 1"],
        ["Requires improvement 2", "Requires improvement 1, Inadequate 1"],
        ["Good 1, Requires improvement 1", "Good 1, not applicable 1"],
    ]
    assert [row["total"].as_text() for row in rows] == [
        "Outstanding 1, Good 3", "Requires improvement 3, Inadequate 1",
        "Good 2, Requires improvement 1, not applicable 1"]
    assert [cell.as_text() for cell in results.agency_totals()] == [
        "Good 3, Requires improvement 3",
        "Outstanding 1, Good 2, Requires improvement 1, Inadequate 1, not applicable 1"]


def test_cell_text_says_the_counts_in_words(hand_made):
    results = selectors.macfa_results(hand_made)
    q, a, _c = ids(hand_made)
    assert results.cells[(a["WMP"], q[1])].as_text() == "Outstanding 1, Good 1"
    assert results.cells[(a["WMP"], q[3])].as_text() == "Good 1, not applicable 1"
    assert results.cells[(a["WMP"], q[2])].typical_label == "Inadequate"


def test_agreed_grades_show_in_the_case_tables(coordinator, hand_made):
    audit = services.audit_transition(by=coordinator, audit=hand_made,
                                      to_status=AuditStatus.MODERATION, today=TODAY)
    q, _a, c = ids(audit)
    services.moderation_record(by=coordinator, audit=audit, meeting_date=TODAY, notes="",
                               today=TODAY, case_grades={(c["CASE-B"], q[2]): RI})
    tables = selectors.macfa_results(audit).case_tables()
    assert tables[1]["rows"][1]["agreed"] == RI
    assert tables[1]["rows"][1]["agreed_label"] == "Requires improvement"
    assert tables[0]["rows"][1]["agreed"] == ""


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_matrix_takes_six_queries_whatever_its_size(coordinator, django_assert_num_queries):
    small_agency = AgencyFactory(short_name="ONE", name="One agency")
    small_officer = UserFactory(agency=small_agency)
    small = make_macfa(coordinator, [small_agency], cases=["C-01"])
    fill_uniform(small, {small_agency: small_officer})
    agencies = [AgencyFactory(short_name=f"AG{i}", name=f"Agency {i}") for i in range(5)]
    officers = {ag: UserFactory(agency=ag) for ag in agencies}
    big = make_macfa(coordinator, agencies, cases=[f"C-{i:02d}" for i in range(25)],
                     title="Big")
    fill_uniform(big, officers)
    with django_assert_num_queries(6):
        selectors.macfa_results(small).case_tables()
    with django_assert_num_queries(6):
        results = selectors.macfa_results(big)
        results.matrix_rows()
        results.case_tables()
    assert results.overall.total == 25 * 5 * 7


def fill_uniform(audit, officers):
    questions = list(audit.questions.all())
    for agency, officer in officers.items():
        r = return_of(audit, agency)
        for case in audit.cases.all():
            services.return_save_case(by=officer, agency_return=r, case=case, answers={
                q.pk: {"answer": "yes", "grade": "good", "narrative": "ok"} for q in questions})
        services.return_submit(by=officer, agency_return=r)


# --- Section 11 / 175 ------------------------------------------------------------------------

def test_standards_results_match_the_hand_count(coordinator, wmp, swbnhs, sct, wmp_officer,
                                                health_officer, django_assert_num_queries):
    audit = services.audit_create(by=coordinator, kind=AuditKind.SECTION_11, title="S11",
                                  lead=coordinator, today=TODAY, agencies=[wmp, swbnhs, sct])
    for s in audit.standards.filter(number__gt=3):
        services.tool_item_remove(by=coordinator, item=s)
    services.audit_transition(by=coordinator, audit=audit, to_status=AuditStatus.IN_PROGRESS,
                              today=TODAY)
    standards = list(audit.standards.order_by("number"))
    by_hand = {wmp_officer: ["green", "amber", "green"], health_officer: ["green", "red", "amber"]}
    for officer, rags in by_hand.items():
        r = return_of(audit, officer.agency)
        services.return_save_ratings(by=officer, agency_return=r, ratings={
            s.pk: {"rag": rag, "evidence": "e", "improvement": "i"}
            for s, rag in zip(standards, rags, strict=True)})
        services.return_submit(by=officer, agency_return=r)
    with django_assert_num_queries(4):
        results = selectors.standards_results(audit)
    totals = {t["standard"].number: (t["green"], t["amber"], t["red"])
              for t in results.standard_totals()}
    assert totals == {1: (2, 0, 0), 2: (0, 1, 1), 3: (1, 1, 0)}
    assert results.overall == {RagRating.GREEN: 3, RagRating.AMBER: 2, RagRating.RED: 1}
    rows = {r["agency"].short_name: r for r in results.matrix_rows()}
    assert [c["rag_word"] for c in rows["SWBNHS"]["cells"]] == ["Green", "Red", "Amber"]
    assert rows["SCT"]["submitted"] is False
    assert rows["SCT"]["cells"] == [None, None, None]
