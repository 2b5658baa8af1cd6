"""The account plan and tasks through the API: the same services and rules as the pages."""

from __future__ import annotations

import datetime as dt
import json

from kamkit.web.relationships.models import Objective, Task


def post(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_a_task_by_api_defaults_to_the_caller_and_names_a_bad_owner(client, firm, bearer):
    url = f"/api/v1/accounts/{firm.own.pk}/tasks"
    due = str(dt.date.today() + dt.timedelta(days=3))
    made = post(client, url, {"title": "Call the plant", "due_on": due}, bearer("manager"))
    assert made.status_code == 201, made.content
    task = Task.objects.get(pk=made.json()["id"])
    assert task.owner == firm.users["manager"] and not task.shared
    bad = post(
        client,
        url,
        {"title": "x", "due_on": due, "owner": firm.users["customer"].pk},
        bearer("manager"),
    )
    assert bad.status_code == 422 and "owner" in bad.content.decode()
    far = post(client, url, {"title": "x", "due_on": "9999-12-31"}, bearer("manager"))
    assert far.status_code == 422 and "due_on" in far.content.decode()


def test_objectives_by_api_and_the_customer_reads_only_the_shared_ones(client, firm, bearer):
    url = f"/api/v1/accounts/{firm.own.pk}/objectives"
    made = post(
        client, url, {"title": "Internal margin goal", "target_value": "22"}, bearer("manager")
    )
    assert made.status_code == 201
    assert Objective.objects.get(pk=made.json()["id"]).owner == firm.users["manager"]
    theirs = client.get(url, **bearer("customer")).json()
    titles = {o["title"] for o in theirs["items"]}
    assert "Grow share" in titles and "Internal margin goal" not in titles
    oid = made.json()["id"]
    patched = client.patch(
        f"{url}/{oid}",
        data=json.dumps({"version": 1, "current_value": "19"}),
        content_type="application/json",
        **bearer("manager"),
    )
    assert patched.status_code == 200 and float(patched.json()["current_value"]) == 19
