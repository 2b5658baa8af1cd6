"""The stakeholder map in Chromium (issue 20): the KA manager opens it from the account,
places a customer contact (buying role, attitude, boss), and reads the chart; on a phone
it does not scroll sideways."""

from __future__ import annotations

import pytest

from kamkit.web.accounts.models import Person
from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

pytestmark = pytest.mark.browser


def test_the_manager_places_a_contact_on_the_map(page, live_server, live_firm):
    boss = Person.objects.create(
        account=live_firm.own, side="customer", name="Greta Boss", role="CPO"
    )
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/accounts/{live_firm.own.pk}/")
    page.locator("#stakeholder-map").click()
    page.wait_for_load_state()
    eva = live_firm.own_person
    page.locator(f"#person-{eva.pk}").get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    page.select_option("select[name=buying_role]", "champion")
    page.select_option("select[name=attitude]", "supporter")
    page.select_option("select[name=reports_to]", str(boss.pk))
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    node = page.locator(f"#person-{boss.pk} #person-{eva.pk}")
    assert "Champion" in node.inner_text()
    page.screenshot(path=str(SHOTS / "stakeholders.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the map scrolls sideways on a phone ({width} px)"
