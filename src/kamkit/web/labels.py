"""The interface's words for the core's stored values (issue 20): stages, statuses,
channels, sides. Each is translated when shown; a value without an entry is shown as
its key with the underscores as spaces (as before)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext, pgettext_lazy, trans_real
from django.utils.translation import gettext_lazy as _

from kamkit.core import perception
from kamkit.core.diagnosis import scales
from kamkit.core.lifecycle import index, phases

VALUE_LABELS = {
    # channels (SPEC §2.4)
    "in_person": _("In person"),
    "video": _("Video"),
    "phone": _("Phone"),
    "email": _("Email"),
    "messaging": _("Messaging"),
    "social": _("Social"),
    "letter": _("Letter"),
    "event": _("Event"),
    # sides
    "supplier": _("Supplier"),
    "customer": _("Customer"),
    # formality and content of an interaction
    "formal": _("Formal"),
    "informal": _("Informal"),
    "strategic": _("Strategic"),
    "operational": _("Operational"),
    # initiative statuses
    "proposed": _("Proposed"),
    "agreed": _("Agreed"),
    "in_delivery": _("In delivery"),
    "realized": _("Realized"),
    "dropped": _("Dropped"),
    # problem stages
    "reported": _("Reported"),
    "jointly_defined": _("Jointly defined"),
    "solution_designed": _("Solution designed"),
    "deployed": _("Deployed"),
    "supported": _("Supported"),
    "closed": _("Closed"),
}


SIDE_WORDS = {"supplier": _("supplier"), "customer": _("customer")}
"""A side in running text (lower case in English)."""


def person_label(person) -> str:
    """A person in a choice: the name and the side ("Chris Customer (customer)")."""
    return f"{person.name} ({SIDE_WORDS.get(person.side, person.side)})"


def value_label(value: str):
    """The (lazily translated) label of a stored value."""
    return VALUE_LABELS.get(value) or value.replace("_", " ").capitalize()


def choices(values: tuple[str, ...]) -> list[tuple[str, object]]:
    """Model or form choices for these values, labelled in the reader's language."""
    return [(v, value_label(v)) for v in values]


