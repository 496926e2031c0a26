"""A generated download survives other sessions' script runs until the browser fetches it
(components.download_lifetime). Real Streamlit MediaFileManager and in-memory storage."""
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.scriptrunner_utils import script_run_context

from components import download_lifetime

SESSION = "session-a"


@pytest.fixture
def manager(monkeypatch):
    """A media file manager whose deferred buttons belong to SESSION (as if a script of that
    session had drawn them)."""
    monkeypatch.setattr(script_run_context, "get_script_run_ctx",
                        lambda *a, **k: type("Ctx", (), {"session_id": SESSION})())
    return MediaFileManager(MemoryMediaFileStorage("/media"))


def _click(mgr: MediaFileManager, execute) -> str:
    placeholder = mgr.add_deferred(lambda: "kod;nazwa\n1261011;Kraków\n".encode("utf-8-sig"), "text/csv",
                                   "1.2.3", "raport.csv")
    url = execute(mgr, placeholder)
    return url.rsplit("/", 1)[1].split(".")[0]


def _other_sessions_finish_two_runs(mgr: MediaFileManager) -> None:
    mgr.remove_orphaned_files()  # what every script run of every session does when it ends
    mgr.remove_orphaned_files()


def _exists(mgr: MediaFileManager, file_id: str) -> bool:
    try:
        mgr._storage.get_file(file_id)  # noqa: SLF001
        return True
    except Exception:  # noqa: BLE001 - MediaFileStorageError: gone
        return False


def test_upstream_deletes_a_generated_file_after_two_foreign_runs(manager):
    """The race this module fixes (if Streamlit fixes it, this test says the patch can go)."""
    upstream = getattr(MediaFileManager.execute_deferred, "__wrapped__", MediaFileManager.execute_deferred)
    file_id = _click(manager, upstream)
    assert _exists(manager, file_id)
    _other_sessions_finish_two_runs(manager)
    assert not _exists(manager, file_id)


def test_with_the_fix_the_file_lives_until_its_own_session_runs_again(manager):
    download_lifetime.install()
    download_lifetime.install()  # idempotent: wrapped once
    assert not getattr(MediaFileManager.execute_deferred.__wrapped__, "_mrl_keeps_file", False)
    file_id = _click(manager, MediaFileManager.execute_deferred)
    _other_sessions_finish_two_runs(manager)
    assert _exists(manager, file_id)
    assert manager._storage.get_file(file_id).content.startswith("\ufeffkod;nazwa".encode())  # noqa: SLF001
    # the session's next full run clears its references: then the usual two passes collect it
    manager.clear_session_refs(SESSION)
    _other_sessions_finish_two_runs(manager)
    assert not _exists(manager, file_id)


def test_a_session_that_has_ended_keeps_nothing_alive(manager):
    download_lifetime.install()
    placeholder = manager.add_deferred(lambda: b"x", "text/csv", "1.2.3", "a.csv")
    manager.clear_session_refs(SESSION)  # the tab was closed before the callable ran
    url = MediaFileManager.execute_deferred(manager, placeholder)
    file_id = url.rsplit("/", 1)[1].split(".")[0]
    _other_sessions_finish_two_runs(manager)
    assert not _exists(manager, file_id)
