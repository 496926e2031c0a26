"""The multi-gmina seminar deck from the real store, read back with python-pptx: a slide per gmina
in the list's order with its own peer group, key numbers, strengths/weaknesses, a profile link
with a QR code, notes; an overview chart whose numbers are defined; one-line footers."""
from __future__ import annotations

import io
import random

import pytest
from pptx import Presentation
from pptx.util import Inches

from i18n import fmt_num
from reports import gather, seminar
from reports.source import StoreSource

CODES = ("1261011", "0201022", "1602043", "2862011")  # Kraków, Bolesławiec (rural), Kietrz, Olsztyn
BASE = "https://monitor.example.pl"


@pytest.fixture(scope="module")
def src(sqlite_store):
    return StoreSource(sqlite_store)


@pytest.fixture(scope="module")
def deck(src):
    data = seminar.build_seminar(src, CODES, lang="pl", base_url=BASE, title="Seminarium Związku Miast")
    return Presentation(io.BytesIO(data))


def texts(slide) -> str:
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


def test_one_slide_per_gmina_in_the_lists_order(deck, src):
    slides = list(deck.slides)
    assert len(slides) == 1 + 1 + len(CODES) + 1
    assert slides[0].shapes.title.text_frame.text == "Seminarium Związku Miast"
    assert "4 gminy" in texts(slides[0])
    names = [s.shapes.title.text_frame.text for s in slides[2:-1]]
    assert names == ["Kraków", "Bolesławiec", "Kietrz", "Olsztyn"]
    assert slides[-1].shapes.title.text_frame.text == "Źródła danych"
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))


def test_each_gmina_is_set_against_its_own_peer_group(deck, src):
    slides = list(deck.slides)[2:-1]
    for slide, code in zip(slides, CODES):
        model = gather.build(src, lang="pl", code=code, charts=(), with_map=False)
        body = texts(slide)
        assert f"Grupa porównawcza: {model.peer_definition}." in body
        # the key-number table: population with its real value, year and rank in its own group
        table = next(sh for sh in slide.shapes if sh.has_table).table
        rows = [[table.cell(r, c).text_frame.text for c in range(4)] for r in range(len(table.rows))]
        pop = next(k for k in model.key_indicators if k.indicator_id == "population_total")
        row = next(r for r in rows if r[0] == "Ludność ogółem")
        assert row[2] == "2024" and row[3] == f"{pop.peer_rank} / {fmt_num(pop.peer_of, 0, 'pl')}"
        stored = src.store.values(units=[code], indicators=["population_total"], years=[2024])["value"].iloc[0]
        assert row[1].startswith(fmt_num(stored, 0, "pl") + " osob") or row[1].startswith(fmt_num(stored, 0, "pl") + " osób")
        for s in model.strengths_short[:seminar.MAX_SW]:
            assert s in body
        notes = slide.notes_slide.notes_text_frame.text
        assert model.peer_definition in notes and "Źródło:" in notes
    # different gminy, different groups (a city with powiat rights vs a rural gmina)
    assert texts(slides[0]).split("Grupa porównawcza:")[1][:40] != texts(slides[1]).split("Grupa porównawcza:")[1][:40]


def test_permalink_and_qr_code_to_the_profile(deck):
    for slide, code in zip(list(deck.slides)[2:-1], CODES):
        url = f"{BASE}/profil?unit={code}"
        assert seminar.profile_url(BASE, code, "pl") == url
        assert url in texts(slide)
        links = [r.hyperlink.address for sh in slide.shapes if sh.has_text_frame
                 for p in sh.text_frame.paragraphs for r in p.runs if r.hyperlink.address]
        assert links == [url]
        qr = [sh for sh in slide.shapes if sh.name == "QR code"]
        assert len(qr) == 1 and qr[0].image.blob[:8] == b"\x89PNG\r\n\x1a\n"
        assert qr[0].image.blob == seminar.qr_png(url)


def test_english_links_carry_the_language():
    assert seminar.profile_url("http://x/", "1261011", "en") == "http://x/profil?unit=1261011&lang=en"


def test_overview_places_every_gmina_by_its_assessment_in_its_own_group(deck, src):
    from reports import assessment_report

    slide = list(deck.slides)[1]
    assert slide.shapes.title.text_frame.text == "Ocena syntetyczna: każda gmina w swojej grupie porównawczej"
    assert "percentyl gminy w jej własnej grupie porównawczej" in texts(slide)
    chart = next(sh for sh in slide.shapes if sh.has_chart).chart
    cats = list(chart.plots[0].categories)
    vals = list(chart.plots[0].series[0].values)
    assert sorted(cats) == sorted(["Kraków", "Bolesławiec", "Kietrz", "Olsztyn"])
    assert vals == sorted(vals)
    for name, v in zip(cats, vals):
        code = CODES[["Kraków", "Bolesławiec", "Kietrz", "Olsztyn"].index(name)]
        a = assessment_report.build(src, lang="pl", code=code, interval=False)
        assert v == round(a.score) and 0 <= v <= 100
        # the same overall score as `cli.py assess` prints for the unit (its own typology group)
        from reports import assessment_context as AC
        assert a.score == AC.gather(src, code, None, "pl", interval=False).row("overall")["score"]
    body = texts(list(deck.slides)[2])
    assert "Ocena syntetyczna: " in body and " na 100; " in body


