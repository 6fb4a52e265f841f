"""Real browser on a data directory whose text is markup: nothing runs, nothing leaves 127.0.0.1."""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest

from tests.e2e.conftest import ROOT, _start, _stop, shot, wait_for_app
from tests.e2e.hostile_data import CLAIM, HEADING, make_hostile

LOCAL = {"127.0.0.1", "localhost"}
INJECTED_CSS = ("div{display:none}", "*{visibility:hidden}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The app serving the hostile data directory; yields (url, data dir)."""
    data = make_hostile(tmp_path_factory.mktemp("hostile") / "data")
    proc, url = _start(ROOT / "app.py", {"KB_DATA": str(data)})
    yield url, data
    _stop(proc)


def _hostile_claim(data) -> str:
    from kb.load import load_kb

    kb = load_kb(data)
    return next(c.id for c in kb.claims("tiny") if c.text.startswith("Harms were rare"))


def test_hostile_text_renders_as_text_and_makes_no_outbound_request(hostile, page):
    url, data = hostile
    claim = _hostile_claim(data)
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if host in LOCAL:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("request", lambda r: (urlparse(r.url).hostname or "") in LOCAL or outside.append(r.url))
    pages = [
        ("overview", ""),
        ("reader", f"/reader?doc=tiny&claim={quote(claim)}"),
        ("claims", "/claims?doc=tiny"),
        ("evidence-study", "/evidence?study=alpha"),
        ("evidence-work", "/evidence?work=doe2020alpha"),
        ("graph", f"/graph?node={quote('claim:' + claim)}"),
        ("findings", "/findings?doc=tiny"),
    ]
    for name, path in pages:
        page.goto(url + path)
        wait_for_app(page)
        page.wait_for_timeout(1000)  # images and iframes load after the run ends
        shot(page, f"hostile-{name}")
        main = page.locator('[data-testid="stMain"]')
        assert main.is_visible(), name
        text = main.inner_text().replace("\u2060", "")  # word joiners keep links and icons text
        assert "Traceback" not in text and "Something went wrong" not in text, name
        injected = page.evaluate(
            "(marks) => Array.from(document.querySelectorAll('style'))"
            ".some(s => marks.some(m => s.textContent.includes(m)))",
            list(INJECTED_CSS),
        )
        assert not injected, f"{name}: a document's <style> reached the page"
        assert page.locator("img[src*='hostile'], img[src*='203.0.113']").count() == 0, name
        assert page.locator("a[href*='203.0.113'], a[href*='example.invalid']").count() == 0, name
        if name == "reader":
            # the heading and the claim are shown as the letter wrote them, and visibly
            assert HEADING in " ".join(text.split()), name
            assert " ".join(CLAIM.split()) in " ".join(text.split()), name
    assert outside == []
