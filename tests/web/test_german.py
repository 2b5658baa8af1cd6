"""Key pages in German (issue 20): rendered for each side with the language set to German,
they show no English text. English is what remains once the records' own text (names,
titles, notes: the firm's data, written in whatever language its people wrote) is taken
out: a phrase of the catalogue in its English form, or an English function word."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from django.apps import apps

from kamkit.web.diagnosis.models import DiagnosisCase
from tests.web.users.test_language import translated

ENGLISH_WORDS = {
    "the", "and", "of", "to", "is", "are", "has", "have", "with", "for", "not", "yet",
    "from", "by", "this", "that", "which", "when", "each", "on", "at", "or", "be", "its",
    "their", "our", "your", "you", "we", "no", "none", "since", "days", "due", "done",
}  # fmt: skip
"""Words an English sentence can hardly do without and German never uses."""
GERMAN_TOO = {"Pulse", "Pulses", "Admin", "Profile", "Partners", "Start"}
"""Catalogue phrases that are German words too (des Pulses, die Pulse, des Partners;
Django says "Start" for its admin's home)."""


def data_texts() -> tuple[str, ...]:
    """Every text value the records hold (kamkit's own apps), longest first."""
    found: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("kamkit."):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("CharField", "TextField", "EmailField") and not f.choices
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            found.update(v for v in row if isinstance(v, str) and len(v.strip()) >= 4)
    for text in DiagnosisCase.objects.values_list("source_yaml", flat=True):
        found.update(_strings(yaml.safe_load(text)))  # a case file's names and quotes
    return tuple(sorted((f for f in found if len(f.strip()) >= 4), key=len, reverse=True))


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


@functools.cache
def _phrases() -> frozenset[str]:
    return frozenset(en for en, de in translated().items() if en != de and len(en) > 4) - GERMAN_TOO


SAID_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
"""Attributes a reader sees (on hover) or hears (a screen reader): checked like text."""


def english_left(html: bytes, data: Sequence[str] | None = None) -> list[str]:
    """The English phrases and words in a page's visible text, the records' text aside
    (the module firm's, read once; when something is left, the database's as it is now:
    a test may have added records)."""
    if data is None:
        return _english_left(html, _firm_texts()) and _english_left(html, data_texts())
    return _english_left(html, data)


@functools.cache
def _spaced(data: Sequence[str]) -> tuple[str, ...]:
    """The texts with their whitespace as the page's text has it (one space)."""
    return tuple(" ".join(value.split()) for value in data)


@functools.cache
def _firm_texts() -> tuple[str, ...]:
    return data_texts()


def _english_left(html: bytes, data: Sequence[str]) -> list[str]:
    soup = BeautifulSoup(html.split(b"<template shadowrootmode")[0], "html.parser")
    for tag in soup(["script", "style", "template", "code", "pre"]):
        tag.decompose()
    for tag in soup.select("body [lang=en], body .data"):
        tag.decompose()
    said = [t[a] for a in SAID_ATTRIBUTES for t in soup.find_all(attrs={a: True})]
    text = " ".join(" ".join([soup.get_text(" "), *said]).split())
    for value in _spaced(tuple(data)):
        if value in text:  # a plain look first: most texts are not on a given page
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    phrases = _phrases()
    left = [
        p for p in phrases if p in text and re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)
    ]
    words = re.findall(r"[^\W\d_]+", text)  # whole words, umlauts included
    left += sorted({w for w in words if w.lower() in ENGLISH_WORDS and w != "Die"})
    return sorted(left)


