"""The audit tools a new audit starts with. The co-ordinator edits them per audit.

MACFA questions: every Sandwell MACFA tests how services involved fathers and male carers and
how well assessments understood the child's lived experience (DOMAIN.md section 5); the rest are
the partnership's recurring learning themes.

Section 11 standards paraphrase the arrangements listed in Working Together to Safeguard
Children (chapter 2, organisational responsibilities under section 11 of the Children Act 2004).
Section 175 standards follow what Keeping Children Safe in Education asks of governing bodies
under section 175 of the Education Act 2002.
"""

from django.utils.translation import gettext_lazy as _

#: (short label, question)
MACFA_QUESTIONS = [
    (_("Child's voice"),
     _("Was the child seen and heard, and did the work show an understanding of the child's "
       "lived experience: what life is really like for them?")),
    (_("Fathers and male carers"),
     _("Were fathers and male carers identified, involved and assessed, including men who are "
       "not living in the household?")),
    (_("Information sharing"),
     _("Was information shared promptly with the right agencies, and was it used to inform "
       "decisions?")),
    (_("Thresholds"),
     _("Were thresholds applied correctly, so the child received the right help at the right "
       "time?")),
    (_("Assessment and plan"),
     _("Was the assessment of good quality, and did the plan address the risks and needs it "
       "identified?")),
    (_("Management oversight"),
     _("Was there effective management oversight and supervision, with decisions and their "
       "reasons recorded?")),
    (_("Ethnicity and disproportionality"),
     _("Was the impact of the child's ethnicity, culture, faith and identity considered, and "
       "was any disproportionality recognised and addressed?")),
]

#: (short label, standard)
SECTION_11_STANDARDS = [
    (_("Senior leadership"),
     _("A senior board-level lead takes responsibility for the organisation's safeguarding "
       "arrangements.")),
    (_("Accountability"),
     _("There is a clear line of accountability for the commissioning and provision of "
       "services to safeguard and promote the welfare of children.")),
    (_("Listening to children"),
     _("There is a culture of listening to children and taking account of their wishes and "
       "feelings, in individual decisions and in how services develop.")),
    (_("Whistleblowing"),
     _("Clear whistleblowing procedures reflect the principles of Sir Robert Francis's "
       "Freedom to Speak Up review, in a culture that lets safeguarding concerns be "
       "raised.")),
    (_("Escalation"),
     _("Staff know and follow clear escalation procedures when concerns about a child are not "
       "being addressed.")),
    (_("Information sharing"),
     _("Clear arrangements set out how information is shared within the organisation, with "
       "other practitioners and with the safeguarding partnership.")),
    (_("Designated practitioners"),
     _("A designated practitioner (or, for health, designated and named practitioners) for "
       "child safeguarding is in post, with the time and support the role needs.")),
    (_("Safer recruitment"),
     _("Safer recruitment and ongoing safe working practices are in place, including how "
       "allegations against people who work with children are managed.")),
    (_("Supervision and training"),
     _("Staff receive appropriate supervision and support, including safeguarding training "
       "that fits their role.")),
    (_("Safety and equality"),
     _("The organisation creates a culture of safety, equality and protection within the "
       "services it provides.")),
]

SECTION_175_STANDARDS = [
    (_("Governance"),
     _("The governing body (or proprietor) has a named governor for safeguarding and monitors "
       "how well children are kept safe.")),
    (_("Designated safeguarding lead"),
     _("A designated safeguarding lead from the senior leadership team, with deputies, has "
       "the time, training and support the role needs.")),
    (_("Child protection policy"),
     _("The child protection policy is reviewed every year, reflects local arrangements and is "
       "published.")),
    (_("Staff training"),
     _("All staff are trained at induction and updated regularly, and have read Part 1 of "
       "Keeping Children Safe in Education.")),
    (_("Safer recruitment"),
     _("Safer recruitment is followed and the single central record is complete and "
       "checked.")),
    (_("Allegations and low-level concerns"),
     _("Allegations against staff are referred to the LADO and low-level concerns are "
       "recorded and acted on.")),
    (_("Online safety"),
     _("Filtering and monitoring are in place and reviewed, and children are taught how to "
       "stay safe online.")),
    (_("Attendance"),
     _("Persistent and severe absence and children missing education are followed up as "
       "possible signs of neglect or harm.")),
    (_("Early help and referrals"),
     _("Staff apply the partnership's thresholds, offer early help and make timely referrals "
       "to children's social care.")),
    (_("Records and information sharing"),
     _("Safeguarding records are accurate and secure, and child protection files are "
       "transferred promptly when a child moves school.")),
]
