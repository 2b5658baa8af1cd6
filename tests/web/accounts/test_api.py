"""API v1 behaviour: shapes, paging, conflicts, validation, isolation."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.web.accounts.models import Account, Person
from tests.personas import call


def test_list_shape_paging_and_filters(client, firm, bearer):
    h = bearer("director")
    data = call(client, "get", "/api/v1/accounts?limit=1&offset=1", h).json()
    assert data["count"] == 2 and data["limit"] == 1 and data["offset"] == 1
    assert [a["name"] for a in data["items"]] == ["Beta Energy"]  # deleted ones are not listed
    assert call(client, "get", "/api/v1/accounts?q=alpha", h).json()["count"] == 1
    assert (
        call(client, "get", "/api/v1/accounts?phase=decline", h).json()["items"][0]["name"]
        == "Beta Energy"
    )
    assert (
        call(client, "get", "/api/v1/accounts?ordering=-name", h).json()["items"][0]["name"]
        == "Beta Energy"
    )
    bad = call(client, "get", "/api/v1/accounts?limit=0", h)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limit"
    bad_phase = call(client, "get", "/api/v1/accounts?phase=teenage", h)
    assert bad_phase.status_code == 422 and "phase" in bad_phase.json()["detail"]


def test_manager_sees_only_own_accounts(client, firm, bearer):
    items = call(client, "get", "/api/v1/accounts", bearer("manager")).json()["items"]
    assert [a["name"] for a in items] == ["Alpha Motors"]


def test_stale_version_is_a_conflict_and_changes_nothing(client, firm, bearer):
    h = bearer("manager")
    url = f"/api/v1/accounts/{firm.own.pk}"
    first = call(client, "patch", url, h, {"version": 1, "industry": "cars"})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = call(client, "patch", url, h, {"version": 1, "industry": "trucks"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert Account.objects.get(pk=firm.own.pk).industry == "cars"
    assert Account.objects.get(pk=firm.own.pk).history.count() == 2  # created + one change


def test_validation_errors_name_each_field(client, firm, bearer):
    h = bearer("director")
    response = call(client, "post", "/api/v1/accounts", h, {"name": "", "revenue_share": 9})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"name", "revenue_share"} <= fields
    bad_ref = call(client, "post", "/api/v1/accounts", h, {"name": "X", "ka_manager": 99999})
    assert bad_ref.status_code == 422 and "ka_manager" in bad_ref.json()["detail"]
    bad_json = client.post(
        "/api/v1/accounts", data="{not json", content_type="application/json", **h
    )
    assert bad_json.status_code in (400, 422)
    assert Account.objects.filter(name="X").count() == 0
    weights = call(
        client,
        "patch",
        f"/api/v1/accounts/{firm.own.pk}",
        h,
        {"version": 1, "selection_weights": {"luck": 2}},
    )
    assert (
        weights.status_code == 422 and weights.json()["errors"][0]["field"] == "selection_weights"
    )
    assert Account.objects.get(pk=firm.own.pk).version == 1  # invalid input left no trace


def test_delete_is_soft_and_restorable(client, firm, bearer):
    h = bearer("director")
    assert call(client, "delete", f"/api/v1/accounts/{firm.own.pk}", h).status_code == 204
    assert call(client, "get", f"/api/v1/accounts/{firm.own.pk}", h).status_code == 404
    assert Account.objects.filter(pk=firm.own.pk).exists()
    restored = call(client, "post", f"/api/v1/accounts/{firm.own.pk}/restore", h, {})
    assert restored.status_code == 200
    assert call(client, "get", f"/api/v1/accounts/{firm.own.pk}", h).status_code == 200


def test_persons_crud_with_version(client, firm, bearer):
    h = bearer("manager")
    base = f"/api/v1/accounts/{firm.own.pk}/persons"
    created = call(
        client, "post", base, h, {"side": "customer", "name": "Ines Engineer", "role": "engineer"}
    )
    assert created.status_code == 201
    pid = created.json()["id"]
    listing = call(client, "get", base, h).json()
    assert listing["count"] == 4 and {"items", "count", "limit", "offset"} <= set(listing)
    assert (
        call(
            client, "patch", f"{base}/{pid}", h, {"version": 1, "role": "lead engineer"}
        ).status_code
        == 200
    )
    assert call(client, "patch", f"{base}/{pid}", h, {"version": 1, "role": "x"}).status_code == 409
    assert call(client, "post", base, h, {"side": "vendor", "name": "Y"}).status_code == 422
    # a person of another account is not reachable under this account
    assert call(client, "get", f"{base}/{firm.other_person.pk}", h).status_code == 404


def test_customer_sees_only_its_account_and_nothing_internal(client, firm, bearer):
    h = bearer("customer")
    listing = call(client, "get", "/api/v1/accounts", h)
    body = listing.content.decode()
    assert listing.json()["count"] == 1
    for secret in (
        "Price review due.",
        "internal_notes",
        "ka_manager",
        "selection",
        "phase",
        "Beta Energy",
    ):
        assert secret not in body, secret
    for probe in (
        f"/api/v1/accounts/{firm.other.pk}",
        f"/api/v1/accounts/{firm.other.pk}/persons",
        f"/api/v1/accounts/{firm.other.pk}/persons/{firm.other_person.pk}",
        f"/api/v1/accounts/{firm.deleted.pk}",
    ):
        assert call(client, "get", probe, h).status_code == 404, probe
    # filters and ordering cannot widen the scope
    other_manager = firm.other.ka_manager_id
    for query in ("q=Beta", f"ka_manager={other_manager}", "phase=decline", "ordering=-updated"):
        names = [
            a["name"] for a in call(client, "get", f"/api/v1/accounts?{query}", h).json()["items"]
        ]
        assert "Beta Energy" not in names, query


def test_bearer_token_and_revocation(client, firm):
    from django.utils import timezone

    from kamkit.web.users.models import ApiToken

    token, secret = ApiToken.issue(firm.users["director"])
    h = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/accounts", **h).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/v1/accounts", **h).status_code == 401
    assert client.get("/api/v1/accounts", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401
    assert not ApiToken.objects.filter(digest=secret).exists()  # only the digest is stored


def test_list_query_count_does_not_grow_with_rows(client, firm, bearer):
    h = bearer("director")
    client.get("/api/v1/accounts", **h)  # the token's first use is written (then each minute)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/accounts", **h)
    Account.objects.bulk_create([Account(name=f"Extra {i}") for i in range(30)])
    Person.objects.bulk_create(
        [Person(account=firm.own, side="customer", name=f"P{i}") for i in range(30)]
    )
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/accounts?limit=40", **h)
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as persons:
        client.get(f"/api/v1/accounts/{firm.own.pk}/persons?limit=40", **h)
    assert len(persons) <= len(few) + 3


def test_openapi_document(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/accounts" in doc["paths"]
    assert "/api/v1/accounts/{account_id}/persons" in doc["paths"]


def test_api_docs_page_loads_nothing_from_outside(client, db):
    import re

    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_the_accounts_nobody_manages_are_listed_by_ka_manager_null(client, firm, bearer):
    Account.objects.filter(pk=firm.other.pk).update(ka_manager=None)
    data = call(client, "get", "/api/v1/accounts?ka_manager=null", bearer("director")).json()
    assert [a["name"] for a in data["items"]] == ["Beta Energy"]


def test_a_director_reassigns_many_accounts_at_once(client, firm, bearer):
    from kamkit.web.accounts.models import KAMUnit
    from kamkit.web.portal.models import Notification

    director = bearer("director")
    manager = firm.users["manager"]
    unit = KAMUnit.objects.create(name="Energy KAM")

    def post(body: dict):
        return client.post(
            "/api/v1/accounts/reassign",
            data=json.dumps(body),
            content_type="application/json",
            **director,
        )

    answer = post(
        {
            "accounts": [firm.other.pk, firm.own.pk, firm.other.pk],
            "ka_manager": manager.pk,
            "kam_unit": unit.pk,
        }
    )
    assert answer.status_code == 200, answer.content
    # Alpha was the manager's already, but not in Energy KAM: both changed, each once
    assert answer.json() == {"changed": 2, "accounts": [firm.other.pk, firm.own.pk]}
    other = Account.objects.get(pk=firm.other.pk)
    assert other.ka_manager == manager and other.kam_unit == unit and other.version == 2
    assert other.history.first().history_user == firm.users["director"]
    assert Notification.objects.filter(recipient=manager, account=other).exists()
    # the same again changes nothing
    assert post({"accounts": [firm.other.pk], "ka_manager": manager.pk}).json()["changed"] == 0
    # bad input is named, and nothing is written
    unknown = post({"accounts": [firm.other.pk, 999_999], "ka_manager": firm.other.ka_manager_id})
    assert (
        unknown.status_code == 422
        and "accounts: no account with id 999999" in unknown.json()["detail"]
    )
    assert Account.objects.get(pk=firm.other.pk).ka_manager == manager
    deleted = post({"accounts": [firm.deleted.pk], "ka_manager": manager.pk})
    assert deleted.status_code == 422
    no_manager = post({"accounts": [firm.other.pk], "ka_manager": firm.users["director"].pk})
    assert no_manager.status_code == 422 and no_manager.json()["detail"].startswith("ka_manager")
    empty = post({"accounts": [], "ka_manager": manager.pk})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "accounts"
    huge = post({"accounts": [firm.other.pk, 2**70], "ka_manager": manager.pk})
    assert huge.status_code == 422 and huge.json()["errors"][0]["field"].startswith("accounts")
    too_many = post({"accounts": list(range(1, 502)), "ka_manager": manager.pk})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "accounts"
