"""The shared PDF helper: static files only, OFFICIAL-SENSITIVE and page numbers."""

import io

import pytest
from django.template import engines
from pypdf import PdfReader

from scsp.pdf import BlockedFetch, html_to_pdf, pdf_response, static_only_url_fetcher


def test_fetcher_reads_our_static_files():
    found = static_only_url_fetcher("https://scsp-pdf.invalid/static/css/pdf.css")
    assert b"OFFICIAL-SENSITIVE" in found["string"]
    assert found["mime_type"] == "text/css"


@pytest.mark.parametrize("url", [
    "https://example.org/tracker.png",
    "file:///etc/passwd",
    "https://scsp-pdf.invalid/static/../scsp/settings.py",
    "https://scsp-pdf.invalid/media/evidence/x.pdf",
])
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(BlockedFetch):
        static_only_url_fetcher(url)


def test_pdf_pages_carry_the_marking_and_numbers():
    template = engines["django"].from_string(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Test report</h1>'
        '{% for i in rows %}<p>Paragraph {{ i }} of the test report.</p>{% endfor %}'
        '<img src="https://example.org/tracker.png" alt="">{% endblock %}')
    html = template.render({"title": "Test report", "rows": range(120)})
    reader = PdfReader(io.BytesIO(html_to_pdf(html)))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "OFFICIAL-SENSITIVE" in text
        assert f"Page {number} of {pages}" in text
    assert reader.metadata.title == "Test report"


def test_pdf_response_is_a_private_attachment():
    response = pdf_response(b"%PDF-1.7", "Rapid Review minutes SLPR-2026-004.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="rapid-review-minutes-slpr-2026-004.pdf"')
    assert "no-store" in response["Cache-Control"]
