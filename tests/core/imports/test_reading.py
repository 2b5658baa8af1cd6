"""Reading CRM exports: encodings, delimiters, XLSX, profiles and rows (issue 16)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kamkit.core.imports.profiles import MappingError, detect, load_mapping
from kamkit.core.imports.records import parse_when, to_record
from kamkit.core.imports.tables import UnreadableFile, read_table

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "imports"
UTC = ZoneInfo("UTC")
TODAY = dt.date(2026, 11, 28)


def rows(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    table = read_table(path)
    return table.header, list(table.rows)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ";"), ("latin-1", "|")],
)
def test_any_common_encoding_and_delimiter(tmp_path, encoding, delimiter):
    text = delimiter.join(["Id", "Name", "OwnerId"]) + "\r\n"
    text += delimiter.join(["001", "Müller Söhne; Co", "005"]) + "\r\n"
    if delimiter == ";":
        text = text.replace("Müller Söhne; Co", '"Müller Söhne; Co"')
    path = tmp_path / "Account.csv"
    path.write_bytes(text.encode(encoding))
    header, data = rows(path)
    assert header == ["Id", "Name", "OwnerId"]
    assert data == [(2, {"Id": "001", "Name": "Müller Söhne; Co", "OwnerId": "005"})]


def test_row_numbers_are_the_spreadsheets_and_blank_rows_are_left_out(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('Id,Name\n1,"two\nlines"\n\n3,c\n', encoding="utf-8")
    _, data = rows(path)
    assert [n for n, _ in data] == [2, 4]
    assert data[0][1]["Name"] == "two\nlines"


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "not a text"), (b",,,\n1,2,3\n", "header")],
)
def test_unreadable_files_say_why(tmp_path, content, problem):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=problem):
        read_table(path)


def test_a_broken_xlsx_is_unreadable_not_a_crash(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(UnreadableFile, match="XLSX"):
        read_table(path)


def test_dynamics_workbook_reads_the_visible_sheet_with_dates():
    header, data = rows(EXAMPLES / "dynamics" / "PhoneCalls.xlsx")
    assert header[0] == "(Do Not Modify) Phone Call"
    assert data[0][1]["Actual End"] == dt.datetime(2026, 10, 1, 11, 0)


@pytest.mark.parametrize(
    ("path", "source", "kind"),
    [
        ("salesforce/Account.csv", "salesforce", "account"),
        ("salesforce/Contact.csv", "salesforce", "person"),
        ("salesforce/Task.csv", "salesforce", "interaction"),
        ("salesforce/Event.csv", "salesforce", "interaction"),
        ("salesforce/User.csv", "salesforce", "user"),
        ("hubspot/companies.csv", "hubspot", "account"),
        ("hubspot/contacts.csv", "hubspot", "person"),
        ("hubspot/activities.csv", "hubspot", "interaction"),
        ("dynamics/Accounts.xlsx", "dynamics", "account"),
        ("dynamics/Contacts.xlsx", "dynamics", "person"),
        ("dynamics/PhoneCalls.xlsx", "dynamics", "interaction"),
        ("dynamics/Appointments.xlsx", "dynamics", "interaction"),
    ],
)
def test_each_export_is_recognised_from_its_header(path, source, kind):
    header, _ = rows(EXAMPLES / path)
    profile = detect(header)
    assert (profile.source, profile.kind) == (source, kind)


def test_an_unknown_header_is_not_guessed_and_a_source_limits_the_search():
    assert detect(["Customer No", "Customer"]) is None
    header, _ = rows(EXAMPLES / "salesforce" / "Account.csv")
    assert detect(header, "hubspot") is None


def _records(path: str):
    header, data = rows(EXAMPLES / path)
    profile = detect(header)
    columns = profile.column_of(header)
    return [to_record(profile, columns, n, r, tz=UTC, today=TODAY) for n, r in data]


def test_salesforce_tasks_calls_and_emails_are_contacts_to_dos_are_skipped():
    records = {r.source_id: r for r in _records("salesforce/Task.csv")}
    call, inbound, email, todo = (
        records[k]
        for k in ("00T8d000004AAAA", "00T8d000004BBBB", "00T8d000004CCCC", "00T8d000004DDDD")
    )
    assert call.values["channel"] == "phone" and call.values["initiated_by"] == "supplier"
    assert inbound.values["initiated_by"] == "customer"
    assert email.values["channel"] == "email" and email.values["two_way"] is False
    assert "to-do" in todo.skip
    # a date without a time is noon, so it stays on its day in every time zone
    assert call.values["occurred_at"] == dt.datetime(2026, 9, 14, 12, tzinfo=UTC)
    assert call.refs == {
        "account": "0018d000002AAAA",
        "owner": "0058d000001AAAA",
        "contacts": ["0038d000003AAAA"],
        "contact_names": [],
        "participants": [],
    }


def test_meetings_with_a_video_link_are_video_calls():
    events = {r.source_id: r for r in _records("salesforce/Event.csv")}
    assert events["00U8d000005AAAA"].values["channel"] == "in_person"
    assert events["00U8d000005BBBB"].values["channel"] == "video"


def test_hubspot_notes_and_dynamics_open_calls_are_skipped():
    hub = _records("hubspot/activities.csv")
    assert [r.skip != "" for r in hub] == [False, False, True, False]
    assert hub[0].values["initiated_by"] == "customer"
    dyn = _records("dynamics/PhoneCalls.xlsx")
    assert dyn[0].values["channel"] == "phone" and dyn[1].skip.startswith("open")


def test_a_row_with_problems_names_each_column():
    from kamkit.core.imports.profiles import PROFILES

    profile = next(p for p in PROFILES if p.title.startswith("Salesforce tasks"))
    header = ["Id", "Subject", "Status", "WhoId", "TaskSubtype", "ActivityDate", "AccountId"]
    columns = profile.column_of(header)
    row = {
        "Id": "",
        "Subject": "x",
        "Status": "Completed",
        "WhoId": "",
        "TaskSubtype": "Call",
        "ActivityDate": "31/31/2026",
        "AccountId": "001",
    }
    record = to_record(profile, columns, 7, row, tz=UTC, today=TODAY)
    assert set(record.errors) == {"Id", "ActivityDate"}
    assert "not a date" in record.errors["ActivityDate"]


def test_future_activities_are_not_contacts_yet():
    from kamkit.core.imports.profiles import PROFILES

    profile = next(p for p in PROFILES if p.title.startswith("Salesforce events"))
    header = ["Id", "Subject", "StartDateTime", "AccountId"]
    row = {"Id": "1", "Subject": "x", "StartDateTime": "2027-01-01T10:00:00Z", "AccountId": "a"}
    record = to_record(profile, profile.column_of(header), 2, row, tz=UTC, today=TODAY)
    assert record.skip == "in the future: not a contact yet"


@pytest.mark.parametrize(
    ("raw", "expected", "has_time"),
    [
        ("2026-03-04T10:30:00.000+0000", dt.datetime(2026, 3, 4, 10, 30, tzinfo=UTC), True),
        ("2026-03-04T10:30:00Z", dt.datetime(2026, 3, 4, 10, 30, tzinfo=UTC), True),
        ("2026-03-04 10:30", dt.datetime(2026, 3, 4, 10, 30, tzinfo=UTC), True),
        ("3/4/2026 1:05 PM", dt.datetime(2026, 3, 4, 13, 5, tzinfo=UTC), True),
        ("12/4/2026 12:00 AM", dt.datetime(2026, 12, 4, 0, 0, tzinfo=UTC), True),
        ("04.03.2026 09:15", dt.datetime(2026, 3, 4, 9, 15, tzinfo=UTC), True),
        ("2026-03-04", dt.datetime(2026, 3, 4, 12, tzinfo=UTC), False),
        ("1772620200000", dt.datetime(2026, 3, 4, 10, 30, tzinfo=UTC), True),
    ],
)
def test_dates_in_the_forms_crms_write(raw, expected, has_time):
    assert parse_when(raw, UTC) == (expected, has_time)


def test_a_naive_time_is_the_firms():
    berlin = ZoneInfo("Europe/Berlin")
    when, _ = parse_when("2026-07-01 09:00", berlin)
    assert when.astimezone(UTC).hour == 7


def test_a_mapping_file_maps_any_export(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text(
        "kind: interaction\nsource: mycrm\nactivity: call\ndate_format: '%d.%m.%Y'\n"
        "columns: {source_id: No, account: Customer, day: Date, direction: Dir}\n"
        "values: {direction: {rein: inbound}}\n",
        encoding="utf-8",
    )
    profile = load_mapping(path)
    header = ["No", "Customer", "Date", "Dir"]
    record = to_record(
        profile,
        profile.column_of(header),
        2,
        {"No": "7", "Customer": "K1", "Date": "05.10.2026", "Dir": "REIN"},
        tz=UTC,
        today=TODAY,
    )
    assert record.errors == {}
    assert record.values["initiated_by"] == "customer"
    assert record.values["occurred_at"] == dt.datetime(2026, 10, 5, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("kind: deal\ncolumns: {source_id: a}\n", "kind"),
        ("kind: account\ncolumns: {source_id: a, size: b}\n", "size is not a field"),
        ("kind: account\ncolumns: {source_id: a}\n", "name is required"),
        ("kind: [\n", "not YAML"),
    ],
)
def test_a_bad_mapping_says_what_is_wrong(tmp_path, text, problem):
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=problem):
        load_mapping(path)
