"""Every threshold and weight of the lifecycle assessment (SPEC §2.2–2.5), in one object.

The defaults are the SPEC's. A firm overrides any of them with a mapping (for example
read from a YAML or JSON file): ``AssessmentConfig.from_mapping({"baseline": 40,
"roles": {"decline": {"problem_solving": "hygiene"}}})``. Unknown keys are refused with
their name, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kamkit.core.i18n import gettext_noop

PROCESSES: tuple[str, ...] = ("communication", "co_creation", "problem_solving")
ROLES: tuple[str, ...] = ("motivator", "hygiene", "background")

SUBSCORES: dict[str, tuple[str, ...]] = {
    "communication": (
        "frequency_fit",
        "reciprocity",
        "dialogue",
        "strategic_content",
        "routine",
        "perception",
    ),
    "co_creation": (
        "activity",
        "bilateral_investment",
        "realization",
        "value_balance",
        "relational_ties",
        "perception",
    ),
    "problem_solving": ("joint_definition", "speed", "backlog", "learning", "perception"),
}


def _table1() -> dict[str, dict[str, str]]:
    """Seed 000, Table 1: bold (determinant) processes are motivators, italic ones in
    maturity are hygienes, the rest background. The three decline rows are kamkit's
    extension (SPEC §2.3): undecided keeps maturity's roles; a decision to revive uses
    build-up's; a decision to wind down makes every process a hygiene factor."""
    return {
        "exploration": {
            "communication": "motivator",
            "co_creation": "background",
            "problem_solving": "background",
        },
        "build_up": {
            "communication": "motivator",
            "co_creation": "motivator",
            "problem_solving": "background",
        },
        "maturity": {
            "communication": "hygiene",
            "co_creation": "hygiene",
            "problem_solving": "motivator",
        },
        "decline": {
            "communication": "hygiene",
            "co_creation": "hygiene",
            "problem_solving": "motivator",
        },
        "decline_revive": {
            "communication": "motivator",
            "co_creation": "motivator",
            "problem_solving": "background",
        },
        "decline_wind_down": {
            "communication": "hygiene",
            "co_creation": "hygiene",
            "problem_solving": "hygiene",
        },
    }


ROLE_ROW_ORIGINS: dict[str, str] = {
    "exploration": gettext_noop("paper: Ashill et al. (2013), Table 1"),
    "build_up": gettext_noop("paper: Ashill et al. (2013), Table 1"),
    "maturity": gettext_noop("paper: Ashill et al. (2013), Table 1"),
    "decline": gettext_noop(
        "SPEC §2.3: kamkit's extension, decline undecided (the paper stops at maturity)"
    ),
    "decline_revive": gettext_noop(
        "SPEC §2.3: kamkit's extension, decline to revive (build-up's roles)"
    ),
    "decline_wind_down": gettext_noop(
        "SPEC §2.3: kamkit's extension, decline to wind down (all hygiene)"
    ),
}
"""Where each row of the roles table comes from, for outputs that name their rules."""


