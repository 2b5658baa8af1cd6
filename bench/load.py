"""Benchmark: many users at once on `kamkit serve --demo` (issue 17), 127.0.0.1 only.

Starts `kamkit serve --demo` (its default 2 web workers, no background worker) on a free
port with a new data folder, logs in the demo director once per simulated user, and
lets 10, then 50 users (threads, each with its own session) ask for the portfolio page,
the account page of the account with the most contacts and the API's account list, in
turn, with no pause, for ``--seconds`` each. Prints per page: requests, throughput,
p50/p95/p99, errors and the share answered with a kept page; the login page is asked
for alongside as the floor (the cheapest page through the same server). Bounded in time
and to this machine.

Targets (issue 17), on this machine with the default workers: the account page's p95
under 300 ms at 10 users and under 1 s at 50, no errors, throughput at least 3× the
first measurement (the README has both).

    uv run python bench/load.py                 # 10 and 50 users, 60 s each
    uv run python bench/load.py --seconds 20    # shorter
    uv run python bench/load.py --write-every 1 # a contact logged every second
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = {10: 300, 50: 1000}
FLOOR = "login page (floor)"
WRITES = "contact logged (API)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, data: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KAMKIT_DATA_DIR"] = str(data)
    env["KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT"] = "100000"  # one address logs in many users
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamkit.cli", "serve", "--demo", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("kamkit serve exited while starting") from None
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("kamkit serve did not come up in 180 s")


def login(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/auth/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": "demo", "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(base + "/auth/login/", data=form, timeout=30)
    return opener


def token_for(data: Path, username: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KAMKIT_DATA_DIR"] = str(data)
    printed = subprocess.run(
        [sys.executable, "-m", "kamkit.cli", "token", "create", username, "--label", "load"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.search(r"kk_\S+", printed).group(0)


def biggest_account(opener, base: str) -> int:
    import json

    items = json.loads(opener.open(base + "/api/v1/accounts?limit=500", timeout=30).read())
    return items["items"][0]["id"] if items["items"] else 1


def run(
    base: str, users: int, seconds: float, pages: dict[str, str], writer: dict | None = None
) -> dict:
    openers = [login(base, "director") for _ in range(users)]
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    kept: dict[str, int] = defaultdict(int)  # answered with a kept page (kamkit.web.pagecache)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def write() -> None:
        import json

        body = json.dumps(
            {"channel": "phone", "initiated_by": "supplier", "two_way": False, "summary": "load"}
        ).encode()
        while time.monotonic() < stop:
            start = time.perf_counter()
            request = urllib.request.Request(
                f"{base}/api/v1/accounts/{writer['account']}/interactions",
                data=body,
                headers={
                    "Authorization": f"Bearer {writer['token']}",
                    "Content-Type": "application/json",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    ok = answer.status == 201
            except (urllib.error.URLError, OSError):
                ok = False
            with lock:
                times[WRITES].append((time.perf_counter() - start) * 1000)
                if not ok:
                    errors[WRITES] += 1
            time.sleep(max(0.0, writer["every"] - (time.perf_counter() - start)))

    anonymous = urllib.request.build_opener()  # the floor: the login page, logged out

    def user(n: int) -> None:
        opener = openers[n]
        names = list(pages)
        k = n % len(names)
        while time.monotonic() < stop:
            name = names[k % len(names)]
            k += 1
            start = time.perf_counter()
            client = anonymous if name == FLOOR else opener
            try:
                with client.open(base + pages[name], timeout=60) as answer:
                    answer.read()
                    ok = answer.status == 200
                    was_kept = answer.headers.get("X-Kamkit-Page") == "kept"
            except (urllib.error.URLError, OSError):
                ok = was_kept = False
            took = (time.perf_counter() - start) * 1000
            with lock:
                times[name].append(took)
                if not ok:
                    errors[name] += 1
                if was_kept:
                    kept[name] += 1

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    if writer:
        threads.append(threading.Thread(target=write))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"times": times, "errors": errors, "kept": kept}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="per user count (≤ 120)")
    parser.add_argument("--users", default="10,50", help="user counts, comma-separated (≤ 100)")
    parser.add_argument(
        "--write-every", type=float, default=0.0, help="log a contact every S seconds (≥ 0.2)"
    )
    args = parser.parse_args()
    seconds = min(args.seconds, 120.0)
    counts = [min(int(u), 100) for u in args.users.split(",")]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        proc = start_server(port, Path(data))
        try:
            first = login(base, "director")
            account = biggest_account(first, base)
            pages = {
                FLOOR: "/auth/login/",
                "portfolio": "/accounts/",
                "account page": f"/accounts/{account}/",
                "API account list": "/api/v1/accounts?limit=50",
            }
            writer = None
            if args.write_every:
                every = max(args.write_every, 0.2)
                writer = {"account": account, "token": token_for(Path(data), "director")}
                writer["every"] = every
            met = True
            for users in counts:
                result = run(base, users, seconds, pages, writer)
                print(
                    f"\n{users} users, {seconds:.0f} s, 2 web workers (kamkit serve's default)"
                    + (f", a contact logged every {writer['every']:g} s" if writer else "")
                )
                print(
                    f"{'page':<22}{'requests':>9}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}"
                    f"{'p99 ms':>9}{'errors':>8}{'kept':>7}"
                )
                for name in [*pages, WRITES]:
                    t = result["times"][name]
                    if not t:
                        continue
                    p95 = percentile(t, 95)
                    print(
                        f"{name:<22}{len(t):>9}{len(t) / seconds:>8.1f}"
                        f"{statistics.median(t):>9.0f}{p95:>9.0f}{percentile(t, 99):>9.0f}"
                        f"{result['errors'][name]:>8}"
                        f"{100 * result['kept'][name] / len(t):>6.0f}%"
                    )
                    if name == "account page":
                        limit = TARGET_P95_MS.get(users)
                        if (limit and p95 > limit) or result["errors"][name]:
                            met = False
            print("\ntargets met" if met else "\nTARGETS NOT MET (account page p95, errors)")
            return 0 if met else 3
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
