"""The weekly interaction counts the assessment adds up (``InteractionWeek``): they follow
every change of the interactions, and the windows built from whole weeks plus ragged
ends count exactly what counting every interaction would, in any time zone and on any
weekday."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from kamkit.web.accounts.models import Account
from kamkit.web.assessment.services import collect, configuration
from kamkit.web.base import restore, soft_delete
from kamkit.web.relationships.models import Interaction, InteractionWeek
from kamkit.web.relationships.services import rebuild_weeks, week_of

FLAGS = ("interactions", "by_customer", "two_way", "strategic", "formal")


def stored() -> dict[tuple[int, dt.date], tuple[int, ...]]:
    return {
        (w.account_id, w.week): tuple(getattr(w, f) for f in FLAGS)
        for w in InteractionWeek.objects.all()
    }


def expected() -> dict[tuple[int, dt.date], tuple[int, ...]]:
    """Counted one interaction at a time, in Python."""
    out: dict[tuple[int, dt.date], Counter] = {}
    for i in Interaction.objects.alive():
        key = (i.account_id, week_of(i.occurred_at.astimezone(dt.UTC).date()))
        c = out.setdefault(key, Counter())
        c["interactions"] += 1
        c["by_customer"] += i.initiated_by == "customer"
        c["two_way"] += i.two_way
        c["strategic"] += i.content == "strategic"
        c["formal"] += i.formality == "formal"
    return {k: tuple(c[f] for f in FLAGS) for k, c in out.items()}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def test_weeks_follow_every_change_of_the_interactions(firm):
    a, b = firm.own, firm.other
    # Sunday 23:30 and Monday 00:10 UTC fall into two weeks
    late = Interaction.objects.create(
        account=a, occurred_at=at("2026-03-01T23:30"), channel="phone", initiated_by="customer"
    )
    early = Interaction.objects.create(
        account=a,
        occurred_at=at("2026-03-02T00:10"),
        channel="email",
        initiated_by="supplier",
        content="strategic",
        formality="informal",
        two_way=False,
    )
    assert stored() == expected()
    assert {w for _, w in stored()} >= {dt.date(2026, 2, 23), dt.date(2026, 3, 2)}
    early.occurred_at = at("2026-03-01T12:00")  # moved into the earlier week
    early.initiated_by = "customer"
    early.save()
    assert stored() == expected()
    soft_delete(late)
    assert stored() == expected()
    restore(late)
    assert stored() == expected()
    late.account = b  # recorded on the wrong account, corrected in the admin
    late.save()
    assert stored() == expected()
    assert (a.pk, dt.date(2026, 2, 23)) in stored() and (b.pk, dt.date(2026, 2, 23)) in stored()
    early.delete()
    assert stored() == expected()
    InteractionWeek.objects.all().delete()
    rebuild_weeks()  # the bulk loaders' way, for everything
    assert stored() == expected()


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_windows_from_weeks_count_what_every_interaction_counts(firm, settings, zone):
    """Random interactions over eight months, some deleted, and twenty assessment days:
    the window and previous-window counts equal counting every interaction between the
    local midnights, whichever weekday the window starts on."""
    settings.TIME_ZONE = zone
    rnd = random.Random(f"weeks-{zone}")
    accounts = [firm.own, firm.other, Account.objects.create(name="Third")]
    start = at("2026-01-01T00:00")
    made = []
    for _ in range(400):
        made.append(
            Interaction(
                account=rnd.choice(accounts),
                # minutes, so that some fall right at midnights and week starts
                occurred_at=start + dt.timedelta(minutes=rnd.randrange(0, 240 * 24 * 60)),
                channel="video",
                initiated_by=rnd.choice(["customer", "supplier"]),
                two_way=rnd.random() < 0.6,
                content=rnd.choice(["operational", "strategic", "social"]),
                formality=rnd.choice(["formal", "informal"]),
            )
        )
    for k in range(40):  # right on UTC and local midnights of Mondays
        monday = dt.date(2026, 3, 2) + dt.timedelta(days=7 * k % 120)
        local = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
        made.append(
            Interaction(
                account=accounts[k % 3],
                occurred_at=local if k % 2 else at(f"{monday}T00:00"),
                channel="phone",
                initiated_by="customer",
            )
        )
    Interaction.objects.bulk_create(made)
    gone = rnd.sample(list(Interaction.objects.all()), 30)
    Interaction.objects.filter(pk__in=[i.pk for i in gone]).update(deleted_at=timezone.now())
    rebuild_weeks()
    alive = list(Interaction.objects.alive())
    config = configuration()
    ids = [a.pk for a in accounts]
    for _ in range(20):
        today = dt.date(2026, 4, 1) + dt.timedelta(days=rnd.randrange(0, 150))

        def midnight(day: dt.date) -> dt.datetime:
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

        end = midnight(today + dt.timedelta(days=1))
        w = midnight(today - dt.timedelta(days=config.window_days - 1))
        p = midnight(today - dt.timedelta(days=2 * config.window_days - 1))
        got = collect(ids, today, config)
        for account in accounts:
            mine = [i for i in alive if i.account_id == account.pk]
            recent = [i for i in mine if w <= i.occurred_at < end]
            s = got[account.pk].signals
            f = got[account.pk].facts
            assert (
                s.interactions,
                s.customer_initiated,
                s.supplier_initiated,
                s.two_way,
                s.strategic,
                s.formal,
                f.interactions_prev_90,
            ) == (
                len(recent),
                sum(i.initiated_by == "customer" for i in recent),
                sum(i.initiated_by == "supplier" for i in recent),
                sum(i.two_way for i in recent),
                sum(i.content == "strategic" for i in recent),
                sum(i.formality == "formal" for i in recent),
                sum(p <= i.occurred_at < w for i in mine),
            ), (zone, today, account.name)
