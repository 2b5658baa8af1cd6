"""The resource plan (SPEC §2.6) for the accounts a user may see: reads each account's
latest assessment, weight, revenue and KA manager, calls the core planner, and lays the
result out for the page, the API, the CLI and the exports. The one path for all four."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from kamkit.core.allocation import Plan, PlanAccount, PlanError, explain, plan_allocation
from kamkit.core.columns import in_language
from kamkit.core.spreadsheet import row as safe_row
from kamkit.web.accounts.models import Account
from kamkit.web.labels import PHASE_LABELS, decap, say
from kamkit.web.users.models import Role, User

from .models import AssessmentSnapshot
from .services import assess_accounts, configuration

RULE_HOURS = {
    "proportional": gettext_noop("proportional hours"),
    "equal": gettext_noop("equal hours"),
}
"""The plans the export compares kamkit's with (``kamkit.core.allocation``'s naive rules)."""

MAX_HOURS = 1_000_000


@dataclass
class PortfolioPlan:
    plan: Plan
    accounts: dict[int, Account]
    inputs: dict[int, PlanAccount]
    managers: dict[int, str]
    capacities: dict[int, float] = field(default_factory=dict)
    minimum: float = 0.0

    def settings(self) -> dict:
        """Every setting the plan used (SPEC §2.6; the index's from the assessment)."""
        from kamkit.core.allocation import TAU

        index = configuration().to_json()  # the settings the index uses (SPEC §2.5)
        return {
            "tau_hours": TAU,
            "minimum_hours_per_key_account": self.minimum,
            "capacities": {self.managers.get(m, str(m)): h for m, h in self.capacities.items()},
            **{key: index[key] for key in ("baseline", "weights", "roles")},
        }

    def to_json(self) -> dict:
        """The plan (SPEC §2.6 shape) with the kamkit version and the settings it used."""
        from kamkit import __version__

        return {**self.plan.to_json(), "kamkit_version": __version__, "settings": self.settings()}

    def rows(self, part: slice | None = None) -> list[dict]:
        """One row per account with hours, in descending hours: processes, index change,
        and why; ``part``: only those rows (a page: the explanations are written for
        them alone)."""
        config = configuration()
        by_account: dict[int, list] = defaultdict(list)
        for item in self.plan.items:
            by_account[item.account].append(item)
        out = []
        for summary in self._planned()[part or slice(None)]:
            account, given = self.accounts[summary.account], self.inputs[summary.account]
            items = sorted(by_account.get(summary.account, []), key=lambda i: -i.hours)
            phase = str(PHASE_LABELS.get(account.phase or "", "—"))
            if account.phase == "decline" and given.decision:
                phase += f" · {decap(account.get_decline_decision_display())}"
            out.append(
                {
                    "account": account,
                    "phase": phase,
                    "kept": (
                        gettext_noop("wound down (decline decision): its minimum hours only")
                        if given.winding_down
                        else gettext_noop("kept for the account's minimum (no scores yet)")
                    ),
                    "manager": self.managers.get(account.ka_manager_id or 0, "—"),
                    "hours": summary.hours,
                    "index_before": summary.index_before,
                    "index_after": summary.index_after,
                    "items": [
                        {
                            "process": i.process,
                            "hours": i.hours,
                            "before": i.score_before,
                            "after": i.score_after,
                            "why": explain(
                                i, self.inputs[summary.account], config, summary.index_after
                            ),
                        }
                        for i in items
                    ],
                }
            )
        return out

    def _planned(self) -> list:
        if not hasattr(self, "_planned_cache"):
            self._planned_cache = sorted(
                (s for s in self.plan.accounts if s.hours > 0), key=lambda s: (-s.hours, s.account)
            )
        return self._planned_cache

    def row_count(self) -> int:
        """How many accounts get hours (the rows of ``rows``)."""
        return len(self._planned())

    def unplanned(self) -> list[dict]:
        """The accounts that get no hours, each with the reason, in name order."""
        planned_by_manager: dict[int | None, float] = defaultdict(float)
        for summary in self.plan.accounts:
            planned_by_manager[self.inputs[summary.account].manager] += summary.hours
        out = []
        for summary in self.plan.accounts:
            if summary.hours > 0:
                continue
            account, given = self.accounts[summary.account], self.inputs[summary.account]
            cap = self.capacities.get(given.manager) if given.manager is not None else None
            if given.winding_down:
                why = gettext_noop(
                    "being wound down (decline decision): it gets only its minimum hours"
                )
            elif all(v is None for v in given.scores.values()):
                why = gettext_noop(
                    "no process score yet: record its interactions, initiatives and problems"
                )
            elif cap is not None and planned_by_manager[given.manager] >= cap - 1e-6:
                why = gettext_noop(
                    "its KA manager's {hours} hours are used up by accounts that gain more"
                ).format(hours=f"{cap:g}")
            else:
                why = gettext_noop("an hour adds more to the index on the accounts above")
            out.append({"account": account, "why": why})
        return sorted(out, key=lambda r: r["account"].name)

    def by_phase(self) -> list[tuple[str, float]]:
        """Hours per phase (the chart of where the hours go)."""
        totals: dict[str, float] = defaultdict(float)
        for summary in self.plan.accounts:
            totals[self.accounts[summary.account].phase or ""] += summary.hours
        order = ["exploration", "build_up", "maturity", "decline", ""]
        return [
            (str(PHASE_LABELS.get(p, _("No phase"))), totals[p]) for p in order if totals.get(p)
        ]

    def csv(self) -> str:
        return "".join(self.csv_lines())

    def csv_lines(self) -> Iterator[str]:
        """The plan as CSV, a line at a time (the page streams it), in the language of
        the moment it is asked for (a stream is read after the request's language is
        gone)."""
        return self._csv_lines(get_language() or "en")

    def _csv_lines(self, language: str) -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)

        def taken() -> str:
            line = out.getvalue()
            out.seek(0)
            out.truncate()
            return line

        from kamkit import __version__
        from kamkit.core.allocation import TAU

        made = [__version__, f"{TAU:g}", f"{configuration().baseline:g}"]
        writer.writerow(
            in_language(
                ["account_id", "account", "phase", "ka_manager", "process", "hours",
                 "score_before", "score_after", "index_before", "index_after", "why",
                 "kamkit_version", "tau_hours", "baseline"],
                language,
            )
        )  # fmt: skip
        yield taken()
        for start in range(0, self.row_count(), 500):  # explained 500 accounts at a time
            with translation.override(language):
                lines = list(
                    self._csv_rows(writer, self.rows(slice(start, start + 500)), made, taken)
                )
            yield from lines

    @staticmethod
    def _csv_rows(writer, rows: list[dict], made: list[str], taken) -> Iterator[str]:
        for row in rows:
            for item in row["items"] or [None]:
                writer.writerow(
                    safe_row(
                        [
                            row["account"].pk,
                            row["account"].name,
                            row["phase"],
                            row["manager"],
                            item["process"] if item else "",
                            f"{item['hours']:.2f}" if item else f"{row['hours']:.2f}",
                            f"{item['before']:.1f}" if item else "",
                            f"{item['after']:.1f}" if item else "",
                            _fmt(row["index_before"]),
                            _fmt(row["index_after"]),
                            say(item["why"]) if item else say(row["kept"]),
                            *made,
                        ]
                    )
                )
                yield taken()

    def xlsx(self) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = _("Plan")
        rows = list(csv.reader(io.StringIO(self.csv())))
        for r, values in enumerate(rows):
            sheet.append(
                [_number(v) if r and c in (0, 5, 6, 7, 8, 9) else v for c, v in enumerate(values)]
            )
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        summary = book.create_sheet(_("Comparison"))
        summary.append(
            [_("plan"), _("index points added (sum over accounts)"), _("objective (Σ weight·U)")]
        )
        summary.append(["kamkit", round(self.plan.index_gain, 2), round(self.plan.objective, 2)])
        for name, value in self.plan.comparison.items():
            gain = self.plan.comparison_index_gain.get(name, 0.0)
            summary.append([_(RULE_HOURS.get(name, name)), round(gain, 2), round(value, 2)])
        summary.append([_("before any hours"), 0, round(self.plan.objective_before, 2)])
        summary.append([_("upper bound of the optimum"), None, round(self.plan.upper_bound, 2)])
        for cell in summary[1]:
            cell.font = Font(bold=True)
        from kamkit import __version__

        about = book.create_sheet(_("About"))
        about.append([_("kamkit version"), __version__])
        for key, value in self.settings().items():
            about.append([key, value if isinstance(value, int | float) else str(value)])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _number(value: str):
    try:
        return float(value) if value != "" else None
    except ValueError:
        return value


