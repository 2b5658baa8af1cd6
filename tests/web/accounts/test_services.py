"""Accounts and people on their one write path (issue 15): who may, who may not, bad
input, a stale version, and the history's author."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kamkit.web.accounts import services
from kamkit.web.accounts.models import Account, Person
from kamkit.web.base import StaleVersion


def test_accounts_are_created_and_reassigned_by_directors_only(firm):
    director, manager = firm.users["director"], firm.users["manager"]
    made = services.create_account(director, {"name": "Gamma Foods"})
    assert made.history.first().history_user == director
    with pytest.raises(PermissionDenied):
        services.create_account(manager, {"name": "Delta"})
    with pytest.raises(ValidationError) as blank:
        services.create_account(director, {"name": ""})
    assert "name" in blank.value.message_dict
    own = firm.own
    services.update_account(manager, own, {"industry": "cars"}, own.version)
    with pytest.raises(PermissionDenied) as moved:
        services.update_account(manager, own, {"ka_manager": None}, own.version)
    assert "reassigns" in str(moved.value)
    with pytest.raises(StaleVersion):
        services.update_account(manager, own, {"industry": "trucks"}, 1)
    with pytest.raises(PermissionDenied):
        services.update_account(manager, firm.other, {"industry": "x"}, firm.other.version)
    with pytest.raises(PermissionDenied):
        services.delete_account(manager, own)
    services.delete_account(director, made)
    assert Account.objects.deleted().filter(pk=made.pk).exists()
    services.restore_account(director, made)
    assert Account.objects.alive().filter(pk=made.pk).exists()


def test_people_are_added_and_changed_by_the_accounts_editors(firm):
    manager = firm.users["manager"]
    added = services.add_person(manager, firm.own, {"side": "customer", "name": "Kim Buyer"})
    assert added.history.first().history_user == manager
    with pytest.raises(PermissionDenied):
        services.add_person(manager, firm.other, {"side": "customer", "name": "Not mine"})
    with pytest.raises(ValidationError):
        services.add_person(manager, firm.own, {"side": "neither", "name": "X"})
    services.update_person(manager, added, {"role": "buyer"}, added.version)
    with pytest.raises(StaleVersion):
        services.update_person(manager, added, {"role": "head"}, 1)
    services.remove_person(manager, added)
    assert not Person.objects.alive().filter(pk=added.pk).exists()
    with pytest.raises(PermissionDenied):
        services.remove_person(firm.users["customer"], firm.own_person)


def test_many_accounts_are_reassigned_all_or_nothing(firm):
    director, manager = firm.users["director"], firm.users["manager"]
    accounts = list(Account.objects.alive().order_by("pk"))
    with pytest.raises(PermissionDenied):
        services.reassign_accounts(manager, accounts, {"ka_manager": None})
    with pytest.raises(ValueError, match="not name"):
        services.reassign_accounts(director, accounts, {"name": "x"})
    # a director is no KA manager: the second account's check fails, the first is undone
    with pytest.raises(ValidationError) as refused:
        services.reassign_accounts(director, accounts, {"ka_manager": director})
    assert "ka_manager" in refused.value.message_dict
    assert Account.objects.get(pk=firm.own.pk).ka_manager == manager
    accounts = list(Account.objects.alive().order_by("pk"))  # as stored, not as tried
    changed = services.reassign_accounts(director, accounts, {"ka_manager": manager})
    assert changed == len(accounts) - 1  # the own account was the manager's already
    assert set(Account.objects.alive().values_list("ka_manager", flat=True)) == {manager.pk}
    assert Account.objects.get(pk=firm.other.pk).history.first().history_user == director


def test_a_manager_given_an_account_is_told_and_an_import_tells_nobody(firm):
    from kamkit.web.portal.models import Notification

    director, manager = firm.users["director"], firm.users["manager"]
    other = Account.objects.get(pk=firm.other.pk)
    services.reassign_accounts(director, [other], {"ka_manager": manager})
    told = Notification.objects.get(recipient=manager, account=other)
    assert told.text == "director made you its KA manager"
    assert told.link == f"/accounts/{other.pk}/"
    # the same manager again, or kamkit itself (an import's owner): nobody is told
    services.update_account(director, other, {"ka_manager": manager}, other.version)
    services.update_account(None, other, {"ka_manager": None}, other.version)
    services.update_account(None, other, {"ka_manager": manager}, other.version)
    assert Account.objects.get(pk=other.pk).ka_manager == manager
    assert Notification.objects.filter(recipient=manager, account=other).count() == 1
