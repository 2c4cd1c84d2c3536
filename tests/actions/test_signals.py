"""``actions.signals.send`` refuses an event it does not know, even under ``python -O``."""

import pytest

from actions import signals


def test_an_unknown_event_is_refused_before_anything_is_sent():
    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    signals.action_changed.connect(receiver)
    try:
        with pytest.raises(ValueError, match="Unknown action event 'sign_off'"):
            signals.send("sign_off", action=None, by=None)
    finally:
        signals.action_changed.disconnect(receiver)
    assert heard == []
