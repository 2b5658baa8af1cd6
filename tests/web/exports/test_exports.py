"""Every list as CSV and XLSX (issue 16): the page's filters applied, hostile names
neutralised, a customer's export as narrow as its page, and kamkit's own import reads it."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from kamkit.web.accounts.models import Account
from kamkit.web.imports.services import import_files
from kamkit.web.relationships.models import Interaction, JointInitiative

HOSTILE = '=HYPERLINK("http://evil.example","x")'


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def sheet_of(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def test_portfolio_export_applies_the_filters_and_neutralises_formulas(as_role, firm):
    Account.objects.filter(pk=firm.own.pk).update(name=HOSTILE)
    Account.objects.create(name="Tab\tand\x01control", phase="maturity")
    client = as_role("director")
    everything = rows_of(client.get("/accounts/?export=csv"))
    names = {r[1] for r in everything[1:]}
    assert "'" + HOSTILE in names and "Tab\tandcontrol" in names
    from kamkit.web.assessment.services import assess_portfolio

    assess_portfolio()
    everything = rows_of(client.get("/accounts/?export=csv"))
    header = everything[0]
    own = next(r for r in everything if r[0] == str(firm.own.pk))
    assert own[header.index("assessed_on")] != "" and own[header.index("index")] != ""
    declining = rows_of(client.get("/accounts/?phase=decline&export=csv"))
    assert [r[1] for r in declining[1:]] == ["Beta Energy"]
    assert declining[0][:3] == ["id", "name", "industry"]
    sheet = sheet_of(client.get("/accounts/?export=xlsx"))
    cells = {row[1] for row in sheet[1:]}
    assert "'" + HOSTILE in cells and "Tab\tandcontrol" in cells
    assert client.get("/accounts/?export=pdf").status_code == 400


def test_a_managers_export_holds_only_the_managers_accounts(as_role, firm):
    rows = rows_of(as_role("manager").get("/accounts/?export=csv"))
    assert [r[1] for r in rows[1:]] == ["Alpha Motors"]


def test_a_customers_export_is_as_narrow_as_its_page(as_role, firm):
    shared = Interaction.objects.create(
        account=firm.own,
        channel="video",
        initiated_by="customer",
        summary="Shared review",
        shared_with_customer=True,
    )
    JointInitiative.objects.filter(pk=firm.records["initiatives"].pk).update(
        expected_value_supplier=99, shared=True
    )
    client = as_role("customer")
    contacts = rows_of(client.get(f"/accounts/{firm.own.pk}/export/interactions.csv"))
    assert [r[0] for r in contacts[1:]] == [str(shared.pk)]  # the internal call stays out
    assert "shared_with_customer" not in contacts[0] and "source_id" not in contacts[0]
    initiatives = rows_of(client.get(f"/accounts/{firm.own.pk}/export/initiatives.csv"))
    assert "expected_value_supplier" not in initiatives[0]
    other = client.get(f"/accounts/{firm.other.pk}/export/people.csv")
    assert other.status_code == 404


def test_contacts_export_filters_by_side_as_the_timeline(as_role, firm):
    Interaction.objects.create(account=firm.own, channel="email", initiated_by="customer")
    client = as_role("manager")
    rows = rows_of(client.get(f"/accounts/{firm.own.pk}/export/interactions.csv?side=customer"))
    assert {r[4] for r in rows[1:]} == {"customer"}
    assert client.get(f"/accounts/{firm.own.pk}/export/interactions.csv?side=x").status_code == 400
    assert client.get(f"/accounts/{firm.own.pk}/export/notes.csv").status_code == 404


@pytest.mark.parametrize("what", ["people", "interactions", "problems", "initiatives", "timeline"])
def test_every_account_list_downloads_in_both_formats(as_role, firm, what):
    client = as_role("director")
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/accounts/{firm.own.pk}/export/{what}.{fmt}")
        assert response.status_code == 200
        assert f"kamkit-{what}-{firm.own.pk}-" in response["Content-Disposition"]


def _reads_back(client, firm, folder) -> None:
    """The director's exports of accounts, people and contacts, imported (a dry run):
    every row is read, none rejected."""
    files = {
        "accounts.csv": client.get("/accounts/?export=csv"),
        "people.csv": client.get(f"/accounts/{firm.own.pk}/export/people.csv"),
        "contacts.csv": client.get(f"/accounts/{firm.own.pk}/export/interactions.csv"),
    }
    paths = []
    for name, response in files.items():
        path = folder / name
        path.write_bytes(b"".join(response.streaming_content))
        paths.append(path)
    report = import_files(firm.users["director"], paths, dry_run=True)
    by_kind = {f.kind: (f.created, f.rejected) for f in report.files}
    people = firm.own.persons.filter(deleted_at=None).count()
    contacts = firm.own.interactions.filter(deleted_at=None).count()
    assert by_kind == {"account": (2, 0), "person": (people, 0), "interaction": (contacts, 0)}


def test_an_export_reads_back_with_kamkit_import(as_role, firm, tmp_path):
    _reads_back(as_role("director"), firm, tmp_path)


def test_export_queries_do_not_grow_with_the_rows(as_role, firm):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_role("director")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            b"".join(response.streaming_content)
        return len(ctx.captured_queries)

    url = f"/accounts/{firm.own.pk}/export/interactions.csv"
    portfolio = queries("/accounts/?export=csv")
    few = queries(url)
    for n in range(20):
        contact = Interaction.objects.create(
            account=firm.own, channel="email", initiated_by="supplier"
        )
        contact.participants.set([firm.own_person])
        Account.objects.create(name=f"More {n}")
    assert queries(url) == few
    assert queries("/accounts/?export=csv") == portfolio


def test_the_timeline_export_holds_what_the_timeline_shows(as_role, firm):
    internal = rows_of(as_role("manager").get(f"/accounts/{firm.own.pk}/export/timeline.csv"))
    titles = " | ".join(r[3] for r in internal[1:])
    assert "Late deliveries" in titles and "Joint pilot line" in titles
    calls = rows_of(
        as_role("manager").get(f"/accounts/{firm.own.pk}/export/timeline.csv?process=communication")
    )
    assert {r[5] for r in calls[1:]} == {"communication"}
    customer = rows_of(as_role("customer").get(f"/accounts/{firm.own.pk}/export/timeline.csv"))
    # the internal call is not shared: the customer's timeline and its file leave it out
    assert str(firm.records["interactions"].pk) not in {
        r[6] for r in customer[1:] if r[5] == "communication"
    }


def test_a_german_reader_s_export_has_german_column_names_and_still_reads_back(
    as_role, firm, tmp_path
):
    """Issue 20: the columns under the reader's language's names; the cells stay kamkit's
    codes; the import recognises the German names, so the export re-imports."""
    from kamkit.web.users.models import User

    User.objects.filter(pk=firm.users["director"].pk).update(language="de")
    client = as_role("director")
    accounts = client.get("/accounts/?export=csv")
    header = rows_of(accounts)[0]
    assert header[:5] == ["ID", "Name", "Branche", "Land", "KA-Manager"]
    sheet = sheet_of(client.get(f"/accounts/{firm.own.pk}/export/interactions.xlsx"))
    assert sheet[0][:4] == ("ID", "Account-ID", "Zeitpunkt", "Kanal")
    _reads_back(client, firm, tmp_path)
    # an English reader's export keeps kamkit's names
    User.objects.filter(pk=firm.users["director"].pk).update(language="en")
    assert rows_of(client.get("/accounts/?export=csv"))[0][:3] == ["id", "name", "industry"]


def test_a_streamed_download_is_said_in_the_reader_s_language(as_role, firm):
    """A CSV is written after the view has returned: its rows must still be said in the
    reader's language (the timeline's cells are sentences)."""
    c = as_role("manager")
    c.post("/auth/language/", {"language": "de"})
    download = c.get(f"/accounts/{firm.own.pk}/export/timeline.csv")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "Kommunikation" in text and "Puls von Chris Customer" in text
    assert "Communication" not in text and "Pulse by" not in text
