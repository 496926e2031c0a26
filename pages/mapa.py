"""Map explorer: a classed choropleth of any indicator for gminy, powiaty or województwa."""
from components.router import require_app

require_app()

import services  # noqa: E402
from components import map_view, share, state  # noqa: E402

map_view.render(services.ingest_id(), state.lang())
share.link_box("mapa")
