"""Coding: transcripts split by paragraph and speaker, REFI-QDA projects read with each
coder's codes per paragraph, codes mapped to dimensions, agreement per code, adjudication."""

from __future__ import annotations

import io

import docx
import pytest

from kamkit.core.research.coding import (
    CodingFileError,
    adjudicate,
    agreement_by_code,
    map_codes,
    read_docx,
    read_qdpx,
    split_transcript,
)

from .qdpx import INTERVIEW, project


def test_a_transcript_splits_into_paragraphs_with_their_speakers():
    segments = split_transcript(INTERVIEW, "t")
    assert [s.speaker for s in segments] == ["I2", "I2", "I7", "I7"]
    assert segments[1].text == "Legal thinks in years, we think in the next quarter."
    assert INTERVIEW[segments[2].start : segments[2].end].endswith("every month.")
    lines = split_transcript("Q: Why?\nA: Because: the rules.\nno speaker here", "t")
    assert [(s.speaker, s.text) for s in lines] == [
        ("Q", "Why?"),
        ("A", "Because: the rules."),
        (None, "no speaker here"),
    ]


def test_a_word_transcript_reads_the_same():
    document = docx.Document()
    for para in INTERVIEW.split("\n\n"):
        document.add_paragraph(para)
    buf = io.BytesIO()
    document.save(buf)
    segments = read_docx(buf.getvalue(), "interview.docx")
    assert [s.text for s in segments] == [s.text for s in split_transcript(INTERVIEW, "x")]
    with pytest.raises(CodingFileError, match=r"interview\.docx: not a readable DOCX"):
        read_docx(b"not a zip", "interview.docx")


def test_a_refi_qda_project_gives_each_coder_s_codes_per_paragraph():
    qda = read_qdpx(project(), "study.qdpx")
    assert sorted(qda.coders.values()) == ["Coder A", "Coder B"]
    first, second, third, fourth = qda.segments
    assert first.codes == {
        "Coder A": {"Structural formalization"},
        "Coder B": {"Structural formalization"},
    }
    assert second.codes == {"Coder A": {"Time orientation"}, "Coder B": {"Time orientation"}}
    assert third.codes == {"Coder A": {"Frame bridging"}, "Coder B": {"Structural formalization"}}
    assert fourth.codes == {} and fourth.speaker == "I7"


def test_broken_projects_are_named():
    with pytest.raises(CodingFileError, match=r"x\.qdpx: not a REFI-QDA project"):
        read_qdpx(b"plain text", "x.qdpx")
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("other.xml", "<a/>")
    with pytest.raises(CodingFileError, match=r"no project\.qde inside"):
        read_qdpx(buf.getvalue(), "x.qdpx")


def test_codes_map_to_dimensions_and_practices_by_name_or_by_the_given_map():
    names = ["Structural formalization", "Time orientation", "Frame bridging", "Lunch"]
    assert map_codes(names) == {
        "Structural formalization": "structural_formalization",
        "Time orientation": "time_orientation",
        "Frame bridging": "bridging",
    }
    assert map_codes(["Lunch"], {"Lunch": "orientation_toward_others"}) == {
        "Lunch": "orientation_toward_others"
    }
    with pytest.raises(ValueError, match="'food' is not a dimension or practice"):
        map_codes(["Lunch"], {"Lunch": "food"})


def test_agreement_per_code_and_the_disagreements_to_adjudicate():
    qda = read_qdpx(project(), "study.qdpx")
    mapping = map_codes(qda.codes.values())
    coders = ["Coder A", "Coder B"]
    result = {a.target: a for a in agreement_by_code(qda.segments, mapping, coders)}
    # time orientation: both coders on paragraph 2 only; perfect agreement
    assert result["time_orientation"].alpha == pytest.approx(1.0)
    assert result["time_orientation"].disagreements == ()
    # formalization: both on paragraph 1, only B on paragraph 3 (A: 1,0,0,0; B: 1,0,1,0)
    sf = result["structural_formalization"]
    assert sf.segments == 2 and sf.disagreements == ("Interview KAM 1#2",)
    # kappa by hand: p_o = 3/4; A yes 1/4, B yes 2/4: p_e = 1/4·2/4 + 3/4·2/4 = 1/2
    assert sf.kappa == pytest.approx((0.75 - 0.5) / (1 - 0.5))
    assert result["bridging"].disagreements == ("Interview KAM 1#2",)
    assert "orientation_toward_others" not in result  # nobody used it
    third = qda.segments[2]
    assert adjudicate(third, mapping, coders, "majority") == set()
    assert adjudicate(third, mapping, coders, "any") == {"bridging", "structural_formalization"}
    assert adjudicate(third, mapping, coders, "Coder B") == {"structural_formalization"}
    assert adjudicate(qda.segments[0], mapping, coders, "all") == {"structural_formalization"}
