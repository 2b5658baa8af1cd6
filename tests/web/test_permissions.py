"""The permission matrix: every route of the URL configuration × every role.

A route with no rule here fails ``test_every_route_has_a_rule``: a new view cannot ship
without saying who may use it. Pages are requested with a session; API operations with a
bearer token (anonymous: none).
"""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.personas import ROLES

# role columns: anonymous, admin, director, manager, analyst, partner, customer
R = dict(zip(ROLES, range(len(ROLES)), strict=True))


def row(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


def _managers_notification(f) -> int:
    from kamkit.web.portal.models import Notification

    return Notification.objects.create(
        recipient=f.users["manager"], account=f.own, text="n", link="/accounts/"
    ).pk


def _alert(f) -> int:
    """An index alert on the manager's account, not answered yet."""
    import datetime as dt

    from kamkit.web.assessment.models import IndexAlert

    return IndexAlert.objects.create(account=f.own, on=dt.date.today(), index=55, earlier=71).pk


def _heard_pulse(f) -> int:
    """A pulse our side recorded from Eva (who has no login): ours to correct."""
    from kamkit.web.relationships.models import Pulse

    return Pulse.objects.create(account=f.own, person=f.own_person, trust=4).pk


def _deleted_call(f) -> dict:
    """The firm's internal call, deleted (so there is something to restore)."""
    from kamkit.web.base import soft_delete

    soft_delete(f.records["interactions"])
    return {"kind": "interaction", "pk": f.records["interactions"].pk}


def _previewed_import(f) -> dict:
    """An import waiting for its confirmation (no files: confirming imports nothing)."""
    from kamkit.web.imports.models import ImportRun

    run = ImportRun.objects.create(
        created_by=f.users["director"], files=[], status=ImportRun.Status.PREVIEWED
    )
    return {"pk": run.pk}


def _survey(f) -> dict:
    """A questionnaire of the firm's wave."""
    import datetime as dt

    from kamkit.web.research.models import Survey

    survey = Survey.objects.create(wave=f.wave, closes_on=dt.date.today() + dt.timedelta(days=7))
    return {"pk": survey.pk}


def _document(f) -> dict:
    """A transcript of the firm's wave, brought in for coding (speakers as the legal unit)."""
    from kamkit.web.research.models import CodedSegment, CodingDocument

    doc = CodingDocument.objects.create(
        wave=f.wave, name="interview.txt", kind="transcript", unit="legal"
    )
    CodedSegment.objects.create(document=doc, index=0, text="Most rules are informal.")
    return {"pk": doc.pk}


def _objective(f) -> dict:
    """A shared objective of the manager's account (the customer may read and comment)."""
    from kamkit.web.relationships.models import Objective

    return {"pk": Objective.objects.create(account=f.own, title="Grow share", shared=True).pk}


def _task(f) -> dict:
    """A task of the manager's account owned by the customer's person (so shared)."""
    import datetime as dt

    from kamkit.web.relationships.models import Task

    f.own_person.user = f.users["customer"]
    f.own_person.save()
    task = Task.objects.create(
        account=f.own,
        title="Send the forecast",
        due_on=dt.date.today(),
        owner_person=f.own_person,
        shared=True,
    )
    return {"pk": task.pk}


def _manager_token(f) -> int:
    from kamkit.web.users.models import ApiToken

    token, _ = ApiToken.issue(f.users["manager"], "probe")
    return token.pk


def _project(f) -> dict:
    return {"project_id": f.project.pk}


def _wave(f) -> dict:
    return {"project_id": f.project.pk, "wave_id": f.wave.pk}


def _second_wave(f) -> dict:
    """A second wave of the firm's project (the changes need one before them)."""
    from kamkit.web.diagnosis.models import DiagnosisCase

    later = DiagnosisCase.objects.create(
        title="Wave 2015",
        source_yaml=f.wave.source_yaml,
        project=f.project,
        wave_on="2015-09-01",
    )
    return {"project_id": f.project.pk, "wave_id": later.pk}


def _action(f) -> dict:
    return {"project_id": f.project.pk, "action_id": f.action.pk}


# diagnosis projects (issue 18): the diagnosis people read and write, KA managers of the
# project's KAM unit read (writes 403), nobody else learns a project exists
DIAGNOSIS_READ = (401, 200, 200, 200, 200, 404, 404)
DIAGNOSIS_WRITE = (401, 200, 200, 403, 200, 404, 404)


# name: (method, kwargs from the firm, JSON body or form data, expected status per role)
PAGES = {
    "home": ("get", lambda f: {}, None, row(302, 302, 302, 302, 302, 200, 302)),
    "login": ("get", lambda f: {}, None, row(200, 302, 302, 302, 302, 302, 302)),
    "healthz": ("get", lambda f: {}, None, row(200, 200, 200, 200, 200, 200, 200)),
    "logout": ("post", lambda f: {}, {}, row(302, 302, 302, 302, 302, 302, 302)),
    # the second login step needs a password step first (else back to the login page);
    # two-factor is for the firm's people, never a customer's
    "two_factor_login": ("get", lambda f: {}, None, row(302, 302, 302, 302, 302, 302, 302)),
    "two_factor_setup": ("get", lambda f: {}, None, row(302, 200, 200, 200, 200, 200, 403)),
    # everyone manages their own API tokens; another user's token is not found
    "tokens": ("get", lambda f: {}, None, row(302, 200, 200, 200, 200, 200, 200)),
    # everyone logged in chooses their own interface language
    "set_language": (
        "post",
        lambda f: {},
        {"language": "de"},
        row(302, 302, 302, 302, 302, 302, 302),
    ),
    "revoke_token": (
        "post",
        lambda f: {"pk": _manager_token(f)},
        {},
        row(302, 404, 404, 302, 404, 404, 404),
    ),
    # getting back in is open to everyone (a made-up link opens nothing: its page says so)
    "password_reset": ("get", lambda f: {}, None, row(200, 200, 200, 200, 200, 200, 200)),
    "password_reset_done": ("get", lambda f: {}, None, row(200, 200, 200, 200, 200, 200, 200)),
    "password_reset_confirm": (
        "get",
        lambda f: {"uidb64": "MQ", "token": "made-up"},
        None,
        row(200, 200, 200, 200, 200, 200, 200),
    ),
    "password_reset_complete": (
        "get",
        lambda f: {},
        None,
        row(200, 200, 200, 200, 200, 200, 200),
    ),
    "accounts:portfolio": ("get", lambda f: {}, None, row(302, 200, 200, 200, 403, 403, 302)),
    "accounts:matrix": ("get", lambda f: {}, None, row(302, 200, 200, 200, 403, 403, 404)),
    "accounts:detail": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 200),
    ),
    "accounts:export": (
        "get",
        lambda f: {"pk": f.own.pk, "what": "interactions", "fmt": "csv"},
        None,
        row(302, 200, 200, 200, 404, 404, 200),
    ),
    "accounts:edit": (
        "post",
        lambda f: {"pk": f.own.pk},
        lambda f: {
            "name": "Alpha Motors",
            "industry": "cars",
            "version": 1,
            "is_key_account": "on",
        },
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "accounts:create": (
        "post",
        lambda f: {},
        {"name": "Gamma Rail", "is_key_account": "on"},
        row(302, 302, 302, 403, 403, 403, 403),
    ),
    "accounts:reassign": (
        "post",
        lambda f: {},
        lambda f: {"filters": f"ka_manager={f.users['manager'].pk}", "expected": 1},
        row(302, 302, 302, 403, 403, 403, 403),
    ),
    "accounts:deleted": ("get", lambda f: {}, None, row(302, 200, 200, 403, 403, 403, 403)),
    "accounts:delete": (
        "post",
        lambda f: {"pk": f.own.pk},
        {},
        row(302, 302, 302, 403, 404, 404, 403),
    ),
    "accounts:restore": (
        "post",
        lambda f: {"pk": f.deleted.pk},
        {},
        row(302, 302, 302, 403, 403, 403, 403),
    ),
    "accounts:person_create": (
        "post",
        lambda f: {"pk": f.own.pk},
        lambda f: {"side": "customer", "name": "New Person"},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "accounts:person_edit": (
        "get",
        lambda f: {"pk": f.own_person.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    "accounts:person_delete": (
        "post",
        lambda f: {"pk": f.own_person.pk},
        {},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "relationships:timeline": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 200),
    ),
    "relationships:log_interaction": (
        "post",
        lambda f: {"pk": f.own.pk},
        lambda f: {
            "occurred_at": "2026-11-20T10:00",
            "channel": "phone",
            "initiated_by": "supplier",
            "formality": "formal",
            "content": "operational",
        },
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "relationships:advance_problem": (
        "post",
        lambda f: {"pk": f.records["problems"].pk},
        {},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "relationships:initiative_edit": (
        "get",
        lambda f: {"pk": f.records["initiatives"].pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    # working pages of an account: its supplier-side editors; a customer's own pages are
    # the portal's (issue 6), so here it gets 403 on its own account
    # which internal units a record involved: its supplier-side editors; a customer never
    "relationships:internal_units": (
        "post",
        lambda f: {"kind": "problems", "pk": f.records["problems"].pk},
        {"internal_units": []},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "relationships:problem_edit": (
        "get",
        lambda f: {"pk": f.records["problems"].pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    "relationships:record_pulse": (
        "post",
        lambda f: {"pk": f.own.pk},
        lambda f: {"person": f.own_person.pk, "rated_on": "2026-11-20", "trust": "6"},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "relationships:preferences": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    "relationships:preference_edit": (
        "get",
        lambda f: {"pk": f.records["preferences"].pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    "relationships:phases": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    # correcting the timeline (issue 15): the account's editors; the internal call is not
    # shown to the customer at all (404)
    "relationships:interaction_edit": (
        "get",
        lambda f: {"pk": f.records["interactions"].pk},
        None,
        row(302, 200, 200, 200, 404, 404, 404),
    ),
    "relationships:entry_edit": (
        "get",
        lambda f: {"kind": "pulse", "pk": _heard_pulse(f)},
        None,
        row(302, 200, 200, 200, 404, 404, 404),
    ),
    "relationships:delete_entry": (
        "post",
        lambda f: {"kind": "interaction", "pk": f.records["interactions"].pk},
        {},
        row(302, 302, 302, 302, 404, 404, 404),
    ),
    "relationships:restore_entry": (
        "post",
        lambda f: _deleted_call(f),
        {},
        row(302, 302, 302, 302, 404, 404, 404),
    ),
    # the supplier side raises problems and starts initiatives (issue 15); a customer
    # does so in the portal
    "relationships:new_problem": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    "relationships:new_initiative": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    "relationships:comment_problem": (
        "post",
        lambda f: {"pk": f.records["problems"].pk},
        {"text": "On our way", "internal": "on"},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    # agreeing on the definition: the editors; the unframed problem answers with a message
    "relationships:agree_definition": (
        "post",
        lambda f: {"pk": f.records["problems"].pk},
        {},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    # nothing to undo on a problem as raised: the editors get 422, naming why
    "relationships:undo_stage": (
        "post",
        lambda f: {"pk": f.records["problems"].pk},
        {"reason": "mis-click"},
        row(302, 422, 422, 422, 404, 404, 403),
    ),
    # revive or wind down (SPEC §2.3): the account's editors; a customer never
    "relationships:decline_decision": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    # the perception gap: the supplier side of the account reads it, its editors share it
    "relationships:perception": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    "relationships:share_perception": (
        "post",
        lambda f: {"pk": f.own.pk},
        {"shared": "1"},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    # directors plan the portfolio, a manager their own accounts; nobody else plans
    "assessment:plan": ("get", lambda f: {}, None, row(302, 200, 200, 200, 403, 403, 403)),
    # a director recomputes all, a manager their own; nobody else has accounts to assess
    "assessment:recompute": (
        "post",
        lambda f: {},
        {},
        row(302, 302, 302, 302, 403, 403, 403),
    ),
    # inviting and revoking: the account's supplier-side editors only
    "access:invite": (
        "post",
        lambda f: {"pk": f.own_person.pk},
        {},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "access:revoke": (
        "post",
        lambda f: {"pk": f.own_person.pk},
        {},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    # the invitation link is public, but a made-up secret opens nothing
    "portal:accept": (
        "get",
        lambda f: {"secret": "made-up"},
        None,
        row(404, 404, 404, 404, 404, 404, 404),
    ),
    # the customer's own pages: a customer user only (about its own account)
    "portal:raise_problem": ("get", lambda f: {}, None, row(302, 403, 403, 403, 403, 403, 200)),
    "portal:problem": (
        "get",
        lambda f: {"pk": f.records["problems"].pk},
        None,
        row(302, 403, 403, 403, 403, 403, 200),
    ),
    "portal:propose_initiative": (
        "get",
        lambda f: {},
        None,
        row(302, 403, 403, 403, 403, 403, 200),
    ),
    "portal:initiative": (
        "get",
        lambda f: {"pk": f.records["initiatives"].pk},
        None,
        row(302, 403, 403, 403, 403, 403, 200),
    ),
    # not shared by the KA manager (the default): there is nothing to see
    "portal:perception": ("get", lambda f: {}, None, row(302, 403, 403, 403, 403, 403, 404)),
    "portal:rate": ("get", lambda f: {}, None, row(302, 403, 403, 403, 403, 403, 200)),
    "portal:phase": ("get", lambda f: {}, None, row(302, 403, 403, 403, 403, 403, 200)),
    "portal:preferences": ("get", lambda f: {}, None, row(302, 403, 403, 403, 403, 403, 200)),
    # the supplier side's notifications (each user sees only their own)
    "portal:notifications": ("get", lambda f: {}, None, row(302, 200, 200, 200, 200, 200, 200)),
    # one's own notification only: anyone else's answers 404 (issue 15)
    "portal:open_notification": (
        "get",
        lambda f: {"pk": _managers_notification(f)},
        None,
        row(302, 404, 404, 302, 404, 404, 404),
    ),
    # KA managers read the projects of their own KAM units (issue 18), not single cases
    "diagnosis:list": ("get", lambda f: {}, None, row(302, 200, 200, 200, 200, 404, 404)),
    "diagnosis:project": (
        "get",
        lambda f: {"pk": f.project.pk},
        None,
        row(302, 200, 200, 200, 200, 404, 404),
    ),
    "diagnosis:project_new": ("get", lambda f: {}, None, row(302, 200, 200, 404, 200, 404, 404)),
    "diagnosis:project_edit": (
        "get",
        lambda f: {"pk": f.project.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:wave_new": (
        "get",
        lambda f: {"pk": f.project.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:pair": (
        "get",
        lambda f: {"pk": f.wave.pk, "kam": "kam1", "partner": "legal"},
        None,
        row(302, 200, 200, 200, 200, 404, 404),
    ),
    "diagnosis:changes": (
        "get",
        lambda f: {"pk": _second_wave(f)["wave_id"], "fmt": "csv"},
        None,
        row(302, 200, 200, 200, 200, 404, 404),
    ),
    "diagnosis:pair_edit": (
        "get",
        lambda f: {"pk": f.wave.pk, "kam": "kam1", "partner": "legal"},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:wave_edit": (
        "get",
        lambda f: {"pk": f.wave.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:unit_new": (
        "get",
        lambda f: {"pk": f.wave.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:unit_edit": (
        "get",
        lambda f: {"pk": f.wave.pk, "uid": "legal"},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:next_wave": (
        "post",
        lambda f: {"pk": f.wave.pk},
        {"title": "Next"},
        row(302, 302, 302, 404, 302, 404, 404),
    ),
    "diagnosis:respondent_new": (
        "get",
        lambda f: {"pk": f.wave.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:respondent_edit": (
        "get",
        lambda f: {"pk": f.wave.pk, "rid": "I2"},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:statements": (
        "get",
        lambda f: {"pk": f.wave.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:partner_unit": (
        "post",
        lambda f: {"pk": f.wave.pk, "kam": "kam1", "partner": "legal"},
        {"internal_unit": ""},
        row(302, 302, 302, 404, 302, 404, 404),
    ),
    "diagnosis:wave_start": (
        "get",
        lambda f: {"pk": f.project.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:action": (
        "get",
        lambda f: {"pk": f.action.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:report": (
        "get",
        lambda f: {"pk": f.case.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    # adding a case: those who see the diagnosis; the others never learn the page exists
    "diagnosis:new": ("get", lambda f: {}, None, row(302, 200, 200, 404, 200, 404, 404)),
    "diagnosis:source": (
        "get",
        lambda f: {"pk": f.case.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:delete": (
        "get",
        lambda f: {"pk": f.case.pk},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    "diagnosis:download": (
        "get",
        lambda f: {"pk": f.case.pk, "fmt": "csv"},
        None,
        row(302, 200, 200, 404, 200, 404, 404),
    ),
    # imports: directors and administrators; a customer never learns they exist
    "imports:list": ("get", lambda f: {}, None, row(302, 200, 200, 403, 403, 403, 404)),
    "imports:detail": ("get", _previewed_import, None, row(302, 200, 200, 403, 403, 403, 404)),
    "imports:confirm": ("post", _previewed_import, {}, row(302, 302, 302, 403, 403, 403, 404)),
    "imports:cancel": ("post", _previewed_import, {}, row(302, 302, 302, 403, 403, 403, 404)),
    # research data (issue 19): the supplier's KAM team and analysts, each sees their own
    # share (tests/web/research); partners and customers never learn the page exists
    "research:index": ("get", lambda f: {}, None, row(302, 200, 200, 200, 200, 404, 404)),
    # fsQCA (issue 21): as the research data; the analyst sees no accounts, so it is told
    # (422) when it asks for account cases, and reads its project's pairs
    "research:qca": ("get", lambda f: {}, None, row(302, 200, 200, 200, 200, 404, 404)),
    # questionnaires: those who keep the waves; a KA manager reads the wave but may not
    # survey (403); partners and customers never learn the wave exists
    "research:wave_surveys": (
        "get",
        lambda f: {"pk": f.wave.pk},
        None,
        row(302, 200, 200, 403, 200, 404, 404),
    ),
    "research:survey": ("get", _survey, None, row(302, 200, 200, 403, 200, 404, 404)),
    "research:survey_remind": ("post", _survey, {}, row(302, 302, 302, 403, 302, 404, 404)),
    "research:survey_close": ("post", _survey, {}, row(302, 302, 302, 403, 302, 404, 404)),
    # the account plan (issue 20): who sees the account reads it (a customer the shared
    # objectives); the supplier's team keeps it
    "relationships:account_plan": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 200),
    ),
    "relationships:objective_edit": (
        "get",
        _objective,
        None,
        row(302, 200, 200, 200, 404, 404, 403),
    ),
    "relationships:objective_review": (
        "post",
        _objective,
        {"current_value": "5", "version": "1"},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "relationships:objective_comment": (
        "post",
        _objective,
        {"text": "Agreed."},
        row(302, 302, 302, 302, 404, 404, 302),
    ),
    # the review pack (issue 20): who sees the account (a customer: its safe version)
    "relationships:review_pack": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 200),
    ),
    # tasks (issue 20): everyone has their own list (a partner's is empty); the supplier's
    # team adds tasks to an account; a task's owner (or the account's team) marks it done
    "tasks": ("get", lambda f: {}, None, row(302, 200, 200, 200, 200, 200, 200)),
    # every signed-in role may search; what it finds is its own (tests/web/search)
    "search": ("get", lambda f: {}, None, row(302, 200, 200, 200, 200, 200, 200)),
    # Today: who keeps accounts (tests/web/today); the others have nothing to act on there
    "today": ("get", lambda f: {}, None, row(302, 200, 200, 200, 403, 403, 403)),
    "answer_alert": (
        "post",
        lambda f: {"pk": _alert(f)},
        {"answer": "Call their COO this week."},
        row(302, 302, 302, 302, 404, 404, 404),
    ),
    "relationships:new_task": (
        "post",
        lambda f: {"pk": f.own.pk},
        {"title": "Call Eva", "due_on": "2026-12-24"},
        row(302, 302, 302, 302, 404, 404, 403),
    ),
    "task_done": ("post", _task, {}, row(302, 302, 302, 302, 404, 404, 302)),
    # the stakeholder map (issue 20): who sees the account on the supplier's side reads
    # it; who may change the account edits it; customers learn nothing of it
    "relationships:stakeholders": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 404),
    ),
    "relationships:stakeholder_edit": (
        "get",
        lambda f: {"pk": f.own.pk, "person": f.own_person.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 404),
    ),
    # relationship pulses by email: those who may change the account (its KA manager,
    # directors); an analyst sees no accounts, partners and customers get 404
    "research:account_pulses": (
        "get",
        lambda f: {"pk": f.own.pk},
        None,
        row(302, 200, 200, 200, 404, 404, 404),
    ),
    # coding a wave's statements: as for questionnaires
    "research:coding": (
        "get",
        lambda f: {"pk": f.wave.pk},
        None,
        row(302, 200, 200, 403, 200, 404, 404),
    ),
    "research:code": ("get", _document, None, row(302, 200, 200, 403, 200, 404, 404)),
    "research:document_agreement": ("get", _document, None, row(302, 200, 200, 403, 200, 404, 404)),
    "research:add_statements": ("post", _document, {}, row(302, 302, 302, 403, 302, 404, 404)),
    # the respondent's link needs no login; a made-up link opens nothing
    "answer:questionnaire": (
        "get",
        lambda f: {"secret": "made-up"},
        None,
        row(404, 404, 404, 404, 404, 404, 404),
    ),
}

API = {
    "api:list_projects": ("get", lambda f: {}, None, row(401, 200, 200, 200, 200, 200, 200)),
    "api:create_project": (
        "post",
        lambda f: {},
        lambda f: {"name": "New study"},
        row(401, 201, 201, 403, 201, 403, 403),
    ),
    "api:get_project": ("get", _project, None, row(*DIAGNOSIS_READ)),
    "api:update_project": ("patch", _project, lambda f: {"firm": "F"}, row(*DIAGNOSIS_WRITE)),
    "api:remove_project": ("delete", _project, None, row(401, 204, 204, 403, 204, 404, 404)),
    "api:list_waves": ("get", _project, None, row(*DIAGNOSIS_READ)),
    "api:create_wave": (
        "post",
        _project,
        lambda f: {"case": f.wave.source_yaml},
        row(401, 201, 201, 403, 201, 404, 404),
    ),
    "api:get_wave": ("get", _wave, None, row(*DIAGNOSIS_READ)),
    "api:remove_wave": ("delete", _wave, None, row(401, 204, 204, 403, 204, 404, 404)),
    "api:get_wave_case": ("get", _wave, None, row(*DIAGNOSIS_READ)),
    "api:list_units": ("get", _wave, None, row(*DIAGNOSIS_READ)),
    "api:list_links": ("get", _wave, None, row(*DIAGNOSIS_READ)),
    "api:wave_result": ("get", _wave, None, row(*DIAGNOSIS_READ)),
    "api:wave_changes": ("get", _second_wave, None, row(*DIAGNOSIS_READ)),
    "api:list_actions": ("get", _project, None, row(*DIAGNOSIS_READ)),
    "api:create_action": (
        "post",
        _project,
        lambda f: {"wave": f.wave.pk, "kam": "kam1", "partner": "legal", "measure": "liaison"},
        row(401, 201, 201, 403, 201, 404, 404),
    ),
    "api:update_action": ("patch", _action, lambda f: {"status": "done"}, row(*DIAGNOSIS_WRITE)),
    "api:remove_action": ("delete", _action, None, row(401, 204, 204, 403, 204, 404, 404)),
    # the API's own description is public: it reveals no data
    "api:openapi-json": ("get", lambda f: {}, None, row(200, 200, 200, 200, 200, 200, 200)),
    "api:openapi-view": ("get", lambda f: {}, None, row(200, 200, 200, 200, 200, 200, 200)),
    "api:api-root": ("get", lambda f: {}, None, row(404, 404, 404, 404, 404, 404, 404)),
    "api:list_accounts": ("get", lambda f: {}, None, row(401, 200, 200, 200, 200, 200, 200)),
    # without its q: named as missing (422) to whoever may search; tests/web/search
    "api:search": ("get", lambda f: {}, None, row(401, 422, 422, 422, 422, 422, 422)),
    "api:today": ("get", lambda f: {}, None, row(401, 200, 200, 200, 403, 403, 403)),
    "api:create_account": (
        "post",
        lambda f: {},
        lambda f: {"name": "New Co"},
        row(401, 201, 201, 403, 403, 403, 403),
    ),
    "api:get_account": (
        "get",
        lambda f: {"account_id": f.own.pk},
        None,
        row(401, 200, 200, 200, 404, 404, 200),
    ),
    "api:update_account": (
        "patch",
        lambda f: {"account_id": f.own.pk},
        lambda f: {"version": 1, "industry": "cars"},
        row(401, 200, 200, 200, 404, 404, 403),
    ),
    "api:delete_account": (
        "delete",
        lambda f: {"account_id": f.own.pk},
        None,
        row(401, 204, 204, 403, 404, 404, 403),
    ),
    "api:restore_account": (
        "post",
        lambda f: {"account_id": f.deleted.pk},
        lambda f: {},
        row(401, 200, 200, 404, 404, 404, 404),
    ),
    "api:reassign_accounts": (  # the other manager's account to the manager
        "post",
        lambda f: {},
        lambda f: {"accounts": [f.other.pk], "ka_manager": f.users["manager"].pk},
        row(401, 200, 200, 403, 403, 403, 403),
    ),
    "api:list_persons": (
        "get",
        lambda f: {"account_id": f.own.pk},
        None,
        row(401, 200, 200, 200, 404, 404, 200),
    ),
    "api:create_person": (
        "post",
        lambda f: {"account_id": f.own.pk},
        lambda f: {"side": "customer", "name": "N. N."},
        row(401, 201, 201, 201, 404, 404, 403),
    ),
    "api:get_person": (
        "get",
        lambda f: {"account_id": f.own.pk, "person_id": f.own_person.pk},
        None,
        row(401, 200, 200, 200, 404, 404, 200),
    ),
    "api:update_person": (
        "patch",
        lambda f: {"account_id": f.own.pk, "person_id": f.own_person.pk},
        lambda f: {"version": 1, "role": "lead buyer"},
        row(401, 200, 200, 200, 404, 404, 403),
    ),
    "api:delete_person": (
        "delete",
        lambda f: {"account_id": f.own.pk, "person_id": f.own_person.pk},
        None,
        row(401, 204, 204, 204, 404, 404, 403),
    ),
}


def _family_rules() -> dict:
    """The relational records: supplier roles write, a customer reads what is shared and
    creates what SPEC §2.7 allows (not interactions; pulses, preferences and phase views for
    itself)."""
    rules = {}
    bodies = {
        "interactions": (
            lambda f: {"channel": "phone", "initiated_by": "supplier", "two_way": False},
            lambda f: {"version": 1, "summary": "Notes"},
        ),
        "initiatives": (
            lambda f: {"title": "Co-designed service"},
            lambda f: {"version": 1, "goal": "Faster"},
        ),
        "problems": (
            lambda f: {"title": "Invoices wrong", "raised_by": "supplier"},
            lambda f: {"version": 1, "outcome": "Fixed"},
        ),
        "pulses": (
            lambda f: {"person": f.records["chris"].pk, "communication": 6},
            lambda f: {"version": 1, "trust": 7},
        ),
        "preferences": (
            lambda f: {
                "person": f.records["chris"].pk,
                "channels": ["phone"],
                "ideal_min": 1,
                "ideal_max": 4,
            },
            lambda f: {"version": 1, "ideal_max": 6},
        ),
        "phases": (
            lambda f: {
                "phase": "build_up",
                "source": "customer_self",
                "person": f.records["chris"].pk,
            },
            lambda f: {"version": 1, "note": "Said so at the quarterly review"},
        ),
        "objectives": (
            lambda f: {"title": "Lift the margin", "target_value": "22"},
            lambda f: {"version": 1, "measure": "share of wallet (%)"},
        ),
        "tasks": (
            lambda f: {"title": "Call the plant", "due_on": "2026-12-24"},
            lambda f: {"version": 1, "title": "Send the volume forecast"},
        ),
    }
    customer = {  # list, get, create, update, delete
        "interactions": (200, 404, 403, 404, 404),  # the internal call is not shared
        "initiatives": (200, 200, 201, 403, 403),
        "problems": (200, 200, 201, 403, 403),
        "pulses": (200, 200, 201, 200, 403),
        "preferences": (200, 200, 201, 200, 403),
        "phases": (200, 200, 201, 200, 403),  # its own self-identification
        "objectives": (200, 200, 403, 403, 403),  # the mutual plan: read and comment
        "tasks": (200, 200, 403, 403, 403),  # its own tasks, ticked off on the page
    }
    for fam, (create_body, patch_body) in bodies.items():
        own = lambda f: {"account_id": f.own.pk}  # noqa: E731
        rec = lambda f, fam=fam: {"account_id": f.own.pk, "record_id": f.records[fam].pk}  # noqa: E731
        c = customer[fam]
        rules[f"api:list_{fam}"] = ("get", own, None, row(401, 200, 200, 200, 404, 404, c[0]))
        rules[f"api:get_{fam}"] = ("get", rec, None, row(401, 200, 200, 200, 404, 404, c[1]))
        rules[f"api:create_{fam}"] = (
            "post",
            own,
            create_body,
            row(401, 201, 201, 201, 404, 404, c[2]),
        )
        # Chris's pulse and phase statement are Chris's to change (issue 15)
        u = 403 if fam in ("pulses", "phases") else 200
        rules[f"api:update_{fam}"] = (
            "patch",
            rec,
            patch_body,
            row(401, u, u, u, 404, 404, c[3]),
        )
        # the firm's pulse and phase statement are Chris's, who has a login: what a
        # customer person recorded in kamkit is theirs (issue 15), so the supplier gets 403
        d = 403 if fam in ("pulses", "phases") else 204
        rules[f"api:delete_{fam}"] = ("delete", rec, None, row(401, d, d, d, 404, 404, c[4]))
    rules["api:move_problem_stage"] = (
        "post",
        lambda f: {"account_id": f.own.pk, "record_id": f.records["problems"].pk},
        lambda f: {"stage": "solution_designed"},
        row(401, 200, 200, 200, 404, 404, 403),
    )
    return rules


API.update(_family_rules())
# the stakeholder map (issue 20): the supplier's side only
API["api:stakeholder_map"] = (
    "get",
    lambda f: {"account_id": f.own.pk},
    None,
    row(401, 200, 200, 200, 404, 404, 404),
)
# scores are the supplier's: a customer gets 404 for its own account and an empty list
API["api:account_assessment"] = (
    "get",
    lambda f: {"account_id": f.own.pk},
    None,
    row(401, 200, 200, 200, 404, 404, 404),
)
# a problem's conversation (issue 15): both sides on a shared problem; undoing a stage
# move is the supplier's (nothing to undo on a problem as raised: 422 naming why)
API["api:list_problem_comments"] = (
    "get",
    lambda f: {"account_id": f.own.pk, "record_id": f.records["problems"].pk},
    None,
    row(401, 200, 200, 200, 404, 404, 200),
)
# the internal units involved (issue 18): the supplier's team; a customer never learns
for _kind, _single in (("problems", "problem"), ("initiatives", "initiative")):
    API[f"api:{_single}_internal_units"] = (
        "get",
        lambda f, k=_kind: {"account_id": f.own.pk, "record_id": f.records[k].pk},
        None,
        row(401, 200, 200, 200, 404, 404, 404),
    )
    API[f"api:set_{_single}_internal_units"] = (
        "put",
        lambda f, k=_kind: {"account_id": f.own.pk, "record_id": f.records[k].pk},
        lambda f: {"internal_units": []},
        row(401, 200, 200, 200, 404, 404, 404),
    )
API["api:list_internal_units"] = ("get", lambda f: {}, None, row(401, 200, 200, 200, 200, 200, 200))
API["api:comment_on_problem"] = (
    "post",
    lambda f: {"account_id": f.own.pk, "record_id": f.records["problems"].pk},
    lambda f: {"text": "We see it too"},
    row(401, 201, 201, 201, 404, 404, 201),
)
# the customer's own steps through the API (issue 15): the supplier may not take them
# (403); the firm's initiative is only proposed and its problem reported, so the
# value and the solution cannot be confirmed yet (409)
API["api:update_contribution"] = (
    "post",
    lambda f: {"account_id": f.own.pk, "record_id": f.records["initiatives"].pk},
    lambda f: {"version": 1, "customer_effort_days": 3},
    row(401, 403, 403, 403, 404, 404, 200),
)
API["api:confirm_value"] = (
    "post",
    lambda f: {"account_id": f.own.pk, "record_id": f.records["initiatives"].pk},
    lambda f: {"realized_value_customer": 1000},
    row(401, 403, 403, 403, 404, 404, 409),
)
API["api:confirm_solved"] = (
    "post",
    lambda f: {"account_id": f.own.pk, "record_id": f.records["problems"].pk},
    lambda f: {},
    row(401, 403, 403, 403, 404, 404, 409),
)
# agreeing on a definition: either side; the firm's problem is not framed yet, so a
# permitted agreement answers 422 naming the framings
API["api:agree_problem_definition"] = (
    "post",
    lambda f: {"account_id": f.own.pk, "record_id": f.records["problems"].pk},
    lambda f: {},
    row(401, 422, 422, 422, 404, 404, 422),
)
API["api:undo_problem_stage"] = (
    "post",
    lambda f: {"account_id": f.own.pk, "record_id": f.records["problems"].pk},
    lambda f: {"reason": "mis-click"},
    row(401, 422, 422, 422, 404, 404, 403),
)
# decline decisions are internal: a customer gets 404 even on its own account; the
# firm's own account is not declining, so a permitted write answers 422 naming it
API["api:decline_decisions"] = (
    "get",
    lambda f: {"account_id": f.own.pk},
    None,
    row(401, 200, 200, 200, 404, 404, 404),
)
API["api:decline_decisions_create"] = (
    "post",
    lambda f: {"account_id": f.own.pk},
    lambda f: {"decision": "revive", "reason": "a new buyer wants to grow again"},
    row(401, 422, 422, 422, 404, 404, 404),
)
# index alerts are internal too; the account's KA manager or a director answers one
API["api:alerts"] = (
    "get",
    lambda f: {"account_id": f.own.pk},
    None,
    row(401, 200, 200, 200, 404, 404, 404),
)
API["api:alert_answer"] = (
    "post",
    lambda f: {"account_id": f.own.pk, "alert_id": _alert(f)},
    lambda f: {"answer": "Call their COO this week."},
    row(401, 200, 200, 200, 404, 404, 404),
)
API["api:portfolio_allocation"] = (
    "get",
    lambda f: {},
    None,
    row(401, 422, 422, 422, 403, 403, 404),  # no hours given: 422 names the field
)
API["api:portfolio_assessment"] = (
    "get",
    lambda f: {},
    None,
    row(401, 200, 200, 200, 200, 200, 200),
)


def _route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue  # Django's admin has its own permission system; tested below
                walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern):
                names.add(ns + (p.name or f"<unnamed {p.pattern}>"))

    walk(get_resolver().url_patterns)
    return names


@pytest.fixture
def firm(firm_once):
    """The firm is built once for this module's ~600 cases (each runs in its own
    savepoint, so a permitted write is undone before the next case)."""
    return firm_once


@pytest.fixture(scope="module")
def sessions(module_firm, django_db_blocker) -> dict[str, str]:
    """One login per persona for the module, made in its transaction (a login per case
    was a sixth of the matrix's time); what a case does to its session (a logout, the
    idle clock) is undone with the case's savepoint."""
    from django.conf import settings
    from django.test import Client

    made = {}
    with django_db_blocker.unblock():
        for role, user in module_firm.users.items():
            client = Client()
            client.force_login(user)
            made[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return made


@pytest.fixture
def as_role(client, firm, sessions):
    """The test client as the given role (``anonymous``: no session)."""
    from django.conf import settings

    def enter(role: str):
        client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
        return client

    return enter


def test_every_route_has_a_rule():
    missing = _route_names() - set(PAGES) - set(API)
    assert not missing, f"routes without a permission rule: {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permissions(name, role, as_role, firm):
    method, kwargs, data, expected = PAGES[name]
    client = as_role(role)
    url = reverse(name, kwargs=kwargs(firm))
    body = data(firm) if callable(data) else data
    response = getattr(client, method)(url, body) if method == "post" else client.get(url)
    assert response.status_code == expected[role], (name, role, response.status_code)
    if role == "anonymous" and expected[role] == 302 and name not in ("logout",):
        assert response["Location"].startswith("/auth/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(API))
def test_api_permissions(name, role, client, firm, bearer):
    method, kwargs, data, expected = API[name]
    headers = {} if role == "anonymous" else bearer(role)
    url = reverse(name, kwargs=kwargs(firm))
    body = data(firm) if callable(data) else None
    call = getattr(client, method)
    if body is not None:
        response = call(url, data=json.dumps(body), content_type="application/json", **headers)
    else:
        response = call(url, **headers)
    assert response.status_code == expected[role], (
        name,
        role,
        response.status_code,
        response.content[:200],
    )


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("director", 302), ("customer", 302), ("admin", 200)]
)
def test_admin_is_for_administrators_only(role, status, as_role):
    response = as_role(role).get("/admin/")
    assert response.status_code == status


def test_admin_lists_every_record_kind(as_role, firm):
    client = as_role("admin")
    for path in (
        "accounts/account",
        "accounts/person",
        "relationships/interaction",
        "relationships/jointinitiative",
        "relationships/problem",
        "relationships/pulse",
        "relationships/communicationpreference",
        "relationships/phaserecord",
        "portal/invitation",
    ):
        assert client.get(f"/admin/{path}/").status_code == 200, path


def test_admin_change_pages_pick_people_by_id(as_role, firm):
    """Issue 17: an interaction's admin page rendered every person as an option (200,000
    at the SPEC's size: 22 s, 9.6 MB). People and accounts are picked by id."""
    from bs4 import BeautifulSoup

    from kamkit.web.relationships.models import Interaction

    client = as_role("admin")
    interaction = Interaction.objects.filter(account=firm.own).first()
    for url in (
        f"/admin/relationships/interaction/{interaction.pk}/change/",
        f"/admin/accounts/person/{firm.own_person.pk}/change/",
    ):
        page = BeautifulSoup(client.get(url).content, "html.parser")
        selects = {s["name"] for s in page.select("select")}
        assert not selects & {"participants", "account", "reports_to", "user", "logged_by"}, url
        assert page.select_one("input[name=account].vForeignKeyRawIdAdminField"), url


def test_no_admin_form_lists_a_large_table_as_options():
    """Issue 17 at the SPEC's size: a problem's admin page listed 200,000 people (9.7 s),
    an account's 10,000 parent accounts. Every admin form picks records of the tables
    that grow with the firm (accounts, people, contacts, problems, initiatives, users)
    by id."""
    from django.contrib import admin

    from kamkit.web.accounts.models import Account, Person
    from kamkit.web.relationships.models import Interaction, JointInitiative, Problem
    from kamkit.web.users.models import User

    large = (Account, Person, Interaction, Problem, JointInitiative, User)
    listed = []
    for model, model_admin in admin.site._registry.items():
        by_id = set(model_admin.raw_id_fields) | set(model_admin.autocomplete_fields)
        shown = set(model_admin.readonly_fields) | set(model_admin.exclude or ())
        for field in model._meta.get_fields():
            if not (field.many_to_one or field.many_to_many) or field.auto_created:
                continue
            if not field.editable or field.name in by_id | shown:
                continue
            if field.related_model in large:
                listed.append(f"{model._meta.label}.{field.name}")
    assert listed == []
