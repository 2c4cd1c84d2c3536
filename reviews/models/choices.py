"""The fixed lists the review records use (routes, statuses, ONS ethnic groups, decisions,
outcomes, stage keys)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_CHILDREN = 4


class Route(models.TextChoices):
    """How a case reached the business unit."""

    NOTIFICATION = "notification", _("Serious incident notification")
    REFERRAL = "referral", _("Referral by a partner")


class CaseStatus(models.TextChoices):
    RAPID_REVIEW = "rapid_review", _("Rapid Review in progress")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting the subgroup's decision")
    IN_REVIEW = "in_review", _("Learning review in progress")
    NATIONAL_REVIEW = "national_review", _("Referred to the National Panel for a national review")
    CLOSED = "closed", _("Closed")


class IncidentType(models.TextChoices):
    DEATH = "death", _("Death")
    SERIOUS_HARM = "serious_harm", _("Serious harm")
    OTHER = "other", _("Other")


class HarmCategory(models.TextChoices):
    NEGLECT = "neglect", _("Neglect")
    PHYSICAL = "physical", _("Physical abuse")
    SEXUAL = "sexual", _("Sexual abuse")
    EMOTIONAL = "emotional", _("Emotional abuse")
    EXPLOITATION = "exploitation", _("Exploitation")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse context")
    SUICIDE = "suicide", _("Suspected suicide")


class Location(models.TextChoices):
    IN_AREA = "in_area", _("In the partnership's area")
    OUT_OF_AREA = "out_of_area", _("Outside the area")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class AgeBand(models.TextChoices):
    UNDER_1 = "under_1", _("Under 1")
    AGE_1_5 = "1_5", _("1 to 5")
    AGE_6_10 = "6_10", _("6 to 10")
    AGE_11_15 = "11_15", _("11 to 15")
    AGE_16_17 = "16_17", _("16 to 17")
    AGE_18_24 = "18_24", _("18 to 24 (care leaver)")
    UNKNOWN = "unknown", _("Not known")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NOT_KNOWN = "not_known", _("Not known or not stated")


class LegalStatus(models.TextChoices):
    CHILD_IN_NEED = "cin", _("Child in need plan")
    CHILD_PROTECTION = "cp", _("Child protection plan")
    LOOKED_AFTER = "looked_after", _("Looked after")
    CARE_LEAVER = "care_leaver", _("Care leaver")
    NONE = "none", _("None")
    UNKNOWN = "unknown", _("Not known")


ETHNICITY_GROUPS = [
    (_("Asian or Asian British"), [
        ("asian_bangladeshi", _("Bangladeshi")),
        ("asian_chinese", _("Chinese")),
        ("asian_indian", _("Indian")),
        ("asian_pakistani", _("Pakistani")),
        ("asian_other", _("Any other Asian background")),
    ]),
    (_("Black, Black British, Caribbean or African"), [
        ("black_african", _("African")),
        ("black_caribbean", _("Caribbean")),
        ("black_other", _("Any other Black, Black British or Caribbean background")),
    ]),
    (_("Mixed or multiple ethnic groups"), [
        ("mixed_white_asian", _("White and Asian")),
        ("mixed_white_black_african", _("White and Black African")),
        ("mixed_white_black_caribbean", _("White and Black Caribbean")),
        ("mixed_other", _("Any other Mixed or multiple ethnic background")),
    ]),
    (_("White"), [
        ("white_british", _("English, Welsh, Scottish, Northern Irish or British")),
        ("white_irish", _("Irish")),
        ("white_gypsy_traveller", _("Gypsy or Irish Traveller")),
        ("white_roma", _("Roma")),
        ("white_other", _("Any other White background")),
    ]),
    (_("Other ethnic group"), [
        ("other_arab", _("Arab")),
        ("other_any", _("Any other ethnic group")),
    ]),
    (_("Not known"), [
        ("not_known", _("Not known")),
        ("not_stated", _("Not stated")),
    ]),
]


ETHNICITY_LABELS = {code: label for _group, items in ETHNICITY_GROUPS for code, label in items}


class RapidReviewDecision(models.TextChoices):
    """What the Rapid Review panel decided (DOMAIN.md section 2)."""

    LCSPR = "lcspr", _("Local Child Safeguarding Practice Review (LCSPR)")
    NATIONAL = "national", _("Refer to the National Panel for a national review")
    LOCAL_ROUTE = "local_route", _("No CSPR: a local learning route")
    NO_FURTHER = "no_further", _("No further review (learning captured in the Rapid Review)")


class LocalRoute(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop Review")
    SPOTLIGHT = "spotlight", _("Spotlight Review")
    LEARNING_BRIEFING = "learning_briefing", _("Learning briefing")


class PanelResponse(models.TextChoices):
    AGREES = "agrees", _("Agrees with the decision")
    QUESTIONS = "questions", _("Has questions")
    NATIONAL = "national", _("Will consider a national review")


class ReferralDecision(models.TextChoices):
    """The SLPR subgroup's decision on a partner referral (Spotlight process)."""

    NO_FURTHER_ACTION = "nfa", _("No further action")
    LEARNING_BRIEFING = "learning_briefing", _("Learning briefing")
    SPOTLIGHT = "spotlight", _("Spotlight Review")


class ReviewKind(models.TextChoices):
    LCSPR = "lcspr", _("LCSPR")
    SPOTLIGHT = "spotlight", _("Spotlight Review")
    TABLETOP = "tabletop", _("Tabletop Review")
    LEARNING_BRIEFING = "learning_briefing", _("Learning briefing")


REVIEW_PREFIX = {
    ReviewKind.LCSPR: "LCSPR",
    ReviewKind.SPOTLIGHT: "SR",
    ReviewKind.TABLETOP: "TR",
    ReviewKind.LEARNING_BRIEFING: "LB",
}


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_PUBLICATION = "awaiting_publication", _("Ratified, awaiting publication")
    COMPLETED = "completed", _("Completed")


class PublicationOutcome(models.TextChoices):
    PUBLISHED = "published", _("Published")
    EMBARGOED = "embargoed", _("Embargoed")
    NOT_PUBLISHED = "not_published", _("Not published")


class Proceeding(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal proceedings")
    CORONER = "coroner", _("Coroner's inquest")
    FAMILY = "family", _("Family proceedings")
    OTHER = "other", _("Other proceedings")


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    APOLOGIES = "apologies", _("Apologies")


class StageKey(models.TextChoices):
    """Stages the clocks and the status read. Other stages have no key. "Held" (the review's
    meeting or learning event), "completed" and "published" are separate stages, so recording
    one never changes another."""

    HELD = "held", _("Held")
    RATIFIED = "ratified", _("Ratified")
    SENT_TO_PANEL = "sent_to_panel", _("Sent to the National Panel and the Secretary of State")
    PUBLISHED = "published", _("Published")
    COMPLETED = "completed", _("Completed")
