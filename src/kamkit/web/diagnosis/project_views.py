"""Diagnosis projects: a firm followed across waves, its gaps and what is done about them
(issue 18). Every page reads the waves' stored case files through the core."""

from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from kamkit.core.diagnosis import (
    Case,
    CaseFileError,
    Diagnosis,
    Dyad,
    Link,
    Rating,
    Respondent,
    Statement,
    Unit,
    collector_paused,
    compare_waves,
    diagnose,
    parse_case,
)
from kamkit.core.diagnosis.advice import recommend
from kamkit.core.diagnosis.compare import FOLLOW_UP, PairSummary, compare_pairs, summarize
from kamkit.core.diagnosis.countermeasures import BY_KEY, RULES_SOURCE, countermeasures
from kamkit.core.diagnosis.render import render_comparison
from kamkit.core.diagnosis.scales import DIMENSIONS, LEVELS, PRACTICES, REQUISITE_TEXT, rank
from kamkit.core.diagnosis.writer import dump_case
from kamkit.web.assessment.charts import levels_over_waves
from kamkit.web.base import errors_on_form
from kamkit.web.labels import DIMENSION_LABELS, say

from .evidence import evidence
from .forms import (
    ActionForm,
    NewPairForm,
    NextWaveForm,
    PairForm,
    ProjectForm,
    RespondentForm,
    StartWaveForm,
    StatementForm,
    UnitForm,
    WaveForm,
)
from .models import DiagnosisCase, DiagnosisProject, GapAction, reads_diagnosis
from .services import (
    delete_action,
    delete_project,
    edit_wave,
    map_partner,
    may_store,
    save_action,
    save_project,
    store_case,
)

MAX_CHANGES_LISTED = 200
"""Pairs listed under "What changed" on a project's page (kamkit assumption; the counts
above them are complete, the API's changes list every pair)."""

_CACHE: OrderedDict[str, Diagnosis | CaseFileError] = OrderedDict()
_CACHE_SIZE = 16
"""Diagnoses kept per process, by a digest of the case's title and file: the same file
gives the same diagnosis (kamkit assumption: the pages of one project read the same few
waves again and again; a changed file is a new key)."""


def diagnosed(case: DiagnosisCase) -> Diagnosis:
    """The wave's diagnosis (raises ``CaseFileError`` for a file the core refuses, e.g.
    one stored through the admin)."""
    digest = hashlib.sha256(case.source_yaml.encode("utf-8"))
    digest.update(b"\0" + case.title.encode("utf-8"))
    key = digest.hexdigest()
    found = _CACHE.get(key)
    if found is None:
        try:
            with collector_paused():
                found = diagnose(parse_case(case.source_yaml, source=case.title))
        except CaseFileError as exc:
            found = exc
        _CACHE[key] = found
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    if isinstance(found, CaseFileError):
        raise found
    return found


def pair_summaries(case: DiagnosisCase) -> tuple[PairSummary, ...]:
    """The wave's pairs as kept when it was stored, else from its diagnosis (raises
    ``CaseFileError`` for a file the core refuses)."""
    if case.summary is not None:
        return tuple(PairSummary.from_row(row) for row in case.summary)
    return summarize(diagnosed(case))


def _project(request: HttpRequest, pk: int) -> DiagnosisProject:
    return get_object_or_404(DiagnosisProject.objects.visible_to(request.user), pk=pk)


def _waves(project: DiagnosisProject) -> list[DiagnosisCase]:
    """The project's waves, oldest first (their files are read only when needed)."""
    return list(project.waves.order_by("wave_on", "pk").defer("source_yaml"))


@dataclass(frozen=True)
class WaveRow:
    wave: DiagnosisCase
    opened: int | None
    closed: int | None
    persisting: int | None
    error: str | None = None
    changes: tuple = ()
    """The pairs whose gap opened, closed or persisted since the wave before."""


