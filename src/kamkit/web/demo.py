"""The demo firm (SPEC §5): an invented supplier with three KAM units, 48 key accounts
across the four lifecycle phases, people on both sides, phase records from both sides
(some disagreeing), the four demo logins, and the published diagnosis case.

Deterministic: the same database content every time. Later issues add a year of
interactions, initiatives, problems and pulses.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kamkit.core.diagnosis import compare_waves, diagnose, parse_case
from kamkit.web.accounts import services as account_services
from kamkit.web.accounts.models import Account, KAMUnit, Person, Side
from kamkit.web.diagnosis.services import save_action, save_project, store_case
from kamkit.web.relationships import services as work
from kamkit.web.relationships.models import PhaseRecord, PhaseSource
from kamkit.web.relationships.services import refresh_phases
from kamkit.web.users.models import Role, User

DEMO_PASSWORD = "demo"
DEMO_LOGINS = {
    "director": (Role.KAM_DIRECTOR, "Dana Director", "sees every account and the diagnosis"),
    "manager": (Role.KA_MANAGER, "Max Manager", "a KA manager: sees only own accounts"),
    "analyst": (Role.ANALYST, "Ana Analyst", "the diagnosis only, no accounts"),
    "customer": (Role.CUSTOMER, "Chris Customer", "a customer user of one account"),
    "admin": (Role.ADMIN, "Ada Admin", "administers users, tokens and the admin"),
}
OTHER_MANAGERS = [
    ("kim.lee", "Kim Lee"),
    ("ola.berg", "Ola Berg"),
    ("ravi.nair", "Ravi Nair"),
    ("sofia.rossi", "Sofia Rossi"),
    ("tom.weber", "Tom Weber"),
]
UNITS = {
    "Automotive KAM": ["OEM team", "Tier-1 team"],
    "Energy KAM": [],
    "Healthcare KAM": [],
}
FIRST = [
    "Nord",
    "Alpen",
    "Rhein",
    "Baltic",
    "Iber",
    "Danu",
    "Ostra",
    "Vesta",
    "Kron",
    "Lumen",
    "Tauro",
    "Helio",
    "Mira",
    "Orbis",
    "Sigma",
    "Terra",
]
SECOND = ["werk", "tech", "gen", "med", "power", "motion", "chem", "line"]
LEGAL = ["AG", "GmbH", "SA", "Ltd", "S.p.A.", "AB", "BV", "Oy"]
INDUSTRY = {
    "Automotive KAM": ["automotive OEM", "automotive supplier", "commercial vehicles"],
    "Energy KAM": ["utilities", "wind energy", "grid operators"],
    "Healthcare KAM": ["hospital groups", "medical devices", "diagnostics"],
}
COUNTRIES = [
    "Germany",
    "France",
    "Italy",
    "Spain",
    "Sweden",
    "Netherlands",
    "Poland",
    "Austria",
    "Finland",
    "United Kingdom",
]
CUSTOMER_ROLES = ["buyer", "engineer", "executive", "user", "quality manager"]
SUPPLIER_ROLES = ["account rep", "engineer", "technical support"]
SUPPLIER_FIRST = ["Alex", "Sam", "Jo", "Robin", "Noa", "Kai"]
SUPPLIER_LAST = ["Fischer", "Martin", "Novak", "Larsen", "Costa"]
CUSTOMER_FIRST = ["Eva", "Luis", "Mia", "Jan", "Ines", "Piotr", "Anna", "Hugo"]
CUSTOMER_LAST = ["Schmidt", "Dubois", "Bianchi", "Garcia", "Nilsson", "Kowalski", "Berger"]
PHASE_AGE_MONTHS = {
    "exploration": (1, 5),
    "build_up": (8, 34),
    "maturity": (36, 120),
    "decline": (48, 144),
}


def _example_text(name: str = "published-case.yaml") -> str:
    """A case file of ``examples/``: from the package when installed from a wheel, else
    from the checkout."""
    packaged = files("kamkit").joinpath(f"examples/{name}")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[3] / "examples" / name
    return checkout.read_text(encoding="utf-8")


INTERNAL_UNITS = {
    "Legal": "Contracts, liability, compliance reviews.",
    "Supply chain": "Planning, logistics and deliveries to customers.",
    "Customer service": "Orders, complaints and returns.",
    "Contracting": "Frame contracts, price and discount terms.",
    "Sales": "The regional sales organisation.",
}
PROBLEM_UNITS = {
    "Late deliveries": "Supply chain",
    "Label errors": "Supply chain",
    "Invoice mismatch": "Contracting",
    "Field failures": "Customer service",
    "Spec misunderstanding": "Legal",
}
"""Which internal unit each kind of demo problem involved (invented)."""


def _own_diagnosis(director: User, unit: KAMUnit, today: dt.date) -> None:
    """The firm's internal units, named on every demo problem, and the Automotive KAM
    unit's own diagnosis as a project linked to it: its pair pages show the key
    accounts' evidence next to each gap (issue 18)."""
    from kamkit.web.accounts.models import InternalUnit
    from kamkit.web.relationships.models import Problem
    from kamkit.web.relationships.services import set_internal_units

    units = {
        name: InternalUnit.objects.create(name=name, description=text)
        for name, text in INTERNAL_UNITS.items()
    }
    for problem in Problem.objects.select_related("account"):
        involved = PROBLEM_UNITS.get(problem.title.split(" #")[0])
        if involved:
            set_internal_units(None, problem, [units[involved]])
    project = save_project(
        director,
        {
            "name": "Automotive KAM and its partners",
            "firm": "The demo firm (invented)",
            "description": "Our own KAM unit's integration with the internal units its "
            "key accounts draw on, linked to kamkit's Automotive KAM.",
            "kam_unit": unit,
        },
    )
    store_case(
        director,
        _example_text("invented-demo-automotive.yaml"),
        name="invented-demo-automotive",
        project=project,
        wave_on=today,
    )


