"""The personas of the test suite, named once: a small firm with one user per role.

``build_firm`` makes it; the fixtures in ``tests/conftest.py`` hand it to tests, per test
where a test writes and once per module where the tests only read (or write inside the
savepoint each test gets)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kamkit.web.accounts.models import Account, KAMUnit, Person, Side
from kamkit.web.diagnosis.models import DiagnosisCase, DiagnosisProject, GapAction
from kamkit.web.relationships.models import PhaseRecord
from kamkit.web.relationships.services import refresh_phases
from kamkit.web.users.models import Role, User

PASSWORD = "correct-horse-battery"


@dataclass
class Firm:
    users: dict[str, User]
    own: Account  # the KA manager's account; the customer belongs to it
    other: Account  # another manager's account; another customer belongs to it
    deleted: Account
    own_person: Person
    other_person: Person
    case: DiagnosisCase
    records: dict  # one record of each relational kind on the own account
    project: DiagnosisProject | None = None  # of the manager's KAM unit, one wave
    wave: DiagnosisCase | None = None
    action: GapAction | None = None  # on the wave's gap kam1–legal


def make_user(username: str, role: str, **extra) -> User:
    user = User(username=username, role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def build_firm() -> Firm:
    unit = KAMUnit.objects.create(name="Automotive KAM")
    team = KAMUnit.objects.create(name="OEM team", parent=unit)
    manager = make_user("manager", Role.KA_MANAGER)
    other_manager = make_user("other_manager", Role.KA_MANAGER)
    own = Account.objects.create(
        name="Alpha Motors",
        industry="automotive",
        country="Germany",
        ka_manager=manager,
        kam_unit=unit,
        revenue_share=4,
        internal_notes="Price review due.",
    )
    other = Account.objects.create(
        name="Beta Energy",
        industry="utilities",
        country="France",
        ka_manager=other_manager,
        kam_unit=team,
        internal_notes="Competitor pilot running.",
    )
    deleted = Account.objects.create(name="Gone GmbH", ka_manager=manager)
    from django.utils import timezone

    Account.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    own_person = Person.objects.create(
        account=own, side=Side.CUSTOMER, name="Eva Buyer", role="buyer"
    )
    Person.objects.create(account=own, side=Side.SUPPLIER, name="Sam Engineer", role="engineer")
    other_person = Person.objects.create(account=other, side=Side.CUSTOMER, name="Luis User")
    PhaseRecord.objects.create(account=own, phase="build_up", source="supplier_self")
    PhaseRecord.objects.create(account=own, phase="maturity", source="customer_self")
    PhaseRecord.objects.create(account=other, phase="decline", source="decision")
    refresh_phases()
    users = {
        "admin": make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True),
        "director": make_user("director", Role.KAM_DIRECTOR),
        "manager": manager,
        "analyst": make_user("analyst", Role.ANALYST),
        "partner": make_user("partner", Role.PARTNER),
        "customer": make_user("customer", Role.CUSTOMER, account=own),
        "other_customer": make_user("other_customer", Role.CUSTOMER, account=other),
    }
    from pathlib import Path

    from kamkit.web.relationships.models import (
        CommunicationPreference,
        Interaction,
        JointInitiative,
        Problem,
        Pulse,
    )

    text = (Path(__file__).resolve().parents[1] / "examples" / "published-case.yaml").read_text()
    case = DiagnosisCase.objects.create(title="Published case", source_yaml=text)
    chris = Person.objects.create(
        account=own, side=Side.CUSTOMER, name="Chris Customer", user=users["customer"]
    )
    internal_call = Interaction.objects.create(
        account=own,
        channel="phone",
        initiated_by="supplier",
        two_way=False,
        summary="Internal prep call notes",
    )
    internal_call.participants.set([own_person])
    records = {
        "interactions": internal_call,
        "initiatives": JointInitiative.objects.create(account=own, title="Joint pilot line"),
        "problems": Problem.objects.create(
            account=own, title="Late deliveries", raised_by="customer"
        ),
        "pulses": Pulse.objects.create(account=own, person=chris, communication=5, trust=6),
        "preferences": CommunicationPreference.objects.create(
            account=own, person=chris, channels=["video", "email"]
        ),
        "phases": PhaseRecord.objects.create(
            account=own, phase="maturity", source="customer_self", person=chris
        ),
        "chris": chris,
    }
    # the account plan and a task (issue 20): shared, so the customer reads them
    from kamkit.web.relationships.models import Objective, Task

    records["objectives"] = Objective.objects.create(account=own, title="Grow share", shared=True)
    records["tasks"] = Task.objects.create(
        account=own,
        title="Send the forecast",
        due_on=dt.date.today() + dt.timedelta(days=7),
        owner_person=chris,
        shared=True,
    )
    project = DiagnosisProject.objects.create(name="Published case project", kam_unit=unit)
    wave = DiagnosisCase.objects.create(
        title="Wave 2014", source_yaml=text, project=project, wave_on="2014-09-01"
    )
    action = GapAction.objects.create(
        project=project, wave=wave, kam="kam1", partner="legal", measure="liaison"
    )
    own = Account.objects.get(pk=own.pk)
    return Firm(
        users, own, other, deleted, own_person, other_person, case, records, project, wave, action
    )


ROLES = ["anonymous", "admin", "director", "manager", "analyst", "partner", "customer"]


def call(client, method: str, url: str, headers: dict, body=None):
    """An API request with a JSON body (when given) and auth headers."""
    import json

    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **headers
    )
