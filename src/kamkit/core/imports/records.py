"""A mapped row as a plain record, with the problems of its columns named (issue 16).

What becomes what, and the kamkit defaults where a source says nothing (each one is a
kamkit assumption, listed in docs/imports.md):

- an account's owner, a contact's account, its manager and an activity's people are
  *references*, resolved against the database by the web layer;
- people from a CRM are the customer's (``side`` customer);
- an activity is an interaction when it is a logged call, email or meeting: a
  Salesforce task whose ``TaskSubtype`` is ``Call`` or ``Email``, every event; HubSpot
  calls, meetings and emails; Dynamics phone calls and appointments. To-do tasks, notes,
  open, cancelled and future activities are skipped and counted, never rejected;
- calls become ``phone``, emails ``email``, meetings ``video`` when they carry a Teams,
  Zoom, Meet or Webex link, else ``in_person``;
- initiated by the supplier unless the source says inbound (``CallType`` Inbound,
  HubSpot ``INBOUND``/``INCOMING_EMAIL``, Dynamics ``Incoming``);
- a date without a time (Salesforce ``ActivityDate``) is taken at noon in the firm's
  time zone, so it stays on its day in every zone; times without a zone are the firm's;
- the subject is the summary (cut at the summary's limit, marked with …).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from kamkit.core.i18n import gettext_noop
from kamkit.core.relationships import CHANNELS, CONTENT, FORMALITY, SIDES, TEXT_LIMITS

from .profiles import Profile, label_key, value_of

VIDEO_LINK = re.compile(
    r"teams\.microsoft\.com|teams\.live\.com|zoom\.us|meet\.google\.com|webex\.com", re.I
)
"""A meeting with one of these links is a video call (kamkit default)."""

INBOUND = {"inbound", "incoming", "incoming_email", "in", "received"}
"""Direction values that say the customer initiated the contact."""

DONE_STATUSES = {"completed", "complete", "closed", "done", "held", "finished"}
SKIPPED_STATUSES = {
    "open",
    "not started",
    "in progress",
    "waiting on someone else",
    "deferred",
    "canceled",
    "cancelled",
    "no show",
    "no_show",
    "rescheduled",
    "busy",
    "no answer",
    "no_answer",
    "failed",
}
"""Statuses of activities that are not (yet) a contact: skipped, not rejected."""

ACTIVITY_TYPES = {
    "call": "call",
    "calls": "call",
    "phone call": "call",
    "meeting": "meeting",
    "meetings": "meeting",
    "appointment": "meeting",
    "event": "meeting",
    "email": "email",
    "emails": "email",
    "incoming_email": "email",
    "forwarded_email": "email",
    "e-mail": "email",
}
"""Activity type values (HubSpot's ``Activity type`` and mappings) that are contacts."""

SUBJECT_TYPES = {"call title": "call", "meeting name": "meeting", "email subject": "email"}
"""A HubSpot export of one activity type is known by its subject column."""

TRUE = {"true", "1", "yes", "y", "x", "wahr", "ja"}
FALSE = {"false", "0", "no", "n", "", "falsch", "nein"}

NOON = dt.time(12, 0)
SUMMARY_LIMIT = TEXT_LIMITS["summary"]


@dataclass
class Record:
    """One row: the kamkit fields it gives (``values``), what it refers to (``refs``:
    source ids or names, resolved by the web layer), the problems of its columns
    (``errors``: column label → problem), or why it is skipped (``skip``)."""

    kind: str
    line: int
    source_id: str
    values: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    skip: str = ""


def two_way_with(given: bool | None, participant_sides: list[str]) -> bool:
    """Whether a contact from a CRM is a dialogue: as the file says, else when a known
    customer person took part (kamkit default; a logged email is one-way, set above)."""
    return given if given is not None else "customer" in participant_sides


def text(raw: Any) -> str:
    """A cell as trimmed text (dates from XLSX as ISO)."""
    if type(raw) is str:  # the common case first: a CSV cell
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    return str(raw).strip()


def parse_bool(raw: Any) -> bool | None:
    """``true``/``false`` and the usual spellings; None when it is neither."""
    value = text(raw).casefold()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    return None


_US = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_when(raw: Any, tz: ZoneInfo, date_format: str = "") -> tuple[dt.datetime, bool]:
    """A cell as an aware datetime and whether it held a time. Accepts XLSX dates, ISO
    8601 (with ``T`` or a space, ``Z`` or an offset, fractions of a second), the US
    ``M/D/YYYY h:mm AM`` that Salesforce and Dynamics write in English, the German
    ``D.M.YYYY HH:MM``, milliseconds since 1970 (HubSpot's timestamps) and, when given,
    ``date_format`` (``strptime`` codes). Raises ValueError naming the expected forms."""
    if isinstance(raw, dt.datetime):
        return (raw if raw.tzinfo else raw.replace(tzinfo=tz)), True
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, NOON, tzinfo=tz), False
    value = text(raw)
    if not value:
        raise ValueError(gettext_noop("is empty"))
    if date_format:
        try:
            parsed = dt.datetime.strptime(value, date_format)
        except ValueError:
            raise ValueError(
                gettext_noop("{value} does not match the date format {format}").format(
                    value=repr(value), format=repr(date_format)
                )
            ) from None
        has_time = any(c in date_format for c in ("%H", "%I", "%M"))
        if not has_time:
            parsed = dt.datetime.combine(parsed.date(), NOON)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)), has_time
    if value.isdigit() and len(value) in (12, 13):
        return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.UTC), True
    iso = value.replace("Z", "+00:00").replace("z", "+00:00")
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)  # Salesforce's +0000
    try:
        if len(iso) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(iso), NOON, tzinfo=tz), False
        parsed = dt.datetime.fromisoformat(iso)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)), True
    except ValueError:
        pass
    for pattern, order in ((_US, "mdy"), (_DE, "dmy")):
        m = pattern.match(value)
        if not m:
            continue
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        month, day = (a, b) if order == "mdy" else (b, a)
        hour = int(m.group(4) or 12)
        minute = int(m.group(5) or 0)
        second = int(m.group(6) or 0)
        ampm = m.group(7).lower() if order == "mdy" and m.group(7) else ""
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        try:
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=tz), bool(m.group(4))
        except ValueError as exc:
            raise ValueError(
                gettext_noop("{value} is not a date ({reason})").format(
                    value=repr(value), reason=exc
                )
            ) from None
    raise ValueError(
        gettext_noop(
            "{value} is not a date; expected ISO 8601 (2025-03-04 or 2025-03-04T10:30:00Z), "
            "M/D/YYYY h:mm AM or D.M.YYYY HH:MM"
        ).format(value=repr(value))
    )


