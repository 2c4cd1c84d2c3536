"""The choices an action plan and its actions are described by: where a plan came from, an
action's status, and the status groups the rules and lists share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OriginKind(models.TextChoices):
    """Where an action plan came from."""

    RAPID_REVIEW = "rapid_review", _("Rapid Review")
    LCSPR = "lcspr", _("LCSPR")
    SPOTLIGHT = "spotlight", _("Spotlight Review")
    TABLETOP = "tabletop", _("Tabletop Review")
    LEARNING_BRIEFING = "learning_briefing", _("Learning briefing")
    MACFA = "macfa", _("MACFA")
    SINGLE_AGENCY_AUDIT = "single_agency_audit", _("Single-agency audit")
    SECTION_11 = "section_11", _("Section 11 audit")
    SECTION_175 = "section_175", _("Section 175 audit")
    OFSTED = "ofsted", _("Ofsted inspection")
    SCRUTINY = "scrutiny", _("Scrutiny challenge")
    YOUNG_PEOPLE = "young_people", _("Young people's pledge")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    """Where an action is in its life: the owner's moves, then the co-ordinator's decision."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_SIGN_OFF = "awaiting_sign_off", _("Completed, awaiting sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")
    RETURNED = "returned", _("Returned for more evidence")
    CLOSED_NOT_COMPLETED = "closed_not_completed", _("Closed, not completed")


#: Statuses in which the action is still the owner's to deliver.
OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.RETURNED)
#: Statuses in which nothing more is expected of anyone.
FINISHED_STATUSES = (ActionStatus.SIGNED_OFF, ActionStatus.CLOSED_NOT_COMPLETED)


class ScanStatus(models.TextChoices):
    """Where an uploaded file (evidence, a learning briefing) is in its virus scan. A file is
    only ever downloaded when it is clean; one the scanner could not check yet waits for the
    rescan (``actions.services.files_rescan_waiting``); an infected one is removed, its row
    kept to say so."""

    WAITING = "waiting", _("Waiting for its virus scan")
    CLEAN = "clean", _("Scanned: no virus found")
    INFECTED = "infected", _("Removed: the virus scan found a virus")
