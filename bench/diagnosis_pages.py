"""Benchmark: the diagnosis pages of a large wave (issue 18, item 6).

Stores bench/diagnosis.py's generated case (``--kam`` 200 KAM units × ``--partners`` 50
partners: 10,000 pairs, 30,000 ratings, 5 MB of YAML) twice, as two waves of a project,
in a new data folder (or the empty database of ``DATABASE_URL``), then asks as an analyst,
through Django's whole request cycle in this process, for each page a user opens: the
list, the project (which compares the two waves), a wave's report in the app, a pair,
and the wave's result from the API. Each page once right after the waves were stored
(the first view, nothing kept yet) and then the median of ``--repeat`` views. Printed
beside the floor measured in the same run: the core's diagnosis of the same file
(parse, validate, the four steps), which a page must at least run once. Target: each
page under 2 s.

    uv run python bench/diagnosis_pages.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _fresh import fresh_database
from diagnosis import generate

TARGET_S = 2.0
TARGETS_NOT_MET = 3


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kam", type=int, default=200)
    parser.add_argument("--partners", type=int, default=50)
    parser.add_argument("--respondents", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fresh_database("kamkit-diagnosis-pages-")
    from django.test import Client

    from kamkit.core.diagnosis import collector_paused, diagnose, parse_case
    from kamkit.web.diagnosis.services import save_project, store_case
    from kamkit.web.users.models import Role, User

    text = generate(args.kam, args.partners, args.respondents)
    analyst = User.objects.create_user("bench", role=Role.ANALYST, password="x")
    project = save_project(analyst, {"name": "Bench"})
    t_store, _ = timed(lambda: store_case(analyst, text, "Wave 1", project=project))
    _, second = timed(lambda: store_case(analyst, text, "Wave 2", project=project))

    def floor() -> float:
        with collector_paused():
            return timed(lambda: diagnose(parse_case(text)))[0]

    client = Client()
    client.force_login(analyst)
    pages = {
        "list": "/diagnosis/",
        "project (compares the waves)": f"/diagnosis/projects/{project.pk}/",
        "wave report in the app": f"/diagnosis/{second.pk}/",
        "one pair": f"/diagnosis/{second.pk}/pairs/kam7/p3/",
        "API result, every pair": (
            f"/api/v1/diagnosis/projects/{project.pk}/waves/{second.pk}/result"
        ),
        "API result, 500 pairs": (
            f"/api/v1/diagnosis/projects/{project.pk}/waves/{second.pk}/result?limit=500"
        ),
    }
    rows = []
    for name, url in pages.items():
        from kamkit.web.diagnosis import project_views

        project_views._CACHE.clear()  # the first view after the waves were stored
        cold, response = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content) if not response.streaming else 0
        warm = statistics.median(
            timed(lambda url=url: client.get(url))[0] for _ in range(args.repeat)
        )
        rows.append((name, cold, warm, size))
    floors = statistics.median(floor() for _ in range(args.repeat))
    print(
        f"wave: {args.kam} KAM units x {args.partners} partners, {len(text) / 1e6:.1f} MB YAML; "
        f"stored in {t_store:.2f} s; Python {sys.version.split()[0]}"
    )
    print(f"{'floor: the core diagnosis of the file':<36}{floors:8.2f} s")
    print(f"{'page':<36}{'first':>8}{'again':>8}{'size':>10}")
    for name, cold, warm, size in rows:
        print(f"{name:<36}{cold:7.2f}s{warm:7.2f}s{size / 1e6:8.1f} MB")
    slow = [name for name, cold, warm, _ in rows if max(cold, warm) >= TARGET_S]
    if slow:
        print(f"TARGET NOT MET (each page under {TARGET_S:.0f} s): {', '.join(slow)}")
        return TARGETS_NOT_MET
    print(f"target met: each page under {TARGET_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
