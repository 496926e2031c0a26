"""loaders/powiat_tables.py on the real mirror files, plus malformed synthetic inputs."""
from __future__ import annotations

import functools
import importlib
from pathlib import Path

import pandas as pd
import pytest
import yaml

from loaders.base import RAW_COLUMNS, LoaderError, validate_raw_frame
from loaders.powiat_tables import load_crimes, load_powiat_population
from settings import PROJECT_ROOT, get_settings

CATALOGUE = PROJECT_ROOT / "data" / "catalogue"
DATASETS = yaml.safe_load((CATALOGUE / "datasets" / "powiat.yaml").read_text(encoding="utf-8"))
BY_ID = {d["id"]: d for d in DATASETS}
MIRROR = get_settings().data_mirror
POP = "bdl_powiat_population_2012_2017"
CRIMES = "bdl_crimes_2002_2023"
TOTAL = "Przestępstwa ogółem"


def _resolve_loader(spec: str):
    module, _, func = spec.partition(".")
    return getattr(importlib.import_module(f"loaders.{module}"), func or "load")


@functools.cache
def _load(ds_id: str) -> pd.DataFrame:
    d = BY_ID[ds_id]
    return _resolve_loader(d["loader"])(MIRROR / d["path"], **d["options"])


def frame(ds_id: str) -> pd.DataFrame:
    path: Path = MIRROR / BY_ID[ds_id]["path"]
    if not path.is_file():
        pytest.skip(f"{path} missing (set MRL_DATA_MIRROR)")
    return _load(ds_id)


@pytest.mark.parametrize("ds_id", [POP, CRIMES])
def test_contract(ds_id):
    df = frame(ds_id)
    assert tuple(df.columns) == RAW_COLUMNS
    validate_raw_frame(df)


# --------------------------------------------------------------------------- population

def test_population_values():
    df = frame(POP)
    assert sorted(df["year"].unique()) == list(range(2012, 2018))  # empty 2018 not emitted
    assert df["code"].str.fullmatch(r"\d{4}").all() and df["code"].nunique() == 380
    assert (df["skip"] == "").all()
    w = df.pivot_table(index=["code", "year"], columns="measure", values="value")
    assert w.loc[("1261", 2012), "total"] == 758_334
    assert w.loc[("0201", 2017), "total"] == 90_173  # bolesławiecki, leading zero kept
    # group identities hold wherever there is data
    assert (w["pre_working"] + w["working"] + w["post_working"] == w["total"]).all()
    assert (w["working_mobile"] + w["working_nonmobile"] == w["working"]).all()
    # the only blank cells: Wałbrzych (0265) in 2012, before it became a city powiat again
    nan = df[df["value"].isna()]
    assert set(nan["code"]) == {"0265"} and set(nan["year"]) == {2012} and len(nan) == 6
    assert w.xs(2017, level="year")["total"].sum() == 38_433_558


# --------------------------------------------------------------------------- crimes

def test_crimes_row_kinds():
    df = frame(CRIMES)
    r = df[df["measure"] == TOTAL]
    assert r["skip"].value_counts().to_dict() == {
        "": 4_554, "aggregate row (podregion)": 1_606, "aggregate row (region)": 374,
        "aggregate row (macroregion)": 154}
    units = r[r["skip"] == ""]
    powiaty = units[units["code"].str.len() == 4]
    assert sorted(powiaty["year"].unique()) == list(range(2013, 2024))
    assert powiaty.groupby("year")["code"].nunique().eq(380).all()
    assert powiaty.groupby("year").size().eq(380).all()
    woj = units[units["code"].str.len() == 2]
    assert woj.groupby("year").size().eq(17).all()  # 16 voivodeships + POLSKA "00"
    assert sorted(woj["year"].unique()) == list(range(2002, 2024))
    assert set(units.loc[units["code"] == "00", "name"]) == {"POLSKA"}
    assert (r.loc[r["skip"] != "", "code"] == "").all()


def test_crimes_values_and_rollups():
    df = frame(CRIMES)
    t = df[(df["measure"] == TOTAL) & (df["skip"] == "")]
    krakow = t[(t["code"] == "1261") & (t["year"] == 2013)]
    assert krakow["value"].item() == 31_326 and krakow["name"].item() == "Powiat m. Kraków"
    rate = df[(df["code"] == "1261") & (df["year"] == 2013) & df["measure"].str.startswith("Wskaźnik")]
    assert rate["value"].item() == 47.1
    # powiaty sum to their voivodeship, voivodeships to POLSKA (checks the id decoding)
    pw = t[t["code"].str.len() == 4]
    by_woj = pw.groupby([pw["code"].str[:2], "year"])["value"].sum()
    woj = t[(t["code"].str.len() == 2) & (t["code"] != "00")].set_index(["code", "year"])["value"]
    assert (by_woj == woj.reindex(by_woj.index)).all()
    pl = t[t["code"] == "00"].set_index("year")["value"]
    assert (woj.groupby(level="year").sum() == pl).all()
    assert not df["value"].isna().any()


