"""About the data: every source with publisher, licence, vintage, and what the app computes."""
import streamlit as st

from components.router import page_head, require_app

require_app()

import services
from components import assessment_method, downloads, provenance, share
from i18n import fmt_when, t

lang, ingest = page_head("about.title", intro_key="about.intro")

meta = services.meta(ingest)
st.caption(t("about.ingested", lang, when=fmt_when(meta.get("ingested_at", "?"), lang)))
st.header(t("about.how_title", lang))
st.markdown(t("about.how", lang))

st.header(t("about.sources_title", lang))
provenance.render_sources(services.sources(ingest), lang, services.indicator_sources(ingest),
                          services.indicators(ingest))

st.header(t("about.indicators_title", lang))
table = provenance.indicator_table(services.indicators(ingest), services.indicator_sources(ingest),
                                   services.sources(ingest), lang)
st.dataframe(table, hide_index=True, width="stretch")
downloads.table(table, name=t("download.catalogue_name", lang), title=t("about.indicators_title", lang), lang=lang,
                key="dl_catalogue", page="o-danych", source_ids=tuple(services.sources(ingest)["id"]))

assessment_method.render(services.indicators(ingest), lang)

st.header(t("about.excluded_title", lang))
provenance.render_excluded(meta, lang)

with st.expander(t("about.report_title", lang)):
    st.markdown(t("about.report_intro", lang))
    st.dataframe(services.report(ingest), hide_index=True, width="stretch")

share.link_box("o-danych")
