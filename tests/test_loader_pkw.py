"""loaders/pkw.py on the real PKW files of the data mirror, plus malformed synthetic inputs."""
from __future__ import annotations

import functools
import importlib
from pathlib import Path

import pandas as pd
import pytest
import yaml

from loaders.base import RAW_COLUMNS, LoaderError, validate_raw_frame
from loaders.pkw import load
from settings import PROJECT_ROOT, get_settings

CATALOGUE = PROJECT_ROOT / "data" / "catalogue"
DATASETS = yaml.safe_load((CATALOGUE / "datasets" / "pkw.yaml").read_text(encoding="utf-8"))
BY_ID = {d["id"]: d for d in DATASETS}
MIRROR = get_settings().data_mirror

# id: (unit rows, skip rows by reason, codeless unit rows, Warszawa handling)
#   Warszawa: "summed" = one added row = sum of the 18 dzielnice; "whole" = the file's own
#   whole-city row; "none" = percentages only, no Warszawa value.
EXPECTED = {
    "pkw_sejm_2011": (2479, {"dzielnica": 18, "ships": 2, "abroad": 1}, 0, "summed"),
    "pkw_sejm_2015": (2478, {"dzielnica": 18, "ships": 2, "abroad": 1}, 0, "summed"),
    "pkw_sejm_2019": (2477, {"dzielnica": 18, "ships": 1, "abroad": 1}, 0, "summed"),
    "pkw_sejm_2023": (2477, {"dzielnica": 18, "abroad": 91}, 0, "summed"),
    "pkw_president_2020_r2": (2477, {"dzielnica": 18, "ships": 1, "abroad": 1}, 0, "summed"),
    "pkw_voting_certificates_2023": (2477, {"town part": 677, "rural part": 677}, 0, "whole"),
    "pkw_sejmik_2018": (2477, {"dzielnica": 18}, 0, "summed"),
    "pkw_president_2025_r1": (2479, {"dzielnica": 18, "abroad": 92, "ships": 1}, 65, "summed"),
    "pkw_president_2025_r2": (2479, {"dzielnica": 18, "abroad": 92, "ships": 1}, 0, "summed"),
    "pkw_ep_2019": (2476, {"dzielnica": 18, "abroad": 1, "ships": 1}, 0, "none"),
    "pkw_ep_2024": (2476, {"dzielnica": 18, "abroad": 90, "ships": 1}, 65, "none"),
}


def _mirror() -> Path:
    if not MIRROR.is_dir():
        pytest.skip(f"data mirror not found at {MIRROR} (set MRL_DATA_MIRROR)")
    return MIRROR


@functools.cache
def _load(ds_id: str) -> pd.DataFrame:
    d = BY_ID[ds_id]
    return load(_mirror() / d["path"], **d["options"])


def frame(ds_id: str) -> pd.DataFrame:
    path = _mirror() / BY_ID[ds_id]["path"]
    if not path.is_file():
        pytest.skip(f"{path} missing from the mirror")
    return _load(ds_id)


def key_of(ds_id: str, indicator_prefix: str) -> str:
    keys = [k for k, v in BY_ID[ds_id]["measures"].items() if v.startswith(indicator_prefix)]
    assert len(keys) == 1, (ds_id, indicator_prefix, keys)
    return keys[0]


def rows(ds_id: str) -> pd.DataFrame:
    """One raw-frame row per source row (+ added rows): the first emitted column."""
    df = frame(ds_id)
    return df[df["measure"] == BY_ID[ds_id]["options"]["columns"][0]]


def value(ds_id: str, indicator_prefix: str, **where) -> float:
    df = frame(ds_id)
    sel = df[df["measure"] == key_of(ds_id, indicator_prefix)]
    for col, v in where.items():
        sel = sel[sel[col] == v]
    assert len(sel) == 1, (ds_id, where, len(sel))
    return float(sel["value"].iloc[0])


# --------------------------------------------------------------------------- every file

