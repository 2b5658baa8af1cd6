"""The import page: upload, preview, confirm, result (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from kamkit.web.accounts.models import Account
from kamkit.web.imports.models import ImportRun
from kamkit.web.imports.tasks import folder

# the preview and the import run in the task runner: here at once
pytestmark = pytest.mark.usefixtures("immediate_tasks")

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "imports"


def upload(*paths: Path, **fields) -> dict:
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]
    return {"files": files, "source": "auto", **fields}


def cells(html: bytes, selector: str) -> list[list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        [c.get_text(" ", strip=True) for c in tr.find_all("td")]
        for tr in soup.select(f"{selector} tbody tr")
    ]


def test_upload_preview_confirm_and_result(as_role, firm):
    client = as_role("director")
    sf = EXAMPLES / "salesforce"
    response = client.post(
        "/imports/", upload(sf / "Account.csv", sf / "Contact.csv", sf / "Task.csv")
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    assert run.status == "previewed" and run.created_by == firm.users["director"]
    assert not Account.objects.filter(source="salesforce").exists()  # a preview writes nothing
    page = client.get(f"/imports/{run.pk}/")
    rows = {r[0]: r for r in cells(page.content, "#summary")}
    assert rows["Account.csv"][1:3] == ["Salesforce accounts (Account.csv)", "3"]
    assert rows["Task.csv"][2] == "4" and rows["Task.csv"][6] == "1"
    assert b"nothing has been written yet" in page.content
    client.post(f"/imports/{run.pk}/confirm/")
    run.refresh_from_db()
    assert run.status == "done" and run.result["totals"]["created"] == 10
    assert Account.objects.filter(source="salesforce").count() == 3
    assert not folder(run).exists()  # the files are gone once imported
    again = client.post(f"/imports/{run.pk}/confirm/", follow=True)
    assert b"not waiting for a confirmation" in again.content
    listing = client.get("/imports/")
    assert cells(listing.content, "#runs")[0][3] == "Imported"


def test_rejected_rows_are_listed_with_their_reason(as_role, firm, tmp_path):
    contacts = tmp_path / "Contact.csv"
    contacts.write_text(
        (EXAMPLES / "salesforce" / "Contact.csv").read_text()
        + "0038d000003ZZZZ,001NOSUCH,Zed,Zulu,,,,,\n"
    )
    client = as_role("director")
    response = client.post("/imports/", upload(EXAMPLES / "salesforce" / "Account.csv", contacts))
    assert response.status_code == 302, response.content.decode()[-3000:]
    run = ImportRun.objects.get()
    page = client.get(f"/imports/{run.pk}/")
    assert cells(page.content, "table.rejects") == [
        ["5", "AccountId", "unknown account '001NOSUCH'"]
    ]
    written = {r[0]: r[-1] for r in cells(page.content, "#summary")}
    assert written == {"Account.csv": "yes", "Contact.csv": "no: it has invalid rows"}


def test_cancel_writes_nothing_and_drops_the_files(as_role, firm):
    client = as_role("director")
    client.post("/imports/", upload(EXAMPLES / "salesforce" / "Account.csv"))
    run = ImportRun.objects.get()
    assert folder(run).exists()
    client.post(f"/imports/{run.pk}/cancel/")
    run.refresh_from_db()
    assert run.status == "cancelled" and not folder(run).exists()
    assert not Account.objects.filter(source="salesforce").exists()


def test_a_file_kamkit_does_not_read_is_refused_by_name(as_role, firm):
    response = as_role("director").post(
        "/imports/", {"files": [SimpleUploadedFile("photo.png", b"\x89PNG")], "source": "auto"}
    )
    assert response.status_code == 422
    assert "photo.png: not a file kamkit imports" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_unreadable_file_is_reported_not_a_failure(as_role, firm):
    client = as_role("director")
    binary = SimpleUploadedFile("x.csv", b"\x00\x01" * 500)
    client.post("/imports/", {"files": [binary], "source": "auto"})
    run = ImportRun.objects.get()
    assert run.status == "previewed" and run.preview["exit_status"] == 2
    page = client.get(f"/imports/{run.pk}/")
    assert "x.csv: not a text (CSV) file" in page.content.decode()
    assert b'id="confirm"' in page.content  # nothing to import, but nothing fails either


def test_the_list_is_empty_at_first_and_in_the_directors_navigation(as_role, firm):
    page = as_role("director").get("/imports/")
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("#no-runs") is not None
    assert "/imports/" in [a["href"] for a in soup.select("nav a")]
    manager_nav = BeautifulSoup(as_role("manager").get("/accounts/").content, "html.parser")
    assert "/imports/" not in [a["href"] for a in manager_nav.select("nav a")]
