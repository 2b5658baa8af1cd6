"""The import page's background work (django-tasks): the preview (a dry run) and the
import itself run in the worker, so no request waits on a large file."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks import task

from .models import ImportRun

log = logging.getLogger(__name__)


def folder(run: ImportRun) -> Path:
    """Where a run's files wait: ``<data folder>/imports/<id>/``."""
    return Path(settings.DATA_DIR) / "imports" / str(run.pk)


def progress_of(run: ImportRun) -> dict:
    """What the worker last wrote about its progress: ``{file, rows, total}``."""
    try:
        return json.loads((folder(run) / "progress.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _estimate(path: Path) -> int:
    """About how many rows a file has (lines of a text file, rows of a workbook)."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            rows = book.worksheets[0].max_row or 0
            book.close()
            return max(rows - 1, 0)
        count = 0
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                count += chunk.count(b"\n")
        return count
    except Exception:  # an estimate only: the import itself reports an unreadable file
        return 0


def _run(run_id: int, dry_run: bool) -> None:
    from kamkit.core.imports.profiles import MappingError

    from .services import MAX_REJECTS_KEPT, import_files

    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    where = folder(run)
    paths = [where / name for name in run.files]
    total = sum(_estimate(p) for p in paths)
    done: dict[str, int] = {}

    def progress(name: str, rows: int) -> None:
        done[name] = rows
        state = {"file": name, "rows": sum(done.values()), "total": total}
        (where / "progress.json").write_text(json.dumps(state), encoding="utf-8")

    progress("", 0)
    try:
        report = import_files(
            run.created_by,
            paths,
            source=run.source,
            dry_run=dry_run,
            skip_invalid=run.skip_invalid,
            keep_body=run.keep_body,
            progress=progress,
        )
    except (MappingError, PermissionDenied) as exc:
        run.status, run.error = ImportRun.Status.FAILED, str(exc)
    except Exception:
        log.exception("import %s failed", run.pk)
        run.status = ImportRun.Status.FAILED
        run.error = "the import failed unexpectedly; the server's log has the details"
    else:
        data = report.to_json(limit=MAX_REJECTS_KEPT)
        if dry_run:
            run.preview, run.status = data, ImportRun.Status.PREVIEWED
        else:
            run.result, run.status = data, ImportRun.Status.DONE
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
        run.finished_at = timezone.now()
        shutil.rmtree(where, ignore_errors=True)  # the data is in kamkit now, or it failed
    run.save()


@task()
def preview_import(run_id: int) -> None:
    """Make the preview: the whole import as a dry run."""
    _run(run_id, dry_run=True)


@task()
def run_import(run_id: int) -> None:
    """Import what the preview showed."""
    _run(run_id, dry_run=False)
