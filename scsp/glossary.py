"""The words of the trade in plain English: one home for every abbreviation's expansion.

The glossary page (``scsp:glossary``) lists :data:`TERMS`; the ``{% abbr "LCSPR" %}`` tag
(``scsp/templatetags/scsp_words.py``) reads :data:`ABBREVIATIONS` to give the first use of an
abbreviation on a page its ``<abbr title="...">`` expansion. Sources: DOMAIN.md's glossary and
the statutory guidance it summarises (Working Together to Safeguard Children)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    term: str  # as written on the pages: "LCSPR", "Rapid Review panel"
    expansion: str  # what an abbreviation stands for ("" when the term is not one)
    meaning: str  # one or two plain sentences
    anchor: str  # the fragment of its entry on the glossary page


TERMS: tuple[Term, ...] = (  # in alphabetical order
    Term("CSPR", _("Child Safeguarding Practice Review"),
         _("A review of a serious child safeguarding case, to learn how agencies can work "
           "together better. It is local (an LCSPR) or national (by the National Panel)."),
         "cspr"),
    Term("IAS", _("individual agency summary"),
         _("Each involved agency's own account for a Rapid Review: its contact with the child "
           "and family as a dated chronology, what went well, what could have been better, "
           "actions already taken and learning. Late summaries are the usual reason a Rapid "
           "Review slips."),
         "ias"),
    Term("LCSPR", _("Local Child Safeguarding Practice Review"),
         _("A CSPR led by the partnership. The target is to complete and publish it within 6 "
           "calendar months of the decision to start it. The report goes to the National Panel "
           "and the Secretary of State at least 7 working days before it is published."),
         "lcspr"),
    Term("MACFA", _("multi-agency case file audit"),
         _("An audit on one theme: each involved agency audits its own records for a sample of "
           "cases against the audit tool, then a moderation meeting agrees graded findings "
           "(Outstanding, Good, Requires Improvement, Inadequate), recommendations and an "
           "action plan."),
         "macfa"),
    Term("National Panel", _("the Child Safeguarding Practice Review Panel"),
         _("The independent panel, for all of England, that serious incident notifications go "
           "to. It receives every Rapid Review, says whether it agrees with the decision, and "
           "may carry out a national review. Not the same as a Rapid Review panel."),
         "national-panel"),
    Term("QPPA", _("Quality of Practice, Performance and Assurance"),
         _("The partnership subgroup that runs audits (MACFAs, Section 11 and Section 175 "
           "audits, the single-agency audit rota) and watches performance."),
         "qppa"),
    Term("RAG", _("red, amber, green (and blue)"),
         _("The status of an action. Red: overdue or blocked. Amber: at risk (set by the owner, "
           "or due within 4 weeks with no update in the last 4 weeks), or completed after its "
           "target date and awaiting sign-off. Green: on track. Blue: "
           "complete and signed off. The word is always shown with the colour."),
         "rag"),
    Term("Rapid Review", "",
         _("The partnership's first look at a serious incident, due 15 working days after the "
           "referral reaches the business unit. It gathers the individual agency summaries, "
           "meets as a Rapid Review panel, decides whether an LCSPR is needed, sets actions and "
           "is sent to the National Panel."),
         "rapid-review"),
    Term("Rapid Review panel", "",
         _("The local meeting of partner agencies that holds a Rapid Review and makes its "
           "decision. Not the National Panel."),
         "rapid-review-panel"),
    Term("SCSP", _("Sandwell Children's Safeguarding Partnership"),
         _("The local authority, the police, the NHS Integrated Care Board and Sandwell "
           "Children's Trust, working with the relevant agencies to keep children safe."),
         "scsp"),
    Term("Section 11 audit", "",
         _("A self-assessment by each agency against the standards in section 11 of the "
           "Children Act 2004, rated red, amber or green with evidence and an action plan. "
           "Every two years in Sandwell."),
         "section-11"),
    Term("Section 175 audit", "",
         _("The same self-assessment for schools and colleges, under section 175 of the "
           "Education Act 2002. Every year."),
         "section-175"),
    Term("SIN", _("serious incident notification"),
         _("What the local authority sends the National Panel when abuse or neglect is known or "
           "suspected and a child has died or been seriously harmed. Due within 5 working days "
           "of the local authority becoming aware."),
         "sin"),
    Term("SLPR", _("Sandwell Learning from Practice Reviews"),
         _("The partnership subgroup that considers cases, runs Rapid Reviews and practice "
           "reviews, and monitors their action plans."),
         "slpr"),
    Term("Spotlight Review", "",
         _("Sandwell's own review for a case with learning that does not meet the CSPR "
           "threshold. Not published; its learning is shared and its actions tracked here."),
         "spotlight-review"),
    Term("Tabletop Review", "",
         _("A shorter local review around a table with the practitioners involved, chosen "
           "instead of an LCSPR (for example by a Rapid Review panel)."),
         "tabletop-review"),
)

#: Abbreviation -> expansion, for ``{% abbr %}``. One home: the glossary page reads TERMS.
ABBREVIATIONS: dict[str, str] = {t.term: t.expansion for t in TERMS if t.expansion
                                 and t.term.isupper()}
