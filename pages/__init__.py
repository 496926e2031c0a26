"""Thin Streamlit pages, run by ``st.navigation`` (app.py); a package only so import-linter can check them."""
