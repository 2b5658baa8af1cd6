"""Isolation probes (issue 6, point 4): a customer user of account A, tried as an attacker.

Every record of another account, and every internal record of A, is created with a large
id of its own and a marker in its text, so that:

- for every page and API route, and every integer in its path, each of those ids is
  answered exactly as an id that exists nowhere is (same status: no hint), with no marker
  in the body, and nothing of them changes after GET, POST, PATCH and DELETE;
- list and export routes the customer may use are tried with filter, ordering, search,
  export and paging parameters naming the other account and internal fields;
- what the customer receives from its own pages and the API carries no internal field
  and no value of the supplier's.

Routes are discovered from the URL configuration, so a new route is probed without a
change here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kamkit.web.accounts.models import Account, Person
from kamkit.web.assessment.services import assess_portfolio
from kamkit.web.portal.models import Notification
from kamkit.web.relationships.models import (
    CommunicationPreference,
    DeclineDecision,
    Interaction,
    JointInitiative,
    PhaseRecord,
    Problem,
    ProblemComment,
    Pulse,
)
from tests.personas import make_user

MISSING = 999_999  # an id nothing has
# an underscore never occurs in a CSRF token or session id, so a marker is only ever
# found where it leaked (a token once held "ZZB" by chance)
MARKERS = ("ZZ_B", "ZZA_INTERNAL", "987654")
HIDDEN_KEYS = ("internal_notes", "expected_value_supplier", "realized_value_supplier")
# Django's int, and the API's id (digits up to 2^63 − 1, kamkit.web.api.IdConverter)
ID_CONVERTERS = ("int", "id")
STR_VALUES = {"fmt": "csv", "secret": "x" * 43, "kind": "interaction", "what": "interactions"}


def _probe_records(firm) -> list[int]:
    """The other account's records and A's internal ones, each with an id ≥ 900,000.

    The ids are shared across tables: the first probed record of every table has id
    900,010, the second 900,020, and so on, so each id probes one record of every table
    at once (a route reads one table by it; a leak of any of them shows as an answer
    unlike the missing id's, or a marker in it) and a route is tried with three ids, not
    one per record. A stride of ten: rows made later take the next id of their table,
    never a probed one."""
    other, own = firm.other, firm.own
    Account.objects.filter(pk=other.pk).update(name="ZZ_B Corp", internal_notes="ZZ_B notes")
    Account.objects.filter(pk=own.pk).update(internal_notes="ZZA_INTERNAL notes")
    made: list[int] = []
    per_table: dict[type, int] = {}

    def new(model, **fields):
        per_table[model] = per_table.get(model, 0) + 1
        obj = model.objects.create(pk=900_000 + 10 * per_table[model], **fields)
        if obj.pk not in made:
            made.append(obj.pk)
        return obj

    b_user = make_user("zzb_customer", "customer", account=other, first_name="ZZ_B")
    b_cust = new(Person, account=other, side="customer", name="ZZ_B Buyer", user=b_user)
    b_sup = new(Person, account=other, side="supplier", name="ZZ_B Seller")
    talk = new(
        Interaction, account=other, channel="video", initiated_by="customer", summary="ZZ_B talk"
    )
    talk.participants.set([b_cust, b_sup])
    new(JointInitiative, account=other, title="ZZ_B initiative", expected_value_customer=1)
    b_problem = new(
        Problem, account=other, title="ZZ_B problem", raised_by="customer", customer_framing="ZZ_B"
    )
    new(ProblemComment, problem=b_problem, side="customer", text="ZZ_B comment", author=b_user)
    new(Pulse, account=other, person=b_cust, communication=2, comment="ZZ_B pulse")
    new(CommunicationPreference, account=other, person=b_cust, channels=["email"])
    new(PhaseRecord, account=other, phase="decline", source="customer_self", person=b_cust)
    # A's own, but internal: not shared, the supplier's side, or the supplier's value
    # the supplier's team is shown to the customer: this person is not probed, but what
    # it rates and prefers is internal
    a_sup = Person.objects.create(account=own, side="supplier", name="Sam Seller")
    new(
        Interaction,
        account=own,
        channel="phone",
        initiated_by="supplier",
        two_way=False,
        shared_with_customer=False,
        summary="ZZA_INTERNAL call",
    )
    new(JointInitiative, account=own, title="ZZA_INTERNAL plan", shared=False)
    new(Problem, account=own, title="ZZA_INTERNAL issue", raised_by="supplier", shared=False)
    # an internal note on a problem the customer does see (issue 15)
    new(
        ProblemComment,
        problem=firm.records["problems"],
        side="supplier",
        internal=True,
        text="ZZA_INTERNAL note",
    )
    new(Pulse, account=own, person=a_sup, communication=7, comment="ZZA_INTERNAL pulse")
    new(CommunicationPreference, account=own, person=a_sup, channels=["phone"])
    new(PhaseRecord, account=own, phase="build_up", source="decision", note="ZZA_INTERNAL")
    new(
        DeclineDecision,
        account=own,
        decision="revive",
        decided_on=dt.date(2026, 1, 5),
        reason="ZZA_INTERNAL decision",
    )
    new(
        DeclineDecision,
        account=other,
        decision="wind_down",
        decided_on=dt.date(2026, 1, 5),
        reason="ZZ_B decision",
    )
    new(PhaseRecord, account=own, phase="build_up", source="supplier_self", person=a_sup)
    JointInitiative.objects.filter(pk=firm.records["initiatives"].pk).update(
        expected_value_supplier=Decimal("987654.00"),
        status="realized",
        realized_value_supplier=Decimal("987654.50"),
    )
    new(
        Notification,
        recipient=firm.users["manager"],
        account=own,
        text="ZZA_INTERNAL notice",
        link="/accounts/",
    )
    # an account of its own with a high id, and what hangs on it
    second = new(
        Account, name="ZZ_B Second", internal_notes="ZZ_B", ka_manager=firm.other.ka_manager
    )
    person = new(Person, account=second, side="customer", name="ZZ_B Second Buyer")
    new(Problem, account=second, title="ZZ_B second problem", raised_by="customer")
    new(Pulse, account=second, person=person, trust=1)
    assess_portfolio(dt.date.today())  # snapshots of every account exist to be probed
    return made


def _routes() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(name, pattern, [(kwarg, converter)]) of every route outside Django's admin."""
    out = []

    def walk(patterns, ns: str, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(
                    p.url_patterns,
                    ns + (f"{p.namespace}:" if p.namespace else ""),
                    prefix + str(p.pattern),
                )
            elif isinstance(p, URLPattern) and p.name:
                text = prefix + str(p.pattern)
                params = re.findall(r"<(?:(\w+):)?(\w+)>", text)
                out.append((ns + p.name, text, [(name, conv or "str") for conv, name in params]))

    walk(get_resolver().url_patterns, "", "/")
    return out


def _url(pattern: str, values: dict) -> str:
    def fill(m: re.Match) -> str:
        return str(values[m.group(2)])

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, pattern).replace("^", "").replace("$", "")


def _state() -> list:
    """Every probed model's rows as they are: a write through a probe shows up here."""
    rows = []
    for model in (
        Account,
        Person,
        Interaction,
        JointInitiative,
        Problem,
        Pulse,
        CommunicationPreference,
        PhaseRecord,
    ):
        rows += list(model.objects.order_by("pk").values_list("pk", "version", "deleted_at"))
    rows += list(ProblemComment.objects.order_by("pk").values_list("pk", "text"))
    return rows


def _clean(body: bytes) -> None:
    text = body.decode(errors="replace")
    for marker in MARKERS:
        assert marker not in text, f"{marker!r} leaked"


FORM = {
    "action": "confirm",
    "text": "probe",
    "framing": "probe",
    "title": "probe",
    "shared": "1",
    "realized_value_customer": "1",
    "version": "1",
    "phase": "decline",
    "communication": "1",
    "ideal_min": "0",
    "ideal_max": "9",
    "email": "p@example.com",
}


@pytest.fixture(scope="module")
def probe_ids(module_firm, django_db_blocker) -> list[int]:
    """The probed records, made once for the module inside its firm's transaction (every
    probe below checks that nothing of them changes, and each test runs in a savepoint)."""
    with django_db_blocker.unblock():
        return _probe_records(module_firm)


@pytest.fixture
def firm(firm_once):
    return firm_once


@pytest.fixture
def probe(firm, probe_ids, client):
    client.force_login(firm.users["customer"])
    return firm, client, probe_ids


def _answer(client, method: str, url: str, headers: dict):
    if method == "get":
        return client.get(url, **headers)
    if method == "delete":
        return client.delete(url, **headers)
    if url.startswith("/api/"):
        body = json.dumps({"version": 1, "title": "probe", "trust": 1})
        return getattr(client, method)(url, body, content_type="application/json", **headers)
    return client.post(url, FORM)


METHODS = ("get", "post", "patch", "delete")


def _probe_cases() -> list[tuple[str, str, list[str]]]:
    """(method, pattern, [kwarg…]) for every URL pattern with an integer in its path and
    every method it is tried with: PATCH and DELETE on the API only. API operations that
    share a path (get_account, update_account, delete_account) are one pattern: Django
    resolves a request by its path, so the same request would only be sent again."""
    cases: dict[tuple[str, str], list[str]] = {}
    for name, pattern, params in _routes():
        if not any(conv in ID_CONVERTERS for _, conv in params):
            continue
        for method in METHODS:
            if method in ("patch", "delete") and not pattern.startswith("/api/"):
                continue
            cases.setdefault((method, pattern), []).append(name)
    return [(method, pattern, names) for (method, pattern), names in cases.items()]


CASES = _probe_cases()


def _probe_urls(pattern: str, own_account: int, value: int) -> list[str]:
    """The URLs that put ``value`` into each integer of the path in turn, the other integers
    being the customer's own account (where the integer is an account id) or ``value``
    too; each distinct URL once."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", pattern)
    ints = [name for conv, name in params if conv in ID_CONVERTERS]
    base = {name: STR_VALUES.get(name, "x") for conv, name in params if conv not in ID_CONVERTERS}
    urls: list[str] = []
    for target in ints:
        for others in ("own", "same"):
            filled = {
                p: (own_account if others == "own" and p == "account_id" else value)
                for p in ints
                if p != target
            }
            url = _url(pattern, {**base, **filled, target: value})
            if url not in urls:
                urls.append(url)
    return urls


@pytest.mark.parametrize(
    ("method", "pattern", "names"),
    CASES,
    ids=[f"{method.upper()} {pattern}" for method, pattern, _ in CASES],
)
def test_other_accounts_and_internal_ids_answer_like_ids_that_do_not_exist(
    probe, bearer, method, pattern, names
):
    firm, client, ids = probe
    headers = bearer("customer") if pattern.startswith("/api/") else {}
    before = _state()
    nowhere = {
        position: _answer(client, method, url, headers)
        for position, url in enumerate(_probe_urls(pattern, firm.own.pk, MISSING))
    }
    for answer in nowhere.values():
        assert answer.status_code < 500, (names, method, answer.status_code)
    for value in ids:
        for position, url in enumerate(_probe_urls(pattern, firm.own.pk, value)):
            answer = _answer(client, method, url, headers)
            assert answer.status_code == nowhere[position].status_code, (
                names,
                method,
                url,
                answer.status_code,
                nowhere[position].status_code,
            )
            _clean(answer.content)
    assert _state() == before, "a probe changed another account's or an internal record"


def test_the_probe_covers_every_route_with_an_id():
    """The walk finds the routes (a broken walk would probe nothing and pass)."""
    names = {name for _, _, names in CASES for name in names}
    for expected in (
        "accounts:detail",
        "accounts:person_delete",
        "relationships:advance_problem",
        "portal:problem",
        "access:revoke",
        "diagnosis:download",
        "api:get_person",
        "api:delete_problems",
        "api:move_problem_stage",
        "api:account_assessment",
    ):
        assert expected in names, expected
    assert len(CASES) >= 90
    assert {m for m, _, _ in CASES} == set(METHODS)


LEAKY_PARAMS = [
    {"account": "{other}"},
    {"account_id": "{other}"},
    {"kam_unit": "1"},
    {"ordering": "internal_notes"},
    {"ordering": "-expected_value_supplier"},
    {"order_by": "internal_notes"},
    {"sort": "risk"},
    {"o": "-internal_notes"},
    {"q": "ZZ_B"},
    {"search": "ZZ"},
    {"name": "ZZ_B Corp"},
    {"fields": "internal_notes"},
    {"format": "csv"},
    {"export": "xlsx"},
    {"include": "internal"},
    {"shared": "0"},
    {"process": "phase"},
    {"side": "supplier"},
    {"page": "2"},
    {"limit": "1000"},
    {"offset": "0", "limit": "100"},
    {"on": "2020-01-01"},
    {"deleted": "1"},
    {"include_deleted": "true"},
    {"phase": "decline"},
]


# what a customer of the own account may open; {own}, {problem}, {initiative}: its ids
CUSTOMER_REACHABLE = [
    "/",
    "/accounts/",
    "/accounts/{own}/",
    "/accounts/{own}/timeline/",
    "/portal/problems/new/",
    "/portal/problems/{problem}/",
    "/portal/initiatives/{initiative}/",
    "/portal/initiatives/new/",
    "/portal/rate/",
    "/portal/phase/",
    "/portal/preferences/",
    "/portal/perception/",
    "/api/v1/accounts",
    "/api/v1/accounts/{own}",
    "/api/v1/portfolio/assessment",
    *(
        f"/api/v1/accounts/{{own}}/{family}"
        for family in (
            "persons",
            "interactions",
            "initiatives",
            "problems",
            "pulses",
            "preferences",
            "phases",
        )
    ),
]


def _filled(template: str, firm) -> str:
    return template.format(
        own=firm.own.pk,
        problem=firm.records["problems"].pk,
        initiative=firm.records["initiatives"].pk,
    )


def _customer_reachable(firm) -> list[str]:
    return [_filled(template, firm) for template in CUSTOMER_REACHABLE]


@pytest.mark.parametrize("template", CUSTOMER_REACHABLE)
def test_filter_ordering_search_and_export_parameters_leak_nothing(probe, bearer, template):
    firm, client, _ = probe
    Account.objects.filter(pk=firm.own.pk).update(perception_shared=True)
    url = _filled(template, firm)
    headers = bearer("customer") if url.startswith("/api/") else {}
    for params in LEAKY_PARAMS:
        query = {k: v.format(other=firm.other.pk) for k, v in params.items()}
        answer = client.get(url, query, **headers)
        assert answer.status_code < 500, (url, query, answer.status_code)
        body = answer.content
        if "q" in query:  # a search box shows the reader's own words back: not a leak
            body = body.replace(f'value="{query["q"]}"'.encode(), b'value=""')
        _clean(body)


def test_what_a_customer_receives_carries_no_internal_field(probe, bearer):
    firm, client, _ = probe
    Account.objects.filter(pk=firm.own.pk).update(perception_shared=True)
    headers = bearer("customer")
    seen = 0
    for url in _customer_reachable(firm):
        h = headers if url.startswith("/api/") else {}
        answer = client.get(url, **h)
        if answer.status_code != 200:
            continue
        seen += 1
        _clean(answer.content)
        text = answer.content.decode()
        if url.startswith("/api/"):
            for key in HIDDEN_KEYS:
                assert f'"{key}"' not in text, (url, key)
        else:
            assert "Internal notes" not in text and "ZZA_" not in text
    assert seen >= 15
    # the shared initiative really is served, without the supplier's value
    item = firm.records["initiatives"].pk
    body = client.get(f"/api/v1/accounts/{firm.own.pk}/initiatives/{item}", **headers).json()
    assert body["title"] == "Joint pilot line" and "realized_value_supplier" not in body


def test_the_admin_and_the_diagnosis_are_closed_to_a_customer(probe):
    firm, client, _ = probe
    for url in (
        "/admin/",
        "/admin/accounts/account/",
        f"/admin/accounts/account/{firm.other.pk}/change/",
    ):
        answer = client.get(url)
        assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
    for url in ("/diagnosis/", f"/diagnosis/{firm.case.pk}/"):
        assert client.get(url).status_code == 404
