"""Labels for the assessment's keys in templates."""

from django import template

from kamkit.core.lifecycle.index import PROCESS_LABELS
from kamkit.core.lifecycle.phases import PHASE_LABELS, SOURCE_LABELS

register = template.Library()

SUBSCORE_LABELS = {
    "frequency_fit": "Frequency fit",
    "reciprocity": "Reciprocity",
    "dialogue": "Dialogue",
    "strategic_content": "Strategic content",
    "routine": "Routine",
    "perception": "Perception (pulses)",
    "activity": "Activity",
    "bilateral_investment": "Bilateral investment",
    "realization": "Realization",
    "value_balance": "Value balance",
    "relational_ties": "Relational ties",
    "joint_definition": "Joint definition",
    "speed": "Speed",
    "backlog": "Backlog",
    "learning": "Learning",
}


@register.filter
def lever_label(key: str) -> str:
    """communication → Collaborative communication."""
    return PROCESS_LABELS.get(key, key)


@register.filter
def subscore_label(key: str) -> str:
    return SUBSCORE_LABELS.get(key, key)


@register.filter
def phase_label(key: str | None) -> str:
    return PHASE_LABELS.get(key or "", "")


@register.filter
def source_label(key: str | None) -> str:
    return SOURCE_LABELS.get(key or "", key or "")
