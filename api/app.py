"""The FastAPI application: read-only JSON/CSV endpoints under ``/api/v1``.

Conventions (README "Data API"): every value row carries the unit code, level and name, the
indicator, year, value, its unit of measure, the source as ``cli.py show`` labels it, the source's
publisher, vintage and licence, the method (source / aggregated / derived) and, for computed values,
coverage n of ``of``. Bad parameters answer 400 with ``{"error": "bad_request", "param", "message"}``,
an unknown unit 404, an empty or unreachable store 503; nothing answers with a traceback.
Every 200 carries an ``ETag`` made of the store's ingest id and the request, so a client's
``If-None-Match`` gets 304 without any query, and ``Cache-Control: public, max-age=300``.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
from typing import Annotated, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import params as P
from cli import format_number
from api.data import VALUE_FIELDS, ApiData, NotFound, csv_rows
from api.data import assessment as assessment_of
from store.db import StoreError, StoreUnavailable

log = logging.getLogger("mrl.api")
PREFIX = "/api/v1"
CACHE_CONTROL = "public, max-age=300"
API_VERSION = "1.0"

DESCRIPTION = """Read-only data of **Monitor Rozwoju Lokalnego**: Polish gminy, powiaty, województwa and the
country, every value with its year, unit of measure, source and vintage — the same numbers as the
dashboard and `python cli.py show`.

* JSON by default; CSV with `format=csv` or `Accept: text/csv`.
* Lists take repeated parameters or comma-separated values (`unit=1261011,1465011`).
* Paged lists: `page` (from 1) and `page_size` (1–5000, default 1000); the answer says `total` and links
  the next page (`Link: <…>; rel="next"` in CSV).
* Errors: 400 with a JSON `message` for bad parameters, 404 for an unknown unit, 503 when the store is
  empty or unreachable.
