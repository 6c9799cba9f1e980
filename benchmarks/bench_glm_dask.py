"""Logistic and Poisson regression on ten million rows streamed from Dask blocks.

Run from the repository root::

    .venv/bin/python benchmarks/bench_glm_dask.py [--rows 10000000] [--chunk-rows 100000]
        [--features 20] [--workers 2]

The rows are a lazy Dask array generated block by block (``dask.array.random`` with a
fixed seed, so every pass sees the same numbers) and never held whole: ``X`` standard
normal with ``p`` columns, ``η = 0.3 + X w*`` with 5 non-zero ``w*``, Bernoulli outcomes
and Poisson counts with a uniform offset. For each likelihood the L1 fit at
``alpha = alpha_max / 20`` is timed (one call, validation and the null model included)
and reported with its KKT residual, Newton steps, passes over the rows, and the peak of
traced memory (``tracemalloc``: NumPy's allocations are traced) above what was traced
before the call — to be compared with the rows' size ``n·(p + 2)·8`` bytes. A quick
check on 200 000 rows compares the streamed fit with the in-memory one.

Results: ``benchmarks/results/glm_dask.json`` and ``benchmarks/results/glm_dask.md``.
"""

from __future__ import annotations

import argparse
import importlib
import resource
import time
import tracemalloc
from typing import Any

import numpy as np
from _common import Session, benchmark_parser, markdown_table, parse_arguments, pinned_threads

from bayesreg.core import glm_stream
from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.poisson import poisson, poisson_alpha_max

MIB = 2.0**20


def make_rows(rows: int, chunk: int, features: int, seed: int) -> dict[str, Any]:
    """Lazy X, labels, counts and offset, generated per block from one seeded state."""
    da: Any = importlib.import_module("dask.array")
    state = da.random.RandomState(seed)
    X = state.standard_normal((rows, features), chunks=(chunk, features))
    truth = np.zeros(features)
    truth[:5] = [0.8, -0.6, 0.4, -0.3, 0.2]
    eta = 0.3 + X @ truth
    labels = (state.random_sample(rows, chunks=chunk) < 1.0 / (1.0 + da.exp(-eta))).astype(float)
    offset = state.uniform(-0.5, 0.5, rows, chunks=chunk)
    counts = state.poisson(da.exp(offset + 0.5 * eta), chunks=chunk).astype(float)
    return {"X": X, "labels": labels, "counts": counts, "offset": offset}


def timed_fit(name: str, run: Any) -> dict[str, Any]:
    """One call, with its passes over the rows counted and its traced memory peak."""
    passes = 0
    original = glm_stream.StreamedRows.map_blocks

    def counting(self: Any, function: Any, *args: Any) -> list[Any]:
        nonlocal passes
        passes += 1
        return original(self, function, *args)

    glm_stream.StreamedRows.map_blocks = counting  # type: ignore[method-assign]
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        start = time.perf_counter()
        fit = run()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
        glm_stream.StreamedRows.map_blocks = original  # type: ignore[method-assign]
    return {
        "fit": name,
        "seconds": seconds,
        "passes": passes + 2,  # alpha_max's validation and null-model passes, timed apart
        "newton_steps": int(fit.n_iter),
        "kkt": float(fit.gap),
        "threshold": float(fit.tol),
        "converged": bool(fit.converged),
        "nonzero": int(np.count_nonzero(fit.coef)),
        "peak_traced_mib": peak / MIB,
    }


def agreement(features: int) -> dict[str, float]:
    """Largest coefficient difference, streamed against in memory, on 200 000 rows."""
    data = make_rows(200_000, 50_000, features, seed=1)
    X, labels = data["X"].compute(), data["labels"].compute()
    counts, offset = data["counts"].compute(), data["offset"].compute()
    result = {}
    for name, solve, target, extra in (
        ("logistic", logistic, labels, {}),
        ("poisson", poisson, counts, {"offset": offset}),
    ):
        memory = solve(X, target, 1e-3, 1.0, **extra)
        lazy_extra = {"offset": data["offset"]} if extra else {}
        lazy_target = data["labels"] if name == "logistic" else data["counts"]
        streamed = solve(data["X"], lazy_target, 1e-3, 1.0, **lazy_extra)
        result[name] = float(
            max(
                np.max(np.abs(memory.coef - streamed.coef)),
                abs(memory.intercept - streamed.intercept),
            )
        )
    return result


def main() -> None:
    parser = benchmark_parser(__doc__, repeats=None, threads=True)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="Dask threads")
    args: argparse.Namespace = parse_arguments(parser)
    if args.quick:
        args.rows, args.chunk_rows = 1_000_000, 100_000
    dask: Any = importlib.import_module("dask")
    session = Session.begin("glm_dask")
    with (
        pinned_threads(args.threads),
        dask.config.set(scheduler="threads", num_workers=args.workers),
    ):
        data = make_rows(args.rows, args.chunk_rows, args.features, seed=0)
        differences = agreement(args.features)
        top_logistic = logistic_alpha_max(data["X"], data["labels"])
        top_poisson = poisson_alpha_max(data["X"], data["counts"], offset=data["offset"])
        records = [
            timed_fit(
                "logistic, L1", lambda: logistic(data["X"], data["labels"], top_logistic / 20)
            ),
            timed_fit(
                "poisson with offset, L1",
                lambda: poisson(data["X"], data["counts"], top_poisson / 20, offset=data["offset"]),
            ),
        ]
    rows_mib = args.rows * (args.features + 2) * 8 / MIB
    table = markdown_table(
        [
            "fit", "seconds", "passes", "Newton steps", "KKT residual", "threshold",
            "non-zero", "peak traced (MiB)",
        ],
        [
            [
                r["fit"], f"{r['seconds']:.1f}", str(r["passes"]), str(r["newton_steps"]),
                f"{r['kkt']:.2e}", f"{r['threshold']:.2e}", str(r["nonzero"]),
                f"{r['peak_traced_mib']:.1f}",
            ]
            for r in records
        ],
        align="lrrrrrrr",
    )  # fmt: skip
    resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table += (
        f"\n\n{args.rows:,} rows × {args.features} features in blocks of {args.chunk_rows:,} "
        f"rows ({rows_mib:,.0f} MiB if held whole); Dask threads {args.workers}; process peak "
        f"resident memory (imports included) {resident:,.0f} MiB.\n"
        f"Streamed against in memory on 200,000 rows (alpha = 1e-3, L1): largest coefficient "
        f"difference {differences['logistic']:.1e} (logistic), "
        f"{differences['poisson']:.1e} (Poisson).\n"
    )
    session.write(
        args.output_dir,
        {
            "records": records,
            "agreement": differences,
            "rows": args.rows,
            "features": args.features,
        },
        table,
        repeats=1,
        threads=args.threads,
    )


if __name__ == "__main__":
    main()
