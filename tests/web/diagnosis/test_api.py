"""The diagnosis API (issue 18): projects, waves from case files, the SPEC §3.2 result,
the changes between waves and the actions on gaps; the same file gives the same result
as the command line; bad input is refused with the field named and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamkit.core.diagnosis import compare_waves, diagnose, parse_case
from kamkit.core.diagnosis.render import comparison_to_dict, render
from kamkit.web.accounts.models import KAMUnit
from kamkit.web.diagnosis.models import DiagnosisCase, DiagnosisProject, GapAction

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
WAVE_1 = (EXAMPLES / "invented-nordlicht-2024.yaml").read_text(encoding="utf-8")
WAVE_2 = (EXAMPLES / "invented-nordlicht-2025.yaml").read_text(encoding="utf-8")
API = "/api/v1/diagnosis"


@pytest.fixture
def call(client, bearer):
    def do(role: str, method: str, url: str, body: dict | None = None):
        headers = bearer(role)
        fn = getattr(client, method)
        if body is None:
            return fn(API + url, **headers)
        return fn(API + url, data=json.dumps(body), content_type="application/json", **headers)

    return do


def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def test_a_project_with_two_waves_answers_what_the_command_line_says(call, firm):
    made = call("analyst", "post", "/projects", {"name": "Nordlicht", "firm": "N GmbH"})
    assert made.status_code == 201
    pid = made.json()["id"]
    waves = []
    for text in (WAVE_1, WAVE_2):
        answer = call("analyst", "post", f"/projects/{pid}/waves", {"case": text})
        assert answer.status_code == 201, answer.content
        waves.append(answer.json())
    assert [w["title"] for w in waves] == ["Wave 2024", "Wave 2025"]
    assert [w["wave_on"] for w in waves] == ["2024-03-01", "2025-03-01"]
    listed = call("analyst", "get", f"/projects/{pid}/waves").json()
    assert listed["count"] == 2 and [w["id"] for w in listed["items"]] == [w["id"] for w in waves]
    # the result is the command line's JSON for the same file (named by the wave's title)
    result = call("analyst", "get", f"/projects/{pid}/waves/{waves[0]['id']}/result").json()
    cli = render(diagnose(parse_case(WAVE_1, source="Wave 2024")), "json")
    assert result == json.loads(cli)
    assert {"case", "dyads"} <= result.keys()
    one_unit = call(
        "analyst", "get", f"/projects/{pid}/waves/{waves[0]['id']}/result?kam=kam_auto"
    ).json()
    assert one_unit["dyads"] and all(d["kam"] == "kam_auto" for d in one_unit["dyads"])
    changes = call("analyst", "get", f"/projects/{pid}/waves/{waves[1]['id']}/changes").json()
    expected = comparison_to_dict(
        compare_waves(
            diagnose(parse_case(WAVE_1, source="Wave 2024")),
            diagnose(parse_case(WAVE_2, source="Wave 2025")),
        )
    )
    assert changes == json.loads(json.dumps(expected, default=str))
    first = call("analyst", "get", f"/projects/{pid}/waves/{waves[0]['id']}/changes")
    assert first.status_code == 409 and "first wave" in first.json()["detail"]
    case = parse_case(WAVE_1)
    units = call("analyst", "get", f"/projects/{pid}/waves/{waves[0]['id']}/units").json()
    assert [u["id"] for u in units["items"]] == [u.id for u in case.units]
    links = call("analyst", "get", f"/projects/{pid}/waves/{waves[0]['id']}/links?limit=2").json()
    assert links["count"] == len(case.links) and len(links["items"]) == 2
    stored = call("analyst", "get", f"/projects/{pid}/waves/{waves[0]['id']}/case").json()
    assert stored["case"] == WAVE_1


def test_a_broken_case_file_is_refused_with_its_problems_located(call, firm):
    count = DiagnosisCase.objects.count()
    broken = WAVE_1.replace("kind: partner", "kind: partnr", 1)
    answer = call("director", "post", f"/projects/{firm.project.pk}/waves", {"case": broken})
    assert answer.status_code == 422
    assert "line" in _fields(answer)["file"] and "kind" in _fields(answer)["file"]
    assert DiagnosisCase.objects.count() == count
    early = call(
        "director",
        "post",
        f"/projects/{firm.project.pk}/waves",
        {"case": WAVE_1, "wave_on": "0001-01-01"},
    )
    assert early.status_code == 422 and "wave_on" in _fields(early)
    assert DiagnosisCase.objects.count() == count


def test_actions_are_planned_changed_and_refused_by_field(call, firm):
    url = f"/projects/{firm.project.pk}/actions"
    body = {"wave": firm.wave.pk, "kam": "kam1", "partner": "sales", "measure": "task_force"}
    made = call("director", "post", url, body | {"owner": firm.users["analyst"].pk})
    assert made.status_code == 201
    action = made.json()
    assert action["owner"] == firm.users["analyst"].pk and action["status"] == "planned"
    changed = call("director", "patch", f"{url}/{action['id']}", {"status": "done"})
    assert changed.status_code == 200 and changed.json()["status"] == "done"
    assert GapAction.objects.get(pk=action["id"]).status == "done"
    count = GapAction.objects.count()
    for wrong, field in [
        ({"measure": "standardisation"}, "measure"),
        ({"partner": "nobody"}, "partner"),
        ({"owner": 10**9}, "owner"),
        ({"owner": firm.users["customer"].pk}, "owner"),
        ({"wave": firm.case.pk}, "wave"),  # a single case, not this project's wave
        ({"due": "9999-12-31"}, "due"),
        ({"status": "forgotten"}, "status"),
    ]:
        answer = call("director", "post", url, body | wrong)
        assert answer.status_code == 422, (wrong, answer.content)
        assert field in _fields(answer), (wrong, answer.json())
    assert GapAction.objects.count() == count
    nulled = call("director", "patch", f"{url}/{action['id']}", {"measure": None})
    assert nulled.status_code == 422 and "measure" in _fields(nulled)


def test_projects_are_scoped_to_the_manager_s_unit(call, firm):
    other = DiagnosisProject.objects.create(
        name="Energy", kam_unit=KAMUnit.objects.create(name="Energy KAM")
    )
    names = [p["name"] for p in call("manager", "get", "/projects").json()["items"]]
    assert names == [firm.project.name]
    assert call("manager", "get", f"/projects/{other.pk}").status_code == 404
    assert call("manager", "get", f"/projects/{other.pk}/waves").status_code == 404
    assert call("customer", "get", "/projects").json()["count"] == 0
    wave = f"/projects/{firm.project.pk}/waves/{firm.wave.pk}"
    assert call("customer", "get", wave + "/result").status_code == 404
    # a wave is found only under its own project
    assert call("director", "get", f"/projects/{other.pk}/waves/{firm.wave.pk}").status_code == 404


def test_a_project_update_names_the_field(call, firm):
    url = f"/projects/{firm.project.pk}"
    answer = call("director", "patch", url, {"name": "   "})
    assert answer.status_code == 422 and "name" in _fields(answer)
    answer = call("director", "patch", url, {"kam_unit": 10**9})
    assert answer.status_code == 422 and "kam_unit" in _fields(answer)
    answer = call("director", "patch", url, {"firm": None})
    assert answer.status_code == 422 and "firm" in _fields(answer)
    kept = DiagnosisProject.objects.get(pk=firm.project.pk)
    assert kept.name == firm.project.name and kept.kam_unit_id == firm.project.kam_unit_id
    moved = call("director", "patch", url, {"kam_unit": None, "firm": "Firm"})
    assert moved.status_code == 200 and moved.json()["kam_unit"] is None


def test_the_result_pages_its_pairs(call, firm):
    from kamkit.core.diagnosis.render import to_dict

    url = f"/projects/{firm.project.pk}/waves/{firm.wave.pk}/result"
    whole = to_dict(diagnose(parse_case(firm.wave.source_yaml, source=firm.wave.title)))
    pairs = [(d["kam"], d["partner"]) for d in whole["dyads"]]
    seen = []
    for offset in range(0, len(pairs), 4):
        page = call("analyst", "get", f"{url}?limit=4&offset={offset}").json()
        assert page["dyads_count"] == len(pairs)
        seen += [(d["kam"], d["partner"]) for d in page["dyads"]]
        # each pair as the whole result has it
        for d in page["dyads"]:
            assert d == next(
                x for x in whole["dyads"] if (x["kam"], x["partner"]) == (d["kam"], d["partner"])
            )
    assert seen == pairs
    assert call("analyst", "get", f"{url}?limit=0").status_code == 422
    assert call("analyst", "get", f"{url}?limit=501").status_code == 422
