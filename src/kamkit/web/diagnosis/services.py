"""The one write path of stored diagnosis cases (the page, later the API and imports)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kamkit.core.diagnosis import Case, CaseFileError, diagnose, parse_case
from kamkit.core.diagnosis.compare import summarize
from kamkit.core.diagnosis.countermeasures import BY_KEY
from kamkit.core.diagnosis.writer import dump_case
from kamkit.core.relationships import check_day, check_due_day
from kamkit.core.texts import control_problem
from kamkit.web.users.models import Role, User

from .models import (
    ActionStatus,
    DiagnosisCase,
    DiagnosisProject,
    GapAction,
    PartnerUnit,
    sees_diagnosis,
)

MEASURES = (*BY_KEY, "other")
"""What an action on a gap introduces: a measure of the repertoire
(``kamkit.core.diagnosis.countermeasures``) or something else, described."""

DESCRIPTION_LIMIT = 4000
"""The longest description of a project or an action (kamkit assumption, like the other
free texts: a page, not a document)."""

MAX_CASE_BYTES = 10 * 1024 * 1024
"""The largest case file kamkit stores (kamkit assumption: bench/diagnosis.py's case of
10,000 KAM unit–partner pairs and 30,000 ratings is 5.1 MB)."""

MAX_ISSUES_SHOWN = 50
"""The first problems of a refused case file shown on the page (the command line,
``kamkit diagnose``, lists every one)."""


def may_store(user: User) -> bool:
    """Those who see the diagnosis store cases: analysts, KAM directors, administrators."""
    return sees_diagnosis(user)


def _text_errors(values: dict[str, tuple[str, int]]) -> dict[str, str]:
    errors = {}
    for name, (value, limit) in values.items():
        if len(value) > limit:
            errors[name] = f"at most {limit:,} characters (it has {len(value):,})"
        elif problem := control_problem(value):
            errors[name] = problem
    return errors


def save_project(
    user: User | None, values: dict[str, Any], project: DiagnosisProject | None = None
) -> DiagnosisProject:
    """Create a diagnosis project (``project`` None) or change one: ``name`` (required),
    ``firm``, ``description``, ``kam_unit`` (a KAMUnit or None). Raises
    ``PermissionDenied`` or ``ValidationError`` naming the field; nothing is written then."""
    if user is not None and not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators keep projects")
    name = (values.get("name") or "").strip()
    firm = (values.get("firm") or "").strip()
    description = (values.get("description") or "").strip()
    errors = _text_errors(
        {"name": (name, 200), "firm": (firm, 200), "description": (description, DESCRIPTION_LIMIT)}
    )
    if not name and "name" not in errors:
        errors["name"] = "a project needs a name"
    if errors:
        raise ValidationError(errors)
    project = project or DiagnosisProject(created_by=user)
    project.name, project.firm, project.description = name, firm, description
    project.kam_unit = values.get("kam_unit")
    project.save()
    return project


def delete_project(user: User, project: DiagnosisProject) -> None:
    """Delete a project with its waves and actions, for good."""
    if not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators delete projects")
    project.delete()


WAVE_DAY = re.compile(r"^(\d{4})-(\d{2})")


def wave_day(period_end: str | None) -> dt.date | None:
    """The first day of a case's last month (``period: {end: 2014-09}``), if it has one."""
    found = WAVE_DAY.match(period_end or "")
    if not found:
        return None
    try:
        return dt.date(int(found.group(1)), int(found.group(2)), 1)
    except ValueError:
        return None


def _located(exc: CaseFileError, with_lines: bool = True) -> str:
    """A refused file's problems in words, the first ``MAX_ISSUES_SHOWN``."""
    shown = exc.issues[:MAX_ISSUES_SHOWN]
    lines = [(f"line {i.line}: " if with_lines else "") + f"{i.field}: {i.problem}" for i in shown]
    if len(exc.issues) > len(shown):
        lines.append(f"… and {len(exc.issues) - len(shown)} more (kamkit diagnose lists them all)")
    return "\n".join(lines)


def _figures(result) -> dict[str, Any]:
    """What a stored case keeps of its diagnosis (the list's counts, the pairs' summary)."""
    return {
        "pairs": len(result.dyads),
        "gaps": len(result.gaps()),
        "summary": [p.as_row() for p in summarize(result)],
    }


def store_case(
    user: User | None,
    text: str,
    title: str = "",
    name: str = "case file",
    *,
    project: DiagnosisProject | None = None,
    wave_on: dt.date | None = None,
) -> DiagnosisCase:
    """Store a case file once the core accepts it, so every stored case can be diagnosed.
    ``title``: the list's name for it (the case's own title when empty); ``name``: how
    messages name the file; ``project``: the project it is a wave of, dated ``wave_on``
    (empty: the end of the case's period, else today). Raises ``PermissionDenied``, or
    ``ValidationError`` naming ``file`` (every located problem, the first
    ``MAX_ISSUES_SHOWN``), ``title`` or ``wave_on``; nothing is written then. ``user``
    None: kamkit itself (the demo)."""
    if user is not None and not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators store cases")
    title = (title or "").strip()
    errors: dict[str, str] = check_day("wave_on", wave_on, timezone.localdate())
    if len(text.encode("utf-8")) > MAX_CASE_BYTES:
        raise ValidationError({"file": f"larger than {MAX_CASE_BYTES // 2**20} MB"})
    if "\x00" in text:
        raise ValidationError({"file": "not a text file (it holds NUL characters)"})
    if len(title) > 200:
        errors["title"] = f"at most 200 characters (it has {len(title)})"
    elif title and (problem := control_problem(title)):
        errors["title"] = problem
    try:
        case = parse_case(text, source=name)
        result = diagnose(case)
    except CaseFileError as exc:
        errors["file"] = _located(exc)
    if errors:
        raise ValidationError(errors)
    if project is not None and wave_on is None:
        wave_on = wave_day(case.period[1]) or timezone.localdate()
    return DiagnosisCase.objects.create(
        title=title or (case.wave and project and f"Wave {case.wave}") or case.title[:200],
        source_yaml=text,
        created_by=user,
        **_figures(result),
        project=project,
        wave_on=wave_on,
    )


