"""The review pack: the internal version with the phase, scores and lever; the
customer-safe version with only what is shared; a PDF made without network."""

from __future__ import annotations

import re
import zlib

import pytest
from bs4 import BeautifulSoup

from kamkit.web.relationships.models import JointInitiative


def pdf_text(data: bytes) -> str:
    """The text drawn on the PDF's pages (fpdf2 compresses each page's stream)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            out.append(stream.decode("latin-1", "replace"))
    return "".join(out)


def titles(response) -> list[str]:
    return [
        h.text for h in BeautifulSoup(response.content, "html.parser").select(".review-section h2")
    ]


def test_internal_and_customer_safe_versions(as_role, firm):
    JointInitiative.objects.create(account=firm.own, title="Secret push", shared=False)
    JointInitiative.objects.create(account=firm.own, title="Packaging", shared=True)
    manager = as_role("manager")
    internal = manager.get(f"/accounts/{firm.own.pk}/review/")
    assert internal.status_code == 200
    assert titles(internal)[:3] == ["Phase and why", "Scores and their trend", "The lever"]
    assert "Secret push" in internal.content.decode()
    safe = manager.get(f"/accounts/{firm.own.pk}/review/?version=customer")
    text = safe.content.decode()
    assert "Phase and why" not in titles(safe) and "The lever" not in titles(safe)
    assert "Packaging" in text and "Secret push" not in text
    assert "value to us" not in text
    customer = as_role("customer")
    forced = customer.get(f"/accounts/{firm.own.pk}/review/?version=internal")
    assert "Secret push" not in forced.content.decode()
    assert "The lever" not in titles(forced)


def test_the_pdf_is_made_here_and_keeps_the_customer_safe_cut(as_role, firm, monkeypatch):
    from kamkit.web.relationships import review

    monkeypatch.setattr(review, "UNICODE_FONTS", ())  # the built-in font: its text is plain
    monkeypatch.delenv("KAMKIT_PDF_FONT", raising=False)
    JointInitiative.objects.create(account=firm.own, title="Secret push", shared=False)
    JointInitiative.objects.create(account=firm.own, title="Packaging", shared=True)
    manager = as_role("manager")
    response = manager.get(
        f"/accounts/{firm.own.pk}/review/?version=customer&period=year&format=pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Packaging" in text and "Secret push" not in text
    assert "annual review" in text
    internal = pdf_text(manager.get(f"/accounts/{firm.own.pk}/review/?format=pdf").content)
    assert "Secret push" in internal and "Phase and why" in internal


def test_unknown_options_are_named(as_role, firm):
    response = as_role("manager").get(f"/accounts/{firm.own.pk}/review/?period=decade")
    assert response.status_code == 400 and b"period: quarter or year" in response.content


def test_names_in_any_script_print_with_a_unicode_font(as_role, firm):
    from kamkit.web.relationships.review import _unicode_font

    if _unicode_font() is None:
        pytest.skip("no Unicode TrueType font on this machine: the built-in Helvetica is used")
    firm.own.name = "Łódź Motors → Ελλάδα"
    firm.own.save()
    response = as_role("manager").get(f"/accounts/{firm.own.pk}/review/?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"DejaVu" in response.content or b"FontFile2" in response.content  # embedded
