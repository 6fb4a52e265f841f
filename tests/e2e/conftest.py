"""Real-browser tests: a Streamlit server on 127.0.0.1 and Debian's chromium via Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Mark e2e tests; without chromium they skip, except in CI where that is a failure."""
    have = Path(CHROMIUM).exists()
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not have and not os.environ.get("CI"):
                item.add_marker(pytest.mark.skip(reason="chromium not installed (not CI)"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(app: Path, env_extra: dict[str, str] | None = None):
    port = _free_port()
    env = {**os.environ, **(env_extra or {})}
    # the server imports kb from this checkout, whatever the caller's PYTHONPATH points at
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {proc.stdout.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def server():
    """The app on the bundled data, on a free loopback port."""
    proc, url = _start(ROOT / "app.py")
    yield url
    _stop(proc)


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is required for browser tests in CI (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page of 1400×1000; closed after the test."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit is connected and has finished its script run."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout
    )
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    page.wait_for_timeout(200)


def settle(page, start_timeout: float = 2_000) -> None:
    """After a click or key press: let the rerun it causes start, then wait for it to end.

    Right after the action the app may still say "notRunning" from the run before; waiting
    only for that state would read the page before the new run has drawn anything.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # the run may be quicker than the poll, or there may be none: the wait below decides
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="running"]', timeout=start_timeout
        )
    wait_for_app(page)


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under the git-ignored screenshots/ folder."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def type_name(page, name: str) -> None:
    """Open the sidebar's 👤 popover, type the analyst's name, press Enter and close it.

    Streamlit keeps a hidden copy of each popover button to measure it: the visible one is
    clicked.
    """
    page.locator('[data-testid="stSidebar"] [data-testid="stPopoverButton"]:visible').filter(
        has_text="👤"
    ).click()
    settle(page)
    box = page.locator('input[aria-label="Your name (analyst)"]')
    box.fill(name)
    box.press("Enter")
    settle(page)
    page.keyboard.press("Escape")  # shut the popover, as a user would
    settle(page)
