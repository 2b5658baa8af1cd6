"""A diagnosis project in Chromium (issue 18): a director starts a project, adds two
waves from their case files, sees which gaps closed, opens one, plans an action and
finds it checked against the second wave; a KA manager of the unit reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_web_journey import SHOTS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser]


def test_a_director_follows_a_firm_across_two_waves(page, live_server, live_firm):
    log_in(page, live_server.url, "director", to=f"{live_server.url}/diagnosis/")
    page.get_by_role("link", name="New project").click()
    page.fill("input[name=name]", "Nordlicht follow-up")
    page.fill("input[name=firm]", "Nordlicht Components GmbH")
    page.select_option("select[name=kam_unit]", label="Automotive KAM")
    page.get_by_role("button", name="Create the project").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Nordlicht follow-up"
    assert "No waves yet" in page.locator("#waves").inner_text()
    for year in ("2024", "2025"):
        page.get_by_role("link", name="Add a wave").click()
        page.set_input_files(
            "input[name=file]", str(ROOT / "examples" / f"invented-nordlicht-{year}.yaml")
        )
        page.get_by_role("button", name="Check and store").click()
        page.wait_for_load_state()
        assert f"Stored “Wave {year}”" in page.locator(".messages").inner_text()
    expect(page.locator("#waves tbody tr")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "diagnosis-project.png"), full_page=True)
    closed = page.locator("#latest-changes li", has_text="gap closed").first
    pair = closed.locator("a").inner_text()
    # the pair as the first wave saw it: plan an action there
    page.locator("#waves").get_by_role("link", name="Wave 2024").click()
    page.locator("#gaps-to-act-on").get_by_role("link", name=pair).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == pair
    assert page.locator("#countermeasures tbody tr").count() > 0
    page.select_option("select[name=measure]", "integrator")
    page.fill("textarea[name=description]", "An integrator between the two units")
    page.fill("input[name=due]", "2024-12-31")
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_load_state()
    actions = page.locator("#actions table").inner_text()
    assert "Integrator role or unit" in actions and "Wave 2025: the gap closed" in actions
    expect(page.locator("#history svg")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "diagnosis-pair.png"), full_page=True)
    # the KA manager of the unit reads it, without the forms
    page.context.clear_cookies()
    log_in(page, live_server.url, "manager", to=f"{live_server.url}/diagnosis/")
    page.get_by_role("link", name="Nordlicht follow-up").click()
    assert "Integrator role or unit" in page.locator("#actions").inner_text()
    expect(page.get_by_role("link", name="Add a wave")).to_have_count(0)


def test_a_manager_names_the_internal_units_a_problem_involved(page, live_server, live_firm):
    from kamkit.web.accounts.models import InternalUnit

    InternalUnit.objects.create(name="Legal")
    InternalUnit.objects.create(name="Supply chain")
    problem = live_firm.records["problems"]
    log_in(
        page, live_server.url, "manager", to=f"{live_server.url}/accounts/problems/{problem.pk}/"
    )
    section = page.locator("#internal-units")
    section.get_by_label("Supply chain").check()
    section.get_by_role("button", name="Save the units involved").click()
    page.wait_for_load_state()
    assert "Internal units involved: Supply chain." in page.locator(".messages").inner_text()
    assert page.locator("#internal-units").get_by_label("Supply chain").is_checked()
    assert not page.locator("#internal-units").get_by_label("Legal").is_checked()
    page.locator("#internal-units").screenshot(path=str(SHOTS / "problem-internal-units.png"))


def test_an_analyst_edits_a_pair_and_sees_the_rules_apply_as_she_goes(page, live_server, live_firm):
    wave = live_firm.wave
    log_in(
        page,
        live_server.url,
        "analyst",
        to=f"{live_server.url}/diagnosis/{wave.pk}/pairs/kam1/legal/",
    )
    page.get_by_role("link", name="Edit this pair").click()
    page.wait_for_load_state()
    verdict = page.locator("#pair-preview .big")
    assert "Integration gap" in verdict.inner_text()
    for practice, value in (
        ("bridging", "substantial"),
        ("amplification", "substantial"),
        ("extension", "partial"),
        ("transformation", "absent"),
    ):
        page.select_option(f"select[name={practice}]", value)
    # the paper's level for this pair was the analyst's: let the practices decide
    page.select_option("select[name=alignment_level]", "")
    page.locator("#pair-preview", has_text="practice score 5 of 8").wait_for()
    assert "Integration gap of 2 levels" in verdict.inner_text()  # six differ: very high
    for dimension in (
        "orientation_toward_others",
        "time_orientation",
        "goal_orientation",
        "linguistic_orientation",
        "motivational_orientation",
    ):  # the analyst now judges that only structural formalization differs
        page.locator(f"input[name=differs][value={dimension}]").uncheck()
    # the preview follows each change (htmx); the fourth practice completes the score
    page.locator("#pair-preview", has_text="practice score 5 of 8").wait_for()
    page.locator("#pair-preview", has_text="1 of 6 dimensions differ").wait_for()
    assert "No integration gap" in verdict.inner_text()
    page.screenshot(path=str(SHOTS / "diagnosis-pair-edit.png"), full_page=True)
    page.get_by_role("button", name="Save the pair").click()
    page.wait_for_load_state()
    assert "Saved" in page.locator(".messages").inner_text()
    assert page.locator("#pair-verdict").inner_text() == "No integration gap"


def test_a_wave_is_built_in_forms(page, live_server, live_firm):
    log_in(
        page,
        live_server.url,
        "director",
        to=f"{live_server.url}/diagnosis/projects/{live_firm.project.pk}/",
    )
    page.get_by_role("link", name="Start a wave in forms").click()
    page.fill("input[name=title]", "Wave 2026")
    page.fill("input[name=kam_name]", "KAM unit 1")
    page.fill("input[name=partner_name]", "Legal")
    page.get_by_role("button", name="Start the wave").click()
    page.wait_for_load_state()
    assert "Started “Wave 2026”" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Add a unit").click()
    page.fill("input[name=id]", "scm")
    page.fill("input[name=name]", "Supply chain")
    page.fill("input[name=profile_structural_formalization]", "high")
    page.get_by_role("button", name="Save the unit").click()
    page.wait_for_load_state()
    expect(page.locator("#units tbody tr")).to_have_count(3)
    page.select_option("#add-pair select[name=partner]", "scm")
    page.get_by_role("button", name="Add the pair").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Edit KAM unit 1 – Supply chain"
    page.get_by_role("button", name="Save the pair").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/diagnosis/projects/{live_firm.project.pk}/")
    page.locator("#waves").get_by_role("link", name="edit").last.click()
    expect(page.locator("#pairs tbody tr")).to_have_count(2)  # waits for the page
    page.screenshot(path=str(SHOTS / "diagnosis-wave-edit.png"), full_page=True)
    # removing a pair asks first
    page.locator("#pairs tr", has_text="Supply chain").get_by_role("link", name="Remove…").click()
    page.wait_for_load_state()
    expect(page.locator("#pairs tbody tr")).to_have_count(2)  # asking removes nothing
    page.get_by_role("button", name="Remove the pair").click()
    page.wait_for_load_state()
    assert "Removed the pair" in page.locator(".messages").inner_text()
    expect(page.locator("#pairs tbody tr")).to_have_count(1)


def test_respondents_statements_and_an_action_s_status(page, live_server, live_firm):
    wave, action = live_firm.wave, live_firm.action
    log_in(page, live_server.url, "analyst", to=f"{live_server.url}/diagnosis/{wave.pk}/edit/")
    page.get_by_role("link", name="Add a respondent").click()
    page.fill("input[name=id]", "I99")
    page.select_option("select[name=unit]", "legal")
    page.fill("input[name=rating_structural_formalization]", "6")
    page.get_by_role("button", name="Save the respondent").click()
    page.wait_for_load_state()
    expect(page.locator("#respondents tr", has_text="I99")).to_have_count(1)
    page.locator("#statements-link").click()
    page.select_option("select[name=respondent]", "I99")
    page.get_by_label("Structural formalization").check()
    page.fill("textarea[name=text]", "Every contract goes through the full review.")
    page.get_by_role("button", name="Add the statement").click()
    page.wait_for_load_state()
    expect(page.locator("#statements tr", has_text="Every contract goes through")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "diagnosis-statements.png"), full_page=True)
    # the action planned on kam1–legal: done
    page.goto(f"{live_server.url}/diagnosis/actions/{action.pk}/")
    page.select_option("select[name=status]", "done")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Action saved" in page.locator(".messages").inner_text()
    assert "Done" in page.locator("#actions").inner_text()


def test_a_manager_reads_a_pair_on_a_phone(page, live_server, live_firm):
    """The KA manager of the project's unit, on a phone: the countermeasures keep their
    sources and the evidence its figures (narrow lists hide their later columns)."""
    from kamkit.web.accounts.models import InternalUnit

    InternalUnit.objects.create(name="Legal")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(
        page,
        live_server.url,
        "manager",
        to=f"{live_server.url}/diagnosis/{live_firm.wave.pk}/pairs/kam1/legal/",
    )
    expect(page.locator("#countermeasures .source").first).to_be_visible()
    header = page.locator("#evidence th", has_text="Median days to a solution")
    expect(header).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone (tables scroll inside their box)
    page.screenshot(path=str(SHOTS / "diagnosis-pair-phone.png"), full_page=True)