CUSTOMER_PAGES = [
    "/accounts/{own}/",
    "/portal/problems/new/",
    "/portal/problems/{problem}/",
    "/portal/initiatives/new/",
    "/portal/initiatives/{initiative}/",
    "/portal/rate/",
    "/portal/phase/",
    "/portal/preferences/",
    "/portal/perception/",
    "/portal/notifications/",
    "/accounts/{own}/plan/",
    "/tasks/",
    "/auth/tokens/",
    "/search/?q=late",
]
SUPPLIER_PAGES = [
    ("manager", "/accounts/"),
    ("manager", "/accounts/{own}/"),
    ("manager", "/tasks/"),
    ("manager", "/accounts/{own}/plan/"),
    ("manager", "/accounts/{own}/stakeholders/"),
    ("manager", "/accounts/problems/{problem}/"),
    ("manager", "/accounts/initiatives/{initiative}/"),
    ("manager", "/accounts/{own}/phase/"),
    ("manager", "/accounts/{own}/perception/"),
    ("manager", "/accounts/{own}/preferences/"),
    ("manager", "/portal/notifications/"),
    ("director", "/accounts/matrix/"),
    ("director", "/assessment/plan/"),
    ("director", "/imports/"),
    ("analyst", "/diagnosis/"),
    ("analyst", "/research/"),
    (
        "analyst",
        "/research/qca/?source=pairs&run=1&outcome=NOGAP&conditions=TRANSFORMATION"
        "&conditions=TIME_ORIENTATION&conditions=GOAL_ORIENTATION&incl_cut=0.8&n_cut=1"
        "&solution=complex",
    ),
    ("director", "/research/qca/?source=accounts"),
    ("director", "/search/?q=er"),  # hits in several groups
    ("director", "/search/?q=zzzz"),  # nothing found
    ("manager", "/today/"),
    ("director", "/today/"),  # every kind the firm has, with the KA manager filter
    ("director", "/today/?kind=task_due"),  # nothing of this kind
]


def _urls(firm) -> dict[str, int]:
    return {
        "own": firm.own.pk,
        "problem": firm.records["problems"].pk,
        "initiative": firm.records["initiatives"].pk,
    }


@pytest.fixture
def german_firm(firm_once):
    """The module's firm (built once; each test in its own savepoint) with everyone's
    language German and the problem, initiative and perception gap shared."""
    from kamkit.web.accounts.models import Account
    from kamkit.web.relationships.models import JointInitiative, Problem
    from kamkit.web.users.models import User

    User.objects.update(language="de")
    Problem.objects.filter(pk=firm_once.records["problems"].pk).update(shared=True)
    JointInitiative.objects.filter(pk=firm_once.records["initiatives"].pk).update(shared=True)
    Account.objects.filter(pk=firm_once.own.pk).update(perception_shared=True)
    return firm_once


@pytest.fixture
def as_role(client, german_firm):
    """A client logged in as the given role of the German firm."""

    def login(role: str):
        client.logout()
        client.force_login(german_firm.users[role])
        return client

    return login


@pytest.mark.parametrize("path", CUSTOMER_PAGES)
def test_the_customer_s_pages_are_all_german(as_role, german_firm, path):
    page = as_role("customer").get(path.format(**_urls(german_firm)))
    assert page.status_code == 200, path
    assert page["Content-Language"] == "de"
    left = english_left(page.content)
    assert not left, "English left: " + " | ".join(left)


@pytest.mark.parametrize(("role", "path"), SUPPLIER_PAGES)
def test_the_supplier_s_key_pages_are_all_german(as_role, german_firm, role, path):
    page = as_role(role).get(path.format(**_urls(german_firm)))
    assert page.status_code == 200, path
    left = english_left(page.content)
    assert not left, "English left: " + " | ".join(left)


def test_the_check_finds_english(as_role, german_firm):
    """The check itself: the same page in English is full of English."""
    from kamkit.web.users.models import User

    User.objects.update(language="en")
    page = as_role("customer").get(f"/accounts/{german_firm.own.pk}/")
    left = english_left(page.content)
    assert "Raise a problem" in left and "the" in left


