#!/usr/bin/env python
"""Django's command-line utility. Without ``SCSP_ENV`` the settings are production's; when they
cannot start (a secret missing), say what to set in one line instead of a traceback."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scsp.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings, which check the environment
    except ImproperlyConfigured as exc:
        sys.exit(f"SCSP Reviews cannot start: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
