"""Importing CRM exports, mail and calendars through the services (issue 16)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from typer.testing import CliRunner

from kamkit.cli import app
from kamkit.web.accounts.models import Account, Person
from kamkit.web.assessment.models import AssessmentSnapshot
from kamkit.web.imports.services import import_files
from kamkit.web.relationships.models import Interaction, InteractionWeek, PersonPair

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "imports"
SALESFORCE = sorted((EXAMPLES / "salesforce").glob("*.csv"))
runner = CliRunner()


@pytest.fixture
def crm(firm, tmp_path):
    """The example exports in a folder of this test's own, and the firm's KA manager
    known by the email the Salesforce user file gives."""
    manager = firm.users["manager"]
    manager.email = "manager@supplier.example"
    manager.save()
    for folder in ("salesforce", "hubspot", "dynamics", "mail"):
        shutil.copytree(EXAMPLES / folder, tmp_path / folder)
    return tmp_path


def files(folder: Path, *names: str) -> list[Path]:
    return [folder / n for n in names] if names else sorted(folder.iterdir())


def by_file(report) -> dict:
    return {f.file: f for f in report.files}


def test_salesforce_export_becomes_accounts_people_and_contacts(crm, firm):
    director = firm.users["director"]
    report = import_files(director, files(crm / "salesforce"))
    assert report.exit_status == 0
    counts = {f.file: (f.created, f.skipped) for f in report.files}
    assert counts == {
        "User.csv": (0, 1),
        "Account.csv": (3, 0),
        "Contact.csv": (3, 0),
        "Task.csv": (4, 1),
        "Event.csv": (2, 0),
    }
    holding = Account.objects.get(source="salesforce", source_id="0018d000002AAAA")
    logistik = Account.objects.get(source_id="0018d000002BBBB")
    assert holding.ka_manager == firm.users["manager"]  # OwnerId → User.csv → email
    assert logistik.parent == holding
    lena = Person.objects.get(source_id="0038d000003BBBB")
    assert lena.reports_to.name == "Jonas Becker" and lena.side == "customer"
    assert lena.role == "Buyer" and lena.department == "Procurement"
    inbound = Interaction.objects.get(source_id="00T8d000004BBBB")
    assert inbound.initiated_by == "customer" and inbound.channel == "phone"
    # the owner takes part as the account's supplier person; who met whom is current
    assert {p.side for p in inbound.participants.all()} == {"customer", "supplier"}
    assert PersonPair.objects.filter(account=holding).count() == 2
    assert InteractionWeek.objects.filter(account=holding).exists()
    assert AssessmentSnapshot.objects.filter(account=holding).exists()
    assert report.assessed == 3


def test_reimporting_the_same_files_changes_nothing(crm, firm):
    director = firm.users["director"]
    import_files(director, files(crm / "salesforce"))
    before = Interaction.objects.count(), Person.objects.count(), Account.objects.count()
    again = import_files(director, files(crm / "salesforce"))
    totals = again.totals()
    assert totals["created"] == totals["updated"] == totals["rejected"] == 0
    assert totals["unchanged"] == 13
    assert (Interaction.objects.count(), Person.objects.count(), Account.objects.count()) == before


def test_an_updated_file_changes_only_what_changed_with_a_history_entry(crm, firm):
    director = firm.users["director"]
    import_files(director, files(crm / "salesforce"))
    path = crm / "salesforce" / "Account.csv"
    path.write_text(path.read_text().replace("Nordwerk Holding,", "Nordwerk Holding SE,"))
    report = by_file(import_files(director, files(crm / "salesforce")))["Account.csv"]
    assert (report.updated, report.unchanged) == (1, 2)
    holding = Account.objects.get(source_id="0018d000002AAAA")
    assert holding.name == "Nordwerk Holding SE" and holding.version == 2
    latest = holding.history.first()
    assert latest.history_change_reason == "import of Account.csv"
    assert latest.history_user == director


def test_a_file_with_an_invalid_row_writes_nothing_unless_told(crm, firm):
    director = firm.users["director"]
    contacts = crm / "salesforce" / "Contact.csv"
    contacts.write_text(contacts.read_text() + "0038d000003ZZZZ,001NOSUCH,Zed,Zulu,,,,,\n")
    report = by_file(
        import_files(director, files(crm / "salesforce", "Account.csv", "Contact.csv"))
    )
    assert report["Contact.csv"].rejects == [(5, "AccountId", "unknown account '001NOSUCH'")]
    assert not report["Contact.csv"].written and report["Account.csv"].written
    assert not Person.objects.filter(source="salesforce").exists()
    report = import_files(
        director, files(crm / "salesforce", "Account.csv", "Contact.csv"), skip_invalid=True
    )
    assert report.exit_status == 3
    assert Person.objects.filter(source="salesforce").count() == 3


def test_a_dry_run_reports_what_would_change_and_writes_nothing(crm, firm):
    report = import_files(firm.users["director"], files(crm / "salesforce"), dry_run=True)
    assert report.totals()["created"] == 12
    assert not any(f.written for f in report.files)
    assert not Account.objects.filter(source="salesforce").exists()
    assert not Interaction.objects.filter(source="salesforce").exists()


def test_bad_values_are_rejected_naming_the_column(crm, firm):
    path = crm / "Account.csv"
    long_name = "N" * 201
    path.write_text(
        f"Id,Name,OwnerId\n001A,{long_name},\n001B,Nul\x00Name,\n001C,Fine GmbH,\n001C,Twice,\n",
        encoding="utf-8",
    )
    report = import_files(firm.users["director"], [path], skip_invalid=True)
    rejects = report.files[0].rejects
    assert [(row, column) for row, column, _ in rejects] == [(5, "Id"), (2, "Name"), (3, "Name")]
    assert "already on row 4" in rejects[0][2]
    assert "200 characters" in rejects[1][2] and "NUL" in rejects[2][2]
    assert list(Account.objects.filter(source="salesforce").values_list("name", flat=True)) == [
        "Fine GmbH"
    ]


@pytest.mark.parametrize("who", ["manager", "customer", "analyst"])
def test_only_directors_and_administrators_import(crm, firm, who):
    with pytest.raises(PermissionDenied):
        import_files(firm.users[who], files(crm / "salesforce"))


def test_mail_and_calendar_become_interactions_of_known_customer_people(crm, firm):
    director = firm.users["director"]
    import_files(director, files(crm / "hubspot"))
    report = by_file(import_files(director, files(crm / "mail")))
    mail, ics = report["thread.mbox"], report["meetings.ics"]
    assert (mail.created, mail.skipped) == (2, 1)
    assert (ics.created, ics.skipped) == (5, 1)
    first = Interaction.objects.get(source="mail", source_id="<m1@fjordline.example>")
    reply = Interaction.objects.get(source="mail", source_id="<m2@supplier.example>")
    assert (first.initiated_by, reply.initiated_by) == ("customer", "supplier")
    assert first.two_way and reply.two_way  # the thread has both sides
    assert first.summary == "Winter schedule" and first.channel == "email"
    assert {p.name for p in first.participants.all()} == {"Ingrid Nilsen", "manager"}
    meetings = Interaction.objects.filter(source="ics").order_by("occurred_at")
    assert [m.channel for m in meetings] == ["video", "video", "in_person", "video", "video"]
    again = import_files(director, files(crm / "mail"))
    assert again.totals()["created"] == 0 and again.totals()["unchanged"] == 7


def test_the_command_line_exit_status_and_rejects_file(crm, firm, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    broken = crm / "broken.csv"
    broken.write_bytes(b"")
    result = runner.invoke(app, ["import", str(broken)])
    assert result.exit_code == 2 and "empty" in result.stderr
    contacts = crm / "salesforce" / "Contact.csv"
    contacts.write_text(contacts.read_text() + "0038d000003ZZZZ,001NOSUCH,Zed,Zulu,,,,,\n")
    result = runner.invoke(app, ["import", *map(str, files(crm / "salesforce"))])
    assert result.exit_code == 3
    assert "Contact.csv:5: AccountId: unknown account '001NOSUCH'" in result.stderr
    assert "nothing was written" in result.stderr
    rejects = (tmp_path / "kamkit-import-rejects.csv").read_text()
    assert "Contact.csv,5,AccountId" in rejects
    result = runner.invoke(
        app, ["import", "--dry-run", "-f", "json", *map(str, files(crm / "salesforce"))]
    )
    data = json.loads(result.stdout)
    assert data["dry_run"] and data["exit_status"] == 3 and data["kamkit_version"]


def test_an_unknown_header_asks_for_a_mapping(crm, firm, tmp_path):
    path = crm / "odd.csv"
    path.write_text("Customer No,Customer\n1,x\n")
    mapping = crm / "map.yaml"
    mapping.write_text(
        "kind: account\nsource: erp\ncolumns: {source_id: Customer No, name: Customer}\n"
    )
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 2 and "--mapping" in result.stderr
    result = runner.invoke(app, ["import", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert Account.objects.get(source="erp", source_id="1").name == "x"


def test_dynamics_names_the_people_of_calls_and_appointments(crm, firm):
    manager = firm.users["manager"]
    manager.first_name, manager.last_name = "Max", "Manager"  # Dynamics names the owner
    manager.save()
    director = firm.users["director"]
    first = import_files(director, files(crm / "dynamics"))
    again = import_files(director, files(crm / "dynamics"))  # the owner is known by name now
    assert first.exit_status == again.exit_status == 0
    assert again.totals()["created"] == 0
    qbr = Interaction.objects.get(source="dynamics", summary="QBR")
    names = sorted(p.name for p in qbr.participants.all())
    assert names == ["Anna Ozola", "Juris Kalns", "Max Manager"]
    assert Account.objects.get(source="dynamics", name="Baltic Paper Mills").ka_manager == manager
    assert qbr.two_way and qbr.channel == "video"
    juris = Person.objects.get(source="dynamics", name="Juris Kalns")
    assert juris.reports_to.name == "Anna Ozola"
    mills = Account.objects.get(source="dynamics", name="Baltic Paper Mills")
    assert Account.objects.get(name="Baltic Paper Packaging").parent == mills


@pytest.mark.parametrize("model", [Account, Person, Interaction])
def test_source_id_lookups_use_the_index(db, model):
    """A re-import finds a chunk's ids through the unique index, never by scanning the
    table (on SQLite the query must repeat the partial index's condition)."""
    from django.db import connection

    from kamkit.web.imports.services import _sourced

    qs = _sourced(model.objects, "salesforce").filter(source_id__in=["a", "b"])
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cur.fetchall())
            assert "USING INDEX" in plan and "SCAN" not in plan, plan
        else:
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cur.fetchall())
            assert "Index" in plan, plan


