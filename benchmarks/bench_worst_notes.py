"""Notes built to be slow: seconds to read each, at lengths up to the API's note limit.

    python benchmarks/bench_worst_notes.py [--against OTHER_SRC] [--timeout 120] [--only NAME]

Each note repeats one short piece (a denial's list with no "or", a line of strength grades, a
run of colons, ...) up to 6,000, 20,000 and 60,000 characters (`MAX_NOTE_CHARS`). With
`--against`, the same notes are read by the spinewise under OTHER_SRC (a `git worktree` of
another commit's `src`), each in a child process stopped after `--timeout` seconds, and the
two columns are printed side by side. The pipeline's start is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

PIECES = {
    "denial list, no 'or'": "no fever, ",
    "instruction list": "Return to the ED if fever, numbness, ",
    "grades, one sentence": "EHL 4/5, ",
    "grades with a time": "EHL now 4/5, ",
    "colons": ":",
    "denials and clauses": "denies numbness or weakness; ",
    "drug names": "prednisolone ",
    "form answers": "Fever: no\n",
}
LENGTHS = (6_000, 20_000, 60_000)


def note(piece: str, length: int) -> str:
    return (piece * (length // len(piece) + 1))[:length]


def _seconds(notes: list[tuple[str, int]]) -> dict[tuple[str, int], float]:
    """Seconds to read each (name, length) note, after one warm-up note."""
    from spinewise.nlp import extract

    extract("warm up. Denies fever.")
    seconds = {}
    for name, length in notes:
        started = time.perf_counter()
        extract(note(PIECES[name], length))
        seconds[name, length] = time.perf_counter() - started
    return seconds


def child(name: str, length: int) -> None:
    """Read one note; print its seconds (run with the other spinewise on PYTHONPATH)."""
    print(json.dumps(_seconds([(name, length)])[name, length]))


def ours() -> dict[tuple[str, int], float]:
    return _seconds([(name, length) for name in PIECES for length in LENGTHS])


def theirs(src: Path, timeout: float) -> dict[tuple[str, int], float | None]:
    seconds: dict[tuple[str, int], float | None] = {}
    env = {**os.environ, "PYTHONPATH": str(src)}
    for name in PIECES:
        stopped = False
        for length in LENGTHS:
            if stopped:  # a shorter note of this kind did not finish: nor will a longer one
                seconds[name, length] = None
                continue
            try:
                done = subprocess.run(
                    [sys.executable, __file__, "--child", name, str(length)],
                    capture_output=True, text=True, env=env, timeout=timeout + 60, check=True,
                )  # fmt: skip
                took = float(done.stdout.strip().splitlines()[-1])
                seconds[name, length] = took if took <= timeout else None
            except subprocess.TimeoutExpired:
                seconds[name, length] = None
            stopped = seconds[name, length] is None
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="Another spinewise's src folder.")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--only", action="append", choices=list(PIECES), help="Only these notes.")
    parser.add_argument("--child", nargs=2, metavar=("NAME", "LENGTH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    for name in set(PIECES) - set(args.only or PIECES):
        del PIECES[name]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    mine = ours()
    other = theirs(args.against, args.timeout) if args.against else None
    header = f"{'note':24s} {'chars':>7s} {'seconds':>8s}"
    print(header + (f" {'against':>9s} {'ratio':>7s}" if other else ""))
    for (name, length), took in mine.items():
        line = f"{name:24s} {length:7,d} {took:8.2f}"
        if other is not None:
            them = other[name, length]
            line += (
                f" {them:9.2f} {them / took:6.1f}x" if them is not None
                else f" {'>' + format(args.timeout, '.0f'):>9s} {'':>7s}"
            )  # fmt: skip
        print(line)


if __name__ == "__main__":
    main()
