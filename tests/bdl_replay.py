"""A local HTTP server on 127.0.0.1 that answers like the BDL API ``api/v1``, built at test time from
the real recorded answers in ``../shared/data/pybdl-samples`` (never copied into the repository).

The samples hold mostly ``results`` lists; pages are wrapped here in the envelope the real API
sends (``totalRecords``, ``page``, ``pageSize``, ``links`` with ``first``/``self``/``next``/``last``,
no ``next`` on the last page). Scenarios are queued per path: ``server.fail(path, status, ...)``
makes the next request(s) to that path fail (429 with ``errorReason``, 500, or a delay longer than
the client's timeout) before the normal answer.
"""
from __future__ import annotations

import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.conftest import mirror_dir

SAMPLES = "pybdl-samples"
PREFIX = "/api/v1"


def sample(name: str) -> dict:
    path = mirror_dir() / SAMPLES / f"samples_raw_{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


class ReplayError(Exception):
    """Raised by a route to answer with an error status."""

    def __init__(self, status: int, reason: str = ""):
        super().__init__(reason)
        self.status = status
        self.reason = reason or f"replayed {status}"


class Replay:
    """Routes: path (without /api/v1) -> results list (paged) or object (detail)."""

    def __init__(self, *, page_size: int | None = None, next_host: str | None = None):
        self.paged: dict[str, list] = {}
        self.detail: dict[str, dict] = {}
        self.extra: dict[str, dict] = {}  # path -> extra envelope keys (variableId, lastUpdate...)
        self.failures: dict[str, list[tuple]] = {}
        self.requests: list[tuple[str, dict, dict]] = []
        self.page_size = page_size  # serve smaller pages than asked, to get several pages from few units
        self.next_host = next_host  # write links.next on another host (as the real API does)
        self._server: ThreadingHTTPServer | None = None

    # -- set-up ---------------------------------------------------------------------------------
    def fail(self, path: str, status: int, *, times: int = 1, body: dict | None = None, headers: dict | None = None,
             delay: float = 0.0) -> None:
        self.failures.setdefault(path, []).extend([(status, body, headers or {}, delay)] * times)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    def start(self) -> "Replay":
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server API
                replay._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # -- serving --------------------------------------------------------------------------------
    def _send(self, h, status: int, body, headers: dict | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json; charset=utf-8")
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, str(v))
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def _handle(self, h) -> None:
        parts = urlsplit(h.path)
        path = parts.path[len(PREFIX):].strip("/") if parts.path.startswith(PREFIX) else parts.path.strip("/")
        query = parse_qsl(parts.query, keep_blank_values=True)
        q = {}
        for k, v in query:
            q.setdefault(k, []).append(v)
        self.requests.append((path, q, dict(h.headers)))
        queue = self.failures.get(path)
        if queue:
            status, body, headers, delay = queue.pop(0)
            if delay:
                time.sleep(delay)
            if status == 200:
                pass  # a delayed but otherwise normal answer
            else:
                self._send(h, status, body or {"errorReason": f"replayed {status}"}, headers)
                return
        if path in self.detail:
            self._send(h, 200, self.detail[path])
            return
        if path in self.paged:
            try:
                body = self._page(path, query, q)
            except ReplayError as exc:
                self._send(h, exc.status, {"errorReason": exc.reason})
                return
            self._send(h, 200, body)
            return
        self._send(h, 404, {"errorReason": f"Nie znaleziono: {path}"})

    def _page(self, path: str, query: list, q: dict) -> dict:
        results = self.paged[path]
        years = q.get("year")
        if years and results and isinstance(results[0], dict) and "values" in results[0]:
            results = [{**r, "values": [v for v in r["values"] if v["year"] in years]} for r in results]
        size = int(q.get("page-size", ["10"])[0])
        size = min(size, self.page_size) if self.page_size and path.startswith("data/") else size
        page = int(q.get("page", ["0"])[0])
        last = max(0, math.ceil(len(results) / size) - 1)
        host = self.next_host or self.base_url[: -len(PREFIX)]

        def link(p: int) -> str:
            qq = [(k, v) for k, v in query if k not in ("page", "page-size")] + [("page", p), ("page-size", size)]
            return f"{host}{PREFIX}/{path}?{urlencode(qq)}"

        links = {"first": link(0), "self": link(page), "last": link(last)}
        if page > 0:
            links["prev"] = link(page - 1)
        if page < last:
            links["next"] = link(page + 1)
        return {"totalRecords": len(results), "page": page, "pageSize": size, "links": links,
                **self.extra.get(path, {}), "results": results[page * size:(page + 1) * size]}


def gmina_units_with_parts(units) -> list[dict]:
    """BDL-style unit rows for the real sample units (powiat bocheński and its gminy from
    ``list_units``) plus, for every urban-rural gmina of the same powiat in the store's unit list,
    its town part (kind 4) and rural part (kind 5) — ids laid out as the API's
    ``011212001GGK`` (województwo 12, region 1, subregion 21, powiat 01)."""
    rows = [u for u in sample("units")["list_units"] if u.get("level") == 6]
    have = {u["id"] for u in rows}
    for code, name, gtype in units.loc[(units["parent_code"] == "1201") & (units["level"] == "gmina"),
                                        ["code", "name", "gmina_type"]].itertuples(index=False, name=None):
        uid = f"011212001{code[4:6]}{code[6]}"
        if uid not in have:
            rows.append({"id": uid, "name": name, "parentId": "011212001000", "level": 6, "kind": code[6]})
        if gtype == "urban_rural":
            rows.append({"id": f"011212001{code[4:6]}4", "name": f"{name} - miasto", "parentId": "011212001000",
                         "level": 6, "kind": "4"})
            rows.append({"id": f"011212001{code[4:6]}5", "name": f"{name} - obszar wiejski",
                         "parentId": "011212001000", "level": 6, "kind": "5"})
    return rows


def data_results(units: list[dict]) -> list[dict]:
    """``data/by-variable`` results for ``units``: each unit gets the real value series of one
    sample unit (POLSKA, MAKROREGION, MAŁOPOLSKIE in turn) — real ``{year, val, attrId}`` objects."""
    series = [r["values"] for r in sample("data")["get_data_by_variable"]]
    return [{"id": u["id"], "name": u["name"], "values": series[i % len(series)]} for i, u in enumerate(units)]
