"""Mail and calendar files (issue 16)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kamkit.core.imports.calendar import read_occurrences
from kamkit.core.imports.mail import parse, read_messages
from kamkit.core.imports.tables import UnreadableFile

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "imports" / "mail"
UTC = ZoneInfo("UTC")


def test_mbox_messages_with_their_thread_and_lower_case_addresses():
    first, reply, newsletter = read_messages(EXAMPLES / "thread.mbox")
    assert first.sender == "ingrid.nilsen@fjordline.example"  # written Ingrid.Nilsen@…
    assert reply.thread_root == first.message_id == "<m1@fjordline.example>"
    assert reply.sent_at == dt.datetime(2026, 10, 5, 9, 40, tzinfo=UTC)
    assert first.body == ""  # not kept unless asked
    assert newsletter.recipients == ["manager@supplier.example"]


def test_body_kept_on_request_and_a_message_without_id_gets_a_stable_one():
    raw = b"From: a@x.example\r\nTo: b@y.example\r\nSubject: Hi\r\nDate: Mon, 05 Oct 2026 09:00:00 +0000\r\n\r\nHello there\r\n"
    kept = parse(raw, keep_body=True)
    assert kept.body.strip() == "Hello there"
    assert kept.message_id == parse(raw).message_id and kept.message_id.startswith("<sha256-")


def test_a_message_without_a_date_says_so():
    assert parse(b"From: a@x.example\r\nSubject: x\r\n\r\nbody").problem.startswith("Date")


def test_not_an_mbox(tmp_path):
    path = tmp_path / "x.mbox"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="mbox"):
        list(read_messages(path))


def test_recurring_meetings_expanded_up_to_now_without_cancelled_ones():
    found = list(
        read_occurrences(
            EXAMPLES / "meetings.ics",
            tz=UTC,
            until=dt.datetime(2026, 11, 28, tzinfo=UTC),
            since=dt.date(1900, 1, 1),
        )
    )
    weekly = sorted(o.start for o in found if o.source_id.startswith("weekly"))
    # six weekly, one excluded (EXDATE), one moved by an hour (RECURRENCE-ID)
    assert [d.day for d in weekly] == [7, 14, 28, 5, 12]
    assert dt.datetime(2026, 9, 28, 9, tzinfo=UTC) in weekly
    assert not any("ancelled" in o.summary or "future" in o.summary.lower() for o in found)
    standup = next(o for o in found if o.start.day == 7)
    assert standup.video and standup.attendees == ["ingrid.nilsen@fjordline.example"]
    assert len({o.source_id for o in found}) == len(found)


def test_not_a_calendar(tmp_path):
    path = tmp_path / "x.ics"
    path.write_text("BEGIN:NOTHING", encoding="utf-8")
    with pytest.raises(UnreadableFile):
        list(read_occurrences(path, tz=UTC, until=dt.datetime.now(UTC), since=dt.date(1900, 1, 1)))


def test_a_thread_is_a_dialogue_when_both_sides_wrote_in_it():
    from kamkit.core.imports.mail import two_way_threads

    first, reply, newsletter = read_messages(EXAMPLES / "thread.mbox")
    customers, suppliers = {"ingrid.nilsen@fjordline.example"}, {"manager@supplier.example"}
    assert two_way_threads([first, reply, newsletter], customers, suppliers) == {
        "<m1@fjordline.example>"
    }
    assert two_way_threads([first], customers, suppliers) == set()  # no answer yet
