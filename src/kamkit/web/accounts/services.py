"""Accounts and their people: the one write path (issue 15) for the pages, the API and
the admin's restore. Each function takes the acting user, checks permission (Django's
``PermissionDenied``), validates (``ValidationError`` naming each field), saves with the
version check and names the user as the history author."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kamkit.web.base import by, check_all, restore, save_versioned, soft_delete

from .models import Account, Person, can

REASSIGNING = ("ka_manager", "kam_unit")


def create_account(user, data: dict[str, Any]) -> Account:
    """A new account: KAM directors and administrators (kamkit itself when ``user`` is
    None: the demo and imports)."""
    if user is not None and not user.sees_all_accounts:
        raise PermissionDenied("only a KAM director or an administrator creates accounts")
    with transaction.atomic():
        account = by(Account(**data), user)
        account.full_clean()
        account.save()
    return account


def update_account(user, account: Account, changes: dict[str, Any], version: int) -> Account:
    """Change an account, with the version the editor loaded. Its KA manager may change
    it, but only a director reassigns it (KA manager, KAM unit)."""
    if not can(user, "change", account):
        raise PermissionDenied("you may not change this account")
    moved = [f for f in REASSIGNING if f in changes and changes[f] != getattr(account, f)]
    if moved and not user.sees_all_accounts:
        raise PermissionDenied("only a KAM director reassigns accounts (ka_manager, kam_unit)")
    return save_versioned(account, changes, version, user)


def delete_account(user, account: Account) -> None:
    """Delete an account (restorable by a director or an administrator)."""
    if not can(user, "delete", account):
        raise PermissionDenied("you may not delete this account")
    soft_delete(account, user)


def restore_account(user, account: Account) -> Account:
    if not user.sees_all_accounts:
        raise PermissionDenied("only a KAM director or an administrator restores accounts")
    restore(account, user)
    return account


def add_person(user, account: Account, data: dict[str, Any]) -> Person:
    """A person of either side on the account (the account's editors; kamkit itself
    when ``user`` is None: the demo and imports)."""
    if user is not None and not can(user, "change", account):
        raise PermissionDenied("you may not add people to this account")
    with transaction.atomic():
        person = by(Person(account=account, **data), user)
        person.full_clean()
        person.save()
    return person


def update_person(user, person: Person, changes: dict[str, Any], version: int) -> Person:
    if not can(user, "change", person):
        raise PermissionDenied("you may not change this person")
    return save_versioned(person, changes, version, user)


def remove_person(user, person: Person) -> None:
    """Remove a person (restorable by an administrator; what they took part in stays)."""
    if not can(user, "delete", person):
        raise PermissionDenied("you may not remove this person")
    soft_delete(person, user)


def create_accounts_in_bulk(user, accounts: list[Account]) -> int:
    """Many accounts at once (the demo loader, later imports): each checked as by
    ``create_account``; all or nothing."""
    if user is not None and not user.sees_all_accounts:
        raise PermissionDenied("only a KAM director or an administrator creates accounts")
    check_all(accounts)
    with transaction.atomic():
        Account.objects.bulk_create(accounts, batch_size=1000)
    return len(accounts)


def add_people_in_bulk(user, people: list[Person]) -> int:
    """Many people at once, each of an account the user may change; all or nothing."""
    if user is not None:
        for account in Account.objects.filter(pk__in={p.account_id for p in people}):
            if not can(user, "change", account):
                raise PermissionDenied("you may not add people to this account")
    check_all(people)
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1000)
    return len(people)
