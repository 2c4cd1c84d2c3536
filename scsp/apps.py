from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScspConfig(AppConfig):
    name = "scsp"
    verbose_name = _("Partnership")

    def ready(self):
        from scsp import (
            auth,  # noqa: F401 - connects the lockout log to django-axes' signal
            kept_work,  # noqa: F401 - sign-out deletes what was kept for the person
            lookups,
        )
        from scsp.navigation import Entry, register
        from scsp.permissions import Ability, may

        lookups.register()

        # The audit trail: sign-in events, and the change history's index of every
        # django-simple-history row (scsp/audit/).
        from django.contrib.auth import signals as auth_signals
        from simple_history.signals import post_create_historical_record

        from scsp.audit import changes, signins

        auth_signals.user_logged_in.connect(signins.signed_in, dispatch_uid="scsp.audit.in")
        # Keep the previous sign-in ("Since your last visit") before Django's own receiver
        # overwrites last_login: ours is connected first, then Django's again after it.
        from django.contrib.auth.models import update_last_login

        from scsp.auth import keep_previous_sign_in

        had_update = auth_signals.user_logged_in.disconnect(dispatch_uid="update_last_login")
        auth_signals.user_logged_in.connect(keep_previous_sign_in,
                                            dispatch_uid="scsp.previous_login")
        if had_update:
            auth_signals.user_logged_in.connect(update_last_login,
                                                dispatch_uid="update_last_login")
        auth_signals.user_logged_out.connect(signins.signed_out, dispatch_uid="scsp.audit.out")
        auth_signals.user_login_failed.connect(signins.sign_in_failed,
                                               dispatch_uid="scsp.audit.failed")
        post_create_historical_record.connect(changes.on_history,
                                              dispatch_uid="scsp.audit.changes")

        def signed_in(user):
            return user.is_authenticated

        register(Entry(_("Agencies"), "scsp:agency_list",
                       _("See the partnership's agencies and who to contact in each."),
                       signed_in, order=80, group=_("Partnership")))
        register(Entry(_("Learning themes"), "scsp:theme_list",
                       _("The learning themes reviews, audits and actions are tagged with."),
                       signed_in, order=81, group=_("Partnership")))
        register(Entry(_("Access log"), "scsp:access_log",
                       _("Who viewed, downloaded or exported what, sign-ins, and every refusal."),
                       lambda u: u.reads_audit_log, order=90, group=_("Partnership")))
        register(Entry(_("Change history"), "scsp:change_history",
                       _("Every change to partnership records: who, when, before and after."),
                       lambda u: u.reads_audit_log, order=91, group=_("Partnership")))
        register(Entry(_("Reminders"), "scsp:reminder_list",
                       _("The reminder e-mails sent to you; for the co-ordinator, every "
                         "reminder sent and any that failed."),
                       signed_in, order=95, group=_("Partnership")))
        register(Entry(_("People"), "scsp:people",
                       _("Invite people, reset a second factor, deactivate leavers."),
                       lambda u: may(u, Ability.MANAGE_PEOPLE), order=85,
                       group=_("Partnership")))
        register(Entry(_("Partnership settings"), "scsp:partnership_settings",
                       _("The partnership's settings, such as who needs a second factor."),
                       lambda u: may(u, Ability.MANAGE_SETTINGS), order=86,
                       group=_("Partnership")))
        register(Entry(_("Sign-in and security"), "scsp:security",
                       _("Your authenticator app, passkeys, recovery codes and password."),
                       signed_in, order=199, in_navbar=False))
        register(Entry(_("Change your password"), "scsp:password_change",
                       _("Set a new password (at least 12 characters)."),
                       signed_in, order=200, in_navbar=False))

        # Message look-ups skip the empty English catalogues Django chains behind the site's
        # language (scsp/i18n.py: ~12% of a page's rendering).
        from scsp.i18n import speed_up_the_site_language

        speed_up_the_site_language()