def split_ids(raw: Any) -> list[str]:
    """Several ids in one cell (HubSpot's ``;``, others' ``,``)."""
    return [p.strip() for p in re.split(r"[;,]", text(raw)) if p.strip()]


def cut(value: str, limit: int) -> str:
    """``value`` within ``limit`` characters, a cut marked with an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


class Row:
    """A row read through a profile: each field's value and the column it came from."""

    def __init__(self, profile: Profile, columns: dict[str, str], values: dict[str, Any]):
        self.profile = profile
        self.columns = columns
        self.values = values

    def raw(self, name: str) -> Any:
        column = self.columns.get(name)
        if column is None:
            return None
        if not self.profile.values:  # no value translation: the common case, kept quick
            return self.values.get(column)
        return value_of(self.profile, name, self.values.get(column))

    def get(self, name: str) -> str:
        return text(self.raw(name))

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


def to_record(
    profile: Profile,
    columns: dict[str, str],
    line: int,
    values: dict[str, Any],
    *,
    tz: ZoneInfo,
    today: dt.date,
) -> Record:
    """One row of a file as a ``Record`` of the profile's kind (see the module)."""
    row = Row(profile, columns, values)
    record = Record(profile.kind, line, row.get("source_id"))
    if not record.source_id:
        record.errors[row.column("source_id")] = gettext_noop("is empty; every row needs its id")
    {"user": _user, "account": _account, "person": _person, "interaction": _interaction}[
        profile.kind
    ](row, record, tz, today)
    return record


def _user(row: Row, record: Record, tz: ZoneInfo, today: dt.date) -> None:
    record.values = {"username": row.get("username"), "email": row.get("email").lower()}


def _account(row: Row, record: Record, tz: ZoneInfo, today: dt.date) -> None:
    record.values = {
        "name": row.get("name"),
        "industry": row.get("industry"),
        "country": row.get("country"),
    }
    if not record.values["name"]:
        record.errors[row.column("name")] = gettext_noop("is empty; an account needs a name")
    for ref in ("owner", "parent", "parent_name"):
        if value := row.get(ref):
            record.refs[ref] = value


def _person(row: Row, record: Record, tz: ZoneInfo, today: dt.date) -> None:
    name = row.get("name") or " ".join(
        p for p in (row.get("first_name"), row.get("last_name")) if p
    )
    side = row.get("side").casefold() or "customer"
    record.values = {
        "name": name,
        "email": row.get("email"),
        "role": row.get("title"),
        "department": row.get("department"),
        "phone": row.get("phone"),
        "side": side,
    }
    if not name:
        column = row.column("name") if "name" in row.columns else row.column("last_name")
        record.errors[column] = gettext_noop("is empty; a person needs a name")
    if side not in SIDES:
        record.errors[row.column("side")] = gettext_noop(
            "{value} is not a side; expected supplier or customer"
        ).format(value=repr(side))
    for ref in ("account", "account_name", "reports_to", "reports_to_name"):
        if value := row.get(ref):
            record.refs[ref] = value
    if "account" not in record.refs and "account_name" not in record.refs:
        column = row.column("account") if "account" in row.columns else row.column("account_name")
        record.errors[column] = gettext_noop("is empty; a person belongs to an account")


