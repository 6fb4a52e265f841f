"""The app keeps its loaded knowledge base out of Python's garbage collections."""

from __future__ import annotations

import gc
import tomllib

from tests.conftest import ROOT


def test_settle_freezes_what_is_loaded():
    from kb.ui.state import settle

    gc.unfreeze()
    try:
        kept = [{"claim": i} for i in range(1000)]
        settle()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()


def test_streamlit_does_not_collect_in_full_after_every_run():
    # that collection walked the whole KB after every click (70-110 ms on the test machine)
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
