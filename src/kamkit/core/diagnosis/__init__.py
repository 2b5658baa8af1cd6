"""The integration-gap diagnosis of seed 004 (SPEC §3), in plain Python.

>>> from kamkit.core.diagnosis import load_case, diagnose
>>> result = diagnose(load_case("examples/published-case.yaml"))
>>> [(d.partner, d.gap_size) for d in result.dyads_of("kam1") if d.gap]
[('customer_service', 3), ('legal', 3), ('sales', 2), ('scm', 2)]
"""

from .compare import DyadChange, WaveComparison, compare_waves
from .loader import CaseFileError, Issue, load_case, parse_case
from .model import Alignment, Case, Link, Rating, Respondent, Settings, Statement, Unit
from .pipeline import collector_paused, diagnose_file, diagnose_path
from .results import Diagnosis, Dyad, Recommendation, UnitNetwork
from .scales import (
    DIMENSIONS,
    LEVELS,
    PRACTICES,
    alignment_score,
    integration_gap,
    level_of_alignment,
    level_of_differentiation,
)
from .steps import diagnose

__all__ = [
    "DIMENSIONS",
    "LEVELS",
    "PRACTICES",
    "Alignment",
    "Case",
    "CaseFileError",
    "Diagnosis",
    "Dyad",
    "DyadChange",
    "Issue",
    "Link",
    "Rating",
    "Recommendation",
    "Respondent",
    "Settings",
    "Statement",
    "Unit",
    "UnitNetwork",
    "WaveComparison",
    "alignment_score",
    "collector_paused",
    "compare_waves",
    "diagnose",
    "diagnose_file",
    "diagnose_path",
    "integration_gap",
    "level_of_alignment",
    "level_of_differentiation",
    "load_case",
    "parse_case",
]
