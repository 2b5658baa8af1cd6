"""The relationship lifecycle (seed 000, SPEC §2.2–2.5), in plain Python."""

from .assess import Assessment, assess
from .config import DEFAULT_CONFIG, PROCESSES, SUBSCORES, AssessmentConfig
from .index import Lever, effectiveness_index, principal_lever, roles_for, utility
from .inference import InferredPhase, PhaseFacts, infer_phase
from .phases import PHASES, EffectivePhase, PhaseStatement, effective_phase
from .scores import ProcessScore, Signals, process_scores

__all__ = [
    "DEFAULT_CONFIG",
    "PHASES",
    "PROCESSES",
    "SUBSCORES",
    "Assessment",
    "AssessmentConfig",
    "EffectivePhase",
    "InferredPhase",
    "Lever",
    "PhaseFacts",
    "PhaseStatement",
    "ProcessScore",
    "Signals",
    "assess",
    "effective_phase",
    "effectiveness_index",
    "infer_phase",
    "principal_lever",
    "process_scores",
    "roles_for",
    "utility",
]