@pytest.mark.parametrize("ds_id", list(EXPECTED))
def test_contract_and_year(ds_id):
    df = frame(ds_id)
    assert tuple(df.columns) == RAW_COLUMNS
    validate_raw_frame(df)
    assert set(df["year"]) == {BY_ID[ds_id]["options"]["year"]}
    opts = BY_ID[ds_id]["options"]
    assert set(df["measure"]) == set(opts["columns"]) | set(opts.get("sum_columns", {}))


@pytest.mark.parametrize("ds_id", list(EXPECTED))
def test_row_accounting(ds_id):
    units, skips, codeless, _ = EXPECTED[ds_id]
    r = rows(ds_id)
    assert (r["skip"] == "").sum() == units
    assert r.loc[r["skip"] != "", "skip"].value_counts().to_dict() == skips
    assert ((r["skip"] == "") & (r["code"] == "")).sum() == codeless
    # every emitted column has the same rows (added Warszawa/gmina rows only for counts)
    counts = frame(ds_id).groupby("measure").size()
    pct = set(BY_ID[ds_id]["options"].get("percent_columns", []))
    assert counts[[m for m in counts.index if m not in pct]].nunique() <= 1


@pytest.mark.parametrize("ds_id", list(EXPECTED))
def test_unit_codes_are_padded(ds_id):
    r = rows(ds_id)
    width = BY_ID[ds_id]["options"].get("code_width", 6)
    coded = r[(r["skip"] == "") & (r["code"] != "")]
    assert coded["code"].str.fullmatch(rf"\d{{{width}}}").all()
    assert not coded["code"].duplicated().any()
    # voivodeship 02 (dolnośląskie) lost its leading zero in most files; it is back
    assert (coded["code"].str[:2] == "02").sum() > 150


@pytest.mark.parametrize("ds_id", list(EXPECTED))
def test_warsaw(ds_id):
    handling = EXPECTED[ds_id][3]
    df = frame(ds_id)
    width = BY_ID[ds_id]["options"].get("code_width", 6)
    city = df[(df["skip"] == "") & (df["code"] == {6: "146501", 7: "1465011"}[width])]
    districts = df[df["skip"] == "dzielnica"]
    if handling == "none":
        assert city.empty and not (df["name"] == "Warszawa").any()
        assert sorted(districts["code"].unique()) == [str(c) for c in range(146502, 146520)]
    elif handling == "whole":
        assert districts.empty
        assert city["name"].unique().tolist() == ["WARSZAWA"]
    else:
        assert city["name"].unique().tolist() == ["Warszawa"]
        assert districts["code"].nunique() == 18
        summed = districts.groupby("measure")["value"].sum()
        got = city.set_index("measure")["value"]
        assert set(got.index) == set(summed.index)
        for m, v in got.items():
            assert v == summed[m], (m, v, summed[m])


@pytest.mark.parametrize("ds_id", [k for k, v in EXPECTED.items() if v[1].get("abroad")])
def test_abroad_and_ships_are_not_units(ds_id):
    df = frame(ds_id)
    units = df[df["skip"] == ""]
    low = (units["name"] + " " + units["parent_name"]).str.lower()
    assert not low.str.contains(r"\bzagranica\b|\bstatki\b").any()
    abroad = df[df["skip"] == "abroad"]
    assert (abroad["name"] + abroad["parent_name"]).str.lower().str.contains("zagranica").all()


@pytest.mark.parametrize("ds_id", [k for k, v in EXPECTED.items() if v[2]])
def test_codeless_cities(ds_id):
    r = rows(ds_id)
    cities = r[(r["skip"] == "") & (r["code"] == "")]
    assert (cities["name"] == cities["parent_name"]).all()
    assert cities["parent_name"].is_unique
    assert {"Kraków", "Wrocław", "Łódź", "Świnoujście"} <= set(cities["parent_name"])
    assert "Warszawa" not in set(cities["parent_name"])  # Warszawa comes as coded dzielnice
    # the codeless abroad/ships rows are skip rows, never taken for cities
    assert not cities["parent_name"].str.lower().isin({"zagranica", "statki"}).any()


# --------------------------------------------------------------------------- real values

