"""/api/v1/accounts and their persons (SPEC §2.1). Permission through visible_to / can."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from kamkit.web.users.models import Role, User

from . import services
from .filters import AccountFilter
from .models import Account, KAMUnit, Person, can
from .schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    AccountPublic,
    PersonIn,
    PersonOut,
    PersonPatch,
    ReassignIn,
    ReassignOut,
)

router = Router(tags=["accounts"])
MAX_LIMIT = 500
MAX_OFFSET = 2**31
"""Far beyond any list (a larger offset overflowed the database's integer: a 500)."""


def limit_param():
    """``limit``, documented with its bounds in the OpenAPI schema (issue 17)."""
    return Query(50, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")


def offset_param():
    return Query(0, ge=0, le=MAX_OFFSET, description="Items to skip, 0 to 2^31.")


class ListParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip, 0 to 2^31.")
    q: str | None = None
    phase: str | None = None
    ka_manager: int | Literal["null"] | None = Field(
        None, description="A KA manager's user id, or `null`: the accounts nobody manages."
    )
    kam_unit: int | None = None
    fell: Literal["month"] | None = Field(
        None, description="`month`: the accounts whose index fell enough for an alert."
    )
    contact: Literal["none"] | None = Field(
        None,
        description="`none`: the accounts with no interaction (that the caller may see) "
        "for 30 days or more, or ever.",
    )
    ordering: str | None = None


def _page(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or limit > MAX_LIMIT:
        raise HttpError(422, f"limit must be between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise HttpError(422, "offset must be 0 or more")
    if offset > MAX_OFFSET:
        raise HttpError(422, f"offset must be at most {MAX_OFFSET:,}")
    return limit, offset


def _serialize(user: User, account: Account) -> dict:
    if user.role == Role.CUSTOMER:
        return AccountPublic.from_orm(account).model_dump(by_alias=False)
    if not hasattr(account, "last_contact"):  # one account, not read by the list
        account.last_contact = (
            Account.objects.with_last_contact(user)
            .filter(pk=account.pk)
            .values_list("last_contact", flat=True)
            .first()
        )
    return AccountOut.from_orm(account).model_dump(by_alias=False)


def _visible_account(request: HttpRequest, account_id: int) -> Account:
    return get_object_or_404(Account.objects.visible_to(request.auth), pk=account_id)


def _references(data: dict) -> dict:
    """Turn ``ka_manager`` / ``kam_unit`` ids into objects, naming a bad one."""
    out = dict(data)
    if "ka_manager" in out:
        mid = out.pop("ka_manager")
        if mid is None:
            out["ka_manager"] = None
        else:
            manager = User.objects.filter(pk=mid, role=Role.KA_MANAGER, is_active=True).first()
            if manager is None:
                raise HttpError(422, f"ka_manager: no active KA manager with id {mid}")
            out["ka_manager"] = manager
    if "kam_unit" in out:
        uid = out.pop("kam_unit")
        if uid is None:
            out["kam_unit"] = None
        else:
            unit = KAMUnit.objects.alive().filter(pk=uid).first()
            if unit is None:
                raise HttpError(422, f"kam_unit: no KAM unit with id {uid}")
            out["kam_unit"] = unit
    return out


@router.get("", summary="List the accounts you may see")
def list_accounts(request: HttpRequest, params: Query[ListParams]):
    limit, offset = _page(params.limit, params.offset)
    user = request.auth
    base = Account.objects.visible_to(user).with_assessment().with_last_contact(user)
    filters = {
        k: v for k, v in params.dict().items() if k not in ("limit", "offset") and v is not None
    }
    flt = AccountFilter(filters, queryset=base)
    if not flt.is_valid():
        raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in flt.errors.items()))
    qs = flt.qs if filters.get("ordering") else flt.qs.order_by("name", "pk")
    count = qs.count()
    items = [_serialize(user, a) for a in qs[offset : offset + limit]]
    return {"items": items, "count": count, "limit": limit, "offset": offset}


@router.post("", response={201: AccountOut}, summary="Create an account")
def create_account(request: HttpRequest, payload: AccountIn):
    if not request.auth.sees_all_accounts:
        raise HttpError(403, "only a KAM director or an administrator creates accounts")
    data = _references(payload.dict())
    return Status(201, _serialize(request.auth, services.create_account(request.auth, data)))


@router.get("/{id:account_id}", summary="One account")
def get_account(request: HttpRequest, account_id: int):
    return _serialize(request.auth, _visible_account(request, account_id))


@router.patch("/{id:account_id}", response=AccountOut, summary="Change an account")
def update_account(request: HttpRequest, account_id: int, payload: AccountPatch):
    account = _visible_account(request, account_id)
    if not can(request.auth, "change", account):
        raise HttpError(403, "you may not change this account")
    requested = payload.dict(exclude_unset=True)
    if not request.auth.sees_all_accounts and {"ka_manager", "kam_unit"} & requested.keys():
        raise HttpError(403, "only a KAM director reassigns accounts (ka_manager, kam_unit)")
    changes = _references(requested)
    version = changes.pop("version")
    return _serialize(
        request.auth, services.update_account(request.auth, account, changes, version)
    )


@router.delete("/{id:account_id}", response={204: None}, summary="Delete (restorable)")
def delete_account(request: HttpRequest, account_id: int):
    account = _visible_account(request, account_id)
    services.delete_account(request.auth, account)
    return Status(204, None)


@router.post("/reassign", response=ReassignOut, summary="Give many accounts another KA manager")
def reassign_accounts(request: HttpRequest, payload: ReassignIn):
    """The portfolio's Reassign for scripts (KAM directors, administrators): every
    account named goes to ``ka_manager`` (and to ``kam_unit`` when given), each through
    the account's own update (its version, its history, its new manager told); all or
    nothing. An id that names no account you may see is refused by name."""
    user = request.auth
    if not user.sees_all_accounts:
        raise HttpError(403, "only a KAM director or an administrator reassigns accounts")
    ids = list(dict.fromkeys(payload.accounts))  # each once, in the order given
    found = {a.pk: a for a in Account.objects.visible_to(user).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise HttpError(422, f"accounts: no account with id {missing[0]}")
    changes = _references(
        {"ka_manager": payload.ka_manager}
        | ({"kam_unit": payload.kam_unit} if payload.kam_unit is not None else {})
    )
    changed = services.reassign_accounts(user, [found[i] for i in ids], changes)
    return {"changed": changed, "accounts": ids}


@router.post("/{id:account_id}/restore", response=AccountOut, summary="Restore a deleted account")
def restore_account(request: HttpRequest, account_id: int):
    if not request.auth.sees_all_accounts:
        raise HttpError(404, "Not Found")
    account = get_object_or_404(Account.objects.deleted(), pk=account_id)
    return _serialize(request.auth, services.restore_account(request.auth, account))


@router.get("/{id:account_id}/persons", summary="People of an account, both sides")
def list_persons(
    request: HttpRequest, account_id: int, limit: int = limit_param(), offset: int = offset_param()
):
    limit, offset = _page(limit, offset)
    account = _visible_account(request, account_id)
    qs = (
        Person.objects.visible_to(request.auth)
        .filter(account=account)
        .order_by("side", "name", "pk")
    )
    items = [PersonOut.from_orm(p).model_dump() for p in qs[offset : offset + limit]]
    return {"items": items, "count": qs.count(), "limit": limit, "offset": offset}


@router.post("/{id:account_id}/persons", response={201: PersonOut}, summary="Add a person")
def create_person(request: HttpRequest, account_id: int, payload: PersonIn):
    account = _visible_account(request, account_id)
    data = payload.dict()
    return Status(201, services.add_person(request.auth, account, data))


def _visible_person(request: HttpRequest, account_id: int, person_id: int) -> Person:
    return get_object_or_404(
        Person.objects.visible_to(request.auth), pk=person_id, account_id=account_id
    )


@router.get("/{id:account_id}/persons/{id:person_id}", response=PersonOut)
def get_person(request: HttpRequest, account_id: int, person_id: int):
    return _visible_person(request, account_id, person_id)


@router.patch("/{id:account_id}/persons/{id:person_id}", response=PersonOut)
def update_person(request: HttpRequest, account_id: int, person_id: int, payload: PersonPatch):
    person = _visible_person(request, account_id, person_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.update_person(request.auth, person, changes, version)


@router.delete("/{id:account_id}/persons/{id:person_id}", response={204: None})
def delete_person(request: HttpRequest, account_id: int, person_id: int):
    person = _visible_person(request, account_id, person_id)
    services.remove_person(request.auth, person)
    return Status(204, None)


internal_units_router = Router(tags=["accounts"])


@internal_units_router.get(
    "", url_name="list_internal_units", summary="The firm's internal units (not for customers)"
)
def list_internal_units(
    request: HttpRequest, limit: int = limit_param(), offset: int = offset_param()
):
    from .models import InternalUnit

    limit, offset = _page(limit, offset)
    qs = InternalUnit.objects.none() if request.auth.role == Role.CUSTOMER else InternalUnit.objects
    qs = qs.order_by("name", "pk")
    items = [{"id": u.pk, "name": u.name} for u in qs[offset : offset + limit]]
    return {"items": items, "count": qs.count(), "limit": limit, "offset": offset}
