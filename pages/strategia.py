"""Strategy monitoring: a plan's goals and targets against the official data and similar units."""
from components.router import page_head, require_app

require_app()

from components import share, strategy_view

lang, ingest = page_head("strategy.title", intro_key="strategy.intro", intro_as_caption=True)

strategy_view.render(ingest, lang)
share.link_box(strategy_view.PAGE)