class Translated(Mapping):
    """A core label table (``PHASE_LABELS``…) whose values are translated when shown: the
    core marks them with ``gettext_noop``; the web reads them through this."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = table

    def __getitem__(self, key: str):
        return _(self._table[key])

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


PHASE_LABELS = Translated(phases.PHASE_LABELS)
PHASE_DESCRIPTIONS = Translated(phases.PHASE_DESCRIPTIONS)
SOURCE_LABELS = Translated(phases.SOURCE_LABELS)
DECISION_LABELS = Translated(phases.DECISION_LABELS)
DECISION_DESCRIPTIONS = Translated(phases.DECISION_DESCRIPTIONS)
PROCESS_LABELS = Translated(index.PROCESS_LABELS)
ROLE_WORDS = Translated(index.ROLE_WORDS)
ROW_WORDS = Translated(index.ROW_WORDS)
ITEM_LABELS = Translated(perception.ITEM_LABELS)
DIMENSION_LABELS = Translated(scales.DIMENSION_LABELS)


FIELD_LABELS = {
    "attitude": _("Attitude"),
    "buying_role": _("Buying role"),
    "channel": _("Channel"),
    "channels": _("Channels"),
    "comment": _("Comment"),
    "content": _("Content"),
    "country": _("Country"),
    "current_value": _("Current value"),
    "customer_effort_days": _("Customer effort (person-days)"),
    "customer_framing": _("The customer's framing"),
    "customer_know_how": _("Customer know-how"),
    "customer_money": _("Customer money"),
    "customer_owner": _("Customer owner"),
    "dataset": _("Data set"),
    "decided_on": _("Decided on"),
    "decision": _("Decision"),
    "department": _("Department"),
    "description": _("Description"),
    "dimensions": _("Dimensions"),
    "due": _("Due"),
    "due_date": _("Due date"),
    "due_on": _("Due on"),
    "email": _("Email"),
    "evidence": _("Evidence"),
    "expected_value_customer": _("Value expected by the customer"),
    "expected_value_supplier": _("Value expected by us"),
    "files": _("Files"),
    "firm": _("Firm"),
    "formality": _("Formality"),
    "format": _("Format"),
    "from_lever": _("From the lever"),
    "goal": _("Goal"),
    "growth_potential": _("Growth potential"),
    "industry": _("Industry"),
    "influence": _("Influence"),
    "initiated_by": _("Initiated by"),
    "initiative": _("Initiative"),
    "initiatives": _("Initiatives"),
    "internal_notes": _("Internal notes"),
    "is_key_account": _("Is a key account"),
    "ka_manager": _("KA manager"),
    "kam_unit": _("KAM unit"),
    "language": _("Language"),
    "lead_user": _("Lead user"),
    "lessons": _("Lessons"),
    "market_access": _("Market access"),
    "measure": _("Measure"),
    "members": _("Members"),
    "name": _("Name"),
    "note": _("Note"),
    "objective": _("Objective"),
    "occurred_at": _("Occurred at"),
    "outcome": _("Outcome"),
    "owner": _("Owner"),
    "participants": _("Participants"),
    "partner": _("Partner"),
    "partner_id": _("Partner id"),
    "partner_name": _("Partner name"),
    "person": _("Person"),
    "phase": _("Phase"),
    "phone": _("Phone"),
    "problem": _("Problem"),
    "problems": _("Problems"),
    "projects": _("Projects"),
    "raised_by": _("Raised by"),
    "raised_on": _("Raised on"),
    "rated_on": _("Rated on"),
    "realized_on": _("Realized on"),
    "realized_value_customer": _("Value realized by the customer"),
    "realized_value_supplier": _("Value realized by us"),
    "reason": _("Reason"),
    "relationship_start": _("Relationship start"),
    "reports_to": _("Reports to"),
    "reputation": _("Reputation"),
    "respondent": _("Respondent"),
    "revenue_share": _("Revenue share"),
    "role": _("Role"),
    "shared": _("Shared"),
    "shared_with_customer": _("Shared with the customer"),
    "side": _("Side"),
    "source": _("Source"),
    "start_value": _("Start value"),
    "status": _("Status"),
    "summary": _("Summary"),
    "supplier_effort_days": _("Our effort (person-days)"),
    "supplier_framing": _("Our framing"),
    "supplier_know_how": _("Our know-how"),
    "supplier_money": _("Our money"),
    "supplier_owner": _("Our owner"),
    "target_value": _("Target value"),
    "text": _("Text"),
    "title": _("Title"),
    "trust": _("Trust"),
    "two_way": _("Two-way"),
    "unit": _("Unit"),
    "value_note": _("Value note"),
    "wave": _("Wave"),
}
"""The labels of form fields that are labelled by their name (a model field's name), in
the reader's language."""


class TranslatedLabels:
    """Form mixin: a field labelled by its name gets its label from ``FIELD_LABELS`` when
    it is shown (so also the fields a form adds after its ``__init__``); on a model form,
    what the model's ``clean`` objects (the core's rules, in English) is said in the
    reader's language."""

    def _update_errors(self, errors) -> None:  # ModelForm: the model's full_clean
        from django.core.exceptions import ValidationError

        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {
                    name: [say(m) for m in ValidationError(problems).messages]
                    for name, problems in errors.error_dict.items()
                }
            )
        else:
            errors = ValidationError([say(m) for m in errors.messages])
        super()._update_errors(errors)

    def __getitem__(self, name: str):
        field = self.fields[name]
        if name in FIELD_LABELS and (
            field.label is None or str(field.label).lower() == name.replace("_", " ")
        ):
            field.label = FIELD_LABELS[name]
        return super().__getitem__(name)


_TEMPLATES: dict[str, list[tuple[re.Pattern, str]]] = {}
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


NUMBER_SLOTS = {
    "score", "step", "gain", "baseline", "count", "n", "hours", "days", "index", "weight",
    "before", "after", "low", "high", "percent", "cap", "minimum", "months", "prev", "last",
    "needed", "change", "year", "year_before", "pairs", "limit", "size", "a", "b", "delta",
    "threshold", "mean", "rwg",
}  # fmt: skip
"""Slots that hold a number in the core's sentences."""


DAY_SLOTS = {"start", "end", "day", "due", "until", "since", "latest", "earliest"}
"""Slots that hold a day."""


def _slot(name: str) -> str:
    """What a slot of this name may hold: a number, one of a table's words, or any text."""
    if name in NUMBER_SLOTS:
        return r"[+-]?\d+(?:[.,]\d+)?"
    if name in DAY_SLOTS:
        return r"\d[\d./-]*\d"
    table = {
        "role": index.ROLE_WORDS,
        "process": index.PROCESS_LABELS,
        "dimension": {k: v.lower() for k, v in scales.DIMENSION_LABELS.items()},
    }.get(name)
    if table:
        return "|".join(re.escape(v) for v in sorted(table.values(), key=len, reverse=True))
    return ".*?"


def _templates(language: str) -> list[tuple[re.Pattern, str]]:
    """The catalogue's sentences with ``{name}`` slots, as patterns that read an English
    sentence back into its slots; the most literal text first."""
    if language not in _TEMPLATES:
        catalog = trans_real.translation(language)._catalog
        found = []
        for msgid in catalog.keys():  # noqa: SIM118 (a TranslationCatalog, not a dict)
            if not isinstance(msgid, str) or "{" not in msgid:
                continue
            parts = re.split(r"\{([A-Za-z_]\w*)\}", msgid)
            if len(parts) < 3 or len(set(parts[1::2])) != len(parts[1::2]):
                continue
            pattern = "".join(
                re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_slot(p)})" for i, p in enumerate(parts)
            )
            literal = sum(len(p) for p in parts[::2])
            found.append((literal, re.compile(pattern, re.S), msgid))
        found.sort(key=lambda t: -t[0])
        _TEMPLATES[language] = [(p, m) for _n, p, m in found]
    return _TEMPLATES[language]