def test_known_values():
    assert value("pkw_sejm_2019", "eligible_voters", code="126101") == 607_616
    assert value("pkw_sejm_2015", "eligible_voters", code="126101") == 594_326  # "594,326"
    assert value("pkw_sejm_2011", "eligible_voters", code="1261011") == 595_079
    assert value("pkw_sejmik_2018", "eligible_voters", code="126101") == 581_920  # XLSX
    assert value("pkw_president_2025_r2", "eligible_voters", code="126101") == 626_893
    assert value("pkw_president_2025_r1", "eligible_voters", code="", name="Kraków") == 621_058
    assert value("pkw_ep_2024", "turnout_ep", code="", name="Kraków") == 51.27
    assert value("pkw_ep_2019", "turnout_ep", code="126101") == 56.42
    # 2011: 7-digit BDL code with the leading zero dropped ("201022;Bolesławiec, gm.")
    assert value("pkw_sejm_2011", "eligible_voters", code="0201022") == 10_560
    r = rows("pkw_sejm_2011")
    assert r.loc[r["code"] == "0201022", "name"].item() == "Bolesławiec, gm."


@pytest.mark.parametrize("ds_id, units, abroad_and_ships", [
    # SOURCES.md: 30.76 M (2011), 30.25 M (2019), 29.53 M (2023): all three are the totals
    # INCLUDING abroad and ships (2023 in Poland only is 28.90 M).
    ("pkw_sejm_2011", 30_623_396, 139_535),
    ("pkw_sejm_2019", 29_903_572, 349_984),
    ("pkw_sejm_2023", 28_896_086, 635_536),
])
def test_eligible_voter_totals(ds_id, units, abroad_and_ships):
    df = frame(ds_id)
    e = df[df["measure"] == key_of(ds_id, "eligible_voters")]
    assert e.loc[e["skip"] == "", "value"].sum() == units
    assert e.loc[e["skip"].isin(["abroad", "ships"]), "value"].sum() == abroad_and_ships
    # unit rows already contain Warszawa, so the dzielnice are not added again
    assert e.loc[e["skip"] != "dzielnica", "value"].sum() == units + abroad_and_ships


def test_ballots_issued_include_postal_packages():
    # 2023 "(łącznie)" column = in the polling station + postal packages sent, the same sum the
    # catalogue builds for the older files with sum_columns.
    d = BY_ID["pkw_sejm_2023"]
    inside = "Liczba wyborców, którym wydano karty do głosowania"
    postal = "Liczba wyborców, którym wysłano pakiety wyborcze"
    total = key_of("pkw_sejm_2023", "ballots_issued")
    df = load(_mirror() / d["path"], **{**d["options"], "columns": [inside, postal, total]})
    w = df.pivot_table(index=["code", "name"], columns="measure", values="value").dropna()
    assert len(w) >= 2_575
    assert (w[inside] + w[postal] == w[total]).all()


# PKW's published Frekwencja = valid ballot papers / eligible; ballots issued / eligible differs.
PCT_FILES = {
    "pkw_sejm_2019": ("hrpunio-Data/2019_pl_gminy.csv", "Kod TERYT", 785),
    "pkw_sejm_2023": ("hrpunio-Data/2023_pl_gminy.csv", "TERYT Gminy", 1_616),
}


@pytest.mark.parametrize("ds_id", list(PCT_FILES))
def test_turnout_matches_pkw_percent_file(ds_id):
    pct_path, code_col, ballots_differ = PCT_FILES[ds_id]
    if not (_mirror() / pct_path).is_file():
        pytest.skip(f"{pct_path} missing")
    pct = load(_mirror() / pct_path, year=BY_ID[ds_id]["options"]["year"], code_column=code_col,
               name_column="Gmina", powiat_column="Powiat", columns=["Frekwencja"],
               percent_columns=["Frekwencja"])
    df = frame(ds_id)
    df = df[~df["skip"].isin(["abroad", "ships"])]  # domestic gminy and dzielnice
    w = df.pivot_table(index=["code", "name"], columns="measure", values="value")
    f = pct.set_index(["code", "name"])["value"]
    j = w.join(f.rename("F"), how="inner")
    assert len(j) == 2_494  # 2,476 gminy + 18 dzielnice (the added Warszawa row has no %)
    eligible = j[key_of(ds_id, "eligible_voters")]
    valid = j[BY_ID[ds_id]["options"]["columns"][-1]]
    assert valid.name == "Liczba kart ważnych"
    assert ((valid / eligible * 100 - j["F"]).abs() > 0.01 + 1e-9).sum() == 0
    issued = j[key_of(ds_id, "ballots_issued")]
    assert ((issued / eligible * 100 - j["F"]).abs() > 0.01 + 1e-9).sum() == ballots_differ


