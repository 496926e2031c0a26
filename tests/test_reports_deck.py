"""The seminar deck from the real store, re-opened with python-pptx: 16:9, one slide per chart
with its takeaway as the title, a source footer on every slide, speaker notes, ≥ 1,600-px charts,
a closing sources slide with the permalink."""
import io

import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Inches

from reports import deck, gather


@pytest.fixture(scope="module")
def built(sqlite_store, chromium):
    model = gather.build(sqlite_store, lang="pl", code="1261011",
                         charts=("position", "trend:population_total", "trend:turnout_sejm"),
                         permalink="http://127.0.0.1:8501/raporty?unit=1261011&charts=position")
    return model, Presentation(io.BytesIO(deck.build_deck(model)))


def texts(slide) -> list[str]:
    return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]


def test_deck_is_16_9_with_the_expected_slides(built):
    model, prs = built
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    # title, key indicators, strengths/weaknesses, 3 charts, sources
    assert len(prs.slides) == 3 + 3 + 1
    assert prs.slides[0].shapes.title.text_frame.text == "Kraków"
    assert prs.core_properties.title == "Kraków"


def test_chart_slides_have_takeaway_titles_pictures_footers_and_notes(built):
    model, prs = built
    for slide, item in zip(list(prs.slides)[3:6], model.charts):
        assert slide.shapes.title.text_frame.text == item.takeaway
        pics = [sh for sh in slide.shapes if sh.shape_type == 13]
        assert len(pics) == 1
        w, h = Image.open(io.BytesIO(pics[0].image.blob)).size
        assert w >= 1600, (item.key, w, h)
        footer = [sh for sh in slide.shapes if sh.name == "Source footer"][0].text_frame.text
        assert footer.startswith("Źródło: ") and item.source in footer
        notes = slide.notes_slide.notes_text_frame.text
        assert item.caption in notes and "Ludność ogółem: 809\xa0168 osób (2024)" in notes
    pop = list(prs.slides)[4]
    assert "wzrost z 757\xa0740 do 809\xa0168 osób" in pop.shapes.title.text_frame.text


def test_every_slide_has_a_source_footer(built):
    _, prs = built
    for i, slide in enumerate(prs.slides):
        footers = [sh for sh in slide.shapes if sh.name == "Source footer"]
        assert len(footers) == 1, i
        assert footers[0].text_frame.text.strip()


def test_key_indicator_table_shows_real_values_and_ranks(built):
    _, prs = built
    table = [sh for sh in prs.slides[1].shapes if sh.has_table][0].table
    rows = [[table.cell(r, c).text_frame.text for c in range(len(table.columns))] for r in range(len(table.rows))]
    assert rows[0] == ["Wskaźnik", "Wartość", "Rok", "Miejsce w kraju", "Miejsce w grupie"]
    assert ["Ludność ogółem", "809\xa0168 osób", "2024", "2 / 2\xa0477", "2 / 34"] in rows


def test_closing_slide_lists_sources_and_the_permalink(built):
    model, prs = built
    last = prs.slides[-1]
    assert last.shapes.title.text_frame.text == "Źródła danych"
    body = "\n".join(texts(last))
    for s in model.sources:
        assert s.publisher in body
    assert "http://127.0.0.1:8501/raporty?unit=1261011&charts=position" in body


def test_english_deck(sqlite_store, built):
    model = gather.build(sqlite_store, lang="en", code="0201022", charts=())
    prs = Presentation(io.BytesIO(deck.build_deck(model)))
    assert prs.slides[0].shapes.title.text_frame.text == "Bolesławiec"
    assert prs.slides[-1].shapes.title.text_frame.text == "Data sources"
    assert "Rural gmina" in "\n".join(texts(prs.slides[0])) or "rural" in "\n".join(texts(prs.slides[0])).lower()


# -- issue 18: footers inside the slide, the headline says what its numbers are -----------------
def _footer_fits(slide_height, box, size_pt) -> bool:
    """The footer box ends above the slide's bottom edge and holds its text's estimated lines."""
    from reports.deck import CHAR_EM, FOOTER_INSETS, LINE_SPACING
    from pptx.util import Pt
    text = box.text_frame.text
    per_line = int((box.width - Inches(0.2)) / Pt(size_pt * CHAR_EM))
    lines = -(-len(text) // per_line)
    return box.top + box.height <= slide_height and lines * Pt(size_pt * LINE_SPACING) + FOOTER_INSETS <= box.height


@pytest.mark.parametrize("n", [40, 200, 523, 900])
def test_footer_layout_fits_the_band_under_the_slide(n):
    from reports.deck import FOOTER_BAND, W, MARGIN, footer_layout
    text = ("Źródło: GUS – Bank Danych Lokalnych; PKW; " * 40)[:n]
    out, size, height = footer_layout(text, W - 2 * MARGIN)
    assert 8 <= size <= 11 and height <= FOOTER_BAND
    assert out == text or (n > 700 and out.endswith("…") and len(out) < n)


def test_every_footer_stays_inside_the_slide(built):
    _, prs = built
    for i, slide in enumerate(prs.slides):
        box = [sh for sh in slide.shapes if sh.name == "Source footer"][0]
        size = box.text_frame.paragraphs[0].runs[0].font.size.pt
        assert _footer_fits(prs.slide_height, box, size), (i, len(box.text_frame.text), size)


def test_strengths_slide_says_it_compares_with_the_peer_group(built):
    _, prs = built
    titles = [s.shapes.title.text_frame.text for s in prs.slides if s.shapes.title is not None]
    assert "Kraków: mocne i słabe strony na tle grupy porównawczej" in titles
    assert not [x for x in titles if "na tle kraju" in x]


def test_position_headline_gives_the_value_and_what_the_percent_means(built):
    """Issue 18: 'najsłabszy — udział ludności w wieku poprodukcyjnym (15%)' read like a share of
    15 %; the share is 23,6 % and Kraków is worse than 85 % of gminy."""
    model, prs = built
    head = next(c for c in model.charts if c.key == "position").takeaway.replace("\xa0", " ")
    pos = next(c for c in model.charts if c.key == "position").data
    worst = pos.iloc[-1]
    assert head.startswith("Kraków: najlepszy wynik — ")
    assert f"najsłabszy — {worst.iloc[0][0].lower() + worst.iloc[0][1:]}: " in head
    pct = 100 - worst["Pozycja (0–100)"]
    assert f"(gorzej niż {round(pct)}% gmin)." in head
    assert "lepiej niż" in head and "%" in head
    assert prs.slides[3].shapes.title.text_frame.text == next(c for c in model.charts if c.key == "position").takeaway
