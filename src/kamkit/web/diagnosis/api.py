"""/api/v1/diagnosis/...: projects, their waves (each a case file, with its units and
links), the result of a wave (SPEC §3.2 JSON), the changes since the wave before, and
the actions on gaps (issue 18). Who may: those who work with the diagnosis read and
write; KA managers read the projects of their own KAM units (writes: 403); nobody else
learns a project exists (404, empty lists)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from kamkit.core.diagnosis import CaseFileError, compare_waves
from kamkit.core.diagnosis.render import comparison_to_dict, to_dict
from kamkit.core.diagnosis.subset import restrict
from kamkit.web.accounts.api import MAX_LIMIT, _page, limit_param, offset_param
from kamkit.web.accounts.models import KAMUnit

from .models import DiagnosisCase, DiagnosisProject, GapAction
from .project_views import diagnosed
from .services import (
    MEASURES,
    delete_action,
    delete_case,
    delete_project,
    may_store,
    save_action,
    save_project,
    store_case,
)

router = Router(tags=["diagnosis"])


class ProjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    firm: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    kam_unit: int | None = Field(None, description="kamkit's KAM unit (its KA managers read).")


class ProjectPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    firm: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=4000)
    kam_unit: int | None = None


class ProjectOut(Schema):
    id: int
    name: str
    firm: str
    description: str
    kam_unit: int | None
    waves: int
    created_at: dt.datetime


class WaveIn(Schema):
    case: str = Field(
        ...,
        min_length=1,
        description="The wave's case file (YAML, kamkit_case: 1), as `kamkit diagnose` "
        "reads it; within the request body limit (larger files: the page or the CLI).",
    )
    title: str = Field("", max_length=200)
    wave_on: dt.date | None = Field(
        None, description="When its data were collected; empty: the end of its period."
    )


class WaveOut(Schema):
    id: int
    project: int
    title: str
    wave_on: dt.date | None
    pairs: int | None
    gaps: int | None
    created_at: dt.datetime


class ActionIn(Schema):
    wave: int = Field(..., description="The wave in which the gap was found.")
    kam: str = Field(..., min_length=1, max_length=100)
    partner: str = Field(..., min_length=1, max_length=100)
    measure: str = Field(..., description="A measure of the repertoire, or `other`.")
    description: str = Field("", max_length=4000)
    owner: int | None = None
    due: dt.date | None = None
    status: str = "planned"

    @field_validator("measure")
    @classmethod
    def known_measure(cls, v: str) -> str:
        if v not in MEASURES:
            raise ValueError(f"one of: {', '.join(MEASURES)}")
        return v


class ActionPatch(Schema):
    measure: str | None = None
    description: str | None = Field(None, max_length=4000)
    owner: int | None = None
    due: dt.date | None = None
    status: str | None = None


class ActionOut(Schema):
    id: int
    project: int
    wave: int
    kam: str
    partner: str
    measure: str
    description: str
    owner: int | None
    due: dt.date | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _project_out(p: DiagnosisProject) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "firm": p.firm,
        "description": p.description,
        "kam_unit": p.kam_unit_id,
        "waves": p.wave_count if hasattr(p, "wave_count") else p.waves.count(),
        "created_at": p.created_at,
    }


def _wave_out(w: DiagnosisCase) -> dict[str, Any]:
    return {
        "id": w.pk,
        "project": w.project_id,
        "title": w.title,
        "wave_on": w.wave_on,
        "pairs": w.pairs,
        "gaps": w.gaps,
        "created_at": w.created_at,
    }


def _action_out(a: GapAction) -> dict[str, Any]:
    return {
        "id": a.pk,
        "project": a.project_id,
        "wave": a.wave_id,
        "kam": a.kam,
        "partner": a.partner,
        "measure": a.measure,
        "description": a.description,
        "owner": a.owner_id,
        "due": a.due,
        "status": a.status,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


def _project(request: HttpRequest, project_id: int) -> DiagnosisProject:
    return get_object_or_404(DiagnosisProject.objects.visible_to(request.auth), pk=project_id)


def _writable(request: HttpRequest, project_id: int) -> DiagnosisProject:
    project = _project(request, project_id)
    if not may_store(request.auth):
        raise HttpError(403, "analysts, KAM directors and administrators change projects")
    return project


def _wave(project: DiagnosisProject, wave_id: int) -> DiagnosisCase:
    return get_object_or_404(project.waves.all(), pk=wave_id)


def _kam_unit(value: int | None) -> KAMUnit | None:
    if value is None:
        return None
    found = KAMUnit.objects.alive().filter(pk=value).first()
    if found is None:
        raise ValidationError({"kam_unit": f"no KAM unit with id {value}"})
    return found


def _owner(value: int | None):
    from kamkit.web.users.models import User

    if value is None:
        return None
    found = User.objects.filter(pk=value).first()
    if found is None:
        raise ValidationError({"owner": f"no user with id {value}"})
    return found


@router.get("/projects", summary="The diagnosis projects this user may read")
def list_projects(request: HttpRequest, limit: int = limit_param(), offset: int = offset_param()):
    limit, offset = _page(limit, offset)
    qs = (
        DiagnosisProject.objects.visible_to(request.auth)
        .annotate(wave_count=Count("waves"))
        .order_by("name", "pk")
    )
    items = [ProjectOut(**_project_out(p)).model_dump() for p in qs[offset : offset + limit]]
    return {"items": items, "count": qs.count(), "limit": limit, "offset": offset}


@router.post("/projects", response={201: ProjectOut}, summary="Start a diagnosis project")
def create_project(request: HttpRequest, payload: ProjectIn):
    if not may_store(request.auth):
        raise HttpError(403, "analysts, KAM directors and administrators keep projects")
    values = payload.dict() | {"kam_unit": _kam_unit(payload.kam_unit)}
    return Status(201, _project_out(save_project(request.auth, values)))


@router.get("/projects/{id:project_id}", response=ProjectOut, summary="One project")
def get_project(request: HttpRequest, project_id: int):
    return _project_out(_project(request, project_id))


@router.patch("/projects/{id:project_id}", response=ProjectOut, summary="Change a project")
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch):
    project = _writable(request, project_id)
    given = payload.dict(exclude_unset=True)
    values = {
        "name": project.name,
        "firm": project.firm,
        "description": project.description,
        "kam_unit": project.kam_unit,
    } | {k: v for k, v in given.items() if k != "kam_unit"}
    if "kam_unit" in given:
        values["kam_unit"] = _kam_unit(given["kam_unit"])
    for name in ("name", "firm", "description"):
        if values[name] is None:
            raise ValidationError({name: "may not be null"})
    return _project_out(save_project(request.auth, values, project))


@router.delete(
    "/projects/{id:project_id}",
    response={204: None},
    summary="Delete a project with its waves and actions, for good",
)
def remove_project(request: HttpRequest, project_id: int):
    delete_project(request.auth, _writable(request, project_id))
    return Status(204, None)


@router.get("/projects/{id:project_id}/waves", summary="A project's waves, oldest first")
def list_waves(
    request: HttpRequest,
    project_id: int,
    limit: int = limit_param(),
    offset: int = offset_param(),
):
    limit, offset = _page(limit, offset)
    qs = _project(request, project_id).waves.order_by("wave_on", "pk").defer("source_yaml")
    items = [WaveOut(**_wave_out(w)).model_dump() for w in qs[offset : offset + limit]]
    return {"items": items, "count": qs.count(), "limit": limit, "offset": offset}


@router.post(
    "/projects/{id:project_id}/waves",
    response={201: WaveOut},
    summary="Add a wave from its case file (checked as `kamkit diagnose` checks it)",
)
def create_wave(request: HttpRequest, project_id: int, payload: WaveIn):
    project = _writable(request, project_id)
    wave = store_case(
        request.auth,
        payload.case,
        payload.title,
        "case",
        project=project,
        wave_on=payload.wave_on,
    )
    return Status(201, _wave_out(wave))


@router.get("/projects/{id:project_id}/waves/{id:wave_id}", response=WaveOut, summary="One wave")
def get_wave(request: HttpRequest, project_id: int, wave_id: int):
    return _wave_out(_wave(_project(request, project_id), wave_id))


@router.delete(
    "/projects/{id:project_id}/waves/{id:wave_id}",
    response={204: None},
    summary="Delete a wave (its actions with it), for good",
)
def remove_wave(request: HttpRequest, project_id: int, wave_id: int):
    wave = _wave(_writable(request, project_id), wave_id)
    delete_case(request.auth, wave)
    return Status(204, None)


def _diagnosis(wave: DiagnosisCase):
    try:
        return diagnosed(wave)
    except CaseFileError as exc:  # stored through the admin, say: say so, never a 500
        raise HttpError(409, f"the wave's case file cannot be diagnosed: {exc}") from None


@router.get(
    "/projects/{id:project_id}/waves/{id:wave_id}/case",
    summary="The wave's case file, as stored",
)
def get_wave_case(request: HttpRequest, project_id: int, wave_id: int):
    wave = _wave(_project(request, project_id), wave_id)
    return {"case": wave.source_yaml}


@router.get(
    "/projects/{id:project_id}/waves/{id:wave_id}/units",
    summary="The wave's units (KAM units, their teams, partners), as its case file names them",
)
def list_units(request: HttpRequest, project_id: int, wave_id: int):
    case = _diagnosis(_wave(_project(request, project_id), wave_id)).case
    items = [
        {
            "id": u.id,
            "name": u.name,
            "kind": u.kind,
            "parent": u.parent,
            "members": u.members,
            "practices": u.practices,
        }
        for u in case.units
    ]
    return {"items": items, "count": len(items)}


@router.get(
    "/projects/{id:project_id}/waves/{id:wave_id}/links",
    summary="The wave's links from KAM units to partners: flows and requisite integration",
)
def list_links(
    request: HttpRequest,
    project_id: int,
    wave_id: int,
    limit: int = limit_param(),
    offset: int = offset_param(),
):
    limit, offset = _page(limit, offset)
    case = _diagnosis(_wave(_project(request, project_id), wave_id)).case
    items = [
        {
            "kam": link.kam,
            "partner": link.partner,
            "flows": link.flows,
            "requisite_integration": link.requisite_integration,
        }
        for link in case.links[offset : offset + limit]
    ]
    return {"items": items, "count": len(case.links), "limit": limit, "offset": offset}


@router.get(
    "/projects/{id:project_id}/waves/{id:wave_id}/result",
    summary="The wave's diagnosis (SPEC §3.2 JSON); `kam` keeps one KAM unit's pairs, "
    "`limit`/`offset` page them (then `dyads_count` says how many there are)",
)
def wave_result(
    request: HttpRequest,
    project_id: int,
    wave_id: int,
    kam: str | None = None,
    limit: int | None = Query(
        None, ge=1, le=MAX_LIMIT, description="Pairs in this answer (default: every one)."
    ),
    offset: int = offset_param(),
):
    whole = _diagnosis(_wave(_project(request, project_id), wave_id))
    chosen = [d for d in whole.dyads if kam is None or d.kam == kam]
    if kam is None and limit is None and not offset:
        return to_dict(whole)
    part = chosen[offset : None if limit is None else offset + limit]
    # the rest of the result (units, networks, recommendations…) of these pairs' units
    result = to_dict(restrict(whole, {d.kam for d in part}))
    wanted = {(d.kam, d.partner) for d in part}
    result["dyads"] = [d for d in result["dyads"] if (d["kam"], d["partner"]) in wanted]
    if limit is not None or offset:
        result["dyads_count"] = len(chosen)
    return result


@router.get(
    "/projects/{id:project_id}/waves/{id:wave_id}/changes",
    summary="What changed since the project's wave before this one (gaps opened, closed…)",
)
def wave_changes(request: HttpRequest, project_id: int, wave_id: int):
    project = _project(request, project_id)
    wave = _wave(project, wave_id)
    waves = list(project.waves.order_by("wave_on", "pk").defer("source_yaml"))
    n = [w.pk for w in waves].index(wave.pk)
    if n == 0:
        raise HttpError(409, "this is the project's first wave: there is nothing before it")
    before = project.waves.get(pk=waves[n - 1].pk)
    return comparison_to_dict(compare_waves(_diagnosis(before), _diagnosis(wave)))


@router.get("/projects/{id:project_id}/actions", summary="The actions on a project's gaps")
def list_actions(
    request: HttpRequest,
    project_id: int,
    limit: int = limit_param(),
    offset: int = offset_param(),
):
    limit, offset = _page(limit, offset)
    qs = _project(request, project_id).actions.order_by("due", "pk")
    items = [ActionOut(**_action_out(a)).model_dump() for a in qs[offset : offset + limit]]
    return {"items": items, "count": qs.count(), "limit": limit, "offset": offset}


@router.post(
    "/projects/{id:project_id}/actions",
    response={201: ActionOut},
    summary="Plan an action on a gap of one of the project's waves",
)
def create_action(request: HttpRequest, project_id: int, payload: ActionIn):
    project = _writable(request, project_id)
    wave = project.waves.filter(pk=payload.wave).first()
    if wave is None:
        raise ValidationError({"wave": f"no wave {payload.wave} in this project"})
    values = payload.dict() | {"wave": wave, "owner": _owner(payload.owner)}
    return Status(201, _action_out(save_action(request.auth, values)))


def _action(project: DiagnosisProject, action_id: int) -> GapAction:
    return get_object_or_404(project.actions.all(), pk=action_id)


@router.patch(
    "/projects/{id:project_id}/actions/{id:action_id}",
    response=ActionOut,
    summary="Change an action (its status, owner, due date…)",
)
def update_action(request: HttpRequest, project_id: int, action_id: int, payload: ActionPatch):
    action = _action(_writable(request, project_id), action_id)
    values = payload.dict(exclude_unset=True)
    if "owner" in values:
        values["owner"] = _owner(values["owner"])
    for name in ("measure", "status", "description"):
        if name in values and values[name] is None:
            raise ValidationError({name: "may not be null"})
    return _action_out(save_action(request.auth, values, action))


@router.delete(
    "/projects/{id:project_id}/actions/{id:action_id}",
    response={204: None},
    summary="Delete an action",
)
def remove_action(request: HttpRequest, project_id: int, action_id: int):
    delete_action(request.auth, _action(_writable(request, project_id), action_id))
    return Status(204, None)
