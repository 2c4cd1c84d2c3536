"""A production-like stack the outage and drill tests start and stop under a running app: a
throwaway PostgreSQL cluster (so stopping it harms no other test), a throwaway Redis on a
fixed port (so it can be started again where the app expects it), gunicorn and Celery.

Every process is ours and is stopped by its PID; every directory is a temporary one.
"""

from __future__ import annotations

import http.cookiejar
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.services import free_port, need, redis_ping

ROOT = Path(__file__).resolve().parents[2]
PGBIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None) \
    if Path("/usr/lib/postgresql").exists() else None


def need_postgres_binaries() -> None:
    need("PostgreSQL server", PGBIN is not None and (PGBIN / "initdb").exists(),
         "initdb not found (apt-get install postgresql)")


def _as_postgres(args: list[str], **kwargs):
    """Run a PostgreSQL tool as the ``postgres`` user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class PostgresServer:
    """A throwaway cluster on a free loopback port; :meth:`stop` and :meth:`start` keep the
    data, so a test can take the database away and bring it back."""

    def __init__(self):
        need_postgres_binaries()
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="scsp-ops-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        self.data = os.path.join(self.root, "data")
        _as_postgres([str(PGBIN / "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        self.running = False

    def url(self, name: str = "scsp") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self, options: str = ""):
        self.options = options or getattr(self, "options", "")
        _as_postgres([str(PGBIN / "pg_ctl"), "-D", self.data, "-l",
                      os.path.join(self.root, "server.log"), "-w", "-t", "60", "-o",
                      f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                      + self.options, "start"])
        self.running = True
        return self

    def createdb(self, name: str = "scsp"):
        _as_postgres([str(PGBIN / "createdb"), "-h", self.root, "-p", str(self.port),
                      "-U", "postgres", name])

    def stop(self):
        if self.running:
            _as_postgres([str(PGBIN / "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"])
            self.running = False

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class FixedPortRedis:
    """A redis-server on a port chosen once, so it can be stopped and started again there."""

    def __init__(self):
        need("Redis", shutil.which("redis-server") is not None,
             "redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="scsp-ops-redis-")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: redis_ping(self.url), 10, "redis-server to start")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def destroy(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_until(predicate, seconds: float, what: str):
    """Poll ``predicate`` until it holds; raise after ``seconds`` (a deadline that only bounds
    a hang)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001 - not ready yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def app_env(database_url: str, redis_url: str | None, media: Path, **extra) -> dict:
    """The environment of a production-like process of this checkout (SCSP_ENV=test, so no
    TLS or real secrets are needed, but Redis, Celery and storage as in production)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="scsp.settings", SCSP_ENV="test",
               DATABASE_URL=database_url, PRIVATE_MEDIA_ROOT=str(media),
               CELERY_TASK_ALWAYS_EAGER="0", MFA_REQUIRED="1", DB_CONN_MAX_AGE="60",
               PYTHONUNBUFFERED="1")
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: float = 600) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def session_for(env: dict, email: str) -> str:
    """A signed-in session (password and second factor passed) for ``email`` in the app's
    database, made as the suite's test client makes one. Returns the session key."""
    code = ("from scsp.models import User; from tests.mfa import Client; "
            f"c = Client(); c.force_login(User.objects.get(email={email!r})); "
            "print(c.cookies['sessionid'].value)")
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


class Process:
    """A child process with its output in a log file, stopped by its PID."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.log = log
        self.handle = log.open("w")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.handle,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self, timeout: float = 20):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.handle.close()


def gunicorn(env: dict, log: Path, port: int | None = None, workers: int = 2) -> tuple[Process, str]:
    port = port or free_port()
    proc = Process([sys.executable, "-m", "gunicorn", "scsp.wsgi:application", "--bind",
                    f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "30",
                    "--access-logfile", "-"], env, log)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: fetch(base + "/healthz").status in (200, 503), 60, "gunicorn to answer")
    return proc, base


def celery(env: dict, log: Path, *args: str) -> Process:
    return Process([sys.executable, "-m", "celery", "-A", "scsp", *args], env, log)


class Answer:
    def __init__(self, status: int, body: str, headers, seconds: float, url: str):
        self.status, self.body, self.headers, self.seconds, self.url = (
            status, body, headers, seconds, url)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, *, session: str | None = None, data: dict | None = None,
          headers: dict | None = None, timeout: float = 35, files: dict | None = None) -> Answer:
    """One HTTP request (no redirects followed), timed. ``session`` is a session key."""
    import urllib.parse

    jar_headers = dict(headers or {})
    if session:
        jar_headers["Cookie"] = f"sessionid={session}; csrftoken={CSRF}"
    elif data is not None or files:
        jar_headers["Cookie"] = f"csrftoken={CSRF}"
    body = None
    if files:
        body, content_type = multipart(data or {}, files)
        jar_headers["Content-Type"] = content_type
    elif data is not None:
        body = urllib.parse.urlencode(data, doseq=True).encode()
    if body is not None:
        jar_headers.setdefault("X-CSRFToken", CSRF)
        jar_headers.setdefault("Referer", url)
    request = urllib.request.Request(url, data=body, headers=jar_headers)
    handlers = [NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())]
    if url.startswith("https://"):  # our own self-signed certificate on loopback
        import ssl

        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    started = time.monotonic()
    try:
        with opener.open(request, timeout=timeout) as response:
            text = response.read().decode(errors="replace")
            return Answer(response.status, text, response.headers, time.monotonic() - started, url)
    except urllib.error.HTTPError as exc:
        text = exc.read().decode(errors="replace")
        return Answer(exc.code, text, exc.headers, time.monotonic() - started, url)


#: A fixed CSRF token (Django accepts any well-formed 32-character secret as cookie and header).
CSRF = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY"


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----scsp-ops-test-boundary"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, content, ctype) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
