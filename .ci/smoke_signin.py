"""The newcomer's path: the sign-in page answers and a demo sign-in works (stdlib only)."""

import http.cookiejar
import re
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
home = opener.open(request, timeout=30)
body = home.read().decode()
assert home.geturl().rstrip("/") == BASE, f"not signed in: ended at {home.geturl()}"
assert "What you can do" in body, "home page did not list what the co-ordinator can do"
print(f"make run serves {BASE}: sign-in page OK, demo sign-in {EMAIL} OK")