def test_the_core_s_sentences_are_said_again_in_german():
    """The core writes English from marked templates; ``say`` reads a sentence back into
    its slots and says it in German, numbers and days in German form, data untouched."""
    from django.utils import translation

    from kamkit.core.lifecycle.index import principal_lever
    from kamkit.core.relationships import check_joint_definition
    from kamkit.web.labels import say

    lever = principal_lever(
        {"communication": 40.0, "co_creation": 60.0, "problem_solving": None},
        {"communication": "motivator", "co_creation": "hygiene", "problem_solving": "background"},
        "maturity",
    )
    missing = check_joint_definition(
        supplier_framing="", customer_framing="x", supplier_agreed=False, customer_agreed=True
    )
    assert lever.why.startswith("Collaborative communication is a motivator in maturity")
    with translation.override("de"):
        german = say(lever.why)
        assert german.startswith("Kollaborative Kommunikation ist ein Motivator in der Phase Reife")
        assert "(Gemeinsame Problemlösung: noch keine Daten)." in german
        gain = re.search(r"heben den Index um (\S+),", german).group(1)
        assert "," in gain and "." not in gain  # 4,3 not 4.3
        assert say(missing) == (
            "gemeinsam definiert braucht noch die Sicht des Lieferanten und die Zustimmung "
            "des Lieferanten"
        )
        assert say("Task due since 2026-11-20 on Alpha Motors: Send the forecast") == (
            "Aufgabe fällig seit 20.11.2026 bei Alpha Motors: Send the forecast"
        )
        assert say("Late deliveries of spare parts") == "Late deliveries of spare parts"
        plan_reason = (  # several sentences, one with " to " (a short template's words)
            "Co-creation of value is a hygiene factor (it hurts most below the baseline) in "
            "maturity; it stands at 0, below the baseline. 13.6 h lift it to 49; the last hour "
            "still raises the account's index by 1.10 points. Its weight is 4."
        )
        assert say(plan_reason) == (
            "Gemeinsame Wertschöpfung ist ein Hygienefaktor (er schadet unter der Basislinie "
            "am meisten) in der Phase Reife; er steht bei 0, unter der Basislinie. 13,6 h heben "
            "ihn auf 49; die letzte Stunde hebt den Index des Accounts noch um 1,10 Punkte. "
            "Sein Gewicht ist 4."
        )
    with translation.override("en"):
        assert say(lever.why) == lever.why


def test_the_sentences_found_english_on_the_demo_s_german_pages_are_german():
    """What a crawl of the demo firm's pages in German found still in English (the test
    firm holds none of it): the inferred phase's reasons, a conflict of evidence on a
    pair, the next wave's word on an action, the levels of a wave's changes."""
    from django.utils import translation

    from kamkit.core.diagnosis.compare import FOLLOW_UP
    from kamkit.core.diagnosis.results import EvidenceConflict, Judgement
    from kamkit.web.labels import say

    conflict = EvidenceConflict(
        "kam", "legal", "goal_orientation",
        Judgement("goal_orientation", False, "analyst", "not marked"),
        Judgement("goal_orientation", True, "ratings", "rating means 6.00 vs 3.00"),
    )  # fmt: skip
    with translation.override("de"):
        assert say("the rules have pointed to build-up since 2026-08-01") == (
            "die Regeln zeigen seit 01.08.2026 auf Aufbau"
        )
        german = say(conflict.message)
        assert german.startswith("Zielorientierung: Die Markierungen der Analystin"), german
        assert say(FOLLOW_UP["closed"]) == "die Lücke hat sich geschlossen"
        assert say("rather high") == "eher hoch"


def test_dates_numbers_and_amounts_follow_the_language():
    import datetime as dt

    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        '{% load kamkit_l10n %}{{ day|date:"SHORT_DATE_FORMAT" }}|{{ n|floatformat:1 }}|'
        "{{ amount|money }}|{{ nothing|money }}"
    )
    context = Context({"day": dt.date(2026, 11, 29), "n": 1.25, "amount": 12000, "nothing": None})
    with translation.override("en"):
        assert template.render(context) == "2026-11-29|1.3|EUR\u00a012,000|—"
    with translation.override("de"):
        assert template.render(context) == "29.11.2026|1,3|12.000\u00a0EUR|—"


