"""Coding interview statements (issue 19, item 3): segments from transcripts (plain text
or DOCX, split by paragraph and speaker) and from REFI-QDA projects (``.qdpx``, as
MAXQDA, NVivo, ATLAS.ti and QualCoder export them); the codes of several coders per
segment; agreement per code; the disagreements to adjudicate; statements for a case.

The unit of coding is the **segment**: a paragraph of a source. A coder has given a
segment a code when one of their coded selections with that code overlaps it (the
segment-based comparison CAQDAS tools offer; kamkit's choice, since coders rarely mark
exactly the same characters). Codes are mapped to kamkit's dimensions and practices by
name (:func:`map_codes`), or by a map the researcher gives.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET

from kamkit.core.diagnosis.model import Case, Statement
from kamkit.core.diagnosis.scales import DIMENSION_LABELS, DIMENSIONS, PRACTICES, category_key

from .agreement import cohen_kappa, krippendorff_alpha

REFI_NS = "urn:QDA-XML:project:1.0"
MAX_SEGMENTS = 50_000
"""Segments read from one file (kamkit assumption: a study's transcripts, with room)."""
_SPEAKER = re.compile(r"^\s*([^\s:.!?][^:.!?\n]{0,39}):\s+(\S.*)$", re.S)
"""``Name: what they said`` at the start of a paragraph (a name of up to 40 characters
without sentence punctuation)."""


class CodingFileError(ValueError):
    """A file that cannot be read as a transcript or a REFI-QDA project (the message
    names the file and the problem)."""


@dataclass
class Segment:
    """A paragraph of a source, its speaker if the transcript names one, and the codes
    each coder gave it."""

    source: str
    index: int
    text: str
    speaker: str | None = None
    codes: dict[str, set[str]] = field(default_factory=dict)
    """coder → codes (raw code names, before mapping)."""
    start: int = 0
    end: int = 0

    @property
    def key(self) -> str:
        return f"{self.source}#{self.index}"


def split_transcript(text: str, source: str) -> list[Segment]:
    """Paragraphs (separated by blank lines; a line of its own when the text has no blank
    lines) with their speaker when a paragraph starts ``Name: ``; offsets into ``text``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    has_blank = "\n\n" in text
    pattern = re.compile(r"\n\s*\n" if has_blank else r"\n")
    segments: list[Segment] = []
    pos = 0
    for part in [*pattern.split(text)]:
        start = text.find(part, pos)
        pos = start + len(part)
        clean = part.strip()
        if not clean:
            continue
        speaker = None
        found = _SPEAKER.match(clean)
        if found:
            speaker, clean = found.group(1).strip(), found.group(2).strip()
        segments.append(Segment(source, len(segments), clean, speaker, {}, start, pos))
        if len(segments) > MAX_SEGMENTS:
            raise CodingFileError(f"{source}: more than {MAX_SEGMENTS} paragraphs")
    return segments


def read_docx(data: bytes, source: str) -> list[Segment]:
    """A Word transcript's paragraphs (python-docx), split as :func:`split_transcript`."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken file
        raise CodingFileError(
            f"{source}: not a readable DOCX file ({exc.__class__.__name__})"
        ) from None
    return split_transcript("\n\n".join(p.text for p in document.paragraphs), source)


@dataclass
class QdaProject:
    """What kamkit reads of a REFI-QDA project: its coders, codes and coded segments."""

    coders: dict[str, str]
    """user guid → name."""
    codes: dict[str, str]
    """code guid → name."""
    segments: list[Segment]


def _q(tag: str) -> str:
    return f"{{{REFI_NS}}}{tag}"


def read_qdpx(data: bytes, source: str) -> QdaProject:
    """A ``.qdpx`` file (a ZIP with ``project.qde`` and the sources): each text source
    split into segments, each segment with the codes every coder's selections give it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {n.lower(): n for n in archive.namelist()}
        qde = names.get("project.qde")
        if qde is None:
            raise CodingFileError(f"{source}: no project.qde inside; not a REFI-QDA project")
        root = ET.fromstring(archive.read(qde))
    except (zipfile.BadZipFile, ET.ParseError) as exc:
        raise CodingFileError(f"{source}: not a REFI-QDA project ({exc})") from None
    if root.tag != _q("Project"):
        raise CodingFileError(f"{source}: project.qde is not a REFI-QDA project ({root.tag})")
    coders = {u.get("guid", ""): u.get("name") or u.get("guid", "") for u in root.iter(_q("User"))}
    codes = {c.get("guid", ""): c.get("name") or "" for c in root.iter(_q("Code"))}
    segments: list[Segment] = []
    for src in root.iter(_q("TextSource")):
        name = src.get("name") or src.get("guid") or "source"
        content = src.find(_q("PlainTextContent"))
        if content is not None and content.text:
            text = content.text
        else:
            path = src.get("plainTextPath") or ""
            inner = "sources/" + PurePosixPath(path.removeprefix("internal://")).name
            member = names.get(inner.lower())
            if member is None:
                raise CodingFileError(f"{source}: the text of source '{name}' is missing ({path})")
            text = archive.read(member).decode("utf-8-sig")
        parts = split_transcript(text, name)
        for sel in src.iter(_q("PlainTextSelection")):
            try:
                start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
            except ValueError:
                raise CodingFileError(
                    f"{source}: a selection in '{name}' has no start or end position"
                ) from None
            for coding in sel.iter(_q("Coding")):
                ref = coding.find(_q("CodeRef"))
                if ref is None:
                    continue
                code = codes.get(ref.get("targetGUID", ""))
                if not code:
                    continue
                user = coding.get("creatingUser") or sel.get("creatingUser") or "coder"
                coder = coders.get(user, user)
                for seg in parts:
                    if seg.start < end and start < seg.end:  # overlaps
                        seg.codes.setdefault(coder, set()).add(code)
        for seg in parts:
            seg.index = len(segments)
            segments.append(seg)
            if len(segments) > MAX_SEGMENTS:
                raise CodingFileError(f"{source}: more than {MAX_SEGMENTS} paragraphs")
    return QdaProject(coders, codes, segments)


def read_source(name: str, data: bytes) -> tuple[list[Segment], list[str], list[str]]:
    """(segments, coders, code names) of a file by its suffix: a REFI-QDA project
    (``.qdpx``), a Word transcript (``.docx``) or a plain-text one (``.txt``, ``.text``,
    ``.md``; UTF-8, else Windows-1252). CodingFileError names any other file."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "qdpx":
        qda = read_qdpx(data, name)
        # the coders are the users who coded something (a project also lists e.g. the
        # program itself as a user)
        coders = sorted({c for seg in qda.segments for c in seg.codes})
        return qda.segments, coders, sorted(set(qda.codes.values()))
    if suffix == "docx":
        return read_docx(data, name), [], []
    if suffix not in ("txt", "text", "md"):
        raise CodingFileError(
            f"{name}: a transcript (.txt, .docx) or a REFI-QDA project (.qdpx), please"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return split_transcript(text, name), [], []


TARGETS: tuple[str, ...] = (*DIMENSIONS, *PRACTICES)
"""What a code can stand for: a differentiation dimension or an alignment practice."""


def map_codes(names: Iterable[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Code name → dimension or practice: the researcher's map first, then a code whose
    name is a dimension's or practice's name or label (case, spaces, ``_``/``-`` aside;
    ``Frame bridging`` counts as ``bridging``). Codes that match nothing are left out."""
    by_key = {category_key(t): t for t in TARGETS}
    by_key.update({category_key(label): d for d, label in DIMENSION_LABELS.items()})
    by_key.update({category_key(f"frame {p}"): p for p in PRACTICES})
    out = {}
    for name in names:
        if given and name in given:
            target = given[name]
            if target not in TARGETS:
                raise ValueError(f"code '{name}': '{target}' is not a dimension or practice")
            out[name] = target
        elif category_key(name) in by_key:
            out[name] = by_key[category_key(name)]
    return out


@dataclass(frozen=True)
class CodeAgreement:
    """How far the coders agree on one target (a dimension or practice)."""

    target: str
    coders: int
    segments: int
    """Segments at least one coder gave this target."""
    alpha: float | None
    kappa: float | None
    """Cohen's κ, with exactly two coders."""
    disagreements: tuple[str, ...]
    """Keys of the segments the coders coded differently."""


def coded_targets(segment: Segment, mapping: Mapping[str, str]) -> dict[str, set[str]]:
    """coder → the targets their codes stand for, on one segment."""
    return {
        coder: {mapping[c] for c in codes if c in mapping} for coder, codes in segment.codes.items()
    }


def agreement_by_code(
    segments: Sequence[Segment],
    mapping: Mapping[str, str],
    coders: Sequence[str],
    read: Mapping[str, set[str]] | None = None,
) -> list[CodeAgreement]:
    """Per target: Krippendorff's α (nominal) over every segment × coder, each cell 1 when
    the coder gave the segment the target and 0 when not, Cohen's κ for two coders, and
    the segments they disagree on. Every listed coder is taken to have read every
    segment, unless ``read`` says which segments (by key) each coder coded: the others
    are missing values. Targets no coder used are left out."""
    per = [coded_targets(s, mapping) for s in segments]
    out = []
    for target in TARGETS:
        rows: list[list[int | None]] = [
            [
                (1 if target in p.get(c, set()) else 0)
                if read is None or s.key in read.get(c, set())
                else None
                for s, p in zip(segments, per, strict=True)
            ]
            for c in coders
        ]
        used = [i for i in range(len(segments)) if any(r[i] for r in rows)]
        if not used:
            continue
        disagreements = tuple(
            segments[i].key for i in used if len({r[i] for r in rows if r[i] is not None}) > 1
        )
        alpha = krippendorff_alpha(rows, "nominal") if len(coders) > 1 else None
        kappa = cohen_kappa(rows[0], rows[1]) if len(coders) == 2 else None
        out.append(CodeAgreement(target, len(coders), len(used), alpha, kappa, disagreements))
    return out


def adjudicate(
    segment: Segment, mapping: Mapping[str, str], coders: Sequence[str], rule: str = "majority"
) -> set[str]:
    """The targets a segment keeps: ``majority`` (more than half the coders), ``all``
    (every coder), ``any`` (at least one), or a coder's name (that coder's codes)."""
    per = coded_targets(segment, mapping)
    if rule in coders:
        return set(per.get(rule, set()))
    counts: dict[str, int] = {}
    for coder in coders:
        for t in per.get(coder, set()):
            counts[t] = counts.get(t, 0) + 1
    need = {"majority": len(coders) // 2 + 1, "all": len(coders), "any": 1}.get(rule)
    if need is None:
        raise ValueError(f"rule must be majority, all, any or a coder ({', '.join(coders)})")
    return {t for t, n in counts.items() if n >= need}


def statements_for(
    segments: Sequence[Segment],
    case: Case,
    *,
    mapping: Mapping[str, str] | None = None,
    coders: Sequence[str] = (),
    rule: str = "majority",
    unit: str | None = None,
    coded_only: bool = False,
) -> list[Statement]:
    """The segments as a case's statements: each attributed to its speaker when the
    speaker is a respondent of the case, else to ``unit``; its dimensions those the
    coders' codes stand for, adjudicated by ``rule`` (practices are not statements'
    dimensions and are left out). ``coded_only`` leaves out segments without a
    dimension. ValueError lists the speakers that fit no respondent when no ``unit`` is
    given, and an unknown ``unit``."""
    respondents = {r.id: r for r in case.respondents}
    units = {u.id for u in case.units}
    if unit is not None and unit not in units:
        raise ValueError(f"unit '{unit}' is not a unit of the case")
    unknown = sorted(
        {s.speaker or "(no speaker)" for s in segments if s.speaker not in respondents}
    )
    if unknown and unit is None:
        raise ValueError(
            "these speakers are no respondents of the case; add them or name a --unit: "
            + ", ".join(unknown[:20])
        )
    out = []
    for s in segments:
        dims: tuple[str, ...] = ()
        if mapping and coders:
            kept = adjudicate(s, mapping, coders, rule)
            dims = tuple(d for d in DIMENSIONS if d in kept)
        if coded_only and not dims:
            continue
        if s.speaker in respondents:
            who = respondents[s.speaker]
            out.append(Statement(s.text, dims, who.id, who.units[0] if who.units else None))
        else:
            out.append(Statement(s.text, dims, None, unit))
    return out
