"""Evidence uploads: what is accepted, checked by content, not by the name the user gave.

Accepted: PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG, JPEG, plain text and
CSV, up to ``settings.EVIDENCE_MAX_BYTES`` (10 MB). A file passes only when its extension is on
the allow-list **and** its bytes are what that extension says: a PDF renamed ``.png`` or a web
page renamed ``.pdf`` is refused. Office files are ZIP containers: they must have the parts of
their format, no macros, and sizes and entry counts that cannot be a decompression bomb.

Every accepted file then goes through the virus scanner ``settings.EVIDENCE_SCANNER``: a dotted
path to a callable taking the file and returning the name of what it found (None when clean),
or raising :class:`ScannerUnavailable` when it cannot say. Production uses ClamAV's daemon
(``actions.clamav.scan``); development and tests a stand-in that knows the EICAR test file only
(:func:`eicar_scanner`). An infected file is refused at once. A file the scanner could not check
(clamd down, a time-out) is **held**: stored with ``scan_status`` "waiting", never offered for
download, and scanned again by the beat task ``actions.tasks.rescan_waiting_files_task`` (or
``manage.py scan_waiting_files``), which marks it clean or removes it (:func:`scanned_models`
lists the models holding such files; apps register theirs at start-up).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

log = logging.getLogger("actions.uploads")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
TXT = "text/plain"
CSV = "text/csv"

#: extension -> (content type we serve it as, what the user is told it is)
ALLOWED = {
    ".pdf": (PDF, "PDF"),
    ".docx": (DOCX, "Word document"),
    ".xlsx": (XLSX, "Excel workbook"),
    ".odt": (ODT, "OpenDocument text"),
    ".png": (PNG, "PNG image"),
    ".jpg": (JPEG, "JPEG image"),
    ".jpeg": (JPEG, "JPEG image"),
    ".txt": (TXT, "text file"),
    ".csv": (CSV, "CSV file"),
}
ACCEPT_ATTRIBUTE = ",".join(ALLOWED)
ALLOWED_DESCRIPTION = "PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt), PNG, JPEG, TXT, CSV"

# ZIP containers: limits far above any real evidence document, far below a bomb.
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200

SNIFF_BYTES = 8192
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|\?xml)", re.I)
# Bidirectional overrides and other invisible format characters that can disguise a name
# ("invoice\u202Efdp.exe").
_FORMAT_CHARS = {"Cf", "Cc", "Cs", "Co", "Cn"}


class ScannerUnavailable(Exception):
    """The virus scanner could not say whether a file is clean: the file is held, not
    accepted."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what we will store about it. ``scan_status``
    is "clean", or "waiting" when the scanner could not check it yet."""

    file: object
    original_name: str
    content_type: str
    size: int
    sha256: str
    scan_status: str = "clean"


_SCANNED_MODELS: list = []


def register_scanned(model) -> None:
    """Declare a model whose rows hold uploaded files with ``file``, ``scan_status``,
    ``scanned_at`` and ``scan_signature`` (evidence, learning briefings): the rescan covers
    it. Called from ``AppConfig.ready()``."""
    if model not in _SCANNED_MODELS:
        _SCANNED_MODELS.append(model)


def scanned_models() -> list:
    return list(_SCANNED_MODELS)


def clean_filename(name: str) -> str:
    """The user's file name made safe to show and to put in a header: no directories, no
    control or direction-changing characters, at most 200 characters."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[\t\n\r\f\v]+", " ", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _FORMAT_CHARS)
    name = " ".join(name.split()).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "evidence"


