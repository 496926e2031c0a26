"""Reports: a PDF report, a seminar slide deck and data downloads for a unit or an area."""
from components.router import page_head, require_app

require_app()

from components import report_panel, report_seminar, share

lang, ingest = page_head("report.page_title", intro_key="report.page_intro", intro_as_caption=True)

report_panel.render(ingest, lang)
report_seminar.render(ingest, lang)
share.link_box(report_panel.PAGE)
