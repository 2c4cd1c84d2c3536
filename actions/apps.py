from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Action plans")

    def ready(self):
        from actions.selectors import find_reference
        from scsp.find import register as register_finder
        from scsp.navigation import Entry, register

        register_finder(find_reference)  # "Find by reference": plans and actions

        # Home page: "Since your last visit", after the role's own dashboard.
        from actions.since_last_visit import home_panel
        from scsp.dashboard import register as register_panel

        register_panel(home_panel, order=60)
        from scsp.permissions import Ability, is_partner, may

        group = _("Actions")

        register(Entry(_("My actions"), "actions:my_actions",
                       _("The actions you lead: add progress, evidence and ask for new dates."),
                       is_partner, order=10, group=group))
        register(Entry(_("My agency's actions"), "actions:agency_actions",
                       _("Every action your agency leads, with its RAG status."),
                       lambda u: may(u, Ability.LIST_AGENCY_ACTIONS), order=11, group=group))
        register(Entry(_("All actions"), "actions:all_actions",
                       _("Every action in the partnership: filter, sort and download."),
                       lambda u: may(u, Ability.LIST_ALL_ACTIONS), order=10, group=group))
        register(Entry(_("Decisions waiting"), "actions:decisions",
                       _("Actions to sign off or return, and requests for new target dates."),
                       lambda u: may(u, Ability.DECIDE_ACTIONS), order=12, group=group))
        register(Entry(_("Action plans"), "actions:plan_list",
                       _("Plans from reviews, audits, inspections, scrutiny and young people's "
                         "pledges."),
                       lambda u: u.is_authenticated, order=15, group=group))
        register(Entry(_("Impact reviews"), "actions:impact_register",
                       _("Did the actions make a difference? Impact reviews due, their "
                         "evidence and the SLPR group's ratings; download the register."),
                       lambda u: u.is_authenticated, order=16, group=group))
        register(Entry(_("Calendar feed"), "actions:calendar",
                       _("Your action deadlines in Outlook or another calendar."),
                       lambda u: u.is_authenticated, order=150, in_navbar=False))

        # Evidence files are scanned for viruses; those held "waiting" are rescanned.
        from actions.models import Evidence
        from actions.uploads import register_scanned

        register_scanned(Evidence)

        # Files held across a form's errors get the same checks as evidence (scsp/kept_work.py).
        from actions.uploads import check_upload
        from scsp.kept_work import register_upload_check

        register_upload_check(check_upload)

        # Spreadsheets uploaded for import go after IMPORT_UPLOADS_KEEP_DAYS.
        from actions.services.imports import imports_purge
        from scsp.audit import retention

        retention.register("spreadsheets uploaded for import", "IMPORT_UPLOADS_KEEP_DAYS",
                           lambda now, keep_days, held_case_ids: imports_purge(
                               now=now, keep_days=keep_days))

        # Reminders: event notices (returned, signed off, awaiting sign-off, date requests).
        from actions import notices, signals

        # Impact reviews due and overdue join the daily digest (actions/impact_reminders.py).
        from actions.impact_reminders import impact_sections
        from actions.reminders import register_section_provider

        register_section_provider(impact_sections)

        signals.action_changed.connect(notices.on_action_changed,
                                       dispatch_uid="actions.notices.on_action_changed")

        # A subject access request about a member of staff lists what they lead.
        from actions.selectors import led_by
        from scsp.subject_access import register as register_led

        register_led(led_by)
