"""A small REFI-QDA project built in the tests: two coders, three codes, one interview
(the structure of the REFI-QDA 1.5 project exchange format: project.qde with Users,
CodeBook, and a TextSource whose text is in sources/)."""

from __future__ import annotations

import io
import zipfile

INTERVIEW = (
    "I2: Most of our rules are informal; we decide case by case.\n\n"
    "I2: Legal thinks in years, we think in the next quarter.\n\n"
    "I7: We send them our newsletter every month.\n\n"
    "I7: Lunch was fine."
)


def span(text: str) -> tuple[int, int]:
    start = INTERVIEW.index(text)
    return start, start + len(text)


def selection(guid: str, text: str, user: str, code: str) -> str:
    start, end = span(text)
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}" '
        f'creatingUser="{user}"><Coding guid="c{guid}" creatingUser="{user}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


def project(selections: list[str] | None = None) -> bytes:
    if selections is None:
        selections = [
            # both coders: formalization on paragraph 1, time on paragraph 2
            selection("s1", "rules are informal", "u1", "k-sf"),
            selection("s2", "Most of our rules", "u2", "k-sf"),
            selection("s3", "Legal thinks in years", "u1", "k-to"),
            selection("s4", "next quarter", "u2", "k-to"),
            # only coder A: bridging on paragraph 3; coder B: formalization there
            selection("s5", "newsletter", "u1", "k-fb"),
            selection("s6", "every month", "u2", "k-sf"),
        ]
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Interviews" origin="test">'
        '<Users><User guid="u1" name="Coder A"/><User guid="u2" name="Coder B"/></Users>'
        "<CodeBook><Codes>"
        '<Code guid="k-sf" name="Structural formalization" isCodable="true"/>'
        '<Code guid="k-to" name="Time orientation" isCodable="true"/>'
        '<Code guid="k-fb" name="Frame bridging" isCodable="true"/>'
        '<Code guid="k-x" name="Lunch" isCodable="true"/>'
        "</Codes></CodeBook>"
        '<Sources><TextSource guid="t1" name="Interview KAM 1" plainTextPath="internal://t1.txt">'
        + "".join(selections)
        + "</TextSource></Sources></Project>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("project.qde", qde)
        z.writestr("sources/t1.txt", INTERVIEW)
    return buf.getvalue()
