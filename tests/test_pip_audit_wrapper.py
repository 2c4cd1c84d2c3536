"""`.ci/pip_audit.py` fails on a known vulnerability, never on "could not check" alone, and
never takes a broken run for "offline" (canned pip-audit outputs)."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("ci_pip_audit", ROOT / ".ci" / "pip_audit.py")
wrapper = importlib.util.module_from_spec(spec)
sys.modules["ci_pip_audit"] = wrapper  # dataclasses look their module up there
spec.loader.exec_module(wrapper)


def report(*deps):
    return json.dumps({"dependencies": list(deps), "fixes": []})


CLEAN = report({"name": "django", "version": "5.2.19", "vulns": []},
               {"name": "celery", "version": "5.7.0", "vulns": []})
VULNERABLE = report(
    {"name": "django", "version": "5.2.1", "vulns": [
        {"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"], "aliases": ["CVE-2025-1"],
         "description": "SQL injection"}]},
    {"name": "celery", "version": "5.7.0", "vulns": []})
ALL_SKIPPED = report(
    {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: "
                                      "django (5.2.19)"},
    {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited: "
                                      "celery (5.7.0)"})
SOME_SKIPPED = report({"name": "django", "version": "5.2.19", "vulns": []},
                      {"name": "private-pkg", "skip_reason": "Dependency not found on PyPI"})
OSV_OFFLINE = """Traceback (most recent call last):
  File ".../requests/adapters.py", line 729, in send
requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max \
retries exceeded with url: /v1/query (Caused by NameResolutionError("Failed to resolve \
'api.osv.dev' ([Errno -2] Name or service not known)"))
"""
TIMEOUT = "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='pypi.org', port=443): " \
          "Read timed out. (read timeout=20)"
BAD_LOCK = "ERROR:pip_audit._cli:requirement file requirements.lock: invalid requirement 'x=='"
CRASH = "Traceback (most recent call last):\nKeyError: 'info'"


@pytest.mark.parametrize(("returncode", "stdout", "stderr", "outcome", "exit_code"), [
    (0, CLEAN, "No known vulnerabilities found", "pass", 0),
    (1, VULNERABLE, "Found 1 known vulnerability in 1 package", "vulnerable", 1),
    # PyPI unreachable: pip-audit skips everything and still exits 0 saying "no vulnerabilities".
    (0, ALL_SKIPPED, "No known vulnerabilities found", "unable", 0),
    (0, SOME_SKIPPED, "", "pass", 0),
    (1, "", OSV_OFFLINE, "unable", 0),
    (1, "", TIMEOUT, "unable", 0),
    # A vulnerability found while other packages could not be checked still fails.
    (1, report(json.loads(VULNERABLE)["dependencies"][0],
               {"name": "x", "skip_reason": "Dependency not found on PyPI"}), "", "vulnerable", 1),
    # Broken runs are failures, not "offline".
    (1, "", BAD_LOCK, "broken", 2),
    (1, "", CRASH, "broken", 2),
    (1, "not json", "", "broken", 2),
])
def test_decide(returncode, stdout, stderr, outcome, exit_code):
    decision = wrapper.decide(returncode, stdout, stderr)
    assert (decision.outcome, decision.exit_code) == (outcome, exit_code), decision.message
    if outcome == "vulnerable":
        assert "django 5.2.1: PYSEC-2025-1 (fixed in 5.2.2)" in decision.message


def test_main_tries_each_service_and_passes_loudly_when_none_answers(monkeypatch, capsys):
    asked = []

    def offline(requirements, service):
        asked.append(service)
        return wrapper.decide(1, "", OSV_OFFLINE)

    monkeypatch.setattr(wrapper, "run", offline)
    assert wrapper.main([]) == 0
    assert asked == ["pypi", "osv"]
    assert "COULD NOT CHECK" in capsys.readouterr().out


def test_main_stops_at_the_first_service_that_answers(monkeypatch, capsys):
    answers = {"pypi": wrapper.decide(0, ALL_SKIPPED, ""),
               "osv": wrapper.decide(1, VULNERABLE, "")}
    monkeypatch.setattr(wrapper, "run", lambda requirements, service: answers[service])
    assert wrapper.main(["requirements.lock"]) == 1
    assert "PYSEC-2025-1" in capsys.readouterr().out