def _activity_type(row: Row) -> str:
    if row.profile.activity:
        return row.profile.activity
    if given := row.get("activity"):
        return ACTIVITY_TYPES.get(given.casefold(), given.casefold())
    subject_column = label_key(row.columns.get("subject", ""))
    return SUBJECT_TYPES.get(subject_column, "")


def _interaction(row: Row, record: Record, tz: ZoneInfo, today: dt.date) -> None:
    activity = _activity_type(row)
    channel = ""
    if activity == "task":  # Salesforce: a task is a contact only as a logged call or email
        subtype = row.get("subtype").casefold()
        channel = {"call": "phone", "email": "email"}.get(subtype, "")
        if not channel:
            kind = "to-do" if subtype in ("", "task") else subtype
            record.skip = gettext_noop("a {kind} task, not a logged call or email").format(
                kind=kind
            )
            return
    elif activity == "call":
        channel = "phone"
    elif activity == "email":
        channel = "email"
    elif activity == "meeting":
        where = f"{row.get('location')} {row.get('description')}"
        channel = "video" if VIDEO_LINK.search(where) else "in_person"
    elif activity == "kamkit":
        channel = row.get("channel")
        if channel not in CHANNELS:
            record.errors[row.column("channel")] = gettext_noop(
                "{value} is not a channel; expected one of {allowed}"
            ).format(value=repr(channel), allowed=", ".join(CHANNELS))
    else:
        record.skip = gettext_noop("a {kind} activity, not a call, email or meeting").format(
            kind=activity or "untyped"
        )
        return
    status = row.get("status").casefold()
    closed = parse_bool(row.raw("closed")) if "closed" in row.columns else None
    if closed is False or (status in SKIPPED_STATUSES and status not in DONE_STATUSES):
        record.skip = gettext_noop("{status}: not a contact that took place").format(
            status=status or "open"
        )
        return

    column = "occurred_at" if row.get("occurred_at") else "day"
    try:
        when, _ = parse_when(row.raw(column), tz, row.profile.date_format)
    except ValueError as exc:
        label = row.column(column if column in row.columns else "occurred_at")
        record.errors[label] = str(exc)
        when = None
    if when is not None and when.astimezone(tz).date() > today:
        record.skip = gettext_noop("in the future: not a contact yet")
        return

    if activity == "kamkit":
        initiated_by = row.get("initiated_by")
        if initiated_by not in SIDES:
            record.errors[row.column("initiated_by")] = gettext_noop(
                "{value} is not a side; expected supplier or customer"
            ).format(value=repr(initiated_by))
    else:
        direction = row.get("direction").casefold()
        initiated_by = "customer" if direction in INBOUND else "supplier"
    two_way = None  # decided by who took part (the web layer), unless the file says
    if "two_way" in row.columns:
        two_way = parse_bool(row.raw("two_way"))
        if two_way is None:
            record.errors[row.column("two_way")] = gettext_noop("expected true or false")
    elif channel == "email":
        two_way = False  # one logged email is a message, not a dialogue (kamkit default)
    values = {
        "occurred_at": when,
        "channel": channel,
        "initiated_by": initiated_by,
        "two_way": two_way,
        "summary": cut(row.get("subject") or row.get("description"), SUMMARY_LIMIT),
    }
    for name, allowed in (("formality", FORMALITY), ("content", CONTENT)):
        if given := row.get(name):
            if given not in allowed:
                record.errors[row.column(name)] = gettext_noop(
                    "{value} is not allowed; expected one of {allowed}"
                ).format(value=repr(given), allowed=", ".join(allowed))
            values[name] = given
    record.values = values
    for ref in ("account", "account_name", "owner"):
        if value := row.get(ref):
            record.refs[ref] = value
    record.refs["contacts"] = split_ids(row.raw("contacts"))
    # Dynamics names the people (``Required Attendees: Anna Ozola; Max Manager``)
    record.refs["contact_names"] = [
        n for n in re.split(r"[;\n]", row.get("contact_names")) if n.strip()
    ]
    record.refs["contact_names"] = [n.strip() for n in record.refs["contact_names"]]
    record.refs["participants"] = split_ids(row.raw("participants"))
    known = record.refs.get("account") or record.refs.get("account_name")
    if not known and not record.refs["contacts"]:
        column = row.column("account") if "account" in row.columns else "account"
        record.errors[column] = gettext_noop("is empty; an interaction belongs to an account")
