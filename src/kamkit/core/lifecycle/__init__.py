"""The relationship lifecycle (seed 000, SPEC §2.2–2.5), in plain Python."""

from .phases import PHASES, EffectivePhase, PhaseStatement, effective_phase

__all__ = ["PHASES", "EffectivePhase", "PhaseStatement", "effective_phase"]
