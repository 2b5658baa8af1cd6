"""Next actions for the principal lever: what to do about its weakest signals.

The lever names a process; the actions come from that process's lowest sub-scores, so a
KA manager sees which measured signal the advice answers (and can trace it to data).
"""

from __future__ import annotations

from dataclasses import dataclass

from kamkit.core.i18n import gettext_noop

ACTIONS: dict[str, str] = {
    "frequency_fit": gettext_noop(
        "Bring contact frequency into the customer's ideal band (see its "
        "communication preferences)."
    ),
    "reciprocity": gettext_noop(
        "Make room for the customer to lead: ask them to set the agenda of the next meetings."
    ),
    "dialogue": gettext_noop(
        "Replace one-way mailings with conversations: a call or meeting with the customer's people."
    ),
    "strategic_content": gettext_noop(
        "Put strategy on the agenda: their plans for next year, where they want to grow."
    ),
    "routine": gettext_noop(
        "Fix a regular formal rhythm, such as a monthly review with minutes.",
    ),
    "perception": gettext_noop(
        "Ask both sides for a pulse and discuss the ratings together.",
    ),
    "activity": gettext_noop(
        "Agree on a joint initiative with a goal and owners on both sides.",
    ),
    "bilateral_investment": gettext_noop(
        "Ask the customer to commit people, money or know-how to the initiatives under way."
    ),
    "realization": gettext_noop(
        "Review the initiatives due now: what value each side actually got."
    ),
    "value_balance": gettext_noop(
        "Rebalance value: the last initiatives benefited one side much more than the other."
    ),
    "relational_ties": gettext_noop(
        "Widen the ties: introduce more of our people to more of theirs."
    ),
    "joint_definition": gettext_noop(
        "Define open problems together, with people of both sides in the room."
    ),
    "speed": gettext_noop(
        "Shorten the road from report to deployed fix: agree on a response plan."
    ),
    "backlog": gettext_noop(
        "Clear the old open problems, or agree with the customer to close them."
    ),
    "learning": gettext_noop("Record what was learned when a problem is closed, and share it."),
}


@dataclass(frozen=True, slots=True)
class Action:
    signal: str
    score: float | None
    text: str


def next_actions(subscores: dict[str, float | None], count: int = 2) -> list[Action]:
    """The ``count`` weakest measured signals of a process, lowest first, each with what
    to do; signals below 100 only. With no measured signal, say what to record."""
    measured = sorted(
        ((k, v) for k, v in subscores.items() if v is not None and v < 100),
        key=lambda kv: kv[1],
    )
    actions = [Action(k, v, ACTIONS[k]) for k, v in measured[:count]]
    if not actions and all(v is None for v in subscores.values()):
        actions.append(
            Action(
                "perception",
                None,
                gettext_noop(
                    "Nothing is recorded for this process yet: start "
                    "logging it, and ask both sides for a pulse."
                ),
            )
        )
    return actions