def test_voting_certificates_parts_and_blanks():
    ds = "pkw_voting_certificates_2023"
    perm = key_of(ds, "voting_certificates_permanent")
    req = key_of(ds, "voting_certificates_on_request")
    df = frame(ds)
    # codes are BDL WWPPGGT: T=1/2 gminy, T=4/5 town/rural parts of urban-rural gminy (no T=3)
    r = rows(ds)
    assert set(r.loc[r["skip"] == "", "code"].str[6]) == {"1", "2", "3"}
    # Nowogrodziec: 0201044 (town, 29 / 2) + 0201045 (rural, 70 / blank) -> 0201043
    assert value(ds, "voting_certificates_permanent", code="0201043") == 99
    assert value(ds, "voting_certificates_on_request", code="0201043") == 2
    assert value(ds, "voting_certificates_on_request", code="0201032") == 0  # blank = 0
    for m in (perm, req):
        parts = df[(df["measure"] == m) & df["skip"].isin(["town part", "rural part"])]
        added = df[(df["measure"] == m) & (df["skip"] == "") & (df["code"].str[6] == "3")]
        assert len(added) == 677
        assert added["value"].sum() == parts["value"].sum()
    assert df.loc[(df["measure"] == perm) & (df["skip"] == ""), "value"].sum() == 354_521
    assert df.loc[(df["measure"] == req) & (df["skip"] == ""), "value"].sum() == 15_278
    assert not df["value"].isna().any()


# --------------------------------------------------------------------------- catalogue

def _indicator_ids() -> set[str]:
    ids = set()
    for f in (CATALOGUE / "indicators").glob("*.yaml"):
        ids |= {i["id"] for i in yaml.safe_load(f.read_text(encoding="utf-8"))}
    return ids


def test_catalogue_entries_are_well_formed():
    sources = {s["id"] for s in yaml.safe_load((CATALOGUE / "sources.yaml").read_text(encoding="utf-8"))}
    indicators = _indicator_ids()
    assert len({d["id"] for d in DATASETS}) == len(DATASETS) == len(EXPECTED)
    for d in DATASETS:
        assert d["source"] in sources, d["id"]
        assert d["level"] == "gmina"
        assert set(d["measures"].values()) <= indicators, d["id"]
        assert all(isinstance(v, str) and v.strip() for v in d.get("ignore", {}).values())
        assert not set(d["measures"]) & set(d.get("ignore", {})), d["id"]
        module = importlib.import_module(f"loaders.{d['loader']}")
        assert callable(module.load)


@pytest.mark.parametrize("ds_id", list(EXPECTED))
def test_catalogue_maps_every_emitted_key(ds_id):
    d = BY_ID[ds_id]
    emitted = set(frame(ds_id)["measure"])
    declared = set(d["measures"]) | set(d.get("ignore", {}))
    assert emitted - declared == set(), "unmapped keys"
    assert declared - emitted == set(), "stale catalogue keys"


# --------------------------------------------------------------------------- synthetic files

HEAD = "Kod;Gmina;Powiat;Uprawnieni;Wydane\n"
OPTS = dict(year=2020, code_column="Kod", name_column="Gmina", powiat_column="Powiat",
            columns=["Uprawnieni", "Wydane"])
DISTRICTS = "".join(f"{c};D{c};Warszawa;10;5\n" for c in range(146502, 146520))


