"""The research data sets from kamkit's database (issue 19, item 5): the panel (account ×
month) from the relationship side, the pairs and the responses from the diagnosis
projects. Each is built for one user and holds only what that user may see: the panel the
accounts they see (a KAM director all, a KA manager their own), the diagnosis tables the
projects they may read. Customers and internal partners get nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

import orjson
from django.conf import settings
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kamkit import __version__
from kamkit.core.diagnosis import CaseFileError
from kamkit.core.lifecycle.config import PROCESSES, ROLES, SUBSCORES
from kamkit.core.lifecycle.index import PROCESS_LABELS, index_without_roles
from kamkit.core.lifecycle.phases import PHASES
from kamkit.core.research.datasets import (
    Dataset,
    Pseudonymiser,
    Variable,
    code_of,
    codes,
    pseudonymise,
)
from kamkit.core.research.diagnosis_data import Wave, pairs_dataset, responses_dataset
from kamkit.web.accounts.models import Account
from kamkit.web.assessment.services import assess_accounts, configuration, settings_digest
from kamkit.web.diagnosis.models import DiagnosisCase
from kamkit.web.relationships.models import Interaction, JointInitiative, Problem, Pulse
from kamkit.web.users.models import Role, User

DATASETS = ("panel", "pairs", "responses")
PAGE_MAX_ACCOUNT_MONTHS = 24_000
"""The largest panel the page builds in a request (about 6 s; 10,000 accounts × 12
months took 30 s and 657 MB on PostgreSQL, bench figures in the README): beyond it the
page points to ``kamkit export panel`` (kamkit assumption, to keep requests short)."""
MAX_MONTHS = 120
"""At most ten years of months in one panel (kamkit assumption: bounds the work of one
export; a longer panel is several exports)."""

PHASE_CODES = codes(PHASES)
PHASE_SOURCE_CODES = codes(("decision", "both_sides", "customer_self", "supplier_self", "inferred"))
PROCESS_CODES = codes(PROCESSES)
ROLE_CODES = codes(ROLES)
PROCESS_SHORT = {"communication": "cc", "co_creation": "cv", "problem_solving": "jp"}


class DatasetError(ValueError):
    """A request for a data set that cannot be met; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def may_export(user: User) -> bool:
    """Supplier-side users who see accounts or read the diagnosis; never customers or
    internal partners."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_admin or user.role in (Role.KAM_DIRECTOR, Role.KA_MANAGER, Role.ANALYST))
    )


def pseudonymiser() -> Pseudonymiser:
    """Pseudonyms stable for this installation (derived from its secret key), so panels
    exported at different times join on the same pseudonyms."""
    return Pseudonymiser(
        hashlib.sha256(b"kamkit-pseudonyms\0" + settings.SECRET_KEY.encode()).digest()
    )


def _about(user: User | None, **selection: Any) -> dict[str, Any]:
    return {
        "kamkit_version": __version__,
        "made_on": timezone.localdate().isoformat(),
        "made_by_role": user.role if user else "command line (every record)",
        **{k: v for k, v in selection.items() if v is not None},
    }


def month_ends(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """The assessment day of each month from ``start``'s month to ``end``'s: its last day,
    or today for the current month; months after today are left out."""
    if end < start:
        raise DatasetError("to", f"{end:%Y-%m} is before {start:%Y-%m}")
    days = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        day = min(nxt - dt.timedelta(days=1), today)
        if day.year == y and day.month == m:
            days.append(day)
        y, m = nxt.year, nxt.month
        if len(days) > MAX_MONTHS:
            raise DatasetError("from", f"a panel covers at most {MAX_MONTHS} months")
    return days


def _monthly(qs, date_field: str, **aggregates: Any) -> dict[tuple[int, dt.date], dict]:
    rows = (
        qs.annotate(month=TruncMonth(date_field))
        .values("account_id", "month")
        .annotate(**aggregates)
        .order_by()
    )
    out = {}
    for r in rows:
        month = r["month"]
        if isinstance(month, dt.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        out[(r["account_id"], month.replace(day=1))] = r
    return out


def panel_variables() -> list[Variable]:
    variables = [
        Variable("account", "Key account", "id", "kamkit account id", pseudonym="account"),
        Variable("account_name", "Account's name", "name", "account: name"),
        Variable("industry", "Industry", "string", "account: industry"),
        Variable("country", "Country", "string", "account: country"),
        Variable("ka_manager", "KA manager", "id", "account: KA manager", pseudonym="manager"),
        Variable("kam_unit", "KAM unit", "id", "account: KAM unit", pseudonym="unit"),
        Variable("month", "Month (YYYY-MM)", "string", "the panel's month"),
        Variable(
            "assessed_on",
            "Day of the assessment (the month's last day, or today)",
            "date",
            "kamkit",
        ),
        Variable("phase", "Phase in effect", "category", "SPEC §2.2 precedence", PHASE_CODES),
        Variable(
            "phase_source",
            "Where the phase comes from",
            "category",
            "SPEC §2.2",
            PHASE_SOURCE_CODES,
        ),
        Variable(
            "phase_inferred",
            "Phase inferred by kamkit",
            "category",
            "SPEC §2.2 inference",
            PHASE_CODES,
        ),
        Variable(
            "index",
            "Effectiveness index (0–100), phase roles of Table 1",
            "number",
            "SPEC §2.5; seed 000, Table 1",
        ),
        Variable(
            "index_no_roles",
            "Index with the phase roles switched off (every process alike)",
            "number",
            "kamkit (issue 19): core.lifecycle.index.index_without_roles; the mean of the "
            "scored processes at the default baseline 50",
        ),
        Variable("lever", "Principal lever", "category", "SPEC §2.5", PROCESS_CODES),
    ]
    for p in PROCESSES:
        short = PROCESS_SHORT[p]
        variables.append(
            Variable(
                f"{short}_score",
                f"{PROCESS_LABELS[p]} score (0–100)",
                "number",
                "SPEC §2.4",
            )
        )
        variables.append(
            Variable(
                f"{short}_role",
                f"Role of {PROCESS_LABELS[p].lower()} in the phase",
                "category",
                "seed 000, Table 1; SPEC §2.3",
                ROLE_CODES,
            )
        )
        for sub in SUBSCORES[p]:
            variables.append(
                Variable(
                    f"{short}_{sub}",
                    f"{PROCESS_LABELS[p]}: {sub.replace('_', ' ')} (0–100)",
                    "number",
                    "SPEC §2.4 sub-score",
                )
            )
    variables += [
        Variable(
            "interactions",
            "Interactions logged in the month",
            "integer",
            "interactions: occurred_at",
        ),
        Variable(
            "interactions_customer",
            "…of them initiated by the customer",
            "integer",
            "interactions: initiated_by",
        ),
        Variable(
            "initiatives_started",
            "Joint initiatives recorded in the month",
            "integer",
            "initiatives: created_at",
        ),
        Variable(
            "initiatives_realized",
            "Joint initiatives realized in the month",
            "integer",
            "initiatives: realized_on",
        ),
        Variable(
            "problems_raised", "Problems raised in the month", "integer", "problems: raised_on"
        ),
        Variable(
            "pulses_customer",
            "Pulses from customer contacts in the month",
            "integer",
            "pulses: rated_on, customer side",
        ),
        Variable(
            "satisfaction",
            "Customers' mean satisfaction (1–7) in the month",
            "number",
            "pulses: satisfaction, customer side; not used by any score",
        ),
        Variable(
            "trust",
            "Customers' mean trust (1–7) in the month",
            "number",
            "pulses: trust, customer side; not used by any score",
        ),
        Variable(
            "revenue_year",
            "Revenue of the month's calendar year",
            "number",
            "account: revenue history",
        ),
    ]
    return variables


def check_panel_size(user: User | None, start: dt.date, end: dt.date) -> None:
    """Refuse, naming the command to use instead, a panel too large for one request."""
    months = len(month_ends(start, end, timezone.localdate()))
    accounts = (Account.objects.visible_to(user) if user else Account.objects.alive()).count()
    if accounts * months > PAGE_MAX_ACCOUNT_MONTHS:
        raise DatasetError(
            "from",
            f"{accounts:,} accounts × {months} months is more than the page builds at once "
            f"({PAGE_MAX_ACCOUNT_MONTHS:,} account-months); choose fewer months, or run "
            "`kamkit export panel` on the server",
        )


def panel_dataset(user: User | None, start: dt.date, end: dt.date) -> Dataset:
    """Account × month for the accounts ``user`` sees (None: the command line, every
    account): the assessment at each month's end beside the month's activity and the
    customers' own ratings."""
    today = timezone.localdate()
    days = month_ends(start, end, today)
    if not days:
        raise DatasetError("from", f"{start:%Y-%m} is after this month")
    config = configuration()
    accounts = list(
        (Account.objects.visible_to(user) if user else Account.objects.alive())
        .order_by("pk")
        .values(
            "pk", "name", "industry", "country", "ka_manager_id", "kam_unit_id", "revenue_history"
        )
    )
    ids = [a["pk"] for a in accounts]
    first = days[0].replace(day=1)
    last = days[-1] + dt.timedelta(days=1)
    lo = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    hi = timezone.make_aware(dt.datetime.combine(last, dt.time()))
    inter = _monthly(
        Interaction.objects.alive().filter(
            account_id__in=ids, occurred_at__gte=lo, occurred_at__lt=hi
        ),
        "occurred_at",
        n=Count("pk"),
        customer=Count("pk", filter=Q(initiated_by="customer")),
    )
    started = _monthly(
        JointInitiative.objects.alive().filter(
            account_id__in=ids, created_at__gte=lo, created_at__lt=hi
        ),
        "created_at",
        n=Count("pk"),
    )
    realized = _monthly(
        JointInitiative.objects.alive().filter(
            account_id__in=ids, realized_on__gte=first, realized_on__lt=last
        ),
        "realized_on",
        n=Count("pk"),
    )
    raised = _monthly(
        Problem.objects.alive().filter(
            account_id__in=ids, raised_on__gte=first, raised_on__lt=last
        ),
        "raised_on",
        n=Count("pk"),
    )
    pulses = _monthly(
        Pulse.objects.alive().filter(
            account_id__in=ids, rated_on__gte=first, rated_on__lt=last, person__side="customer"
        ),
        "rated_on",
        n=Count("pk"),
        satisfaction=Avg("satisfaction"),
        trust=Avg("trust"),
    )
    by_day = (
        {day: {a.account: a for a in assess_accounts(ids, day, config)} for day in days}
        if ids
        else {}
    )
    rows = []
    for acc in accounts:
        revenue = {
            int(r["year"]): r["revenue"] for r in acc["revenue_history"] or [] if "year" in r
        }
        for day in days:
            a = by_day[day].get(acc["pk"])
            month = day.replace(day=1)
            key = (acc["pk"], month)
            scores = {p: a.processes[p].score for p in PROCESSES} if a else {}
            row: list[Any] = [
                acc["pk"],
                acc["name"],
                acc["industry"] or None,
                acc["country"] or None,
                acc["ka_manager_id"],
                acc["kam_unit_id"],
                f"{day:%Y-%m}",
                day,
                code_of(PHASE_CODES, a.phase.value) if a else None,
                code_of(PHASE_SOURCE_CODES, a.phase.source) if a else None,
                code_of(PHASE_CODES, a.inferred.phase) if a else None,
                None if a is None or a.index is None else round(a.index, 4),
                None if a is None else _round(index_without_roles(scores, config)),
                code_of(PROCESS_CODES, a.lever.process) if a else None,
            ]
            for p in PROCESSES:
                ps = a.processes[p] if a else None
                row.append(_round(ps.score) if ps else None)
                row.append(code_of(ROLE_CODES, a.roles[p]) if a else None)
                for sub in SUBSCORES[p]:
                    row.append(_round(ps.subscores.get(sub)) if ps else None)
            pulse = pulses.get(key, {})
            row += [
                inter.get(key, {}).get("n", 0),
                inter.get(key, {}).get("customer", 0),
                started.get(key, {}).get("n", 0),
                realized.get(key, {}).get("n", 0),
                raised.get(key, {}).get("n", 0),
                pulse.get("n", 0),
                _round(pulse.get("satisfaction")),
                _round(pulse.get("trust")),
                _number(revenue.get(day.year)),
            ]
            rows.append(tuple(row))
    about = _about(
        user,
        months=f"{days[0]:%Y-%m} to {days[-1]:%Y-%m}",
        accounts=len(accounts),
        assessment_settings=orjson.dumps(config.to_json(), option=orjson.OPT_SORT_KEYS).decode(),
        settings_digest=settings_digest(config),
    )
    return Dataset(
        name="panel",
        title="kamkit relationship panel: account × month",
        unit="key account × month",
        variables=tuple(panel_variables()),
        rows=rows,
        about=about,
    )


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def _number(x: Any) -> float | None:
    try:
        return None if x is None else float(x)
    except (TypeError, ValueError):
        return None


