"""Tests of loaders/gus_tables.py on the real files (mirror folder grusgemini-NYPD_project) and on
synthetic variants. The mirror is ``MRL_DATA_MIRROR`` (default ``<project root>/../shared/data``).
"""
from __future__ import annotations

import copy
import functools
import importlib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from loaders import gus_tables
from loaders.base import RAW_COLUMNS, LoaderError, validate_raw_frame
from settings import PROJECT_ROOT, get_settings

MIRROR = get_settings().data_mirror
DIR = MIRROR / "grusgemini-NYPD_project"
CATALOGUE = PROJECT_ROOT / "data" / "catalogue"
VITAL, AREAS, FIRE = DIR / "population_data.xls", DIR / "area_data.xlsx", DIR / "fire_incidents.xlsx"

needs_mirror = pytest.mark.skipif(not DIR.is_dir(), reason=f"data mirror not found at {MIRROR}")


@functools.cache
def vital() -> pd.DataFrame:
    return gus_tables.load_vital_2024(VITAL)


@functools.cache
def vital_rows() -> list:
    return gus_tables._xls_rows(VITAL)


@functools.cache
def areas() -> pd.DataFrame:
    return gus_tables.load_areas(AREAS)


@functools.cache
def fire() -> pd.DataFrame:
    return gus_tables.load_fire_incidents(FIRE)


def wide(df: pd.DataFrame) -> pd.DataFrame:
    return df.pivot_table(index=["code", "skip"], columns="measure", values="value").reset_index()


# --- GUS table IV, 2024 -------------------------------------------------------------------------

@needs_mirror
def test_vital_population_checks():
    df = vital()
    validate_raw_frame(df)
    assert tuple(df.columns) == RAW_COLUMNS
    assert set(df.year) == {2024}
    w = wide(df).set_index("code")
    gm = w[(w.index.str.len() == 7) & (w.skip == "")]
    assert len(gm) == 2_477
    assert gm.index.str[6].value_counts().to_dict() == {"2": 1_464, "3": 711, "1": 302}
    assert gm.population.sum() == 37_489_087 == w.loc["00", "population"]
    assert w.loc["1261011", "population"] == 809_168
    assert w.loc["1465011", "population"] == 1_863_845
    names = df.drop_duplicates("code").set_index("code").name
    assert names["1261011"] == "Kraków" and names["00"] == "POLSKA"


@needs_mirror
def test_vital_skip_rows_and_woj_codes():
    df = vital()
    per_code = df.drop_duplicates("code")
    assert per_code.skip.value_counts().to_dict() == {"": 2_494, "town part": 711, "rural part": 711}
    woj = per_code[per_code.code.str.len() == 2]
    assert sorted(woj.code) == ["00"] + [f"{i:02d}" for i in range(2, 33, 2)]
    assert woj[woj.code == "12"].name.iloc[0] == "WOJ. MAŁOPOLSKIE"
    # every woj. value equals the sum over its gminy (also for internal flows: the published
    # woj./Poland inflow counts moves between gminy inside the unit — see the report)
    w = wide(df)
    gm = w[(w.code.str.len() == 7) & (w.skip == "")]
    sums = gm.groupby(gm.code.str[:2]).sum(numeric_only=True)
    wv = w[w.code.str.len() == 2].set_index("code").drop(index="00")
    counts = ["population", "marriages", "live_births", "deaths", "infant_deaths", "internal_in",
              "internal_out", "international_in", "international_out", "net_migration_total"]
    assert (sums.loc[wv.index, counts] == wv[counts]).all().all()


@needs_mirror
def test_vital_dash_is_zero_and_identities():
    df = vital()
    assert df.value.notna().all()  # the table has no blank or 'x' cells
    rows = vital_rows()
    dashes = sum(1 for r in rows[7:] if str(r[6]).strip() == "-")
    assert dashes == 3_190
    w = wide(df)
    assert (w.infant_deaths == 0).sum() == dashes
    assert (w.infant_deaths_per_1000_births == 0).sum() == dashes
    assert (w.natural_increase == w.live_births - w.deaths).all()
    assert (w.internal_net == w.internal_in - w.internal_out).all()
    assert (w.international_net == w.international_in - w.international_out).all()
    assert (w.net_migration_total == w.internal_net + w.international_net).all()
    assert w.loc[w.code == "00", "internal_net"].iloc[0] == 0  # '-' in the POLSKA row


