"""Services some tests need: PostgreSQL, Redis, Chromium, ClamAV's clamd.

Locally a missing service skips its tests with a loud reason. With REQUIRE_SERVICES=1 (set by
.ci/run) a missing service fails them instead, so CI can never pass by skipping."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def need(service: str, available: bool, how: str) -> None:
    """Skip (locally) or fail (REQUIRE_SERVICES=1) when ``service`` is not available."""
    if available:
        return
    message = f"*** {service} NOT AVAILABLE: {how} ***"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (REQUIRE_SERVICES=1, so this is a failure, not a skip)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_ping(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


class RedisServer:
    """A throwaway redis-server on a free loopback port, stopped by PID."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="scsp-redis-")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if redis_ping(self.url):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


CLAMAV_TEST_SIGNATURES = Path(__file__).resolve().parents[1] / ".ci" / "clamav" / "scsp-test.ndb"


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd",) if os.access(p, os.X_OK)), None)


def clamd_ping(socket_path: str) -> bool:
    from actions.clamav import ping

    return ping(socket_path, timeout=2)


class ClamdServer:
    """A throwaway clamd in the foreground: its own config, a UNIX socket in a temp dir and a
    database holding only the EICAR test signature (.ci/clamav/scsp-test.ndb), stopped by PID.
    The same set-up as .ci/services.sh ``clamav_up``."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="scsp-clamd-")
        self.socket = os.path.join(self.dir, "clamd.sock")
        self.proc = None

    def start(self):
        db = os.path.join(self.dir, "db")
        os.mkdir(db)
        shutil.copy(CLAMAV_TEST_SIGNATURES, db)
        conf = os.path.join(self.dir, "clamd.conf")
        with open(conf, "w") as handle:
            handle.write(f"LocalSocket {self.socket}\nForeground yes\nDatabaseDirectory {db}\n"
                         f"TemporaryDirectory {self.dir}\nLogFile {self.dir}/clamd.log\n")
        self.proc = subprocess.Popen([clamd_binary(), "-c", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if os.path.exists(self.socket) and clamd_ping(self.socket):
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("clamd did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
