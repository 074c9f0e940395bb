"""Tests of the diagnosis data files."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def broken_copy(source: Path, folder: Path, change: Callable[[Any], object]) -> Path:
    """A copy of the data file ``source`` in ``folder`` (same name), ``change``d."""
    data = yaml.safe_load(source.read_text("utf-8"))
    change(data)
    path = folder / source.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path
