"""Cases for fuzzy-set QCA from kamkit's own records (issue 21, item 3; SPEC §4): the
diagnosis pairs of the waves a user may read, or the key accounts a user sees on one day.
Each column says how it was made; the raw ones (scores, ratings) come with default
calibration anchors that the page shows and lets the researcher change.

The analysis itself is :func:`kamkit.core.qca.analyse`; this module only gathers the data,
scoped to the user exactly as the research data sets are (``data.may_export``)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg
from django.utils import timezone

from kamkit.core import qca as q
from kamkit.core.i18n import gettext_noop
from kamkit.core.lifecycle.phases import PHASE_LABELS, PHASES
from kamkit.core.relationships import check_day
from kamkit.web.accounts.models import Account
from kamkit.web.assessment.services import assess_accounts, configuration
from kamkit.web.relationships.models import Pulse
from kamkit.web.users.models import User

from .data import DatasetError, waves_for

SOURCES = ("pairs", "accounts")

PAGE_MAX_ACCOUNTS = 5_000
"""The most accounts the page assesses in one request (kamkit assumption: about the
10,000-account recomputation's half, a few seconds on a 2-core server)."""

RATING_MONTHS = 12
"""Customer ratings of the last 12 months make an account's SATISFIED and TRUSTED
(kamkit assumption: one year of pulses, as the panel's yearly view)."""

SCORE_ANCHORS = (25.0, 50.0, 75.0)
"""Default anchors for the 0–100 scores (process scores, the index): full exclusion at a
quarter of the scale, the crossover at its middle, full inclusion at three quarters
(kamkit assumption, to be changed on the page; Ragin 2008 asks for anchors from
substantive knowledge)."""

RATING_ANCHORS = (2.0, 4.0, 6.0)
"""Default anchors for the 1–7 customer ratings: 4 is the scale's neutral middle (kamkit
assumption)."""

PROCESS_COLUMNS = {"communication": "CC", "co_creation": "CV", "problem_solving": "JP"}
PHASE_COLUMNS = {p: p.replace("_", "").upper() for p in PHASES}


@dataclass
class CaseSet:
    """Columns of the cases (memberships, or raw values with default anchors)."""

    source: str
    columns: dict[str, list[float]]
    names: list[str]
    how: dict[str, str]
    anchors: dict[str, tuple[float, ...]] = field(default_factory=dict)
    """The raw columns and their default calibration (three anchors: fuzzy)."""
    outcomes: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    """The columns offered as outcomes and as conditions, in this order."""
    about: dict[str, Any] = field(default_factory=dict)


def pair_cases(user: User | None, projects: list[int] | None = None) -> CaseSet:
    """Every diagnosed pair of the waves ``user`` may read (of ``projects``, or all), a
    case named ``wave: kam-partner``."""
    columns: dict[str, list[float]] = {}
    names: list[str] = []
    how: dict[str, str] = {}
    waves = waves_for(user, projects)
    used = 0
    for wave in waves:
        try:
            cols, wave_names, wave_how = q.diagnosis_cases(wave.diagnosis)
        except q.QCAError:
            continue  # no pair of this wave can be a case
        used += 1
        how = wave_how
        for k, v in cols.items():
            columns.setdefault(k, []).extend(v)
        label = f"{wave.project} {wave.wave}" if len({w.project for w in waves}) > 1 else wave.wave
        names.extend(f"{label}: {n}" for n in wave_names)
    if not names:
        raise DatasetError(
            "projects",
            gettext_noop(
                "No pair can be a case: a wave needs pairs with their practices recorded and "
                "their gap judged."
            ),
        )
    outcomes = ("NOGAP", "GOODREL")
    return CaseSet(
        "pairs",
        columns,
        names,
        how,
        outcomes=outcomes,
        conditions=tuple(c for c in columns if c not in outcomes),
        about={"waves": used},
    )


def account_cases(user: User | None, on: dt.date | None = None) -> CaseSet:
    """The key accounts ``user`` sees, assessed on ``on`` (default today): the three
    process scores and the phase as conditions; the index and the customers' own
    satisfaction and trust (their pulses of the last :data:`RATING_MONTHS` months) as
    outcomes."""
    today = timezone.localdate()
    on = on or today
    if problem := check_day("on", on, today):  # the one rule for a day something happened
        raise DatasetError("on", problem["on"])
    accounts = list(
        (Account.objects.visible_to(user) if user else Account.objects.alive())
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    if not accounts:
        raise DatasetError("source", gettext_noop("You see no key accounts."))
    if user is not None and len(accounts) > PAGE_MAX_ACCOUNTS:
        raise DatasetError(
            "source",
            gettext_noop(
                "{count} accounts are more than the page assesses at once ({most}); run "
                "kamkit qca --cases accounts on the server."
            ).format(count=len(accounts), most=PAGE_MAX_ACCOUNTS),
        )
    ids = [pk for pk, _name in accounts]
    assessed = {a.account: a for a in assess_accounts(ids, on, configuration())}
    start = on - dt.timedelta(days=round(RATING_MONTHS * 365.25 / 12))
    ratings = {
        r["account_id"]: r
        for r in Pulse.objects.alive()
        .filter(account_id__in=ids, person__side="customer", rated_on__gt=start, rated_on__lte=on)
        .values("account_id")
        .annotate(satisfaction=Avg("satisfaction"), trust=Avg("trust"))
        .order_by()
    }
    columns: dict[str, list[float]] = {
        **{c: [] for c in PROCESS_COLUMNS.values()},
        **{c: [] for c in PHASE_COLUMNS.values()},
        "INDEX": [],
        "SATISFIED": [],
        "TRUSTED": [],
    }
    seen: dict[str, int] = {}
    names = []
    for pk, name in accounts:
        a = assessed.get(pk)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({pk})")
        for process, column in PROCESS_COLUMNS.items():
            score = a.processes[process].score if a else None
            columns[column].append(math.nan if score is None else float(score))
        phase = a.phase.value if a else None
        for p, column in PHASE_COLUMNS.items():
            columns[column].append(math.nan if phase is None else float(phase == p))
        columns["INDEX"].append(math.nan if a is None or a.index is None else float(a.index))
        rated = ratings.get(pk, {})
        for key, column in (("satisfaction", "SATISFIED"), ("trust", "TRUSTED")):
            value = rated.get(key)
            columns[column].append(math.nan if value is None else float(value))
    how = {
        "CC": gettext_noop("collaborative communication: process score 0–100 (SPEC §2.4)"),
        "CV": gettext_noop("co-creation of value: process score 0–100 (SPEC §2.4)"),
        "JP": gettext_noop("joint problem solving: process score 0–100 (SPEC §2.4)"),
        **{
            c: gettext_noop("in the {phase} phase: 1, else 0").format(phase=PHASE_LABELS[p].lower())
            for p, c in PHASE_COLUMNS.items()
        },
        "INDEX": gettext_noop("effectiveness index 0–100 (SPEC §2.5)"),
        "SATISFIED": gettext_noop(
            "customers' mean satisfaction 1–7, pulses of the last {months} months (none: not known)"
        ).format(months=RATING_MONTHS),
        "TRUSTED": gettext_noop(
            "customers' mean trust 1–7, pulses of the last {months} months (none: not known)"
        ).format(months=RATING_MONTHS),
    }
    anchors = {
        **{c: SCORE_ANCHORS for c in (*PROCESS_COLUMNS.values(), "INDEX")},
        "SATISFIED": RATING_ANCHORS,
        "TRUSTED": RATING_ANCHORS,
    }
    outcomes = ("INDEX", "SATISFIED", "TRUSTED")
    return CaseSet(
        "accounts",
        columns,
        names,
        how,
        anchors,
        outcomes=outcomes,
        conditions=tuple(c for c in columns if c not in outcomes),
        about={"on": on.isoformat(), "accounts": len(accounts)},
    )
