"""Benchmark: every admin list page and a change page of each model, at the size
bench/generate.py wrote (issue 17, item 7: under 1 s each).

Asks, as an administrator (made if missing), through Django's whole request cycle in
this process, for each registered model's list page and the change page of its newest
record, median of ``--repeat``, printed beside the floor measured in the same run: the
admin's index page.

    KAMKIT_DATA_DIR=/tmp/kamkit-bench uv run python bench/generate.py
    KAMKIT_DATA_DIR=/tmp/kamkit-bench uv run python bench/admin.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from kamkit.web.users.models import Role, User  # noqa: E402

TARGET_S = 1.0
TARGETS_NOT_MET = 3


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.filter(username="bench-admin").first() or User.objects.create_user(
        "bench-admin", role=Role.ADMIN, password="x", is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(user)

    def median_s(url: str) -> tuple[float, int]:
        times, status = [], 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            status = client.get(url).status_code
            times.append(time.perf_counter() - t)
        return statistics.median(times), status

    floor, _ = median_s(reverse("admin:index"))
    print(f"{'page':<52}{'rows':>11}{'median s':>10}{'status':>8}")
    print(f"{'floor: the admin index':<52}{'':>11}{floor:>10.3f}{200:>8}")
    slowest, failed = 0.0, []
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        meta = model._meta
        rows = model._base_manager.count()
        name = f"admin:{meta.app_label}_{meta.model_name}"
        pages = [(f"{meta.label} list", reverse(f"{name}_changelist"))]
        newest = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
        if newest is not None:
            pages.append((f"{meta.label} change", reverse(f"{name}_change", args=[newest])))
        for label, url in pages:
            seconds, status = median_s(url)
            slowest = max(slowest, seconds)
            if seconds >= TARGET_S or status != 200:
                failed.append(label)
            print(f"{label:<52}{rows:>11,}{seconds:>10.3f}{status:>8}")
    print(f"slowest {slowest:.3f} s; floor {floor:.3f} s")
    if failed:
        print(f"TARGET NOT MET (each under {TARGET_S:g} s, answered 200): {', '.join(failed)}")
        return TARGETS_NOT_MET
    print("target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
