"""Benchmark: what a kept page saves (issue 17), in-process, on the demo firm.

Builds the demo firm in a new data folder, then asks for the portfolio, the account page
of the account with the most contacts and the API's account list, signed in as the demo
director (Django's test client, the whole middleware stack, no network), each
``--repeat`` times: first rendered every time (``KAMKIT_PAGE_CACHE`` off: the baseline,
as every page was before kept pages), then with kept pages (each asked once first, so
the rest are kept). Prints the median and the minimum of each, side by side.

    uv run python bench/kept_pages.py
    uv run python bench/kept_pages.py --repeat 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (≤ 500)")
    args = parser.parse_args()
    repeat = max(1, min(args.repeat, 500))
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["KAMKIT_DATA_DIR"] = data
        subprocess.run(
            [sys.executable, "-m", "kamkit.cli", "demo"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        os.environ.pop("DATABASE_URL", None)
        os.environ["KAMKIT_DATA_DIR"] = data
        os.environ["DJANGO_SETTINGS_MODULE"] = "kamkit.web.settings"
        import django

        django.setup()
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username="director"))
        client.cookies[settings.CSRF_COOKIE_NAME] = "b" * 32  # as after the login page
        first = client.get("/api/v1/accounts?limit=500").json()["items"]
        pages = {
            "portfolio": "/accounts/",
            "account page": f"/accounts/{first[0]['id']}/",
            "API account list": "/api/v1/accounts?limit=50",
        }

        def timed(path: str, kept: bool) -> list[float]:
            settings.KAMKIT_PAGE_CACHE = kept
            client.get(path)  # the first look: rendered (and kept, when on)
            took = []
            for _ in range(repeat):
                start = time.perf_counter()
                answer = client.get(path)
                took.append((time.perf_counter() - start) * 1000)
                assert answer.status_code == 200, (path, answer.status_code)
                assert (answer.get("X-Kamkit-Page") == "kept") is kept, path
            return took

        print(f"{repeat} requests per page, in-process, the demo firm, as the director")
        print(f"{'page':<18}{'rendered: median':>18}{'min':>8}{'kept: median':>15}{'min':>8}")
        for name, path in pages.items():
            rendered = timed(path, kept=False)
            kept = timed(path, kept=True)
            print(
                f"{name:<18}{statistics.median(rendered):>15.1f} ms{min(rendered):>5.1f} ms"
                f"{statistics.median(kept):>12.1f} ms{min(kept):>5.1f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