def test_indicator_overview_places_every_gmina_in_its_own_group(src):
    deck = Presentation(io.BytesIO(seminar.build_seminar(src, CODES, lang="pl", overview="indicator")))
    slide = list(deck.slides)[1]
    assert slide.shapes.title.text_frame.text == "Pozycja w grupie porównawczej: Dochody własne na mieszkańca"
    assert "To nie jest udział ani wartość wskaźnika" in texts(slide)
    chart = next(sh for sh in slide.shapes if sh.has_chart).chart
    cats = list(chart.plots[0].categories)
    vals = list(chart.plots[0].series[0].values)
    assert sorted(cats) == sorted(["Kraków", "Bolesławiec", "Kietrz", "Olsztyn"])
    assert vals == sorted(vals)  # lowest first: the bar chart draws it at the bottom
    for name, v in zip(cats, vals):
        code = CODES[["Kraków", "Bolesławiec", "Kietrz", "Olsztyn"].index(name)]
        k = next(k for k in gather.build(src, lang="pl", code=code, charts=(), with_map=False).key_indicators
                 if k.indicator_id == "own_revenue_per_capita")
        assert v == round(100 * (k.peer_of - k.peer_rank) / (k.peer_of - 1))
        assert 0 <= v <= 100
    notes = slide.notes_slide.notes_text_frame.text
    assert "Kraków: " in notes and "miejsce na 34 w grupie" in notes


def test_every_slide_has_one_footer_line_that_fits(deck):
    for i, slide in enumerate(deck.slides):
        footers = [sh for sh in slide.shapes if sh.name == "Source footer"]
        assert len(footers) == 1, i
        f = footers[0]
        assert f.top + f.height <= deck.slide_height and f.left + f.width <= deck.slide_width
        assert 0 < len(f.text_frame.text) <= seminar.FOOTER_MAX and "\n" not in f.text_frame.text
        assert f.text_frame.word_wrap is False
        assert slide.notes_slide.notes_text_frame.text.strip(), i


def test_fit_footer_never_exceeds_the_line():
    rng = random.Random(15)
    alphabet = "abcżółć ;,·-–"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        out = seminar.fit_footer(text)
        assert len(out) <= seminar.FOOTER_MAX
        if len(text) <= seminar.FOOTER_MAX:
            assert out == text
        else:
            assert out.endswith("…") and text.startswith(out[:-1])


def test_english_deck(src):
    prs = Presentation(io.BytesIO(seminar.build_seminar(src, CODES[:2], lang="en")))
    slides = list(prs.slides)
    assert slides[0].shapes.title.text_frame.text == "Gminy against their own comparison groups"
    assert "2 gminas" in texts(slides[0])
    assert "Strengths against the group" in texts(slides[2])
    assert "Źródło" not in "\n".join(texts(s) for s in slides)
    assert slides[-1].shapes.title.text_frame.text == "Data sources"


@pytest.mark.parametrize("codes, reason", [((), "no_units"), (("1261",), "not_gmina"), (("12",), "not_gmina")])
def test_bad_lists_are_refused(src, codes, reason):
    with pytest.raises(seminar.SeminarError) as exc:
        seminar.build_seminar(src, codes)
    assert exc.value.reason == reason


def test_unknown_indicator_is_refused(src):
    with pytest.raises(seminar.SeminarError) as exc:
        seminar.build_seminar(src, ("1261011",), indicator="no_such_thing")
    assert exc.value.reason == "indicator"


def test_many_gminy_are_split_over_two_readable_charts(src):
    units = src.units()
    codes = tuple(units.loc[units["level"] == "gmina", "code"].iloc[::140][:18])
    deck = Presentation(io.BytesIO(seminar.build_seminar(src, codes, lang="pl", overview="indicator")))
    charts = [sh.chart for sh in list(deck.slides)[1].shapes if sh.has_chart]
    assert len(charts) == 2
    names = [c for ch in charts for c in ch.plots[0].categories]
    assert len(names) == len(set(names)) and len(names) <= 18
    assert max(len(list(ch.plots[0].categories)) for ch in charts) <= seminar.CHART_ROWS
    assert len(list(deck.slides)) == 2 + len(codes) + 1
