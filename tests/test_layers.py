"""The layer contract (pyproject's [tool.importlinter]): each stage imports only from the
stages below it. Checked here so `make test` fails on a wrong-way import, and shown to fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_package_keeps_its_layers():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pipeline layers KEPT" in done.stdout


def test_a_wrong_way_import_breaks_the_contract(tmp_path: Path):
    shutil.copytree(ROOT / "kb", tmp_path / "kb", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    reading = tmp_path / "kb" / "reading" / "lines.py"
    # the reader (a low stage) reaching up into the fact check
    reading.write_text(
        reading.read_text(encoding="utf-8") + "\nfrom kb.checks import factcheck  # noqa\n",
        encoding="utf-8",
    )
    done = _lint(tmp_path)
    assert done.returncode != 0
    assert "pipeline layers BROKEN" in done.stdout
    assert "kb.reading.lines -> kb.checks.factcheck" in done.stdout
