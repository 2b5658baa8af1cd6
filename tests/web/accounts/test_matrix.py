"""The portfolio matrix page: each account in its quadrant, a link per dot, only the
accounts the user sees; the index's distribution month by month."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from django.utils import timezone

from kamkit.web.assessment.models import AssessmentSnapshot


def snapshot(account, on, index):
    AssessmentSnapshot.objects.create(account=account, on=on, phase="maturity", index=index)


def test_accounts_fall_in_their_quadrants_and_link_to_themselves(as_role, firm):
    today = timezone.localdate()
    firm.other.revenue_share = 1
    firm.other.save()
    snapshot(firm.own, today, 72.0)  # selection 4 (revenue share alone): key strategic
    snapshot(firm.other, today, 35.0)  # selection 1: key streamline
    page = BeautifulSoup(as_role("director").get("/accounts/matrix/").content, "html.parser")
    counts = {
        r.select("td")[0].text: int(r.select("td")[1].text) for r in page.select("#quadrants tr")
    }
    assert counts["Key strategic"] == 1 and counts["Key streamline"] == 1
    assert counts["Key development"] == 0 and counts["Key status"] == 0
    links = {a["href"] for a in page.select("#matrix svg a")}
    assert links == {f"/accounts/{firm.own.pk}/", f"/accounts/{firm.other.pk}/"}
    mine = BeautifulSoup(as_role("manager").get("/accounts/matrix/").content, "html.parser")
    assert {a["href"] for a in mine.select("#matrix svg a")} == {f"/accounts/{firm.own.pk}/"}


def test_health_shows_each_month_s_latest_day(as_role, firm):
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    snapshot(firm.own, last_month - dt.timedelta(days=5), 10.0)  # not the month's latest day
    snapshot(firm.own, last_month, 40.0)
    snapshot(firm.other, last_month, 60.0)
    snapshot(firm.own, today, 80.0)
    page = BeautifulSoup(as_role("director").get("/accounts/matrix/").content, "html.parser")
    tips = [t.text for t in page.select("#health svg g title")]
    assert len(tips) == 2
    assert tips[0].startswith(f"{last_month:%Y-%m}: 2 accounts; median 50")
    assert tips[1].startswith(f"{today:%Y-%m}: 1 account; median 80")


def test_an_empty_portfolio_says_so(as_role, firm):
    page = BeautifulSoup(as_role("director").get("/accounts/matrix/").content, "html.parser")
    assert page.select_one("#no-matrix") is not None and page.select_one("#no-health") is not None


def test_the_list_shows_the_change_on_a_month_ago(as_role, firm):
    today = timezone.localdate()
    snapshot(firm.own, today - dt.timedelta(days=40), 60.0)
    snapshot(firm.own, today, 72.0)
    snapshot(firm.other, today - dt.timedelta(days=31), 50.0)
    snapshot(firm.other, today, 41.0)
    page = BeautifulSoup(as_role("director").get("/accounts/").content, "html.parser")
    rows = {r.select_one("td a").text: r for r in page.select("#portfolio-table tbody tr")}
    assert rows[firm.own.name].select_one(".change.up").text == "↑12"
    assert rows[firm.other.name].select_one(".change.down").text == "↓9"


def test_column_headers_sort_the_list_and_say_how(as_role, firm):
    today = timezone.localdate()
    snapshot(firm.own, today, 72.0)
    snapshot(firm.other, today, 41.0)
    client = as_role("director")
    page = BeautifulSoup(client.get("/accounts/").content, "html.parser")
    index_link = next(a for a in page.select("th a.sort") if a.text.startswith("Index"))
    assert index_link["href"].endswith("ordering=-index")
    strongest = BeautifulSoup(client.get("/accounts/" + index_link["href"]).content, "html.parser")
    names = [r.select_one("td a").text for r in strongest.select("#portfolio-table tbody tr")]
    assert names.index(firm.own.name) < names.index(firm.other.name)
    header = next(th for th in strongest.select("th") if th.text.startswith("Index"))
    assert header["aria-sort"] == "descending"
    assert header.select_one("a")["href"].endswith("ordering=index")  # the next click turns it
    by_name = BeautifulSoup(client.get("/accounts/?ordering=-name&phase=").content, "html.parser")
    names = [r.select_one("td a").text for r in by_name.select("#portfolio-table tbody tr")]
    assert names == sorted(names, reverse=True)
