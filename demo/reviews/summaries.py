"""Agency summaries written in the browser for the live Rapid Reviews: one just asked, and one
near its panel with a summary in each state (draft, submitted, returned, late)."""

from __future__ import annotations

from demo.core import demo_email
from demo.reviews.builder import Demo
from reviews import clocks, services
from scsp.models import User


def lead(short: str) -> User:
    return User.objects.get(email=demo_email(f"lead.{short.lower()}"))


def write(d: Demo, summary, by, entries, *, analysis=True, proposed=()):
    services.summary_set_chronology(by=by, summary=summary, today=d.today, entries=[
        {"happened_on": day, "what": what, "who": who, "source": source}
        for day, what, who, source in entries])
    if analysis:
        services.summary_save(
            by=by, summary=summary,
            went_well="Information shared with children's social care the same day.",
            could_be_better="The risk to the sibling was not considered at the first contact.",
            actions_taken="Safety plan agreed; sibling seen and spoken to.",
            learning_agency="Ask about every child in the household at first contact.",
            learning_partnership="Share concerns about siblings in strategy discussions.")
    if proposed:
        services.summary_set_actions(by=by, summary=summary, today=d.today, actions=[
            {"description": what, "success_measure": measure, "target_date": by_when}
            for what, measure, by_when in proposed])


def just_asked(d: Demo, rr) -> None:
    """SLPR-…-101: WMP, SCT and SWBNHS asked today, due on day 7 of the clock."""
    due = clocks.summary_due_default(rr.case, d.cal)
    services.summaries_ask(by=d.coordinator, rr=rr, today=d.today,
                           agencies=[d.agency[s] for s in ("WMP", "SCT", "SWBNHS")],
                           due_on=max(due, d.today))


def near_panel(d: Demo, rr) -> None:
    """SLPR-…-102, panel tomorrow: SWBNHS submitted (its actions accepted), SCT returned with
    a comment, WMP a late draft, ICB asked and late, WMAS received by e-mail."""
    asked = {s.agency.short_name: s for s in services.summaries_ask(
        by=d.coordinator, rr=rr, today=d.wd(-11),
        agencies=[d.agency[s] for s in ("SWBNHS", "SCT", "WMP", "ICB", "WMAS")],
        due_on=d.wd(-4))}
    health, trust, police = lead("SWBNHS"), lead("SCT"), lead("WMP")
    write(d, asked["SWBNHS"], health, [
        (d.wd(-60), "Booking appointment; no concerns recorded.", "Midwife", "Maternity record"),
        (d.wd(-20), "Emergency attendance with bruising to the face; discharged.",
         "ED nurse", "ED record"),
        (d.wd(-14), "Admitted with a skull fracture; safeguarding referral made.",
         "Paediatric registrar", "Ward notes")],
        proposed=[("Audit ED attendances of under-1s for safeguarding questions.",
                   "Quarterly audit shows 95% asked.", d.today.replace(year=d.today.year + 1))])
    services.summary_submit(by=health, summary=asked["SWBNHS"], today=d.wd(-5))
    services.summary_accept_actions(by=d.coordinator, summary=asked["SWBNHS"], today=d.today)
    write(d, asked["SCT"], trust, [
        (d.wd(-40), "Contact from police about a domestic incident; no further action.",
         "MASH social worker", "Contact record"),
        (d.wd(-13), "Strategy discussion; child protection enquiry started.",
         "Team manager", "Strategy minutes")])
    services.summary_submit(by=trust, summary=asked["SCT"], today=d.wd(-4))
    services.summary_return(by=d.coordinator, summary=asked["SCT"],
                            comment="Please add the early help contact last spring and what "
                                    "was learned about the father.")
    write(d, asked["WMP"], police, [
        (d.wd(-40), "Domestic incident attended; DASH risk assessed as standard.",
         "Response officer", "Incident log")], analysis=False)
    services.rr_set_agency_summaries(by=d.coordinator, rr=rr, today=d.today, summaries=[
        {"id": s.pk, "agency": s.agency, "requested_on": s.requested_on,
         "received_on": d.wd(-3) if short == "WMAS" else s.received_on}
        for short, s in sorted(asked.items())])
