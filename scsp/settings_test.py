"""The test suite's settings: ``scsp.settings`` with ``SCSP_ENV=test`` chosen explicitly.

pytest-django imports the settings module while pytest loads its plugins, before any
``conftest.py`` runs, so an environment variable set in a conftest would come too late. Naming
this module in ``pyproject.toml`` (``DJANGO_SETTINGS_MODULE``) works for ``pytest`` run
directly and through ``make test``. ``SCSP_ENV`` is set in the process environment too, so
the servers and workers the tests start (``manage.py``, Celery) get the same settings.
"""

import os

os.environ["SCSP_ENV"] = "test"

from scsp.settings import *  # noqa: E402,F403
