"""One account's assessment: phase with its sources and reasons, the three process
scores with coverage and role, the index and the lever (SPEC §2.5.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .config import DEFAULT_CONFIG, PROCESSES, AssessmentConfig
from .index import Lever, effectiveness_index, principal_lever, roles_for
from .inference import InferredPhase, PendingChange, PhaseFacts, infer_phase, stabilise
from .phases import EffectivePhase, PhaseStatement, decision_needed, effective_phase, role_row
from .scores import ProcessScore, Signals, process_scores


@dataclass(frozen=True, slots=True)
class Assessment:
    account: int
    on: dt.date
    phase: EffectivePhase
    inferred: InferredPhase
    roles: dict[str, str]
    processes: dict[str, ProcessScore]
    index: float | None
    lever: Lever
    decision: str | None = None
    """The decline decision in force (``revive``, ``wind_down``), only while declining."""
    provenance: dict[str, str] | None = None
    """Where each rule applied comes from (paper, SPEC, kamkit default or firm setting)."""

    @property
    def roles_origin(self) -> str:
        return (self.provenance or {}).get("roles", "")

    @property
    def decision_needed(self) -> bool:
        """A declining account without a decision (SPEC §2.3: flagged on the portfolio)."""
        return decision_needed(self.phase.value, self.decision)

    def to_json(self) -> dict[str, Any]:
        """The SPEC §2.5.1 shape; numbers rounded to one decimal."""

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {
            "account": self.account,
            "on": self.on.isoformat(),
            "phase": {
                "value": self.phase.value,
                "source": self.phase.source,
                "reasons": list(self.phase.reasons),
                "supplier_view": self.phase.supplier_view,
                "customer_view": self.phase.customer_view,
                "disagreement": self.phase.disagreement,
                "inferred": self.inferred.phase,
                "inferred_reasons": list(self.inferred.reasons),
                "decline_decision": self.decision,
                "decision_needed": self.decision_needed,
                "inferred_pending": (
                    {
                        "phase": self.inferred.pending.phase,
                        "since": self.inferred.pending.since.isoformat(),
                    }
                    if self.inferred.pending
                    else None
                ),
            },
            "provenance": dict(self.provenance or {}),
            "processes": {
                p: {
                    "score": r(ps.score),
                    "signals": ps.signals,
                    "of": ps.of,
                    "role": self.roles[p],
                    "subscores": {k: r(v) for k, v in ps.subscores.items()},
                }
                for p, ps in self.processes.items()
            },
            "index": r(self.index),
            "lever": {"process": self.lever.process, "why": self.lever.why},
        }


def assess(
    account: int,
    statements: Iterable[PhaseStatement],
    facts: PhaseFacts,
    signals: Signals,
    today: dt.date,
    config: AssessmentConfig = DEFAULT_CONFIG,
    pending: PendingChange | None = None,
    decision: str | None = None,
) -> Assessment:
    """Infer the phase (kept stable: the latest ``inferred`` statement up to ``today``
    stays until a change, ``pending`` since an earlier assessment, has held long enough),
    apply the precedence (the inference is the last resort), score the processes in that
    phase's roles (for a declining account, its ``decision``'s row), and name the lever."""
    statements = list(statements)
    previous = None
    for s in statements:  # oldest first: the later of two on one day wins
        if s.source == "inferred" and s.on <= today and (previous is None or s.on >= previous.on):
            previous = s
    inferred = stabilise(
        infer_phase(facts, today, config),
        previous.phase if previous else None,
        pending,
        today,
        config,
    )
    stated = [s for s in statements if s.source != "inferred"]
    if inferred.phase:
        stated.append(PhaseStatement(inferred.phase, "inferred", today, inferred.reasons))
    phase = effective_phase(stated)
    decision = decision if phase.value == "decline" else None
    row = role_row(phase.value, decision)
    roles = roles_for(phase.value, config, decision)
    processes = process_scores(signals, phase.value, config)
    scores = {p: processes[p].score for p in PROCESSES}
    return Assessment(
        account=account,
        on=today,
        phase=phase,
        inferred=inferred,
        roles=roles,
        processes=processes,
        index=effectiveness_index(scores, roles, config),
        lever=principal_lever(scores, roles, row, config),
        decision=decision,
        provenance=config.provenance(row),
    )
