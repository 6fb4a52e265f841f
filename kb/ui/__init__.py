"""Streamlit pages and components: they render, the logic lives in kb."""