* Caching: `ETag` from the store's ingest id (`If-None-Match` → 304), `Cache-Control: public, max-age=300`.
"""

UnitQ = Annotated[list[str] | None, Query(description="TERYT code(s): 7-digit gmina (also 6-digit, `126101_1`), "
                                                       "4-digit powiat, 2-digit województwo, `PL`. Repeat or "
                                                       "comma-separate; at most 100.")]
IndicatorQ = Annotated[list[str] | None, Query(description="Indicator id(s) from `/api/v1/indicators`; at most 100.")]
YearQ = Annotated[list[str] | None, Query(description="Year(s): `2024`, `2015,2019` or `2015-2024`.")]
LevelQ = Annotated[str | None, Query(description="gmina | powiat | wojewodztwo | country")]
LangQ = Annotated[str | None, Query(description="pl (default) | en: names, units of measure, publishers.")]
FormatQ = Annotated[str | None, Query(description="json (default) | csv")]
PageQ = Annotated[str | None, Query(description="Page number, from 1.")]
PageSizeQ = Annotated[str | None, Query(description="Rows per page, 1–5000 (default 1000).")]


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, param: str | None = None):
        super().__init__(message)
        self.status, self.error, self.message, self.param = status, error, message, param


def _error(status: int, error: str, message: str, param: str | None = None) -> JSONResponse:
    body = {"error": error, "message": message}
    if param:
        body["param"] = param
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def create_app(store=None) -> FastAPI:
    """The API over ``store`` (default: the store of the project's settings)."""
    if store is None:
        from settings import get_settings
        from store.db import Store

        s = get_settings()
        store = Store(s.database_url, schema=s.db_schema)
    data = ApiData(store)
    app = FastAPIOffline(title="Monitor Rozwoju Lokalnego — data API", version=API_VERSION, description=DESCRIPTION,
                         openapi_url=f"{PREFIX}/openapi.json", docs_url=f"{PREFIX}/docs", redoc_url=None,
                         swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True})
    app.state.data = data

    # -- errors: always JSON, never a traceback ---------------------------------------------------
    @app.exception_handler(P.BadParam)
    async def _bad(request: Request, exc: P.BadParam):
        return _error(400, "bad_request", exc.message, exc.param)

    @app.exception_handler(NotFound)
    async def _nf(request: Request, exc: NotFound):
        return _error(404, "not_found", exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errs = exc.errors()
        where = ".".join(str(x) for x in errs[0].get("loc", ())[1:]) if errs else ""
        msg = errs[0].get("msg", "invalid parameter") if errs else "invalid parameter"
        return _error(400, "bad_request", f"{where}: {msg}" if where else msg, where or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        msg = "no such endpoint; see /api/v1/docs" if exc.status_code == 404 else str(exc.detail)
        return _error(exc.status_code, kind, msg)

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError):
        if isinstance(exc, StoreUnavailable):
            return _error(503, "store_unavailable", "the database is unreachable; try again later")
        return _error(503, "store_empty", "the store holds no data yet (run `python cli.py ingest`)")

    @app.exception_handler(Exception)
    async def _any(request: Request, exc: Exception):  # pragma: no cover - a bug; logged, not shown
        log.exception("API error on %s", request.url.path)
        return _error(500, "internal_error", "internal error")

    @app.middleware("http")
    async def _cors(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    # -- caching and formats --------------------------------------------------------------------
    def respond(request: Request, fmt: str, build: Callable[[], tuple[dict, object]], *, name: str) -> Response:
        """ETag check first (one tiny query), then ``build()`` -> (JSON body, CSV rows or None)."""
        ingest = data.ingest_id()
        query = sorted(request.query_params.multi_items())
        key = f"{request.url.path}?{urlencode(query)}|{fmt}"
        etag = f'W/"{ingest[:16]}-{hashlib.sha1(key.encode()).hexdigest()[:16]}"'
        headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
        inm = request.headers.get("if-none-match", "")
        if etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
            return Response(status_code=304, headers=headers)
        body, rows = build()
        if fmt == "csv":
            if rows is None:
                raise P.BadParam("format", "this endpoint has no CSV form; use format=json")
            buf = io.StringIO()
            if isinstance(rows, list):  # value rows (dicts)
                w = csv.DictWriter(buf, fieldnames=list(VALUE_FIELDS), lineterminator="\n", extrasaction="ignore")
                w.writeheader()
                w.writerows(rows)
            else:
                w = csv.writer(buf, lineterminator="\n")
                w.writerow(list(rows.columns))
                w.writerows(rows.itertuples(index=False, name=None))
            nxt = (body.get("links") or {}).get("next")
            if nxt:
                headers["Link"] = f'<{nxt}>; rel="next"'
            if "total" in body:
                headers["X-Total-Count"] = str(body["total"])
            headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
            return Response(buf.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
        return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False),
                        media_type="application/json", headers=headers)

    def page_links(request: Request, page: int, page_size: int, total: int) -> dict:
        pages = max(1, -(-total // page_size))
        out = {"self": f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path}
        for rel, p in (("next", page + 1), ("prev", page - 1)):
            if 1 <= p <= pages:
                q = [(k, v) for k, v in request.query_params.multi_items() if k != "page"] + [("page", str(p))]
                out[rel] = f"{request.url.path}?{urlencode(q)}"
        return out

    def paged(rows, page: int, page_size: int):
        total = len(rows)
        start = (page - 1) * page_size
        if isinstance(rows, list):
            return rows[start:start + page_size], total
        return rows.iloc[start:start + page_size], total

    # -- endpoints --------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def root():
        return RedirectResponse(f"{PREFIX}/docs")

    @app.get(PREFIX, summary="What this API offers", tags=["about"])
    def index(request: Request):
        def build():
            meta = data.store.meta()
            return {"name": "Monitor Rozwoju Lokalnego — data API", "version": API_VERSION,
                    "ingest_id": meta.get("ingest_id"), "ingested_at": meta.get("ingested_at"),
                    "endpoints": {
                        "units": f"{PREFIX}/units?q=krakow", "unit": f"{PREFIX}/units/1261011",
                        "profile": f"{PREFIX}/units/1261011/profile",
                        "indicators": f"{PREFIX}/indicators", "sources": f"{PREFIX}/sources",
                        "values": f"{PREFIX}/values?unit=1261011&indicator=population_total",
                        "area": f"{PREFIX}/area?area=1261011,1206172,1219053",
                        "docs": f"{PREFIX}/docs", "openapi": f"{PREFIX}/openapi.json"}}, None
        return respond(request, "json", build, name="index")

    @app.get(f"{PREFIX}/units", summary="Units: search by name or code, filter by level and parent", tags=["units"])
    def units(request: Request,
              q: Annotated[str | None, Query(description="Name (case and diacritics ignored: `lodz` finds Łódź) "
                                                         "or the start of a code.")] = None,
              level: LevelQ = None,
              parent: Annotated[str | None, Query(description="Parent's code: a powiat's gminy, a "
                                                              "województwo's powiaty.")] = None,
              historical: Annotated[str | None, Query(description="1 = include units that no longer exist.")] = None,
              page: PageQ = None, page_size: PageSizeQ = None, format: FormatQ = None):
        fmt = P.parse_format(format, request.headers.get("accept"))
        qq = P.parse_query(q)
        lvl = P.parse_level(level)
        pg, size = P.parse_page(page, page_size)
        if historical not in (None, "", "0", "1", "true", "false"):
            raise P.BadParam("historical", "historical must be 0 or 1")
        hist = historical in ("1", "true")

        def build():
            par = data.resolve(parent, "parent").code if parent not in (None, "") else None
            found = data.search_units(qq, lvl, par, hist)
            part, total = paged(found, pg, size)
            recs = [data.unit_dict(c) for c in part["code"]]
            import pandas as pd
            rows = pd.DataFrame(recs, columns=["code", "level", "name", "parent", "gmina_type", "city_powiat",
                                               "historical", "valid_from", "valid_to", "note"])
            for r in recs:
                r["links"] = {"self": f"{PREFIX}/units/{r['code']}", "profile": f"{PREFIX}/units/{r['code']}/profile",
                              "values": f"{PREFIX}/values?unit={r['code']}"}
            return {"total": total, "page": pg, "page_size": size,
                    "links": page_links(request, pg, size, total), "data": recs}, rows
        return respond(request, fmt, build, name="units")

    @app.get(f"{PREFIX}/units/{{code}}", summary="One unit, with its parents", tags=["units"])
    def unit(request: Request, code: str):
        def build():
            r = data.resolve(code)
            body = data.unit_dict(r.code)
            body["parents"] = data.parents(r.code)
            if r.note:
                body["requested"] = r.requested
                body["note"] = f"{r.requested} is an old code; this is {r.code}"
            body["links"] = {"profile": f"{PREFIX}/units/{r.code}/profile", "values": f"{PREFIX}/values?unit={r.code}",
                             "children": f"{PREFIX}/units?parent={r.code}"}
            return body, None
        return respond(request, "json", build, name="unit")

    @app.get(f"{PREFIX}/units/{{code}}/profile", summary="A unit's key indicators (latest value, change, national rank)",
             tags=["units"])
    def profile(request: Request, code: str, lang: LangQ = None, format: FormatQ = None):
        fmt = P.parse_format(format, request.headers.get("accept"))
        lg = P.parse_lang(lang)

        def build():
            import pandas as pd
            r = data.resolve(code)
            prof = data.profile(r.code, lg)
            body = {"unit": {**data.unit_dict(r.code), "parents": data.parents(r.code)}, **prof}
            rows = pd.DataFrame(prof["cards"])
            if not rows.empty:
                rows.insert(0, "teryt", r.code)
                for c in ("value", "first_value", "change", "change_pct", "rank", "rank_of", "first_year"):
                    rows[c] = ["" if v is None or v != v else format_number(v) for v in rows[c]]
            return body, rows
        return respond(request, fmt, build, name=f"profile_{code}")

    @app.get(f"{PREFIX}/units/{{code}}/assessment",
             summary="The synthetic assessment against the comparison group (as cli.py assess)", tags=["units"])
    def assessment(request: Request, code: str,
                   peers: Annotated[str | None, Query(description="Comparison group as in the dashboard's `peers=`: "
                                                                  "typology (default), typology:woj, knn:k=10, "
                                                                  "custom:CODE,CODE")] = None,
                   lang: LangQ = None, format: FormatQ = None):
        fmt = P.parse_format(format, request.headers.get("accept"))
        lg = P.parse_lang(lang)

        def build():
            r = data.resolve(code)
            if r.code == "PL":
                raise P.BadParam("unit", "Poland has no comparison group: assess a województwo, powiat or gmina")
            ac = assessment_of(data, r.code, peers, lg)
            frame = ac.frame.astype(object).where(ac.frame.notna(), None)  # no data: null / empty cell
            group = ac.ctx.group
            body = {"unit": data.unit_dict(r.code), "peers": peers or "typology",
                    "group_size": len(group.codes) + 1, "group": list(group.codes), "method": "/o-danych#ocena",
                    "data": frame.to_dict("records") if fmt == "json" else []}
            return body, frame.fillna("")
        return respond(request, fmt, build, name=f"assessment_{code}")

    @app.get(f"{PREFIX}/indicators", summary="The indicator catalogue with metadata", tags=["indicators"])
    def indicators(request: Request, lang: LangQ = None, format: FormatQ = None):
        fmt = P.parse_format(format, request.headers.get("accept"))
        lg = P.parse_lang(lang)

        def build():
            import pandas as pd
            inds = data.indicators()
            cov = data.indicator_sources()
            recs = []
            for ind in inds.values():
                c = cov.loc[cov["indicator"] == ind.id]
                agg = ind.aggregation
                recs.append({
                    "id": ind.id, "name": ind.name(lg), "name_pl": ind.name_pl, "name_en": ind.name_en,
                    "unit": ind.unit_en if lg == "en" else ind.unit_pl, "category": ind.category,
                    "definition": ind.definition_en if lg == "en" else ind.definition_pl,
                    "polarity": ind.polarity, "decimals": ind.decimals, "levels": list(ind.levels),
                    "aggregation": agg.rule, "min_coverage": ind.min_coverage, "profile": bool(ind.profile),
                    "notes": ind.notes_en if lg == "en" else ind.notes_pl,
                    "first_year": int(c["first_year"].min()) if len(c) else None,
                    "last_year": int(c["last_year"].max()) if len(c) else None,
                    "sources": sorted(set(c.loc[c["method"] == "source", "source"])),
                })
            rows = pd.DataFrame(recs).assign(levels=lambda d: d["levels"].map(" ".join),
                                             sources=lambda d: d["sources"].map(" ".join))
            return {"total": len(recs), "data": recs}, rows
        return respond(request, fmt, build, name="indicators")

    @app.get(f"{PREFIX}/indicators/{{indicator_id}}", summary="One indicator", tags=["indicators"])
    def indicator(request: Request, indicator_id: str, lang: LangQ = None):
        lg = P.parse_lang(lang)

        def build():
            inds = data.indicators()
            if indicator_id not in inds:
                raise NotFound(f"no indicator {indicator_id[:80]!r}; see {PREFIX}/indicators")
            ind = inds[indicator_id]
            c = data.indicator_sources()
            c = c.loc[c["indicator"] == ind.id]
            return {"id": ind.id, "name": ind.name(lg), "name_pl": ind.name_pl, "name_en": ind.name_en,
                    "unit": ind.unit_en if lg == "en" else ind.unit_pl, "category": ind.category,
                    "definition": ind.definition_en if lg == "en" else ind.definition_pl,
                    "polarity": ind.polarity, "levels": list(ind.levels), "aggregation": ind.aggregation.rule,
                    "min_coverage": ind.min_coverage,
                    "notes": ind.notes_en if lg == "en" else ind.notes_pl,
                    "coverage": [{"source": r.source, "method": r.method, "first_year": int(r.first_year),
                                  "last_year": int(r.last_year), "values": int(r.count)} for r in c.itertuples()],
                    "links": {"values": f"{PREFIX}/values?indicator={ind.id}"}}, None
        return respond(request, "json", build, name="indicator")

    @app.get(f"{PREFIX}/sources", summary="Sources with publisher, licence and vintage", tags=["indicators"])
    def sources(request: Request, format: FormatQ = None):
        fmt = P.parse_format(format, request.headers.get("accept"))

        def build():
            s = data.sources().reset_index(drop=True).drop(columns=["sk"])
            return {"total": len(s), "data": s.to_dict("records")}, s
        return respond(request, fmt, build, name="sources")

    @app.get(f"{PREFIX}/values", summary="Values filtered by unit(s), indicator(s), years and level (paged)",
             tags=["values"])
    def values(request: Request, unit: UnitQ = None, indicator: IndicatorQ = None, year: YearQ = None,
               level: LevelQ = None, lang: LangQ = None, page: PageQ = None, page_size: PageSizeQ = None,
               format: FormatQ = None):
        fmt = P.parse_format(format, request.headers.get("accept"))
        lg = P.parse_lang(lang)
        lvl = P.parse_level(level)
        years = P.parse_years(year)
        pg, size = P.parse_page(page, page_size)
        unit_in = P.split_list(unit)
        if len(unit_in) > P.MAX_UNITS:
            raise P.BadParam("unit", f"at most {P.MAX_UNITS} units in one request, got {len(unit_in)}")

        def build():
            inds = P.parse_indicators(indicator, data.indicators())
            if not unit_in and not inds:
                raise P.BadParam("unit", "give at least one unit or indicator (all values at once are too many; "
                                         "filter with unit=, indicator=, year=, level=)")
            resolved = [data.resolve(c) for c in unit_in]
            codes = list(dict.fromkeys(r.code for r in resolved)) or None
            df = data.unit_values(codes, inds, years, lvl)
            rows = data.value_rows(df, lg)
            part, total = paged(rows, pg, size)
            body = {"total": total, "page": pg, "page_size": size, "links": page_links(request, pg, size, total)}
            notes = [f"{r.requested} is an old code; shown as {r.code}" for r in resolved if r.note]
            if notes:
                body["notes"] = notes
            body["data"] = part if fmt == "json" else []
            return body, csv_rows(part)
        return respond(request, fmt, build, name="values")

    @app.get(f"{PREFIX}/area", summary="A functional area's aggregated values (as the permalinks' area=)",
             tags=["values"])
    def area(request: Request,
             area: Annotated[str | None, Query(description="2–500 gmina codes, comma-separated (6 or 7 digits, "
                                                            "old codes mapped), as in the dashboard's `area=`.")] = None,
             indicator: IndicatorQ = None, year: YearQ = None, lang: LangQ = None,
             page: PageQ = None, page_size: PageSizeQ = None, format: FormatQ = None):
        fmt = P.parse_format(format, request.headers.get("accept"))
        lg = P.parse_lang(lang)
        years = P.parse_years(year)
        pg, size = P.parse_page(page, page_size)
        if not area:
            raise P.BadParam("area", "area is required: 2 to 500 gmina codes, comma-separated")
        if len(area) > 500 * 9:
            raise P.BadParam("area", "area is too long: at most 500 gmina codes")

        def build():
            from domain import areas as A
            from i18n import t
            inds = P.parse_indicators(indicator, data.indicators())
            result, notes = data.area(area)
            df = result.values
            if inds:
                df = df.loc[df["indicator"].isin(inds)]
            if years:
                df = df.loc[df["year"].isin(years)]
            name = t(f"areas.name_{A.plural_form(len(result.members), lg)}", lg, n=len(result.members))
            rows = data.value_rows(df, lg, names={result.code: ("area", name)})
            part, total = paged(rows, pg, size)
            body = {"area": {"code": result.code, "members": list(result.members), "name": name,
                             "link": f"/obszary?area={result.code}"},
                    "total": total, "page": pg, "page_size": size, "links": page_links(request, pg, size, total),
                    "coverage": A.coverage_lines(df, data.indicators()),
                    "notes": [f"{n['input']} is an old code; using {n['code']}" for n in notes],
                    "data": part if fmt == "json" else []}
            return body, csv_rows(part)
        return respond(request, fmt, build, name="area")

    return app
