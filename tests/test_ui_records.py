"""Ingest page: upload records of cited works, import them, promote a machine number (AppTest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb.importing import PromoteError, import_records, promote_number
from kb.load import load_kb
from tests.conftest import ROOT
from tests.ui_helpers import APP

RECORDS = ROOT / "tests" / "fixtures" / "records"


@pytest.fixture
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(RECORDS / "kb", d)
    return d


def _page(monkeypatch, data: Path) -> AppTest:
    monkeypatch.setenv("KB_DATA", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("kb/ui/upload.py")
    at.run()
    assert not at.exception
    return at


def test_upload_previews_then_imports(monkeypatch, data):
    at = _page(monkeypatch, data)
    up = at.file_uploader(key="records_upload")
    up.upload("pubmed.xml", (RECORDS / "pubmed.xml").read_bytes())
    at.run()
    assert not at.exception
    preview = next(df.value for df in at.dataframe if "what importing does" in df.value.columns)
    assert preview["what importing does"].tolist() == ["new work"] * 4
    assert not (data / "records").exists()  # a preview writes nothing
    at.button(key="records_import").click()
    at.run()
    assert not at.exception
    assert len(list((data / "records").glob("*.json"))) == 4
    assert any("imported 4 records" in s.value for s in at.success)


def test_bad_record_file_is_a_message(monkeypatch, data):
    at = _page(monkeypatch, data)
    at.file_uploader(key="records_upload").upload(
        "truncated.xml", (RECORDS / "bad" / "truncated.xml").read_bytes()
    )
    at.run()
    assert not at.exception
    assert any("truncated.xml:40: malformed XML" in e.value for e in at.error)
    assert at.button(key="records_import").disabled


def test_promote_one_click_writes_a_curated_row(monkeypatch, data):
    import_records([("pubmed.xml", (RECORDS / "pubmed.xml").read_bytes())], load_kb(data))
    at = _page(monkeypatch, data)
    at.selectbox(key="records_work").set_value("halvorsen2027percutaneous")
    at.selectbox(key="records_study").set_value("(new study)")
    at.run()
    at.selectbox(key="records_design").set_value("RCT")
    at.run()
    kb = load_kb(data)
    (rec,) = kb.records["halvorsen2027percutaneous"]
    n = next(x for x in rec.numbers if x.text == "52 of 92 (56.5%)")
    at.button(key=f"promote:{n.id}").click()
    at.run()
    assert not at.exception
    assert any("Promoted 52 of 92 (56.5%)" in s.value for s in at.success)
    kb = load_kb(data)
    assert kb.errors == []
    (o,) = kb.outcomes.values()
    assert (o.study, o.work, o.count, o.value, o.unit, o.arm) == (
        "halvorsen2027percutaneous", "halvorsen2027percutaneous", 52.0, 56.5, "%", "PFCA",
    )  # fmt: skip
    assert o.verified and o.origin == "curated"
    assert o.locator == f"pubmed-xml record (abstract), RESULTS, chars {n.start}-{n.end}"
    assert "Responders were 52 of 92" in o.note


def test_promote_needs_a_study(data):
    import_records([("pubmed.xml", (RECORDS / "pubmed.xml").read_bytes())], load_kb(data))
    kb = load_kb(data)
    n = kb.records["halvorsen2027percutaneous"][0].numbers[0]
    with pytest.raises(PromoteError, match="say which study"):
        promote_number(kb, n.id)
    with pytest.raises(PromoteError, match="give its design"):
        promote_number(kb, n.id, study="relief1")
    with pytest.raises(PromoteError, match="no machine number"):
        promote_number(kb, "nope")


def test_promotions_from_one_stale_knowledge_base_all_survive(data):
    """Two promotions made with the same loaded knowledge base: outcomes.csv and studies.csv are
    re-read under the data directory's lock, so both rows are kept with distinct ids and the new
    study is added once."""
    import_records([("pubmed.xml", (RECORDS / "pubmed.xml").read_bytes())], load_kb(data))
    stale = load_kb(data)
    (rec,) = stale.records["halvorsen2027percutaneous"]
    n = next(x for x in rec.numbers if x.text == "52 of 92 (56.5%)")
    first = promote_number(stale, n.id, study="relief1", design="RCT")
    second = promote_number(stale, n.id, study="relief1", design="RCT")
    assert first["id"] != second["id"]
    kb = load_kb(data)
    assert kb.errors == []
    assert set(kb.outcomes) == {first["id"], second["id"]}
    assert list(kb.studies) == ["relief1"]
    assert not (data / ".kb.lock").exists()
