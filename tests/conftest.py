"""Shared fixtures: the real data mirror, stores built from it (SQLite and PostgreSQL)."""
from __future__ import annotations

import os
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MRL_I18N_STRICT", "1")

from settings import get_settings  # noqa: E402


# Fixtures that need the data mirror, a built store, a server or a browser: a test using any of
# them (or marked ``browser``) is marked ``slow``, so ``pytest -m "not slow"`` runs the pure
# domain/presentation tests alone (no mirror, no browser; well under a minute).
SLOW_FIXTURES = {"mirror", "prepared", "sqlite_settings", "sqlite_store", "chromium", "pg_url", "pg_settings",
                 "pg_store", "any_store", "app_env", "run_cli", "app", "store_copy", "page", "browser", "server"}


# Modules that start an app (AppTest), servers, browsers or build synthetic stores themselves.
SLOW_MODULES = {"test_scale_small", "test_faults", "test_load_ws", "test_png", "test_download_lifetime",
                "test_fuzz_hostile", "test_permalink_fuzz"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        if (item.get_closest_marker("browser") or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
                or module in SLOW_MODULES or module.startswith("test_app_")):
            item.add_marker(pytest.mark.slow)


def _require(var: str) -> bool:
    return os.environ.get(var) == "1"


def mirror_dir() -> Path:
    return Path(os.environ.get("MRL_DATA_MIRROR") or ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = mirror_dir()
    if not (path / "SOURCES.md").exists():
        if _require("MRL_REQUIRE_MIRROR"):
            pytest.fail(f"data mirror missing at {path}")
        pytest.skip(f"data mirror missing at {path}")
    return path


@pytest.fixture(scope="session")
def prepared(mirror):
    """The mirror read, reconciled and rolled up once per test session."""
    from store.ingest import prepare

    settings = replace(get_settings(), data_mirror=mirror)
    return prepare(settings)


@pytest.fixture(scope="session")
def sqlite_settings(tmp_path_factory, mirror):
    db = tmp_path_factory.mktemp("store") / "mrl.sqlite"
    return replace(get_settings(), data_mirror=mirror, database_url=f"sqlite:///{db}")


@pytest.fixture(scope="session")
def sqlite_store(sqlite_settings, prepared):
    from store.db import Store
    from store.ingest import ingest

    ingest(sqlite_settings, prepared=prepared)
    store = Store(sqlite_settings.database_url)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian Chromium, which kaleido drives to render report charts (never downloaded)."""
    path = os.environ.get("MRL_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        if _require("MRL_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {path} (kaleido renders charts with it)")
        pytest.skip("no Chromium for kaleido")
    return path


@pytest.fixture(scope="session")
def pg_url():
    url = os.environ.get("MRL_TEST_POSTGRES_URL")
    if not url:
        if _require("MRL_REQUIRE_POSTGRES"):
            pytest.fail("MRL_TEST_POSTGRES_URL is not set but MRL_REQUIRE_POSTGRES=1")
        pytest.skip("no PostgreSQL (set MRL_TEST_POSTGRES_URL)")
    return url


@pytest.fixture(scope="session")
def pg_settings(pg_url, mirror):
    return replace(get_settings(), data_mirror=mirror, database_url=pg_url,
                   db_schema=f"mrl_test_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def pg_store(pg_settings, prepared):
    from sqlalchemy import text

    from store.db import Store
    from store.ingest import ingest

    ingest(pg_settings, prepared=prepared)
    store = Store(pg_settings.database_url, schema=pg_settings.db_schema)
    yield store
    with store.engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{pg_settings.db_schema}" CASCADE'))
    store.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request):
    """Run a store test on the embedded default and on PostgreSQL."""
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "pg_store")


@pytest.fixture(scope="session")
def app_env(sqlite_store, sqlite_settings):
    """Environment for running the app against the session's SQLite store."""
    env = {"MRL_DATABASE_URL": sqlite_settings.database_url, "MRL_DATA_MIRROR": str(sqlite_settings.data_mirror),
           "MRL_I18N_STRICT": "1", "MRL_PUBLIC_MODE": "0"}
    return env


@pytest.fixture
def run_cli(app_env):
    """Run ``python cli.py ARGS`` against the session store, as a user does (subprocess)."""
    import subprocess

    def run(*args):
        env = {**os.environ, **app_env}
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                              env=env, timeout=120)
    return run


def texts(at) -> str:
    """The text an AppTest run shows: markdown, headers, title, captions, info and warning boxes."""
    parts = [m.value for m in at.markdown] + [h.value for h in at.header] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def make_app(app_env, monkeypatch, *, clear_caches: bool = True):
    """An AppTest of app.py bound to the session store (``clear_caches``: start with empty
    Streamlit caches, so no state leaks between tests)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from streamlit.runtime.pages_manager import PagesManager

    for k, v in app_env.items():
        monkeypatch.setenv(k, v)
    # In a real server the first st.navigation call switches off the legacy pages/ auto-discovery
    # for good (PagesManager.uses_pages_directory = False). AppTest resets that flag before every
    # run, so a rerun on a page would execute pages/<page>.py without app.py (no sidebar, no URL
    # sync). Re-apply what production does after the first run.
    original_init = PagesManager.__init__

    def init_like_production(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_like_production)
    if clear_caches:
        st.cache_data.clear()
        st.cache_resource.clear()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


@pytest.fixture
def app(app_env, monkeypatch):
    """An AppTest of app.py bound to the session store (caches cleared so no state leaks)."""
    return make_app(app_env, monkeypatch)
