"""API tokens (issue 17): expiry and read-only scope enforced by the API, the service's
rules, the command line (create, list, revoke) and the "My API tokens" page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from typer.testing import CliRunner

from kamkit.cli import app
from kamkit.web.users.models import ApiToken
from kamkit.web.users.services import issue_token, revoke_token

runner = CliRunner()


def auth(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_tokens_last_use_is_written_once_a_minute(client, firm):
    """Each write drops every kept page: an integration calling each second must not."""
    token, secret = issue_token(None, firm.users["manager"], "poller")
    assert client.get("/api/v1/accounts", **auth(secret)).status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert client.get("/api/v1/accounts", **auth(secret)).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    earlier = first - dt.timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert client.get("/api/v1/accounts", **auth(secret)).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_an_expired_token_is_refused_and_a_live_one_works(client, firm):
    token, secret = issue_token(None, firm.users["manager"], "report", expires_in_days=30)
    assert client.get("/api/v1/accounts", **auth(secret)).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    refused = client.get("/api/v1/accounts", **auth(secret))
    assert refused.status_code == 401 and refused.json()["detail"]
    assert ApiToken.objects.get(pk=token.pk).status == "expired"


def test_a_read_only_token_reads_but_never_writes(client, firm):
    _, secret = issue_token(None, firm.users["manager"], "dashboards", read_only=True)
    assert client.get(f"/api/v1/accounts/{firm.own.pk}", **auth(secret)).status_code == 200
    before = firm.own.industry
    refused = client.patch(
        f"/api/v1/accounts/{firm.own.pk}",
        data=json.dumps({"industry": "changed", "version": firm.own.version}),
        content_type="application/json",
        **auth(secret),
    )
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]
    firm.own.refresh_from_db()
    assert firm.own.industry == before


def test_a_revoked_token_is_refused_at_once(client, firm):
    token, secret = issue_token(None, firm.users["customer"], "portal sync")
    assert client.get("/api/v1/accounts", **auth(secret)).status_code == 200
    revoke_token(firm.users["customer"], token)
    assert client.get("/api/v1/accounts", **auth(secret)).status_code == 401


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", None, "name"),
        ("x" * 101, None, "name"),
        ("ok", 0, "expires_in_days"),
        ("ok", 99999, "expires_in_days"),
        ("a\x00b", None, "name"),
    ],
)
def test_bad_token_input_is_named_and_nothing_is_written(firm, name, days, field):
    with pytest.raises(ValidationError) as refused:
        issue_token(None, firm.users["manager"], name, expires_in_days=days)
    assert field in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_only_the_owner_or_an_administrator_manages_a_token(firm):
    token, _ = issue_token(None, firm.users["manager"], "mine")
    with pytest.raises(PermissionDenied):
        revoke_token(firm.users["director"], token)
    with pytest.raises(PermissionDenied):
        issue_token(firm.users["director"], firm.users["manager"], "for you")
    revoke_token(firm.users["admin"], token)
    assert ApiToken.objects.get(pk=token.pk).status == "revoked"


def test_token_commands_create_list_and_revoke(firm):
    made = runner.invoke(
        app,
        ["token", "create", "manager", "--label", "nightly", "--expires-days", "7", "--read-only"],
    )
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    token = ApiToken.objects.get(name="nightly")
    assert token.read_only and token.expires_at is not None
    assert "read-only" in made.stderr and "shown only this once" in made.stderr
    listed = runner.invoke(app, ["token", "list", "-f", "json"])
    rows = json.loads(listed.stdout)
    assert [(r["user"], r["name"], r["scope"], r["status"]) for r in rows] == [
        ("manager", "nightly", "read", "active")
    ]
    assert secret not in listed.stdout and token.prefix in listed.stdout
    table = runner.invoke(app, ["token", "list", "manager"])
    assert "nightly" in table.stdout and "prefix" in table.stdout
    gone = runner.invoke(app, ["token", "revoke", token.prefix])
    assert gone.exit_code == 0 and "Revoked token" in gone.stdout
    assert ApiToken.objects.get(pk=token.pk).status == "revoked"
    assert "No active tokens" in runner.invoke(app, ["token", "list"]).stdout
    assert "revoked" in runner.invoke(app, ["token", "list", "--all"]).stdout


def test_token_commands_name_what_is_wrong(firm):
    bad = runner.invoke(app, ["token", "create", "manager", "--expires-days", "0"])
    assert bad.exit_code == 2 and "--expires-days" in bad.stderr
    unknown = runner.invoke(app, ["token", "revoke", "kk_nope"])
    assert unknown.exit_code == 2 and "no token" in unknown.stderr
    huge = runner.invoke(app, ["token", "revoke", "9" * 30])
    assert huge.exit_code == 2
    fmt = runner.invoke(app, ["token", "list", "-f", "xml"])
    assert fmt.exit_code == 2 and "--format" in fmt.stderr


def test_the_page_creates_shows_once_and_revokes(client, firm):
    client.force_login(firm.users["customer"])
    made = client.post(
        "/auth/tokens/", {"name": "our ERP", "expires_in_days": "90", "read_only": "on"}
    )
    assert made.status_code == 200
    page = BeautifulSoup(made.content, "html.parser")
    secret = page.select_one("#new-secret input")["value"]
    token = ApiToken.objects.get(user=firm.users["customer"])
    assert token.read_only and token.name == "our ERP"
    assert (token.expires_at - timezone.now()).days in (89, 90)
    assert client.get("/api/v1/accounts", **auth(secret)).status_code == 200
    again = client.get("/auth/tokens/")
    assert secret.encode() not in again.content  # shown once
    assert b"our ERP" in again.content and b"read only" in again.content
    revoked = client.post(f"/auth/tokens/{token.pk}/revoke/", follow=True)
    assert b"Revoked the token" in revoked.content
    assert ApiToken.objects.get(pk=token.pk).status == "revoked"


def test_the_page_names_bad_input(client, firm):
    client.force_login(firm.users["manager"])
    refused = client.post("/auth/tokens/", {"name": "", "expires_in_days": "abc"})
    assert refused.status_code == 422
    alerts = [
        a.get_text() for a in BeautifulSoup(refused.content, "html.parser").select("[role=alert]")
    ]
    assert any(a.startswith("Expires:") for a in alerts)
    assert not ApiToken.objects.exists()
    refused = client.post("/auth/tokens/", {"name": "", "expires_in_days": "30"})
    assert refused.status_code == 422 and b"Name: is empty" in refused.content


def test_nobody_sees_or_revokes_another_users_token(client, firm):
    token, _ = issue_token(None, firm.users["manager"], "secret-project")
    client.force_login(firm.users["director"])
    assert b"secret-project" not in client.get("/auth/tokens/").content
    assert client.post(f"/auth/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).status == "active"
