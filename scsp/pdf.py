"""The one PDF helper: HTML templates rendered by WeasyPrint.

WeasyPrint fetches stylesheets and images through :func:`static_only_url_fetcher`, which reads
only this project's static files: nothing on the network, nothing else on disk. PDFs carry the
OFFICIAL-SENSITIVE marking and "Page N of M" through ``templates/pdf/base.html``.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

PDF_BASE_URL = "https://scsp-pdf.invalid/"


class BlockedFetch(ValueError):
    """Raised for any resource outside our static files."""


def static_only_url_fetcher(url: str, timeout: int = 10, ssl_context=None, **kwargs):
    """Resolve ``/static/...`` URLs from the static files finders; refuse everything else."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL):
        raise BlockedFetch(f"PDF rendering may only read static files, not {url!r}")
    relative = path[len(settings.STATIC_URL):]
    if ".." in relative.split("/"):
        raise BlockedFetch("path traversal refused")
    found = finders.find(relative)
    if not found:
        raise BlockedFetch(f"no static file {relative!r}")
    mime_type, _encoding = mimetypes.guess_type(found)
    with open(found, "rb") as handle:
        data = handle.read()
    return {"string": data, "mime_type": mime_type or "application/octet-stream",
            "redirected_url": url}


def _weasyprint_fetcher():
    """WeasyPrint 70 calls a ``URLFetcher`` and needs a ``URLFetcherResponse`` back (a plain
    function returning a dict fails its assertion); adapt :func:`static_only_url_fetcher`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            found = static_only_url_fetcher(url)
            return URLFetcherResponse(found["redirected_url"], body=found["string"],
                                      headers={"Content-Type": found["mime_type"]})

    return StaticOnlyFetcher()


def render_html(template_name: str, context: dict, request=None) -> str:
    return render_to_string(template_name, context, request=request)


def html_to_pdf(html: str, *, title: str = "") -> bytes:
    """Render HTML (already built) to PDF bytes, tagged for accessibility (PDF/UA)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_weasyprint_fetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=False, uncompressed_pdf=False)


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template to PDF bytes. Returns the PDF."""
    return html_to_pdf(render_html(template_name, context, request=request),
                       title=context.get("title", ""))


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """An attachment response that is never cached."""
    safe = slugify(filename.rsplit(".pdf", 1)[0]) or "document"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
