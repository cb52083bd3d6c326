"""PDF documents: rendered from a template, the Part 2 notice on every page, no external fetches."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from cadence.core.pdf import PART2_NOTICE, pdf_response, render_pdf


@pytest.fixture(autouse=True)
def _templates(settings: Any, tmp_path: Path) -> None:
    folder = tmp_path / "pdf" / "tests"
    folder.mkdir(parents=True)
    (folder / "doc.html").write_text(
        '{% extends "pdf/base.html" %}{% block body %}<h1>{{ heading }}</h1>'
        "{% for i in rows %}<p>Row {{ i }} of a long document</p>{% endfor %}"
        '{% if image %}<img src="http://example.invalid/x.png" alt="external">{% endif %}{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path), *settings.TEMPLATES[0]["DIRS"]]}]


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_carries_the_part2_notice_and_page_numbers() -> None:
    pages = text_of(render_pdf("pdf/tests/doc.html", {"heading": "Treatment plan", "rows": range(120)}))

    assert len(pages) >= 2
    assert "Treatment plan" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert " ".join(text.split()).count("42 CFR part 2 prohibits unauthorized use") >= 1
        assert f"Page {number} of {len(pages)}" in text


def test_external_resources_are_not_fetched(caplog: pytest.LogCaptureFixture) -> None:
    pages = text_of(render_pdf("pdf/tests/doc.html", {"heading": "Plan", "rows": [], "image": True}))

    assert "Plan" in pages[0]  # rendered without the refused image instead of failing
    assert "disallowed protocol: http://example.invalid/x.png" in caplog.text


def test_the_response_is_an_uncached_pdf() -> None:
    response = pdf_response("pdf/tests/doc.html", {"heading": "Notes", "rows": [1]}, filename="notes.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'inline; filename="notes.pdf"'
    assert response.content.startswith(b"%PDF")
    assert PART2_NOTICE.split(" prohibits")[0] in " ".join(text_of(response.content)[0].split())
