"""The interface's language (issue 20): each user's choice; else the browser's for visitors
and customers, English for the supplier's team; the visitor pages show no English text in
German (the logged-in pages: ``tests/web/test_german.py``)."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "src" / "kamkit" / "locale" / "de" / "LC_MESSAGES" / "django.po"

VISITOR_PAGES = [
    "/auth/login/",
    "/auth/password/reset/",
    "/auth/password/reset/sent/",
    "/auth/password/reset/MQ/made-up/",
    "/auth/password/reset/done/",
    "/portal/invite/made-up/",
    "/no-such-page/",
]
"""The pages a visitor reaches without logging in: complete in German."""


def translated() -> dict[str, str]:
    """msgid → msgstr of the German catalogue (multi-line entries joined; a plural entry
    gives its singular and its first form)."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    key = None
    for line in [*PO.read_text("utf-8").splitlines(), ""]:
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgid|msgid_plural|msgstr|msgstr\[0\]|msgstr\[1\])\s+"(.*)"$', line)
        if match:
            key = match.group(1)
            current[key] = match.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        elif not line.strip():
            if current.get("msgid"):
                msgstr = current.get("msgstr", current.get("msgstr[0]", ""))
                entries[current["msgid"].replace("\\n", "\n")] = msgstr
            current, key = {}, None
    return entries


def visible_text(html: bytes) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def test_every_entry_of_the_german_catalogue_is_translated():
    pairs = translated()
    assert len(pairs) > 50
    assert [k for k, v in pairs.items() if not v] == []
    compiled = PO.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= PO.stat().st_mtime - 5


def test_a_visitor_gets_every_page_in_the_browser_s_language(client, db):
    german = client.get("/auth/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    soup = BeautifulSoup(german.content, "html.parser")
    assert soup.html["lang"] == "de" and german["Content-Language"] == "de"
    assert soup.select_one("h1").text == "Bei kamkit anmelden"
    english_words = {en for en, de in translated().items() if en != de and len(en) > 3}
    for path in VISITOR_PAGES:
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
        text = visible_text(page.content)
        left = [en for en in english_words if re.search(rf"(?<!\w){re.escape(en)}(?!\w)", text)]
        assert left == [], (path, left)
        assert BeautifulSoup(page.content, "html.parser").html["lang"] == "de", path
    english = client.get("/auth/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert BeautifulSoup(english.content, "html.parser").select_one("h1").text == "Log in to kamkit"


def test_a_request_s_language_does_not_outlive_the_request(client, db):
    """A German request leaves the thread in the default language: the next request (or
    a service called after it, in a test or a task) must not speak German by accident."""
    from django.utils import translation

    before = translation.get_language()
    page = client.get("/auth/login/", HTTP_ACCEPT_LANGUAGE="de")
    assert page["Content-Language"] == "de"
    assert translation.get_language() == before


def test_the_password_reset_email_speaks_the_visitor_s_language(client, firm):
    from django.core import mail

    firm.users["manager"].email = "kim@supplier.example"
    firm.users["manager"].save()
    client.post(
        "/auth/password/reset/", {"email": "kim@supplier.example"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert mail.outbox[-1].subject == "Ihr kamkit-Passwort zurücksetzen"
    assert mail.outbox[-1].body.startswith("Guten Tag")


def test_customers_follow_their_browser_the_supplier_s_team_english_until_they_choose(
    as_role, firm
):
    customer = as_role("customer")
    page = customer.get(f"/accounts/{firm.own.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    nav = BeautifulSoup(page.content, "html.parser").select_one("nav").get_text(" ", strip=True)
    assert page["Content-Language"] == "de" and nav.startswith("Unsere Zusammenarbeit Aufgaben")
    page = customer.get(f"/accounts/{firm.own.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "en" and "Raise a problem" in page.content.decode()
    director = as_role("director")
    page = director.get("/accounts/", HTTP_ACCEPT_LANGUAGE="de")
    assert page["Content-Language"] == "en" and "Aufgaben" not in page.content.decode()


def test_a_user_s_choice_wins_and_is_kept(as_role, firm):
    director = as_role("director")
    response = director.post("/auth/language/", {"language": "de", "next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    firm.users["director"].refresh_from_db()
    assert firm.users["director"].language == "de"
    page = director.get("/tasks/", HTTP_ACCEPT_LANGUAGE="en")
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.html["lang"] == "de" and "Abmelden" in soup.select_one("header").text
    assert director.post("/auth/language/", {"language": "fr"}).status_code == 400
    away = director.post("/auth/language/", {"language": "", "next": "https://evil.example/"})
    assert away["Location"] == "/"


def test_an_administrator_sets_a_user_s_language_and_mails_in_the_admin(client, firm):
    """A user who asks by phone: the administrator changes their language and turns their
    notification mails off on the user's admin page."""
    from bs4 import BeautifulSoup

    from kamkit.web.users.models import User

    client.force_login(firm.users["admin"])
    manager = firm.users["manager"]
    url = f"/admin/users/user/{manager.pk}/change/"
    page = BeautifulSoup(client.get(url).content, "html.parser")
    form = page.select_one("form#user_form")
    assert form.select_one("[name=language]") and form.select_one("[name=notify_by_email]")
    data = {
        el["name"]: el.get("value", "")
        for el in form.select("input[name]")
        if el.get("type") not in ("checkbox", "submit") and el["name"] != "password"
    }
    data |= {
        "role": manager.role,
        "language": "de",
        "date_joined_0": data.get("date_joined_0", "2026-01-01"),
        "date_joined_1": data.get("date_joined_1", "00:00:00"),
        "is_active": "on",
    }  # notify_by_email left unticked: off
    answer = client.post(url, data)
    assert answer.status_code == 302, BeautifulSoup(answer.content, "html.parser").select(
        ".errorlist"
    )
    manager = User.objects.get(pk=manager.pk)
    assert manager.language == "de" and manager.notify_by_email is False
