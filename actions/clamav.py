"""A small client for ClamAV's daemon (``clamd``): INSTREAM and PING over its UNIX socket.

``settings.EVIDENCE_SCANNER`` points at :func:`scan` in production; ``settings.CLAMAV_SOCKET``
says where clamd listens (Debian's ``clamav-daemon``: ``/var/run/clamav/clamd.ctl``), and
``settings.CLAMAV_TIMEOUT_SECONDS`` how long to wait for it. In production ``freshclam`` keeps
the signatures current (README, Production).

Why our own client: the ``clamd`` package on PyPI has had no release since 2014 and
``pyClamd`` none since 2017; ``clamav-client`` is kept up but also drives ``clamdscan``
subprocesses and TCP, which we do not use. The protocol we need is a few lines (clamd(8),
"INSTREAM"): send ``zINSTREAM\\0``, then the file in chunks, each preceded by its length as 4
bytes big-endian, then a zero length; clamd answers ``stream: OK\\0``, ``stream: <signature>
FOUND\\0`` or ``... ERROR\\0``. Every socket operation has a timeout, so a hung or missing
daemon holds an upload for a later scan (:class:`actions.uploads.ScannerUnavailable`), never a
request, and never lets a file through unscanned.
"""

from __future__ import annotations

import socket
import struct

from django.conf import settings

from actions.uploads import ScannerUnavailable

CHUNK = 64 * 1024
MAX_REPLY = 4096


def _connect(path: str, timeout: float) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError as exc:
        sock.close()
        raise ScannerUnavailable(f"clamd is not answering on {path}: {exc}") from None
    return sock


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0") and len(data) < MAX_REPLY:
        chunk = sock.recv(MAX_REPLY)
        if not chunk:
            break
        data += chunk
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping(path: str, timeout: float = 2.0) -> bool:
    """True when clamd at ``path`` answers PONG."""
    try:
        with _connect(path, timeout) as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (ScannerUnavailable, OSError):
        return False


def instream(chunks, *, path: str, timeout: float) -> str | None:
    """Scan the bytes of ``chunks``. Returns the signature found, or None when clean. Raises
    :class:`ScannerUnavailable` when clamd cannot be reached, times out or reports an error."""
    try:
        with _connect(path, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), CHUNK):
                    part = chunk[start:start + CHUNK]
                    sock.sendall(struct.pack("!L", len(part)) + part)
            sock.sendall(struct.pack("!L", 0))
            answer = _reply(sock)
    except ScannerUnavailable:
        raise
    except OSError as exc:  # socket.timeout included
        raise ScannerUnavailable(f"clamd did not finish the scan: {exc}") from None
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip() or "unknown"
    if answer.endswith("OK"):
        return None
    raise ScannerUnavailable(f"clamd could not scan the file: {answer or 'no answer'}")


def scan(upload) -> str | None:
    """The ``EVIDENCE_SCANNER`` hook: the signature found in ``upload`` or None."""
    path = getattr(settings, "CLAMAV_SOCKET", None)
    if not path:
        raise ScannerUnavailable("CLAMAV_SOCKET is not set")
    upload.seek(0)
    try:
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(
            lambda: upload.read(CHUNK), b"")
        return instream(chunks, path=path, timeout=settings.CLAMAV_TIMEOUT_SECONDS)
    finally:
        upload.seek(0)
