"""Sampler diagnostics of ``bayesreg demo`` over many seeds (quick and full runs).

The demo's posterior step draws the Bayesian lasso posterior of the diabetes data by NUTS
and by Gibbs, and redraws a run twice as long while its diagnostics are poor (R-hat above
1.01 or bulk/tail ESS below 100 per chain). This script runs the whole demo once per seed
and records, per sampler, the worst R-hat, the smallest ESS, the run length used and how
many runs it took: the evidence that the report's diagnostics are sound for any seed, not
for one lucky random stream.

Run from the repository root::

    .venv/bin/python benchmarks/demo_diagnostics.py [--seeds 10] [--quick]

``--quick`` sweeps only ``bayesreg demo --quick``; by default both kinds of run are swept.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from pathlib import Path
from typing import Any

from _common import Session, benchmark_parser, markdown_table, parse_arguments

from bayesreg.cli.demo import run_demo

NAME = "demo_diagnostics"


def _one_run(seed: int, quick: bool) -> dict[str, Any]:
    """Run the demo into a temporary folder and keep the numbers of its posterior step."""
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            summary = run_demo(Path(folder) / "report", quick=quick, seed=seed)
    posterior = summary["posterior"]
    return {
        "seed": seed,
        "quick": quick,
        "max_mean_z": posterior["max_mean_z"],
        "warnings": summary["warnings"],
        "runs": {
            key: {
                name: run[name]
                for name in (
                    "chains",
                    "draws",
                    "attempts",
                    "max_rhat",
                    "min_ess_bulk",
                    "min_ess_tail",
                    "divergences",
                    "diagnostics_ok",
                    "seconds",
                )
            }
            for key, run in posterior["runs"].items()
        },
    }


def _table(records: list[dict[str, Any]]) -> str:
    rows = []
    for kind in (True, False):
        chosen = [record for record in records if record["quick"] is kind]
        if not chosen:
            continue
        for sampler in ("nuts", "gibbs"):
            runs = [record["runs"][sampler] for record in chosen]
            rows.append(
                [
                    "quick" if kind else "full",
                    sampler,
                    str(len(runs)),
                    f"{max(run['max_rhat'] for run in runs):.4f}",
                    f"{min(min(run['min_ess_bulk'], run['min_ess_tail']) for run in runs):.0f}",
                    str(sum(run["attempts"] > 1 for run in runs)),
                    str(sum(not run["diagnostics_ok"] for run in runs)),
                    str(sum(run["divergences"] for run in runs)),
                ]
            )
    headers = [
        "run",
        "sampler",
        "seeds",
        "worst R-hat",
        "min ESS (bulk, tail)",
        "seeds redrawn",
        "poor after redraws",
        "divergences",
    ]
    return markdown_table(headers, rows, align="llrrrrrr")


def main() -> None:
    parser = benchmark_parser(__doc__, repeats=None, threads=False)
    parser.add_argument("--seeds", type=int, default=10, help="number of seeds (0, 1, ...)")
    args = parse_arguments(parser)
    if args.seeds < 1:
        parser.error(f"--seeds must be a positive integer, got {args.seeds}")
    session = Session.begin(NAME)
    kinds = (True,) if args.quick else (True, False)
    records = []
    for quick in kinds:
        for seed in range(args.seeds):
            record = _one_run(seed, quick)
            records.append(record)
            worst = max(run["max_rhat"] for run in record["runs"].values())
            print(f"{'quick' if quick else 'full'} seed {seed}: worst R-hat {worst:.4f}")
    table = _table(records)
    session.write(args.output_dir, {"runs": records}, table, repeats=1, threads=None)


if __name__ == "__main__":
    main()
