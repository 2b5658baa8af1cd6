"""The customer's initiatives (propose, contribute, confirm value) and the perception gap
(the supplier's page, sharing it, the customer's view of it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bs4 import BeautifulSoup
from django.utils import timezone

from kamkit.web.accounts.models import Person
from kamkit.web.portal.models import Notification
from kamkit.web.relationships.models import JointInitiative, PhaseRecord, Pulse


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_propose_an_initiative_with_the_customers_part(as_role, firm):
    c = as_role("customer")
    empty = c.post("/portal/initiatives/new/", {"title": ""})
    assert empty.status_code == 422
    assert "This field is required" in soup(empty).select_one("#propose").get_text()
    negative = c.post("/portal/initiatives/new/", {"title": "Pilot", "customer_money": "-5"})
    assert (
        negative.status_code == 422 and not JointInitiative.objects.filter(title="Pilot").exists()
    )
    done = c.post(
        "/portal/initiatives/new/",
        {
            "title": "Shared demand forecast",
            "goal": "Fewer rush orders",
            "customer_effort_days": "12",
            "customer_know_how": "Our sales plan",
            "expected_value_customer": "40000",
            # not the customer's to set: ignored
            "status": "realized",
            "expected_value_supplier": "99",
        },
    )
    item = JointInitiative.objects.get(title="Shared demand forecast")
    assert done["Location"] == f"/portal/initiatives/{item.pk}/"
    assert (item.status, item.shared, item.account_id) == ("proposed", True, firm.own.pk)
    assert item.customer_effort_days == Decimal("12.0")
    assert item.expected_value_customer == Decimal("40000")
    assert item.expected_value_supplier is None
    assert item.customer_owner == firm.records["chris"]
    told = Notification.objects.get(recipient=firm.users["manager"])
    assert told.text == "Chris Customer proposed an initiative: Shared demand forecast"
    assert told.link == f"/accounts/initiatives/{item.pk}/"
    home = soup(c.get(f"/accounts/{firm.own.pk}/")).select_one("#together").get_text()
    assert "Shared demand forecast" in home and "proposed" in home


def test_contribute_while_open_and_never_see_the_suppliers_value(as_role, firm):
    item = firm.records["initiatives"]
    JointInitiative.objects.filter(pk=item.pk).update(
        status="agreed",
        supplier_effort_days=20,
        supplier_know_how="Line engineering",
        expected_value_supplier=Decimal("777111"),
    )
    url = f"/portal/initiatives/{item.pk}/"
    c = as_role("customer")
    page = c.get(url)
    text = soup(page).get_text()
    assert "Line engineering" in text and "20.0" in text
    assert "777111" not in page.content.decode() and "777,111" not in page.content.decode()
    saved = c.post(
        url,
        {
            "action": "contribute",
            "customer_effort_days": "5",
            "customer_money": "1000",
            "customer_know_how": "Test site",
            "expected_value_customer": "",
            "version": 1,
        },
    )
    assert saved.status_code == 302
    item.refresh_from_db()
    assert (item.customer_effort_days, item.customer_money) == (Decimal("5.0"), Decimal("1000"))
    assert item.customer_know_how == "Test site" and item.version == 2
    stale = c.post(url, {"action": "contribute", "customer_effort_days": "9", "version": 1})
    assert stale.status_code == 409
    item.refresh_from_db()
    assert item.customer_effort_days == Decimal("5.0")
    assert Notification.objects.filter(text__contains="updated their contribution").exists()


def test_confirm_the_value_realized_once_delivered(as_role, firm):
    item = firm.records["initiatives"]
    url = f"/portal/initiatives/{item.pk}/"
    c = as_role("customer")
    early = c.post(url, {"action": "confirm", "realized_value_customer": "100"})
    assert early.status_code == 409
    assert "in delivery or realized" in soup(early).select_one("#confirm").get_text()
    item.refresh_from_db()
    assert item.realized_value_customer is None and item.status == "proposed"
    JointInitiative.objects.filter(pk=item.pk).update(status="in_delivery")
    missing = c.post(url, {"action": "confirm", "realized_value_customer": ""})
    assert missing.status_code == 422 and "0 if none" in soup(missing).get_text()
    negative = c.post(url, {"action": "confirm", "realized_value_customer": "-3"})
    assert negative.status_code == 422
    ok = c.post(url, {"action": "confirm", "realized_value_customer": "25000"})
    assert ok.status_code == 302
    item.refresh_from_db()
    today = timezone.localdate()
    assert item.status == "realized" and item.realized_value_customer == Decimal("25000")
    assert item.customer_confirmed_on == today and item.realized_on == today
    assert Notification.objects.filter(text__contains="confirmed 25000").exists()
    # a realized initiative's contributions no longer change
    late = c.post(
        url, {"action": "contribute", "customer_effort_days": "1", "version": item.version}
    )
    assert late.status_code == 409 and "contributions change while" in soup(late).get_text()


def test_another_accounts_or_an_internal_initiative_is_not_found(as_role, firm):
    c = as_role("customer")
    theirs = JointInitiative.objects.create(account=firm.other, title="Their secret")
    internal = JointInitiative.objects.create(account=firm.own, title="Ours only", shared=False)
    for item in (theirs, internal):
        assert c.get(f"/portal/initiatives/{item.pk}/").status_code == 404
        post = c.post(
            f"/portal/initiatives/{item.pk}/", {"action": "confirm", "realized_value_customer": 1}
        )
        assert post.status_code == 404
    assert "Ours only" not in c.get(f"/accounts/{firm.own.pk}/").content.decode()


def _rate(firm, person, on, **values):
    return Pulse.objects.create(account=firm.own, person=person, rated_on=on, **values)


def test_the_perception_gap_page_and_sharing_it(as_role, firm):
    today = timezone.localdate()
    chris = firm.records["chris"]
    sam = Person.objects.get(account=firm.own, name="Sam Engineer")
    Pulse.objects.filter(pk=firm.records["pulses"].pk).update(
        rated_on=today - dt.timedelta(days=60)
    )
    _rate(firm, chris, today - dt.timedelta(days=3), communication=3, co_creation=4)
    _rate(firm, sam, today - dt.timedelta(days=5), communication=6, co_creation=4)
    page = soup(as_role("manager").get(f"/accounts/{firm.own.pk}/perception/"))
    gaps = page.select_one("#gaps").get_text(" ", strip=True)
    assert "Collaborative communication 6.0 (1) 3.0 (1) -3.0 wide" in gaps
    assert "the customer rates it 3.0 lower than your side" in gaps
    assert "Co-creation of value: both sides rate it the same (4.0)" in gaps
    phases = page.select_one("#phases").get_text(" ", strip=True)
    assert "Our side: Build-up" in phases and "the customer: Maturity" in phases
    assert "the views differ" in phases
    assert as_role("customer").get("/portal/perception/").status_code == 404
    home = as_role("customer").get(f"/accounts/{firm.own.pk}/").content.decode()
    assert "How both sides see" not in home
    share = f"/accounts/{firm.own.pk}/perception/share/"
    assert as_role("manager").post(share, {"shared": "yes"}).status_code == 400
    as_role("manager").post(share, {"shared": "1"})
    firm.own.refresh_from_db()
    assert firm.own.perception_shared
    seen = as_role("customer").get("/portal/perception/")
    assert seen.status_code == 200
    body = soup(seen).get_text(" ", strip=True)
    assert "Your supplier" in body and "-3.0" in body
    assert "Share with the customer" not in body and "Sam" not in body  # no names, no controls
    home = as_role("customer").get(f"/accounts/{firm.own.pk}/").content.decode()
    assert "How both sides see the relationship" in home
    # another account's customer never sees this one's comparison
    assert as_role("other_customer").get("/portal/perception/").status_code == 404
    as_role("manager").post(share, {"shared": "0"})
    assert as_role("customer").get("/portal/perception/").status_code == 404


def test_the_perception_gap_with_no_ratings_says_so(as_role, firm):
    Pulse.objects.all().delete()
    PhaseRecord.objects.all().delete()
    page = soup(as_role("director").get(f"/accounts/{firm.own.pk}/perception/"))
    assert "Neither side has rated" in page.select_one("#gaps").get_text()
    assert "Neither side has said" in page.select_one("#phases").get_text()