def say(text: str) -> str:
    """A sentence the core wrote in English (a lever's reason, a rule's refusal, an
    action), in the reader's language: the catalogue's own entry, else the entry whose
    ``{slots}`` the sentence fills, with each slot said again the same way (names and
    other data stay as they are; numbers take the language's decimal mark)."""
    text = str(text)
    language = get_language() or "en"
    if language == "en" or not text:
        return text
    translated = gettext(text)
    if translated != text:
        return translated
    if text in perception.ITEM_LABELS:  # a rated item by its key ("co_creation")
        return gettext(perception.ITEM_LABELS[text])
    if _NUMBER.fullmatch(text):
        return number_format(text) if "." in text else text
    if _ISO_DAY.fullmatch(text):
        return date_format(dt.date.fromisoformat(text), "SHORT_DATE_FORMAT")
    if text[:1].islower() and gettext(text[:1].upper() + text[1:]) != text[:1].upper() + text[1:]:
        return gettext(text[:1].upper() + text[1:])  # "maturity" in a sentence: "Reife"
    sentences = _SENTENCE_END.split(text)
    # a template of several sentences first; else several sentences each on its own (so
    # a short template such as "{start} to {end}" never swallows a paragraph)
    for pattern, msgid in _templates(language):
        if len(sentences) > 1 and not _SENTENCE_END.search(msgid):
            continue
        match = pattern.fullmatch(text)
        if match:
            slots = {k: say(v) for k, v in match.groupdict().items()}
            return gettext(msgid).format(**slots)
    if len(sentences) > 1:
        return " ".join(say(s) for s in sentences)
    if text.endswith(".") and not text.endswith(".."):  # a sentence the core ended itself
        said = say(text[:-1])
        if said != text[:-1]:
            return said + "."
    for sep in (", ", " and "):  # a list of the core's words: each said, when each is known
        if sep not in text:
            continue
        items = text.split(sep)
        said = [say(i) for i in items]
        if all(a != b for a, b in zip(said, items, strict=True)):
            return (", " if sep == ", " else " " + gettext("and") + " ").join(said)
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?]) (?=[A-Z0-9])")


def decap(text) -> str:
    """A label inside a sentence: in English its first letter small ("In delivery" → "in
    delivery"); in German as it is, since a German label may well begin with a noun
    ("Gegenseitigkeit"), which keeps its capital."""
    text = str(text)
    if (get_language() or "en").startswith("de"):
        return text
    return text[:1].lower() + text[1:]


OBJECTIVE_STATUS_LABELS = {
    "open": pgettext_lazy("objective", "Open"),
    "achieved": pgettext_lazy("objective", "Achieved"),
    "missed": pgettext_lazy("objective", "Missed"),
    "dropped": pgettext_lazy("objective", "Dropped"),
}
"""An objective's status (``kamkit.core.plan.OBJECTIVE_STATUSES``); "Open" as a state,
not the button's verb."""

PRACTICE_LABELS = {
    "bridging": _("Frame bridging"),
    "amplification": _("Frame amplification"),
    "extension": _("Frame extension"),
    "transformation": _("Frame transformation"),
}
"""The four frame alignment practices by name (forms, the coding pages)."""

FLOW_LABELS = {
    "asset": _("Asset flow"),
    "information": _("Information flow"),
    "status": _("Status flow"),
}
"""The three kinds of flow between a KAM unit and a partner (SPEC §3.1)."""

UNIT_KIND_LABELS = {"kam": _("KAM unit"), "partner": _("Partner unit"), "other": _("Other unit")}
"""A diagnosis unit's kind (SPEC §3.1)."""


DIAGNOSIS_WORDS = [
    # levels (SPEC §3), the frame alignment practices and their values, the flows and
    # the relationship's valence: the words the diagnosis writes into its sentences,
    # listed so that the catalogue has them and ``say`` finds them
    _("none"),
    _("very low"),
    _("low"),
    _("rather low"),
    _("rather high"),
    _("high"),
    _("very high"),
    _("medium"),
    _("bridging"),
    _("amplification"),
    _("extension"),
    _("transformation"),
    _("absent"),
    _("partial"),
    _("substantial"),
    _("asset"),
    _("information"),
    _("status"),
    _("positive"),
    _("mixed"),
    _("negative"),
    _("analyst"),
    _("profile"),
    _("ratings"),
    _("unknown"),
]