# --------------------------------------------------------------------------- catalogue

def test_catalogue_entries():
    sources = {s["id"] for s in yaml.safe_load((CATALOGUE / "sources.yaml").read_text(encoding="utf-8"))}
    indicators = set()
    for f in (CATALOGUE / "indicators").glob("*.yaml"):
        indicators |= {i["id"] for i in yaml.safe_load(f.read_text(encoding="utf-8"))}
    assert set(BY_ID) == {POP, CRIMES}
    for d in DATASETS:
        assert d["source"] in sources
        assert set(d["measures"].values()) <= indicators, d["id"]
        assert callable(_resolve_loader(d["loader"]))
    assert BY_ID[POP]["source"] == "bdl_powiat_population"
    assert BY_ID[CRIMES]["source"] == "bdl_crimes"


@pytest.mark.parametrize("ds_id", [POP, CRIMES])
def test_catalogue_maps_every_emitted_key(ds_id):
    d = BY_ID[ds_id]
    emitted = set(frame(ds_id)["measure"])
    declared = set(d["measures"]) | set(d.get("ignore", {}))
    assert emitted - declared == set(), "unmapped keys"
    assert declared - emitted == set(), "stale catalogue keys"


# --------------------------------------------------------------------------- synthetic files

POP_HEAD = "teryt;powiat;total2012;pp2012;total2018\n"
CRIME_HEAD = "id,name,year,Przestępstwa ogółem\n"


def _write(tmp_path, text):
    p = tmp_path / "t.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_population_synthetic(tmp_path):
    df = load_powiat_population(_write(tmp_path, POP_HEAD + "201000;a;10;3;\r\n1261000;b;;1;\r\n"))
    assert set(df["year"]) == {2012}  # total2018 empty everywhere -> not emitted
    assert df.loc[(df["code"] == "0201") & (df["measure"] == "total"), "value"].item() == 10
    assert df.loc[(df["code"] == "1261") & (df["measure"] == "total"), "value"].isna().all()


@pytest.mark.parametrize("body, message", [
    ("201000;a;1x;3;\n", r"row 2, column 'total2012': cannot parse '1x'"),
    ("201000;a;1;3;\n201001;b;1;3;\n", r"row 3, column 'teryt': code '201001' is not a powiat"),
    ("20A1000;a;1;3;\n", r"row 2, column 'teryt': code '20A1000'"),
    ("201000;a;1;3;\n201000;a;1;3;\n", r"row 3: powiat 0201 already given in row 2"),
])
def test_population_malformed(tmp_path, body, message):
    with pytest.raises(LoaderError, match=message):
        load_powiat_population(_write(tmp_path, POP_HEAD + body))


def test_population_unexpected_column(tmp_path):
    with pytest.raises(LoaderError, match=r"unexpected column 'xx2012' \(position 3\)"):
        load_powiat_population(_write(tmp_path, "teryt;powiat;xx2012\n201000;a;1\n"))


@pytest.mark.parametrize("body, message", [
    ("11212161000,Powiat m. Kraków,2013,3x\n", r"row 2, column 'Przestępstwa ogółem': cannot parse '3x'"),
    ("11212161011,Gmina X,2013,3\n", r"row 2, column 'id': id 011212161011 is below powiat"),
    ("11212161000,PODREGION X,2013,3\n", r"row 2: id 011212161000 looks like a powiat row"),
    ("11212161000,Powiat m. Kraków,20x3,3\n", r"row 2, column 'year'"),
    ("1-2,Powiat X,2013,3\n", r"row 2, column 'id': id '1-2'"),
    ("0,POLSKA,2013,1\n0,POLSKA,2013,1\n", r"row 3: unit 00 year 2013 already given in row 2"),
])
def test_crimes_malformed(tmp_path, body, message):
    with pytest.raises(LoaderError, match=message):
        load_crimes(_write(tmp_path, CRIME_HEAD + body))


def test_crimes_synthetic_kinds(tmp_path):
    body = ("0,POLSKA,2002,10\n10000000000,MAKROREGION X,2002,5\n11200000000,MAŁOPOLSKIE,2002,4\n"
            "11210000000,REGION MAŁOPOLSKIE,2002,4\n11212100000,PODREGION MIASTO KRAKÓW,2002,2\n"
            "11212161000,Powiat m. Kraków,2002,2\n")
    df = load_crimes(_write(tmp_path, CRIME_HEAD + body))
    assert df[["code", "skip"]].values.tolist() == [
        ["00", ""], ["", "aggregate row (macroregion)"], ["12", ""],
        ["", "aggregate row (region)"], ["", "aggregate row (podregion)"], ["1261", ""]]
