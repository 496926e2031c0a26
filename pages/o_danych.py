"""About the data: every source with publisher, licence, vintage and what the app computes."""
import streamlit as st

import services
from components import state
from i18n import t

lang = state.lang()
ingest = services.ingest_id()
st.title(t("about.title", lang))
st.markdown(t("about.intro", lang))
if ingest is None:
    st.warning(t("start.no_data", lang), icon="📂")
    st.stop()
src = services.sources(ingest)
for r in src.to_dict("records"):
    with st.container(border=True):
        st.subheader(r[f"title_{lang}"])
        st.markdown(t("about.source_meta", lang, publisher=r[f"publisher_{lang}"], licence=r["licence"],
                      vintage=r["vintage"], retrieved=r["retrieved"], origin=r["origin"]))
