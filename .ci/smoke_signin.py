"""The newcomer's path: the sign-in page answers and a demo sign-in works, second factor
included, with the code `python manage.py demo_code EMAIL` prints, as the README says (stdlib
only; run from the checkout with SCSP_ENV=development, as `make run`)."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765"
EMAIL, PASSWORD = "coordinator@scsp.example", "learning-from-practice-2026"

jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
deadline = time.monotonic() + 300
while True:
    try:
        page = opener.open(f"{BASE}/accounts/sign-in/", timeout=5).read().decode()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("the app never answered on " + BASE)
        time.sleep(1)
assert "Sign in" in page, "no sign-in page"
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": EMAIL,
                               "password": PASSWORD}).encode()
request = urllib.request.Request(f"{BASE}/accounts/sign-in/", data=data,
                                 headers={"Referer": f"{BASE}/accounts/sign-in/"})
step = opener.open(request, timeout=30)
page = step.read().decode()
assert "/accounts/check/" in step.geturl(), f"no second-factor step: ended at {step.geturl()}"
# The same database as `make run` (SQLite): CI's own PostgreSQL and Redis are left out.
demo_env = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "TEST_REDIS_URL", "REDIS_URL")}
answer = subprocess.run([sys.executable, "manage.py", "demo_code", EMAIL], capture_output=True,
                        text=True, env={**demo_env, "SCSP_ENV": "development"})
assert answer.returncode == 0, f"demo_code failed: {answer.stderr}"
code = answer.stdout.strip()
assert re.fullmatch(r"\d{6}", code), f"demo_code printed {code!r}"
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "code": code}).encode()
request = urllib.request.Request(step.geturl(), data=data, headers={"Referer": step.geturl()})
home = opener.open(request, timeout=30)
body = home.read().decode()
assert home.geturl().rstrip("/") == BASE, f"not signed in: ended at {home.geturl()}"
assert "What you can do" in body, "home page did not list what the co-ordinator can do"
print(f"make run serves {BASE}: sign-in page OK, demo sign-in {EMAIL} with its code OK")
