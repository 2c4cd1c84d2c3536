from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self):
        from audits.selectors import find_reference
        from scsp.find import register as register_finder
        from scsp.navigation import Entry, register

        register_finder(find_reference)  # "Find by reference": audits

        def signed_in(user):
            return user.is_authenticated

        group = _("Audits")
        register(Entry(_("MACFAs and self-assessments"), "audits:audit_list",
                       _("Multi-agency case file audits and Section 11 and 175 self-assessments: "
                         "complete your agency's return, see results and findings."),
                       signed_in, order=40, group=group))
        register(Entry(_("Audit rota"), "audits:rota",
                       _("The single-agency audit rota: who presents to QPPA when, and which "
                         "slots are late."),
                       signed_in, order=41, group=group))

        # A subject access request about a member of staff lists the audits they lead.
        from audits.selectors import led_by
        from scsp.subject_access import register as register_led

        register_led(led_by)
