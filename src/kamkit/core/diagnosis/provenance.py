"""Where each rule of the diagnosis comes from: the paper, the SPEC or kamkit (the same
table as docs/diagnosis.md, *The rules*), written into the JSON output."""

from __future__ import annotations

PAPER = "paper: Leischnig, Ivens, Niersbach & Pardo (2018)"
PROVENANCE: dict[str, str] = {
    "steps": f"{PAPER}, the four-step process model",
    "dimensions": f"{PAPER}, after Lawrence & Lorsch",
    "practices": f"{PAPER}, after Snow et al. and Pardo et al.",
    "levels_and_gap": f"{PAPER}, Tables 2–3: a gap where differentiation is above alignment",
    "differentiation_level": "SPEC §3: the count of differing dimensions gives the level",
    "alignment_level": "SPEC §3: practice points 0/1/2, their sum gives the level",
    "rating_threshold": "SPEC §3: differs when |difference of means| ≥ the threshold "
    "(default 1.0), compared exactly",
    "source_precedence": "SPEC §3: analyst marks, then profiles, then rating means; "
    "unknown is not counted",
    "categories": "SPEC §3: one normalisation of case, whitespace and _/-/space",
    "conflicts": "SPEC §3: conflicting evidence is warned about",
    "possible_gap": "kamkit: unknown dimensions that could open a gap",
    "relationship_quality": "kamkit: the check against the recorded relationship quality",
    "network_measures": "kamkit: Burt's constraint and effective size, tie weight 1 + flows",
    "recommendations": "kamkit, drawing on the paper's §4.2",
}
"""Where each rule of the diagnosis comes from (in the JSON output; docs/diagnosis.md)."""