def test_notifications_are_shown_and_mailed_in_each_reader_s_language(
    client, german_firm, settings, django_capture_on_commit_callbacks
):
    """A notification is stored once, in English; each reader sees it in their own
    language, and the mails go out one per language."""
    from django.core import mail

    from kamkit.web.accounts.models import Account
    from kamkit.web.portal.models import Notification
    from kamkit.web.relationships import services
    from kamkit.web.users.models import User

    settings.KAMKIT_NOTIFY_BY_EMAIL = True
    User.objects.filter(username="manager").update(email="max@supplier.example")
    manager = User.objects.get(username="manager")
    customer = User.objects.get(username="customer")
    account = Account.objects.get(pk=german_firm.own.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.raise_problem(customer, account, title="Pallets unlabelled", framing="x")
    note = Notification.objects.get(recipient=manager, text__contains="Pallets")
    assert note.text == "Chris Customer raised a problem: Pallets unlabelled"
    client.force_login(manager)
    page = client.get("/portal/notifications/")
    assert "Chris Customer hat ein Problem gemeldet: Pallets unlabelled" in page.content.decode()
    assert [m.body.split("\n")[0] for m in mail.outbox] == [
        "Chris Customer hat ein Problem gemeldet: Pallets unlabelled"
    ]


def _every_page() -> list[tuple[str, str]]:
    """Every page of the permission table (GET, HTML) with the first role that reads it."""
    from tests.web.test_permissions import PAGES

    out = []
    for name, (method, _kwargs, _data, expected) in sorted(PAGES.items()):
        if method != "get" or name in ("healthz", "home") or "export" in name:
            continue
        for role in ("customer", "manager", "director", "analyst", "admin"):
            if expected.get(role) == 200:
                out.append((name, role))
                break
    return out


@pytest.mark.parametrize(("name", "role"), _every_page())
def test_every_page_is_german(name, role, as_role, german_firm):
    """Beyond the key pages: every page a role reads, rendered in German."""
    from django.urls import reverse

    from tests.web.test_permissions import PAGES

    _method, kwargs, _data, _expected = PAGES[name]
    page = as_role(role).get(reverse(name, kwargs=kwargs(german_firm)))
    if not page["Content-Type"].startswith("text/html"):
        return
    left = english_left(page.content)
    assert not left, f"{name} as {role}: " + " | ".join(left)


def test_the_stakeholder_map_s_judgements_and_warnings_in_german(as_role, german_firm):
    from kamkit.web.accounts.models import Person

    Person.objects.filter(pk=german_firm.records["chris"].pk).update(
        buying_role="decision_maker", attitude="supporter", influence="high"
    )
    page = as_role("manager").get(f"/accounts/{german_firm.own.pk}/stakeholders/")
    text = page.content.decode()
    assert "Entscheider" in text and "Unterstützer" in text and "Hoch" in text
    assert "Entscheider Chris Customer: Niemand von uns hat die Person getroffen" in text
    left = english_left(page.content)
    assert not left, " | ".join(left)


def test_an_import_s_row_problems_and_skips_in_german():
    """The importers write English (the CLI prints it); the import page says it again."""
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from kamkit.core.imports.records import parse_when
    from kamkit.web.labels import say

    with pytest.raises(ValueError) as caught:
        parse_when("13/45/2025x", ZoneInfo("UTC"))
    problem = str(caught.value)
    assert problem.startswith("'13/45/2025x' is not a date")
    with translation.override("de"):
        assert say(problem).startswith("'13/45/2025x' ist kein Datum; erwartet wird ISO 8601")
        assert say("in the future: not a contact yet") == "in der Zukunft: noch kein Kontakt"


def test_the_diagnosis_report_inside_the_app_is_german(as_role, german_firm):
    """The report the core draws (in a shadow root of the report page): its headings,
    tables, legends, the core's findings, advice and sources, and the network's hover
    texts in German; the case's own names and statements stay as written."""
    from django.urls import reverse

    page = as_role("analyst").get(reverse("diagnosis:report", args=[german_firm.wave.pk]))
    html = page.content.decode()
    report = html.split("<template shadowrootmode", 1)[1].split("</template>", 1)[0]
    report = report.split(">", 1)[1].replace("<title", "<p").replace("</title>", "</p>")
    # a judgement's hover names its source after "Quelle:"; sources are cited as
    # published, in English (docs/languages.md)
    report = re.sub(r'(title="[^"]*?Quelle: )[^"]*"', r'\1"', report)
    assert 'lang="de"' in html.split("<template shadowrootmode", 1)[0][-80:]
    assert "Diagnose der Integrationslücken" in report and "Woher jedes Urteil kommt" in report
    left = english_left(f"<html><body>{report}</body></html>".encode())
    assert not left, " | ".join(left)


def test_the_admin_names_kamkit_s_apps_and_records_in_german(as_role, german_firm):
    """The admin's index: Django says its own words in German; kamkit's apps and record
    kinds are German too."""
    page = as_role("admin").get("/admin/")
    assert page.status_code == 200
    text = " ".join(BeautifulSoup(page.content, "html.parser").get_text(" ").split())
    for german in ("Key Accounts und Personen", "Beziehungsdaten", "Kontakte", "Probleme"):
        assert german in text, german
    for english in ("Relationship data", "Interactions", "Joint initiatives"):
        assert english not in text, english


def test_every_automatic_field_label_is_listed_and_translated():
    """A model field without a label of its own shows its name with spaces in the admin
    (and in forms made from the model): each such label is listed for translation, and
    the German catalog has it. A new field fails here until it is listed."""
    from django.utils import translation

    from kamkit.web.field_labels import FIELD_LABELS, automatic_labels

    with translation.override("en"):
        found = automatic_labels()
    missing = {name: where for name, where in found.items() if name not in FIELD_LABELS}
    assert not missing, f"add to kamkit.web.field_labels.FIELD_LABELS: {missing}"
    assert "industry" in found and "accounts.Account.industry" in found["industry"]
    with translation.override("de"):
        untranslated = [name for name, label in FIELD_LABELS.items() if str(label) == name]
    assert not untranslated, untranslated


ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/account/",
    "/admin/accounts/account/{own}/change/",
    "/admin/accounts/person/",
    "/admin/relationships/interaction/",
    "/admin/relationships/problem/{problem}/change/",
    "/admin/relationships/jointinitiative/{initiative}/change/",
    "/admin/users/user/{manager}/change/",
    "/admin/otp_totp/totpdevice/",
    "/admin/otp_totp/totpdevice/add/",
    "/admin/django_tasks_database/dbtaskresult/",
]