def _patched(monkeypatch, mutate):
    rows = copy.deepcopy(vital_rows())
    mutate(rows)
    monkeypatch.setattr(gus_tables, "_xls_rows", lambda path: rows)
    return gus_tables.load_vital_2024(VITAL)


@needs_mirror
def test_vital_reordered_columns_fail(monkeypatch):
    def swap(rows):
        for r in rows:
            r[16], r[17] = r[17], r[16]
    with pytest.raises(LoaderError, match=r"population_data.xls: row 4, column 17: header .* "
                                          r"'live births'"):
        _patched(monkeypatch, swap)


@needs_mirror
def test_vital_other_table_fails(monkeypatch):
    def retitle(rows):
        rows[0][0] = "TABL. III. LUDNOŚĆ WEDŁUG PŁCI"
    with pytest.raises(LoaderError, match="row 1: title"):
        _patched(monkeypatch, retitle)


@needs_mirror
def test_vital_blank_dash_and_bad_cells(monkeypatch):
    kr = next(i for i, r in enumerate(vital_rows()) if str(r[1]) == "1261011" or r[1] == 1261011)

    def edit(rows):
        rows[kr][3] = ""      # blank -> no data
        rows[kr][4] = "x"     # not applicable -> no data
        rows[kr][5] = "-"     # zero
    w = wide(_patched(monkeypatch, edit)).set_index("code")
    assert np.isnan(w.loc["1261011", "marriages"]) and np.isnan(w.loc["1261011", "live_births"])
    assert w.loc["1261011", "deaths"] == 0

    def bad(rows):
        rows[kr][7] = "12 k"
    with pytest.raises(LoaderError, match=rf"row {kr + 1}, column 8 \(natural_increase\): not a number"):
        _patched(monkeypatch, bad)


@needs_mirror
def test_vital_unreliable_woj_code_becomes_aggregate_row(monkeypatch):
    woj = next(i for i, r in enumerate(vital_rows()) if str(r[0]).startswith("WOJ. MAŁOPOLSKIE"))

    def edit(rows):
        rows[woj][2] = rows[woj][2] + 1
    df = _patched(monkeypatch, edit)
    row = df[df.name == "WOJ. MAŁOPOLSKIE"].drop_duplicates("name").iloc[0]
    assert row.skip == "aggregate row" and row.code == ""
    assert len(df[df.code.str.len() == 2].drop_duplicates("code")) == 16  # 00 + 15 woj.


# --- GUGiK areas ---------------------------------------------------------------------------------

@needs_mirror
def test_areas():
    df = areas()
    validate_raw_frame(df)
    assert set(df.measure) == {"area_ha"} and set(df.year) == {2025} and set(df.source_unit) == {"ha"}
    per = df.set_index("code")
    assert df.code.str.len().value_counts().to_dict() == {7: 3_942, 4: 380, 2: 17}
    assert df.skip.value_counts().to_dict() == {"": 2_876, "town part": 718, "rural part": 718,
                                                "dzielnica": 18, "delegatura": 9}
    unit = df[df.skip == ""]
    gm = unit[unit.code.str.len() == 7]
    assert gm.code.str[6].value_counts().to_dict() == {"2": 1_459, "3": 718, "1": 302}
    assert per.loc["00", "value"] == 31_393_293
    assert per.loc["1207132", "name"] == "Szczawa" and per.loc["2002162", "name"] == "Grabówka"
    assert per.loc["1261011", "value"] == 32_685
    # hectares add up exactly: gminy -> powiaty -> województwa -> Poland
    pw = unit[unit.code.str.len() == 4].set_index("code").value
    wj = unit[(unit.code.str.len() == 2) & (unit.code != "00")].set_index("code").value
    assert (gm.groupby(gm.code.str[:4]).value.sum() == pw).all()
    assert (pw.groupby(pw.index.str[:2]).sum() == wj).all()
    assert wj.sum() == per.loc["00", "value"]


@needs_mirror
def test_areas_year_option():
    assert set(gus_tables.load_areas(AREAS, year=2024).year) == {2024}


def _xlsx(tmp_path: Path, rows: list[list], name: str = "t.xlsx") -> Path:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    p = tmp_path / name
    wb.save(p)
    return p


AREA_HEAD = ["TERYT", "Nazwa jednostki", "Powierzchnia [ha]", "Powierzchnia [km2]"]


