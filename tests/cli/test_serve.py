"""`kamkit serve --demo` in its own process, probed from outside over HTTP: each demo
login sees exactly what it should."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    data = tmp_path_factory.mktemp("serve-data")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["KAMKIT_DATA_DIR"] = str(data)
    # the deploy path (issue 17): kamkit migrate as its own step, then serve --no-migrate
    kamkit = [sys.executable, "-m", "kamkit.cli"]
    check = subprocess.run([*kamkit, "migrate", "--check"], env=env, capture_output=True, text=True)
    assert check.returncode == 1 and "pending" in check.stdout, check.stdout + check.stderr
    done = subprocess.run([*kamkit, "migrate"], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "Applied" in done.stdout, done.stdout + done.stderr
    again = subprocess.run([*kamkit, "migrate", "--check"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "up to date" in again.stdout
    proc = subprocess.Popen(
        [
            *kamkit,
            "serve",
            "--demo",
            "--no-migrate",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    # the demo loads before the server answers: seconds alone, far longer on a CI machine
    # whose other test worker is busy; the boot time is not what this checks
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/auth/login/", timeout=10)
            break
        except OSError:  # refused, reset or timed out while the server boots
            if proc.poll() is not None:
                pytest.fail("kamkit serve exited:\n" + proc.stdout.read())
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("kamkit serve did not come up in 240 s")
    yield base, proc, data
    proc.send_signal(2)  # SIGINT, what Ctrl-C sends
    assert proc.wait(timeout=60) == 0


def session(base: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/auth/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": "demo", "csrfmiddlewaretoken": token}
    )
    request = urllib.request.Request(
        base + "/auth/login/", data=form.encode(), headers={"Referer": base + "/auth/login/"}
    )
    landed = opener.open(request)
    return opener, landed.geturl()


def api_accounts(opener, base: str) -> dict:
    return json.loads(opener.open(base + "/api/v1/accounts?limit=500").read())


def test_kamkit_serve_demo_probed_from_outside(server):
    """One test, so that the demo server starts once: xdist hands the tests of a module to
    either worker, and each would start its own (xdist's grouping does not work with
    pytest 9). Each check below names itself when it fails."""
    base, proc, data = server
    demo_logins_see_exactly_their_share(base)
    static_files_and_no_debug(base)
    healthy_and_private(base, data)
    a_kept_page_shows_another_process_write(base, data)
    assert proc.poll() is None, "the server stopped during the probes"
    # the fixture then sends Ctrl-C and expects exit status 0


def demo_logins_see_exactly_their_share(base: str) -> None:
    director, _ = session(base, "director")
    everything = api_accounts(director, base)
    assert everything["count"] >= 40
    assert {a["phase"] for a in everything["items"]} == {
        "exploration",
        "build_up",
        "maturity",
        "decline",
    }

    manager, landed = session(base, "manager")
    assert landed.endswith("/accounts/")
    own = api_accounts(manager, base)
    assert 0 < own["count"] < everything["count"]

    customer, landed = session(base, "customer")
    mine = api_accounts(customer, base)
    assert mine["count"] == 1
    assert landed.endswith(f"/accounts/{mine['items'][0]['id']}/")
    assert "internal_notes" not in mine["items"][0]
    other = next(a["id"] for a in everything["items"] if a["id"] != mine["items"][0]["id"])
    with pytest.raises(urllib.error.HTTPError) as info:
        customer.open(f"{base}/accounts/{other}/")
    assert info.value.code == 404

    analyst, landed = session(base, "analyst")
    assert api_accounts(analyst, base)["count"] == 0
    assert landed.endswith("/diagnosis/")
    assert b"Published case" in analyst.open(base + "/diagnosis/").read()

    with pytest.raises(urllib.error.HTTPError) as anon:
        urllib.request.urlopen(base + "/api/v1/accounts")
    assert anon.value.code == 401


def static_files_and_no_debug(base: str) -> None:
    css = urllib.request.urlopen(base + "/static/kamkit/app.css")
    assert css.headers["Content-Type"].startswith("text/css")
    assert urllib.request.urlopen(base + "/static/django_htmx/htmx-2.min.js").status == 200
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(base + "/no-such-page/")
    body = missing.value.read()
    assert missing.value.code == 404
    assert b"Traceback" not in body and b"URLconf" not in body  # DEBUG is off


def healthy_and_private(base: str, data: Path) -> None:
    health = urllib.request.urlopen(base + "/healthz")
    body = json.loads(health.read())
    assert health.status == 200 and body["database"] == "ok" and body["migrations"] == "ok"
    assert "no-store" in health.headers["Cache-Control"]
    assert "script-src 'self'" in health.headers["Content-Security-Policy"]
    # the data folder and the database in it are its owner's alone (issue 17)
    assert data.stat().st_mode & 0o077 == 0
    assert (data / "kamkit.sqlite3").stat().st_mode & 0o077 == 0


def a_kept_page_shows_another_process_write(base: str, data: Path) -> None:
    """Kept pages (issue 17): a write by another process (here the command line) shows
    on the next look at a page the server kept."""
    director, _ = session(base, "director")
    director.open(base + "/auth/tokens/").read()
    again = director.open(base + "/auth/tokens/")
    assert again.headers["X-Kamkit-Page"] == "kept"
    assert b"from-another-process" not in again.read()
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["KAMKIT_DATA_DIR"] = str(data)
    made = subprocess.run(
        [sys.executable, "-m", "kamkit.cli", "token", "create", "director"]
        + ["--label", "from-another-process"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    after = director.open(base + "/auth/tokens/")
    assert after.headers["X-Kamkit-Page"] is None
    assert b"from-another-process" in after.read()
