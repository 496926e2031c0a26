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