@pytest.mark.parametrize("rows,expect", [
    ([AREA_HEAD, ["02 01 01", "X", 100, 1]], "row 2, column 1 (TERYT): malformed code '02 01 01'"),
    ([AREA_HEAD, ["02 01 01 7", "X", 100, 1]], "row 2: unknown unit type digit '7'"),
    ([AREA_HEAD, ["02", "X", 100, 9]], "row 2: area 100.0 ha does not match 9.0 km²"),
    ([AREA_HEAD, ["02", "X", "abc", 1]], "row 2: area 'abc' / 1 is not a number"),
    ([["TERYT", "Nazwa", "Powierzchnia [km2]", "Powierzchnia [ha]"]], "row 1: header"),
])
def test_areas_malformed(tmp_path, rows, expect):
    with pytest.raises(LoaderError) as exc:
        gus_tables.load_areas(_xlsx(tmp_path, rows, "areas.xlsx"))
    assert str(exc.value).startswith("areas.xlsx") and expect in str(exc.value)


def test_areas_synthetic_levels(tmp_path):
    rows = [AREA_HEAD, ["00", "POLSKA", 1000, 10], ["02", "WOJ.", 1000, 10],
            ["02 01  ", "Powiat", 1000, 10], ["02 01 01 3", "G", 1000, 10],
            ["02 01 01 4", "G - miasto", 400, 4], ["02 01 01 5", "G - obszar", 600, 6]]
    df = gus_tables.load_areas(_xlsx(tmp_path, rows))
    assert list(df.code) == ["00", "02", "0201", "0201013", "0201014", "0201015"]
    assert list(df.skip) == ["", "", "", "", "town part", "rural part"]


# --- PSP fire incidents -------------------------------------------------------------------------

@needs_mirror
def test_fire_rows_merged_and_districts_folded():
    df = fire()
    validate_raw_frame(df)
    raw = pd.read_excel(FIRE, dtype={"TERYT": str})
    assert len(raw) == 2_535
    dup = raw[raw.TERYT.duplicated(keep=False)]
    assert len(dup) == 34 and dup.TERYT.nunique() == 17
    per_code = df.drop_duplicates("code")
    assert per_code.skip.value_counts().to_dict() == {"": 2_481, "dzielnica": 18, "delegatura": 19}
    assert set(df.year) == {2023, 2024}
    assert set(df.measure) == {"incidents_total", "fires", "local_hazards", "false_alarms"}
    # nothing lost, nothing counted twice: unit rows hold every incident of the file
    unit = df[df.skip == ""]
    assert unit.value.sum() == raw.iloc[:, 4:].to_numpy().sum()
    w = wide(unit).set_index("code")
    assert (w.incidents_total == w.fires + w.local_hazards + w.false_alarms).all()
    inc = unit[unit.measure == "incidents_total"].pivot_table(index="code", columns="year",
                                                              values="value")
    assert inc.loc["146501", 2023] == 20_214       # Warszawa incl. 18 dzielnice (own row 3,191)
    assert inc.loc["126101", 2023] == 8_733        # Kraków incl. 4 delegatury (own row 1,437)
    assert inc.loc["320907", 2023] == 267 + 5      # Sianów + a row named "Mielno"
    assert inc.loc["060303", 2024] == 170 + 1      # Chełm (rural) + a row named "Sawin"
    names = per_code[per_code.skip == ""].set_index("code")
    assert names.loc["146501", "name"] == "Warszawa" and names.loc["320905", "name"] == "Mielno"
    assert names.loc["060303", "parent_name"] == "chełmski"


FIRE_HEAD = ["TERYT", "Województwo", "Powiat", "Gmina", "Ogółem zdarzeń rok 2023", "Pożary rok 2023"]


@pytest.mark.parametrize("rows,expect", [
    ([FIRE_HEAD, ["20101", "w", "p", "g", 1, 1]], "row 2, column 1 (TERYT): malformed code '20101'"),
    ([FIRE_HEAD, ["020101", "w", "p", "g", "dużo", 1]], "row 2, column 5 (Ogółem zdarzeń rok 2023): not a number"),
    ([FIRE_HEAD[:4] + ["Interwencje rok 2023"]], "row 1, column 5: unexpected header"),
    ([["Kod"] + FIRE_HEAD[1:]], "row 1: first columns"),
    ([FIRE_HEAD, ["146502", "w", "Warszawa", "Warszawa", 1, 1]], "district rows without their city row"),
])
def test_fire_malformed(tmp_path, rows, expect):
    with pytest.raises(LoaderError) as exc:
        gus_tables.load_fire_incidents(_xlsx(tmp_path, rows, "fire.xlsx"))
    assert str(exc.value).startswith("fire.xlsx") and expect in str(exc.value)


