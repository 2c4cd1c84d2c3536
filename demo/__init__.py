"""Demo and benchmark data, kept outside the product apps.

* ``demo.core``: the partnership (agencies, people, learning themes, the sign-ins);
* ``demo.impact``: impact reviews in each state (neglect, exploitation, early help);
* ``demo.actions``, ``demo.reviews``, ``demo.audits``, ``demo.reports``: each app's demo
  records, made through that app's services;
* ``demo.bench``: the benchmark partnership (``seed_demo --scale large``, ``make bench``).

Only entry points import this package (the ``seed_demo`` command and the tests); no product
module does. :func:`seed` runs the steps in the apps' dependency order; every step is
idempotent, so seeding twice creates no duplicates.
"""

from __future__ import annotations


def seed(command) -> None:
    """Load every demo step in the apps' dependency order (core, actions, reviews, audits,
    reports); each writes a line to ``command.stdout``."""
    from demo import actions, audits, core, impact, reports, reviews

    for step in (core, actions, impact, reviews, audits, reports):
        step.seed(command)
