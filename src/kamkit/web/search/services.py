"""Search across what a user may see (one box in the top bar, ``GET /api/v1/search``).

Each group is the model's own ``visible_to(user)`` queryset filtered by the words typed,
so search shows nothing a list page would not: a customer user finds only its account's
shared records, a KA manager only their accounts'. Matching is a case-insensitive
"contains" of the whole phrase, as the portfolio's search box does; a name that starts
with the phrase comes first. Interactions are not searched here (millions of rows: an
account's timeline lists them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kamkit.core.texts import control_problem
from kamkit.web.base import holds
from kamkit.web.users.models import Role, User

MIN_LENGTH = 2
"""The shortest phrase searched (kamkit assumption: one letter matches nearly all)."""
MAX_LENGTH = 100
"""The longest phrase searched (kamkit assumption: longer is a pasted text, not a name)."""
PER_GROUP = 10
"""Hits shown per group; the count says how many there are (kamkit assumption)."""


class BadQuery(ValueError):
    """The phrase cannot be searched; the message says why."""


@dataclass(frozen=True)
class Hit:
    """One record found: what it is called, one line about it, where it opens."""

    id: int
    title: str
    detail: str
    url: str
    log_url: str = ""
    """Where to log a contact on it (an account the reader may change), else empty."""


@dataclass
class Group:
    """The hits of one kind of record, and how many there are in all."""

    kind: str
    label: Any
    count: int = 0
    hits: list[Hit] = field(default_factory=list)
    all_url: str = ""


def clean_query(raw: str | None) -> str:
    """The phrase to search, trimmed, or BadQuery naming what is wrong with it."""
    phrase = " ".join((raw or "").split())
    if control_problem(phrase):  # PostgreSQL cannot even compare a NUL character
        raise BadQuery(gettext("The phrase holds a control character; type text only."))
    if len(phrase) < MIN_LENGTH:
        raise BadQuery(gettext("Type at least %(n)d characters.") % {"n": MIN_LENGTH})
    if len(phrase) > MAX_LENGTH:
        raise BadQuery(
            gettext("Type at most %(n)d characters (this has %(has)d).")
            % {"n": MAX_LENGTH, "has": len(phrase)}
        )
    return phrase


def _contains(phrase: str, *fields: str) -> Q:
    q = Q()
    for name in fields:
        q |= holds(name, phrase)
    return q


def _ranked(qs: models.QuerySet, phrase: str, name: str, *first: Any) -> models.QuerySet:
    """Names that start with the phrase first, then the rest, each alphabetically (after
    any ordering given as ``first``)."""
    return qs.annotate(
        _starts=Case(
            When(holds(name, phrase, "istartswith"), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by(*first, "_starts", name, "pk")


def _fill(group: Group, qs: models.QuerySet, limit: int, hit) -> Group:
    """The group's first ``limit`` hits, and its count: counted in the database only when
    there are more (each query reads the whole table: one read where there are few)."""
    first = list(qs[:limit])
    group.hits = [hit(obj) for obj in first]
    group.count = len(first) if len(first) < limit else qs.order_by().count()
    return group


def _line(*parts: Any) -> str:
    """One line about a hit: the parts that have a value, with dots between."""
    return " · ".join(str(p) for p in parts if p)


CONTACT_ACCOUNTS = 200
"""Logged contacts are searched when the reader sees at most this many accounts (kamkit
assumption: a KA manager's book, or a small firm's; about 100,000 contacts, a tenth of a
second): at the SPEC §6 size a director's 5 million would need a full-text index. Past
it, each account's timeline is searched."""
SNIPPET = 80
"""Characters of a contact's summary a hit shows."""


def contact_accounts(user: User) -> list[int] | None:
    """The accounts whose contacts ``user``'s search reads, or None when they see more
    than ``CONTACT_ACCOUNTS`` (then contacts are not searched)."""
    from kamkit.web.accounts.models import Account

    ids = list(
        Account.objects.visible_to(user).values_list("pk", flat=True)[: CONTACT_ACCOUNTS + 1]
    )
    return ids if len(ids) <= CONTACT_ACCOUNTS else None


_ASK = object()