def test_fire_synthetic_merge(tmp_path):
    rows = [FIRE_HEAD,
            ["020101", "w", "p", "A", 10, 4], ["020101", "w", "q", "B", 1, 0],
            ["146501", "w", "Warszawa", "Warszawa", 5, 1], ["146502", "w", "Warszawa", "Warszawa", 7, 2]]
    df = gus_tables.load_fire_incidents(_xlsx(tmp_path, rows))
    u = df[df.skip == ""].set_index(["code", "measure"])
    assert u.loc[("020101", "incidents_total"), "value"] == 11
    assert u.loc[("020101", "incidents_total"), "name"] == "A"
    assert u.loc[("146501", "fires"), "value"] == 3
    assert df[df.code == "146502"].skip.unique().tolist() == ["dzielnica"]


def test_dispatcher():
    with pytest.raises(LoaderError, match="unknown table"):
        gus_tables.load("x", table="nope")


# --- catalogue ----------------------------------------------------------------------------------

DATASETS = yaml.safe_load((CATALOGUE / "datasets" / "gus.yaml").read_text(encoding="utf-8"))


def _indicator_ids() -> set[str]:
    ids = set()
    for f in (CATALOGUE / "indicators").glob("*.yaml"):
        ids |= {e["id"] for e in yaml.safe_load(f.read_text(encoding="utf-8"))}
    return ids


def test_catalogue_static():
    sources = {s["id"] for s in yaml.safe_load((CATALOGUE / "sources.yaml").read_text("utf-8"))}
    indicators = _indicator_ids()
    assert {d["path"] for d in DATASETS} == {f"grusgemini-NYPD_project/{p.name}"
                                            for p in (VITAL, AREAS, FIRE)}
    for d in DATASETS:
        assert d["source"] in sources, d["id"]
        assert set(d["measures"].values()) <= indicators, d["id"]
        assert d["options"]["table"] in gus_tables.TABLES
        assert hasattr(importlib.import_module(f"loaders.{d['loader']}"), "load")


@needs_mirror
@pytest.mark.parametrize("d", DATASETS, ids=[d["id"] for d in DATASETS])
def test_catalogue_maps_every_measure(d):
    cached = {"vital_2024": vital, "areas": areas, "fire_incidents": fire}
    df = cached[d["options"]["table"]]()
    assert set(df.measure) == set(d["measures"]) | set(d.get("ignore") or {})
    # the dispatcher the ingest uses gives the same frame
    if d["options"]["table"] == "fire_incidents":
        pd.testing.assert_frame_equal(gus_tables.load(MIRROR / d["path"], **d["options"]), df)


@needs_mirror
def test_fire_rows_whose_name_is_not_their_codes_gmina_are_flagged():
    """Issue 18: "Sawin" coded 060303 is added to Chełm's incidents — and the report says so."""
    df = fire()
    flagged = df[df.skip == gus_tables.NAME_MISMATCH].drop_duplicates("name")
    assert "Sawin → 060303 Chełm" in set(flagged.name)
    assert len(flagged) == 17  # one per duplicated code: the row carrying a neighbour's name
    chelm = df[(df.code == "060303") & (df.skip == "") & (df.measure == "incidents_total")]
    sawin = df[(df.code == "060303") & (df.skip != "") & (df.measure == "incidents_total")]
    raw = pd.read_excel(FIRE, dtype={"TERYT": str})
    assert chelm.value.sum() == raw.loc[raw.TERYT == "060303"].filter(like="Ogółem").to_numpy().sum()
    assert sawin.value.sum() > 0  # the flagged row's incidents are part of Chełm's total


def test_fire_synthetic_name_mismatch_is_flagged(tmp_path):
    rows = [FIRE_HEAD, ["020101", "w", "p", "A", 10, 4], ["020101", "w", "q", "B", 1, 0]]
    df = gus_tables.load_fire_incidents(_xlsx(tmp_path, rows))
    flagged = df[df.skip == gus_tables.NAME_MISMATCH]
    assert set(flagged.name) == {"B → 020101 A"}
    assert df[(df.skip == "") & (df.measure == "incidents_total")].value.sum() == 11