def extension_of(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def _read_head(upload, n: int = SNIFF_BYTES) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _zip_parts(upload, label: str) -> tuple[set[str], str]:
    """The entry names of a ZIP container and its ``mimetype`` entry (ODF), after the bomb
    checks."""
    bad = ValidationError(
        _("“%(name)s” is not a valid %(kind)s."), code="bad_content",
        params={"name": upload.name, "kind": label},
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise ValidationError(
                    _("“%(name)s” has too many parts to be a normal document."),
                    code="zip_bomb", params={"name": upload.name},
                )
            total = 0
            for info in infos:
                if info.flag_bits & 0x1:
                    raise ValidationError(
                        _("“%(name)s” is password-protected. Upload it without a password."),
                        code="encrypted", params={"name": upload.name},
                    )
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO \
                        and info.file_size > 1024 * 1024:
                    raise ValidationError(
                        _("“%(name)s” expands to far more than its size; it cannot be accepted."),
                        code="zip_bomb", params={"name": upload.name},
                    )
            if total > ZIP_MAX_UNCOMPRESSED:
                raise ValidationError(
                    _("“%(name)s” expands to far more than its size; it cannot be accepted."),
                    code="zip_bomb", params={"name": upload.name},
                )
            names = {i.filename for i in infos}
            first = infos[0].filename if infos else ""
            mimetype = archive.read("mimetype")[:100] if first == "mimetype" else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError):
        raise bad from None
    finally:
        upload.seek(0)
    return names, mimetype.decode("ascii", "replace").strip()


def _content_matches(ext: str, upload, head: bytes) -> bool:
    if ext == ".pdf":
        return head.startswith(b"%PDF-")
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext in (".docx", ".xlsx", ".odt"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        label = ALLOWED[ext][1]
        names, mimetype = _zip_parts(upload, label)
        if ext == ".docx":
            ok = "[Content_Types].xml" in names and "word/document.xml" in names
        elif ext == ".xlsx":
            ok = "[Content_Types].xml" in names and "xl/workbook.xml" in names
        else:
            ok = mimetype == ODT
        if ok and any(n.lower().endswith("vbaproject.bin") for n in names):
            raise ValidationError(
                _("“%(name)s” contains macros. Save it without macros and upload it again."),
                code="macros", params={"name": upload.name},
            )
        return ok
    if ext in (".txt", ".csv"):
        return _is_plain_text(upload)
    return False


def _is_plain_text(upload) -> bool:
    """UTF-8 (or Windows-1252, as Excel saves CSV) text with no control bytes and no markup
    that a browser might run."""
    upload.seek(0)
    try:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            if b"\x00" in chunk or MARKUP.search(chunk):
                return False
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text = chunk.decode("cp1252")
                except UnicodeDecodeError:
                    return False
            if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n\x0c" for c in text):
                return False
    finally:
        upload.seek(0)
    return True


def eicar_scanner(upload) -> str | None:
    """A stand-in for ClamAV in development and tests: finds the EICAR anti-virus test file
    only. Production uses ``actions.clamav.scan`` (see the module docstring)."""
    upload.seek(0)
    try:
        tail = b""
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            if EICAR in tail + chunk:
                return "Eicar-Test-Signature"
            tail = chunk[-len(EICAR):]
    finally:
        upload.seek(0)
    return None


def _scanner():
    return import_string(settings.EVIDENCE_SCANNER)


def scan_file(upload) -> str | None:
    """The scanner's verdict on ``upload``: the name of what it found, or None when clean.
    Raises :class:`ScannerUnavailable` when it cannot say."""
    try:
        return _scanner()(upload)
    except ScannerUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the scanner holds the file
        log.exception("virus scanner failed")
        raise ScannerUnavailable(str(exc)) from exc


def virus_refusal(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” was refused by the virus check: it contains a virus or a test virus. "
          "Do not upload it again; tell your IT team."), code="virus", params={"name": name},
    )


def check_upload(upload) -> CheckedFile:
    """Check one uploaded file. Returns a :class:`CheckedFile`; raises ``ValidationError``
    with a message the user can act on."""
    name = clean_filename(getattr(upload, "name", "") or "")
    limit = settings.EVIDENCE_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        raise ValidationError(_("The file could not be read."), code="unreadable")
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files can be at most %(limit)s."), code="too_big",
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    ext = extension_of(name)
    if ext not in ALLOWED:
        raise ValidationError(
            _("“%(name)s” is not a type we accept. Upload one of: %(allowed)s."),
            code="type_not_allowed", params={"name": name, "allowed": ALLOWED_DESCRIPTION},
        )
    content_type, label = ALLOWED[ext]
    head = _read_head(upload)
    if not _content_matches(ext, upload, head):
        raise ValidationError(
            _("“%(name)s” is not really a %(kind)s: its contents do not match its name. "
              "Save it in the right format and upload it again."),
            code="content_mismatch", params={"name": name, "kind": label},
        )
    try:
        found = scan_file(upload)
    except ScannerUnavailable as exc:
        log.warning("virus scanner unavailable, file held for a later scan: %s (%s)", name, exc)
        status = "waiting"
    else:
        if found:
            log.warning("virus check refused an upload: %s found in %s", found, name)
            raise virus_refusal(name)
        status = "clean"
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(file=upload, original_name=name, content_type=content_type, size=size,
                       sha256=digest.hexdigest(), scan_status=status)


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file once it passes ``limit`` bytes, so an oversized file is
    never written out in full. The names of the files it dropped are in ``too_big``."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_big: list[tuple[str, int]] = []
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big.append((clean_filename(self.file_name or ""), self.received))
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None

    @staticmethod
    def message(name: str, size: int) -> str:
        return _("“%(name)s” is too big: files can be at most %(limit)s.") % {
            "name": name, "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
