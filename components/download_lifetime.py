"""Keep a generated download alive until the browser has fetched it.

Streamlit 1.67 stores the bytes of a deferred download (``st.download_button(data=callable)``, used
for every PDF, deck, PNG, CSV and XLSX here) as a media file that no session references, and every
script run that ends — in *any* session — collects unreferenced files: the first pass marks them,
the next deletes them. With several people using the app, two runs can end between the click and
the browser's GET of the file, and the download answers 404 (bench/load_ws.py: 7 of 20 CSV
downloads with 20 sessions at once). ``install()`` links each generated file to the session that
asked for it, so it lives exactly as long as an ordinary download button's file: until that
session's next full run clears the session's references, then the usual two passes.

This reaches into Streamlit's MediaFileManager (pinned version); tests/test_download_lifetime.py
checks both the upstream behaviour and the fix, so an upgrade that changes them fails loudly.
"""
from __future__ import annotations

import functools
import posixpath

_COORD = "mrl-deferred:"  # our key in the session's coordinates -> file id map


def install() -> None:
    """Idempotent: wrap MediaFileManager.execute_deferred once per process."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    upstream = MediaFileManager.execute_deferred
    if getattr(upstream, "_mrl_keeps_file", False):
        return

    @functools.wraps(upstream)
    def execute_deferred(self, file_id: str) -> str:
        with self._lock:
            entry = self._deferred_callables.get(file_id)
            session_id = entry["session_id"] if entry else None
        url = upstream(self, file_id)
        stored = posixpath.basename(url).split(".", 1)[0]
        if session_id is not None:
            with self._lock:
                # .get: a session that has ended (or is between runs) gets no new reference, so
                # nothing can outlive its session
                files = self._files_by_session_and_coord.get(session_id)
                if files is not None and stored in self._file_metadata:
                    files[_COORD + file_id] = stored
        return url

    execute_deferred._mrl_keeps_file = True
    MediaFileManager.execute_deferred = execute_deferred
