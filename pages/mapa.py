"""Map explorer: a classed choropleth of any indicator for gminy, powiaty or województwa."""
import services
from components import map_view, state

map_view.render(services.ingest_id(), state.lang())
