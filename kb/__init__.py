"""evidence-kb: take apart advocacy letters that cite clinical evidence."""

from pathlib import Path

__version__ = "0.1.0"

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"
