"""Read-only HTTP data API (FastAPI) over the project's store: ``python -m api`` / ``./run.sh api``.

Layers: ``api`` reads through ``store.db.Store`` and the pure ``domain`` logic, like the command
line; it never imports Streamlit or the UI packages (``.importlinter`` checks that).
"""