def test_postgresql_lookups_never_scan_a_table_and_the_setting_comes_back(db):
    from django.db import connection

    from kamkit.web.imports.services import _by_index

    if connection.vendor != "postgresql":
        pytest.skip("SQLite chooses the index itself (see the test above)")

    def seqscan() -> str:
        with connection.cursor() as cur:
            cur.execute("SHOW enable_seqscan")
            return cur.fetchone()[0]

    with _by_index():
        assert seqscan() == "off"
    assert seqscan() == "on"


def test_postgresql_statistics_follow_a_growing_table(db):
    """Inside the import's transaction each table is analysed whenever it has doubled
    (at least 5,000 rows), so the planner looks source ids up by the whole index; on
    SQLite nothing runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kamkit.web.imports.services import _Statistics

    def analyses(steps: list[int]) -> list[bool]:
        keeper, ran = _Statistics(), []
        for rows in steps:
            with CaptureQueriesContext(connection) as seen:
                keeper.grown(Interaction, rows)
            ran.append(any(q["sql"].startswith("ANALYZE") for q in seen.captured_queries))
        return ran

    steps = [4_000, 2_000, 5_000, 1_000, 11_000, 1]
    if connection.vendor != "postgresql":
        assert analyses(steps) == [False] * len(steps)
        return
    # 6,000 rows: analysed; 5,000 more: not yet doubled; 6,000 more: analysed (12,000)
    assert analyses(steps) == [False, True, False, True, False, False]


def test_a_long_file_name_still_names_the_import_in_the_history(crm, firm):
    """The history's reason holds 100 characters: a longer file name is cut, not a
    database error (PostgreSQL refuses a longer value)."""
    director = firm.users["director"]
    import_files(director, files(crm / "salesforce"))
    folder = crm / "salesforce"
    long = folder / ("Account export of the whole Nordic region, " * 4 + "Account.csv")
    long.write_text((folder / "Account.csv").read_text().replace("Nordwerk Holding,", "NH SE,"))
    report = import_files(director, [long])
    assert report.exit_status == 0, report.to_json()
    holding = Account.objects.get(source_id="0018d000002AAAA")
    assert holding.name == "NH SE"
    reason = holding.history.first().history_change_reason
    assert reason.startswith("import of Account export") and len(reason) <= 100


def test_the_account_page_names_the_import_that_changed_it(crm, firm, as_role):
    from bs4 import BeautifulSoup

    from kamkit.web.users.models import User

    director = firm.users["director"]
    import_files(director, files(crm / "salesforce"))
    path = crm / "salesforce" / "Account.csv"
    path.write_text(path.read_text().replace("Nordwerk Holding,", "Nordwerk Holding SE,"))
    import_files(director, [path])
    holding = Account.objects.get(source_id="0018d000002AAAA")
    c = as_role("director")

    def latest() -> str:
        page = BeautifulSoup(c.get(f"/accounts/{holding.pk}/").content, "html.parser")
        return page.select_one("#history li").get_text(" ", strip=True)

    assert latest().endswith("(import of Account.csv)")
    User.objects.filter(pk=director.pk).update(language="de")
    assert latest().endswith("(Import von Account.csv)")


def test_an_import_collects_garbage_less_often_and_gives_the_collector_back(crm, firm, monkeypatch):
    """Young collections every GC_THRESHOLD allocations while a file is imported (they
    walked the chunk's records again and again); Python's settings afterwards, even when
    the import fails."""
    import gc

    from kamkit.web.imports import services

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    original = services.Importer.import_file

    def watched(self, plan, report):
        seen.append(gc.get_threshold())
        return original(self, plan, report)

    monkeypatch.setattr(services.Importer, "import_file", watched)
    import_files(firm.users["director"], files(crm / "salesforce", "Account.csv"))
    assert seen and all(t[0] == services.GC_THRESHOLD for t in seen)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0

    def broken(self, plan, report):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(services.Importer, "import_file", broken)
    with pytest.raises(RuntimeError):
        import_files(firm.users["director"], files(crm / "salesforce", "Account.csv"))
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