def search(
    user: User, raw: str | None, limit: int = PER_GROUP, contact_ids: Any = _ASK
) -> list[Group]:
    """The groups of records ``user`` may see that match ``raw`` (BadQuery if it cannot
    be searched): accounts, people, problems, initiatives, logged contacts (their
    summaries; see ``CONTACT_ACCOUNTS``), tasks, and the diagnosis projects and cases.
    Groups with no hit are left out. ``contact_ids``: ``contact_accounts(user)`` when the
    caller has it already."""
    from kamkit.web.accounts.filters import account_matches
    from kamkit.web.accounts.models import Account, Person, Side, can
    from kamkit.web.diagnosis.models import DiagnosisCase, DiagnosisProject
    from kamkit.web.relationships.models import JointInitiative, Problem, Task

    phrase = clean_query(raw)
    customer = user.role == Role.CUSTOMER
    groups: list[Group] = []

    def found(group: Group, qs: models.QuerySet, name: str, hit, *first: Any) -> None:
        """The group's hits: ``qs`` ranked by its ``name`` field, each made by ``hit``."""
        groups.append(_fill(group, _ranked(qs, phrase, name, *first), limit, hit))

    def page(name: str, pk: int, anchor: str = "") -> str:
        return reverse(name, args=[pk]) + anchor

    portfolio = f"{reverse('accounts:portfolio')}?{urlencode({'q': phrase})}"
    found(
        Group("accounts", _("Accounts"), all_url="" if customer else portfolio),
        Account.objects.visible_to(user)
        .filter(account_matches(phrase))
        .select_related("ka_manager"),
        "name",
        lambda a: Hit(
            a.pk,
            a.name,
            _line(a.get_phase_display(), a.industry, a.country, a.ka_manager),
            page("accounts:detail", a.pk),
            page("accounts:detail", a.pk, "?log=1#log") if can(user, "change", a) else "",
        ),
    )
    found(
        Group("people", _("People")),
        Person.objects.visible_to(user)
        .filter(_contains(phrase, "name", "email", "role", "department"))
        .select_related("account"),
        "name",
        lambda p: Hit(
            p.pk,
            p.name,
            _line(p.role, p.account.name, p.side == Side.SUPPLIER and _("our side"), p.email),
            page("accounts:detail", p.account_id, "#people"),
        ),
        # the customer's people first: ours recur on every account they work on
        Case(When(side=Side.CUSTOMER, then=Value(0)), default=Value(1)),
    )
    found(
        Group("problems", _("Problems")),
        Problem.objects.visible_to(user)
        .filter(_contains(phrase, "title", "customer_framing", "supplier_framing"))
        .select_related("account"),
        "title",
        lambda p: Hit(
            p.pk,
            p.title,
            _line(p.account.name, p.get_stage_display()),
            page("portal:problem" if customer else "relationships:problem_edit", p.pk),
        ),
    )
    found(
        Group("initiatives", _("Initiatives")),
        JointInitiative.objects.visible_to(user)
        .filter(_contains(phrase, "title", "goal"))
        .select_related("account"),
        "title",
        lambda i: Hit(
            i.pk,
            i.title,
            _line(i.account.name, i.get_status_display()),
            page("portal:initiative" if customer else "relationships:initiative_edit", i.pk),
        ),
    )
    ids = contact_accounts(user) if contact_ids is _ASK else contact_ids
    if ids is not None:
        from kamkit.web.relationships.models import Interaction

        def contact(i: Interaction) -> Hit:
            words = " ".join(i.summary.split())
            title = words[:SNIPPET] + ("…" if len(words) > SNIPPET else "")
            where = page("accounts:detail", i.account_id) + "?" + urlencode({"q": phrase})
            return Hit(
                i.pk,
                title or i.get_channel_display(),
                _line(i.account.name, timezone.localdate(i.occurred_at), i.get_channel_display()),
                where + "#timeline",
            )

        contacts = (
            Interaction.objects.visible_to(user)
            .filter(holds("summary", phrase), account_id__in=ids)
            .select_related("account")
            .order_by("-occurred_at", "-pk")  # the newest first: a note is found by when
        )
        groups.append(_fill(Group("contacts", _("Contacts")), contacts, limit, contact))
    found(
        Group("tasks", _("Tasks")),
        Task.objects.visible_to(user).filter(_contains(phrase, "title")).select_related("account"),
        "title",
        lambda t: Hit(
            t.pk,
            t.title,
            _line(t.account.name, _("done") if t.done_on else _("due %(day)s") % {"day": t.due_on}),
            page("accounts:detail", t.account_id, "#tasks"),
        ),
    )
    if not customer:  # the diagnosis is internal (SPEC §2.7): never a customer's
        found(
            Group("projects", _("Diagnosis projects")),
            DiagnosisProject.objects.visible_to(user).filter(
                _contains(phrase, "name", "firm", "description")
            ),
            "name",
            lambda p: Hit(p.pk, p.name, p.firm, page("diagnosis:project", p.pk)),
        )
        found(
            Group("cases", _("Diagnosis cases")),
            DiagnosisCase.objects.visible_to(user)
            .filter(_contains(phrase, "title"))
            .select_related("project"),
            "title",
            lambda c: Hit(
                c.pk, c.title, str(c.project or _("single case")), page("diagnosis:report", c.pk)
            ),
        )
    return [g for g in groups if g.count]
