"""The customer side in Chromium: invited by the KA manager, sets a password, lands on
its account, and sees nothing internal."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.test_web_journey import SHOTS, login

pytestmark = [pytest.mark.browser]


def _eva_on_the_managers_page(page, live_server, live_firm):
    """The customer person Eva, with an email address, in the KA manager's people list."""
    eva = live_firm.own_person
    eva.email = "eva@alpha.example"
    eva.save()
    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    return page.locator("#people li", has_text="Eva Buyer")


def test_invited_customer_sets_a_password_and_enters(page, browser, live_server, live_firm):
    row = _eva_on_the_managers_page(page, live_server, live_firm)
    row.get_by_role("button", name="Invite to kamkit").click()
    page.wait_for_load_state()
    assert "Invitation sent to eva@alpha.example" in page.locator(".messages").inner_text()
    assert "invited until" in page.locator("#people li", has_text="Eva Buyer").inner_text()
    link = re.search(r"http://\S+/portal/invite/\S+/", mail.outbox[-1].body).group(0)

    guest = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    eva_page = guest.new_page()
    eva_page.goto(link)
    eva_page.fill("input[name=password1]", "plum-orchard-lantern-42")
    eva_page.fill("input[name=password2]", "plum-orchard-lantern-41")
    eva_page.get_by_role("button", name="Set password and enter").click()
    eva_page.wait_for_load_state()
    assert "differ" in eva_page.locator("#accept").inner_text()
    eva_page.fill("input[name=password1]", "plum-orchard-lantern-42")
    eva_page.fill("input[name=password2]", "plum-orchard-lantern-42")
    eva_page.screenshot(path=str(SHOTS / "portal-accept.png"), full_page=True)
    eva_page.get_by_role("button", name="Set password and enter").click()
    eva_page.wait_for_url(f"**/accounts/{live_firm.own.pk}/")
    assert "Welcome, Eva Buyer" in eva_page.locator(".messages").inner_text()
    body = eva_page.locator("main").inner_text()
    assert "Alpha Motors" in body
    assert "Price review due." not in body and "Principal lever" not in body
    eva_page.screenshot(path=str(SHOTS / "portal-home.png"), full_page=True)
    guest.close()

    page.reload()
    assert "has access" in page.locator("#people li", has_text="Eva Buyer").inner_text()


def test_an_invitation_sent_in_german_opens_in_german(page, browser, live_server, live_firm):
    """The KA manager picks German for the invitation: on an English phone, the customer
    sets the password on a German page and enters a German kamkit."""
    row = _eva_on_the_managers_page(page, live_server, live_firm)
    row.get_by_label("Language of the invitation to Eva Buyer").select_option("de")
    row.get_by_role("button", name="Invite to kamkit").click()
    page.wait_for_load_state()
    assert "Invitation sent to eva@alpha.example" in page.locator(".messages").inner_text()
    assert mail.outbox[-1].subject.endswith("Ihr Zugang zu kamkit")
    link = re.search(r"http://\S+/portal/invite/\S+/", mail.outbox[-1].body).group(0)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    eva_page = phone.new_page()
    eva_page.goto(link)
    expect(eva_page.locator("html")).to_have_attribute("lang", "de")
    eva_page.fill("input[name=password1]", "plum-orchard-lantern-42")
    eva_page.fill("input[name=password2]", "plum-orchard-lantern-42")
    eva_page.get_by_role("button", name="Passwort setzen und eintreten").click()
    eva_page.wait_for_url(f"**/accounts/{live_firm.own.pk}/")
    expect(eva_page.locator("html")).to_have_attribute("lang", "de")
    assert "Eva Buyer" in eva_page.locator(".messages").inner_text()
    phone.close()


