"""PDF documents (treatment plans, notes, safety plans) rendered from templates with WeasyPrint.

Every page carries the 42 CFR Part 2 notice in its footer (DOMAIN.md section 6): these documents are
disclosures when they leave the program. Fonts and styles come from the template, never from the
network (the URL fetcher allows only inline ``data:`` URLs).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string

PART2_NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` (which should extend ``pdf/base.html``) to PDF bytes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, {"part2_notice": PART2_NOTICE, **context})
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


def pdf_response(template: str, context: dict[str, Any], *, filename: str, inline: bool = True) -> HttpResponse:
    """An HTTP response with the rendered PDF; never cached by the browser or proxies."""
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
