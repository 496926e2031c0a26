"""Streamlit-free presentation builders: figures, labels, page registry, profile context.

Everything here is pure (no ``streamlit``): the UI in ``components/`` draws it, and ``reports/``,
``services/`` and the CLI reuse it.
"""
