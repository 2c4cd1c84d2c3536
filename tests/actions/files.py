"""Small real files of each accepted type, and some hostile ones, for upload tests."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from demo.actions import _pdf


def pdf() -> bytes:
    return _pdf("Briefing log")


def png() -> bytes:
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip(entries, *, first=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, first
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(*, macros=False) -> bytes:
    entries = [("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]
    if macros:
        entries.append(("word/vbaProject.bin", b"\x00" * 10))
    return _zip(entries)


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Team", "Briefed"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    return _zip([("content.xml", "<office:document-content/>")],
                first=("mimetype", "application/vnd.oasis.opendocument.text"))


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (40 * 1024 * 1024))
    return buffer.getvalue()


def many_entries() -> bytes:
    return _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w/>")]
                + [(f"word/media/{n}.xml", "x") for n in range(2100)])


HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