def waves_for(user: User | None, projects: Sequence[int] | None = None) -> list[Wave]:
    """The diagnosed waves of the projects ``user`` may read (all of them, or those
    named), oldest first within each project; a wave whose file the core refuses is left
    out (it has no results to export)."""
    from kamkit.web.diagnosis.project_views import diagnosed

    qs = (
        (DiagnosisCase.objects.visible_to(user) if user else DiagnosisCase.objects.all())
        .exclude(project=None)
        .select_related("project")
        .order_by("project__name", "project_id", "wave_on", "pk")
    )
    if projects is not None:
        qs = qs.filter(project_id__in=projects)
    waves = []
    for case in qs:
        try:
            result = diagnosed(case)
        except CaseFileError:
            continue
        waves.append(Wave(case.project.name, case.title, case.wave_on, result))
    return waves


def diagnosis_dataset(
    name: str, user: User | None, projects: Sequence[int] | None = None
) -> Dataset:
    waves = waves_for(user, projects)
    about = _about(
        user,
        projects=", ".join(sorted({w.project for w in waves})) or "none",
        waves=len(waves),
        rating_thresholds=", ".join(
            sorted({f"{w.diagnosis.case.settings.rating_threshold:g}" for w in waves})
        )
        or None,
    )
    build = pairs_dataset if name == "pairs" else responses_dataset
    return build(waves, about)


def dataset(
    name: str,
    user: User | None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    projects: Sequence[int] | None = None,
    pseudonymised: bool = False,
    bounded: bool = False,
) -> Dataset:
    """One of :data:`DATASETS` for ``user`` (None: the command line, every record;
    DatasetError names a bad option)."""
    if name not in DATASETS:
        raise DatasetError(
            "dataset", f"'{name}' is not a data set; expected one of: {', '.join(DATASETS)}"
        )
    if user is not None and not may_export(user):
        raise DatasetError("user", "research data are for the supplier's KAM team and analysts")
    if name == "panel":
        today = timezone.localdate()
        end = end or today
        start = start or dt.date(end.year - 1, end.month, 1) + dt.timedelta(days=31)
        start = start.replace(day=1)
        if bounded:
            check_panel_size(user, start, end)
        result = panel_dataset(user, start, end)
    else:
        result = diagnosis_dataset(name, user, projects)
    return pseudonymise(result, pseudonymiser()) if pseudonymised else result