def _wave_rows(waves: list[DiagnosisCase]) -> list[WaveRow]:
    rows: list[WaveRow] = []
    previous: tuple[PairSummary, ...] | None = None
    for wave in waves:
        try:
            pairs = pair_summaries(wave)
        except CaseFileError as exc:
            rows.append(WaveRow(wave, None, None, None, str(exc)))
            previous = None
            continue
        if previous is None:
            rows.append(WaveRow(wave, None, None, None))
        else:
            changes = compare_pairs(previous, pairs)
            count = Counter(c.status for c in changes)
            rows.append(
                WaveRow(
                    wave,
                    count["opened"],
                    count["closed"],
                    count["persists"],
                    changes=tuple(
                        c for c in changes if c.status in ("opened", "closed", "persists")
                    )[:MAX_CHANGES_LISTED],
                )
            )
        previous = pairs
    return rows


def follow_ups(waves: list[DiagnosisCase], actions: list[GapAction]) -> list[GapAction]:
    """The actions, each with ``follow_up``: what the wave after the one it was planned in
    says about its gap; and ``measure_title``."""
    order = {w.pk: n for n, w in enumerate(waves)}
    compared: dict[int, dict[tuple[str, str], str] | None] = {}
    names: dict[int, dict[tuple[str, str], str]] = {}
    for action in actions:
        if action.wave_id not in names:
            try:
                names[action.wave_id] = {
                    (p.kam, p.partner): f"{p.kam_name} – {p.partner_name}"
                    for p in pair_summaries(action.wave)
                }
            except CaseFileError:
                names[action.wave_id] = {}
        action.pair_name = names[action.wave_id].get(
            (action.kam, action.partner), f"{action.kam} – {action.partner}"
        )
        measure = BY_KEY.get(action.measure)
        action.measure_title = measure.title if measure else action.description[:80]
        n = order.get(action.wave_id)
        action.follow_up_wave = ""
        if n is None or n + 1 >= len(waves):
            action.follow_up = gettext_noop("checked at the next wave")
            continue
        later = waves[n + 1]
        if n not in compared:
            try:
                changes = compare_pairs(pair_summaries(waves[n]), pair_summaries(later))
                compared[n] = {(c.kam, c.partner): c.status for c in changes}
            except CaseFileError:
                compared[n] = None
        statuses = compared[n]
        action.follow_up_wave = later.title  # shown before what it says, as written
        if statuses is None:
            action.follow_up = gettext_noop("its case file cannot be read")
        else:
            status = statuses.get((action.kam, action.partner), "unknown")
            action.follow_up = FOLLOW_UP[status]
            action.closed = status == "closed"
    return actions


