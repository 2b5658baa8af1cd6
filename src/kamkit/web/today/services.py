"""Today: the facts ``kamkit.core.agenda`` orders, read for the accounts a user keeps.

Every kind is read set-based for the whole scope (one query each, whatever the number of
accounts), and decided by the same rule the rest of kamkit applies: the portfolio's
*No contact* and *Index fell* chips, the decision flag, the task reminders.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from kamkit.core import agenda as rules
from kamkit.core.relationships import OPEN_STAGES
from kamkit.web.accounts.models import Account
from kamkit.web.users.models import Role, User

PER_PAGE = 50
"""Items a page (the API's ``limit`` goes to ``MAX_LIMIT``)."""


MAX_NAMED = 500
"""Up to this many accounts with items are read by their ids; more, and the scope is read
whole (a list of ids that long costs more than it saves)."""


class NotAllowed(Exception):
    """The user keeps no accounts (analysts, partners, customers: the portal is theirs)."""


class BadFilter(ValueError):
    """A filter that names nothing: ``field: problem``."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def may_use(user: User) -> bool:
    """KA managers (their accounts), KAM directors and administrators (every account)."""
    return user.is_authenticated and (user.sees_all_accounts or user.role == Role.KA_MANAGER)


def summary_of(user: User) -> str | None:
    """What a user's ``morning_summary`` choice is about: ``"today"`` (the morning
    summary: KA managers, KAM directors, administrators), ``"turns"`` (the Monday reminder:
    customer users), or None (nobody else gets either)."""
    if may_use(user):
        return "today"
    return "turns" if user.is_authenticated and user.role == Role.CUSTOMER else None


def scope(user: User, ka_manager: str | int | None = None) -> models.QuerySet:
    """The accounts whose items are listed: a KA manager's own; for a director every
    account, or one KA manager's (``ka_manager``: a user id, or ``"null"`` for the
    accounts nobody manages)."""
    if not may_use(user):
        raise NotAllowed
    accounts = Account.objects.visible_to(user)
    if ka_manager in (None, ""):
        return accounts
    if not user.sees_all_accounts:
        raise BadFilter("ka_manager", "only a KAM director chooses a KA manager")
    if ka_manager == "null":
        return accounts.filter(ka_manager__isnull=True)
    try:
        pk = int(ka_manager)
    except (TypeError, ValueError):
        raise BadFilter("ka_manager", "expected a KA manager's id or null") from None
    if not User.objects.filter(pk=pk, role=Role.KA_MANAGER).exists():
        raise BadFilter("ka_manager", f"no KA manager with id {pk}")
    return accounts.filter(ka_manager_id=pk)


def _tasks(user: User, ids: models.QuerySet, today: dt.date) -> list[rules.Item]:
    from kamkit.web.relationships.models import Task

    tasks = (
        Task.objects.visible_to(user)
        .open()
        .filter(account__in=ids, owner__isnull=False, due_on__lte=today)
        .select_related("owner")
    )
    return [
        rules.Item(
            kind,
            t.account_id,
            t.due_on,
            ref=t.pk,
            title=t.title,
            facts={"owner": t.owner.get_full_name() or t.owner.username, "mine": t.owner == user},
        )
        for t in tasks
        if (kind := rules.task_kind(t.due_on, today))
    ]


def _last_messages(problems: models.QuerySet) -> dict[int, tuple[str, dt.datetime]]:
    """The side and time of the latest message of each problem's shared thread (internal
    notes are not in it), by problem; problems without one are left out."""
    from kamkit.web.relationships.models import ProblemComment

    last: dict[int, tuple[str, dt.datetime]] = {}
    for problem, side, at in (
        ProblemComment.objects.filter(problem__in=problems, internal=False)
        .order_by("problem_id", "created_at", "pk")  # the latest of each comes last
        .values_list("problem_id", "side", "created_at")
    ):
        last[problem] = (side, at)
    return last


def _problems(user: User, ids: models.QuerySet | None) -> list[rules.Item]:
    """The customers' problems waiting for our answer; ``ids`` narrows the accounts (None:
    every account ``user`` sees, which ``visible_to`` already says)."""
    from kamkit.web.relationships.models import Problem

    problems = Problem.objects.visible_to(user)
    if ids is not None:
        problems = problems.filter(account__in=ids)
    # every open shared problem and, read apart, its thread's last word (a subquery per
    # problem, twice, took most of a director's Today at 100,000 problems); the problems'
    # own order would sort them for nothing: ``ordered`` sorts the items
    problems = (
        problems.filter(shared=True, stage__in=OPEN_STAGES)
        .order_by()
        .values_list(
            "pk", "account_id", "title", "raised_by", "raised_on", "stage", "supplier_framing"
        )
    )
    last = _last_messages(problems.values("pk"))
    items = []
    for pk, account_id, title, raised_by, raised_on, stage, framing in problems:
        side, at = last.get(pk, (None, None))
        since = rules.waiting_since(
            raised_by=raised_by,
            raised_on=raised_on,
            stage=stage,
            open_stages=OPEN_STAGES,
            last_shared_side=side,
            last_shared_on=timezone.localdate(at) if at else None,
            supplier_framed=bool(framing.strip()),
        )
        if since is not None:
            items.append(rules.Item("problem_waiting", account_id, since, ref=pk, title=title))
    return items


def _proposals(user: User, ids: models.QuerySet) -> list[rules.Item]:
    """The initiatives the customer proposed (made by a customer user, as its history
    says) that are still proposed: ours to agree to or to drop."""
    from kamkit.web.relationships.models import JointInitiative

    theirs = JointInitiative.history.filter(
        history_type="+", history_user__role=Role.CUSTOMER
    ).values("id")
    proposals = (
        JointInitiative.objects.visible_to(user)
        .filter(account__in=ids, shared=True, status="proposed", pk__in=theirs)
        .values_list("pk", "account_id", "title", "created_at")
    )
    return [
        rules.Item("initiative_proposed", account_id, timezone.localdate(at), ref=pk, title=title)
        for pk, account_id, title, at in proposals
    ]


def _alerts(ids: models.QuerySet, today: dt.date) -> list[rules.Item]:
    from kamkit.web.assessment.models import IndexAlert

    latest: dict[int, IndexAlert] = {}
    window = IndexAlert.objects.recent(today).filter(account__in=ids, answered_at__isnull=True)
    for alert in window.order_by("on", "pk"):  # answered ones are done with
        latest[alert.account_id] = alert  # the latest of the window
    return [
        rules.Item(
            "index_fell",
            a.account_id,
            a.on,
            ref=a.pk,
            facts={
                "points": round(a.earlier - a.index),
                "earlier": round(a.earlier),
                "now": round(a.index),
            },
        )
        for a in latest.values()
    ]


def _decisions(accounts: models.QuerySet) -> list[rules.Item]:
    # SPEC §2.3 (kamkit.core.lifecycle.phases.decision_needed): declining, undecided
    return [
        rules.Item("decision_needed", pk, None)
        for pk in accounts.decision_needed().values_list("pk", flat=True)
    ]


def _silent(user: User, accounts: models.QuerySet) -> list[rules.Item]:
    return [
        rules.Item(
            "no_contact", pk, timezone.localdate(last) if last else None, facts={"never": not last}
        )
        for pk, last in accounts.with_last_contact(user)
        .no_contact()
        .values_list("pk", "last_contact")
    ]


@dataclass
class Entry:
    """An item as the page, the API and the download show it."""

    item: rules.Item
    account: Account
    text: str
    days: int | None
    label: str
    """The kind's name in the reader's language, said when the entry is made (a download
    is written after the view has returned, outside the reader's language)."""

    @property
    def kind(self) -> str:
        return self.item.kind


def _days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def describe(item: rules.Item, today: dt.date) -> str:
    """The item's sentence in the reader's language (``kamkit.core.agenda.sentence``)."""
    template, values = rules.sentence(item, today)
    if values.get("days") is not None:
        values = values | {"days": _days(values["days"])}
    return gettext(template).format(**values)


def agenda(
    user: User,
    *,
    ka_manager: str | int | None = None,
    today: dt.date | None = None,
) -> list[rules.Item]:
    """Every item of the scope, the most pressing first (``kamkit.core.agenda.ordered``).
    Items are light: ``entries`` dresses the ones shown (a page, a download)."""
    today = today or timezone.localdate()
    accounts = scope(user, ka_manager)
    narrowed = ka_manager not in (None, "")
    ids = accounts.values("pk")
    return rules.ordered(
        _tasks(user, ids, today)
        + _problems(user, ids if narrowed else None)
        + _proposals(user, ids)
        + _alerts(ids, today)
        + _decisions(accounts)
        + _silent(user, accounts)
    )


def entries(user: User, items: list[rules.Item], today: dt.date | None = None) -> list[Entry]:
    """``items`` with their accounts (the latest lever, the KA manager) and sentences."""
    today = today or timezone.localdate()
    named = {i.account_id for i in items}
    accounts = Account.objects.visible_to(user)
    if len(named) <= MAX_NAMED:
        accounts = accounts.filter(pk__in=named)
    by_pk = {
        a.pk: a for a in accounts.with_assessment().select_related("ka_manager") if a.pk in named
    }
    return [
        Entry(
            item,
            by_pk[item.account_id],
            describe(item, today),
            rules.days_between(item.since, today),
            gettext(rules.KIND_LABELS[item.kind]),
        )
        for item in items
    ]


def counts(items: list[rules.Item]) -> dict[str, int]:
    """Items per kind, every kind present (0 when none), in the order of urgency."""
    out = dict.fromkeys(rules.KINDS, 0)
    for i in items:
        out[i.kind] += 1
    return out


@dataclass
class TeamRow:
    """One KA manager's items (``manager`` None: the accounts nobody manages)."""

    manager: User | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def per_manager(user: User, items: list[rules.Item]) -> list[TeamRow]:
    """A director's items per KA manager, the most items first: where the team's hours
    are owed (the filtered Today is one click away)."""
    owner = dict(Account.objects.visible_to(user).values_list("pk", "ka_manager_id"))
    counted = Counter((owner.get(i.account_id), i.kind) for i in items)
    by_manager: dict[int | None, dict[str, int]] = {}
    for (manager, kind), n in counted.items():
        by_manager.setdefault(manager, dict.fromkeys(rules.KINDS, 0))[kind] = n
    people = User.objects.in_bulk([pk for pk in by_manager if pk is not None])
    rows = [TeamRow(people.get(pk) if pk else None, c) for pk, c in by_manager.items()]
    return sorted(
        rows, key=lambda r: (-r.total, r.manager is None, str(r.manager or "").casefold())
    )


SUMMARY_ITEMS = 10
"""Items a morning summary lists (the rest are counted; the page has them all)."""


def summary_text(user: User, items: list[rules.Item], today: dt.date) -> str:
    """A morning summary in the user's language: the count of each kind, the first
    ``SUMMARY_ITEMS`` items and where the rest are (``KAMKIT_BASE_URL``)."""
    from kamkit.web.portal.services import absolute

    lines = [
        ngettext(
            "%(n)s thing needs action today:",
            "%(n)s things need action today:",
            len(items),
        )
        % {"n": len(items)},
        "",
    ]
    lines += [
        f"- {gettext(rules.KIND_LABELS[kind])}: {n}" for kind, n in counts(items).items() if n
    ]
    lines.append("")
    lines += [f"* {e.account.name}: {e.text}" for e in entries(user, items[:SUMMARY_ITEMS], today)]
    if len(items) > SUMMARY_ITEMS:
        lines.append(
            ngettext("… and %(n)s more.", "… and %(n)s more.", len(items) - SUMMARY_ITEMS)
            % {"n": len(items) - SUMMARY_ITEMS}
        )
    lines += ["", absolute(reverse("today"))]
    lines += [
        "",
        "-- ",
        gettext(
            "You get this each morning because kamkit mails you what needs you today. "
            "To stop it: %(link)s"
        )
        % {"link": absolute(reverse("portal:notifications"))},
    ]
    return "\n".join(lines)


def _mail_once(
    readers: models.QuerySet, today: dt.date, compose: Callable[[User], tuple[str, str] | None]
) -> int:
    """Mail each of ``readers`` what ``compose`` writes for them (subject, body; None:
    nothing to say), in their language, and note the day (``summary_sent_on``) so a
    restarted worker sends nothing twice. Returns how many were sent."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation

    sent = 0
    for user in readers.exclude(email="").exclude(summary_sent_on=today).order_by("pk"):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            mail = compose(user)
        if mail is not None:
            send_mail(
                subject=mail[0],
                message=mail[1],
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
                fail_silently=True,
            )
            sent += 1
        User.objects.filter(pk=user.pk).update(summary_sent_on=today)
    return sent


def _mailing() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "KAMKIT_NOTIFY_BY_EMAIL", False))


def send_morning_summaries(today: dt.date | None = None) -> int:
    """Mail each KA manager and KAM director their Today, once a day (the worker's
    morning run; ``summary_sent_on`` keeps a restarted worker from sending it twice).
    Only with ``KAMKIT_NOTIFY_BY_EMAIL`` on, to users with an address who have not
    turned it off, and only when something needs them. Returns how many were sent."""
    if not _mailing():
        return 0
    today = today or timezone.localdate()

    def compose(user: User) -> tuple[str, str] | None:
        items = agenda(user, today=today)
        if not items:
            return None
        subject = ngettext(
            "kamkit: %(n)s thing needs action today",
            "kamkit: %(n)s things need action today",
            len(items),
        ) % {"n": len(items)}
        return subject, summary_text(user, items, today)

    keepers = (Role.KA_MANAGER, Role.KAM_DIRECTOR, Role.ADMIN)
    readers = User.objects.filter(is_active=True, morning_summary=True, role__in=keepers)
    return _mail_once(readers, today, compose)


@dataclass
class Turn:
    """Something the supplier waits for from the customer (``kamkit.core.agenda``'s
    customer side), as the customer's account page lists it."""

    kind: str
    text: str
    link: str
    since: dt.date | None


def customer_turns(user: User, account: Account) -> list[Turn]:
    """What the supplier waits for from ``user``'s side on ``account``, read through the
    customer's own view of the records (``visible_to``: shared ones only; our internal
    notes never count as a message to them)."""
    from kamkit.core.relationships import CUSTOMER_STEPS
    from kamkit.web.relationships.models import JointInitiative, Problem, Task

    problems = Problem.objects.visible_to(user).filter(
        account=account, stage__in=OPEN_STAGES + CUSTOMER_STEPS["confirm"][0]
    )
    last = _last_messages(problems.values("pk"))
    turns = []
    for p in problems:
        last_side, last_at = last.get(p.pk, (None, None))
        kind = rules.customer_turn(
            stage=p.stage,
            confirm_stages=CUSTOMER_STEPS["confirm"][0],
            open_stages=OPEN_STAGES,
            both_framed=bool(p.supplier_framing.strip() and p.customer_framing.strip()),
            customer_agreed=p.customer_agreed_on is not None,
            last_shared_side=last_side,
        )
        if kind:
            since = timezone.localdate(last_at) if kind == "reply" else p.raised_on
            link = reverse("portal:problem", kwargs={"pk": p.pk})
            turns.append(Turn(kind, _sentence(kind, p.title), link, since))
    today = timezone.localdate()
    tasks = (
        Task.objects.visible_to(user)
        .open()
        .filter(account=account, owner_person__side="customer", due_on__lte=today)
        .order_by("due_on", "pk")
    )
    for t in tasks:
        if rules.task_kind(t.due_on, today):
            text = gettext(rules.CUSTOMER_SENTENCES["task"]).format(
                due=date_format(t.due_on, "SHORT_DATE_FORMAT"), title=t.title
            )
            link = reverse("accounts:detail", kwargs={"pk": account.pk}) + f"#task-{t.pk}"
            turns.append(Turn("task", text, link, t.due_on))
    for i in JointInitiative.objects.visible_to(user).filter(account=account, status="realized"):
        if rules.value_awaited(i.status, i.realized_value_customer):
            link = reverse("portal:initiative", kwargs={"pk": i.pk}) + "#confirm"
            turns.append(Turn("value", _sentence("value", i.title), link, i.realized_on))
    rank = {k: n for n, k in enumerate(rules.CUSTOMER_KINDS)}
    return sorted(turns, key=lambda t: (rank[t.kind], t.since or dt.date.min, t.link))


def _sentence(kind: str, title: str) -> str:
    return gettext(rules.CUSTOMER_SENTENCES[kind]).format(title=title)


CUSTOMER_REMINDER_WEEKDAY = 0
"""A customer's people are reminded on Mondays (kamkit assumption: once a week is a
nudge, every day would be noise for people who owe the supplier's tool nothing)."""


def send_customer_reminders(today: dt.date | None = None) -> int:
    """On Mondays, mail each customer user (with an address, who has not turned it off)
    what its supplier waits for from it (``customer_turns``), when anything does: once
    that day, in their language, each step a link. Only with ``KAMKIT_NOTIFY_BY_EMAIL``
    on. Returns how many were sent."""
    from kamkit.web.portal.services import absolute

    today = today or timezone.localdate()
    if not _mailing() or today.weekday() != CUSTOMER_REMINDER_WEEKDAY:
        return 0

    def compose(user: User) -> tuple[str, str] | None:
        turns = customer_turns(user, user.account)
        if not turns:
            return None
        lines = [
            ngettext(
                "%(account)s: your supplier is waiting for you on %(n)s thing.",
                "%(account)s: your supplier is waiting for you on %(n)s things.",
                len(turns),
            )
            % {"account": user.account.name, "n": len(turns)},
            "",
        ]
        for t in turns:
            lines += [f"* {t.text}", f"  {absolute(t.link)}"]
        lines += [
            "",
            "-- ",
            gettext(
                "You get this on Mondays when your supplier waits for you in kamkit. "
                "To stop it: %(link)s"
            )
            % {"link": absolute(reverse("portal:notifications"))},
        ]
        return gettext("kamkit: your supplier is waiting for you"), "\n".join(lines)

    readers = User.objects.filter(
        is_active=True,
        morning_summary=True,
        role=Role.CUSTOMER,
        account__isnull=False,
        account__deleted_at__isnull=True,
    ).select_related("account")
    return _mail_once(readers, today, compose)
