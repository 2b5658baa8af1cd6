"""Diagnosis projects in the web app (issue 18): a firm followed across waves, each wave a
case file; the gaps opened and closed between waves; per pair the countermeasures with
their sources, actions with owner, due date and status, checked at the next wave; KA
managers read the projects of their own KAM units, never write, and nobody else sees
any."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kamkit.core.diagnosis import compare_waves, diagnose, parse_case
from kamkit.web.accounts.models import KAMUnit
from kamkit.web.diagnosis.models import DiagnosisCase, DiagnosisProject, GapAction
from kamkit.web.diagnosis.services import save_action, save_project, store_case

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
WAVE_1 = (EXAMPLES / "invented-nordlicht-2024.yaml").read_text(encoding="utf-8")
WAVE_2 = (EXAMPLES / "invented-nordlicht-2025.yaml").read_text(encoding="utf-8")


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def nordlicht(firm) -> tuple[DiagnosisProject, DiagnosisCase, DiagnosisCase]:
    director = firm.users["director"]
    project = save_project(director, {"name": "Nordlicht", "kam_unit": firm.own.kam_unit})
    first = store_case(director, WAVE_1, project=project)
    second = store_case(director, WAVE_2, project=project)
    return project, first, second


def _closed_pair() -> tuple[str, str]:
    change = next(
        c
        for c in compare_waves(diagnose(parse_case(WAVE_1)), diagnose(parse_case(WAVE_2))).changes
        if c.status == "closed"
    )
    return change.kam, change.partner


def test_a_director_starts_a_project_and_adds_two_waves(as_role, firm):
    c = as_role("director")
    answer = c.post("/diagnosis/projects/new/", {"name": "Nordlicht", "firm": "Nordlicht GmbH"})
    project = DiagnosisProject.objects.get(name="Nordlicht")
    assert answer.status_code == 302 and answer["Location"] == f"/diagnosis/projects/{project.pk}/"
    assert project.created_by == firm.users["director"]
    for text in (WAVE_1, WAVE_2):
        upload = SimpleUploadedFile("wave.yaml", text.encode("utf-8"))
        answer = c.post(f"/diagnosis/projects/{project.pk}/waves/new/", {"file": upload})
        assert answer.status_code == 302
    waves = list(project.waves.order_by("wave_on"))
    # dated by the end of each case's period; titled by its wave
    assert [(w.wave_on, w.title) for w in waves] == [
        (dt.date(2024, 3, 1), "Wave 2024"),
        (dt.date(2025, 3, 1), "Wave 2025"),
    ]
    cmp = compare_waves(diagnose(parse_case(WAVE_1)), diagnose(parse_case(WAVE_2)))
    page = soup(c.get(f"/diagnosis/projects/{project.pk}/"))
    second_row = page.select("#waves tbody tr")[1]
    cells = [td.get_text(strip=True) for td in second_row.select("td.num")]
    assert cells == [
        str(waves[1].pairs),
        str(waves[1].gaps),
        str(len(cmp.with_status("opened"))),
        str(len(cmp.with_status("closed"))),
        str(len(cmp.with_status("persists"))),
    ]
    changes = page.select_one("#latest-changes").get_text()
    for change in cmp.with_status("opened") + cmp.with_status("closed"):
        assert f"{change.kam_name} – {change.partner_name}" in changes
    # the list shows the project with its latest wave
    listing = soup(c.get("/diagnosis/")).select_one("#projects").get_text()
    assert "Nordlicht" in listing and "Nordlicht GmbH" in listing


def test_a_project_needs_a_name_and_clean_text(as_role, firm):
    c = as_role("analyst")
    answer = c.post("/diagnosis/projects/new/", {"name": "  ", "firm": "x"})
    assert answer.status_code == 422
    assert soup(answer).select_one("#name-errors")
    with pytest.raises(ValidationError) as exc:
        save_project(firm.users["analyst"], {"name": "A\x07B"})
    assert "control character" in exc.value.message_dict["name"][0]
    assert not DiagnosisProject.objects.exclude(pk=firm.project.pk).exists()


def test_a_wave_dated_outside_the_calendar_is_refused_and_nothing_is_stored(firm):
    project = firm.project
    count = DiagnosisCase.objects.count()
    with pytest.raises(ValidationError) as exc:
        store_case(firm.users["director"], WAVE_1, project=project, wave_on=dt.date(1800, 1, 1))
    assert "wave_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        store_case(firm.users["director"], WAVE_1, project=project, wave_on=dt.date(9999, 1, 1))
    assert DiagnosisCase.objects.count() == count


def test_a_pair_shows_its_countermeasures_with_their_sources(as_role, nordlicht):
    _, first, _ = nordlicht
    kam, partner = _closed_pair()
    page = soup(as_role("director").get(f"/diagnosis/{first.pk}/pairs/{kam}/{partner}/"))
    assert "Integration gap" in page.select_one("#pair-verdict").get_text()
    rows = page.select("#countermeasures tbody tr")
    assert rows and all(
        r.select_one("td .source").get_text(strip=True) for r in rows
    )  # a source each
    assert "§4.2" in page.select_one("#countermeasures").get_text()
    # the pair across both waves: a table and a chart
    history = page.select_one("#history")
    assert history.select_one("svg") is not None
    assert len(history.select("tbody tr")) == 2


def test_an_action_is_planned_and_checked_at_the_next_wave(as_role, firm, nordlicht):
    project, first, second = nordlicht
    kam, partner = _closed_pair()
    c = as_role("analyst")
    url = f"/diagnosis/{first.pk}/pairs/{kam}/{partner}/"
    answer = c.post(
        url,
        {
            "measure": "task_force",
            "description": "Joint task force on order hand-over",
            "owner": firm.users["director"].pk,
            "due": "2024-09-30",
            "status": "in_progress",
        },
    )
    assert answer.status_code == 302
    action = GapAction.objects.get(project=project)
    assert (action.wave, action.kam, action.partner) == (first, kam, partner)
    assert action.created_by == firm.users["analyst"]
    page = soup(c.get(url)).select_one("#actions").get_text()
    assert "Task force" in page and "the gap closed" in page  # the second wave says so
    listed = soup(c.get(f"/diagnosis/projects/{project.pk}/")).select_one("#actions")
    assert "Wave 2025: the gap closed" in listed.get_text()
    # planned on the latest wave: nothing to check yet
    later = save_action(
        firm.users["director"],
        {"wave": second, "kam": kam, "partner": partner, "measure": "liaison"},
    )
    page = soup(c.get(f"/diagnosis/{second.pk}/pairs/{kam}/{partner}/")).select_one("#actions")
    assert "checked at the next wave" in page.get_text()
    # its status changes on its own page
    answer = c.post(f"/diagnosis/actions/{later.pk}/", {"measure": "liaison", "status": "done"})
    assert answer.status_code == 302
    later.refresh_from_db()
    assert later.status == "done"
    c.post(f"/diagnosis/actions/{later.pk}/", {"delete": "1"})
    assert not GapAction.objects.filter(pk=later.pk).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"measure": "standardisation"}, "measure"),
        ({"measure": "other", "description": ""}, "description"),
        ({"measure": "liaison", "status": "forgotten"}, "status"),
        ({"measure": "liaison", "due": dt.date(1700, 1, 1)}, "due"),
        ({"measure": "liaison", "due": dt.date(9999, 12, 31)}, "due"),
        ({"measure": "liaison", "description": "x" * 4001}, "description"),
        ({"measure": "liaison", "partner": "nobody"}, "partner"),
    ],
)
def test_a_bad_action_is_refused_by_name_and_nothing_is_written(firm, values, field):
    base = {"wave": firm.wave, "kam": "kam1", "partner": "legal", "status": "planned"}
    count = GapAction.objects.count()
    with pytest.raises(ValidationError) as exc:
        save_action(firm.users["director"], base | values)
    assert field in exc.value.message_dict
    assert GapAction.objects.count() == count


def test_a_customer_cannot_own_an_action(firm):
    with pytest.raises(ValidationError) as exc:
        save_action(
            firm.users["director"],
            {
                "wave": firm.wave,
                "kam": "kam1",
                "partner": "legal",
                "measure": "liaison",
                "owner": firm.users["customer"],
            },
        )
    assert "owner" in exc.value.message_dict


def test_the_page_names_a_bad_action_field(as_role, firm):
    c = as_role("director")
    url = f"/diagnosis/{firm.wave.pk}/pairs/kam1/legal/"
    answer = c.post(url, {"measure": "other", "description": "", "status": "planned"})
    assert answer.status_code == 422
    assert soup(answer).select_one("#description-errors")


def test_a_ka_manager_reads_the_projects_of_their_own_unit_only(as_role, firm):
    mine = firm.project  # linked to the manager's KAM unit
    other_unit = KAMUnit.objects.create(name="Energy KAM")
    theirs = save_project(firm.users["director"], {"name": "Energy", "kam_unit": other_unit})
    wave = store_case(firm.users["director"], WAVE_1, project=theirs)
    c = as_role("manager")
    listing = soup(c.get("/diagnosis/"))
    assert mine.name in listing.get_text() and "Energy" not in listing.get_text()
    assert not listing.select_one("#add-project")  # reading only
    assert c.get(f"/diagnosis/projects/{mine.pk}/").status_code == 200
    assert c.get(f"/diagnosis/{firm.wave.pk}/").status_code == 200
    assert c.get(f"/diagnosis/projects/{theirs.pk}/").status_code == 404
    assert c.get(f"/diagnosis/{wave.pk}/").status_code == 404
    assert c.get(f"/diagnosis/{wave.pk}/case.yaml").status_code == 404
    assert c.get(f"/diagnosis/{firm.case.pk}/").status_code == 404  # a single case
    # no writes: planning, editing, deleting are not there for them
    count = GapAction.objects.count()
    answer = c.post(
        f"/diagnosis/{firm.wave.pk}/pairs/kam1/legal/", {"measure": "liaison", "status": "planned"}
    )
    assert answer.status_code == 404 and GapAction.objects.count() == count
    assert c.post(f"/diagnosis/{firm.wave.pk}/delete/").status_code == 404
    assert c.post(f"/diagnosis/projects/{mine.pk}/edit/", {"delete": "1"}).status_code == 404
    assert DiagnosisProject.objects.filter(pk=mine.pk).exists()
    # the menu shows the diagnosis to them because they have a project to read
    assert any(a.get_text() == "Diagnosis" for a in soup(c.get("/diagnosis/")).select("nav a"))


def test_a_team_manager_reads_the_projects_of_the_parent_unit(as_role, firm):
    # the other manager's account sits in a team of the firm's KAM unit
    firm.users["other_manager"] = firm.other.ka_manager
    assert firm.other.kam_unit.parent_id == firm.project.kam_unit_id
    c = as_role("other_manager")
    assert c.get(f"/diagnosis/projects/{firm.project.pk}/").status_code == 200


def test_customers_and_partners_never_see_a_project(as_role, firm):
    for role in ("customer", "partner"):
        c = as_role(role)
        for url in (
            "/diagnosis/",
            f"/diagnosis/projects/{firm.project.pk}/",
            f"/diagnosis/{firm.wave.pk}/pairs/kam1/legal/",
            f"/diagnosis/actions/{firm.action.pk}/",
        ):
            assert c.get(url).status_code == 404, (role, url)


def test_deleting_a_project_deletes_its_waves_and_actions(as_role, firm):
    project, wave, action = firm.project, firm.wave, firm.action
    answer = as_role("director").post(f"/diagnosis/projects/{project.pk}/edit/", {"delete": "1"})
    assert answer.status_code == 302
    assert not DiagnosisProject.objects.filter(pk=project.pk).exists()
    assert not DiagnosisCase.objects.filter(pk=wave.pk).exists()
    assert not GapAction.objects.filter(pk=action.pk).exists()
    assert DiagnosisCase.objects.filter(pk=firm.case.pk).exists()  # a single case stays


def test_a_pair_not_in_the_wave_is_not_found(as_role, firm):
    assert (
        as_role("director").get(f"/diagnosis/{firm.wave.pk}/pairs/kam1/nobody/").status_code == 404
    )


def test_the_wave_report_lists_its_gaps_with_their_actions(as_role, firm):
    page = soup(as_role("director").get(f"/diagnosis/{firm.wave.pk}/"))
    gaps = page.select_one("#gaps-to-act-on")
    link = gaps.find("a", href=f"/diagnosis/{firm.wave.pk}/pairs/kam1/legal/")
    assert link is not None
    assert "1 action" in link.parent.get_text()
    crumbs = page.select_one(".crumbs").get_text()
    assert firm.project.name in crumbs


def test_a_large_wave_reads_a_page_of_kam_units_at_a_time(as_role, firm, monkeypatch):
    from kamkit.web.diagnosis import views

    monkeypatch.setattr(views, "REPORT_PAGE_PAIRS", 5)  # the published case has 13 pairs
    c = as_role("analyst")
    url = f"/diagnosis/{firm.wave.pk}/"
    first = soup(c.get(url))
    nav = first.select_one("#report-pages")
    assert nav is not None and "page 1 of" in nav.get_text()
    count = len(nav.select("option"))
    assert count >= 2
    from kamkit.core.diagnosis import diagnose, parse_case

    whole = diagnose(parse_case(firm.wave.source_yaml))
    listed: list[str] = []
    for n in range(1, count + 1):
        page = soup(c.get(f"{url}?page={n}"))
        kams = {a["href"].split("/")[4] for a in page.select("#gaps-to-act-on a")}
        assert len(kams) <= 1  # the published case's two units fall on different pages
        listed += sorted(kams)
    # each page lists only its own unit's gaps, and together they list every unit's
    assert sorted(listed) == sorted({d.kam for d in whole.dyads if d.gap or d.gap_possible})
    for bad in ("0", str(count + 1), "x"):
        assert c.get(f"{url}?page={bad}").status_code == 404
    # the download is still the whole report
    whole = c.get(f"/diagnosis/{firm.wave.pk}/html/?download=1").content.decode()
    assert "report-pages" not in whole and "Team 2a" in whole


def test_a_project_compares_its_waves_from_the_summaries_kept(as_role, nordlicht, monkeypatch):
    from kamkit.web.diagnosis import project_views

    project, first, _ = nordlicht
    assert first.summary and len(first.summary) == first.pairs

    def no_diagnosis(case):
        raise AssertionError("the project page diagnosed a wave again")

    monkeypatch.setattr(project_views, "diagnosed", no_diagnosis)
    page = soup(as_role("director").get(f"/diagnosis/projects/{project.pk}/"))
    assert page.select_one("#latest-changes") is not None


def test_the_changes_download_as_the_command_line_writes_them(as_role, nordlicht):
    from kamkit.core.diagnosis.render import render_comparison

    _, first, second = nordlicht
    c = as_role("analyst")
    answer = c.get(f"/diagnosis/{second.pk}/changes/markdown/")
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    expected = render_comparison(
        compare_waves(
            diagnose(parse_case(WAVE_1, source=first.title)),
            diagnose(parse_case(WAVE_2, source=second.title)),
        ),
        "markdown",
    )
    assert answer.content.decode() == expected
    assert c.get(f"/diagnosis/{first.pk}/changes/csv/").status_code == 404  # nothing before
    assert c.get(f"/diagnosis/{second.pk}/changes/xlsx/").status_code == 404


def _pair_form(link_values: dict) -> dict:
    base = {
        "asset": "low",
        "information": "high",
        "status": "medium",
        "requisite_integration": "kam_depends",
        "differentiation": "analyst",
        "differs": ["structural_formalization"],
        "bridging": "",
        "amplification": "",
        "extension": "",
        "transformation": "",
        "alignment_level": "",
        "evidence": "",
        "quality": "",
        "quality_description": "",
        "notes": "",
    }
    return base | link_values


def test_a_pair_is_edited_in_a_form_and_the_wave_stays_a_case_file(as_role, firm):
    wave = firm.wave
    c = as_role("analyst")
    url = f"/diagnosis/{wave.pk}/pairs/kam1/legal/edit/"
    form = soup(c.get(url))
    # the form starts from what the file records: the published case's analyst marks
    checked = {i["value"] for i in form.select("input[name=differs][checked]")}
    link = next(
        x for x in parse_case(wave.source_yaml).links if (x.kam, x.partner) == ("kam1", "legal")
    )
    assert checked == set(link.differs)
    # the preview applies the core's rules to the values as they change
    values = _pair_form(
        {
            "bridging": "substantial",
            "amplification": "substantial",
            "extension": "partial",
            "transformation": "absent",
            "evidence": "monthly account review\njoint task force",
        }
    )
    preview = soup(c.post(url, values | {"preview": "1"}))
    text = preview.get_text(" ", strip=True)
    assert "very low" in text and "practice score 5 of 8" in text and "No integration gap" in text
    wave.refresh_from_db()
    assert "joint task force" not in wave.source_yaml  # a preview writes nothing
    answer = c.post(url, values | {"save": "1"})
    assert answer.status_code == 302
    wave.refresh_from_db()
    saved = parse_case(wave.source_yaml)
    edited = next(x for x in saved.links if (x.kam, x.partner) == ("kam1", "legal"))
    assert edited.differs == ("structural_formalization",)
    assert edited.alignment.practices["bridging"] == "substantial"
    assert edited.alignment.evidence == ("monthly account review", "joint task force")
    assert wave.source_yaml.startswith("# Edited in kamkit by analyst")
    # the figures kept follow the file: the pair no longer has a gap
    result = diagnose(saved)
    assert (wave.pairs, wave.gaps) == (len(result.dyads), len(result.gaps()))
    row = next(r for r in wave.summary if r[:2] == ["kam1", "legal"])
    assert row[-1] == 0
    # the other pairs are as they were
    before = {(x.kam, x.partner): x for x in parse_case(firm.case.source_yaml).links}
    for x in saved.links:
        if (x.kam, x.partner) != ("kam1", "legal"):
            assert x == before[(x.kam, x.partner)]


def test_a_pair_the_core_refuses_is_not_saved_and_the_problem_is_named(as_role, firm):
    wave = firm.wave
    before = wave.source_yaml
    answer = as_role("director").post(
        f"/diagnosis/{wave.pk}/pairs/kam1/legal/edit/",
        _pair_form({"bridging": "partial", "save": "1"}),  # three practices unrecorded
    )
    assert answer.status_code == 422
    assert "record each of the four practices" in soup(answer).select_one("#pair-errors").get_text()
    wave.refresh_from_db()
    assert wave.source_yaml == before


def test_only_those_who_store_cases_edit_a_pair(as_role, firm):
    url = f"/diagnosis/{firm.wave.pk}/pairs/kam1/legal/edit/"
    for role in ("manager", "customer", "partner"):
        assert as_role(role).get(url).status_code == 404
        assert as_role(role).post(url, _pair_form({"save": "1"})).status_code == 404
    # a single case is edited as a file, not here
    assert (
        as_role("director").get(f"/diagnosis/{firm.case.pk}/pairs/kam1/legal/edit/").status_code
        == 404
    )


def test_a_wave_grows_in_forms_units_profiles_and_pairs(as_role, firm):
    c = as_role("analyst")
    start = c.post(
        f"/diagnosis/projects/{firm.project.pk}/waves/start/",
        {
            "title": "Wave 2026",
            "wave": "2026",
            "kam_id": "kam_a",
            "kam_name": "KAM A",
            "partner_id": "legal",
            "partner_name": "Legal",
        },
    )
    wave = DiagnosisCase.objects.get(title="Wave 2026")
    assert start.status_code == 302 and start["Location"] == f"/diagnosis/{wave.pk}/edit/"
    assert wave.project == firm.project and wave.wave_on == dt.date.today()
    # a partner with a profile, and the KAM unit's profile: the pair computes from them
    answer = c.post(
        f"/diagnosis/{wave.pk}/units/new/",
        {
            "id": "scm",
            "kind": "partner",
            "name": "Supply chain",
            "profile_structural_formalization": "high",
            "profile_goal_orientation": "cost > delivery",
            "profile_time_orientation": "2.5",
        },
    )
    assert answer.status_code == 302
    answer = c.post(
        f"/diagnosis/{wave.pk}/units/kam_a/",
        {
            "name": "KAM A",
            "profile_structural_formalization": "low",
            "profile_goal_orientation": "customer > cost",
            "profile_time_orientation": "5",
            "practice_bridging": "partial",
            "practice_amplification": "absent",
            "practice_extension": "absent",
            "practice_transformation": "absent",
        },
    )
    assert answer.status_code == 302
    answer = c.post(f"/diagnosis/{wave.pk}/edit/", {"kam": "kam_a", "partner": "scm"})
    assert answer["Location"] == f"/diagnosis/{wave.pk}/pairs/kam_a/scm/edit/"
    wave.refresh_from_db()
    case = parse_case(wave.source_yaml)
    assert case.profiles["scm"]["goal_orientation"] == ("cost", "delivery")
    assert case.profiles["scm"]["time_orientation"] == 2.5
    pair = next(d for d in diagnose(case).dyads if d.partner == "scm")
    assert set(pair.differentiation.differs) == {
        "structural_formalization",
        "goal_orientation",
        "time_orientation",
    }
    assert pair.alignment.practices_from == "unit" and pair.gap_size == 1
    # the same pair twice is refused by name
    again = c.post(f"/diagnosis/{wave.pk}/edit/", {"kam": "kam_a", "partner": "scm"})
    assert again.status_code == 422 and "already" in soup(again).get_text()
    # a unit the pairs still name cannot go, and the core says why
    c.post(f"/diagnosis/{wave.pk}/units/scm/", {"remove": "1"})
    wave.refresh_from_db()
    assert "scm" in parse_case(wave.source_yaml).unit_names()
    # removing the pair first (after the question: asking removes nothing), then the unit
    question = soup(c.get(f"/diagnosis/{wave.pk}/edit/?remove=kam_a|scm"))
    assert "Remove the pair" in question.select_one("#confirm-remove").get_text()
    wave.refresh_from_db()
    assert len(parse_case(wave.source_yaml).links) == 2
    assert c.get(f"/diagnosis/{wave.pk}/edit/?remove=kam_a|nobody").status_code == 404
    c.post(f"/diagnosis/{wave.pk}/edit/", {"remove_pair": "kam_a|scm"})
    c.post(f"/diagnosis/{wave.pk}/units/scm/", {"remove": "1"})
    wave.refresh_from_db()
    assert "scm" not in parse_case(wave.source_yaml).unit_names()


def test_a_bad_profile_value_is_named_and_nothing_is_written(as_role, firm):
    wave = firm.wave
    before = wave.source_yaml
    answer = as_role("director").post(
        f"/diagnosis/{wave.pk}/units/legal/",
        {"name": "Legal", "profile_time_orientation": "9"},  # a mean beyond 7
    )
    assert answer.status_code == 422
    assert "time_orientation" in soup(answer).select_one("#unit-errors").get_text()
    wave.refresh_from_db()
    assert wave.source_yaml == before


def test_the_next_wave_starts_from_this_one(as_role, firm):
    c = as_role("director")
    answer = c.post(
        f"/diagnosis/{firm.wave.pk}/next/",
        {"title": "Wave 2015", "wave": "2015", "wave_on": "2015-09-01"},
    )
    new = DiagnosisCase.objects.get(title="Wave 2015")
    assert answer["Location"] == f"/diagnosis/{new.pk}/edit/"
    old, copy = parse_case(firm.wave.source_yaml), parse_case(new.source_yaml)
    assert copy.links == old.links and copy.units == old.units
    assert copy.wave == "2015" and copy.period == (None, None)
    # the project compares them: nothing changed yet
    page = soup(c.get(f"/diagnosis/projects/{firm.project.pk}/"))
    cells = [td.get_text(strip=True) for td in page.select("#waves tbody tr")[1].select("td.num")]
    assert cells[2:4] == ["0", "0"]  # none opened, none closed


def test_respondents_ratings_and_statements_in_forms(as_role, firm):
    from kamkit.core.diagnosis.scales import DIMENSIONS

    c = as_role("analyst")
    start = c.post(
        f"/diagnosis/projects/{firm.project.pk}/waves/start/",
        {"title": "W", "kam_id": "k", "kam_name": "K", "partner_id": "p", "partner_name": "P"},
    )
    wave = DiagnosisCase.objects.get(pk=start["Location"].split("/")[2])
    # K's respondent rates time orientation 2, P's rates it 4 (a difference of 2): the
    # pair, with no marks and no profiles, differs on it from the rating means
    for rid, unit, value in (("r1", "k", 2), ("r2", "p", 4)):
        answer = c.post(
            f"/diagnosis/{wave.pk}/respondents/new/",
            {"id": rid, "unit": unit, "position": "Manager", "rating_time_orientation": value},
        )
        assert answer.status_code == 302, soup(answer).get_text()[:300]
    wave.refresh_from_db()
    pair = diagnose(parse_case(wave.source_yaml)).dyads[0]
    judged = {j.dimension: (j.differs, j.source) for j in pair.differentiation.judgements}
    assert judged["time_orientation"] == (True, "ratings")
    assert judged["goal_orientation"][0] is None  # nobody rated it: unknown
    # a rating out of the scale is refused by name
    bad = c.post(
        f"/diagnosis/{wave.pk}/respondents/r1/", {"unit": "k", "rating_goal_orientation": 9}
    )
    assert bad.status_code == 422
    # r1's rating changes to 4: no difference any more
    c.post(f"/diagnosis/{wave.pk}/respondents/r1/", {"unit": "k", "rating_time_orientation": 4})
    wave.refresh_from_db()
    pair = diagnose(parse_case(wave.source_yaml)).dyads[0]
    assert "time_orientation" not in pair.differentiation.differs
    assert len(parse_case(wave.source_yaml).ratings) == 2  # replaced, not added
    # a statement coded to two dimensions, then removed
    answer = c.post(
        f"/diagnosis/{wave.pk}/statements/",
        {
            "respondent": "r2",
            "dimensions": ["time_orientation", "goal_orientation"],
            "text": "We plan in quarters, they plan in years.",
        },
    )
    assert answer.status_code == 302
    wave.refresh_from_db()
    (statement,) = parse_case(wave.source_yaml).statements
    assert statement.dimensions == ("time_orientation", "goal_orientation")
    assert statement.unit == "p"  # the respondent's unit
    nobody = c.post(
        f"/diagnosis/{wave.pk}/statements/", {"dimensions": [DIMENSIONS[0]], "text": "x"}
    )
    assert nobody.status_code == 422
    c.post(f"/diagnosis/{wave.pk}/statements/", {"remove": "0"})
    wave.refresh_from_db()
    assert parse_case(wave.source_yaml).statements == ()
    # removing a respondent takes their ratings along
    c.post(f"/diagnosis/{wave.pk}/respondents/r2/", {"remove": "1"})
    wave.refresh_from_db()
    case = parse_case(wave.source_yaml)
    assert [r.id for r in case.respondents] == ["r1"] and len(case.ratings) == 1


def test_a_respondent_s_item_ratings_are_summed_up_in_the_reader_s_language(as_role, firm):
    """A dimension rated by several items in the case file cannot be edited as one number:
    the form says how many items and their mean, with the language's decimal mark."""
    import yaml

    from kamkit.web.users.models import User

    c = as_role("analyst")
    start = c.post(
        f"/diagnosis/projects/{firm.project.pk}/waves/start/",
        {"title": "W", "kam_id": "k", "kam_name": "K", "partner_id": "p", "partner_name": "P"},
    )
    wave = DiagnosisCase.objects.get(pk=start["Location"].split("/")[2])
    c.post(f"/diagnosis/{wave.pk}/respondents/new/", {"id": "r1", "unit": "k"})
    wave.refresh_from_db()
    data = yaml.safe_load(wave.source_yaml)
    data["ratings"] = [
        {"respondent": "r1", "item": item, "dimension": "goal_orientation", "value": value}
        for item, value in (("g1", 4), ("g2", 5))
    ]
    DiagnosisCase.objects.filter(pk=wave.pk).update(source_yaml=yaml.safe_dump(data))
    page = soup(c.get(f"/diagnosis/{wave.pk}/respondents/r1/")).get_text(" ")
    assert "2 items in the file, mean 4.50: edit them in the case file" in page
    User.objects.filter(pk=firm.users["analyst"].pk).update(language="de")
    page = soup(c.get(f"/diagnosis/{wave.pk}/respondents/r1/")).get_text(" ")
    assert "2 Items in der Datei, Mittelwert 4,50: in der Falldatei bearbeiten" in page