def _write(tmp_path, text, name="t.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_synthetic_quirks(tmp_path):
    text = ("\ufeff" + HEAD + "20101;m. A;a;\"1,234\";1\n;;Kraków;100;50\n;Albania;zagranica;9;9\n"
            ";;statki;3;3\n" + DISTRICTS).replace("\n", "\r\n")
    df = load(_write(tmp_path, text), **OPTS, thousands=".")  # decimal "," -> 1.234
    r = df[df["measure"] == "Uprawnieni"].set_index(["code", "name"])
    assert r.loc[("020101", "m. A"), "value"] == 1.234
    assert r.loc[("", "Kraków"), "parent_name"] == "Kraków"
    assert r.loc[("", "Kraków"), "skip"] == ""
    assert r.loc[("", "Albania"), "skip"] == "abroad"
    assert r.loc[("", ""), "skip"] == "ships"
    assert r.loc[("146501", "Warszawa"), "value"] == 180
    df = load(_write(tmp_path, HEAD + "146501;Warszawa;Warszawa;999;9\n" + DISTRICTS), **OPTS)
    w = df[(df["measure"] == "Uprawnieni") & (df["skip"] == "")]
    assert w["value"].tolist() == [999]  # whole-city row kept, dzielnice not added to it


@pytest.mark.parametrize("body, opts, message", [
    ("20101;m. A;a;12a;1\n", {}, r"row 2, column 'Uprawnieni': cannot parse '12a'"),
    ("20101;m. A;a;1;1\n20102;gm. A;a;1;x y\n", {}, r"row 3, column 'Wydane'"),
    ("02-101;m. A;a;1;1\n", {}, r"row 2, column 'Kod': code '02-101' is not digits"),
    ("1234567;m. A;a;1;1\n", {}, r"row 2, column 'Kod': code '1234567' is longer than 6"),
    (";;;1;1\n", {}, r"row 2, column 'Kod': empty code and no powiat name"),
    ("146502;Bemowo;Warszawa;1;1\n", {}, r"Warsaw dzielnice incomplete.*row 2"),
    ("20101;m. A;a;1;1\n", {"columns": ["Uprawnieni", "Karty"]}, r"column 'Karty' not found"),
    ("20101;m. A;a;1;1\n20101;m. A;a;1;1\n", {}, r"unit '020101' occurs twice \(rows \[2, 3\]\)"),
    ("201044;A;a;1;1\n", {"code_width": 7}, r"row 2: gmina 0201043 has parts \['4'\]"),
    ("201046;A;a;1;1\n", {"code_width": 7}, r"row 2, column 'Kod': code '201046' has unknown type"),
])
def test_malformed_inputs_name_row_and_column(tmp_path, body, opts, message):
    with pytest.raises(LoaderError, match=message):
        load(_write(tmp_path, HEAD + body), **{**OPTS, **opts})


def test_duplicated_header_and_missing_year(tmp_path):
    p = _write(tmp_path, "Kod;Gmina;Powiat;Uprawnieni;Uprawnieni\n20101;A;a;1;1\n")
    with pytest.raises(LoaderError, match="'Uprawnieni' occurs 2 times"):
        load(p, **{**OPTS, "columns": ["Uprawnieni"]})
    with pytest.raises(LoaderError, match="year must be an integer"):
        load(p, **{**OPTS, "year": None, "columns": ["Uprawnieni"]})


def test_malformed_xlsx_names_sheet_row(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["TERYT\ngminy", "Gmina", "Powiat", "Uprawnieni"])
    ws.append(["020101", "m. A", "a", 10])
    ws.append([20102, "gm. A", "a", "dziesięć"])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    opts = dict(year=2018, code_column="TERYT\ngminy", name_column="Gmina", powiat_column="Powiat")
    with pytest.raises(LoaderError, match=r"t.xlsx: row 3, column 'Uprawnieni'"):
        load(p, **opts, columns=["Uprawnieni"])
    ws.delete_rows(3)
    wb.save(p)
    df = load(p, **opts, columns=["Uprawnieni"])
    assert df["code"].tolist() == ["020101"] and df["value"].tolist() == [10.0]
