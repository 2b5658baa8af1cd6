"""Accounts and their people: the one write path (issue 15) for the pages, the API and
the admin's restore. Each function takes the acting user, checks permission (Django's
``PermissionDenied``), validates (``ValidationError`` naming each field), saves with the
version check and names the user as the history author."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from kamkit.web.base import by, check_all, insert_many, restore, save_versioned, soft_delete

from .models import Account, Person, can

REASSIGNING = ("ka_manager", "kam_unit")
REASSIGN_LIMIT = 500
"""Accounts one Reassign changes at most (the page and the API): each is checked, saved
with its history and its new manager told within the request (kamkit assumption: a
team's portfolio; a larger move is several smaller ones)."""


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
    if user is not None and not can(user, "change", account):  # None: kamkit (imports)
        raise PermissionDenied("you may not change this account")
    moved = [f for f in REASSIGNING if f in changes and changes[f] != getattr(account, f)]
    if moved and user is not None and not user.sees_all_accounts:
        raise PermissionDenied("only a KAM director reassigns accounts (ka_manager, kam_unit)")
    before = account.ka_manager_id
    with transaction.atomic():
        saved = save_versioned(account, changes, version, user)
        if user is not None and saved.ka_manager_id not in (None, before, user.pk):
            _tell_new_manager(user, saved)
    return saved


def _tell_new_manager(user, account: Account) -> None:
    """A KA manager given an account (by a director's edit or Reassign) is told, in kamkit
    and by email where notifications go by email. An import's owners are not announced
    (``user`` None: it may bring thousands)."""
    from django.urls import reverse
    from django.utils.translation import gettext_noop

    from kamkit.web.portal.services import notify_people

    # the account is named beside the text (the list) and in the email's subject
    text = gettext_noop("{name} made you its KA manager").format(
        name=user.get_full_name() or user.username
    )
    link = reverse("accounts:detail", kwargs={"pk": account.pk})
    notify_people(account, [account.ka_manager], [], text, link)


def reassign_accounts(user, accounts: list[Account], changes: dict[str, Any]) -> int:
    """Give many accounts another KA manager and/or KAM unit at once (the portfolio's
    Reassign: a manager who leaves, a new team): KAM directors and administrators. Each
    account that changes goes through ``update_account`` (its check, its version, its
    history entry, its new manager told); all or nothing. Returns how many changed."""
    if user is not None and not user.sees_all_accounts:
        raise PermissionDenied("only a KAM director reassigns accounts (ka_manager, kam_unit)")
    unknown = sorted(set(changes) - set(REASSIGNING))
    if unknown:
        raise ValueError(f"reassigning changes only {', '.join(REASSIGNING)}, not {unknown[0]}")
    changed = 0
    with transaction.atomic():
        for account in accounts:
            moved = {f: v for f, v in changes.items() if getattr(account, f) != v}
            if moved:
                update_account(user, account, moved, account.version)
                changed += 1
    return changed


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
    """Change a person, with the version the editor loaded (kamkit itself when ``user``
    is None: imports)."""
    if user is not None and not can(user, "change", person):
        raise PermissionDenied("you may not change this person")
    return save_versioned(person, changes, version, user)


def remove_person(user, person: Person) -> None:
    """Remove a person (restorable by an administrator; what they took part in stays)."""
    if not can(user, "delete", person):
        raise PermissionDenied("you may not remove this person")
    soft_delete(person, user)


def create_accounts_in_bulk(
    user, accounts: list[Account], *, skip_invalid: bool = False
) -> dict[int, dict[str, str]]:
    """Many accounts at once (the demo loader, imports): each checked as by
    ``create_account``; all or nothing, or with ``skip_invalid`` the valid ones, the
    problems of the others returned by position."""
    if user is not None and not user.sees_all_accounts:
        raise PermissionDenied("only a KAM director or an administrator creates accounts")
    problems = check_all(accounts, collect=skip_invalid)
    with transaction.atomic():
        Account.objects.bulk_create(
            [a for n, a in enumerate(accounts) if n not in problems], batch_size=1000
        )
    return problems


def add_people_in_bulk(
    user, people: list[Person], *, skip_invalid: bool = False
) -> dict[int, dict[str, str]]:
    """Many people at once, each of an account the user may change; all or nothing, or
    with ``skip_invalid`` the valid ones (the others' problems returned by position)."""
    if user is not None:
        for account in Account.objects.filter(pk__in={p.account_id for p in people}):
            if not can(user, "change", account):
                raise PermissionDenied("you may not add people to this account")
    problems = check_all(people, exclude=["account", "reports_to"], collect=skip_invalid)
    with transaction.atomic():
        insert_many([p for n, p in enumerate(people) if n not in problems])
    return problems


def set_managers_in_bulk(user, pairs: list[tuple[int, int | None]]) -> dict[int, str]:
    """Whom each person reports to (``(person id, manager id)``; None for nobody), for
    many people at once (imports): a person of the same account, never themselves, each
    account one the user may change. Returns the problem of each pair left out, by
    position; the rest is written in one transaction."""
    ids = {p for pair in pairs for p in pair if p is not None}
    accounts = dict(Person.objects.filter(pk__in=ids).values_list("pk", "account_id"))
    if user is not None:
        for account in Account.objects.filter(pk__in=set(accounts.values())):
            if not can(user, "change", account):
                raise PermissionDenied("you may not change the people of this account")
    problems: dict[int, str] = {}
    changes: dict[int | None, list[int]] = {}
    for n, (person, manager) in enumerate(pairs):
        if manager is not None and manager == person:
            problems[n] = "a person does not report to themselves"
        elif manager is not None and accounts.get(manager) != accounts.get(person):
            problems[n] = "reports to a person of the same account"
        else:
            changes.setdefault(manager, []).append(person)
    with transaction.atomic():
        for manager, people in changes.items():
            for start in range(0, len(people), 500):
                Person.objects.filter(pk__in=people[start : start + 500]).update(
                    reports_to=manager, version=models.F("version") + 1
                )
    return problems