ADMIN_WORDS = {
    "/admin/accounts/account/{own}/change/": ("Branche", "Wachstumspotenzial"),
    "/admin/accounts/person/": ("Nach Seite", "Kunde"),
    "/admin/otp_totp/totpdevice/add/": ("Identität", "Der lesbare Name dieses Geräts."),
    "/admin/django_tasks_database/dbtaskresult/": ("Name der Warteschlange", "Erfolgreich"),
}
"""A few words each page must show, so the check above cannot pass on an empty page."""


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_the_admin_s_lists_and_forms_are_german(as_role, german_firm, path):
    """The admin's lists, filters and forms: Django's words, kamkit's app and record names,
    field labels, choices and record names in German, and those of the libraries' records
    (TOTP devices, background tasks); the records' own texts aside."""
    url = path.format(
        own=german_firm.own.pk,
        problem=german_firm.records["problems"].pk,
        initiative=german_firm.records["initiatives"].pk,
        manager=german_firm.users["manager"].pk,
    )
    page = as_role("admin").get(url)
    assert page.status_code == 200
    text = " ".join(BeautifulSoup(page.content, "html.parser").get_text(" ").split())
    assert "Hintergrundaufgaben" in text and "Tasks Database Backend" not in text
    assert "kamkit-Verwaltung" in text and "Django" not in text
    for german in ADMIN_WORDS.get(path, ()):
        assert german in text, german
    soup = BeautifulSoup(page.content, "html.parser")
    for salted in soup.select(".field-password bdi"):  # a hash's random salt, not words
        salted.decompose()
    # permission names are stored by Django when it migrates, in English ("Can add …"):
    # data, as in every Django admin
    for stored in soup.select("select[name=user_permissions]"):
        stored.decompose()
    for icon in soup.select('label[for=searchbar] img[alt="Search"]'):
        del icon["alt"]  # Django 5.2's admin/search_form.html writes this one in English
    left = english_left(str(soup).encode())
    assert not left, " | ".join(left)


