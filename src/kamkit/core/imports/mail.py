"""Messages from ``.mbox`` and ``.eml`` files (Thunderbird, Apple Mail, Google Takeout).

Only what kamkit keeps: the message id, the time, the addresses of the sender and of
everyone in To and Cc (lower case, as kamkit matches them), the subject, the thread
(``References`` and ``In-Reply-To``) and, on request, the plain-text body.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .tables import UnreadableFile

MAIL_SUFFIXES = (".mbox", ".eml", ".mbx")


@dataclass
class Message:
    """One message as kamkit reads it."""

    message_id: str
    sent_at: dt.datetime | None
    sender: str
    recipients: list[str]
    subject: str
    thread: list[str] = field(default_factory=list)
    body: str = ""
    problem: str = ""

    @property
    def thread_root(self) -> str:
        """The first message of its thread: the first ``References`` id, else the one it
        replies to, else itself."""
        return self.thread[0] if self.thread else self.message_id


def _addresses(values: list[str]) -> list[str]:
    return [addr.lower() for _, addr in email.utils.getaddresses(values) if "@" in addr]


def _ids(value: str | None) -> list[str]:
    return [part for part in (value or "").split() if part.startswith("<")]


def _body(message) -> str:
    try:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""
    except (LookupError, KeyError, ValueError):
        return ""


def parse(raw: bytes, keep_body: bool = False) -> Message:
    """One message from its bytes. A message without a ``Message-ID`` gets one made from
    a digest of its bytes, so a re-import still recognises it."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    problem = ""
    try:
        message_id = str(message.get("Message-ID") or "").strip()
    except (ValueError, IndexError):
        message_id = ""
    if not message_id:
        message_id = "<sha256-" + hashlib.sha256(raw).hexdigest()[:32] + "@kamkit>"
    sent_at = None
    try:
        sent_at = email.utils.parsedate_to_datetime(str(message.get("Date", "")))
        if sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError, IndexError):
        problem = "Date: missing or not a date"
    try:
        sender = _addresses([str(message.get("From", ""))])
        recipients = _addresses(
            [str(v) for name in ("To", "Cc") for v in message.get_all(name, [])]
        )
        subject = str(message.get("Subject", "") or "").strip()
        references = _ids(str(message.get("References", "") or ""))
        reply_to = _ids(str(message.get("In-Reply-To", "") or ""))
    except (ValueError, IndexError, AttributeError) as exc:
        return Message(message_id, sent_at, "", [], "", problem=f"unreadable header ({exc})")
    return Message(
        message_id=message_id,
        sent_at=sent_at,
        sender=sender[0] if sender else "",
        recipients=recipients,
        subject=subject,
        thread=references or reply_to,
        body=_body(message) if keep_body else "",
        problem=problem,
    )


def read_messages(path: Path, keep_body: bool = False) -> Iterator[Message]:
    """Every message of an ``.mbox`` file, or the one of an ``.eml`` file."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    if path.suffix.lower() == ".eml":
        yield parse(path.read_bytes(), keep_body)
        return
    with path.open("rb") as f:
        start = f.read(5)
    if start and start != b"From ":
        raise UnreadableFile(f"{path.name}: not an mbox file (it must start with 'From ')")
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield parse(box.get_bytes(key), keep_body)
    finally:
        box.close()


def two_way_threads(messages: list[Message], customers: set[str], suppliers: set[str]) -> set[str]:
    """The threads (by their first message) with messages sent from both sides: a
    message of such a thread is part of a dialogue, so its interaction is two-way
    (kamkit's rule for mail, docs/imports.md)."""
    sides: dict[str, set[str]] = {}
    for m in messages:
        side = "customer" if m.sender in customers else "supplier" if m.sender in suppliers else ""
        if side:
            sides.setdefault(m.thread_root, set()).add(side)
    return {root for root, seen in sides.items() if len(seen) == 2}