def test_what_a_project_s_steps_report_is_said_in_the_reader_s_language(as_role, firm):
    """The confirmations after creating a project and starting a wave, and a refused
    duplicate unit, in German for a German reader (they were English sentences)."""
    from kamkit.web.users.models import User

    User.objects.filter(pk=firm.users["analyst"].pk).update(language="de")
    c = as_role("analyst")
    answer = c.post("/diagnosis/projects/new/", {"name": "Nordlicht", "firm": "Nordlicht GmbH"})
    page = soup(c.get(answer["Location"])).get_text(" ")
    assert "Projekt „Nordlicht“ angelegt." in page and "Created" not in page
    project = DiagnosisProject.objects.get(name="Nordlicht")
    start = c.post(
        f"/diagnosis/projects/{project.pk}/waves/start/",
        {"title": "W1", "kam_id": "k", "kam_name": "K", "partner_id": "p", "partner_name": "P"},
    )
    page = soup(c.get(start["Location"])).get_text(" ")
    assert "„W1“ begonnen: jetzt Einheiten und Paare ergänzen." in page
    wave = DiagnosisCase.objects.get(pk=start["Location"].split("/")[2])
    twice = c.post(
        f"/diagnosis/{wave.pk}/units/new/", {"id": "k", "kind": "kam", "name": "K again"}
    )
    assert twice.status_code == 422
    assert "die Welle hat schon eine Einheit 'k'" in soup(twice).get_text(" ")