@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    if not may_store(request.user):
        raise Http404
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = save_project(request.user, form.cleaned_data)
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(
                request, gettext("Created the project “{name}”.").format(name=project.name)
            )
            return redirect("diagnosis:project", pk=project.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "diagnosis/project_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not may_store(request.user):
        raise Http404
    initial = {
        "name": project.name,
        "firm": project.firm,
        "description": project.description,
        "kam_unit": project.kam_unit_id,
    }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and "delete" in request.POST:
        delete_project(request.user, project)
        messages.success(
            request,
            gettext("Deleted the project “{name}” and its waves.").format(name=project.name),
        )
        return redirect("diagnosis:list")
    if request.method == "POST" and form.is_valid():
        try:
            save_project(request.user, form.cleaned_data, project)
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(request, gettext("Saved."))
            return redirect("diagnosis:project", pk=project.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "diagnosis/project_form.html", {"form": form, "project": project}, status=status
    )


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from kamkit.web.research.data import may_export

    project = _project(request, pk)
    waves = _waves(project)
    actions = list(project.actions.select_related("owner", "wave"))
    return render(
        request,
        "diagnosis/project.html",
        {
            "project": project,
            "rows": _wave_rows(waves),
            "actions": follow_ups(waves, actions),
            "may_edit": may_store(request.user),
            "may_analyse": may_export(request.user),
            "change_formats": CHANGE_DOWNLOADS,
        },
    )


@require_http_methods(["GET", "POST"])
def wave_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not may_store(request.user):
        raise Http404
    form = WaveForm(request.POST, request.FILES) if request.method == "POST" else WaveForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wave = store_case(
                request.user,
                data["source"],
                data["title"],
                data["name"],
                project=project,
                wave_on=data["wave_on"],
            )
        except ValidationError as exc:
            pasted = data["name"] == "pasted text"
            errors_on_form(form, exc, {"file": "text"} if pasted else None)
        else:
            messages.success(
                request,
                gettext("Stored “{title}” in {project}.").format(
                    title=wave.title, project=project.name
                ),
            )
            return redirect("diagnosis:project", pk=project.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "diagnosis/wave_new.html", {"form": form, "project": project}, status=status
    )


def _dyad(result: Diagnosis, kam: str, partner: str) -> Dyad:
    for d in result.dyads_of(kam):
        if d.partner == partner:
            return d
    raise Http404


@dataclass(frozen=True)
class HistoryPoint:
    wave: DiagnosisCase
    differentiation: str | None
    alignment: str | None
    gap_size: int | None


def _history(waves: list[DiagnosisCase], kam: str, partner: str) -> list[HistoryPoint]:
    points = []
    for wave in waves:
        try:
            pairs = pair_summaries(wave)
        except CaseFileError:
            continue
        found = next((p for p in pairs if p.kam == kam and p.partner == partner), None)
        points.append(
            HistoryPoint(
                wave,
                found.differentiation if found else None,
                found.alignment if found else None,
                found.gap_size if found else None,
            )
        )
    return points


def history_chart(points: list[HistoryPoint]) -> SafeString | None:
    """A pair's differentiation and alignment over the waves, on the common ordinal scale
    (none 0 … very high 6); None before there are two waves."""
    if len(points) < 2:
        return None

    def ranks(attr: str) -> list[int | None]:
        return [None if (v := getattr(p, attr)) is None else rank(v) for p in points]

    return levels_over_waves(
        [p.wave.title for p in points],
        [
            (say("differentiation"), "#c53030", ranks("differentiation")),
            (say("alignment"), "#2b6cb0", ranks("alignment")),
        ],
        [say(level) for level in LEVELS],
    )


def _pair_statements(case, dyad) -> list[tuple[str, str, list, list]]:
    """Per dimension with statements: (dimension, label, the KAM unit's, the partner's)."""
    from kamkit.core.diagnosis.render.common import unit_statements

    kam, partner = unit_statements(case, dyad.kam), unit_statements(case, dyad.partner)
    return [
        (d, DIMENSION_LABELS[d], kam.get(d, []), partner.get(d, []))
        for d in DIMENSION_LABELS
        if kam.get(d) or partner.get(d)
    ]


def pair_detail(request: HttpRequest, pk: int, kam: str, partner: str) -> HttpResponse:
    """One KAM unit–partner pair of a wave: why it has (or has not) a gap, what to do,
    what is being done, and how it moved across the project's waves."""
    if not reads_diagnosis(request.user):
        raise Http404
    case = get_object_or_404(DiagnosisCase.objects.visible_to(request.user), pk=pk)
    try:
        result = diagnosed(case)
    except CaseFileError as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    dyad = _dyad(result, kam, partner)
    headline, advice = recommend(dyad) if (dyad.gap or dyad.gap_possible) else ("", ())
    may_edit = may_store(request.user) and case.project_id is not None
    context = {
        "case": case,
        "project": case.project,
        "dyad": dyad,
        "requisite": REQUISITE_TEXT.get(dyad.requisite_integration or ""),
        "judgements": [(DIMENSION_LABELS[j.dimension], j) for j in dyad.differentiation.judgements],
        "statements": _pair_statements(result.case, dyad),
        "practices": PRACTICES,
        "headline": headline,
        "advice": advice,
        "suggestions": countermeasures(dyad),
        "rules_source": RULES_SOURCE,
        "may_edit": may_edit,
        "actions": [],
        "history": [],
        "chart": None,
    }
    status = 200
    if case.project_id is not None:
        waves = _waves(case.project)
        actions = list(
            case.project.actions.filter(kam=kam, partner=partner).select_related("owner", "wave")
        )
        history = _history(waves, kam, partner)
        from kamkit.web.accounts.models import InternalUnit

        mapped = case.project.partner_units.filter(partner=partner).first()
        context |= {
            "internal_units": list(InternalUnit.objects.all()) if may_edit else [],
            "mapped_unit": mapped.internal_unit_id if mapped else None,
            "evidence": evidence(
                case.project, dyad.partner_name, dyad.partner, case.wave_on, request.user
            ),
            "actions": follow_ups(waves, actions),
            "history": history,
            "chart": history_chart(history),
        }
        form = ActionForm(request.POST or None, initial={"status": "planned"})
        if request.method == "POST":
            if not may_edit:
                raise Http404
            if form.is_valid():
                values = form.cleaned_data | {"wave": case, "kam": kam, "partner": partner}
                try:
                    save_action(request.user, values)
                except ValidationError as exc:
                    errors_on_form(form, exc)
                else:
                    messages.success(request, gettext("Action added."))
                    return redirect(request.path + "#actions")
            status = 422
        context["form"] = form
    elif request.method == "POST":
        raise Http404
    return render(request, "diagnosis/pair.html", context, status=status)


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_store(request.user):
        raise Http404
    action = get_object_or_404(
        GapAction.objects.filter(
            project__in=DiagnosisProject.objects.visible_to(request.user)
        ).select_related("wave", "project"),
        pk=pk,
    )
    back = redirect("diagnosis:pair", pk=action.wave_id, kam=action.kam, partner=action.partner)
    if request.method == "POST" and "delete" in request.POST:
        delete_action(request.user, action)
        messages.success(request, gettext("Action deleted."))
        return back
    initial = {
        "measure": action.measure,
        "description": action.description,
        "owner": action.owner_id,
        "due": action.due,
        "status": action.status,
    }
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_action(request.user, form.cleaned_data, action)
        except ValidationError as exc:
            errors_on_form(form, exc)
        else:
            messages.success(request, gettext("Action saved."))
            return back
    status = 422 if request.method == "POST" else 200
    return render(
        request, "diagnosis/action_form.html", {"form": form, "action": action}, status=status
    )


CHANGE_DOWNLOADS = {
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
}


def wave_changes(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """What changed between a wave and the project's wave before it, as ``kamkit diagnose
    compare OLD NEW`` writes it (SPEC §3.2)."""
    case = get_object_or_404(DiagnosisCase.objects.visible_to(request.user), pk=pk)
    if fmt not in CHANGE_DOWNLOADS or case.project_id is None:
        raise Http404
    waves = _waves(case.project)
    n = [w.pk for w in waves].index(case.pk)
    if n == 0:
        raise Http404  # nothing before the first wave
    try:
        comparison = compare_waves(diagnosed(waves[n - 1]), diagnosed(case))
    except CaseFileError as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    content_type, ext = CHANGE_DOWNLOADS[fmt]
    response = HttpResponse(render_comparison(comparison, fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="changes-{case.pk}.{ext}"'
    return response


def _editable_wave(request: HttpRequest, pk: int) -> DiagnosisCase:
    """A wave of a project this user may edit (404 otherwise: single cases are edited as
    files, the others never learn the page exists)."""
    if not may_store(request.user):
        raise Http404
    return get_object_or_404(
        DiagnosisCase.objects.visible_to(request.user).exclude(project=None), pk=pk
    )


def _link_of(case, kam: str, partner: str):
    for link in case.links:
        if (link.kam, link.partner) == (kam, partner):
            return link
    raise Http404


def _judgements(dyad: Dyad | str) -> list:
    if isinstance(dyad, str):
        return []
    return [(DIMENSION_LABELS[j.dimension], j) for j in dyad.differentiation.judgements]


def _preview(case, link) -> Dyad | str:
    """The pair as the core would judge it with this link, or the core's objections to
    the link (as for a file). The other links do not change a pair's result, so only
    this one is checked and diagnosed (fast on a case of 10,000 pairs)."""
    parents = {u.id: u.parent for u in case.units}
    needed: set[str] = set()
    for uid in (link.kam, link.partner):
        cur: str | None = uid
        while cur is not None and cur not in needed:
            needed.add(cur)
            cur = parents.get(cur)
    alone = replace(
        case,
        units=tuple(u for u in case.units if u.id in needed),
        respondents=(),
        profiles={},
        ratings=(),
        statements=(),
        links=(link,),
    )
    try:
        parse_case(dump_case(alone), source="the form")
        with collector_paused():
            return diagnose(replace(case, links=(link,))).dyads[0]
    except CaseFileError as exc:
        return "; ".join(f"{i.field}: {i.problem}" for i in exc.issues)


@require_http_methods(["GET", "POST"])
def pair_edit(request: HttpRequest, pk: int, kam: str, partner: str) -> HttpResponse:
    """Edit one pair of a wave in a form: the core's rules apply as the values change
    (a preview, with the source of each judgement) and again when it is saved; the wave
    stays a case file."""
    wave = _editable_wave(request, pk)
    try:
        case = diagnosed(wave).case
    except CaseFileError as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    link = _link_of(case, kam, partner)
    names = case.unit_names()
    form = PairForm(request.POST or None, initial=PairForm.initial_from(link))
    status = 200
    preview = _preview(case, link)
    if request.method == "POST":
        if form.is_valid():
            edited = form.link(link)
            preview = _preview(case, edited)
            if "preview" in request.POST:
                return render(
                    request,
                    "diagnosis/partials/pair_preview.html",
                    {"dyad": preview, "judgements": _judgements(preview)},
                )
            links = tuple(edited if x is link else x for x in case.links)
            if _save_case(
                request,
                wave,
                replace(case, links=links),
                f"the pair {kam}–{partner}",
                gettext("Saved {kam} – {partner}.").format(kam=names[kam], partner=names[partner]),
                form,
            ):
                return redirect("diagnosis:pair", pk=wave.pk, kam=kam, partner=partner)
        status = 422
    return render(
        request,
        "diagnosis/pair_edit.html",
        {
            "case": wave,
            "project": wave.project,
            "kam": kam,
            "partner": partner,
            "kam_name": names[kam],
            "partner_name": names[partner],
            "form": form,
            "dyad": preview,
            "judgements": _judgements(preview),
        },
        status=status,
    )


def _wave_case(wave: DiagnosisCase):
    try:
        return diagnosed(wave).case
    except CaseFileError as exc:
        raise Http404(str(exc)) from None


def _save_case(
    request: HttpRequest, wave: DiagnosisCase, case, what: str, done: str, form=None
) -> bool:
    """Write the edited case (``edit_wave``): True when it was written (with ``done`` as
    the message); else the core's objections go on ``form``, or into a message."""
    try:
        edit_wave(request.user, wave, case, what)
    except ValidationError as exc:
        if form is not None:
            errors_on_form(form, exc)
        else:
            messages.error(request, " ".join(" ".join(m) for m in exc.message_dict.values()))
        return False
    messages.success(request, done)
    return True


@require_http_methods(["GET", "POST"])
def wave_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A wave's units and pairs, to edit one by one in forms: add a pair, remove one,
    add a unit; the wave stays a case file."""
    wave = _editable_wave(request, pk)
    case = _wave_case(wave)
    kams = [(u.id, u.name) for u in case.units if u.kind == "kam"]
    partners = [(u.id, u.name) for u in case.units if u.kind == "partner"]
    form = NewPairForm(request.POST or None, kams=kams, partners=partners)
    status = 200
    if request.method == "POST" and request.POST.get("remove_pair"):
        kam, _, partner = request.POST["remove_pair"].partition("|")
        link = _link_of(case, kam, partner)
        links = tuple(x for x in case.links if x is not link)
        _save_case(
            request,
            wave,
            replace(case, links=links),
            f"removed the pair {kam}–{partner}",
            gettext("Removed the pair {kam} – {partner}.").format(kam=kam, partner=partner),
        )
        return redirect("diagnosis:wave_edit", pk=wave.pk)
    if request.method == "POST":
        if form.is_valid():
            kam, partner = form.cleaned_data["kam"], form.cleaned_data["partner"]
            if any((x.kam, x.partner) == (kam, partner) for x in case.links):
                form.add_error("partner", gettext("this pair is already in the wave"))
            else:
                link = Link(kam=kam, partner=partner)
                if _save_case(
                    request,
                    wave,
                    replace(case, links=(*case.links, link)),
                    f"added the pair {kam}–{partner}",
                    gettext("Added the pair: record what is known about it."),
                ):
                    return redirect("diagnosis:pair_edit", pk=wave.pk, kam=kam, partner=partner)
        status = 422
    names = case.unit_names()
    rated = Counter(r.respondent for r in case.ratings)
    removing = None
    if request.method == "GET" and "remove" in request.GET:  # the question before removing
        kam, _, partner = request.GET["remove"].partition("|")
        link = _link_of(case, kam, partner)
        removing = (link, names[kam], names[partner])
    return render(
        request,
        "diagnosis/wave_edit.html",
        {
            "case": wave,
            "project": wave.project,
            "units": case.units,
            "names": names,
            "links": [(x, names[x.kam], names[x.partner]) for x in case.links[:MAX_PAIRS_LISTED]],
            "link_count": len(case.links),
            "form": form,
            "next_form": NextWaveForm(),
            "respondents": [
                (r, names[r.units[0]], rated.get(r.id, 0))
                for r in case.respondents[:MAX_PAIRS_LISTED]
            ],
            "respondent_count": len(case.respondents),
            "removing": removing,
            "statement_count": len(case.statements),
        },
        status=status,
    )


MAX_PAIRS_LISTED = 500
"""The pairs listed on a wave's editing page (kamkit assumption: a page, not a study of
10,000 pairs; each pair is also reached from the report)."""


@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int, uid: str | None = None) -> HttpResponse:
    """Add a unit to a wave (``uid`` None) or edit one, with its profile; removing one
    the case still needs is refused by the core, which names why."""
    wave = _editable_wave(request, pk)
    case = _wave_case(wave)
    unit = None
    if uid is not None:
        unit = next((u for u in case.units if u.id == uid), None)
        if unit is None:
            raise Http404
    kams = [(u.id, u.name) for u in case.units if u.kind == "kam" and u.id != uid]
    initial = UnitForm.initial_from(unit, case.profiles.get(uid, {})) if unit else None
    form = UnitForm(request.POST or None, adding=unit is None, kam_units=kams, initial=initial)
    if request.method == "POST" and "remove" in request.POST and unit is not None:
        units = tuple(u for u in case.units if u.id != uid)
        profiles = {k: v for k, v in case.profiles.items() if k != uid}
        if _save_case(
            request,
            wave,
            replace(case, units=units, profiles=profiles),
            f"removed the unit {uid}",
            gettext("Removed the unit {name}.").format(name=unit.name),
        ):
            return redirect("diagnosis:wave_edit", pk=wave.pk)
        return redirect("diagnosis:unit_edit", pk=wave.pk, uid=uid)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            edited, profile = form.unit_and_profile(unit)
            if unit is None and edited.id in case.unit_names():
                form.add_error(
                    "id", gettext("the wave already has a unit {id!r}").format(id=edited.id)
                )
            else:
                units = (
                    tuple(edited if u is unit else u for u in case.units)
                    if unit
                    else (*case.units, edited)
                )
                profiles = {k: v for k, v in case.profiles.items() if k != edited.id}
                if profile:
                    profiles[edited.id] = profile
                if _save_case(
                    request,
                    wave,
                    replace(case, units=units, profiles=profiles),
                    f"{'edited' if unit else 'added'} the unit {edited.id}",
                    gettext("Saved the unit {name}.").format(name=edited.name),
                    form,
                ):
                    return redirect("diagnosis:wave_edit", pk=wave.pk)
        status = 422
    return render(
        request,
        "diagnosis/unit_form.html",
        {"case": wave, "project": wave.project, "unit": unit, "form": form},
        status=status,
    )


@require_POST
def next_wave(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the project's next wave from this one: the same units and pairs with what
    was recorded, a new title, label and date, to update as the new data come in."""
    wave = _editable_wave(request, pk)
    case = _wave_case(wave)
    form = NextWaveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(
                f"{form[k].label if k in form.fields else k}: {' '.join(v)}"
                for k, v in form.errors.items()
            ),
        )
        return redirect("diagnosis:wave_edit", pk=wave.pk)
    d = form.cleaned_data
    copy = replace(case, wave=d["wave"].strip() or None, period=(None, None))
    try:
        new = store_case(
            request.user,
            dump_case(copy, f"Started in kamkit from {wave.title}"),
            d["title"],
            d["title"],
            project=wave.project,
            wave_on=d["wave_on"] or timezone.localdate(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(" ".join(m) for m in exc.message_dict.values()))
        return redirect("diagnosis:wave_edit", pk=wave.pk)
    messages.success(
        request,
        gettext("Started “{title}” from “{source}”.").format(title=new.title, source=wave.title),
    )
    return redirect("diagnosis:wave_edit", pk=new.pk)


@require_http_methods(["GET", "POST"])
def wave_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Begin a wave in forms, from a first KAM unit, partner and pair."""
    project = _project(request, pk)
    if not may_store(request.user):
        raise Http404
    form = StartWaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = Case(
            title=project.name,
            firm=project.firm or None,
            wave=d["wave"].strip() or None,
            units=(
                Unit(id=d["kam_id"], name=d["kam_name"].strip(), kind="kam"),
                Unit(id=d["partner_id"], name=d["partner_name"].strip(), kind="partner"),
            ),
            links=(Link(kam=d["kam_id"], partner=d["partner_id"]),),
        )
        try:
            wave = store_case(
                request.user,
                dump_case(case, "Started in kamkit"),
                d["title"],
                d["title"],
                project=project,
                wave_on=d["wave_on"] or timezone.localdate(),
            )
        except ValidationError as exc:
            errors_on_form(form, exc, {"file": "__all__"})
        else:
            messages.success(
                request,
                gettext("Started “{title}”: add its units and pairs.").format(title=wave.title),
            )
            return redirect("diagnosis:wave_edit", pk=wave.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "diagnosis/wave_start.html", {"project": project, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def respondent_edit(request: HttpRequest, pk: int, rid: str | None = None) -> HttpResponse:
    """Add a respondent with their ratings (one item per dimension), or edit one."""
    wave = _editable_wave(request, pk)
    case = _wave_case(wave)
    respondent = None
    if rid is not None:
        respondent = next((r for r in case.respondents if r.id == rid), None)
        if respondent is None:
            raise Http404
    own: dict[str, list] = {}
    for r in case.ratings:
        if respondent is not None and r.respondent == respondent.id:
            own.setdefault(r.dimension, []).append(r)
    initial = None
    if respondent is not None:
        initial = {
            "unit": respondent.units[0],
            "position": respondent.position or "",
            "tenure_years": respondent.tenure_years,
            **{f"rating_{d}": int(v[0].value) for d, v in own.items() if len(v) == 1},
        }
    units = [(u.id, u.name) for u in case.units]
    form = RespondentForm(
        request.POST or None, adding=respondent is None, units=units, ratings=own, initial=initial
    )
    if request.method == "POST" and "remove" in request.POST and respondent is not None:
        if _save_case(
            request,
            wave,
            replace(
                case,
                respondents=tuple(r for r in case.respondents if r is not respondent),
                ratings=tuple(r for r in case.ratings if r.respondent != respondent.id),
            ),
            f"removed the respondent {respondent.id}",
            gettext("Removed the respondent {id} and their ratings.").format(id=respondent.id),
        ):
            return redirect("diagnosis:wave_edit", pk=wave.pk)
        return redirect("diagnosis:respondent_edit", pk=wave.pk, rid=respondent.id)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            new_id = respondent.id if respondent else d["id"]
            if respondent is None and any(r.id == new_id for r in case.respondents):
                form.add_error(
                    "id",
                    gettext("the wave already has a respondent {id!r}").format(id=new_id),
                )
            else:
                edited = Respondent(
                    id=new_id,
                    units=(d["unit"], *(respondent.units[1:] if respondent else ())),
                    position=d["position"].strip() or None,
                    tenure_years=d["tenure_years"],
                )
                respondents = (
                    tuple(edited if r is respondent else r for r in case.respondents)
                    if respondent
                    else (*case.respondents, edited)
                )
                keep = [
                    r
                    for r in case.ratings
                    if r.respondent != new_id or len(own.get(r.dimension, [])) > 1
                ]
                for dim in DIMENSIONS:
                    value = d.get(f"rating_{dim}")
                    if value is not None and len(own.get(dim, [])) <= 1:
                        item = own[dim][0].item if own.get(dim) else dim
                        keep.append(Rating(new_id, item, dim, float(value)))
                if _save_case(
                    request,
                    wave,
                    replace(case, respondents=respondents, ratings=tuple(keep)),
                    f"{'edited' if respondent else 'added'} the respondent {new_id}",
                    gettext("Saved the respondent {id}.").format(id=new_id),
                    form,
                ):
                    return redirect("diagnosis:wave_edit", pk=wave.pk)
        status = 422
    return render(
        request,
        "diagnosis/respondent_form.html",
        {"case": wave, "project": wave.project, "respondent": respondent, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def statements(request: HttpRequest, pk: int) -> HttpResponse:
    """A wave's coded statements: add one (a respondent's or a unit's, coded to one or
    more dimensions), remove one."""
    wave = _editable_wave(request, pk)
    case = _wave_case(wave)
    names = case.unit_names()
    form = StatementForm(
        request.POST or None,
        respondents=[(r.id, f"{r.id} ({names[r.units[0]]})") for r in case.respondents],
        units=list(names.items()),
    )
    if request.method == "POST" and request.POST.get("remove"):
        try:
            n = int(request.POST["remove"])
            gone = case.statements[n]
        except (ValueError, IndexError):
            raise Http404 from None
        _save_case(
            request,
            wave,
            replace(case, statements=tuple(s for s in case.statements if s is not gone)),
            "removed a statement",
            gettext("Removed the statement."),
        )
        return redirect("diagnosis:statements", pk=wave.pk)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            statement = Statement(
                text=d["text"].strip(),
                dimensions=tuple(x for x in DIMENSIONS if x in d["dimensions"]),
                respondent=d["respondent"] or None,
                unit=d["unit"] or None,
            )
            if _save_case(
                request,
                wave,
                replace(case, statements=(*case.statements, statement)),
                "added a statement",
                gettext("Added the statement."),
                form,
            ):
                return redirect("diagnosis:statements", pk=wave.pk)
        status = 422
    return render(
        request,
        "diagnosis/statements.html",
        {
            "case": wave,
            "project": wave.project,
            "form": form,
            "statements": [
                (
                    n,
                    s,
                    names.get(s.unit or "", ""),
                    ", ".join(str(DIMENSION_LABELS[d]) for d in s.dimensions),
                )
                for n, s in enumerate(case.statements[:MAX_PAIRS_LISTED])
            ],
            "count": len(case.statements),
            "labels": DIMENSION_LABELS,
            "names": names,
        },
        status=status,
    )


@require_POST
def partner_unit(request: HttpRequest, pk: int, kam: str, partner: str) -> HttpResponse:
    """Say which of kamkit's internal units this pair's partner is (empty: by name)."""
    wave = _editable_wave(request, pk)
    _link_of(_wave_case(wave), kam, partner)  # a pair of a readable wave, else 404
    value = request.POST.get("internal_unit", "")
    unit = None
    if value:
        from kamkit.web.accounts.models import InternalUnit

        unit = InternalUnit.objects.filter(pk=value if value.isdigit() else -1).first()
        if unit is None:
            messages.error(
                request, gettext("internal_unit: no internal unit with id {id}").format(id=value)
            )
            return redirect(reverse("diagnosis:pair", args=[pk, kam, partner]) + "#evidence")
    map_partner(request.user, wave.project, partner, unit)
    messages.success(
        request,
        gettext("The partner is kamkit's “{unit}”.").format(unit=unit)
        if unit
        else gettext("The partner is matched by its name."),
    )
    return redirect(reverse("diagnosis:pair", args=[pk, kam, partner]) + "#evidence")
