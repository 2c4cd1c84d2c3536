"""`make lint`'s dependency audit: pip-audit on requirements.lock, told apart from "could not check".

pip-audit asks a vulnerability database about every pinned package: PyPI's JSON API, or OSV.
Where neither is reachable (as on machines that reach only package indexes), pip-audit either
fails with a connection error or, against PyPI, "skips" every package ("Dependency not found on
PyPI and could not be audited") and still says "No known vulnerabilities found". Neither means
the lock is safe, and neither is a reason to fail the build. So this wrapper:

* **fails** (exit 1) when a database answered and named a known vulnerability;
* **passes with a loud warning** (exit 0) when no database could be asked, or none could audit
  a single package;
* **passes** (exit 0) when packages were audited and none is vulnerable;
* **fails** (exit 2) when pip-audit broke for another reason (a bad lock file, a crash), so a
  real error is never taken for "offline".

Each service is tried in turn (PyPI, then OSV) until one gives an answer. The decision is
:func:`decide`, tested with canned outputs in ``tests/test_pip_audit_wrapper.py``.
Usage: ``python .ci/pip_audit.py [requirements.lock]``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass

SERVICES = ("pypi", "osv")
#: What pip-audit prints when it cannot reach a vulnerability database.
UNREACHABLE = re.compile(
    r"ConnectionError|NameResolutionError|Max retries exceeded|Failed to establish a new "
    r"connection|Temporary failure in name resolution|Name or service not known|timed out|"
    r"ReadTimeout|ConnectTimeout|ServiceError|SSLError|Network is unreachable|"
    r"Connection refused", re.IGNORECASE)

PASS, VULNERABLE, UNABLE, BROKEN = "pass", "vulnerable", "unable", "broken"
EXIT = {PASS: 0, UNABLE: 0, VULNERABLE: 1, BROKEN: 2}


@dataclass
class Decision:
    outcome: str
    message: str

    @property
    def exit_code(self) -> int:
        return EXIT[self.outcome]


def decide(returncode: int, stdout: str, stderr: str) -> Decision:
    """What one pip-audit run (``--format json``) means."""
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if isinstance(report, dict) and isinstance(report.get("dependencies"), list):
        deps = report["dependencies"]
        vulnerable = [
            f"{d.get('name')} {d.get('version')}: {v.get('id')}"
            + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
            for d in deps for v in d.get("vulns") or ()]
        if vulnerable:
            return Decision(VULNERABLE, "Known vulnerabilities in requirements.lock:\n  "
                            + "\n  ".join(vulnerable))
        audited = [d for d in deps if "skip_reason" not in d]
        skipped = len(deps) - len(audited)
        if deps and not audited:
            return Decision(UNABLE, f"the vulnerability database could audit none of the "
                                    f"{skipped} packages (it cannot be reached from here)")
        if returncode != 0:
            return Decision(BROKEN, f"pip-audit exited {returncode}: {stderr.strip()[-2000:]}")
        note = f"; {skipped} could not be audited" if skipped else ""
        return Decision(PASS, f"no known vulnerabilities in {len(audited)} packages{note}")
    if UNREACHABLE.search(stderr):
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        return Decision(UNABLE, f"the vulnerability database cannot be reached ({last[:300]})")
    return Decision(BROKEN, f"pip-audit exited {returncode} without a report: "
                            f"{stderr.strip()[-2000:]}")


def run(requirements: str, service: str) -> Decision:
    command = [sys.executable, "-m", "pip_audit", "-r", requirements, "--no-deps",
               "--disable-pip", "--progress-spinner", "off", "--format", "json",
               "--vulnerability-service", service, "--timeout", "20"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                                check=False)
    except subprocess.TimeoutExpired:
        return Decision(UNABLE, f"pip-audit ({service}) did not finish in 10 minutes")
    return decide(result.returncode, result.stdout, result.stderr)


def main(argv: list[str]) -> int:
    requirements = argv[0] if argv else "requirements.lock"
    reasons = []
    for service in SERVICES:
        decision = run(requirements, service)
        if decision.outcome != UNABLE:
            print(f"pip-audit ({service}): {decision.message}")
            return decision.exit_code
        reasons.append(f"{service}: {decision.message}")
    print("*** pip-audit COULD NOT CHECK requirements.lock: no vulnerability database answered. "
          "Not a failure, but nothing was checked. ***\n  " + "\n  ".join(reasons))
    return EXIT[UNABLE]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
