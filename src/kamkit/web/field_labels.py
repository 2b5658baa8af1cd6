"""The admin's field labels in the reader's language (issue 20).

Most of kamkit's model fields take Django's automatic label (the field's name with
spaces). Django would translate them only if each field named itself with
``verbose_name=_("…")``, and that is part of the migration state: 375 fields, historical
models included, would each need an AlterField operation that every fresh database pays
for. Instead, :func:`translate_field_labels` gives each such field, once at start-up, a
lazy translation of the label it already has (``pgettext`` with context "field").
Migrations read ``Field._verbose_name``, which stays unset, so they do not change.

Every automatic label must be listed below, so ``makemessages`` extracts it; a test
fails for a new field that is not (add its name here and its translation to the
catalog).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

#: the automatic labels of kamkit's model fields, each with its translation
FIELD_LABELS: dict[str, Promise] = {
    "accepted at": pgettext_lazy("field", "accepted at"),
    "account": pgettext_lazy("field", "account"),
    "account id": pgettext_lazy("field", "account id"),
    "added at": pgettext_lazy("field", "added at"),
    "adjudicated": pgettext_lazy("field", "adjudicated"),
    "adjudicated by": pgettext_lazy("field", "adjudicated by"),
    "anonymous": pgettext_lazy("field", "anonymous"),
    "answered at": pgettext_lazy("field", "answered at"),
    "at": pgettext_lazy("field", "at"),
    "attitude": pgettext_lazy("field", "attitude"),
    "author": pgettext_lazy("field", "author"),
    "back to": pgettext_lazy("field", "back to"),
    "buying role": pgettext_lazy("field", "buying role"),
    "by customer": pgettext_lazy("field", "by customer"),
    "changed by": pgettext_lazy("field", "changed by"),
    "changed on": pgettext_lazy("field", "changed on"),
    "channel": pgettext_lazy("field", "channel"),
    "channels": pgettext_lazy("field", "channels"),
    "closed at": pgettext_lazy("field", "closed at"),
    "closes on": pgettext_lazy("field", "closes on"),
    "co creation": pgettext_lazy("field", "co creation"),
    "code map": pgettext_lazy("field", "code map"),
    "coded at": pgettext_lazy("field", "coded at"),
    "coder": pgettext_lazy("field", "coder"),
    "comment": pgettext_lazy("field", "comment"),
    "communication": pgettext_lazy("field", "communication"),
    "computed at": pgettext_lazy("field", "computed at"),
    "content": pgettext_lazy("field", "content"),
    "country": pgettext_lazy("field", "country"),
    "created at": pgettext_lazy("field", "created at"),
    "created by": pgettext_lazy("field", "created by"),
    "current value": pgettext_lazy("field", "current value"),
    "customer": pgettext_lazy("field", "customer"),
    "customer agreed by": pgettext_lazy("field", "customer agreed by"),
    "customer agreed on": pgettext_lazy("field", "customer agreed on"),
    "customer confirmed on": pgettext_lazy("field", "customer confirmed on"),
    "customer effort days": pgettext_lazy("field", "customer effort days"),
    "customer framing": pgettext_lazy("field", "customer framing"),
    "customer know how": pgettext_lazy("field", "customer know how"),
    "customer money": pgettext_lazy("field", "customer money"),
    "customer owner": pgettext_lazy("field", "customer owner"),
    "decided by": pgettext_lazy("field", "decided by"),
    "decided on": pgettext_lazy("field", "decided on"),
    "decision": pgettext_lazy("field", "decision"),
    "decline decision": pgettext_lazy("field", "decline decision"),
    "deleted at": pgettext_lazy("field", "deleted at"),
    "department": pgettext_lazy("field", "department"),
    "description": pgettext_lazy("field", "description"),
    "digest": pgettext_lazy("field", "digest"),
    "document": pgettext_lazy("field", "document"),
    "done on": pgettext_lazy("field", "done on"),
    "due": pgettext_lazy("field", "due"),
    "due date": pgettext_lazy("field", "due date"),
    "due on": pgettext_lazy("field", "due on"),
    "earlier": pgettext_lazy("field", "earlier"),
    "email": pgettext_lazy("field", "email"),
    "error": pgettext_lazy("field", "error"),
    "expected value customer": pgettext_lazy("field", "expected value customer"),
    "expected value supplier": pgettext_lazy("field", "expected value supplier"),
    "expires at": pgettext_lazy("field", "expires at"),
    "files": pgettext_lazy("field", "files"),
    "finished at": pgettext_lazy("field", "finished at"),
    "firm": pgettext_lazy("field", "firm"),
    "first at": pgettext_lazy("field", "first at"),
    "formal": pgettext_lazy("field", "formal"),
    "formality": pgettext_lazy("field", "formality"),
    "from lever": pgettext_lazy("field", "from lever"),
    "gaps": pgettext_lazy("field", "gaps"),
    "goal": pgettext_lazy("field", "goal"),
    "growth potential": pgettext_lazy("field", "growth potential"),
    "history": pgettext_lazy("field", "history"),
    "history change reason": pgettext_lazy("field", "history change reason"),
    "history date": pgettext_lazy("field", "history date"),
    "history id": pgettext_lazy("field", "history id"),
    "history type": pgettext_lazy("field", "history type"),
    "history user": pgettext_lazy("field", "history user"),
    "ideal max": pgettext_lazy("field", "ideal max"),
    "ideal min": pgettext_lazy("field", "ideal min"),
    "index": pgettext_lazy("field", "index"),
    "industry": pgettext_lazy("field", "industry"),
    "influence": pgettext_lazy("field", "influence"),
    "initiated by": pgettext_lazy("field", "initiated by"),
    "initiative": pgettext_lazy("field", "initiative"),
    "initiatives": pgettext_lazy("field", "initiatives"),
    "instrument": pgettext_lazy("field", "instrument"),
    "interaction": pgettext_lazy("field", "interaction"),
    "interactions": pgettext_lazy("field", "interactions"),
    "internal": pgettext_lazy("field", "internal"),
    "internal notes": pgettext_lazy("field", "internal notes"),
    "internal unit": pgettext_lazy("field", "internal unit"),
    "internal units": pgettext_lazy("field", "internal units"),
    "internalunit": pgettext_lazy("field", "internalunit"),
    "is key account": pgettext_lazy("field", "is key account"),
    "item": pgettext_lazy("field", "item"),
    "jointinitiative": pgettext_lazy("field", "jointinitiative"),
    "kam": pgettext_lazy("field", "kam"),
    "kam unit": pgettext_lazy("field", "kam unit"),
    "keep body": pgettext_lazy("field", "keep body"),
    "kind": pgettext_lazy("field", "kind"),
    "language": pgettext_lazy("field", "language"),
    "last at": pgettext_lazy("field", "last at"),
    "last reviewed on": pgettext_lazy("field", "last reviewed on"),
    "last used at": pgettext_lazy("field", "last used at"),
    "lead user": pgettext_lazy("field", "lead user"),
    "lessons": pgettext_lazy("field", "lessons"),
    "lever": pgettext_lazy("field", "lever"),
    "link": pgettext_lazy("field", "link"),
    "link base": pgettext_lazy("field", "link base"),
    "logged by": pgettext_lazy("field", "logged by"),
    "m2m history id": pgettext_lazy("field", "m2m history id"),
    "market access": pgettext_lazy("field", "market access"),
    "measure": pgettext_lazy("field", "measure"),
    "name": pgettext_lazy("field", "name"),
    "next reminder at": pgettext_lazy("field", "next reminder at"),
    "note": pgettext_lazy("field", "note"),
    "notify by email": pgettext_lazy("field", "notify by email"),
    "objective": pgettext_lazy("field", "objective"),
    "occurred at": pgettext_lazy("field", "occurred at"),
    "on": pgettext_lazy("field", "on"),
    "outcome": pgettext_lazy("field", "outcome"),
    "owner": pgettext_lazy("field", "owner"),
    "owner person": pgettext_lazy("field", "owner person"),
    "pairs": pgettext_lazy("field", "pairs"),
    "parent": pgettext_lazy("field", "parent"),
    "participants": pgettext_lazy("field", "participants"),
    "partner": pgettext_lazy("field", "partner"),
    "payload": pgettext_lazy("field", "payload"),
    "perception shared": pgettext_lazy("field", "perception shared"),
    "person": pgettext_lazy("field", "person"),
    "phase": pgettext_lazy("field", "phase"),
    "phase disagreement": pgettext_lazy("field", "phase disagreement"),
    "phase source": pgettext_lazy("field", "phase source"),
    "phone": pgettext_lazy("field", "phone"),
    "prefix": pgettext_lazy("field", "prefix"),
    "preview": pgettext_lazy("field", "preview"),
    "problem": pgettext_lazy("field", "problem"),
    "problem solving": pgettext_lazy("field", "problem solving"),
    "problems": pgettext_lazy("field", "problems"),
    "project": pgettext_lazy("field", "project"),
    "raised by": pgettext_lazy("field", "raised by"),
    "raised on": pgettext_lazy("field", "raised on"),
    "rated on": pgettext_lazy("field", "rated on"),
    "read at": pgettext_lazy("field", "read at"),
    "read only": pgettext_lazy("field", "read only"),
    "realized on": pgettext_lazy("field", "realized on"),
    "realized value customer": pgettext_lazy("field", "realized value customer"),
    "realized value supplier": pgettext_lazy("field", "realized value supplier"),
    "reason": pgettext_lazy("field", "reason"),
    "reasons": pgettext_lazy("field", "reasons"),
    "recipient": pgettext_lazy("field", "recipient"),
    "recorded by": pgettext_lazy("field", "recorded by"),
    "recorded on": pgettext_lazy("field", "recorded on"),
    "relationship start": pgettext_lazy("field", "relationship start"),
    "remind after days": pgettext_lazy("field", "remind after days"),
    "reminded at": pgettext_lazy("field", "reminded at"),
    "reminded on": pgettext_lazy("field", "reminded on"),
    "reminders": pgettext_lazy("field", "reminders"),
    "reports to": pgettext_lazy("field", "reports to"),
    "reputation": pgettext_lazy("field", "reputation"),
    "respondent": pgettext_lazy("field", "respondent"),
    "result": pgettext_lazy("field", "result"),
    "revenue history": pgettext_lazy("field", "revenue history"),
    "revenue share": pgettext_lazy("field", "revenue share"),
    "review every days": pgettext_lazy("field", "review every days"),
    "revoked at": pgettext_lazy("field", "revoked at"),
    "role": pgettext_lazy("field", "role"),
    "satisfaction": pgettext_lazy("field", "satisfaction"),
    "segment": pgettext_lazy("field", "segment"),
    "selection weights": pgettext_lazy("field", "selection weights"),
    "sent at": pgettext_lazy("field", "sent at"),
    "settings digest": pgettext_lazy("field", "settings digest"),
    "shared": pgettext_lazy("field", "shared"),
    "shared with customer": pgettext_lazy("field", "shared with customer"),
    "side": pgettext_lazy("field", "side"),
    "since": pgettext_lazy("field", "since"),
    "skip invalid": pgettext_lazy("field", "skip invalid"),
    "source": pgettext_lazy("field", "source"),
    "source id": pgettext_lazy("field", "source id"),
    "source yaml": pgettext_lazy("field", "source yaml"),
    "speaker": pgettext_lazy("field", "speaker"),
    "stage": pgettext_lazy("field", "stage"),
    "start value": pgettext_lazy("field", "start value"),
    "status": pgettext_lazy("field", "status"),
    "strategic": pgettext_lazy("field", "strategic"),
    "summary": pgettext_lazy("field", "summary"),
    "supplier": pgettext_lazy("field", "supplier"),
    "supplier agreed by": pgettext_lazy("field", "supplier agreed by"),
    "supplier agreed on": pgettext_lazy("field", "supplier agreed on"),
    "supplier effort days": pgettext_lazy("field", "supplier effort days"),
    "supplier framing": pgettext_lazy("field", "supplier framing"),
    "supplier know how": pgettext_lazy("field", "supplier know how"),
    "supplier money": pgettext_lazy("field", "supplier money"),
    "supplier owner": pgettext_lazy("field", "supplier owner"),
    "survey": pgettext_lazy("field", "survey"),
    "target": pgettext_lazy("field", "target"),
    "target value": pgettext_lazy("field", "target value"),
    "targets": pgettext_lazy("field", "targets"),
    "text": pgettext_lazy("field", "text"),
    "title": pgettext_lazy("field", "title"),
    "trust": pgettext_lazy("field", "trust"),
    "two way": pgettext_lazy("field", "two way"),
    "undone at": pgettext_lazy("field", "undone at"),
    "undone by": pgettext_lazy("field", "undone by"),
    "unit": pgettext_lazy("field", "unit"),
    "updated at": pgettext_lazy("field", "updated at"),
    "user": pgettext_lazy("field", "user"),
    "value": pgettext_lazy("field", "value"),
    "value note": pgettext_lazy("field", "value note"),
    "version": pgettext_lazy("field", "version"),
    "wave": pgettext_lazy("field", "wave"),
    "wave on": pgettext_lazy("field", "wave on"),
    "week": pgettext_lazy("field", "week"),
}


def _unlabelled_fields() -> Iterator[tuple[type, Any]]:
    """Each field of kamkit's models that was declared without a label of its own."""
    for model in apps.get_models():
        if model.__module__.startswith("kamkit."):
            for field in model._meta.get_fields(include_hidden=True):
                if getattr(field, "_verbose_name", "") is None:
                    yield model, field


def automatic_labels() -> dict[str, list[str]]:
    """Each automatic label → the fields (``app.Model.field``) that show it."""
    found: dict[str, list[str]] = {}
    for model, field in _unlabelled_fields():
        found.setdefault(str(field.verbose_name), []).append(f"{model._meta.label}.{field.name}")
    return found


def translate_field_labels() -> None:
    """Give every listed automatic label its lazy translation (run once, when the apps
    are ready). A field that is not listed keeps its English label."""
    for _model, field in _unlabelled_fields():
        if isinstance(field.verbose_name, str) and field.verbose_name in FIELD_LABELS:
            field.verbose_name = FIELD_LABELS[field.verbose_name]