def may_plan(user: User) -> bool:
    """Plans are made by KAM directors and administrators (every account) and KA
    managers (their own)."""
    return user.role in (Role.ADMIN, Role.KAM_DIRECTOR, Role.KA_MANAGER)


def plannable(user: User | None):
    """The accounts whose hours the user plans: every account for directors and admins
    (and the command line, ``user`` None), a KA manager's own; nobody else's (customers,
    analysts and partners plan nothing)."""
    if user is None:
        return Account.objects.alive()
    if not may_plan(user):
        return Account.objects.none()
    return Account.objects.visible_to(user)


def parse_capacities(values: Mapping[str, str]) -> dict[int, float]:
    """``capacity_<manager id>`` fields to hours; empty fields are no capacity."""
    out: dict[int, float] = {}
    for key, raw in values.items():
        if not key.startswith("capacity_") or raw in ("", None):
            continue
        try:
            manager = int(key.removeprefix("capacity_"))
            out[manager] = float(raw)
        except ValueError:
            raise PlanError(f"{key}: '{raw}' is not a number of hours") from None
    return out


def make_plan(
    user: User | None,
    hours: float,
    *,
    capacities: Mapping[int, float] | None = None,
    minimum: float = 0.0,
    today: dt.date | None = None,
) -> PortfolioPlan:
    """The plan for the user's accounts. Scores are each account's latest stored
    assessment (``kamkit assess`` or *Recompute now*); an account never assessed is
    assessed now. ``minimum`` hours go at least to every key account. Raises
    ``PlanError`` naming the input when no plan can be made."""
    if not 0 <= hours <= MAX_HOURS:
        raise PlanError(f"hours must lie between 0 and {MAX_HOURS:,} (got {hours:g})")
    if not 0 <= minimum <= MAX_HOURS:
        raise PlanError(f"minimum must be 0 hours or more (got {minimum:g})")
    latest = AssessmentSnapshot.objects.filter(account=OuterRef("pk")).order_by("-on")
    accounts = {
        a.pk: a
        for a in plannable(user)
        .select_related("ka_manager")
        .annotate(
            s_comm=Subquery(latest.values("communication")[:1]),
            s_co=Subquery(latest.values("co_creation")[:1]),
            s_ps=Subquery(latest.values("problem_solving")[:1]),
            s_on=Subquery(latest.values("on")[:1]),
        )
        .order_by("pk")
    }
    scores = {
        pk: {"communication": a.s_comm, "co_creation": a.s_co, "problem_solving": a.s_ps}
        for pk, a in accounts.items()
        if a.s_on is not None
    }
    never = [pk for pk in accounts if pk not in scores]
    if never:
        for assessment in assess_accounts(never, today):
            scores[assessment.account] = {
                p: assessment.processes[p].score for p in assessment.processes
            }
    managers = {
        a.ka_manager_id: (a.ka_manager.get_full_name() or a.ka_manager.username)
        for a in accounts.values()
        if a.ka_manager_id
    }
    capacities = dict(capacities or {})
    unknown = sorted(set(capacities) - set(managers))
    if unknown:
        raise PlanError(f"capacity_{unknown[0]}: no KA manager with that id among your accounts")
    inputs = {
        pk: PlanAccount(
            account=pk,
            scores=scores[pk],
            phase=a.phase or None,
            manager=a.ka_manager_id,
            weight=a.selection_score if a.selection_score is not None else 1.0,
            revenue=_latest_revenue(a.revenue_history),
            minimum=minimum if a.is_key_account else 0.0,
            name=a.name,
            decision=a.decline_decision or None,
        )
        for pk, a in accounts.items()
    }
    names = {m: f"{name} (id {m})" for m, name in managers.items()}
    try:
        plan = plan_allocation(
            list(inputs.values()), float(hours), capacities, config=configuration()
        )
    except PlanError as exc:  # name the manager as the user knows them
        message = str(exc)
        for m, name in names.items():
            message = message.replace(f"KA manager {m}:", f"{name}:")
        raise PlanError(message) from None
    return PortfolioPlan(plan, accounts, inputs, managers, capacities, minimum)


def _latest_revenue(history) -> float | None:
    rows = [r for r in (history or []) if isinstance(r, dict) and "revenue" in r]
    if not rows:
        return None
    try:
        return float(max(rows, key=lambda r: r.get("year", 0))["revenue"])
    except (TypeError, ValueError):
        return None
