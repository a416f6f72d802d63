"""The audit's outputs, replaced as one unit. Each run writes every file into a new private
folder inside the output folder (`.run-*`); one atomic rename of a symbolic link (`.current`)
then makes that run the current one, and each output name (`summary.json`, ...) is a link through
`.current`. A run killed at any point leaves the output folder showing either the previous run
whole or the new one whole, never a mix; a later run removes what a killed one left.

Every output holds or summarises patient data: files are created 0600 and folders 0700."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from spinewise.durable import fsync_path

__all__ = ["CURRENT", "publish"]

CURRENT = ".current"
RUNS = ".run-"
LOCK = ".lock"


def _private(folder: Path) -> None:
    """Make what `folder` holds private and durable before it becomes current."""
    for root, dirs, files in os.walk(folder):
        base = Path(root)
        base.chmod(0o700)
        for name in dirs:
            (base / name).chmod(0o700)
        for name in files:
            (base / name).chmod(0o600)
            fsync_path(base / name)
        fsync_path(base)


def _link(target: str, where: Path) -> None:
    """Point `where` at `target` in one step (a new link renamed over the old name)."""
    temporary = where.with_name(f".{where.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    temporary.symlink_to(target)
    temporary.replace(where)


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One writer at a time per output folder."""
    fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _current(out_dir: Path) -> str | None:
    try:
        return str((out_dir / CURRENT).readlink())
    except (FileNotFoundError, OSError):
        return None


def _adopt_plain_files(out_dir: Path, names: list[str]) -> None:
    """Outputs of an older spinewise (plain files, no `.current`) become a run of their own,
    through hard links, before anything is replaced: every step keeps them whole."""
    plain = [n for n in names if (out_dir / n).is_file() and not (out_dir / n).is_symlink()]
    if _current(out_dir) is not None or not plain:
        return
    run = Path(tempfile.mkdtemp(prefix=RUNS, dir=out_dir))
    for name in plain:
        os.link(out_dir / name, run / name)
    _link(run.name, out_dir / CURRENT)
    for name in plain:
        _link(f"{CURRENT}/{name}", out_dir / name)


def publish(out_dir: Path, write: Callable[[Path], None]) -> None:
    """Write the outputs with `write(folder)` into a new private folder, then make it the
    current run in one atomic step. Names outside the outputs are left alone."""
    if not out_dir.exists():
        out_dir.mkdir(parents=True, mode=0o700)
    with _locked(out_dir):
        _remove_stale(out_dir)
        run = Path(tempfile.mkdtemp(prefix=RUNS, dir=out_dir))
        try:
            write(run)
            _private(run)
        except BaseException:
            shutil.rmtree(run, ignore_errors=True)
            raise
        names = sorted(p.name for p in run.iterdir())
        _adopt_plain_files(out_dir, names)
        # Links for names the current run lacks point at nothing until the switch.
        for name in names:
            where = out_dir / name
            if where.is_symlink() and str(where.readlink()) == f"{CURRENT}/{name}":
                continue
            if where.is_dir() and not where.is_symlink():
                raise FileExistsError(f"--out: {where} is a folder, not an output")
            _link(f"{CURRENT}/{name}", where)
        _link(run.name, out_dir / CURRENT)  # the one step that replaces the outputs
        fsync_path(out_dir)
        _remove_stale(out_dir)


def _remove_stale(out_dir: Path) -> None:
    """Runs that are not current (the previous one, or one a killed run left half-written),
    and links to outputs the current run does not have."""
    current = _current(out_dir)
    for entry in out_dir.iterdir():
        if entry.name.startswith(RUNS) and entry.name != current and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_symlink() and (
            (entry.name.startswith(".") and ".link-" in entry.name)
            or (str(entry.readlink()).startswith(f"{CURRENT}/") and not entry.exists())
        ):
            entry.unlink()
