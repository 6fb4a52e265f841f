"""Streamlit entry point: page config, navigation, deep-link routing and the document picker."""

import streamlit as st

from kb.ui.common import PAGES, document_picker, guarded
from kb.ui.review import name_sidebar, review_changed

st.set_page_config(page_title="evidence-kb", page_icon="📑", layout="wide")

pages = {
    "overview": st.Page(PAGES["overview"], title="Overview", icon="📊", default=True),
    "reader": st.Page(PAGES["reader"], title="Letter reader", icon="📄", url_path="reader"),
    "claims": st.Page(PAGES["claims"], title="Claims", icon="📋", url_path="claims"),
    "evidence": st.Page(PAGES["evidence"], title="Evidence", icon="🔬", url_path="evidence"),
    "graph": st.Page(PAGES["graph"], title="Graph", icon="🕸️", url_path="graph"),
    "findings": st.Page(PAGES["findings"], title="Findings", icon="🚩", url_path="findings"),
    "compare": st.Page(PAGES["compare"], title="Compare documents", icon="⚖️", url_path="compare"),
    "sof": st.Page(PAGES["sof"], title="Summary of findings", icon="🧾", url_path="sof"),
    "criteria": st.Page(PAGES["criteria"], title="Payer criteria", icon="🏛️", url_path="criteria"),
    "ingest": st.Page("kb/ui/upload.py", title="Ingest a letter", icon="📥", url_path="ingest"),
}
page = st.navigation(list(pages.values()))

# Deep links on the home URL: ?claim=… opens the reader, ?study=…, ?work=… or ?entry=… the
# evidence page.
if page.url_path == pages["overview"].url_path:
    params = st.query_params.to_dict()
    if params.get("claim"):
        st.switch_page(pages["reader"], query_params=params)
    if params.get("study") or params.get("work") or params.get("entry"):
        st.switch_page(pages["evidence"], query_params=params)

review_changed()  # a whole-page run shows the review as the log holds it: nothing to redo
guarded("sidebar", document_picker)
guarded("analyst", name_sidebar)
page.run()
