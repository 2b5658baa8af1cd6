"""The kept interaction aggregates (person pairs, weekly counts) follow every change of
contacts and participants incrementally (issue 17: only the touched weeks and pairs are
recomputed); after any sequence of changes they equal a rebuild from scratch."""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.web.accounts.models import Account, Person
from kamkit.web.base import restore, soft_delete
from kamkit.web.relationships.models import Interaction, InteractionWeek, PersonPair
from kamkit.web.relationships.services import rebuild_pairs, rebuild_weeks


def kept(accounts) -> tuple[set, set]:
    pairs = set(
        PersonPair.objects.filter(account__in=accounts).values_list(
            "account_id", "supplier_id", "customer_id", "first_at", "last_at"
        )
    )
    weeks = set(
        InteractionWeek.objects.filter(account__in=accounts).values_list(
            "account_id", "week", "interactions", "by_customer", "two_way", "strategic", "formal"
        )
    )
    return pairs, weeks


def from_scratch(accounts) -> tuple[set, set]:
    ids = [a.pk for a in accounts]
    rebuild_pairs(ids)
    rebuild_weeks(ids)
    return kept(accounts)


def test_any_sequence_of_changes_keeps_the_aggregates_exact(firm):
    rng = random.Random(5)
    accounts = [
        Account.objects.create(name=f"Agg {k}", ka_manager=firm.users["manager"]) for k in (1, 2)
    ]
    people = {
        a.pk: (
            [Person.objects.create(account=a, side="supplier", name=f"S{k}") for k in range(3)],
            [Person.objects.create(account=a, side="customer", name=f"C{k}") for k in range(3)],
        )
        for a in accounts
    }
    now = timezone.now()
    contacts: list[Interaction] = []
    for step in range(120):
        action = rng.choice(
            [
                "log",
                "log",
                "move_time",
                "delete",
                "soft",
                "restore",
                "add",
                "remove",
                "clear",
                "move_account",
            ]
        )
        if action == "log" or not contacts:
            account = rng.choice(accounts)
            ours, theirs = people[account.pk]
            i = Interaction.objects.create(
                account=account,
                channel="phone",
                initiated_by=rng.choice(["supplier", "customer"]),
                two_way=rng.random() < 0.5,
                content=rng.choice(["strategic", "operational"]),
                formality=rng.choice(["formal", "informal"]),
                occurred_at=now - dt.timedelta(hours=rng.randrange(1, 24 * 60)),
            )
            i.participants.set(rng.sample(ours, rng.randint(0, 2)) + rng.sample(theirs, 1))
            contacts.append(i)
        else:
            i = rng.choice(contacts)
            i.refresh_from_db()
            ours, theirs = people[i.account_id]
            if action == "move_time":
                i.occurred_at = now - dt.timedelta(hours=rng.randrange(1, 24 * 60))
                i.save()
            elif action == "delete":
                i.delete()
                contacts.remove(i)
            elif action == "soft":
                soft_delete(i)
            elif action == "restore":
                restore(i)
            elif action == "add":
                i.participants.add(rng.choice(ours + theirs))
            elif action == "remove":
                current = list(i.participants.all())
                if current:
                    i.participants.remove(rng.choice(current))
            elif action == "clear":
                i.participants.clear()
            else:  # to the other account, without people (they belong to the first)
                i.participants.clear()
                i.account = next(a for a in accounts if a.pk != i.account_id)
                i.save()
        if step % 10 == 9:
            now_kept = kept(accounts)
            assert now_kept == from_scratch(accounts), f"after step {step} ({action})"


def test_logging_a_contact_reads_only_its_week_and_writes_only_its_pairs(firm):
    account = Account.objects.create(name="Busy", ka_manager=firm.users["manager"])
    s = Person.objects.create(account=account, side="supplier", name="S")
    c = Person.objects.create(account=account, side="customer", name="C")
    with CaptureQueriesContext(connection) as ctx:
        i = Interaction.objects.create(account=account, channel="email", initiated_by="supplier")
        i.participants.set([s, c])
    rebuilds = [q["sql"] for q in ctx.captured_queries if "INSERT INTO" in q["sql"]]
    weeks = [q for q in rebuilds if InteractionWeek._meta.db_table in q]
    pairs = [q for q in rebuilds if PersonPair._meta.db_table in q]
    assert weeks and all("occurred_at" in q.split("WHERE")[-1] for q in weeks)  # its week
    # its pairs extended in place: an upsert of rows, no reading of other contacts
    assert pairs and all("ON CONFLICT" in q and "SELECT" not in q for q in pairs)
    assert PersonPair.objects.filter(account=account, supplier=s, customer=c).exists()