def delete_case(user: User, case: DiagnosisCase) -> None:
    """Delete a stored case for good (its case file can be downloaded first); those who
    store cases may delete them."""
    if not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators delete cases")
    case.delete()


def may_own_actions(user: User) -> bool:
    """Who can own an action on a gap: the firm's active users, never a customer."""
    return user.is_active and user.role != Role.CUSTOMER


def save_action(
    user: User | None, values: dict[str, Any], action: GapAction | None = None
) -> GapAction:
    """Create an action on a gap (``action`` None; ``values`` then name its ``wave`` and
    the pair's ``kam`` and ``partner``) or change one: ``measure`` (a key of the
    repertoire or ``other``), ``description`` (needed for ``other``), ``owner``, ``due``,
    ``status``. The pair must be one of the wave's pairs. Raises ``PermissionDenied`` or
    ``ValidationError`` naming the field; nothing is written then."""
    if user is not None and not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators plan actions")
    errors: dict[str, str] = {}
    if action is None:
        wave: DiagnosisCase = values["wave"]
        if wave.project_id is None:
            raise ValidationError({"wave": "actions are planned on the waves of a project"})
        action = GapAction(
            project_id=wave.project_id,
            wave=wave,
            kam=values.get("kam", ""),
            partner=values.get("partner", ""),
            created_by=user,
        )
        try:
            pairs = {(d.kam, d.partner) for d in diagnose(parse_case(wave.source_yaml)).dyads}
        except CaseFileError:
            pairs = set()
        if (action.kam, action.partner) not in pairs:
            errors["partner"] = f"{action.kam!r}–{action.partner!r} is not a pair of {wave.title!r}"
    measure = values.get("measure", action.measure)
    if measure not in MEASURES:
        errors["measure"] = f"{measure!r} is not one of: {', '.join(MEASURES)}"
    description = (values.get("description", action.description) or "").strip()
    errors |= _text_errors({"description": (description, DESCRIPTION_LIMIT)})
    if measure == "other" and not description and "description" not in errors:
        errors["description"] = "say what the action is (the measure is “other”)"
    status = values.get("status", action.status)
    if status not in ActionStatus.values:
        errors["status"] = f"{status!r} is not one of: {', '.join(ActionStatus.values)}"
    owner = values.get("owner", action.owner)
    if owner is not None and not may_own_actions(owner):
        errors["owner"] = f"{owner} cannot own an action (a customer or inactive user)"
    due = values.get("due", action.due)
    errors |= check_due_day("due", due, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    action.measure, action.description, action.status = measure, description, status
    action.owner, action.due = owner, due
    action.updated_at = timezone.now()
    with transaction.atomic():
        action.save()
    return action


def delete_action(user: User, action: GapAction) -> None:
    if not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators plan actions")
    action.delete()


def edit_wave(user: User, wave: DiagnosisCase, case: Case, what: str = "") -> DiagnosisCase:
    """Write an edited case (from the wave's forms) back as the wave's case file, once
    the core accepts it as a file: the very checks of an upload, so every wave stays a
    file ``kamkit diagnose`` reads with the same result. ``what`` says what changed (the
    file's first comment line). Raises ``PermissionDenied``, or ``ValidationError`` with
    the core's problems (each on its field, e.g. ``links[kam1->legal].differs``);
    nothing is written then."""
    if not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators edit waves")
    header = f"Edited in kamkit by {user} on {timezone.localdate().isoformat()}"
    return write_wave(wave, case, header + (f": {what}" if what else ""))


def write_wave(wave: DiagnosisCase, case: Case, header: str) -> DiagnosisCase:
    """The one write of a wave's case file, for :func:`edit_wave` and for questionnaire
    answers (``kamkit.web.research.services.submit``), which decide who may write:
    dumped with ``header`` as its first comment line, checked as an upload, stored with
    the wave's figures. ``ValidationError`` with the core's problems; nothing is written
    then."""
    text = dump_case(case, header)
    if len(text.encode("utf-8")) > MAX_CASE_BYTES:
        raise ValidationError({"file": f"larger than {MAX_CASE_BYTES // 2**20} MB"})
    try:
        checked = parse_case(text, source=wave.title)
        result = diagnose(checked)
    except CaseFileError as exc:
        raise ValidationError({"__all__": _located(exc, with_lines=False)}) from None
    with transaction.atomic():
        wave.source_yaml = text
        for name, value in _figures(result).items():
            setattr(wave, name, value)
        wave.save(update_fields=["source_yaml", "pairs", "gaps", "summary"])
    return wave


def map_partner(user: User, project: DiagnosisProject, partner: str, unit) -> None:
    """Say which internal unit a project's partner is (``unit`` None: back to matching
    by name). Those who keep projects only."""
    if not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators keep projects")
    if not partner or len(partner) > 100:
        raise ValidationError({"partner": "a partner's id, at most 100 characters"})
    with transaction.atomic():
        PartnerUnit.objects.filter(project=project, partner=partner).delete()
        if unit is not None:
            PartnerUnit.objects.create(project=project, partner=partner, internal_unit=unit)
