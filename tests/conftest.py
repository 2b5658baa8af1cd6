"""Suite-wide settings and the fixtures that hand out the personas (tests/personas.py).

Speed (issue 13): data that a module's tests only read is built once per module
(``module_firm``), each test still inside its own savepoint; per-test data
(``firm``) only where tests write outside it or need a fresh firm.

Every test that reaches the database is marked ``database`` at collection: the
PostgreSQL pass of ``.ci/run`` runs only those (``-m "database and not browser"``); the
rest cannot differ by database.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.personas import Firm, build_firm

# Compiled modules (and pytest's rewritten test modules) are kept in __pycache__ (ignored
# by git) even where the machine sets PYTHONDONTWRITEBYTECODE: otherwise each test worker
# compiles kamkit and rewrites the 400 test modules again, about 5 s of every run's start.
sys.dont_write_bytecode = False

# the fixtures through which a test reaches the database (pytest-django's own names)
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_ignore_collect(collection_path, config: pytest.Config) -> bool | None:
    """The API fuzzing module loads the OpenAPI schema through the app when imported: only
    when its tests are asked for (``-m fuzz``), not in every run that deselects them."""
    if collection_path.name == "test_api_fuzz.py" and "fuzz" not in (
        config.option.markexpr or ""
    ).replace("not fuzz", ""):
        return True
    return None


FIRST = ("tests/cli/test_serve.py", "tests/cli/test_backup.py::test_the_demo_firm_round_trips")
"""The longest tests (a server or a database round trip in processes of their own) start
first: started last they made the run's tail."""
SPREAD = "tests/browser/"
"""The browser journeys are spread evenly over the rest of the order. They wait on the
browser about half their time; xdist's worksteal gives the first worker the whole list and
lets the others take its second half, so journeys kept together ran on one worker, one
after another (its 150 s were the run's length), while spread they share both workers
with tests that compute."""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    """Orders the run (FIRST, SPREAD) after pytest-randomly's shuffle (this wrapper is
    outside its one), which still decides the order within each part."""
    for item in items:  # marked before -m selects (the PostgreSQL pass: -m database)
        names = set(getattr(item, "fixturenames", ()))
        if names & DATABASE_FIXTURES or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)
    result = yield
    first = sorted(
        (i for i in items if i.nodeid.startswith(FIRST)),
        key=lambda i: next(n for n, p in enumerate(FIRST) if i.nodeid.startswith(p)),
    )
    spread = [i for i in items if i.nodeid.startswith(SPREAD)]
    rest = [i for i in items if not i.nodeid.startswith((*FIRST, SPREAD))]
    if spread:
        step = len(rest) / len(spread)
        for n, item in enumerate(reversed(spread)):  # from the back: the places stay right
            rest.insert(round((len(spread) - 1 - n) * step), item)
    items[:] = first + rest
    return result


@pytest.fixture(scope="session", autouse=True)
def _test_settings() -> Iterator[None]:
    """Settings that only make the suite faster, for the whole session:

    - the real password hasher is slow by design, and tests create many users;
    - WhiteNoise looks a static file up when it is asked for instead of listing every
      static file whenever a test client starts (each test has a new client: the listing
      was 50 ms a test, a sixth of the suite). Static serving itself is tested against
      ``kamkit serve`` (tests/cli/test_serve.py), which runs with its own settings.
    """
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        WHITENOISE_AUTOREFRESH=True,
        # background tasks are recorded, not run: a test that needs one run asks for
        # ``immediate_tasks`` (the imports); the reassessment's own tests call its task
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    ):
        yield


@pytest.fixture(autouse=True)
def _no_kept_pages() -> Iterator[None]:
    """Pages kept by ``kamkit.web.pagecache`` go with the test: a test's writes are rolled
    back without a commit, which the pages' key cannot see."""
    yield
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run at once, inside the request that starts them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database is made from the models (settings: ``TEST["MIGRATE"] = False``,
    seconds faster per worker); every migration is then recorded as applied, so kamkit's
    commands and health check see a database as ``kamkit migrate`` leaves it."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("migrate", fake=True, verbosity=0)


@pytest.fixture
def firm(db) -> Firm:
    """The firm, made for this test alone (its writes are rolled back after it)."""
    return build_firm()


@pytest.fixture(scope="module")
def module_firm(django_db_setup, django_db_blocker) -> Iterator[Firm]:
    """The firm, built once for a module, in a transaction that is rolled back after the
    module's last test. Each test of the module that asks for ``db`` (or ``firm_once``)
    runs in a savepoint inside it, so what one test writes the next does not see.

    The Python objects are shared by the module's tests: a test must not change them in
    memory (read them again from the database instead)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            made = build_firm()
        except BaseException:
            atomic.__exit__(None, None, None)
            raise
    yield made
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def firm_once(module_firm, db) -> Firm:
    """The module's firm for a test that runs in its own savepoint (``db``)."""
    return module_firm


@pytest.fixture
def live_firm(transactional_db) -> Firm:
    """The same firm for tests against a live server: committed, not inside a test
    transaction the server thread would trip over."""
    return build_firm()


@pytest.fixture
def as_role(client, firm):
    """A test client logged in as the given role (``anonymous``: not logged in)."""

    def login(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(firm.users[role])
        return client

    return login


@pytest.fixture
def bearer(firm):
    """Authorization headers with a new API token of the given role."""
    from kamkit.web.users.models import ApiToken

    def token_for(role: str) -> dict[str, str]:
        _, secret = ApiToken.issue(firm.users[role], "test")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return token_for
