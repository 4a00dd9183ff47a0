from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
TODAY = date(2026, 6, 1)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A writable copy of the minimal valid phrasebook."""
    target = tmp_path / "book"
    shutil.copytree(VALID, target)
    return target
