"""The committed catalogue is consistent and every dataset maps every column it emits."""
import pytest

from domain.catalogue import CATEGORIES, CatalogueError
from loaders.catalogue import load_catalogue


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_catalogue_validates(cat):
    cat.validate()
    assert len(cat.indicators) >= 80


def test_every_indicator_is_bilingual_and_categorised(cat):
    for ind in cat.indicators.values():
        assert ind.name_pl and ind.name_en and ind.definition_pl and ind.definition_en, ind.id
        assert ind.category in CATEGORIES


def test_every_indicator_has_a_source_or_a_derivation(cat):
    mapped = {i for ds in cat.datasets for i in ds.measures.values()}
    for ind in cat.indicators.values():
        assert ind.id in mapped or ind.derive is not None, f"{ind.id} has no data source"


def test_derivations_are_ordered(cat):
    order = cat.derivation_order()
    pos = {i: k for k, i in enumerate(order)}
    for ind_id in order:
        for dep in cat.indicators[ind_id].derive.inputs():
            assert dep not in pos or pos[dep] < pos[ind_id]


def test_unknown_reference_is_rejected(cat, tmp_path):
    import shutil

    from loaders.catalogue import CATALOGUE_DIR

    copy = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, copy)
    p = copy / "indicators" / "labour.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("denominator: population_working", "denominator: nope"),
                 encoding="utf-8")
    with pytest.raises(CatalogueError, match="nope"):
        load_catalogue(copy)


def test_year_less_file_is_excluded_not_invented(cat):
    excluded = {e["path"] for e in cat.excluded}
    assert "sekcja-geoinformacji-uam-warsztaty-R_2023/bezrobocie_powiaty.csv" in excluded
    assert not any(ds.path.startswith("sekcja-geoinformacji") for ds in cat.datasets)


# -- issue 18: counts are neutral; notes and licences in both languages ------------------------
def test_every_count_or_amount_is_neutral(cat):
    """Counts and amounts (summed over units, or in persons/items) grow with the unit's size: they
    are never "better" or "worse" (only rates, shares and per-capita values are judged)."""
    counts = {i.id for i in cat.indicators.values() if i.is_count}
    assert {"deaths", "live_births", "crimes_total", "fires", "unemployed_registered", "own_revenue_total",
            "population_total", "internal_migration_in"} <= counts
    assert not counts & {"deaths_per_1000", "crimes_per_1000", "unemployed_share_working_age",
                         "own_revenue_per_capita", "turnout_sejm"}
    judged = sorted(i for i in counts if cat.indicators[i].polarity != "neutral")
    assert judged == []
    assert all(not cat.indicators[i].judged for i in counts)


def test_a_count_with_a_direction_is_rejected(tmp_path):
    import shutil
    from pathlib import Path
    src = Path(__file__).resolve().parent.parent / "data" / "catalogue"
    shutil.copytree(src, tmp_path / "c")
    p = tmp_path / "c" / "indicators" / "demography.yaml"
    text = p.read_text(encoding="utf-8")
    i = text.index("- id: deaths\n")
    j = text.index("polarity: neutral", i)
    p.write_text(text[:j] + "polarity: lower_better" + text[j + len("polarity: neutral"):], encoding="utf-8")
    with pytest.raises(CatalogueError, match="deaths: a count/amount must be neutral"):
        load_catalogue(tmp_path / "c")


def test_national_eligible_voters_say_they_exclude_abroad_and_ships(cat):
    for i in ("eligible_voters_sejm", "eligible_voters_president_r1", "eligible_voters_president_r2"):
        ind = cat.indicators[i]
        assert "za granicą" in ind.notes("pl") and "statkach" in ind.notes("pl")
        assert "abroad" in ind.notes("en") and "ships" in ind.notes("en")


def test_every_source_licence_has_a_polish_text(cat):
    from loaders.catalogue import licence_text
    for s in cat.sources.values():
        assert s.licence_pl and s.licence_pl != s.licence, s.id
        assert licence_text(s.licence, "pl") == s.licence_pl
        assert licence_text(s.licence, "en") == s.licence
    gus = "GUS public statistics (re-published; repository states no licence)"
    assert licence_text(gus, "pl").startswith("statystyka publiczna GUS")
    assert licence_text("GUS public statistics (reuse with attribution)", "pl").startswith("statystyka publiczna")
