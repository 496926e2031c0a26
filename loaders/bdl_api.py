"""Client and loader for the GUS Local Data Bank (BDL) REST API, ``api/v1``.

Why not ``pybdl`` (PyPI, 1.1.0, evaluated for this project): it installs cleanly here (adds hishel,
anysqlite, msgpack) and handles paging and 429s, but its base URL is a module constant
(``pybdl.config.BDL_API_BASE_URL`` used directly in ``_build_url``), so neither the setting
``MRL_BDL_API_URL`` nor a local replay server in the tests can be used without patching it; on a
429 it sleeps up to 15 minutes inside the request (a web page would hang); and it keeps its quota
state in its own cache folder. This module is a thin ``httpx`` client instead, with:

* **paging** by following ``links.next`` (the last page has none) with ``page-size=100`` (the
  API's maximum); a ``next`` link pointing at another host (a mirror) is rebased onto our base URL;
* an **on-disk cache** (``<MRL_CACHE_DIR>/bdl/``, one JSON file per request URL, written
  atomically) so a repeated refresh — or a resumed one after a failure — spends no quota;
* **client-side quota accounting** for the documented limits (anonymous 5/s, 100/15 min,
  1,000/12 h; with an ``X-ClientId`` key 10/s, 500/15 min, 5,000/12 h), shared by runs through a
  small JSON file in the cache folder: the per-second limit is waited out, a longer one raises
  ``BdlQuotaExceeded`` (with the time it frees up) before the request is sent;
* **HTTP 429** (the body's ``errorReason`` is kept for the message; ``Retry-After`` honoured when
  short), **5xx** and **timeouts** retried with exponential backoff, then a clear error;
* connection failures reported as ``BdlOffline`` at once (no long retries when offline).

The loader part turns ``data/by-variable`` pages into the project's raw frame (loaders/base.py):
``code`` is the 12-character BDL unit id, ``skip`` names rows that are not units (town/rural parts
of urban-rural gminy, Warsaw dzielnice, regions...), and values whose ``attrId`` means "no data"
become NaN (never 0). This module knows only the API's format: no store, no UI.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pandas as pd

from domain.teryt import PART_TYPES, TerytError, bdl12_to_teryt
from loaders.base import LoaderError, raw_frame

PAGE_SIZE = 100
LEVELS = {"wojewodztwo": 2, "powiat": 5, "gmina": 6}  # our level -> BDL unit-level
DEFAULT_TIMEOUT = 20.0
USER_AGENT = "MonitorRozwojuLokalnego/1.0 (+bdl-api-client)"

# Documented rate limits: window seconds -> (anonymous, with X-ClientId).
QUOTAS = {1: (5, 10), 15 * 60: (100, 500), 12 * 3600: (1000, 5000)}
WINDOW_LABEL = {1: "1 s", 15 * 60: "15 min", 12 * 3600: "12 h"}

# attrId meanings (GET /attributes; see pybdl-samples/samples_raw_attributes.json). The value of a
# cell with one of these is "no data" whatever ``val`` says (the API sends val 0 for them):
NO_DATA_ATTRS = {
    4: "x: no information / statistical confidentiality",
    14: "X: methodological change, no information / confidentiality",
    15: "-: no information (change of presentation level or of the unit list)",
    50: "n: not available yet",
    91: "x: no information / statistical confidentiality",
}
# ... and this one is a value, but not of this unit: a powiat and the city with powiat rights
# together. Storing it under the powiat would double-count the city, so it is left out too.
COMBINED_ATTRS = {97: "p: powiat and city with powiat rights together"}
# Value attributes whose number is valid (1 plain, 0/7/17/94/98 zeros, 3/13 possibly incomplete
# aggregate, 9 preliminary estimate, 11 methodological change, 20/21 low precision).
VALUE_ATTRS = {0, 1, 3, 7, 9, 11, 13, 17, 20, 21, 94, 98}


# -------------------------------------------------------------------------------------------------
# Errors (messages are in English for logs; the UI/CLI map the class + fields to their language)
# -------------------------------------------------------------------------------------------------

class BdlApiError(LoaderError):
    """The BDL API could not give an answer."""


class BdlOffline(BdlApiError):
    """No connection to the API host (offline, DNS failure, refused)."""


class BdlTimeout(BdlApiError):
    """The API did not answer in time, repeatedly."""


class BdlServerError(BdlApiError):
    """The API answered 5xx repeatedly."""


class BdlNotFound(BdlApiError):
    """404: no such variable/subject."""


class BdlQuotaExceeded(BdlApiError):
    """A rate limit is used up (ours, counted before sending, or the server's 429)."""

    def __init__(self, message: str, *, reason: str = "", window: int | None = None, limit: int | None = None,
                 reset_at: float | None = None):
        super().__init__(message)
        self.reason = reason
        self.window = window
        self.limit = limit
        self.reset_at = reset_at


# -------------------------------------------------------------------------------------------------
# Disk cache and quota
# -------------------------------------------------------------------------------------------------

def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class DiskCache:
    """JSON answers by normalised request URL; entries older than ``ttl`` seconds are misses."""

    def __init__(self, directory: Path | None, ttl: float = 7 * 24 * 3600, clock: Callable[[], float] = time.time):
        self.dir = Path(directory) / "bdl" if directory else None
        self.ttl = ttl
        self.clock = clock

    def _path(self, key: str) -> Path:
        return self.dir / "responses" / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")

    def get(self, key: str) -> dict | None:
        if self.dir is None:
            return None
        p = self._path(key)
        try:
            entry = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("key") != key or self.clock() - float(entry.get("fetched_at", 0)) > self.ttl:
            return None
        return entry["body"]

    def put(self, key: str, body: dict) -> None:
        if self.dir is None:
            return
        try:
            _atomic_write(self._path(key), json.dumps({"key": key, "fetched_at": self.clock(), "body": body},
                                                      ensure_ascii=False))
        except OSError:
            pass  # a cache that cannot be written only costs quota


@dataclass
class Quota:
    """Sliding-window request counts for the documented BDL limits (network requests only)."""

    registered: bool = False
    path: Path | None = None
    clock: Callable[[], float] = time.time
    stamps: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.path is not None:
            try:
                self.stamps = [float(x) for x in json.loads(self.path.read_text(encoding="utf-8"))
                               .get("anonymous" if not self.registered else "registered", [])]
            except (OSError, ValueError, AttributeError):
                self.stamps = []
        self._prune()

    def limits(self) -> dict[int, int]:
        return {w: lim[1 if self.registered else 0] for w, lim in QUOTAS.items()}

    def _prune(self) -> None:
        horizon = self.clock() - max(QUOTAS)
        self.stamps = [s for s in self.stamps if s > horizon]

    def used(self) -> dict[int, int]:
        now = self.clock()
        return {w: sum(1 for s in self.stamps if s > now - w) for w in QUOTAS}

    def wait_time(self) -> tuple[float, int | None]:
        """Seconds until one more request fits every window, and the tightest window."""
        now = self.clock()
        worst, which = 0.0, None
        for w, limit in self.limits().items():
            inside = sorted(s for s in self.stamps if s > now - w)
            if len(inside) >= limit:
                free_at = inside[len(inside) - limit] + w
                if free_at - now > worst:
                    worst, which = free_at - now, w
        return worst, which

    def record(self) -> None:
        self.stamps.append(self.clock())
        self._prune()
        if self.path is not None:
            try:
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    data = {}
                data["registered" if self.registered else "anonymous"] = self.stamps
                _atomic_write(self.path, json.dumps(data))
            except OSError:
                pass

    def summary(self) -> list[tuple[str, int, int]]:
        used, limits = self.used(), self.limits()
        return [(WINDOW_LABEL[w], used[w], limits[w]) for w in QUOTAS]


# -------------------------------------------------------------------------------------------------
# Client
# -------------------------------------------------------------------------------------------------

@dataclass
class PageProgress:
    """What a progress bar shows after each page: pages done/total, ETA, quota used."""
    done: int
    total: int
    from_cache: int
    network: int
    elapsed: float
    eta: float | None
    quota: list[tuple[str, int, int]]  # (window label, used, limit)


class BdlClient:
    """Thin, cached, quota-aware client of ``<base_url>/...`` (JSON)."""

    def __init__(self, base_url: str, *, client_id: str = "", cache_dir: Path | None = None,
                 cache_ttl: float = 7 * 24 * 3600, timeout: float = DEFAULT_TIMEOUT, retries: int = 4,
                 backoff: float = 1.0, max_wait: float = 5.0, lang: str = "pl", use_cache: bool = True,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.lang = lang
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.clock = clock
        self.use_cache = use_cache
        self.cache = DiskCache(cache_dir, cache_ttl, clock)
        qpath = (Path(cache_dir) / "bdl" / "quota.json") if cache_dir else None
        self.quota = Quota(registered=bool(client_id), path=qpath, clock=clock)
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if client_id:
            headers["X-ClientId"] = client_id
        self._http = httpx.Client(timeout=timeout, headers=headers, transport=transport, follow_redirects=True)
        self.network_requests = 0
        self.cached_requests = 0
        self.server_remaining: str | None = None  # X-Rate-Limit-Remaining, if the server sends it

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- URLs -----------------------------------------------------------------------------------
    def url(self, path: str, params: dict | list | None = None) -> str:
        items = list(params.items()) if isinstance(params, dict) else list(params or [])
        flat: list[tuple[str, str]] = []
        for k, v in items:
            if isinstance(v, (list, tuple)):
                flat += [(k, str(x)) for x in v]
            elif v is not None:
                flat.append((k, str(v)))
        if not any(k == "format" for k, _ in flat):
            flat.append(("format", "json"))
        if not any(k == "lang" for k, _ in flat):
            flat.append(("lang", self.lang))
        return f"{self.base_url}/{path.strip('/')}?{urlencode(flat)}"

    def rebase(self, next_url: str, path: str) -> str:
        """A ``links.next`` URL on our base URL (the API writes absolute links to its own host)."""
        if next_url.startswith(self.base_url + "/"):
            return next_url
        parts = urlsplit(next_url)
        marker = "/" + path.strip("/").split("/")[0]
        idx = parts.path.find(marker)
        rel = parts.path[idx:] if idx >= 0 else parts.path
        return f"{self.base_url}{rel}" + (f"?{parts.query}" if parts.query else "")

    @staticmethod
    def cache_key(url: str) -> str:
        parts = urlsplit(url)
        query = sorted(parse_qsl(parts.query, keep_blank_values=True))
        return f"{parts.path}?{urlencode(query)}"

    # -- requests -------------------------------------------------------------------------------
    def get_url(self, url: str) -> dict:
        key = self.cache_key(url)
        if self.use_cache:
            hit = self.cache.get(key)
            if hit is not None:
                self.cached_requests += 1
                if isinstance(hit, dict) and "__not_found__" in hit:
                    raise BdlNotFound(hit["__not_found__"])
                return hit
        try:
            body = self._fetch(url)
        except BdlNotFound as exc:  # a 404 is an answer too: asking again would only spend quota
            self.cache.put(key, {"__not_found__": str(exc)})
            raise
        self.cache.put(key, body)
        return body

    def get(self, path: str, params: dict | list | None = None) -> dict:
        return self.get_url(self.url(path, params))

    def _throttle(self) -> None:
        wait, window = self.quota.wait_time()
        if wait <= 0:
            return
        if wait <= self.max_wait:
            self.sleep(wait)
            return
        limit = self.quota.limits()[window]
        raise BdlQuotaExceeded(
            f"BDL API quota used up: {limit} requests per {WINDOW_LABEL[window]}; next request possible in "
            f"{math.ceil(wait)} s", window=window, limit=limit, reset_at=self.clock() + wait)

    def _fetch(self, url: str) -> dict:
        attempt = 0
        while True:
            self._throttle()
            self.quota.record()
            self.network_requests += 1
            try:
                resp = self._http.get(url)
            except httpx.TimeoutException as exc:
                if attempt < self.retries:
                    self.sleep(self.backoff * 2 ** attempt)
                    attempt += 1
                    continue
                raise BdlTimeout(f"BDL API did not answer in time ({attempt + 1} tries): {url}") from exc
            except httpx.ConnectError as exc:
                if attempt < 1:
                    self.sleep(self.backoff)
                    attempt += 1
                    continue
                raise BdlOffline(f"cannot reach the BDL API at {self.base_url} ({exc.__class__.__name__})") from exc
            except httpx.TransportError as exc:  # connection dropped mid-answer, protocol errors
                if attempt < self.retries:
                    self.sleep(self.backoff * 2 ** attempt)
                    attempt += 1
                    continue
                raise BdlServerError(f"BDL API connection failed ({exc.__class__.__name__}, {attempt + 1} tries)") from exc
            if "X-Rate-Limit-Remaining" in resp.headers:
                self.server_remaining = resp.headers["X-Rate-Limit-Remaining"]
            if resp.status_code == 200:
                try:
                    return resp.json()
                except ValueError as exc:
                    raise BdlApiError(f"BDL API answered with something that is not JSON: {url}") from exc
            reason = _error_reason(resp)
            if resp.status_code == 429:
                retry_after = _retry_after(resp.headers.get("Retry-After"))
                if attempt < self.retries and (retry_after is None or retry_after <= self.max_wait):
                    self.sleep(retry_after if retry_after is not None else self.backoff * 2 ** attempt)
                    attempt += 1
                    continue
                raise BdlQuotaExceeded(f"BDL API refused the request (429 Too Many Requests): {reason}",
                                       reason=reason,
                                       reset_at=self.clock() + retry_after if retry_after else None)
            if resp.status_code >= 500:
                if attempt < self.retries:
                    self.sleep(self.backoff * 2 ** attempt)
                    attempt += 1
                    continue
                raise BdlServerError(f"BDL API server error {resp.status_code} ({attempt + 1} tries): {reason}")
            if resp.status_code == 404:
                raise BdlNotFound(f"BDL API: not found ({reason}): {url}")
            raise BdlApiError(f"BDL API answered {resp.status_code}: {reason}")

    def pages(self, path: str, params: dict | list | None = None, *,
              progress: Callable[[PageProgress], None] | None = None) -> Iterator[dict]:
        """Every page of a paged endpoint, following ``links.next`` until a page has none."""
        items = list(params.items()) if isinstance(params, dict) else list(params or [])
        items = [(k, v) for k, v in items if k not in ("page-size", "page")] + [("page-size", PAGE_SIZE)]
        url = self.url(path, items)
        t0 = self.clock()
        done = 0
        cached0, network0 = self.cached_requests, self.network_requests
        seen: set[str] = set()
        while url:
            key = self.cache_key(url)
            if key in seen:
                raise BdlApiError(f"BDL API paging loops at {url}")
            seen.add(key)
            page = self.get_url(url)
            done += 1
            yield page
            total_records = page.get("totalRecords")
            size = page.get("pageSize") or PAGE_SIZE
            total = max(done, math.ceil(total_records / size)) if isinstance(total_records, int) and size else done
            nxt = (page.get("links") or {}).get("next")
            url = self.rebase(nxt, path) if nxt else None
            if progress is not None:
                net = self.network_requests - network0
                elapsed = self.clock() - t0
                per_page = max(elapsed / net, 1 / self.quota.limits()[1]) if net else 1 / self.quota.limits()[1]
                remaining = (total - done) if url else 0
                progress(PageProgress(done=done, total=total if url else done,
                                      from_cache=self.cached_requests - cached0, network=net,
                                      elapsed=elapsed, eta=remaining * per_page,
                                      quota=self.quota.summary()))


def _error_reason(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return (resp.text or resp.reason_phrase or "").strip()[:300]
    if isinstance(body, dict):
        for k in ("errorReason", "errorResult", "message", "error"):
            if body.get(k):
                return str(body[k])[:300]
    return str(body)[:300]


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


# -------------------------------------------------------------------------------------------------
# Metadata, search, data
# -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VariableMeta:
    id: int
    subject_id: str
    subject_path: tuple[str, ...]  # names from the top subject (K..) down to the variable's (P..)
    parts: tuple[str, ...]  # n1, n2, ... (dimension labels of the variable)
    level: int  # lowest BDL level with data
    measure_unit: str
    last_update: str = ""

    @property
    def name(self) -> str:
        """Subject name and the variable's dimensions, e.g. "Radni gmin według płci — kobiety"."""
        subject = self.subject_path[-1] if self.subject_path else self.subject_id
        return subject + (" — " + ", ".join(self.parts) if self.parts else "")

    @property
    def path_text(self) -> str:
        return " › ".join(self.subject_path)


def _parts(var: dict) -> tuple[str, ...]:
    out = []
    for i in range(1, 8):
        v = var.get(f"n{i}")
        if v:
            out.append(str(v).strip())
    return tuple(out)


def subject_path(client: BdlClient, subject_id: str) -> tuple[tuple[str, ...], str]:
    """Names from the top-level subject down to ``subject_id``, and the subject's lastUpdate."""
    names: list[str] = []
    last_update = ""
    sid: str | None = subject_id
    for depth in range(8):
        if not sid:
            break
        try:
            s = client.get(f"subjects/{sid}")
        except BdlNotFound:
            if depth == 0:
                raise
            break  # a parent the API does not describe: the path starts below it
        names.append(str(s.get("name", sid)).strip())
        if not last_update and s.get("lastUpdate"):
            last_update = str(s["lastUpdate"])
        sid = s.get("parentId")
    return tuple(reversed(names)), last_update


def variable_meta(client: BdlClient, var_id: int) -> VariableMeta:
    v = client.get(f"variables/{int(var_id)}")
    path, last = subject_path(client, str(v.get("subjectId", "")))
    return VariableMeta(id=int(v.get("id", var_id)), subject_id=str(v.get("subjectId", "")), subject_path=path,
                        parts=_parts(v), level=int(v.get("level") or 0),
                        measure_unit=str(v.get("measureUnitName") or "").strip(), last_update=last)


def search(client: BdlClient, text: str, *, max_pages: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Subjects and variables whose names contain ``text`` (first ``max_pages`` pages of each).

    Returns (subjects: id, name, parent_id, has_variables, levels;
             variables: id, subject_id, name, level, measure_unit)."""
    text = text.strip()
    if not text:
        return _empty_subjects(), _empty_variables()
    subjects, variables = [], []
    for i, page in enumerate(client.pages("subjects/search", {"name": text})):
        subjects += page.get("results") or []
        if i + 1 >= max_pages:
            break
    for i, page in enumerate(client.pages("variables/search", {"name": text})):
        variables += page.get("results") or []
        if i + 1 >= max_pages:
            break
    s = pd.DataFrame([{"id": str(r.get("id", "")), "name": str(r.get("name", "")).strip(),
                       "parent_id": str(r.get("parentId") or ""), "has_variables": bool(r.get("hasVariables")),
                       "levels": ",".join(str(x) for x in r.get("levels") or [])} for r in subjects],
                     columns=list(_empty_subjects().columns))
    return s, _variables_frame(variables)


def subject_variables(client: BdlClient, subject_id: str, *, max_pages: int = 3) -> pd.DataFrame:
    """Variables of one subject (``variables?subject-id=``)."""
    rows = []
    for i, page in enumerate(client.pages("variables", {"subject-id": subject_id})):
        rows += page.get("results") or []
        if i + 1 >= max_pages:
            break
    return _variables_frame(rows)


def _empty_subjects() -> pd.DataFrame:
    return pd.DataFrame(columns=["id", "name", "parent_id", "has_variables", "levels"])


def _empty_variables() -> pd.DataFrame:
    return pd.DataFrame(columns=["id", "subject_id", "name", "level", "measure_unit"])


def _variables_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"id": int(r["id"]), "subject_id": str(r.get("subjectId", "")),
                          "name": ", ".join(_parts(r)), "level": int(r.get("level") or 0),
                          "measure_unit": str(r.get("measureUnitName") or "").strip()}
                         for r in rows if r.get("id") is not None], columns=list(_empty_variables().columns))


@dataclass
class VariableData:
    """One variable fetched for one level: metadata, the raw frame and what was left out."""
    meta: VariableMeta
    level: str
    years: tuple[int, ...]
    raw: pd.DataFrame  # RAW_COLUMNS + attr
    retrieved: str  # ISO date-time (UTC) of the retrieval
    url: str
    last_update: str = ""
    attr_counts: dict[int, int] = field(default_factory=dict)


def unit_skip_reason(unit_id: str) -> str:
    """"" for ids of gminy (kinds 1–3), powiaty, województwa, Poland; else why the row is no unit."""
    try:
        mapped = bdl12_to_teryt(unit_id)
    except TerytError:
        return "malformed unit id"
    if mapped is not None:
        return ""
    kind = str(unit_id).zfill(12)[11]
    if kind in PART_TYPES:
        return PART_TYPES[kind]
    return "not an administrative unit (region, subregion, macroregion)"


def records_to_raw(results: list[dict], var_id: int, measure_unit: str) -> tuple[pd.DataFrame, dict[int, int]]:
    """``data/by-variable`` results -> raw frame with an extra ``attr`` column."""
    rows, attrs = [], {}
    for r in results:
        uid = str(r.get("id", "")).strip()
        skip = unit_skip_reason(uid)
        for v in r.get("values") or []:
            attr = int(v.get("attrId", 1) if v.get("attrId") is not None else 1)
            attrs[attr] = attrs.get(attr, 0) + 1
            val = v.get("val")
            if attr in NO_DATA_ATTRS or attr in COMBINED_ATTRS or val is None:
                val = float("nan")
            try:
                year = int(str(v.get("year")).strip()[:4])
            except ValueError as exc:
                raise BdlApiError(f"unit {uid}: year {v.get('year')!r} is not a year") from exc
            rows.append({"code": uid, "name": str(r.get("name", "")).strip(), "parent_name": "",
                         "measure": str(var_id), "year": year, "value": val, "source_unit": measure_unit,
                         "skip": skip, "attr": attr})
    if not rows:
        df = raw_frame(pd.DataFrame(columns=["code", "year"]).astype({"year": "int64"}))
        return df.assign(attr=pd.Series(dtype="int64")), attrs
    df = pd.DataFrame(rows)
    out = raw_frame(df)
    out["attr"] = df["attr"].astype("int64").to_numpy()
    return out, attrs


def fetch_variable(client: BdlClient, var_id: int, level: str, years: list[int], *,
                   progress: Callable[[PageProgress], None] | None = None,
                   now: Callable[[], pd.Timestamp] = lambda: pd.Timestamp.now(tz="UTC")) -> VariableData:
    """All units of ``level`` for ``years`` of variable ``var_id`` (metadata first, then data pages)."""
    if level not in LEVELS:
        raise LoaderError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    years = sorted({int(y) for y in years})
    if not years:
        raise LoaderError("at least one year is needed")
    meta = variable_meta(client, var_id)
    params = [("unit-level", LEVELS[level])] + [("year", y) for y in years]
    results: list[dict] = []
    last_update = meta.last_update
    first_url = client.url(f"data/by-variable/{int(var_id)}", params + [("page-size", PAGE_SIZE)])
    for page in client.pages(f"data/by-variable/{int(var_id)}", params, progress=progress):
        results += page.get("results") or []
        lu = page.get("lastUpdate")
        if lu and str(lu) > last_update:
            last_update = str(lu)
    raw, attrs = records_to_raw(results, meta.id, meta.measure_unit)
    raw = raw.loc[raw["year"].isin(years)].reset_index(drop=True)
    return VariableData(meta=meta, level=level, years=tuple(years), raw=raw,
                        retrieved=now().isoformat(timespec="seconds"), url=first_url, last_update=last_update,
                        attr_counts=attrs)


def load_curated(path: Path) -> list[dict]:
    """The curated variable list (data/catalogue/bdl_variables.yaml)."""
    import yaml

    try:
        rows = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise LoaderError(f"curated BDL variable list unreadable: {path}: {exc}") from None
    for r in rows:
        if not isinstance(r, dict) or "id" not in r or "verified" not in r:
            raise LoaderError(f"{path}: every entry needs id and verified: {r!r}")
    return rows
