"""Public test material that spinewise did not write: data sets (CDS Hooks examples, Synthea,
MTSamples) and EHR-side clients (a FHIR server, the SMART launcher, the CDS Hooks sandbox).

They live outside the repository, in the folder named by `SPINEWISE_TEST_SHARED` (default:
`../shared` beside the checkout, when it exists), with `data/` and `clients/` inside. A test
that needs one skips, saying how to get it, when it is absent; CI sets
`SPINEWISE_TEST_SHARED_REQUIRED=1`, and then such a skip fails the run (see conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

__all__ = ["MISSING", "find_shared", "shared", "shared_dir", "shared_params", "skipped_case"]

ROOT = Path(__file__).resolve().parent.parent
#: Every skip for missing material starts with this, so that CI can count them.
MISSING = "public test material missing"


def shared_dir() -> Path | None:
    """The folder of public test material, or None when there is none."""
    named = os.environ.get("SPINEWISE_TEST_SHARED")
    folder = Path(named).expanduser() if named else ROOT.parent / "shared"
    return folder.resolve() if folder.is_dir() else None


def _reason(relative: str) -> str:
    where = os.environ.get("SPINEWISE_TEST_SHARED") or "../shared"
    return (
        f"{MISSING}: {relative} not found under {where}; set SPINEWISE_TEST_SHARED to a folder "
        "holding data/ and clients/ (the public test material CI provides; each data set's "
        "SOURCE.txt says where it comes from)"
    )


def find_shared(relative: str) -> Path | None:
    """`data/...` or `clients/...` under the shared folder, or None when absent."""
    folder = shared_dir()
    path = folder / relative if folder else None
    return path if path is not None and path.exists() else None


def shared(relative: str) -> Path:
    """`data/...` or `clients/...` under the shared folder; skips the test when absent."""
    path = find_shared(relative)
    if path is None:
        pytest.skip(_reason(relative))
    return path


def skipped_case(relative: str, arity: int = 1) -> Any:
    """A parametrize case that skips (with the reason) for want of `relative`, so that the skip
    is seen and counted rather than an empty parameter set."""
    return pytest.param(
        *([None] * arity), marks=pytest.mark.skip(reason=_reason(relative)), id="missing"
    )


def shared_params(relative: str, pattern: str = "*") -> list[Any]:
    """Paths under a shared folder, for `pytest.mark.parametrize`; one skipped case when the
    folder is absent."""
    folder = find_shared(relative)
    if folder is None:
        return [skipped_case(relative)]
    return sorted(folder.rglob(pattern))