def test_the_admin_s_field_labels_follow_the_reader_s_language(as_role, german_firm):
    """The same form in English for an English reader: the translation is per request,
    not fixed at start-up."""
    url = f"/admin/accounts/account/{german_firm.own.pk}/change/"
    client = as_role("admin")
    page = client.get(url).content.decode()
    assert ">Branche:<" in page and ">Industry:<" not in page
    from kamkit.web.users.models import User

    User.objects.filter(pk=german_firm.users["admin"].pk).update(language="en")
    page = client.get(url).content.decode()
    assert ">Industry:<" in page and "Branche" not in page


def _english_literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [ast.unparse(node)]
    if isinstance(node, ast.IfExp):
        return _english_literals(node.body) + _english_literals(node.orelse)
    return []


def test_no_message_to_a_reader_is_an_english_literal():
    """Every flash message and form error the web layer writes goes through the catalogue
    (a plain or f-string literal would reach a German reader in English; only a POST
    shows them, so the page checks above never see them)."""
    import kamkit.web

    found = []
    for path in Path(kamkit.web.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = node.func.value
            said = (
                node.func.attr in ("success", "error", "info", "warning")
                and isinstance(target, ast.Name)
                and target.id == "messages"
            ) or node.func.attr == "add_error"
            if said and len(node.args) >= 2:
                found += [
                    f"{path.name}:{node.lineno}: {t}" for t in _english_literals(node.args[1])
                ]
    assert not found, "\n".join(found)


def test_the_rules_refusals_on_forms_are_said_in_german(as_role, german_firm):
    """A form whose model applies the core's rules (a pulse rates at least one item; a
    self-identification names a person of its side): the refusal in German, the rated
    items by their names (the model form passed the core's English through)."""
    client = as_role("manager")
    own = german_firm.own.pk
    pulse = client.post(f"/accounts/{own}/pulses/new/", {"person": german_firm.own_person.pk})
    assert pulse.status_code == 422
    said = BeautifulSoup(pulse.content, "html.parser").get_text(" ")
    assert "bewerten Sie mindestens eines von: Kollaborative Kommunikation" in said
    assert "co_creation" not in said and "rate at least" not in said
    phase = client.post(
        f"/accounts/{own}/phase/", {"phase": "maturity", "source": "supplier_self", "person": ""}
    )
    assert phase.status_code == 422
    said = BeautifulSoup(phase.content, "html.parser").get_text(" ")
    assert "nennt die Person auf Lieferantenseite" in said
    assert not english_left(phase.content) and not english_left(pulse.content)


def test_the_new_account_page_and_its_refusals_are_german(as_role, german_firm):
    client = as_role("director")
    form = client.get("/accounts/new/")
    assert "Neuer Account" in form.content.decode()
    assert not english_left(form.content), " | ".join(english_left(form.content))
    refused = client.post("/accounts/new/", {"name": "", "revenue_share": "9"})
    assert refused.status_code == 422
    assert not english_left(refused.content), " | ".join(english_left(refused.content))
    same = client.post("/accounts/new/", {"name": german_firm.own.name})
    assert "Ist es derselbe Kunde?" in same.content.decode()
    assert not english_left(same.content), " | ".join(english_left(same.content))
    client.post(f"/accounts/{german_firm.own.pk}/delete/")
    undo = client.get(f"/accounts/?deleted={german_firm.own.pk}")
    from bs4 import BeautifulSoup

    bar = BeautifulSoup(undo.content, "html.parser").select_one("#undo-delete").get_text(" ")
    assert "Gelöscht:" in bar and german_firm.own.name in bar
    assert not english_left(undo.content), " | ".join(english_left(undo.content))