def _diagnosis_projects(director: User) -> None:
    """The published case as a project with one wave, and the invented two-wave firm of
    ``examples/`` as a second, with an action planned on a gap of its first wave."""
    published = save_project(
        director,
        {
            "name": "Published case (seed 004)",
            "firm": "Large European industrial company (German branch)",
            "description": "The case of the diagnosis paper, one wave (2013-11 to 2014-09).",
        },
    )
    store_case(director, _example_text(), "Wave 2014", "published-case", project=published)
    nordlicht = save_project(
        director,
        {
            "name": "Nordlicht Components (invented)",
            "firm": "Nordlicht Components GmbH, a made-up maker of drive components",
            "description": "An invented firm diagnosed twice, to show waves and follow-up.",
        },
    )
    first = store_case(
        director,
        _example_text("invented-nordlicht-2024.yaml"),
        name="invented-nordlicht-2024",
        project=nordlicht,
    )
    second = store_case(
        director,
        _example_text("invented-nordlicht-2025.yaml"),
        name="invented-nordlicht-2025",
        project=nordlicht,
    )
    waves = [diagnose(parse_case(w.source_yaml)) for w in (first, second)]
    gap = next(c for c in compare_waves(*waves).changes if c.status == "closed")
    save_action(
        director,
        {
            "wave": first,
            "kam": gap.kam,
            "partner": gap.partner,
            "measure": "task_force",
            "description": "A joint task force on the hand-over of key-account orders.",
            "owner": director,
            "due": first.wave_on + dt.timedelta(days=180),
            "status": "done",
        },
    )
    _research(director, second)


STAKEHOLDER_ROLES = ["decision_maker", "champion", "influencer", "user", "gatekeeper"]


def _stakeholders(accounts: list[Account], phases: list[str], rnd: random.Random) -> None:
    """Each account's stakeholder map (issue 20): the first customer contact decides and
    the others report to them, each with a buying role, an attitude (more critics in
    decline) and an influence, all invented; through the person service."""
    from kamkit.web.accounts.services import update_person

    customers: dict[int, list[Person]] = {}
    for person in Person.objects.filter(side=Side.CUSTOMER).order_by("pk"):
        customers.setdefault(person.account_id, []).append(person)
    for i, account in enumerate(accounts):
        people = customers.get(account.pk, [])
        critics = 0.5 if phases[i % 4] == "decline" else 0.15
        for j, person in enumerate(people):
            attitude = rnd.choices(
                ["supporter", "neutral", "critic"], [0.5, 0.5 - critics + 0.15, critics]
            )[0]
            update_person(
                None,
                person,
                {
                    "buying_role": STAKEHOLDER_ROLES[min(j, len(STAKEHOLDER_ROLES) - 1)],
                    "attitude": attitude,
                    "influence": "high" if j == 0 else rnd.choice(["medium", "low"]),
                    "reports_to": people[0] if j else None,
                },
                person.version,
            )


