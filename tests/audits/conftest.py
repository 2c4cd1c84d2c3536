import pytest

from tests.audits.factories import make_macfa


@pytest.fixture
def macfa(coordinator, wmp, swbnhs):
    """A MACFA in progress: WMP and SWBNHS take part; two cases; the seven default
    questions."""
    return make_macfa(coordinator, [wmp, swbnhs])
