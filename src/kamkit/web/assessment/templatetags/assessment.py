"""Labels for the assessment's keys in templates."""

from django import template
from django.utils.translation import gettext_lazy as _

from kamkit.web.labels import PHASE_LABELS, PROCESS_LABELS, SOURCE_LABELS

register = template.Library()

SUBSCORE_LABELS = {
    "frequency_fit": _("Frequency fit"),
    "reciprocity": _("Reciprocity"),
    "dialogue": _("Dialogue"),
    "strategic_content": _("Strategic content"),
    "routine": _("Routine"),
    "perception": _("Perception (pulses)"),
    "activity": _("Activity"),
    "bilateral_investment": _("Bilateral investment"),
    "realization": _("Realization"),
    "value_balance": _("Value balance"),
    "relational_ties": _("Relational ties"),
    "joint_definition": _("Joint definition"),
    "speed": _("Speed"),
    "backlog": _("Backlog"),
    "learning": _("Learning"),
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


ROLE_NAMES = {
    "motivator": _("motivator"),
    "hygiene": _("hygiene"),
    "background": _("background"),
}


@register.filter
def role_label(key: str) -> str:
    """A process's role in a phase (Table 1), as the assessment table names it."""
    return ROLE_NAMES.get(key, key)