def _plans_and_tasks(manager: User, customer_account: Account, today: dt.date) -> None:
    """Issue 20 in the demo: the demo manager's accounts get an account plan (a shared
    objective and an internal one) and a few tasks, one overdue; the customer login's
    account has a task for Chris. Through the services, as on the pages."""
    from decimal import Decimal

    accounts = list(Account.objects.filter(ka_manager=manager).order_by("pk")[:4])
    if customer_account not in accounts:
        accounts.append(customer_account)
    for n, account in enumerate(accounts):
        from kamkit.web.relationships.models import JointInitiative

        initiative = JointInitiative.objects.filter(account=account).first()
        shared = work.save_objective(
            manager,
            account,
            {
                "title": "Grow our share of their drive components",
                "measure": "share of wallet (%)",
                "start_value": Decimal(20 + n),
                "current_value": Decimal(26 + 2 * n),
                "target_value": Decimal(40),
                "due_on": today + dt.timedelta(days=270),
                "shared": True,
                "owner": manager,
            },
            initiatives=[initiative] if initiative else [],
        )
        work.save_objective(
            manager,
            account,
            {
                "title": "Lift the margin on spare parts",
                "measure": "gross margin (%)",
                "start_value": Decimal(18),
                "current_value": Decimal(19),
                "target_value": Decimal(22),
                "due_on": today + dt.timedelta(days=360),
                "shared": False,
                "owner": manager,
            },
        )
        work.create_task(
            manager,
            account,
            {
                "title": "Agree the forecast template for the share objective",
                "due_on": today - dt.timedelta(days=3)
                if n == 0
                else today + dt.timedelta(days=5 + n),
                "owner": manager,
                "objective": shared,
            },
        )
    chris = Person.objects.filter(account=customer_account, user__isnull=False).first()
    if chris is not None:
        work.create_task(
            manager,
            customer_account,
            {
                "title": "Send your volume forecast for next year",
                "due_on": today + dt.timedelta(days=10),
                "owner_person": chris,
            },
        )


def _research(director: User, wave) -> None:
    """Issue 19 in the demo: on Nordlicht's 2025 wave an anonymous questionnaire that
    six people were asked and three answered (through the same services as a real
    answer; the invitations' emails are kept in memory, not sent), and an invented
    interview transcript coded by the analyst and the director, ready to compare and to
    add to the wave."""
    from django.core import mail
    from django.test.utils import override_settings

    from kamkit.core.research.instruments import item_bank
    from kamkit.web.research.models import SurveyInvitation
    from kamkit.web.research.services import (
        create_survey,
        import_document,
        invite,
        parse_invitees,
        save_codes,
        submit,
    )

    analyst = User.objects.get(username="analyst")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        survey = create_survey(
            analyst,
            wave,
            anonymous=True,
            closes_on=timezone.localdate() + dt.timedelta(days=14),
        )
        people = "\n".join(
            f"{unit}, {name}@nordlicht.example"
            for unit, name in (
                ("legal", "lena"),
                ("legal", "lukas"),
                ("production", "paul"),
                ("production", "petra"),
                ("rnd", "rita"),
                ("finance", "frank"),
            )
        )
        invite(analyst, survey, parse_invitees(people), "http://127.0.0.1:8000/")
        secrets_by_email = {
            m.to[0]: m.body.split("/q/", 1)[1].split("/", 1)[0] for m in mail.outbox
        }
    rnd = random.Random(19)
    for email in ("lena@nordlicht.example", "paul@nordlicht.example", "petra@nordlicht.example"):
        invitation = SurveyInvitation.open_for(secrets_by_email[email])
        answers = {item.id: str(rnd.randint(3, 6)) for item in item_bank().items("differentiation")}
        submit(invitation, {**answers, "consent": "on"})
    text = _example_text("research/interview-nordlicht-2025.txt").encode("utf-8")
    document = import_document(analyst, wave, "interview-nordlicht-2025.txt", text)
    codes = {
        "analyst": [
            ["structural_formalization"],
            ["structural_formalization"],
            ["time_orientation"],
            ["time_orientation"],
            ["linguistic_orientation"],
            ["bridging"],
            ["motivational_orientation"],
            ["goal_orientation"],
        ],
        "director": [
            ["structural_formalization"],
            ["structural_formalization"],
            ["time_orientation"],
            ["time_orientation"],
            ["linguistic_orientation"],
            ["bridging", "amplification"],
            ["goal_orientation"],
            ["goal_orientation"],
        ],
    }
    segments = list(document.segments.values_list("pk", flat=True))
    for username, per in codes.items():
        coder = analyst if username == "analyst" else director
        save_codes(coder, document, dict(zip(segments, per, strict=True)))


def demo_loaded() -> bool:
    return User.objects.filter(username="director").exists()


@functools.cache
def _hashed(password: str, hasher: str) -> str:  # the hasher: part of the cache's key
    return make_password(password)


def _user(username: str, role: str, full_name: str, *, password: str | None, **extra) -> User:
    first, _, last = full_name.partition(" ")
    user = User(
        username=username,
        role=role,
        first_name=first,
        last_name=last,
        email=f"{username}@supplier.example",
        **extra,
    )
    if password:
        # every demo login has the same published password: hashed once for all of them
        # (each hash takes the real hasher about half a second, by design)
        user.password = _hashed(password, settings.PASSWORD_HASHERS[0])
    else:
        user.set_unusable_password()
    user.save()
    return user


