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
    Interaction,
    JointInitiative,
    PhaseRecord,
    Problem,
    ProblemComment,
    Pulse,
)

from .conftest import make_user

MISSING = 999_999  # an id nothing has
# an underscore never occurs in a CSRF token or session id, so a marker is only ever
# found where it leaked (a token once held "ZZB" by chance)
MARKERS = ("ZZ_B", "ZZA_INTERNAL", "987654")
HIDDEN_KEYS = ("internal_notes", "expected_value_supplier", "realized_value_supplier")
STR_VALUES = {"fmt": "csv", "secret": "x" * 43, "kind": "csv"}


def _probe_records(firm) -> list[int]:
    """The other account's records and A's internal ones, each with an id ≥ 900,000."""
    other, own = firm.other, firm.own
    Account.objects.filter(pk=other.pk).update(name="ZZ_B Corp", internal_notes="ZZ_B notes")
    Account.objects.filter(pk=own.pk).update(internal_notes="ZZA_INTERNAL notes")
    # a stride of ten: rows made later take the next id of their table, never a probed one
    ids = iter(range(900_010, 910_000, 10))
    made: list[int] = []

    def new(model, **fields):
        obj = model.objects.create(pk=next(ids), **fields)
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
    new(Pulse, account=own, person=a_sup, communication=7, comment="ZZA_INTERNAL pulse")
    new(CommunicationPreference, account=own, person=a_sup, channels=["phone"])
    new(PhaseRecord, account=own, phase="build_up", source="decision", note="ZZA_INTERNAL")
    new(PhaseRecord, account=own, phase="build_up", source="supplier_self", person=a_sup)
    JointInitiative.objects.filter(pk=firm.records["initiatives"].pk).update(
        expected_value_supplier=Decimal("987654.00"),
        status="realized",
        realized_value_supplier=Decimal("987654.50"),
    )
    Notification.objects.create(
        recipient=firm.users["manager"], account=own, text="ZZA_INTERNAL notice"
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


@pytest.fixture
def probe(firm, client):
    ids = _probe_records(firm)
    client.force_login(firm.users["customer"])
    return firm, client, ids


def _answer(client, method: str, url: str, headers: dict):
    if method == "get":
        return client.get(url, **headers)
    if method == "delete":
        return client.delete(url, **headers)
    if url.startswith("/api/"):
        body = json.dumps({"version": 1, "title": "probe", "trust": 1})
        return getattr(client, method)(url, body, content_type="application/json", **headers)
    return client.post(url, FORM)


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_other_accounts_and_internal_ids_answer_like_ids_that_do_not_exist(probe, bearer, method):
    firm, client, ids = probe
    headers = bearer("customer")
    before = _state()
    probed = 0
    for name, pattern, params in _routes():
        ints = [p for p, conv in params if conv == "int"]
        if not ints:
            continue
        api = pattern.startswith("/api/")
        if method in ("patch", "delete") and not api:
            continue
        base = {p: STR_VALUES.get(p, "x") for p, conv in params if conv != "int"}
        for target in ints:
            # the other integers: the customer's own account, or the id under probe too
            for others in ("own", "same"):
                fixed = {
                    p: (firm.own.pk if others == "own" and p == "account_id" else None)
                    for p in ints
                    if p != target
                }

                def url_for(value, fixed=fixed, base=base, pattern=pattern, target=target):
                    filled = {p: (v if v is not None else value) for p, v in fixed.items()}
                    return _url(pattern, {**base, **filled, target: value})

                h = headers if api else {}
                nowhere = _answer(client, method, url_for(MISSING), h)
                assert nowhere.status_code < 500, (name, method, nowhere.status_code)
                for value in ids:
                    answer = _answer(client, method, url_for(value), h)
                    probed += 1
                    assert answer.status_code == nowhere.status_code, (
                        name,
                        method,
                        url_for(value),
                        answer.status_code,
                        nowhere.status_code,
                    )
                    _clean(answer.content)
    assert probed > 500  # the walk found the routes
    assert _state() == before, "a probe changed another account's or an internal record"


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


def _customer_reachable(firm) -> list[str]:
    own = firm.own.pk
    pages = [
        "/",
        "/accounts/",
        f"/accounts/{own}/",
        f"/accounts/{own}/timeline/",
        "/portal/problems/new/",
        f"/portal/problems/{firm.records['problems'].pk}/",
        f"/portal/initiatives/{firm.records['initiatives'].pk}/",
        "/portal/initiatives/new/",
        "/portal/rate/",
        "/portal/phase/",
        "/portal/preferences/",
        "/portal/perception/",
    ]
    api = ["/api/v1/accounts", f"/api/v1/accounts/{own}", "/api/v1/portfolio/assessment"]
    api += [
        f"/api/v1/accounts/{own}/{family}"
        for family in (
            "persons",
            "interactions",
            "initiatives",
            "problems",
            "pulses",
            "preferences",
            "phases",
        )
    ]
    return pages + api


def test_filter_ordering_search_and_export_parameters_leak_nothing(probe, bearer):
    firm, client, _ = probe
    Account.objects.filter(pk=firm.own.pk).update(perception_shared=True)
    headers = bearer("customer")
    for url in _customer_reachable(firm):
        h = headers if url.startswith("/api/") else {}
        for params in LEAKY_PARAMS:
            query = {k: v.format(other=firm.other.pk) for k, v in params.items()}
            answer = client.get(url, query, **h)
            assert answer.status_code < 500, (url, query, answer.status_code)
            _clean(answer.content)


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
