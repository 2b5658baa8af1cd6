"""The column names of kamkit's exports in the reader's language (issue 20).

kamkit's exports name their columns by kamkit's field names (``name``, ``ka_manager``,
``occurred_at``), which ``kamkit import --source kamkit`` reads back. A reader of another
language gets the same columns under names in that language, and the import reads
those as well (``kamkit.core.imports.profiles`` makes a profile of each language's
names), so an export re-imports whatever language it was made in. The cells stay as
they are: ids, ISO days and times, kamkit's codes (``supplier``, ``email``, ``true``).

The names live here, in the core and not in Django's catalogue, because the import (no
Django) must read them: one table for both directions. A kamkit assumption: the German
names are kamkit's own wording, matching the German interface.
"""

from __future__ import annotations

from collections.abc import Iterable

COLUMN_NAMES: dict[str, dict[str, str]] = {
    "de": {
        "id": "ID",
        "name": "Name",
        "industry": "Branche",
        "country": "Land",
        "ka_manager": "KA-Manager",
        "kam_unit": "KAM-Einheit",
        "parent_id": "ID der Muttergesellschaft",
        "phase": "Phase",
        "phase_source": "Quelle der Phase",
        "decline_decision": "Entscheidung im Niedergang",
        "assessed_on": "Bewertet am",
        "communication": "Kommunikation",
        "co_creation": "Gemeinsame Wertschöpfung",
        "problem_solving": "Gemeinsame Problemlösung",
        "index": "Index",
        "lever": "Hebel",
        "selection_score": "Auswahlpunktzahl",
        "is_key_account": "Key Account",
        "source": "Quelle",
        "source_id": "ID in der Quelle",
        "account_id": "Account-ID",
        "side": "Seite",
        "email": "E-Mail",
        "role": "Funktion",
        "department": "Abteilung",
        "phone": "Telefon",
        "reports_to_id": "Berichtet an (ID)",
        "occurred_at": "Zeitpunkt",
        "channel": "Kanal",
        "initiated_by": "Ausgelöst von",
        "two_way": "Wechselseitig",
        "formality": "Formalität",
        "content": "Inhalt",
        "summary": "Zusammenfassung",
        "participant_ids": "Beteiligte (IDs)",
        "shared_with_customer": "Mit dem Kunden geteilt",
        "title": "Titel",
        "raised_by": "Gemeldet von",
        "raised_on": "Gemeldet am",
        "stage": "Stufe",
        "supplier_framing": "Unsere Sicht",
        "customer_framing": "Sicht des Kunden",
        "outcome": "Ergebnis",
        "lessons": "Lehren",
        "shared": "Geteilt",
        "goal": "Ziel",
        "status": "Status",
        "supplier_effort_days": "Unser Aufwand (Personentage)",
        "customer_effort_days": "Aufwand des Kunden (Personentage)",
        "supplier_money": "Unser Geld",
        "customer_money": "Geld des Kunden",
        "expected_value_customer": "Erwarteter Wert für den Kunden",
        "expected_value_supplier": "Erwarteter Wert für uns",
        "realized_value_customer": "Realisierter Wert für den Kunden",
        "realized_value_supplier": "Realisierter Wert für uns",
        "on": "Am",
        "process": "Prozess",
        "detail": "Details",
        "kind": "Art",
        "account": "Account",
        "hours": "Stunden",
        "score_before": "Punktzahl vorher",
        "score_after": "Punktzahl nachher",
        "index_before": "Index vorher",
        "index_after": "Index nachher",
        "why": "Warum",
        "kamkit_version": "kamkit-Version",
        "tau_hours": "Tau (Stunden)",
        "baseline": "Basiswert",
        "since": "Seit",
        "days": "Tage",
        "what": "Was",
    },
}
"""Per language, kamkit's column name → the column's name in that language."""


def in_language(header: Iterable[str], language: str | None) -> list[str]:
    """``header`` (kamkit's column names) as a reader of ``language`` reads it; a name
    without a translation, or an English reader, keeps kamkit's name."""
    names = COLUMN_NAMES.get((language or "en").split("-")[0], {})
    return [names.get(h, h) for h in header]
