"""Fixtures for the action tests: a small partnership of plans around the personas.

* ``shared_plan``  - WMP and SWBNHS each lead an action: both agencies see the whole plan.
* ``wmp_action``   - led by ``wmp_officer`` (WMP), in ``shared_plan``.
* ``health_action``- led by ``health_officer`` (SWBNHS), in ``shared_plan``.
* ``health_plan``  - only SWBNHS leads an action: WMP must get 404.
* ``sct_plan``     - only SCT leads: both WMP and SWBNHS get 404.
"""

import pytest

from actions.models import ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory


@pytest.fixture
def shared_plan(coordinator):
    return PlanFactory(reference="AP-2026-001", title="Rapid Review RR-2026-003",
                       owner=coordinator)


@pytest.fixture
def wmp_action(shared_plan, wmp_officer):
    return ActionFactory(plan=shared_plan, number=1, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=ActionStatus.IN_PROGRESS)


@pytest.fixture
def health_action(shared_plan, health_officer):
    return ActionFactory(plan=shared_plan, number=2, lead_agency=health_officer.agency,
                         lead_officer=health_officer, status=ActionStatus.NOT_STARTED)


@pytest.fixture
def health_plan(coordinator, health_officer):
    plan = PlanFactory(reference="AP-2026-002", title="Spotlight Review SR-2026-001",
                       owner=coordinator)
    ActionFactory(plan=plan, number=1, lead_agency=health_officer.agency,
                  lead_officer=health_officer)
    return plan


@pytest.fixture
def sct_plan(coordinator, sct_officer):
    plan = PlanFactory(reference="AP-2026-003", title="MACFA neglect audit", owner=coordinator)
    ActionFactory(plan=plan, number=1, lead_agency=sct_officer.agency, lead_officer=sct_officer)
    return plan


@pytest.fixture
def world(shared_plan, wmp_action, health_action, health_plan, sct_plan):
    return {"shared_plan": shared_plan, "wmp_action": wmp_action,
            "health_action": health_action, "health_plan": health_plan, "sct_plan": sct_plan}
