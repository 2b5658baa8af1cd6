"""Bringing a database to the current schema: ``migrate_database``.

An existing database is migrated by Django, migration by migration. A new, empty one (the
first ``kamkit serve``, a restore into a new database, the move to PostgreSQL) has its
tables made from the current models in one step, and every migration is recorded as
applied. Replaying the 60-odd migrations took 8–10 s on either database: Django re-renders
every related model for each relational field a migration adds or changes, and kamkit's
models (with their history models) are all related through the user. In one step it
takes under a second on SQLite and about 3 s on PostgreSQL (kamkit assumption: the same
schema either way, which ``tests/web/test_schema.py`` checks table by table, column,
index, constraint and foreign key, against a replay of the migrations).

The step is taken only when every migration is schema alone or listed below. A migration
with code (``RunPython``, ``RunSQL``) that is not listed makes kamkit replay the
migrations, so a later migration that writes rows or schema of its own is never skipped:
list it here only after reading what it does.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test.utils import override_settings

REPLAYED = ("auth", "contenttypes")
"""Django's own first apps are migrated one by one in any case (a fraction of a second):
their migration history gives the group-permission link table a bigint id that its model
does not say, and the schema must be the one a replay gives."""

ROWS_ONLY = frozenset(
    {
        ("assessment", "0006_whole_assessment_on_the_latest_day_only"),
        ("assessment", "0007_compact_snapshots"),
        ("diagnosis", "0003_figures_kept_when_stored"),
        ("diagnosis", "0005_pair_summaries_kept"),
        ("relationships", "0009_interaction_weeks"),
        ("axes", "0007_alter_accessattempt_unique_together"),
        ("django_tasks_database", "0008_separate_results_field"),
        ("django_tasks_database", "0011_rename_complete_status"),
        ("django_tasks_database", "0013_separate_exception_fields"),
        ("django_tasks_database", "0016_remove_dbtaskresult_django_task_new_ordering_idx_and_more"),
        ("django_tasks_database", "0018_rename_succeeded_status"),
    }
)
"""Migrations whose code only rewrites rows that exist: nothing to do in an empty
database (each read; the rest of these migrations is schema, which the models say)."""

RUN_ON_NEW = frozenset({("relationships", "0008_interaction_window_index_postgresql")})
"""Migrations whose code makes schema the models cannot say (an index for PostgreSQL
alone): their code runs on a new database too."""


class _Synced(dict):
    """``MIGRATION_MODULES`` under which the given apps have no migrations (Django then
    makes their tables from the models), the way pytest-django builds a test database."""

    def __init__(self, labels: set[str]) -> None:
        super().__init__()
        self.labels = labels

    def __contains__(self, label: object) -> bool:
        return label in self.labels

    def __getitem__(self, label: str) -> None:
        return None


def _code(migration: migrations.Migration) -> bool:
    return any(
        isinstance(op, migrations.RunPython | migrations.RunSQL) for op in migration.operations
    )


def unread_code(loader: MigrationLoader) -> list[tuple[str, str]]:
    """The migrations with code that kamkit has not read (not in the lists above)."""
    return sorted(
        key
        for key, m in loader.disk_migrations.items()
        if _code(m) and key not in ROWS_ONLY | RUN_ON_NEW and key[0] not in REPLAYED
    )


def new_database_in_one_step(loader: MigrationLoader | None = None) -> bool:
    """Whether ``migrate_database`` would make the tables in one step: the database has no
    table yet and every migration with code is one kamkit has read (the lists above)."""
    if connection.introspection.table_names():
        return False
    return not unread_code(loader or MigrationLoader(connection))


def migrate_database() -> list[tuple[str, str]]:
    """Apply what is pending (see the module's text): the migrations applied, or recorded
    as applied, as (app, name)."""
    executor = MigrationExecutor(connection)
    plan = [
        (m.app_label, m.name)
        for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())
    ]
    if not plan:
        return []
    if new_database_in_one_step(executor.loader):
        _make_at_once(executor.loader)
    else:
        call_command("migrate", interactive=False, verbosity=0)
    return plan


def _make_at_once(loader: MigrationLoader) -> None:
    synced = {c.label for c in global_apps.get_app_configs()} - set(REPLAYED)
    try:
        for label in REPLAYED:
            call_command("migrate", label, interactive=False, verbosity=0)
        with override_settings(MIGRATION_MODULES=_Synced(synced)):
            call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
        # recorded as a replay records them (a squashed migration with what it replaces)
        executor = MigrationExecutor(connection)
        for key, migration in loader.graph.nodes.items():
            if key[0] in synced:
                executor.record_migration(migration)
        for app_label, name in sorted(RUN_ON_NEW):
            for op in loader.get_migration(app_label, name).operations:
                if isinstance(op, migrations.RunPython):
                    with connection.schema_editor() as editor:
                        op.code(global_apps, editor)
        # nothing is left to apply; Django's checks and post-migrate steps run as ever
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as exc:
        raise RuntimeError(
            "the new database is half made: remove it (the data folder's kamkit.sqlite3, "
            f"or drop and create the PostgreSQL database) and run again ({exc})"
        ) from exc
