"""Meetings from ``.ics`` calendars (Outlook, Google), recurring ones expanded.

Every occurrence from the earliest day kamkit accepts up to now: ``RRULE``, ``RDATE``,
``EXDATE`` and moved occurrences (``RECURRENCE-ID``) as recurring-ical-events expands
them. Cancelled events and occurrences are left out; so is whatever lies in the future.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from .records import VIDEO_LINK
from .tables import UnreadableFile

VIDEO_PROPERTIES = (
    "LOCATION",
    "DESCRIPTION",
    "URL",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-GOOGLE-CONFERENCE",
    "CONFERENCE",
)


@dataclass
class Occurrence:
    """One meeting that took place: its id (``UID`` and the occurrence's start), when,
    the organiser's and attendees' addresses, the summary and whether it was online."""

    source_id: str
    start: dt.datetime
    organizer: str
    attendees: list[str]
    summary: str
    video: bool


def _address(value) -> str:
    text = str(value or "")
    return text[7:].lower() if text.lower().startswith("mailto:") else text.lower()


def _aware(value, tz: ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return dt.datetime.combine(value, dt.time(12, 0), tzinfo=tz)  # an all-day event


def read_occurrences(
    path: Path, *, tz: ZoneInfo, until: dt.datetime, since: dt.date
) -> Iterator[Occurrence]:
    """The meetings of a calendar file that took place between ``since`` and ``until``."""
    import icalendar
    import recurring_ical_events

    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    except OSError as exc:
        raise UnreadableFile(f"{path}: {exc.strerror or exc}") from None
    except (ValueError, IndexError, KeyError) as exc:
        raise UnreadableFile(f"{path.name}: not an iCalendar file ({exc})") from None
    try:
        events = recurring_ical_events.of(calendar).between(since, until)
    except Exception as exc:  # the library raises its own kinds for broken rules
        raise UnreadableFile(f"{path.name}: the recurrences cannot be expanded ({exc})") from None
    for event in events:
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = event.get("DTSTART")
        if start is None:
            continue
        when = _aware(start.dt, tz)
        if when > until:
            continue
        attendees = event.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        online = " ".join(str(event.get(p, "")) for p in VIDEO_PROPERTIES)
        uid = str(event.get("UID", "")).strip() or f"{event.get('SUMMARY', '')}@{when:%Y%m%d}"
        yield Occurrence(
            source_id=f"{uid}#{when.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
            start=when,
            organizer=_address(event.get("ORGANIZER")),
            attendees=[_address(a) for a in attendees],
            summary=str(event.get("SUMMARY", "") or "").strip(),
            video=bool(VIDEO_LINK.search(online)),
        )