@dataclass(frozen=True)
class AssessmentConfig:
    """Thresholds and weights; the field comments name the SPEC rule each one sets."""

    # -- windows (§2.4) ---------------------------------------------------------------
    window_days: int = 90
    """Recent window for rates, shares of interactions, speed and realization."""
    rate_days: int = 30
    """Frequencies are per this many days."""
    problem_window_days: int = 365
    """Problems raised within this many days count for joint definition (a 90-day window
    holds too few problems to share out; our default)."""
    perception_max_age_days: int = 365
    """A side's latest pulse counts for perception if it is at most this old."""

    # -- inference (§2.2) ---------------------------------------------------------------
    decline_min_age_months: float = 12
    decline_revenue_trend: float = -0.10
    decline_activity_trend: float = -0.30
    exploration_max_age_months: float = 6
    exploration_min_pairs: int = 2
    build_up_revenue_trend: float = 0.10
    build_up_activity_trend: float = 0.20
    build_up_realized_days: int = 180
    build_up_max_age_months: float = 36
    activity_min_previous: int = 12
    """An activity trend counts only when the previous window holds at least this many
    interactions (SPEC §2.2, stability; a kamkit default: 12 is one a week)."""
    activity_min_change: int = 4
    """…and when the two windows differ by at least this many interactions (SPEC §2.2)."""
    phase_change_min_days: int = 30
    """An inferred phase changes only when the new rule has held on two assessments at
    least this many days apart (SPEC §2.2, stability; 0 changes it at once)."""

    # -- sub-scores (§2.4) --------------------------------------------------------------
    phase_bands: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "exploration": (2, 6),
            "build_up": (4, 12),
            "maturity": (2, 8),
            "decline": (2, 8),
        }
    )
    """Ideal interactions per ``rate_days`` when the customer stated no preference."""
    strategic_share_target: float = 0.30
    formal_share_target: float = 0.25
    initiatives_for_full_activity: float = 2
    """Agreed or in-delivery initiatives that give activity 100 (50 points each)."""
    pairs_for_full_ties: float = 6
    speed_target_days: float = 30
    backlog_young_days: int = 30

    # -- index and lever (§2.5) ----------------------------------------------------------
    baseline: float = 50
    weights: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "motivator": (1.0, 0.3),
            "hygiene": (0.2, 1.0),
            "background": (0.3, 0.3),
        }
    )
    """(up, down) per role."""
    roles: dict[str, dict[str, str]] = field(default_factory=_table1)
    """The role of each process per row: the four phases, and a declining account's
    decision (``decline_revive``, ``decline_wind_down``; SPEC §2.3)."""
    lever_step: float = 10

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any]) -> AssessmentConfig:
        """The defaults with ``overrides`` applied; nested tables (bands, weights, roles)
        are merged key by key. Raises ValueError naming an unknown or invalid key."""
        base = cls()
        kinds = {f.name: str(f.type) for f in dataclasses.fields(cls)}
        known = set(kinds)
        changes: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known:
                raise ValueError(f"unknown assessment setting '{key}'")
            current = getattr(base, key)
            if isinstance(current, dict):
                if not isinstance(value, Mapping):
                    raise ValueError(f"'{key}' must be a table")
                merged = dict(current)
                for sub, sub_value in value.items():
                    if sub not in current:
                        raise ValueError(f"unknown key '{sub}' in '{key}'")
                    if isinstance(current[sub], dict):
                        if not isinstance(sub_value, Mapping):
                            raise ValueError(f"'{key}.{sub}' must be a table")
                        merged[sub] = {**current[sub], **sub_value}
                    else:
                        merged[sub] = tuple(sub_value)
                changes[key] = merged
            else:
                if not isinstance(value, int | float) or isinstance(value, bool):
                    raise ValueError(f"'{key}' must be a number, got {value!r}")
                if kinds[key] == "int":  # a count of days or pairs: never truncated silently
                    if value != int(value):
                        raise ValueError(f"'{key}' must be a whole number, got {value!r}")
                    changes[key] = int(value)
                else:  # a float setting keeps its fraction even when its default is whole
                    changes[key] = float(value)
        config = dataclasses.replace(base, **changes)
        config.validate()
        return config

    def to_json(self) -> dict[str, Any]:
        """Every setting as plain data, for outputs that say which settings they used."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dict):
                value = {
                    k: (list(v) if isinstance(v, tuple) else dict(v) if isinstance(v, dict) else v)
                    for k, v in value.items()
                }
            out[f.name] = value
        return out

    def roles_origin(self, row: str | None) -> str:
        """Where the roles of ``row`` come from: the paper, the SPEC, or this firm's
        settings when they differ from the defaults; for no phase, kamkit's default."""
        if row is None or row not in self.roles:
            return gettext_noop(
                "kamkit default: every process in the background while the phase is unknown"
            )
        if self.roles[row] != _table1().get(row):
            return gettext_noop("firm setting (assessment configuration)")
        return ROLE_ROW_ORIGINS[row]

    def provenance(self, row: str | None) -> dict[str, str]:
        """Where each rule an assessment applied comes from, for its JSON: the paper, the
        SPEC, a kamkit default, or this firm's settings where they differ from those."""

        def origin(names: tuple[str, ...], default: str) -> str:
            base = type(self)()
            changed = [n for n in names if getattr(self, n) != getattr(base, n)]
            return f"firm setting ({', '.join(changed)})" if changed else default

        return {
            "phase_precedence": "SPEC §2.2",
            "phase_rules": origin(_INFERENCE, "SPEC §2.2 (default rules and thresholds)"),
            "phase_stability": origin(
                ("activity_min_previous", "activity_min_change", "phase_change_min_days"),
                "SPEC §2.2 (stability)",
            ),
            "roles": self.roles_origin(row),
            "subscores": origin(
                _SUBSCORES,
                "SPEC §2.4; joint definition over 365 days and perception for 365 days are "
                "kamkit defaults",
            ),
            "index": origin(("baseline", "weights"), "SPEC §2.5"),
            "lever": origin(("lever_step",), "SPEC §2.5"),
        }

    def validate(self) -> None:
        """Raise ValueError naming the first setting that makes no sense."""
        for phase, table in self.roles.items():
            for process, role in table.items():
                if process not in PROCESSES:
                    raise ValueError(f"roles.{phase}: unknown process '{process}'")
                if role not in ROLES:
                    raise ValueError(f"roles.{phase}.{process}: '{role}' is not one of {ROLES}")
        for role, pair in self.weights.items():
            if len(pair) != 2 or any(w < 0 for w in pair):
                raise ValueError(f"weights.{role}: expected (up, down), both ≥ 0")
        for phase, band in self.phase_bands.items():
            if len(band) != 2 or not 0 <= band[0] <= band[1] or band[1] == 0:
                raise ValueError(f"phase_bands.{phase}: expected (lo, hi) with 0 ≤ lo ≤ hi, hi > 0")
        if not 0 < self.baseline < 100:
            raise ValueError("baseline must lie between 0 and 100")
        for name in ("activity_min_previous", "activity_min_change", "phase_change_min_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"'{name}' must be 0 or more")
        for name in ("window_days", "rate_days", "problem_window_days", "lever_step"):
            if getattr(self, name) <= 0:
                raise ValueError(f"'{name}' must be positive")


_INFERENCE = (
    "decline_min_age_months",
    "decline_revenue_trend",
    "decline_activity_trend",
    "exploration_max_age_months",
    "exploration_min_pairs",
    "build_up_revenue_trend",
    "build_up_activity_trend",
    "build_up_realized_days",
    "build_up_max_age_months",
)
_SUBSCORES = (
    "window_days",
    "rate_days",
    "problem_window_days",
    "perception_max_age_days",
    "phase_bands",
    "strategic_share_target",
    "formal_share_target",
    "initiatives_for_full_activity",
    "pairs_for_full_ties",
    "speed_target_days",
    "backlog_young_days",
)

DEFAULT_CONFIG = AssessmentConfig()
