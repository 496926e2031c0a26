"""Hostile input, a fast subset of bench/fuzz.py (issue 9, part 3): generated permalinks through
the whole app (AppTest) on every page, malformed uploads through the data page's upload path,
exports of formula-like text, and the store untouched by all of it."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from bench import fuzz
from tests.conftest import make_app

LINKS = fuzz.generate_links(16, seed=20261126)
UPLOADS = fuzz.generate_uploads(2 * len(fuzz.UPLOAD_CATEGORIES), seed=20261126)


@pytest.fixture(scope="module")
def fingerprint_before(sqlite_store):
    return fuzz.store_fingerprint(sqlite_store)


@pytest.fixture
def bound_app(app_env, monkeypatch):
    """Environment, production page manager and empty caches, as every AppTest here needs."""
    make_app(app_env, monkeypatch)
    fuzz._production_pages_manager()  # noqa: SLF001


def test_the_generators_cover_every_category_and_are_seeded():
    assert {link.category for link in fuzz.generate_links(20)} == set(fuzz.CATEGORIES)
    assert [link.params for link in fuzz.generate_links(30, seed=3)] == [
        link.params for link in fuzz.generate_links(30, seed=3)]
    assert {c for c, _, _ in UPLOADS} == set(fuzz.UPLOAD_CATEGORIES)


@pytest.mark.parametrize("i", range(len(LINKS)))
def test_generated_permalink_on_a_page(bound_app, fingerprint_before, i):
    link = LINKS[i]
    page = fuzz.pages()[i % len(fuzz.pages())]
    res = fuzz.run_link(link, page)
    assert res.failures == [], (link.query(), res.failures)


def test_markdown_in_a_permalink_is_shown_literally(bound_app):
    link = fuzz.Link(0, "markup_injection", {"unit": "1261011", "foo": f"![x](http://{fuzz.EVIL_HOST}/p.png)",
                                              "year": "<script>alert(1)</script>"})
    res = fuzz.run_link(link, "pages/profil.py")
    assert res.failures == [] and res.messages >= 2


def test_a_page_that_stops_early_still_cleans_the_url(bound_app):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(fuzz.ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/obszary.py")
    for k, v in {"area": "9999999,9999989", "foo": "1", "indicator": "turnout_sejm"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert dict(at.query_params.items()) == {"indicator": "turnout_sejm"}
    assert any("„area”" in w.value for w in at.warning) and any("„foo”" in w.value for w in at.warning)


@pytest.mark.parametrize("i", range(len(UPLOADS)))
def test_malformed_upload(sqlite_store, app_env, monkeypatch, i):
    for k, v in app_env.items():
        monkeypatch.setenv(k, v)
    cat, name, data = UPLOADS[i]
    res = fuzz.run_upload(i, cat, name, data, sqlite_store.meta()["ingest_id"])
    assert res.outcome in ("rejected", "accepted") and res.failures == [], res.failures
    if cat in ("binary", "giant", "empty", "header_only", "formula_value", "too_many_rows"):
        assert res.outcome == "rejected" and res.codes


def test_formula_like_text_is_neutralised_in_csv_and_xlsx():
    frame = pd.DataFrame({"nazwa": fuzz.FORMULAS, "wartość": range(len(fuzz.FORMULAS))})
    assert fuzz.check_export_safe(frame, "pl") == [] and fuzz.check_export_safe(frame, "en") == []
    from reports import csv as csv_out
    from reports import xlsx
    from reports.model import ExportMeta

    text = csv_out.build_csv(frame, lang="pl").decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and "'-1+1" in text and "'@SUM(A1:A9)" in text
    ws = load_workbook(io.BytesIO(xlsx.build_xlsx(frame, ExportMeta(title="t", lang="pl")))).worksheets[0]
    cells = [ws.cell(r, 1) for r in range(2, len(fuzz.FORMULAS) + 2)]
    # shown unchanged (a CR is stored as Excel's escape _x000D_) ...
    assert [c.value.replace("_x000D_", "\r") for c in cells] == fuzz.FORMULAS
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)  # ... as text, never evaluated


def test_the_checker_would_catch_an_unneutralised_export(monkeypatch):
    from reports import csv as csv_out

    monkeypatch.setattr(csv_out, "neutralise", lambda s: s)
    assert any("CSV cell not neutralised" in b for b in fuzz.check_export_safe(pd.DataFrame({"a": ["=1+1"]})))


def test_hostile_names_are_escaped_in_the_report_html(sqlite_store):
    assert fuzz.check_report_html(sqlite_store) == []


def test_the_store_is_unchanged_by_all_of_the_above(sqlite_store, fingerprint_before):
    assert fuzz.store_fingerprint(sqlite_store) == fingerprint_before
