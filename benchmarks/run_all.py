"""Run every benchmark script, one after the other, each in its own process.

Run from the repository root::

    .venv/bin/python benchmarks/run_all.py [--quick] [--repeats N] [--only NAME ...]

Each script rewrites ``benchmarks/results/NAME.json`` and ``benchmarks/results/NAME.md``.
A fresh process per script keeps one benchmark's imports, caches and memory from
affecting the next. ``--quick`` passes ``--quick`` on (smaller problems, fewer repeats:
a smoke run of the whole suite); ``--repeats`` overrides the number of repeats of every
script that repeats its timings. The exit status is non-zero when any script failed;
the others still run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["SCRIPTS", "main"]

HERE = Path(__file__).resolve().parent
#: Result name → script, in the order they run (cheapest first).
SCRIPTS = {
    "core_ridge": "bench_core_ridge.py",
    "map": "bench_map.py",
    "core_cd": "bench_core_cd.py",
    "core_logistic": "bench_core_logistic.py",
    "glm": "bench_glm.py",
    "gibbs_vs_nuts": "bench_gibbs_vs_nuts.py",
    "scaling": "bench_scaling.py",
    "horseshoe_speed": "bench_horseshoe_speed.py",
    "shrinkage": "bench_shrinkage.py",
    "sparse": "bench_sparse.py",
    "streaming": "bench_streaming.py",
    "demo_diagnostics": "demo_diagnostics.py",
}
#: Scripts that time each stage once and take no ``--repeats``.
SINGLE_RUN = frozenset({"streaming", "demo_diagnostics", "shrinkage"})
#: Options always passed to a script.
EXTRA_OPTIONS = {"streaming": ["--dask"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller problems, fewer repeats")
    parser.add_argument("--repeats", type=int, default=None, help="repeats for every script")
    parser.add_argument(
        "--only", nargs="+", choices=sorted(SCRIPTS), default=None, help="run these only"
    )
    args = parser.parse_args()
    failed: list[str] = []
    for name, script in SCRIPTS.items():
        if args.only is not None and name not in args.only:
            continue
        command = [sys.executable, str(HERE / script), *EXTRA_OPTIONS.get(name, [])]
        if args.quick:
            command.append("--quick")
        if args.repeats is not None and name not in SINGLE_RUN:
            command += ["--repeats", str(args.repeats)]
        print(f"== {name}: {' '.join(command)}", flush=True)
        start = time.perf_counter()
        completed = subprocess.run(command, check=False)
        seconds = time.perf_counter() - start
        print(f"== {name}: exit {completed.returncode} after {seconds:.0f} s", flush=True)
        if completed.returncode != 0:
            failed.append(name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
