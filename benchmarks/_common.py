"""What every benchmark script shares: timing, thread pinning, the record of the machine,
and the writing of ``results/NAME.json`` and ``results/NAME.md``.

Every figure a script reports is a median over repeats of one timed call, measured in
one process with the peers run side by side on the same data. The Markdown file opens
with one line that says how the table was made: the command, the date, the machine
(``nproc`` and the CPU model from ``/proc/cpuinfo``), the load average when the script
started (the machine may be shared) and the number of repeats behind each median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

__all__ = [
    "RESULTS_DIR",
    "Session",
    "benchmark_parser",
    "markdown_table",
    "median_seconds",
    "parse_arguments",
    "pinned_threads",
    "timed",
]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
REPOSITORY = Path(__file__).resolve().parent.parent
#: Distributions whose versions are recorded with every result (those not installed are
#: left out).
VERSIONED = ("bayesreg", "numpy", "scipy", "scikit-learn", "pymc", "pytensor", "nutpie", "arviz")


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock seconds of one call of ``run`` and what it returned."""
    start = time.perf_counter()
    output = run()
    return time.perf_counter() - start, output


def median_seconds(
    run: Callable[[], object], repeats: int, *, budget: float = float("inf")
) -> float:
    """Median wall-clock seconds of ``repeats`` calls of ``run``.

    Fewer calls are made once their total exceeds ``budget`` seconds (at least one is
    always made), so that a slow peer cannot hold the run up for minutes.
    """
    times: list[float] = []
    while len(times) < repeats and sum(times) <= budget:
        times.append(timed(run)[0])
    return float(np.median(times))


@contextmanager
def pinned_threads(threads: int | None) -> Iterator[None]:
    """Limit BLAS and OpenMP thread pools to ``threads`` (``None``: leave them alone).

    On a shared machine multi-threaded BLAS makes small products erratic for every
    library; one thread makes the comparison one of algorithms.
    """
    if threads is None:
        yield
        return
    with threadpool_limits(limits=threads):
        yield


def benchmark_parser(
    doc: str | None, *, repeats: int | None, quick_repeats: int = 1, threads: bool = True
) -> argparse.ArgumentParser:
    """The options every script takes: ``--quick``, ``--repeats``, ``--threads``, ``--output-dir``.

    ``--repeats`` defaults to ``repeats``, or to ``quick_repeats`` with ``--quick``
    (resolved by :func:`parse_arguments`); a script that times each stage once passes
    ``repeats=None`` and offers no ``--repeats``. ``--threads`` (BLAS threads, default
    1) is offered only when the script pins the thread pools.
    """
    parser = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="smaller problems, fewer repeats")
    if repeats is not None:
        parser.add_argument(
            "--repeats",
            type=int,
            default=None,
            help=f"timed repeats per median (default {repeats}; {quick_repeats} with --quick)",
        )
    if threads:
        parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads")
    else:
        parser.set_defaults(threads=None)
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    parser.set_defaults(full_repeats=repeats or 1, quick_repeats=quick_repeats)
    return parser


def parse_arguments(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse the command line and resolve the default number of repeats."""
    args = parser.parse_args()
    if getattr(args, "repeats", None) is None:
        args.repeats = args.quick_repeats if args.quick else args.full_repeats
    if args.repeats < 1:
        parser.error(f"--repeats must be a positive integer, got {args.repeats}")
    return args


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, align: str) -> str:
    """A Markdown table; ``align`` has one letter a column, ``l`` (left) or ``r`` (right)."""
    if len(align) != len(headers) or set(align) - {"l", "r"}:
        raise ValueError(f"align must be {len(headers)} letters l or r, got {align!r}")
    rule = ["---" if letter == "l" else "---:" for letter in align]
    lines = [headers, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _cpu_model() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or platform.machine()
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def _command() -> str:
    """The command line as typed from the repository root."""
    executable = Path(sys.executable)
    if executable.is_relative_to(REPOSITORY):
        executable = executable.relative_to(REPOSITORY)
    script = Path(sys.argv[0]).resolve()
    if script.is_relative_to(REPOSITORY):
        script = script.relative_to(REPOSITORY)
    return shlex.join([str(executable), str(script), *sys.argv[1:]])


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


@dataclass(frozen=True)
class Session:
    """The circumstances of one benchmark run, captured when the script starts."""

    name: str
    command: str
    date: str
    nproc: int
    cpu_model: str
    load_average: tuple[float, float, float]

    @classmethod
    def begin(cls, name: str) -> Session:
        """Record the command, the date, the machine and its load average now."""
        return cls(
            name=name,
            command=_command(),
            date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            nproc=os.cpu_count() or 1,
            cpu_model=_cpu_model(),
            load_average=os.getloadavg(),
        )

    def header(self, repeats: int, threads: int | None) -> str:
        """The line that opens the Markdown results: how, when and where they were made."""
        load = ", ".join(f"{value:.2f}" for value in self.load_average)
        pinning = "not pinned" if threads is None else f"pinned to {threads}"
        return (
            f"Command `{self.command}`, run {self.date} on {self.nproc} × {self.cpu_model} "
            f"(load average at start {load}; BLAS threads {pinning}). "
            + (
                f"Figures are medians over {repeats} repeats."
                if repeats > 1
                else "Figures are single runs (1 repeat)."
            )
        )

    def write(
        self,
        output_dir: Path,
        payload: dict[str, Any],
        table: str,
        *,
        repeats: int,
        threads: int | None,
    ) -> None:
        """Write ``NAME.json`` (``payload`` plus this record) and ``NAME.md``, print the table."""
        environment = {
            "command": self.command,
            "date": self.date,
            "nproc": self.nproc,
            "cpu_model": self.cpu_model,
            "load_average_at_start": list(self.load_average),
            "repeats": repeats,
            "blas_threads": threads,
            "versions": _versions(),
        }
        output_dir.mkdir(parents=True, exist_ok=True)
        json_path = output_dir / f"{self.name}.json"
        json_path.write_text(
            json.dumps({"environment": environment, **payload}, indent=2, ensure_ascii=False)
            + "\n",
            encoding="utf-8",
        )
        document = f"{self.header(repeats, threads)}\n\n{table.strip()}\n"
        (output_dir / f"{self.name}.md").write_text(document, encoding="utf-8")
        print(document)
        print(f"wrote {json_path} and {json_path.with_suffix('.md')}")
