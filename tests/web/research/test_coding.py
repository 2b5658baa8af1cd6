"""Coding in the web app: a REFI-QDA project or a transcript brought into a wave, coded by
several people independently, compared, settled, and added to the wave as statements."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from kamkit.core.diagnosis import parse_case
from kamkit.web.research.models import CodingDocument, SegmentCoding
from tests.core.research.qdpx import INTERVIEW, project


def bring_in(client, firm, name, data, unit=""):
    return client.post(
        f"/research/waves/{firm.wave.pk}/coding/",
        {"file": SimpleUploadedFile(name, data), "unit": unit},
    )


def test_a_refi_qda_project_shows_the_coders_agreement_and_what_to_settle(as_role, firm):
    client = as_role("analyst")
    assert bring_in(client, firm, "study.qdpx", project()).status_code == 302
    doc = CodingDocument.objects.get()
    assert doc.kind == "qdpx" and doc.segments.count() == 4
    assert set(SegmentCoding.objects.values_list("coder", flat=True)) == {"Coder A", "Coder B"}
    page = BeautifulSoup(client.get(f"/research/coding/{doc.pk}/agreement/").content, "html.parser")
    rows = {
        r.select("td")[0].text: [td.text for td in r.select("td")]
        for r in page.select("#agreement tbody tr")
    }
    assert rows["Structural formalization"][3] == "0.500"  # Cohen's kappa, worked in the core tests
    assert rows["Time orientation"][4] == "0"
    settle = page.select("#disagreements form")
    assert len(settle) == 1 and "newsletter" in settle[0].text
    assert "Coder A: Frame bridging" in settle[0].text


def test_coders_code_alone_then_settle_and_the_wave_gets_the_statements(as_role, firm):
    analyst = as_role("analyst")
    bring_in(analyst, firm, "interview.txt", INTERVIEW.encode())
    doc = CodingDocument.objects.get()
    ids = list(doc.segments.values_list("pk", flat=True))

    def code(client, per_segment):
        data = {"segment": [str(i) for i in ids]}
        for sid, targets in zip(ids, per_segment, strict=True):
            data[f"s{sid}"] = targets
        return client.post(f"/research/coding/{doc.pk}/", data)

    assert (
        code(
            analyst, [["structural_formalization"], ["time_orientation"], ["bridging"], []]
        ).status_code
        == 302
    )
    # the director does not see the analyst's codes while coding
    director = as_role("director")
    page = BeautifulSoup(director.get(f"/research/coding/{doc.pk}/").content, "html.parser")
    assert page.select("input[type=checkbox][checked]") == []
    code(
        director,
        [["structural_formalization"], ["time_orientation", "goal_orientation"], ["bridging"], []],
    )
    agreement = BeautifulSoup(
        director.get(f"/research/coding/{doc.pk}/agreement/").content, "html.parser"
    )
    settle = agreement.select("#disagreements form")
    assert len(settle) == 1 and "Legal thinks in years" in settle[0].text
    second = settle[0].select_one("input[name=segment]")["value"]
    director.post(
        f"/research/coding/{doc.pk}/agreement/",
        {"segment": second, "targets": ["time_orientation", "goal_orientation"]},
    )

    before = len(parse_case(firm.wave.source_yaml).statements)
    assert director.post(f"/research/coding/{doc.pk}/add/").status_code == 302
    firm.wave.refresh_from_db()
    added = parse_case(firm.wave.source_yaml).statements[before:]
    assert [s.respondent for s in added] == ["I2", "I2", "I7", "I7"]
    assert added[0].dimensions == ("structural_formalization",)
    assert added[1].dimensions == ("time_orientation", "goal_orientation")  # as settled
    assert added[2].dimensions == ()  # bridging is a practice, not a statement's dimension
    again = director.post(f"/research/coding/{doc.pk}/add/", follow=True)
    assert "already in the wave" in again.content.decode()
    firm.wave.refresh_from_db()
    assert len(parse_case(firm.wave.source_yaml).statements) == before + 4


def test_unknown_speakers_need_a_unit_and_broken_files_are_named(as_role, firm):
    client = as_role("analyst")
    response = bring_in(
        client, firm, "interview.txt", b"Anna: Rules are strict here.\n\nBen: We agree."
    )
    assert response.status_code == 422
    assert "Anna, Ben" in response.content.decode()
    assert bring_in(client, firm, "broken.qdpx", b"not a zip").status_code == 422
    assert bring_in(client, firm, "slides.pptx", b"x").status_code == 422
    assert CodingDocument.objects.count() == 0
    assert (
        bring_in(
            client, firm, "interview.txt", b"Anna: Rules are strict.", unit="legal"
        ).status_code
        == 302
    )


def test_the_coding_list_names_codes_in_the_reader_s_language(as_role, firm):
    """The agreement per code on the wave's coding list: each code in a word of the
    reader's language, its full name on hover (it showed the codes' ids, also in German)."""
    from kamkit.web.users.models import User

    client = as_role("analyst")
    assert bring_in(client, firm, "study.qdpx", project()).status_code == 302
    page = BeautifulSoup(
        client.get(f"/research/waves/{firm.wave.pk}/coding/").content, "html.parser"
    )
    codes = {s.text.rsplit(" ", 1)[0]: s["title"] for s in page.select("td span.small[title]")}
    assert codes["formalization"] == "Structural formalization"
    assert codes["bridging"] == "Frame bridging"
    User.objects.filter(pk=firm.users["analyst"].pk).update(language="de")
    page = BeautifulSoup(
        client.get(f"/research/waves/{firm.wave.pk}/coding/").content, "html.parser"
    )
    codes = {s.text.rsplit(" ", 1)[0]: s["title"] for s in page.select("td span.small[title]")}
    assert codes["Formalisierung"] == "Strukturelle Formalisierung"
    assert "Überbrückung" in codes and "bridging" not in codes