def _revenue(phase: str, rnd: random.Random, today: dt.date) -> list[dict]:
    level = rnd.uniform(0.3, 4.0) * 1e6
    growth = {"exploration": 0.0, "build_up": 0.25, "maturity": 0.03, "decline": -0.18}[phase]
    years = [today.year - 3, today.year - 2, today.year - 1]
    if phase == "exploration":
        return [{"year": today.year - 1, "revenue": round(rnd.uniform(2e4, 2e5), -3)}]
    out = []
    for y in years:
        out.append({"year": y, "revenue": round(level, -3)})
        level *= 1 + growth + rnd.uniform(-0.04, 0.04)
    return out


@transaction.atomic
def load_demo(seed: int = 2026, today: dt.date | None = None) -> dict[str, int]:
    """Create the demo firm as of ``today`` (default: the real today, so its year of
    activity is always recent); returns counts. Does nothing if the demo logins exist.
    It assesses every account itself at the end, so its writes queue no reassessment."""
    if demo_loaded():
        return {}
    from kamkit.web.assessment.services import assessing

    with assessing():
        return _load_demo(seed, today)


def _load_demo(seed: int, today: dt.date | None) -> dict[str, int]:
    today = today or timezone.localdate()
    rnd = random.Random(seed)
    director = _user(
        "director", Role.KAM_DIRECTOR, DEMO_LOGINS["director"][1], password=DEMO_PASSWORD
    )
    _user("analyst", Role.ANALYST, DEMO_LOGINS["analyst"][1], password=DEMO_PASSWORD)
    _user(
        "admin",
        Role.ADMIN,
        DEMO_LOGINS["admin"][1],
        password=DEMO_PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    manager = _user("manager", Role.KA_MANAGER, DEMO_LOGINS["manager"][1], password=DEMO_PASSWORD)
    managers = [manager] + [_user(u, Role.KA_MANAGER, n, password=None) for u, n in OTHER_MANAGERS]

    units: dict[str, KAMUnit] = {}
    for name, teams in UNITS.items():
        unit = KAMUnit.objects.create(name=name)
        units[name] = unit
        for team in teams:
            KAMUnit.objects.create(name=team, parent=unit)

    phases = ["exploration", "build_up", "maturity", "decline"]
    accounts: list[Account] = []
    used: set[str] = set()
    for i in range(48):
        phase = phases[i % 4]
        unit_name = list(UNITS)[i % 3]
        while True:
            name = f"{rnd.choice(FIRST)}{rnd.choice(SECOND)} {rnd.choice(LEGAL)}"
            if name not in used:
                used.add(name)
                break
        months = rnd.randint(*PHASE_AGE_MONTHS[phase])
        # the demo manager runs eight accounts (two per supplier-side phase)
        ka_manager = manager if i < 8 else managers[1 + i % (len(managers) - 1)]
        accounts.append(
            Account(
                name=name,
                industry=rnd.choice(INDUSTRY[unit_name]),
                country=rnd.choice(COUNTRIES),
                is_key_account=True,
                revenue_share=rnd.randint(1, 5),
                growth_potential=rnd.randint(0 if phase == "decline" else 2, 5),
                lead_user=rnd.randint(0, 5),
                reputation=rnd.randint(1, 5),
                market_access=rnd.randint(0, 5),
                ka_manager=ka_manager,
                kam_unit=units[unit_name],
                relationship_start=today - dt.timedelta(days=30 * months),
                revenue_history=_revenue(phase, rnd, today),
                internal_notes=rnd.choice(
                    [
                        "Price review due in Q1.",
                        "Watch the competitor's pilot.",
                        "Strong sponsor on their board.",
                        "",
                    ]
                ),
            )
        )
    account_services.create_accounts_in_bulk(None, accounts)
    accounts = list(Account.objects.select_related("ka_manager").order_by("pk"))

    persons: list[Person] = []
    records: list[PhaseRecord] = []
    for i, account in enumerate(accounts):
        phase = phases[i % 4]
        supplier = [
            Person(
                account=account,
                side=Side.SUPPLIER,
                name=str(account.ka_manager),
                role="KA manager",
                email=account.ka_manager.email,
            )
        ]
        for role, first in zip(
            rnd.sample(SUPPLIER_ROLES, 2), rnd.sample(SUPPLIER_FIRST, 2), strict=True
        ):
            n = f"{first} {rnd.choice(SUPPLIER_LAST)}"
            supplier.append(Person(account=account, side=Side.SUPPLIER, name=n, role=role))
        customer = []
        count = 3 + (phase != "exploration")
        firsts = rnd.sample(CUSTOMER_FIRST, count)
        for role, first in zip(rnd.sample(CUSTOMER_ROLES, count), firsts, strict=True):
            n = f"{first} {rnd.choice(CUSTOMER_LAST)}"
            slug = account.name.split()[0].lower()
            customer.append(
                Person(
                    account=account,
                    side=Side.CUSTOMER,
                    name=n,
                    role=role,
                    email=f"{n.split()[0].lower()}@{slug}.example",
                )
            )
        persons += supplier + customer
        if i % 6 == 5:
            continue  # nobody has said which phase: kamkit's inference decides
        # both sides situate the relationship; some disagree; half have a decision
        neighbour = phases[min(3, phases.index(phase) + 1)]
        supplier_view = phase
        customer_view = neighbour if i % 5 == 0 and phase != "decline" else phase
        records.append(
            PhaseRecord(
                account=account,
                phase=supplier_view,
                source=PhaseSource.SUPPLIER_SELF,
                person=supplier[0],
                recorded_on=today - dt.timedelta(days=rnd.randint(20, 90)),
            )
        )
        records.append(
            PhaseRecord(
                account=account,
                phase=customer_view,
                source=PhaseSource.CUSTOMER_SELF,
                person=customer[0],
                recorded_on=today - dt.timedelta(days=rnd.randint(10, 60)),
            )
        )
        if i % 2 == 1:
            records.append(
                PhaseRecord(
                    account=account,
                    phase=phase,
                    source=PhaseSource.DECISION,
                    recorded_by=account.ka_manager,
                    recorded_on=today - dt.timedelta(days=rnd.randint(1, 30)),
                    note="Set in the quarterly account review.",
                )
            )
    account_services.add_people_in_bulk(None, persons)
    _stakeholders(accounts, phases, rnd)
    for record in records:  # the people have their ids now
        record.person = record.person
    work.add_records_in_bulk(None, records)  # the accounts' phases follow
    # one of the demo manager's mature accounts has had no contact for 28 days, with two of
    # the customer's problems unanswered: its index falls by more than the alert's ten
    # points in the last month, so the director's "Index fell" chip and the
    # notifications of both have something to show
    quiet = {accounts[6].pk}
    activity = _activity(
        accounts, [phases[i % 4] for i in range(len(accounts))], rnd, today, quiet=quiet
    )

    # the customer login belongs to the demo manager's first build-up account
    customer_account = (
        Account.objects.filter(ka_manager=manager, phase="build_up").order_by("pk").first()
    )
    customer_user = _user(
        "customer",
        Role.CUSTOMER,
        DEMO_LOGINS["customer"][1],
        password=DEMO_PASSWORD,
        account=customer_account,
    )
    chris = account_services.add_person(
        None,
        customer_account,
        {
            "side": Side.CUSTOMER,
            "name": str(customer_user),
            "role": "buyer",
            "email": "chris@customer.example",
            "user": customer_user,
        },
    )
    _customer_side(customer_account, chris, manager, today)

    store_case(director, _example_text(), "Published case (seed 004)", "published-case")
    _diagnosis_projects(director)
    _own_diagnosis(director, KAMUnit.objects.get(name="Automotive KAM", parent=None), today)
    _plans_and_tasks(manager, customer_account, today)
    # a year of monthly assessments, back-computed from today's records, so trends show
    from kamkit.web.assessment.services import assess_portfolio

    starts = dict(Account.objects.values_list("pk", "relationship_start"))
    for months_ago in range(12, -1, -1):
        day = today - dt.timedelta(days=30 * months_ago)
        assess_portfolio(day, [pk for pk, start in starts.items() if start <= day])
    decided = _decline_decisions(rnd, today)
    assess_portfolio(today, decided)  # today's snapshot follows the decisions
    return {
        "accounts": Account.objects.count(),
        **activity,
        "persons": Person.objects.count(),
        "phase_records": PhaseRecord.objects.count(),
        "kam_units": KAMUnit.objects.count(),
    }


DECLINE_REASONS = {
    "revive": [
        "New purchasing head wants a second source again; worth a joint restart.",
        "Their new product line needs our know-how: we invest to grow back.",
    ],
    "wind_down": [
        "They are consolidating on a competitor's platform; we keep service orderly.",
        "Margins no longer cover the account team; served by the standard channel.",
    ],
}


def _decline_decisions(rnd: random.Random, today: dt.date) -> list[int]:
    """Declining accounts of all three kinds (SPEC §2.3): of every four, one undecided
    (flagged 'decision needed'), one to revive and two to wind down (most declining
    accounts are not worth a restart), each decided by its KA manager in the last weeks
    through the one write path. Returns the decided ids."""
    from kamkit.web.relationships.services import record_decline_decision

    decided = []
    declining = Account.objects.filter(phase="decline").select_related("ka_manager")
    for k, account in enumerate(declining.order_by("pk")):
        choice = (None, "revive", "wind_down", "wind_down")[k % 4]
        if choice is None:
            continue
        record_decline_decision(
            account,
            choice,
            rnd.choice(DECLINE_REASONS[choice]),
            account.ka_manager,
            today - dt.timedelta(days=rnd.randint(2, 25)),
        )
        decided.append(account.pk)
    return decided


def _customer_side(account: Account, chris: Person, manager: User, today: dt.date) -> None:
    """The customer login's account as both sides left it: what Chris raised, proposed,
    rated and said, what waits for Chris (a definition to agree, a resolution to confirm,
    value to confirm), the comparison shared by the KA manager, and records kept internal
    that Chris must never see."""
    from kamkit.web.portal.models import Notification
    from kamkit.web.relationships.models import (
        JointInitiative,
        Problem,
        Pulse,
    )

    ours = Person.objects.filter(account=account, side=Side.SUPPLIER).order_by("pk").first()
    days = dt.timedelta

    def problem(title, raised_by, ago, stages, **fields):
        raised_on = today - days(ago)
        item = Problem(
            account=account, title=title, raised_by=raised_by, raised_on=raised_on, **fields
        )
        dates = [raised_on] + [today - days(ago - 5 * k) for k in range(1, len(stages))]
        if "jointly_defined" in stages:  # both sides agreed on the definition that day
            item.supplier_agreed_on = item.customer_agreed_on = dates[1]
        work.add_problems_in_bulk(
            None, [(item, list(zip(stages, dates, strict=True)), [chris, ours])]
        )
        return item

    raised = problem(
        "Pallets arrive without labels",
        "customer",
        6,
        ["reported"],
        customer_framing="About one pallet in ten reaches our goods-in without a label, "
        "so it waits in a corner until someone identifies it.",
    )
    work.comment_on_problem(chris.user, raised, "It happens mostly with the Tuesday deliveries.")
    work.comment_on_problem(
        manager, raised, "Thank you. We are checking the Tuesday shift's labelling station."
    )
    problem(
        "Certificates missing from the portal",
        "supplier",
        40,
        ["reported", "jointly_defined", "solution_designed", "deployed"],
        supplier_framing="Our quality system did not upload certificates for batches "
        "shipped from the second plant.",
        customer_framing="Our auditors ask for certificates we cannot find.",
        outcome="Both plants upload on shipment; a daily check flags gaps.",
    )
    # Chris proposed this one in the portal: it waits on the manager's Today
    work.create_initiative(
        chris.user,
        account,
        {
            "title": "Returnable packaging",
            "goal": "Replace one-way cartons with returnable crates on the main lanes.",
            "customer_effort_days": 8,
            "customer_know_how": "Our warehouse layout and crate pool",
            "expected_value_customer": 30000,
        },
    )
    work.add_records_in_bulk(
        None,
        [
            JointInitiative(
                account=account,
                title="Consignment stock trial",
                goal="Keep two weeks of fast movers on our site, owned by the supplier.",
                status="in_delivery",
                supplier_owner=ours,
                customer_owner=chris,
                supplier_effort_days=15,
                customer_effort_days=6,
                supplier_know_how="Replenishment planning",
                customer_know_how="Consumption data",
                expected_value_customer=45000,
                expected_value_supplier=20000,
                due_date=today - days(5),
            ),
            # the supplier's own: never shown to Chris
            JointInitiative(
                account=account,
                title="Price increase preparation",
                goal="Internal: prepare the argument for next year's prices.",
                status="agreed",
                supplier_owner=ours,
                shared=False,
            ),
        ],
    )
    problem(
        "Margin erosion on this account",
        "supplier",
        20,
        ["reported"],
        supplier_framing="Internal only.",
        shared=False,
    )
    work.add_records_in_bulk(
        None,
        [
            Pulse(
                account=account,
                person=chris,
                rated_on=today - days(ago),
                communication=level,
                co_creation=level + 1,
                problem_solving=level - 1 if level > 1 else 1,
                satisfaction=level,
                trust=level + 1,
            )
            for ago, level in ((150, 5), (60, 4), (10, 3))
        ],
    )
    work.record_phase_view(chris.user, account, "build_up", recorded_on=today - days(30))
    work.set_preferences(
        chris.user, account, {"channels": ["video", "email"], "ideal_min": 2, "ideal_max": 6}
    )
    account.refresh_from_db()
    account_services.update_account(manager, account, {"perception_shared": True}, account.version)
    Notification.objects.create(
        recipient=manager,
        account=account,
        text=f"{chris.name} raised a problem: {raised.title}",
        link=f"/accounts/problems/{raised.pk}/",
    )
    refresh_phases([account.pk])


# -- a year of activity (issue 4) -------------------------------------------------------------

# interactions per month over the twelve months, oldest first
RHYTHM = {
    "exploration": lambda m: 1 if m < 8 else 2,
    "build_up": lambda m: 3 + m // 2,
    "maturity": lambda m: 6,
    "decline": lambda m: max(1, 9 - m // 1.5),
}
QUIET_DAYS = 28
"""The demo's quiet account has had no contact for at least this many days."""
SUPPLIER_LEADS = {"exploration": 0.8, "build_up": 0.55, "maturity": 0.5, "decline": 0.7}
TOPICS = {
    "strategic": [
        "Roadmap for next year",
        "Joint growth plan",
        "Executive sponsor meeting",
        "Capacity reservation for their new plant",
    ],
    "operational": [
        "Delivery schedule check",
        "Quality review",
        "Forecast update",
        "Invoice query",
        "Technical change request",
    ],
    "social": ["Trade fair dinner", "Site visit and lunch", "Team event"],
}
PULSE_LEVEL = {"exploration": 4.5, "build_up": 5.5, "maturity": 5.0, "decline": 3.2}


def _money(value: float) -> Decimal:
    """An amount in cents, as a money field holds it."""
    return Decimal(f"{value:.2f}")


def _activity(
    accounts: list[Account],
    phases: list[str],
    rnd: random.Random,
    today: dt.date,
    quiet: set[int] = frozenset(),
) -> dict[str, int]:
    """A year of interactions, initiatives, problems and pulses per account, from both
    sides, shaped by each account's phase: sparse and supplier-led in exploration, rising
    with shared initiatives in build-up, steady with problems solved in maturity, falling
    with problems left open in decline; pulses from both sides that sometimes disagree."""
    from django.utils import timezone

    from kamkit.web.relationships.models import (
        CommunicationPreference,
        Interaction,
        JointInitiative,
        Problem,
        Pulse,
    )

    people: dict[int, dict[str, list[Person]]] = {}
    for p in Person.objects.filter(account__in=accounts):
        people.setdefault(p.account_id, {"supplier": [], "customer": []})[p.side].append(p)
    start = today - dt.timedelta(days=365)
    interactions, links = [], []
    for account, phase in zip(accounts, phases, strict=True):
        sides = people[account.pk]
        for month in range(12):
            for _ in range(int(RHYTHM[phase](month))):
                day = start + dt.timedelta(days=month * 30 + rnd.randint(0, 29))
                if day < account.relationship_start:
                    continue  # a young relationship has no older contacts
                content = rnd.choices(
                    ["strategic", "operational", "social"],
                    weights=[3 if phase == "build_up" else 2, 6, 1],
                )[0]
                two_way = rnd.random() < (0.45 if phase == "exploration" else 0.8)
                supplier_first = rnd.random() < SUPPLIER_LEADS[phase]
                who = rnd.sample(sides["supplier"], 1)
                if two_way:
                    who += rnd.sample(
                        sides["customer"], rnd.randint(1, min(2, len(sides["customer"])))
                    )
                interaction = Interaction(
                    account=account,
                    occurred_at=timezone.make_aware(
                        dt.datetime.combine(day, dt.time(rnd.randint(8, 17)))
                    ),
                    channel=rnd.choice(
                        ["in_person", "video", "phone", "email"] if two_way else ["email", "letter"]
                    ),
                    initiated_by="supplier" if supplier_first else "customer",
                    two_way=two_way,
                    formality=rnd.choice(["formal", "formal", "informal"]),
                    content=content,
                    summary=rnd.choice(TOPICS[content]),
                    shared_with_customer=two_way and rnd.random() < 0.6,
                )
                if account.pk in quiet and day > today - dt.timedelta(days=QUIET_DAYS):
                    continue  # nobody has been in touch lately (drawn all the same: the
                    # other accounts' records stay what they were)
                interactions.append(interaction)
                links.append(who)
    # through the one write path for many records: checked, written, aggregates rebuilt
    work.log_interactions_in_bulk(None, list(zip(interactions, links, strict=True)))

    initiatives, problems, pulses, preferences = [], [], [], []
    stages = ["reported", "jointly_defined", "solution_designed", "deployed", "supported", "closed"]
    plan = {  # initiative statuses and how far problems got, per phase
        "exploration": (["proposed"], [1]),
        "build_up": (["agreed", "in_delivery", "realized"], [3, 4]),
        "maturity": (["realized", "in_delivery"], [6, 6, 5, 6]),
        "decline": (["dropped"], [1, 2, 1]),
    }
    for account, phase in zip(accounts, phases, strict=True):
        sides = people[account.pk]
        statuses, reached = plan[phase]
        for n, status in enumerate(statuses):
            expected = rnd.randint(20, 200) * 1000
            realized = status == "realized"
            initiatives.append(
                JointInitiative(
                    account=account,
                    title=rnd.choice(
                        [
                            "Co-developed sensor",
                            "Shared demand forecast",
                            "Joint cost-down programme",
                            "Pilot line",
                            "Service bundle",
                        ]
                    )
                    + f" {n + 1}",
                    goal="Create value for both sides",
                    status=status,
                    supplier_owner=sides["supplier"][0],
                    customer_owner=sides["customer"][0],
                    supplier_effort_days=rnd.randint(5, 40),
                    customer_effort_days=rnd.randint(0, 30) if phase != "exploration" else None,
                    expected_value_customer=expected,
                    expected_value_supplier=_money(expected * 0.6),
                    realized_value_customer=_money(expected * rnd.uniform(0.6, 1.2))
                    if realized
                    else None,
                    realized_value_supplier=_money(expected * rnd.uniform(0.3, 0.9))
                    if realized
                    else None,
                    due_date=today - dt.timedelta(days=rnd.randint(-90, 120)),
                    realized_on=today
                    - dt.timedelta(days=rnd.randint(20, 150 if phase == "build_up" else 400))
                    if realized
                    else None,
                    shared=True,
                )
            )
        for n, depth in enumerate(reached):
            raised = max(
                today - dt.timedelta(days=rnd.randint(40, 330)),
                account.relationship_start + dt.timedelta(days=7),
            )
            problems.append(
                (
                    Problem(
                        account=account,
                        title=rnd.choice(
                            [
                                "Late deliveries",
                                "Label errors",
                                "Invoice mismatch",
                                "Field failures",
                                "Spec misunderstanding",
                            ]
                        )
                        + f" #{n + 1}",
                        raised_by=rnd.choice(["customer", "customer", "supplier"]),
                        raised_on=raised,
                        supplier_framing="A process issue on our side",
                        customer_framing="It stops our line",
                        lessons="Agree the spec in writing first" if depth == 6 else "",
                        shared=True,
                    ),
                    depth,
                    raised,
                )
            )
        if account.pk in quiet:  # raised just before it went quiet; nobody called back
            for n, title in enumerate(("Missed delivery window", "Quality claim unanswered")):
                raised = today - dt.timedelta(days=QUIET_DAYS + 5 + 3 * n)
                problems.append(
                    (
                        Problem(
                            account=account,
                            title=title,
                            raised_by="customer",
                            raised_on=raised,
                            customer_framing="Nobody has called us back",
                            shared=True,
                        ),
                        1,
                        raised,
                    )
                )
        for quarter in range(4):
            rated = today - dt.timedelta(days=90 * quarter + rnd.randint(0, 20))
            if rated < account.relationship_start:
                continue
            for side_name, bias in (
                ("supplier", 0.4),
                ("customer", -0.3 if rnd.random() < 0.4 else 0.2),
            ):
                level = PULSE_LEVEL[phase] + bias

                def r(shift: float = 0.0, level: float = level) -> int:
                    return max(1, min(7, round(rnd.gauss(level + shift, 0.7))))

                pulses.append(
                    Pulse(
                        account=account,
                        person=sides[side_name][0],
                        rated_on=rated,
                        communication=r(),
                        co_creation=r(-0.3),
                        problem_solving=r(0.2),
                        satisfaction=r(),
                        trust=r(0.3),
                    )
                )
        preferences.append(
            CommunicationPreference(
                account=account,
                person=sides["customer"][0],
                channels=rnd.sample(["video", "in_person", "email", "phone"], 2),
                ideal_min=2,
                ideal_max=rnd.choice([6, 8, 10]),
            )
        )
    work.add_records_in_bulk(None, initiatives)
    history = []
    for problem, depth, raised in problems:
        dates = [min(today, raised + dt.timedelta(days=6 * k)) for k in range(depth)]
        if depth >= 2:  # jointly defined: both sides agreed that day (issue 15)
            problem.supplier_agreed_on = problem.customer_agreed_on = dates[1]
        # who works on it: the raising side's person; both sides once jointly defined
        sides = people[problem.account_id]
        on_it = (
            [sides["supplier"][1], sides["customer"][1]]
            if depth >= 2
            else [sides[problem.raised_by][-1]]
        )
        history.append((problem, list(zip(stages[:depth], dates, strict=True)), on_it))
    work.add_problems_in_bulk(None, history)
    work.add_records_in_bulk(None, pulses)
    work.add_records_in_bulk(None, preferences)
    return {
        "interactions": len(interactions),
        "initiatives": len(initiatives),
        "problems": len(problems),
        "pulses": len(pulses),
    }
