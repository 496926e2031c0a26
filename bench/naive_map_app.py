"""Naive baseline for bench/map_bench.py: the full GeoJSON from geopandas inlined into a plotly
choropleth on every rerun (what a first Streamlit map usually looks like). Not part of the app."""
import io
import sys
from pathlib import Path

import geopandas as gpd
import plotly.express as px
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from settings import get_settings  # noqa: E402
from store.db import Store  # noqa: E402

INDICATORS = ["population_density", "turnout_sejm", "share_post_working", "own_revenue_per_capita",
              "water_supply_pct"]

s = get_settings()
store = Store(s.database_url, schema=s.db_schema)
names = store.indicators()
ind = st.selectbox("Wskaźnik", INDICATORS, format_func=lambda i: names[i].name_pl)
year = st.selectbox("Rok", list(reversed(store.indicator_years(ind, "gmina"))))
gdf = gpd.read_file(io.StringIO(store.layer("gmina")[0]))
gdf["code"] = [f["id"] for f in __import__("json").loads(store.layer("gmina")[0])["features"]]
vals = store.level_values(ind, int(year), "gmina")[["unit", "value"]]
gdf = gdf.merge(vals, left_on="code", right_on="unit", how="left")
fig = px.choropleth_map(gdf, geojson=gdf.set_index("code").__geo_interface__, locations="code", color="value",
                        map_style="white-bg", center={"lat": 52.07, "lon": 19.4}, zoom=5.3, height=660)
fig.update_layout(meta={"indicator": ind, "year": int(year), "level": "gmina"})
st.plotly_chart(fig)
