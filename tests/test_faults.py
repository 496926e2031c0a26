"""Faults (issue 9, part 4), the fast part of bench/faults.py: an ingest killed with SIGKILL in its
write phase leaves the previous store intact and its half-built file is removed by the next ingest;
a PostgreSQL server that goes away and comes back is a clear "unavailable" error, then served again
by the same Store (on a private throw-away cluster, never the shared test server)."""
from __future__ import annotations

import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
from dataclasses import replace
from pathlib import Path

import pytest

from bench.fuzz import store_fingerprint
from tests.conftest import ROOT

PG_BIN = Path("/usr/lib/postgresql/15/bin")

CHILD = """
import pickle, sys
sys.path.insert(0, {root!r})
from dataclasses import replace
from settings import get_settings
from store.ingest import ingest
prepared = pickle.load(open({pickled!r}, "rb"))
ingest(replace(get_settings(), database_url={url!r}), prepared=prepared)
"""


def mapping_proxy(d: dict):
    return types.MappingProxyType(d)


class _Pickler(pickle.Pickler):
    """The catalogue holds read-only mappings (mappingproxy), which pickle cannot save as such."""

    def reducer_override(self, obj):
        if isinstance(obj, types.MappingProxyType):
            return mapping_proxy, (dict(obj),)
        return NotImplemented


@pytest.fixture(scope="module")
def pickled_preparation(prepared, tmp_path_factory):
    """The session's preparation for a child process: it goes straight to the write phase."""
    path = tmp_path_factory.mktemp("faults") / "prepared.pickle"
    with path.open("wb") as fh:
        _Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL).dump(prepared)
    return path


def quick_check(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as c:
        return c.execute("PRAGMA quick_check").fetchone()[0]


@pytest.mark.parametrize("kill_after_s", [0.0, 1.5])
def test_ingest_killed_while_writing_leaves_the_store_intact(sqlite_settings, sqlite_store, pickled_preparation,
                                                             tmp_path, kill_after_s):
    from store.db import Store
    from store.ingest import exclusive_ingest

    live = tmp_path / "mrl.sqlite"
    shutil.copy(sqlite_settings.sqlite_path, live)
    url = f"sqlite:///{live}"
    store = Store(url)
    before = store_fingerprint(store)
    script = CHILD.format(root=str(ROOT), pickled=str(pickled_preparation), url=url)
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and not list(tmp_path.glob("mrl.sqlite.tmp-*")):  # the build has begun
        assert proc.poll() is None, proc.stderr.read().decode()[-500:]
        time.sleep(0.05)
    time.sleep(kill_after_s)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert store_fingerprint(store) == before  # same ingest id, same rows, same bytes
    assert quick_check(live) == "ok"
    assert store.unit_values("1261011").query("indicator == 'population_total' and year == 2024")["value"].tolist() \
        == [809168.0]
    assert list(tmp_path.glob("mrl.sqlite.tmp-*"))  # the killed build's file is left behind ...
    with exclusive_ingest(replace(sqlite_settings, database_url=url)):
        assert not list(tmp_path.glob("mrl.sqlite.tmp-*"))  # ... and removed by the next ingest
    store.dispose()


def test_a_second_ingest_of_the_same_store_waits_for_the_first(sqlite_settings, tmp_path):
    import threading

    from store.ingest import exclusive_ingest

    settings = replace(sqlite_settings, database_url=f"sqlite:///{tmp_path / 'x.sqlite'}")
    order = []

    def second():
        with exclusive_ingest(settings):
            order.append("second")

    with exclusive_ingest(settings):
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.3)
        order.append("first done")
    t.join(10)
    assert order == ["first done", "second"]


# -------------------------------------------------------------------------------------------------
# PostgreSQL going away under a running process
# -------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_pg(tmp_path_factory):
    """A throw-away PostgreSQL cluster (initdb as user postgres), stopped and removed afterwards."""
    if not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None or os.geteuid() != 0:
        if os.environ.get("MRL_REQUIRE_POSTGRES") == "1":
            pytest.fail("initdb/runuser not available for a private PostgreSQL cluster")
        pytest.skip("no initdb/runuser for a private PostgreSQL cluster")
    base = Path(f"/tmp/mrl-test-pg-{os.getpid()}-{_free_port()}")
    base.mkdir()
    shutil.chown(base, "postgres", "postgres")
    port = _free_port()

    def ctl(*args, check=True):
        return subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(base / "data"),
                               *args], capture_output=True, text=True, check=check, timeout=60)

    def start():
        ctl("-l", str(base / "log"), "-w", "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off",
            "start")

    def restart():  # -l: the server must not inherit our captured stdout
        ctl("restart", "-m", "fast", "-w", "-l", str(base / "log"))

    subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(base / "data"), "-A", "trust",
                    "-U", "postgres", "--no-sync"], check=True, capture_output=True, timeout=60)
    start()
    try:
        yield {"url": f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", "ctl": ctl, "start": start,
               "restart": restart}
    finally:
        ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(base, ignore_errors=True)


def test_postgres_restart_is_a_clear_error_then_recovers(private_pg):
    import pandas as pd

    from components.messages import guarded
    from store import schema as S
    from store.db import Store, StoreUnavailable

    store = Store(private_pg["url"], schema="mrl")
    store.create_schema()
    store.bulk_insert(S.meta, pd.DataFrame({"key": ["ingest_id"], "value": ["abc"]}))
    assert store.has_data() and store.meta() == {"ingest_id": "abc"}

    private_pg["ctl"]("stop", "-m", "fast")
    with pytest.raises(StoreUnavailable):
        store.meta()
    with pytest.raises(StoreUnavailable):
        store.has_data()
    assert guarded(store.meta) is None  # the page helper turns it into a message, never a traceback

    private_pg["start"]()
    assert store.meta() == {"ingest_id": "abc"}  # the same engine: dead pooled connections are replaced

    private_pg["restart"]()
    assert store.meta() == {"ingest_id": "abc"}  # first use after a restart already succeeds (pre-ping)
    store.dispose()
