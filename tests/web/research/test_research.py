"""Research data sets from the database: each user gets only their share, the page
downloads a ZIP with data and codebook, bad options are named, the command writes files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile

import pyreadstat
import pytest
from django.utils import timezone
from typer.testing import CliRunner

from kamkit.cli import app
from kamkit.web.accounts.models import Account
from kamkit.web.diagnosis.models import DiagnosisProject
from kamkit.web.relationships.models import Interaction, Pulse
from kamkit.web.research.data import DatasetError, dataset

TODAY = timezone.localdate()


def rows_by(data, name):
    i = [v.name for v in data.variables].index(name)
    return [r[i] for r in data.rows]


def test_the_panel_holds_a_row_per_visible_account_and_month(firm):
    director = dataset("panel", firm.users["director"])
    accounts = set(Account.objects.alive().values_list("pk", flat=True))
    assert set(rows_by(director, "account")) == accounts
    assert len(director.rows) == len(accounts) * 12
    assert rows_by(director, "month")[-1] == f"{TODAY:%Y-%m}"
    manager = dataset("panel", firm.users["manager"])
    assert set(rows_by(manager, "account")) == {firm.own.pk}
    assert dataset("panel", firm.users["analyst"]).rows == []  # analysts see no accounts
    assert manager.about["kamkit_version"] and manager.about["settings_digest"]


def test_the_panel_counts_the_month_s_activity_and_customer_ratings(firm):
    month_start = TODAY.replace(day=1)
    Interaction.objects.create(
        account=firm.own,
        occurred_at=timezone.make_aware(dt.datetime.combine(month_start, dt.time(10))),
        channel="phone",
        initiated_by="customer",
    )
    Pulse.objects.create(
        account=firm.own, person=firm.own_person, satisfaction=6, trust=4, rated_on=month_start
    )
    data = dataset("panel", firm.users["manager"], start=month_start, end=TODAY)
    assert len(data.rows) == 1
    row = dict(zip([v.name for v in data.variables], data.rows[0], strict=True))
    assert row["interactions"] >= 1 and row["interactions_customer"] >= 1
    pulses = [
        p
        for p in Pulse.objects.filter(account=firm.own, rated_on__gte=month_start)
        if p.person.side == "customer"
    ]
    trusts = [p.trust for p in pulses if p.trust is not None]
    assert row["pulses_customer"] == len(pulses) >= 1
    assert row["trust"] == pytest.approx(sum(trusts) / len(trusts))
    assert row["satisfaction"] == 6.0  # the only satisfaction rating this month


def test_the_diagnosis_tables_follow_who_may_read_the_project(firm):
    pairs = dataset("pairs", firm.users["analyst"])
    assert set(rows_by(pairs, "project")) >= {firm.project.name}
    assert len(pairs.rows) > 0
    manager = dataset("pairs", firm.users["manager"])
    assert set(rows_by(manager, "project")) == {firm.project.name}
    firm.project.kam_unit = None
    firm.project.save()
    assert dataset("pairs", firm.users["manager"]).rows == []
    other = DiagnosisProject.objects.create(name="Another")
    assert dataset("pairs", firm.users["director"], projects=[other.pk]).rows == []


def test_customers_and_partners_get_no_data_and_bad_options_are_named(firm):
    for role in ("customer", "partner"):
        with pytest.raises(DatasetError, match="user"):
            dataset("panel", firm.users[role])
    with pytest.raises(DatasetError, match="dataset: 'everything' is not a data set"):
        dataset("everything", firm.users["director"])
    with pytest.raises(DatasetError, match=r"to: .* is before"):
        dataset("panel", firm.users["director"], start=TODAY, end=TODAY - dt.timedelta(days=62))


def test_pseudonymised_panel_has_no_names_and_stable_pseudonyms(firm):
    one = dataset("panel", firm.users["director"], pseudonymised=True)
    again = dataset("panel", firm.users["director"], pseudonymised=True)
    names = [v.name for v in one.variables]
    assert "account_name" not in names
    assert rows_by(one, "account") == rows_by(again, "account")
    assert firm.own.pk not in rows_by(one, "account")


def test_the_page_downloads_a_zip_with_data_and_codebook(as_role, firm):
    client = as_role("director")
    page = client.get("/research/")
    assert page.status_code == 200 and b"Research data" in page.content
    response = client.get("/research/", {"download": 1, "dataset": "panel", "format": "dta"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(z.namelist())
    stem = f"kamkit-panel-{TODAY:%Y-%m-%d}"
    assert names == [f"{stem}-codebook.csv", f"{stem}.dta"]
    with tempfile.NamedTemporaryFile(suffix=".dta") as f:
        f.write(z.read(f"{stem}.dta"))
        f.flush()
        frame, meta = pyreadstat.read_dta(f.name)
    assert set(frame["account"]) == {
        str(pk) for pk in Account.objects.alive().values_list("pk", flat=True)
    }
    assert meta.variable_value_labels["phase"][3] == "maturity"
    codebook = list(csv.reader(io.StringIO(z.read(f"{stem}-codebook.csv").decode())))
    assert [r[0] for r in codebook if r and r[0] == "index_no_roles"] == ["index_no_roles"]


def test_the_page_names_bad_options(as_role, firm):
    client = as_role("manager")
    response = client.get(
        "/research/", {"download": 1, "dataset": "panel", "format": "csv", "start": "2026-13"}
    )
    assert response.status_code == 422
    assert b"Enter a month as YYYY-MM." in response.content
    response = client.get("/research/", {"download": 1, "dataset": "nope", "format": "csv"})
    assert response.status_code == 422
    response = client.get(
        "/research/",
        {"download": 1, "dataset": "panel", "format": "csv", "start": "2026-05", "end": "2026-02"},
    )
    assert (
        response.status_code == 422
        and b"The last month comes before the first." in response.content
    )


def test_the_command_writes_data_and_codebook(firm, tmp_path):
    out = tmp_path / "pairs.sav"
    result = CliRunner().invoke(app, ["export", "pairs", "-o", str(out), "--pseudonymise"])
    assert result.exit_code == 0, result.output
    frame, _meta = pyreadstat.read_sav(str(out))
    assert len(frame) > 0 and "kam_name" not in frame.columns
    assert (tmp_path / "pairs-codebook.csv").exists()
    bad = CliRunner().invoke(app, ["export", "panel", "-o", str(tmp_path / "p.txt")])
    assert bad.exit_code == 2 and "--format" in bad.stderr
    bad = CliRunner().invoke(
        app, ["export", "panel", "-o", str(tmp_path / "p.csv"), "--from", "May"]
    )
    assert bad.exit_code == 2 and "--from: 'May' is not a month" in bad.stderr


def test_the_page_points_to_the_command_for_a_panel_too_large(as_role, firm, monkeypatch):
    from kamkit.web.research import data

    monkeypatch.setattr(data, "PAGE_MAX_ACCOUNT_MONTHS", 5)
    response = as_role("director").get(
        "/research/", {"download": 1, "dataset": "panel", "format": "csv"}
    )
    assert response.status_code == 422
    assert "kamkit export panel" in response.content.decode()
