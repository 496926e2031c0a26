"""Random cells of the raw BDL exports, parsed here with plain csv (independently of the loaders),
must be in the store unchanged — for gminy whose code did not change and for re-coded ones."""
import csv
import random
import re

import pytest

from tests.conftest import mirror_dir

# file -> {header prefix (before the year) -> indicator}
FILES = {
    "Przemo6-elections/bezrobocie.csv": {"ogółem": "unemployed_share_working_age"},
    "Przemo6-elections/bezrobocie18.csv": {"ogółem": "unemployed_registered"},
    "Przemo6-elections/dochody na mieszk 2016-2019.csv": {
        "gminy łącznie z miastami na prawach powiatu;ogółem": "revenue_per_capita"},
    "Przemo6-elections/wydatki na mieszk 2016-2019.csv": {
        "gminy łącznie z miastami na prawach powiatu;ogółem": "expenditure_per_capita"},
    "Przemo6-elections/feminizacja.csv": {"ogółem": "feminisation"},
    "Przemo6-elections/ludnosc 2016-2019.csv": {"ludność na 1 km2": "population_density"},
    "Przemo6-elections/powierzchnia.csv": {"ogółem w km2": "area_km2"},
    "Przemo6-elections/saldo migracji stalych na 1000 osob.csv": {
        "saldo migracji na 1000 osób;ogółem": "net_migration_per_1000"},
    "Przemo6-elections/wodkangaz.csv": {"ogółem;wodociąg": "water_supply_pct", "ogółem;kanalizacja": "sewerage_pct",
                                        "ogółem;gaz": "gas_pct"},
    "Przemo6-elections/ludnosc ogol przed poprod.csv": {"ogółem;ogółem": "population_total",
                                                        "w wieku poprodukcyjnym;ogółem": "population_post_working"},
    "Przemo6-elections/imprezy i uczestnicy.csv": {"imprezy;ogółem": "cultural_events"},
}


def sample_cells(path, mapping, n, rng):
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header = rows[0]
    cells = []
    for row in rows[1:]:
        for j, h in enumerate(header[2:], start=2):
            m = re.match(r"^(.*);(\d{4});\[[^\]]*\]$", h)
            if not m or m.group(1) not in mapping or j >= len(row) or not row[j].strip():
                continue
            cells.append((row[0].strip().zfill(7), mapping[m.group(1)], int(m.group(2)),
                          float(row[j].replace(",", "."))))
    return rng.sample(cells, min(n, len(cells)))


@pytest.mark.parametrize("relpath", sorted(FILES))
def test_random_source_cells_are_in_the_store(sqlite_store, relpath):
    rng = random.Random(relpath)  # deterministic per file
    cells = sample_cells(mirror_dir() / relpath, FILES[relpath], 40, rng)
    assert cells
    for code, indicator, year, expected in cells:
        unit, _ = sqlite_store.resolve_code(code)
        got = sqlite_store.values(units=[unit], indicators=[indicator], years=[year])
        assert len(got) == 1, (relpath, code, indicator, year)
        assert got["value"].iloc[0] == pytest.approx(expected), (relpath, code, indicator, year)
        assert got["method"].iloc[0] == "source"
