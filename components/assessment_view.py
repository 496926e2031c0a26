"""The /ocena page's pieces: headline, narrative, charts, pulling sub-areas (with their way to the
profile cards), the group table and the method note. Figures and texts come from
presentation.assessment (no Streamlit there)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components import profile_focus
from i18n import fmt_num, t
from presentation import assessment as PA
from presentation.navigation import page_path


def render_headline(ac) -> None:
    lang = ac.lang
    over = ac.row("overall")
    cols = st.columns(3)
    cols[0].metric(t("assess.overall", lang), PA.score_text(over["score"], lang) +
                   (" / 100" if PA._ok(over["score"]) else ""), help=t("assess.overall_help", lang))
    if PA._ok(over["score"]):
        cols[1].metric(t("assess.rank", lang), t("assess.rank_value", lang, rank=int(over["rank"]),
                                                 of=fmt_num(int(over["group_size"]), 0, lang)),
                       help=t("assess.rank_help", lang))
        cols[2].metric(t("assess.interval", lang), f"{int(over['rank_low'])}–{int(over['rank_high'])}",
                       help=t("assess.interval_help", lang))
    st.markdown(PA.narrative(ac))


def render_charts(ac) -> None:
    lang = ac.lang
    st.subheader(t("assess.bars_title", lang))
    st.caption(t("assess.bars_caption", lang))
    st.plotly_chart(PA.bars_figure(ac), config={"displayModeBar": False}, key="assess_bars")
    st.subheader(t("assess.dyn_title", lang))
    f = PA.dynamics_frame(ac)
    missing = f.loc[~f["both"], "label"].tolist()
    if f["both"].any():
        st.caption(t("assess.dyn_caption", lang))
        st.plotly_chart(PA.level_dynamics_figure(ac), config={"displayModeBar": False}, key="assess_dyn")
    if missing:
        st.caption(t("assess.dyn_missing", lang, names=", ".join(missing)))


def _go_profile(indicator: str) -> None:
    profile_focus.request(indicator)


def render_pulls(ac) -> None:
    lang = ac.lang
    up, down = PA.pulling(ac)
    cols = st.columns(2)
    for col, title, items, key in ((cols[0], t("assess.up_title", lang), up, "up"),
                                   (cols[1], t("assess.down_title", lang), down, "down")):
        with col:
            st.markdown(f"**{title}**")
            if not items:
                st.caption(t("assess.none", lang))
            for sub in items:
                score = ac.result.score.at[ac.result.unit, sub]
                area = ac.tree.nodes[ac.tree.nodes[sub].parent]
                st.markdown(t("assess.sub_line", lang, name=PA.node_name(ac, sub), score=PA.score_text(score, lang),
                              area=area.name(lang)))
                for leaf in PA.leaf_rows(ac, sub):
                    label = t("assess.card_link", lang, name=leaf["name"], score=PA.score_text(leaf["score"], lang))
                    if st.button(label, key=f"assess_{key}_{leaf['indicator']}", type="tertiary",
                                 icon=":material/arrow_forward:"):
                        _go_profile(leaf["indicator"])
                        st.switch_page(page_path("profil"))


def render_table(ac, names: dict[str, str]) -> None:
    lang = ac.lang
    st.subheader(t("assess.table_title", lang))
    frame = PA.group_table(ac, names)
    num_cols = [c for c in frame.columns[2:]]
    me = names.get(ac.result.unit, ac.result.unit)
    styler = frame.style.format({c: (lambda v: PA.score_text(v, lang)) for c in num_cols})
    styler = styler.format(lambda v: "–" if pd.isna(v) else str(v), subset=[frame.columns[1]])
    styler = styler.apply(_highlight_rows, axis=None, name=me)
    st.dataframe(styler, hide_index=True, width="stretch", height=min(38 * (len(frame) + 1), 460),
                 key="assess_table")
    st.caption(t("assess.table_caption", lang, n=PA.units_word(len(frame), ac.ctx.level, lang)))


def _highlight_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The unit's row(s) (first column equal to its name) highlighted, every other cell unstyled:
    one vectorised pass instead of a Python function per row."""
    css = np.where(frame.iloc[:, 0].to_numpy() == name, "background-color: #fde2cf; font-weight: 600", "")
    return pd.DataFrame(np.repeat(css[:, None], frame.shape[1], axis=1), index=frame.index, columns=frame.columns)


def render_method(ac) -> None:
    lang = ac.lang
    with st.expander(t("assess.method_title", lang)):
        st.markdown(t("assess.method_short", lang))
        years = ", ".join(f"{ac.tree.nodes[n.id].name(lang)} {y}"
                          + (f" ({t('assess.since', lang, year=s)})" if (s := ac.result.start_years.get(n.indicator)) else "")
                          for n in ac.tree.leaves if (y := ac.result.ref_years.get(n.indicator)))
        st.caption(t("assess.years_line", lang, years=years))
        st.page_link(page_path("o-danych"), label=t("assess.method_link", lang), icon=":material/info:")
