"""Streamlit entry point: page config and navigation only."""

import streamlit as st

st.set_page_config(page_title="evidence-kb", page_icon="📑", layout="wide")

pages = [
    st.Page("kb/ui/overview.py", title="Overview", icon="📊", default=True),
]
st.navigation(pages).run()