def test_a_problem_from_raised_to_confirmed_by_both_sides(page, browser, live_server, live_firm):
    from kamkit.web.relationships.models import Problem

    customer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(customer, live_server.url, "customer")
    customer.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    customer.get_by_role("link", name="Raise a problem").click()
    customer.fill("input[name=title]", "Labels unreadable")
    customer.fill("textarea[name=framing]", "Our scanners reject one box in ten")
    customer.get_by_role("button", name="Raise it").click()
    customer.wait_for_load_state()
    assert "Your supplier's team has been told" in customer.locator(".messages").inner_text()
    problem_url = customer.url

    login(page, live_server.url, "manager")
    page.get_by_role("link", name="Notifications (1)").click()
    page.get_by_role("link", name="Chris Customer raised a problem: Labels unreadable").click()
    page.wait_for_load_state()
    page.fill("textarea[name=supplier_framing]", "Printer heads worn on line 2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    customer.goto(problem_url)
    assert "Printer heads worn on line 2" in customer.locator("#framings").inner_text()
    customer.fill("textarea[name=text]", "Yes, only boxes from line 2")
    customer.get_by_role("button", name="Comment").click()
    customer.wait_for_load_state()
    customer.get_by_role("button", name="We agree on what the problem is").click()
    customer.wait_for_load_state()
    assert "your supplier's team agrees next" in customer.locator(".messages").inner_text()

    problem = Problem.objects.get(title="Labels unreadable")
    page.goto(f"{live_server.url}/accounts/problems/{problem.pk}/")
    assert "Yes, only boxes from line 2" in page.locator("#thread").inner_text()
    assert "The customer agrees" in page.locator("#definition").inner_text()
    page.get_by_role("button", name="We agree on this definition").click()
    page.wait_for_load_state()
    assert "the problem is jointly defined" in page.locator(".messages").inner_text()
    for stage in ("solution designed", "deployed"):
        page.get_by_role("button", name=f"Move to {stage}").click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/accounts/problems/{problem.pk}/")

    # the customer's account page says what its supplier waits for, and leads there
    customer.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    customer.locator("#waiting-for-you").get_by_role(
        "link", name="Confirm that the solution works: Labels unreadable"
    ).click()
    customer.wait_for_load_state()
    assert customer.url == problem_url
    customer.get_by_role("button", name="Confirm it is solved").click()
    customer.wait_for_load_state()
    assert "the problem is closed" in customer.locator(".messages").inner_text()
    customer.screenshot(path=str(SHOTS / "portal-problem.png"), full_page=True)
    problem.refresh_from_db()
    assert problem.stage == "closed"
    assert problem.comments.get().text == "Yes, only boxes from line 2"
    customer.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    assert customer.locator("#waiting-for-you").count() == 0  # nothing waits on it now
    customer.context.close()


def test_an_initiative_from_proposal_to_confirmed_value_and_the_shared_comparison(
    page,
    browser,
    live_server,
    live_firm,
):
    from kamkit.web.relationships.models import JointInitiative

    customer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(customer, live_server.url, "customer")
    customer.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    expect(customer.get_by_role("link", name="How both sides see the relationship")).to_have_count(
        0
    )
    customer.get_by_role("link", name="Propose an initiative").first.click()
    customer.fill("input[name=title]", "Returnable crates")
    customer.fill("textarea[name=goal]", "No more one-way cartons")
    customer.fill("input[name=customer_effort_days]", "8")
    customer.fill("input[name=expected_value_customer]", "30000")
    customer.get_by_role("button", name="Propose it").click()
    customer.wait_for_load_state()
    assert "Your supplier's team has been told" in customer.locator(".messages").inner_text()
    initiative_url = customer.url
    assert "8.0" in customer.locator("#contributions").inner_text()

    login(page, live_server.url, "manager")
    page.get_by_role("link", name="Notifications (1)").click()
    page.get_by_role(
        "link", name="Chris Customer proposed an initiative: Returnable crates"
    ).click()
    page.wait_for_load_state()
    page.select_option("select[name=status]", "in_delivery")
    page.fill("input[name=supplier_effort_days]", "12")
    page.fill("input[name=expected_value_supplier]", "555000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    customer.goto(initiative_url)
    assert "12.0" in customer.locator("#contributions").inner_text()
    assert "555000" not in customer.content()
    customer.fill("input[name=realized_value_customer]", "27500")
    customer.get_by_role("button", name="Confirm").click()
    customer.wait_for_load_state()
    assert "realized value is confirmed" in customer.locator(".messages").inner_text()
    customer.screenshot(path=str(SHOTS / "portal-initiative.png"), full_page=True)
    item = JointInitiative.objects.get(title="Returnable crates")
    assert item.status == "realized" and item.realized_value_customer == 27500

    page.goto(f"{live_server.url}/accounts/initiatives/{item.pk}/")
    assert "confirmed by the customer" in page.locator("#confirmed").inner_text()
    page.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.get_by_role("link", name="Perception gap: how both sides see it").click()
    page.wait_for_load_state()
    assert "Which phase each side sees" in page.locator("main").inner_text()
    page.get_by_role("button", name="Share with the customer").click()
    page.wait_for_load_state()
    assert "now see this comparison" in page.locator(".messages").inner_text()

    customer.goto(f"{live_server.url}/accounts/{live_firm.own.pk}/")
    customer.get_by_role("link", name="How both sides see the relationship").click()
    customer.wait_for_load_state()
    text = customer.locator("#gaps").inner_text()
    assert "Your side" in text and "Collaborative communication" in text
    customer.screenshot(path=str(SHOTS / "portal-perception.png"), full_page=True)
    customer.context.close()
