from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from actions.uploads import register_scanned
        from reviews import checks  # noqa: F401 - registers the settings check
        from reviews.models import BriefingFile

        register_scanned(BriefingFile)  # learning briefings are rescanned with evidence
        from scsp.navigation import Entry, register
        from scsp.permissions import Ability, may

        def signed_in(user):
            return user.is_authenticated

        def logs_notifications(user):
            return may(user, Ability.LOG_NOTIFICATIONS)

        def refers(user):
            return may(user, Ability.REFER_CASES)

        group = _("Reviews")
        register(Entry(_("Cases"), "reviews:case_list",
                       _("Serious incident notifications and partner referrals, with their "
                         "notification and Rapid Review clocks."),
                       signed_in, order=10, group=group))
        register(Entry(_("Practice reviews"), "reviews:review_list",
                       _("LCSPRs, Spotlight and Tabletop Reviews and learning briefings: stages, "
                         "deadlines and outcomes."),
                       signed_in, order=11, group=group))
        register(Entry(_("Log a notification"), "reviews:case_notify",
                       _("Record a serious incident notification and start its Rapid Review "
                         "clock."),
                       logs_notifications, order=12, group=group))
        register(Entry(_("Refer a case"), "reviews:case_refer",
                       _("Refer a case with possible learning to the SLPR subgroup."),
                       refers, order=13, group=group))

        # Reminders: statutory clocks go into the co-ordinator's daily digest.
        from actions.reminders import register_section_provider
        from reviews.reminders import clock_sections

        register_section_provider(clock_sections)
        from reviews.summary_reminders import summary_sections

        register_section_provider(summary_sections)

        # Home page: the agency summaries the person is to write.
        from reviews.summary_selectors import home_panel
        from scsp.dashboard import register as register_panel

        register_panel(home_panel)

        # Audits link the case references in their samples to the cases behind them.
        from reviews.selectors import case_links
        from scsp.case_links import register as register_case_links

        register_case_links(case_links)

        # "Find by reference" in the header reaches cases and practice reviews.
        from reviews.selectors import find_reference
        from scsp.find import register as register_finder

        register_finder(find_reference)

        # The audit trail: which case each record concerns, cases by reference or child,
        # legal holds (scsp.case_links).
        from reviews import audit_links

        audit_links.register()
