"""Tests of loaders/bdl_csv.py on the real BDL exports in the data mirror and on synthetic snippets.

The mirror is ``MRL_DATA_MIRROR`` (default ``<project root>/../shared/data``); tests needing it are
skipped when it is absent.
"""
from __future__ import annotations

import csv
import functools
import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from loaders import bdl_csv
from loaders.base import RAW_COLUMNS, LoaderError, validate_raw_frame
from settings import PROJECT_ROOT, get_settings

MIRROR = get_settings().data_mirror
CATALOGUE = PROJECT_ROOT / "data" / "catalogue"
P6 = "Przemo6-elections"
WK = "welkierk-projekt_interdyscyplinarny"

needs_mirror = pytest.mark.skipif(not (MIRROR / P6).is_dir() or not (MIRROR / WK).is_dir(),
                                  reason=f"data mirror not found at {MIRROR}")


@functools.cache
def loaded(rel: str) -> pd.DataFrame:
    return bdl_csv.load(MIRROR / rel)


def value(df: pd.DataFrame, code: str, measure: str, year: int) -> float:
    hit = df[(df.code == code) & (df.measure == measure) & (df.year == year)]
    assert len(hit) == 1, (code, measure, year, len(hit))
    return float(hit.value.iloc[0])


def empty_cells(path: Path) -> int:
    """Empty data cells counted independently of the loader (trailing empty column excluded)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    width = len(rows[0]) - (1 if rows[0][-1] == "" else 0)
    return sum(c.strip() == "" for r in rows[1:] for c in r[2:width])


# (file, unit codes, codes by type 1/2/3, data columns)
FILES = [
    (f"{P6}/bezrobocie.csv", 2477, (302, 1537, 638), 1),
    (f"{P6}/bezrobocie18.csv", 2478, (302, 1548, 628), 1),
    (f"{P6}/dochody na mieszk 2016-2019.csv", 2477, (302, 1537, 638), 4),
    (f"{P6}/feminizacja.csv", 2477, (302, 1537, 638), 1),
    (f"{P6}/feminizacja18.csv", 2478, (302, 1548, 628), 1),
    (f"{P6}/imprezy i uczestnicy.csv", 1930, (291, 1036, 603), 8),
    (f"{P6}/ludnosc 2016-2019.csv", 2477, (302, 1537, 638), 4),
    (f"{P6}/ludnosc ogol przed poprod.csv", 2477, (302, 1537, 638), 12),
    (f"{P6}/powierzchnia.csv", 2477, (302, 1537, 638), 1),
    (f"{P6}/saldo migracji stalych na 1000 osob.csv", 2477, (302, 1537, 638), 4),
    (f"{P6}/swiadczenie wychowawcze 500 18.csv", 2478, (302, 1548, 628), 1),
    (f"{P6}/swiadczenie wychowawcze 500 sty-czer.csv", 2477, (302, 1537, 638), 1),
    (f"{P6}/wodkangaz.csv", 2477, (302, 1537, 638), 3),
    (f"{P6}/wodkangaz18.csv", 2478, (302, 1548, 628), 3),
    (f"{P6}/wydatki na mieszk 2016-2019.csv", 2477, (302, 1537, 638), 4),
    (f"{WK}/dochody.csv", 2521, (307, 1576, 638), 100),
    (f"{WK}/ludnosc.csv", 2521, (307, 1576, 638), 50),
]
# empty cells per file (BDL "no data"), checked against an independent count as well
NAN_CELLS = {"dochody na mieszk 2016-2019.csv": 49, "ludnosc 2016-2019.csv": 49,
             "ludnosc ogol przed poprod.csv": 147, "saldo migracji stalych na 1000 osob.csv": 49,
             "wydatki na mieszk 2016-2019.csv": 49, "imprezy i uczestnicy.csv": 60,
             "dochody.csv": 9218, "ludnosc.csv": 4680}


@needs_mirror
@pytest.mark.parametrize("rel,units,by_type,ncols", FILES, ids=[f[0].split("/")[1] for f in FILES])
def test_real_file_shape(rel, units, by_type, ncols):
    df = loaded(rel)
    validate_raw_frame(df)
    assert tuple(df.columns) == RAW_COLUMNS
    unit = df[df.skip == ""]
    assert unit.code.nunique() == units
    types = unit.drop_duplicates("code").code.str[6].value_counts()
    assert (types["1"], types["2"], types["3"]) == by_type
    assert len(df) == df.code.nunique() * ncols
    assert df.code.str.fullmatch(r"\d{7}").all()
    assert not df.name.str.contains(r"\(\d\)\s*$").any()
    nan = int(df.value.isna().sum())
    assert nan == empty_cells(MIRROR / rel) == NAN_CELLS.get(rel.split("/")[1], 0)


@needs_mirror
def test_population_values():
    df = loaded(f"{P6}/ludnosc ogol przed poprod.csv")
    assert value(df, "1261011", "ogółem;ogółem", 2017) == 767_348
    assert value(df, "1465011", "ogółem;ogółem", 2017) == 1_764_615
    assert set(df.source_unit) == {"osoba"}
    assert df.loc[df.code == "0201011", "name"].iloc[0] == "Bolesławiec"


@needs_mirror
def test_welkierk_values_and_padding():
    doch = loaded(f"{WK}/dochody.csv")
    lud = loaded(f"{WK}/ludnosc.csv")
    assert value(doch, "1261011", "gminy łącznie z miastami na prawach powiatu;razem", 2019) \
        == 3_833_361_744
    # SOURCES.md calls 134,390 Kraków's 2019 post-working population; it is the PRE-working one
    # (first column group). Post-working is 184,173; the three groups sum to the BDL total.
    assert value(lud, "1261011", "w wieku przedprodukcyjnym;ogółem", 2019) == 134_390
    assert value(lud, "1261011", "w wieku poprodukcyjnym;ogółem", 2019) == 184_173
    groups = sum(value(lud, "1261011", f"w wieku {g};ogółem", 2019)
                 for g in ("przedprodukcyjnym", "produkcyjnym", "poprodukcyjnym"))
    assert groups == value(loaded(f"{P6}/ludnosc ogol przed poprod.csv"), "1261011",
                           "ogółem;ogółem", 2019) == 779_115
    assert set(doch.source_unit) == {"zł"}
    # 618 codes in dochody.csv lost their leading zero; padded, every code exists in ludnosc.csv
    # (which keeps the zeros) with the identical name.
    raw_codes = [r[0] for r in csv.reader((MIRROR / WK / "dochody.csv").open(encoding="utf-8"),
                                          delimiter=";")][1:]
    assert sum(len(c) == 6 for c in raw_codes) == 618
    names_d = doch.drop_duplicates("code").set_index("code").name
    names_l = lud.drop_duplicates("code").set_index("code").name
    assert (names_l.reindex(names_d.index) == names_d).all()


@needs_mirror
def test_welkierk_skip_reasons():
    lud = loaded(f"{WK}/ludnosc.csv")
    per_code = lud.drop_duplicates("code").skip.value_counts().to_dict()
    assert per_code == {"": 2521, "town part": 638, "rural part": 638, "dzielnica": 18}
    assert set(lud[lud.code.str[6] == "8"].skip) == {"dzielnica"}
    assert lud[lud.code == "1465048"].name.iloc[0] != ""  # dzielnica rows keep name and values
    assert lud[lud.skip == "town part"].value.notna().any()


@needs_mirror
@pytest.mark.parametrize("rel", [f"{WK}/dochody.csv", f"{WK}/ludnosc.csv"])
def test_welkierk_type_change_duplicates(rel):
    """41 gminy appear under two codes that differ only in the type digit (type changed in
    2010–2019); the two codes never both have a value for the same year."""
    df = loaded(rel)
    unit = df[df.skip == ""].copy()
    unit["g6"] = unit.code.str[:6]
    n = unit.groupby("g6").code.nunique()
    pairs = n[n > 1].index
    assert len(pairs) == 41 and n.max() == 2
    has = unit[unit.g6.isin(pairs) & unit.value.notna()]
    assert has.groupby(["g6", "measure", "year"]).code.nunique().max() == 1
    # abolished / re-coded gminy are reported as they are
    codes = set(unit.code)
    assert {"0221091", "0809102", "3203042"} <= codes  # Wałbrzych 2003–2012, Zielona Góra (2), Ostrowice


@needs_mirror
def test_przemo6_and_welkierk_overlap_identical():
    p6 = loaded(f"{P6}/ludnosc ogol przed poprod.csv")
    wk = loaded(f"{WK}/ludnosc.csv")
    keys = ["w wieku przedprodukcyjnym;ogółem", "w wieku poprodukcyjnym;ogółem"]
    a = p6[p6.measure.isin(keys)]
    b = wk[wk.measure.isin(keys) & wk.year.between(2016, 2019)]
    m = a.merge(b, on=["code", "measure", "year"], suffixes=("_p", "_w"))
    assert len(m) == len(a) == 19_816
    both = m.value_p.notna() & m.value_w.notna()
    assert both.sum() == 19_718
    assert (m.value_p[both] == m.value_w[both]).all()
    assert (m.value_p.isna() == m.value_w.isna()).all()


@needs_mirror
def test_age_groups_add_up():
    """The catalogue derives population_total (2010–2015) and population_working from the groups:
    check both identities where the totals exist."""
    wk = loaded(f"{WK}/ludnosc.csv").pivot_table(index=["code", "year"], columns="measure",
                                                   values="value")
    g = wk[[f"w wieku {x};ogółem" for x in ("przedprodukcyjnym", "produkcyjnym", "poprodukcyjnym")]]
    total = loaded(f"{P6}/ludnosc ogol przed poprod.csv")
    total = total[total.measure == "ogółem;ogółem"].set_index(["code", "year"]).value
    j = g.sum(axis=1, min_count=3).to_frame("groups").join(total.rename("total")).dropna()
    assert len(j) == 9_859 and (j.groups == j.total).all()
    parts = wk["w wieku produkcyjnym mobilnym;ogółem"] + wk["w wieku produkcyjnym niemobilnym;ogółem"]
    ok = parts.notna()
    assert ok.sum() > 37_000 and (parts[ok] == wk.loc[ok, "w wieku produkcyjnym;ogółem"]).all()


@needs_mirror
def test_revenue_razem_is_not_total_revenue():
    """Consistency check of welkierk 'razem' / population against BDL revenue per capita.

    The ratio is far below 1 for every gmina (median ≈ 0.37, range 0.11–0.93 in 2016–2019):
    'razem' is own revenue (dochody własne), not total revenue, so this pair cannot tell which
    population BDL divides by. It is therefore not mapped to budget_revenue_total.
    """
    doch = loaded(f"{WK}/dochody.csv")
    pop = loaded(f"{P6}/ludnosc ogol przed poprod.csv")
    pc = loaded(f"{P6}/dochody na mieszk 2016-2019.csv")
    r = doch[doch.measure.str.endswith(";razem")][["code", "year", "value"]]
    p = pop[pop.measure == "ogółem;ogółem"][["code", "year", "value"]]
    m = r.merge(p, on=["code", "year"], suffixes=("_rev", "_pop")).merge(
        pc[["code", "year", "value"]], on=["code", "year"]).dropna()
    ratio = m.value_rev / m.value_pop / m.value
    assert len(m) > 9_800
    assert ratio.max() < 0.95 and ratio.min() > 0.1
    assert 0.33 < ratio.median() < 0.42
    krk = m[(m.code == "1261011") & (m.year == 2019)].iloc[0]
    assert krk.value == 7630.02 and round(krk.value_rev / krk.value_pop, 2) == 4920.15


# --- synthetic malformed / edge-case input ------------------------------------------------------

HEADER = '"Kod";"Nazwa";"ogółem;2019;[%]";"ogółem;2018;[%]";\n'


def write(tmp_path: Path, body: str, name: str = "x.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(body.encode(encoding))
    return p


def test_synthetic_good_file_rules(tmp_path):
    body = HEADER + ('0000000;"POLSKA";1,5;2;\n'
                     '0200000;"DOLNOŚLĄSKIE";1;2;\n'
                     '0201000;"Powiat bolesławiecki";1;2;\n'
                     '0201011;"Bolesławiec (1)";2,3;;\n'
                     '201043;"Nowogrodziec (3)";-0,5;0;\n'
                     '0201044;"Nowogrodziec - miasto (4)";1;1;\n'
                     '0201045;"Nowogrodziec - obszar wiejski (5)";1;1;\n'
                     '1465028;"Bemowo (8)";1;1;\n'
                     '1061029;"Łódź-Bałuty (9)";1;1;\n\n')
    df = bdl_csv.load(write(tmp_path, "\ufeff" + body))
    validate_raw_frame(df)
    skip = df.drop_duplicates("code").set_index("code").skip.to_dict()
    assert skip == {"0000000": "aggregate row", "0200000": "aggregate row",
                    "0201000": "aggregate row", "0201011": "", "0201043": "",
                    "0201044": "town part", "0201045": "rural part", "1465028": "dzielnica",
                    "1061029": "delegatura"}
    assert value(df, "0201011", "ogółem", 2019) == 2.3
    assert np.isnan(value(df, "0201011", "ogółem", 2018))  # empty = no data, not 0
    assert value(df, "0201043", "ogółem", 2019) == -0.5
    assert value(df, "0201043", "ogółem", 2018) == 0.0
    assert df.loc[df.code == "0201043", "name"].iloc[0] == "Nowogrodziec"
    assert set(df.source_unit) == {"%"}


def test_cp1250_and_no_trailing_semicolon(tmp_path):
    body = 'Kod;Nazwa;"gminy;razem;2010;[zł]"\n0201011;Bolesławiec (1);12,5\n'
    df = bdl_csv.load(write(tmp_path, body, encoding="cp1250"))
    assert df.name.iloc[0] == "Bolesławiec"
    assert df.measure.iloc[0] == "gminy;razem" and df.year.iloc[0] == 2010
    assert df.value.iloc[0] == 12.5


def test_dash_option(tmp_path):
    p = write(tmp_path, HEADER + '0201011;"Bolesławiec (1)";-;1;\n')
    assert np.isnan(value(bdl_csv.load(p), "0201011", "ogółem", 2019))
    assert value(bdl_csv.load(p, dash=0.0), "0201011", "ogółem", 2019) == 0.0


@pytest.mark.parametrize("body,expect", [
    (HEADER + '0201011;"Bolesławiec (1)";2,3;12a;\n', "line 2, column 4 ('ogółem;2018;[%]'): not a number: '12a'"),
    (HEADER + '0201011;"Bolesławiec (1)";2,3;\n', "line 2: 4 fields, header has 5"),
    (HEADER + '02O1011;"Bolesławiec (1)";2,3;1;\n', "line 2, column 1 (Kod): malformed BDL code '02O1011'"),
    (HEADER + '02010111;"Bolesławiec (1)";2,3;1;\n', "line 2, column 1 (Kod): malformed BDL code"),
    (HEADER + '0201011;"Bolesławiec (2)";2,3;1;\n', "line 2, column 2 (Nazwa): type (2)"),
    (HEADER + '0201017;"Bolesławiec";2,3;1;\n', "unknown unit type digit '7'"),
    (HEADER + '0201011;"A (1)";1;1;\n0201011;"A (1)";1;1;\n', "line 3, column 1 (Kod): code 0201011 repeats line 2"),
    (HEADER + '0201011;"Bolesławiec (1)";2,3;1;9;\n', "line 2: 6 fields"),
    (HEADER.replace(';"ogółem;2018;[%]";', ';"ogółem;2018;[%]";"x"') + '0201011;"B (1)";1;1;\n',
     "line 1, column 5 ('x'): expected exactly one 4-digit year"),
    ('"Kod";"Nazwa";"ogółem;[%]";\n0201011;"B (1)";1;\n', "line 1, column 3 ('ogółem;[%]'): expected exactly one"),
    ('"Kod";"Nazwa";"ogółem;2019";"ogółem;2019";\n0201011;"B (1)";1;1;\n', "duplicate of column 3"),
    ('"Code";"Name";"ogółem;2019";\n', 'line 1: expected header "Kod";"Nazwa"'),
    ('"Kod";"Nazwa";"ogółem;2019";;\n0201011;"B (1)";1;5;\n', "line 1, column 4: empty header"),
    ('"Kod";"Nazwa";"ogółem;2019"\n0201011;"B (1)";1;5\n', "line 2: 4 fields, header has 3"),
    ("", "empty file"),
])
def test_malformed_input_names_file_row_column(tmp_path, body, expect):
    p = write(tmp_path, body, name="broken.csv")
    with pytest.raises(LoaderError) as exc:
        bdl_csv.load(p)
    assert str(exc.value).startswith("broken.csv")
    assert expect in str(exc.value)


def test_value_under_trailing_empty_header(tmp_path):
    p = write(tmp_path, '"Kod";"Nazwa";"ogółem;2019";\n0201011;"B (1)";1;7\n', name="t.csv")
    with pytest.raises(LoaderError, match=r"t.csv: line 2, column 4: value '7' under the empty"):
        bdl_csv.load(p)


# --- catalogue ----------------------------------------------------------------------------------

def _indicator_ids() -> set[str]:
    ids = set()
    for f in (CATALOGUE / "indicators").glob("*.yaml"):
        ids |= {e["id"] for e in yaml.safe_load(f.read_text(encoding="utf-8"))}
    return ids


DATASETS = yaml.safe_load((CATALOGUE / "datasets" / "bdl.yaml").read_text(encoding="utf-8"))


def test_catalogue_static():
    sources = {s["id"] for s in yaml.safe_load((CATALOGUE / "sources.yaml").read_text("utf-8"))}
    indicators = _indicator_ids()
    ids = [d["id"] for d in DATASETS]
    assert len(ids) == len(set(ids))
    assert {d["path"] for d in DATASETS} == {f[0] for f in FILES}
    for d in DATASETS:
        assert d["source"] in sources, d["id"]
        assert set(d["measures"].values()) <= indicators, d["id"]
        assert not set(d["measures"]) & set(d.get("ignore") or {}), d["id"]
        assert d["level"] in {"gmina", "powiat", "mixed"} and isinstance(d["priority"], int)
        assert hasattr(importlib.import_module(f"loaders.{d['loader']}"), "load")


@needs_mirror
@pytest.mark.parametrize("d", DATASETS, ids=[d["id"] for d in DATASETS])
def test_catalogue_maps_every_measure(d):
    df = loaded(d["path"]) if not d["options"] else bdl_csv.load(MIRROR / d["path"], **d["options"])
    emitted = set(df.measure)
    declared = set(d["measures"]) | set(d.get("ignore") or {})
    assert emitted == declared, (emitted - declared, declared - emitted)


def test_overlap_priorities():
    by_path = {d["path"]: d for d in DATASETS}
    assert by_path[f"{P6}/ludnosc ogol przed poprod.csv"]["priority"] == 1
    assert by_path[f"{WK}/ludnosc.csv"]["priority"] == 2
