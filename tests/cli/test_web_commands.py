"""kamkit user add / token create / demo, against the test database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kamkit.cli import app
from kamkit.web.users.models import ApiToken, Role, User

runner = CliRunner()


def test_user_add_with_role_and_password(firm):
    result = runner.invoke(
        app, ["user", "add", "kim", "--role", "ka_manager", "--password", "long-enough-pw"]
    )
    assert result.exit_code == 0, result.output
    kim = User.objects.get(username="kim")
    assert kim.role == Role.KA_MANAGER and kim.check_password("long-enough-pw")


def test_customer_needs_an_existing_account(firm):
    missing = runner.invoke(
        app, ["user", "add", "c2", "--role", "customer", "--password", "long-enough-pw"]
    )
    assert missing.exit_code == 2 and "--account" in missing.stderr
    wrong = runner.invoke(
        app,
        [
            "user",
            "add",
            "c2",
            "--role",
            "customer",
            "--account",
            "9999",
            "--password",
            "long-enough-pw",
        ],
    )
    assert wrong.exit_code == 2 and "no account with id 9999" in wrong.stderr
    ok = runner.invoke(
        app,
        [
            "user",
            "add",
            "c2",
            "--role",
            "customer",
            "--account",
            str(firm.own.pk),
            "--password",
            "long-enough-pw",
        ],
    )
    assert ok.exit_code == 0 and User.objects.get(username="c2").account == firm.own


def test_bad_role_weak_password_and_duplicate_are_refused(firm):
    assert (
        "is not a role"
        in runner.invoke(app, ["user", "add", "x", "--role", "boss", "--password", "p"]).stderr
    )
    weak = runner.invoke(app, ["user", "add", "x", "--role", "analyst", "--password", "abc"])
    assert weak.exit_code == 2 and weak.stderr.startswith("password:")
    dup = runner.invoke(
        app, ["user", "add", "manager", "--role", "analyst", "--password", "long-enough-pw"]
    )
    assert dup.exit_code == 2 and "already exists" in dup.stderr
    assert not User.objects.filter(username="x").exists()


def test_token_create_prints_a_working_token(firm, client):
    result = runner.invoke(app, ["token", "create", "director"])
    assert result.exit_code == 0
    secret = result.stdout.strip()
    assert ApiToken.authenticate(secret) == firm.users["director"]
    assert client.get("/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    unknown = runner.invoke(app, ["token", "create", "nobody"])
    assert unknown.exit_code == 2 and "no active user" in unknown.stderr


def test_demo_firm(db):
    from kamkit.web.accounts.models import Account
    from kamkit.web.demo import load_demo
    from kamkit.web.relationships.models import DeclineDecision

    counts = load_demo()
    assert counts["accounts"] >= 40
    assert set(Account.objects.values_list("phase", flat=True)) == {
        "exploration",
        "build_up",
        "maturity",
        "decline",
    }
    assert Account.objects.filter(phase_disagreement=True).exists()
    # declining accounts of all three kinds (SPEC §2.3), the decisions kept in history
    declining = Account.objects.filter(phase="decline")
    kinds = set(declining.values_list("decline_decision", flat=True))
    assert kinds == {"", "revive", "wind_down"}
    assert DeclineDecision.objects.count() == declining.exclude(decline_decision="").count()
    # the director's plan gives the wound-down accounts only their minimum hours
    from kamkit.web.assessment.planning import make_plan

    plan = make_plan(User.objects.get(username="director"), 400, minimum=2)
    wound = set(declining.filter(decline_decision="wind_down").values_list("pk", flat=True))
    hours = {s.account: s.hours for s in plan.plan.accounts}
    assert wound and all(hours[pk] == pytest.approx(2) for pk in wound)
    for login in ("director", "manager", "analyst", "customer", "admin"):
        assert User.objects.get(username=login).check_password("demo")
    admin = User.objects.get(username="admin")  # the demo's way into the admin (issue 17)
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMIN
    customer = User.objects.get(username="customer")
    assert customer.account.ka_manager.username == "manager"
    # one of the manager's accounts went quiet: its fall is alerted to both of them
    from kamkit.web.assessment.models import IndexAlert
    from kamkit.web.portal.models import Notification

    alert = IndexAlert.objects.select_related("account__ka_manager").get()
    assert alert.account.ka_manager.username == "manager"
    assert Account.objects.index_fell().get() == alert.account
    for login in ("manager", "director"):
        told = Notification.objects.filter(recipient__username=login, account=alert.account)
        assert told.filter(text__contains="fell").exists(), login
    assert load_demo() == {}  # loading twice changes nothing


def test_assess_stores_todays_snapshots_and_refuses_bad_input(firm, tmp_path, settings):
    import json

    from django.utils import timezone

    from kamkit.web.assessment.models import AssessmentSnapshot
    from kamkit.web.assessment.services import configuration

    result = runner.invoke(app, ["assess"])
    assert result.exit_code == 0, result.output
    assert "Alpha Motors" in result.output and "Beta Energy" in result.output
    from kamkit import __version__

    assert f"kamkit {__version__}; baseline 50; phase changes after 30 days" in result.output
    today = timezone.localdate()
    assert AssessmentSnapshot.objects.filter(on=today).count() == 2  # the living accounts
    as_json = runner.invoke(app, ["assess", "--account", str(firm.own.pk), "-f", "json"])
    document = json.loads(as_json.output)
    # the version and every setting beside the items (issue 14), as the API's page says
    assert document["kamkit_version"] == __version__
    assert document["settings"]["phase_change_min_days"] == 30
    assert (document["on"], document["count"]) == (today.isoformat(), 1)
    items = document["items"]
    assert [i["account"] for i in items] == [firm.own.pk]
    assert set(items[0]["processes"]) == {"communication", "co_creation", "problem_solving"}
    for args, message in (
        (["assess", "--on", "yesterday"], "not a date"),
        (["assess", "--on", "2999-01-01"], "in the future"),
        (["assess", "--account", "999999"], "no account with id 999999"),
        (["assess", "-f", "pdf"], "unknown format"),
    ):
        bad = runner.invoke(app, args)
        assert bad.exit_code == 2 and message in bad.stderr, (args, bad.output)
    # a firm's own thresholds, with a typo named
    wrong = tmp_path / "kam.yaml"
    wrong.write_text("basline: 40\n")
    settings.KAMKIT_ASSESSMENT_CONFIG = str(wrong)
    configuration.cache_clear()
    try:
        typo = runner.invoke(app, ["assess"])
        assert typo.exit_code == 2 and "unknown assessment setting 'basline'" in typo.stderr
    finally:
        settings.KAMKIT_ASSESSMENT_CONFIG = ""
        configuration.cache_clear()


def test_assess_rebuild_recounts_data_loaded_behind_the_signals(firm):
    """Interactions written without ``save()`` (SQL, fixtures) are not in the kept
    aggregates until ``kamkit assess --rebuild`` recounts them."""
    import datetime as dt

    from django.utils import timezone

    from kamkit.web.relationships.models import Interaction, InteractionWeek

    def counted() -> int:
        return sum(
            InteractionWeek.objects.filter(account=firm.own).values_list("interactions", flat=True)
        )

    before = counted()
    Interaction.objects.bulk_create(  # no signals: the weekly counts do not see these
        Interaction(
            account=firm.own,
            occurred_at=timezone.now() - dt.timedelta(days=k + 1),
            channel="email",
            initiated_by="customer",
        )
        for k in range(3)
    )
    assert runner.invoke(app, ["assess", "--account", str(firm.own.pk)]).exit_code == 0
    assert counted() == before
    result = runner.invoke(app, ["assess", "--rebuild", "--account", str(firm.own.pk)])
    assert result.exit_code == 0, result.output
    assert counted() == before + 3


def test_finished_task_results_are_pruned_after_a_week(db, settings):
    """Issue 17: each burst of changes leaves a finished task row; `kamkit assess` (and
    the worker's start) delete those finished more than TASK_RESULTS_KEPT_DAYS ago."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from kamkit.web.taskrunner import TASK_RESULTS_KEPT_DAYS, prune_finished

    assert prune_finished() is False  # the suite's dummy runner keeps no rows
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

    def result(status: str, days_ago: int | None) -> DBTaskResult:
        finished = None if days_ago is None else timezone.now() - dt.timedelta(days=days_ago)
        return DBTaskResult.objects.create(
            status=status,
            finished_at=finished,
            args_kwargs={"args": [[1]], "kwargs": {}},
            task_path="kamkit.web.assessment.tasks.reassess",
            backend_name="default",
        )

    old = result("SUCCESSFUL", TASK_RESULTS_KEPT_DAYS + 1)
    recent = result("SUCCESSFUL", 1)
    waiting = result("READY", None)
    assert prune_finished() is True
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert old.pk not in left and {recent.pk, waiting.pk} <= left
