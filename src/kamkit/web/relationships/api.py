"""/api/v1/accounts/{id}/interactions, initiatives, problems, pulses, preferences, phases.

Each endpoint is written out below with its path (search for ``"/problems"``); the six
record families share their access rules through a small table (``Family``) and the
helpers ``_list``, ``_create``, ``_get``, ``_update``, ``_delete``, and every write goes
to a service of ``relationships/services.py`` (issue 15: one write path):

- reading follows the model's ``visible_to`` (a customer sees what is shared with it, and
  only its own pulses and preferences);
- the supplier side writes where ``can(user, "change", account)``;
- a customer may raise problems, propose initiatives, rate pulses, set preferences and
  state its phase self-identification for itself (SPEC §2.7), nothing else, and never
  internal values; it reads only its own side's phase statements.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as ModelValidationError
from django.db import models, transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.responses import NinjaJSONEncoder

from kamkit.core import relationships as rules
from kamkit.web.accounts.api import _page, _visible_account, limit_param, offset_param
from kamkit.web.accounts.models import Account, Person, can, customer_person
from kamkit.web.base import MAX_ID, save_versioned, soft_delete
from kamkit.web.users.models import Role, User

from . import schemas as s
from . import services
from .models import (
    CommunicationPreference,
    Interaction,
    JointInitiative,
    Objective,
    PhaseRecord,
    PhaseSource,
    Problem,
    Pulse,
    Task,
)

router = Router(tags=["relationship records"])


def _field_error(field_name: str, message: str) -> HttpError:
    err = HttpError(422, f"{field_name}: {message}")
    err.errors = [{"field": field_name, "message": message}]  # type: ignore[attr-defined]
    return err


@dataclass
class Family:
    path: str
    model: type[models.Model]
    schema_in: type[Schema]
    schema_patch: type[Schema]
    schema_out: type[Schema]
    person_fields: tuple[str, ...] = ()
    m2m_fields: tuple[str, ...] = ()
    record_fields: dict[str, type[models.Model]] = field(default_factory=dict)
    prefetch: tuple[str, ...] = ()
    customer_creates: bool = False
    customer_changes_own: bool = False
    customer_rules: Callable[[dict[str, Any], User], dict[str, Any]] | None = None
    check: Callable[[dict[str, Any]], dict[str, str]] | None = None
    frozen: Callable[[models.Model], str | None] | None = None  # why it may not change
    create: Callable[[User, Account, dict[str, Any], dict[str, list]], models.Model] | None = None
    """The service that creates the record (issue 15: one write path); every family has
    one."""
    update: Callable[[User, models.Model, dict[str, Any], int, dict[str, list]], Any] | None = None
    delete: Callable[[User, models.Model], None] | None = None


def _own_person(data: dict[str, Any], user: User) -> dict[str, Any]:
    person = data.get("person")
    if person is None:  # a customer speaks for itself: its own person, found for it
        person = customer_person(user, create=True)
    if person is None or person.user_id != user.pk:
        raise _field_error(
            "person", "a customer rates, states preferences and phases for itself only"
        )
    return {**data, "person": person}


def _customer_phase(data: dict[str, Any], user: User) -> dict[str, Any]:
    return {**_own_person(data, user), "source": PhaseSource.CUSTOMER_SELF}


def _inferred_is_kamkits(obj: models.Model) -> str | None:
    if getattr(obj, "source", None) == PhaseSource.INFERRED:
        return "inferred phases are computed by kamkit; record a decision instead"
    return None


def _interaction_check(data: dict[str, Any]) -> dict[str, str]:
    participants = data.get("participants")
    if participants is None:
        return {}
    return rules.check_interaction(
        two_way=data.get("two_way", True), participant_sides=[p.side for p in participants]
    )


def _raise_problem(user: User, account: Account, data: dict, m2m: dict) -> Problem:
    customer = user.role == Role.CUSTOMER
    return services.raise_problem(
        user,
        account,
        title=data["title"],
        framing=data.get("customer_framing" if customer else "supplier_framing", ""),
        raised_on=data.get("raised_on"),
        shared=data.get("shared", True),
        participants=m2m.get("participants", ()),
        details=None if customer else data,
    )


def _log_interaction(user: User, account: Account, data: dict, m2m: dict) -> Interaction:
    return services.log_interaction(user, account, data, m2m.get("participants", ()))


def _edit_interaction(user: User, obj: Interaction, data: dict, version: int, m2m: dict) -> None:
    services.edit_interaction(user, obj, data, version, m2m.get("participants"))


def _record_pulse(user: User, account: Account, data: dict, m2m: dict) -> Pulse:
    return services.record_pulse(
        user, account, {k: v for k, v in data.items() if v is not None or k == "person"}
    )


def _record_phase(user: User, account: Account, data: dict, m2m: dict) -> PhaseRecord:
    return services.record_phase_view(
        user,
        account,
        data["phase"],
        source=data.get("source"),
        person=data.get("person"),
        recorded_on=data.get("recorded_on"),
        note=data.get("note") or "",
    )


def _edit_problem(user: User, obj: Problem, data: dict, version: int, m2m: dict) -> None:
    services.edit_problem(user, obj, data, version, m2m.get("participants"))


def _set_preferences(user: User, account: Account, data: dict, m2m: dict):
    return services.set_preferences(user, account, data)


def _change_preferences(user: User, obj, data: dict, version: int, m2m: dict) -> None:
    services.set_preferences(user, obj.account, data, obj, version)


def _update_initiative(user: User, obj, data: dict, version: int, m2m: dict) -> None:
    services.update_initiative(user, obj, data, version)


def _edit_entry(user: User, obj, data: dict, version: int, m2m: dict) -> None:
    services.edit_entry(user, obj, data, version)


def _create_initiative(user: User, account: Account, data: dict, m2m: dict) -> JointInitiative:
    return services.create_initiative(user, account, {k: v for k, v in data.items()})


FAMILIES = [
    Family(
        "interactions",
        Interaction,
        s.InteractionIn,
        s.InteractionPatch,
        s.InteractionOut,
        m2m_fields=("participants",),
        record_fields={"initiative": JointInitiative, "problem": Problem},
        prefetch=("participants", "initiative", "problem"),
        check=_interaction_check,
        create=_log_interaction,
        update=_edit_interaction,
        delete=services.delete_entry,
    ),
    Family(
        "initiatives",
        JointInitiative,
        s.InitiativeIn,
        s.InitiativePatch,
        s.InitiativeOut,
        person_fields=("supplier_owner", "customer_owner"),
        customer_creates=True,
        create=_create_initiative,
        update=_update_initiative,
    ),
    Family(
        "problems",
        Problem,
        s.ProblemIn,
        s.ProblemPatch,
        s.ProblemOut,
        m2m_fields=("participants",),
        prefetch=("participants", "stage_changes"),
        customer_creates=True,
        create=_raise_problem,
        update=_edit_problem,
    ),
    Family(
        "pulses",
        Pulse,
        s.PulseIn,
        s.PulsePatch,
        s.PulseOut,
        person_fields=("person",),
        prefetch=("person",),
        customer_creates=True,
        customer_changes_own=True,
        customer_rules=_own_person,
        create=_record_pulse,
        update=_edit_entry,
        delete=services.delete_entry,
    ),
    Family(
        "preferences",
        CommunicationPreference,
        s.PreferenceIn,
        s.PreferencePatch,
        s.PreferenceOut,
        person_fields=("person",),
        customer_creates=True,
        customer_changes_own=True,
        customer_rules=_own_person,
        create=_set_preferences,
        update=_change_preferences,
    ),
    Family(
        "phases",
        PhaseRecord,
        s.PhaseIn,
        s.PhasePatch,
        s.PhaseOut,
        person_fields=("person",),
        customer_creates=True,
        customer_changes_own=True,
        customer_rules=_customer_phase,
        frozen=_inferred_is_kamkits,
        create=_record_phase,
        update=_edit_entry,
        delete=services.delete_entry,
    ),
]


def _save_objective(user: User, account: Account, data: dict, m2m: dict):
    return services.save_objective(user, account, {"owner": user, **data})


def _change_objective(user: User, obj, data: dict, version: int, m2m: dict) -> None:
    services.save_objective(
        user,
        obj.account,
        data,
        objective=obj,
        version=version,
        initiatives=obj.initiatives.all(),
        problems=obj.problems.all(),
    )


def _create_task(user: User, account: Account, data: dict, m2m: dict):
    data = dict(data)
    owner = data.pop("owner", None)
    if owner is not None:
        found = User.objects.filter(pk=owner, is_active=True).exclude(role=Role.CUSTOMER).first()
        if found is None:
            raise _field_error("owner", f"no user of our side with id {owner}")
        data["owner"] = found
    elif data.get("owner_person") is None:
        data["owner"] = user  # by default the one who adds it
    return services.create_task(user, account, data)


def _change_task(user: User, obj, data: dict, version: int, m2m: dict) -> None:
    services.update_task(user, obj, data, version)


FAMILIES += [
    Family(
        "objectives",
        Objective,
        s.ObjectiveIn,
        s.ObjectivePatch,
        s.ObjectiveOut,
        create=_save_objective,
        update=_change_objective,
    ),
    Family(
        "tasks",
        Task,
        s.TaskIn,
        s.TaskPatch,
        s.TaskOut,
        person_fields=("owner_person",),
        record_fields={"objective": Objective, "problem": Problem, "initiative": JointInitiative},
        create=_create_task,
        update=_change_task,
    ),
]

INTERACTIONS, INITIATIVES, PROBLEMS, PULSES, PREFERENCES, PHASES, OBJECTIVES, TASKS = FAMILIES


def _resolve(fam: Family, account: Account, data: dict[str, Any]) -> tuple[dict, dict]:
    """Turn ids into this account's objects; a wrong id is named as the field's error."""
    out = dict(data)
    m2m: dict[str, list] = {}
    for name in fam.person_fields:
        if name in out and out[name] is not None:
            person = Person.objects.alive().filter(pk=out[name], account=account).first()
            if person is None:
                raise _field_error(name, f"no person with id {out[name]} on this account")
            out[name] = person
    for name, model in fam.record_fields.items():
        if name in out and out[name] is not None:
            obj = model.objects.alive().filter(pk=out[name], account=account).first()
            if obj is None:
                raise _field_error(name, f"no {name} with id {out[name]} on this account")
            out[name] = obj
    for name in fam.m2m_fields:
        if name in out:
            ids = out.pop(name) or []
            too_big = [i for i in ids if not 0 < i <= MAX_ID]  # no database holds such an id
            if too_big:
                raise _field_error(name, f"no person with id {too_big[0]} on this account")
            people = list(Person.objects.alive().filter(pk__in=ids, account=account))
            missing = sorted(set(ids) - {p.pk for p in people})
            if missing:
                raise _field_error(name, f"no person with id {missing[0]} on this account")
            m2m[name] = people
    return out, m2m


def _may_create(user: User, account: Account, fam: Family) -> bool:
    if user.role == Role.CUSTOMER:
        return fam.customer_creates and user.account_id == account.pk
    return can(user, "change", account)


def _may_change(user: User, account: Account, fam: Family, obj: models.Model) -> bool:
    if user.role == Role.CUSTOMER:
        person = getattr(obj, "person", None)
        return fam.customer_changes_own and person is not None and person.user_id == user.pk
    return can(user, "change", account)


_KINDS = {JointInitiative: "initiative", Problem: "problem", Interaction: "interaction"}


def _dump(fam: Family, obj: models.Model, user: User) -> dict[str, Any]:
    """A record as the user may receive it: a customer never gets the supplier's value
    (core rule), nor the id of a record that is not shared with it."""
    data = fam.schema_out.from_orm(obj).model_dump()
    if user.role != Role.CUSTOMER:
        return data
    for name in fam.record_fields:
        linked = getattr(obj, name, None)
        if linked is not None and not linked.shared:
            data[name] = None
    return rules.for_customer(_KINDS.get(fam.model, ""), data)


# -- what every family's operations share; the endpoints themselves are listed below ------


def _visible(fam: Family, request: HttpRequest, account: Account):
    return (
        fam.model.objects.visible_to(request.auth)
        .filter(account=account)
        .prefetch_related(*fam.prefetch)
    )


def _one(fam: Family, request: HttpRequest, account_id: int, record_id: int):
    account = _visible_account(request, account_id)
    return account, get_object_or_404(_visible(fam, request, account), pk=record_id)


def _list(fam: Family, request: HttpRequest, account_id: int, limit: int, offset: int):
    limit, offset = _page(limit, offset)
    account = _visible_account(request, account_id)
    qs = _visible(fam, request, account)
    items = [_dump(fam, r, request.auth) for r in qs[offset : offset + limit]]
    return {"items": items, "count": qs.count(), "limit": limit, "offset": offset}


def _create(fam: Family, request: HttpRequest, account_id: int, payload: Schema):
    account = _visible_account(request, account_id)
    user = request.auth
    if not _may_create(user, account, fam):
        raise HttpError(403, f"you may not add {fam.path} to this account")
    data, m2m = _resolve(fam, account, payload.dict(exclude_unset=True))
    if user.role == Role.CUSTOMER and fam.customer_rules:
        data = fam.customer_rules(data, user)  # names a person not its own
    obj = fam.create(user, account, data, m2m)
    obj = _visible(fam, request, account).get(pk=obj.pk)
    return JsonResponse(_dump(fam, obj, user), status=201, encoder=NinjaJSONEncoder)


def _get(fam: Family, request: HttpRequest, account_id: int, record_id: int):
    _, obj = _one(fam, request, account_id, record_id)
    return _dump(fam, obj, request.auth)


def _update(fam: Family, request: HttpRequest, account_id: int, record_id: int, payload: Schema):
    account, obj = _one(fam, request, account_id, record_id)
    if not _may_change(request.auth, account, fam, obj):
        raise HttpError(403, f"you may not change these {fam.path}")
    if fam.frozen and (why := fam.frozen(obj)):
        raise HttpError(403, why)
    data, m2m = _resolve(fam, account, payload.dict(exclude_unset=True))
    version = data.pop("version")

    if request.auth.role == Role.CUSTOMER and fam.customer_rules:
        data = fam.customer_rules(
            {**data, "person": data.get("person", getattr(obj, "person", None))}, request.auth
        )
    if fam.check:
        current = {"two_way": getattr(obj, "two_way", True)}
        if "participants" not in m2m and "participants" in fam.m2m_fields:
            current["participants"] = list(obj.participants.all())
        if errors := fam.check({**current, **data, **m2m}):
            raise ModelValidationError(errors)  # answered 422 by the API's handler
    if fam.update:
        fam.update(request.auth, obj, data, version, m2m)
    else:
        with transaction.atomic():
            save_versioned(obj, data, version, request.auth)
            for name, people in m2m.items():
                getattr(obj, name).set(people)
    return _dump(fam, obj, request.auth)


def _delete(fam: Family, request: HttpRequest, account_id: int, record_id: int):
    account, obj = _one(fam, request, account_id, record_id)
    if request.auth.role == Role.CUSTOMER or not can(request.auth, "change", account):
        raise HttpError(403, f"you may not delete these {fam.path}")
    if fam.frozen and (why := fam.frozen(obj)):
        raise HttpError(403, why)
    if fam.delete:
        fam.delete(request.auth, obj)
    else:
        soft_delete(obj, request.auth)
    return Status(204, None)


# -- the endpoints, one by one, so that each can be found by its path -------------------


@router.get(
    "/{id:account_id}/interactions",
    url_name="list_interactions",
    operation_id="list_interactions",
    summary="List logged interactions (a customer: those shared with it)",
)
def list_interactions(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    return _list(INTERACTIONS, request, account_id, limit, offset)


@router.post(
    "/{id:account_id}/interactions",
    url_name="create_interactions",
    operation_id="create_interactions",
    response={201: s.InteractionOut},
    summary="Log an interaction",
)
def create_interaction(request: HttpRequest, account_id: int, payload: s.InteractionIn):
    return _create(INTERACTIONS, request, account_id, payload)


@router.get(
    "/{id:account_id}/interactions/{id:record_id}",
    url_name="get_interactions",
    operation_id="get_interactions",
    summary="One interaction",
)
def get_interaction(request: HttpRequest, account_id: int, record_id: int):
    return _get(INTERACTIONS, request, account_id, record_id)


@router.patch(
    "/{id:account_id}/interactions/{id:record_id}",
    url_name="update_interactions",
    operation_id="update_interactions",
    summary="Correct an interaction (with version)",
)
def update_interaction(
    request: HttpRequest, account_id: int, record_id: int, payload: s.InteractionPatch
):
    return _update(INTERACTIONS, request, account_id, record_id, payload)


@router.delete(
    "/{id:account_id}/interactions/{id:record_id}",
    url_name="delete_interactions",
    operation_id="delete_interactions",
    response={204: None},
    summary="Delete an interaction (restorable)",
)
def delete_interaction(request: HttpRequest, account_id: int, record_id: int):
    return _delete(INTERACTIONS, request, account_id, record_id)


@router.get(
    "/{id:account_id}/initiatives",
    url_name="list_initiatives",
    operation_id="list_initiatives",
    summary="List joint initiatives (a customer: shared ones, never our value)",
)
def list_initiatives(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    return _list(INITIATIVES, request, account_id, limit, offset)


@router.post(
    "/{id:account_id}/initiatives",
    url_name="create_initiatives",
    operation_id="create_initiatives",
    response={201: s.InitiativeOut},
    summary="Start (supplier) or propose (customer) an initiative",
)
def create_initiative(request: HttpRequest, account_id: int, payload: s.InitiativeIn):
    return _create(INITIATIVES, request, account_id, payload)


@router.get(
    "/{id:account_id}/initiatives/{id:record_id}",
    url_name="get_initiatives",
    operation_id="get_initiatives",
    summary="One initiative",
)
def get_initiative(request: HttpRequest, account_id: int, record_id: int):
    return _get(INITIATIVES, request, account_id, record_id)


@router.patch(
    "/{id:account_id}/initiatives/{id:record_id}",
    url_name="update_initiatives",
    operation_id="update_initiatives",
    summary="Change an initiative (with version)",
)
def update_initiative(
    request: HttpRequest, account_id: int, record_id: int, payload: s.InitiativePatch
):
    return _update(INITIATIVES, request, account_id, record_id, payload)


@router.delete(
    "/{id:account_id}/initiatives/{id:record_id}",
    url_name="delete_initiatives",
    operation_id="delete_initiatives",
    response={204: None},
    summary="Delete an initiative (restorable)",
)
def delete_initiative(request: HttpRequest, account_id: int, record_id: int):
    return _delete(INITIATIVES, request, account_id, record_id)


@router.get(
    "/{id:account_id}/problems",
    url_name="list_problems",
    operation_id="list_problems",
    summary="List problems (a customer: shared ones)",
)
def list_problems(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    return _list(PROBLEMS, request, account_id, limit, offset)


@router.post(
    "/{id:account_id}/problems",
    url_name="create_problems",
    operation_id="create_problems",
    response={201: s.ProblemOut},
    summary="Raise a problem (either side, in its own words)",
)
def create_problem(request: HttpRequest, account_id: int, payload: s.ProblemIn):
    return _create(PROBLEMS, request, account_id, payload)


@router.get(
    "/{id:account_id}/problems/{id:record_id}",
    url_name="get_problems",
    operation_id="get_problems",
    summary="One problem",
)
def get_problem(request: HttpRequest, account_id: int, record_id: int):
    return _get(PROBLEMS, request, account_id, record_id)


@router.patch(
    "/{id:account_id}/problems/{id:record_id}",
    url_name="update_problems",
    operation_id="update_problems",
    summary="Change a problem (with version; each side frames its own side)",
)
def update_problem(request: HttpRequest, account_id: int, record_id: int, payload: s.ProblemPatch):
    return _update(PROBLEMS, request, account_id, record_id, payload)


@router.delete(
    "/{id:account_id}/problems/{id:record_id}",
    url_name="delete_problems",
    operation_id="delete_problems",
    response={204: None},
    summary="Delete a problem (restorable)",
)
def delete_problem(request: HttpRequest, account_id: int, record_id: int):
    return _delete(PROBLEMS, request, account_id, record_id)


@router.get(
    "/{id:account_id}/pulses",
    url_name="list_pulses",
    operation_id="list_pulses",
    summary="List pulses (a customer: its own)",
)
def list_pulses(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    return _list(PULSES, request, account_id, limit, offset)


@router.post(
    "/{id:account_id}/pulses",
    url_name="create_pulses",
    operation_id="create_pulses",
    response={201: s.PulseOut},
    summary="Record a pulse (a customer: its own)",
)
def create_pulse(request: HttpRequest, account_id: int, payload: s.PulseIn):
    return _create(PULSES, request, account_id, payload)


@router.get(
    "/{id:account_id}/pulses/{id:record_id}",
    url_name="get_pulses",
    operation_id="get_pulses",
    summary="One pulse",
)
def get_pulse(request: HttpRequest, account_id: int, record_id: int):
    return _get(PULSES, request, account_id, record_id)


@router.patch(
    "/{id:account_id}/pulses/{id:record_id}",
    url_name="update_pulses",
    operation_id="update_pulses",
    summary="Change a pulse (with version)",
)
def update_pulse(request: HttpRequest, account_id: int, record_id: int, payload: s.PulsePatch):
    return _update(PULSES, request, account_id, record_id, payload)


@router.delete(
    "/{id:account_id}/pulses/{id:record_id}",
    url_name="delete_pulses",
    operation_id="delete_pulses",
    response={204: None},
    summary="Delete a pulse (restorable; not a customer's own)",
)
def delete_pulse(request: HttpRequest, account_id: int, record_id: int):
    return _delete(PULSES, request, account_id, record_id)


@router.get(
    "/{id:account_id}/preferences",
    url_name="list_preferences",
    operation_id="list_preferences",
    summary="List communication preferences (a customer: its own)",
)
def list_preferences(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    return _list(PREFERENCES, request, account_id, limit, offset)


@router.post(
    "/{id:account_id}/preferences",
    url_name="create_preferences",
    operation_id="create_preferences",
    response={201: s.PreferenceOut},
    summary="Set a communication preference",
)
def create_preference(request: HttpRequest, account_id: int, payload: s.PreferenceIn):
    return _create(PREFERENCES, request, account_id, payload)


@router.get(
    "/{id:account_id}/preferences/{id:record_id}",
    url_name="get_preferences",
    operation_id="get_preferences",
    summary="One preference",
)
def get_preference(request: HttpRequest, account_id: int, record_id: int):
    return _get(PREFERENCES, request, account_id, record_id)


@router.patch(
    "/{id:account_id}/preferences/{id:record_id}",
    url_name="update_preferences",
    operation_id="update_preferences",
    summary="Change a preference (with version)",
)
def update_preference(
    request: HttpRequest, account_id: int, record_id: int, payload: s.PreferencePatch
):
    return _update(PREFERENCES, request, account_id, record_id, payload)


@router.delete(
    "/{id:account_id}/preferences/{id:record_id}",
    url_name="delete_preferences",
    operation_id="delete_preferences",
    response={204: None},
    summary="Delete a preference (restorable)",
)
def delete_preference(request: HttpRequest, account_id: int, record_id: int):
    return _delete(PREFERENCES, request, account_id, record_id)


@router.get(
    "/{id:account_id}/phases",
    url_name="list_phases",
    operation_id="list_phases",
    summary="List phase statements (a customer: its own side's)",
)
def list_phases(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    return _list(PHASES, request, account_id, limit, offset)


@router.post(
    "/{id:account_id}/phases",
    url_name="create_phases",
    operation_id="create_phases",
    response={201: s.PhaseOut},
    summary="Record a phase statement (a customer: its own view)",
)
def create_phase(request: HttpRequest, account_id: int, payload: s.PhaseIn):
    return _create(PHASES, request, account_id, payload)


@router.get(
    "/{id:account_id}/phases/{id:record_id}",
    url_name="get_phases",
    operation_id="get_phases",
    summary="One phase statement",
)
def get_phase(request: HttpRequest, account_id: int, record_id: int):
    return _get(PHASES, request, account_id, record_id)


@router.patch(
    "/{id:account_id}/phases/{id:record_id}",
    url_name="update_phases",
    operation_id="update_phases",
    summary="Change a phase statement (with version)",
)
def update_phase(request: HttpRequest, account_id: int, record_id: int, payload: s.PhasePatch):
    return _update(PHASES, request, account_id, record_id, payload)


@router.delete(
    "/{id:account_id}/phases/{id:record_id}",
    url_name="delete_phases",
    operation_id="delete_phases",
    response={204: None},
    summary="Delete a phase statement (restorable; not kamkit's nor a customer's own)",
)
def delete_phase(request: HttpRequest, account_id: int, record_id: int):
    return _delete(PHASES, request, account_id, record_id)


@router.post(
    "/{id:account_id}/problems/{id:record_id}/stage",
    url_name="move_problem_stage",
    operation_id="move_problem_stage",
    response=s.ProblemOut,
    summary="Move a problem to a later stage; the date is kept",
)
def move_problem_stage(request: HttpRequest, account_id: int, record_id: int, payload: s.StageMove):
    account = _visible_account(request, account_id)
    problem = get_object_or_404(
        Problem.objects.visible_to(request.auth).filter(account=account), pk=record_id
    )
    if request.auth.role == Role.CUSTOMER or not can(request.auth, "change", account):
        raise HttpError(403, "you may not move this problem")
    if message := services.move_problem_stage(problem, payload.stage, payload.on, request.auth):
        field = "stage" if rules.check_stage_move(problem.stage, payload.stage) else "on"
        raise _field_error(field, message)
    return Problem.objects.prefetch_related("participants", "stage_changes").get(pk=problem.pk)


def _problem(request: HttpRequest, account_id: int, record_id: int) -> Problem:
    account = _visible_account(request, account_id)
    return get_object_or_404(
        Problem.objects.visible_to(request.auth).filter(account=account).select_related("account"),
        pk=record_id,
    )


@router.get(
    "/{id:account_id}/problems/{id:record_id}/comments",
    url_name="list_problem_comments",
    operation_id="list_problem_comments",
    response=s.CommentPage,
    summary="A problem's conversation (a customer: the shared thread only)",
)
def list_problem_comments(
    request: HttpRequest,
    account_id: int,
    record_id: int,
    limit: int = limit_param(),
    offset: int = offset_param(),
):
    from .models import ProblemComment

    limit, offset = _page(limit, offset)
    problem = _problem(request, account_id, record_id)
    qs = ProblemComment.objects.visible_to(request.auth).filter(problem=problem)
    return {
        "items": list(qs[offset : offset + limit]),
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@router.post(
    "/{id:account_id}/problems/{id:record_id}/comments",
    url_name="comment_on_problem",
    operation_id="comment_on_problem",
    response={201: s.CommentOut},
    summary="Reply on a problem (the supplier may mark it internal)",
)
def comment_on_problem(request: HttpRequest, account_id: int, record_id: int, payload: s.CommentIn):
    problem = _problem(request, account_id, record_id)
    comment = services.comment_on_problem(
        request.auth, problem, payload.text, internal=payload.internal
    )
    return Status(201, comment)


@router.post(
    "/{id:account_id}/problems/{id:record_id}/stage/undo",
    url_name="undo_problem_stage",
    operation_id="undo_problem_stage",
    response=s.ProblemOut,
    summary="Take back a problem's last stage move, with a reason (kept in the history)",
)
def undo_problem_stage(request: HttpRequest, account_id: int, record_id: int, payload: s.UndoIn):
    problem = _problem(request, account_id, record_id)
    services.undo_stage_move(request.auth, problem, payload.reason)
    return Problem.objects.prefetch_related("participants", "stage_changes").get(pk=problem.pk)


class AgreeIn(Schema):
    for_customer: bool = False
    """The supplier records the customer's agreement (only while no customer person of
    the account has a login)."""


@router.post(
    "/{id:account_id}/problems/{id:record_id}/definition/agree",
    url_name="agree_problem_definition",
    operation_id="agree_problem_definition",
    response=s.ProblemOut,
    summary="One side agrees on a reported problem's definition (both: jointly defined)",
)
def agree_problem_definition(
    request: HttpRequest, account_id: int, record_id: int, payload: AgreeIn
):
    problem = _problem(request, account_id, record_id)
    services.agree_definition(request.auth, problem, for_customer=payload.for_customer)
    return Problem.objects.prefetch_related("participants", "stage_changes").get(pk=problem.pk)


def _initiative(request: HttpRequest, account_id: int, record_id: int) -> JointInitiative:
    account = _visible_account(request, account_id)
    return get_object_or_404(
        JointInitiative.objects.visible_to(request.auth).filter(account=account), pk=record_id
    )


@router.post(
    "/{id:account_id}/initiatives/{id:record_id}/contribution",
    url_name="update_contribution",
    operation_id="update_contribution",
    summary="The customer changes its own contribution to a shared initiative",
)
def update_contribution(
    request: HttpRequest, account_id: int, record_id: int, payload: s.ContributionIn
):
    item = _initiative(request, account_id, record_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    services.update_contribution(request.auth, item, changes, version)
    return _dump(INITIATIVES, JointInitiative.objects.get(pk=item.pk), request.auth)


@router.post(
    "/{id:account_id}/initiatives/{id:record_id}/confirm-value",
    url_name="confirm_value",
    operation_id="confirm_value",
    summary="The customer confirms the value it realized (in delivery or realized)",
)
def confirm_value(request: HttpRequest, account_id: int, record_id: int, payload: s.ConfirmValueIn):
    item = _initiative(request, account_id, record_id)
    services.confirm_value(request.auth, item, payload.realized_value_customer)
    return _dump(INITIATIVES, JointInitiative.objects.get(pk=item.pk), request.auth)


@router.post(
    "/{id:account_id}/problems/{id:record_id}/confirm-solved",
    url_name="confirm_solved",
    operation_id="confirm_solved",
    response=s.ProblemOut,
    summary="The customer confirms a deployed problem is solved (it closes)",
)
def confirm_solved(request: HttpRequest, account_id: int, record_id: int):
    problem = _problem(request, account_id, record_id)
    if why := services.customer_step(request.auth, problem, "confirm"):
        raise HttpError(409, why)
    return Problem.objects.prefetch_related("participants", "stage_changes").get(pk=problem.pk)


class InternalUnitsIn(Schema):
    internal_units: list[int] = Field(
        ..., max_length=500, description="The ids of the internal units involved (all of them)."
    )


def _internal_record(request: HttpRequest, kind: str, account_id: int, record_id: int):
    """A problem or initiative of the supplier's side: a customer never learns of the
    internal units (404)."""
    if request.auth.role == Role.CUSTOMER:
        raise HttpError(404, "Not Found")
    if kind == "problems":
        return _problem(request, account_id, record_id)
    return _initiative(request, account_id, record_id)


def _units_out(record) -> dict:
    units = [{"id": u.pk, "name": u.name} for u in record.internal_units.all()]
    return {"items": units, "count": len(units)}


def _internal_units_routes(kind: str) -> None:
    """GET and PUT ``/{account}/{kind}/{record}/internal-units`` for problems and
    initiatives (one definition: the two differ only in the record they find)."""
    single = kind[:-1]

    def read(request: HttpRequest, account_id: int, record_id: int):
        return _units_out(_internal_record(request, kind, account_id, record_id))

    def write(request: HttpRequest, account_id: int, record_id: int, payload: InternalUnitsIn):
        record = _internal_record(request, kind, account_id, record_id)
        services.set_internal_units(request.auth, record, payload.internal_units)
        return _units_out(record)

    path = f"/{{id:account_id}}/{kind}/{{id:record_id}}/internal-units"
    router.get(
        path,
        url_name=f"{single}_internal_units",
        operation_id=f"{single}_internal_units",
        summary=f"Our internal units involved in a {single} (never the customer's to see)",
    )(read)
    router.put(
        path,
        url_name=f"set_{single}_internal_units",
        operation_id=f"set_{single}_internal_units",
        summary=f"Name the internal units involved in a {single} (all of them)",
    )(write)


_internal_units_routes("problems")
_internal_units_routes("initiatives")


@router.get(
    "/{id:account_id}/objectives",
    url_name="list_objectives",
    operation_id="list_objectives",
    summary="List the account plan's objectives (a customer: the shared ones, the mutual plan)",
)
def list_objectives(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    return _list(OBJECTIVES, request, account_id, limit, offset)


@router.post(
    "/{id:account_id}/objectives",
    url_name="create_objectives",
    operation_id="create_objectives",
    response={201: s.ObjectiveOut},
    summary="Add an objective to the account plan",
)
def create_objective(request: HttpRequest, account_id: int, payload: s.ObjectiveIn):
    return _create(OBJECTIVES, request, account_id, payload)


@router.get(
    "/{id:account_id}/objectives/{id:record_id}",
    url_name="get_objectives",
    operation_id="get_objectives",
    summary="One objective",
)
def get_objective(request: HttpRequest, account_id: int, record_id: int):
    return _get(OBJECTIVES, request, account_id, record_id)


@router.patch(
    "/{id:account_id}/objectives/{id:record_id}",
    url_name="update_objectives",
    operation_id="update_objectives",
    summary="Change an objective (with version)",
)
def update_objective(
    request: HttpRequest, account_id: int, record_id: int, payload: s.ObjectivePatch
):
    return _update(OBJECTIVES, request, account_id, record_id, payload)


@router.delete(
    "/{id:account_id}/objectives/{id:record_id}",
    url_name="delete_objectives",
    operation_id="delete_objectives",
    response={204: None},
    summary="Delete an objective (restorable)",
)
def delete_objective(request: HttpRequest, account_id: int, record_id: int):
    return _delete(OBJECTIVES, request, account_id, record_id)


@router.get(
    "/{id:account_id}/tasks",
    url_name="list_tasks",
    operation_id="list_tasks",
    summary="List tasks (a customer: those shared with it)",
)
def list_tasks(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    return _list(TASKS, request, account_id, limit, offset)


@router.post(
    "/{id:account_id}/tasks",
    url_name="create_tasks",
    operation_id="create_tasks",
    response={201: s.TaskOut},
    summary="Add a task",
)
def create_task(request: HttpRequest, account_id: int, payload: s.TaskIn):
    return _create(TASKS, request, account_id, payload)


@router.get(
    "/{id:account_id}/tasks/{id:record_id}",
    url_name="get_tasks",
    operation_id="get_tasks",
    summary="One task",
)
def get_task(request: HttpRequest, account_id: int, record_id: int):
    return _get(TASKS, request, account_id, record_id)


@router.patch(
    "/{id:account_id}/tasks/{id:record_id}",
    url_name="update_tasks",
    operation_id="update_tasks",
    summary="Change a task (done_on marks it done) (with version)",
)
def update_task(request: HttpRequest, account_id: int, record_id: int, payload: s.TaskPatch):
    return _update(TASKS, request, account_id, record_id, payload)


@router.delete(
    "/{id:account_id}/tasks/{id:record_id}",
    url_name="delete_tasks",
    operation_id="delete_tasks",
    response={204: None},
    summary="Delete a task (restorable)",
)
def delete_task(request: HttpRequest, account_id: int, record_id: int):
    return _delete(TASKS, request, account_id, record_id)


@router.get(
    "/{id:account_id}/stakeholders",
    url_name="stakeholder_map",
    operation_id="stakeholder_map",
    response=s.StakeholderMapOut,
    summary="The stakeholder map (the supplier's side only: a customer gets 404)",
)
def stakeholder_map(request: HttpRequest, account_id: int):
    from .stakeholders import account_map

    if request.auth.role == Role.CUSTOMER:
        raise HttpError(404, "Not Found")
    account = _visible_account(request, account_id)
    result = account_map(account)
    people = []
    for view in sorted(result.people.values(), key=lambda v: (v.person.name.lower(), v.person.id)):
        p = view.person
        people.append(
            {
                "id": p.id,
                "name": p.name,
                "title": p.title,
                "department": p.department,
                "reports_to": p.reports_to,
                "buying_role": p.buying_role,
                "attitude": p.attitude,
                "influence": p.influence,
                "contacts_per_month": round(view.contacts_per_month, 3),
                "band_status": view.band_status,
                "ties": [
                    {
                        "supplier": t.supplier,
                        "supplier_name": t.supplier_name,
                        "last_at": t.last_at,
                        "contacts": t.contacts,
                        "freshness": t.freshness,
                    }
                    for t in view.ties
                ],
            }
        )
    return {
        "account": account.pk,
        "window_days": result.window_days,
        "people": people,
        "warnings": result.warnings,
    }
