"""Shared fixtures: the packaged rulebook and the vignettes, loaded once per run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from spinewise.rulebook import Rulebook, default_rulebook

TESTS = Path(__file__).parent
VIGNETTES = sorted((TESTS / "vignettes").glob("*.yaml"))


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return default_rulebook()
