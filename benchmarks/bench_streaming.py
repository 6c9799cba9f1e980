"""Beyond memory: ten million rows streamed through SufficientStats, then fitted and sampled.

Run from the repository root::

    .venv/bin/python benchmarks/bench_streaming.py [--rows 10000000] [--chunk-rows 100000]
        [--features 20] [--dask] [--threads 1]

The rows are generated chunk by chunk from a seeded generator (chunk k from
``default_rng([seed, k])``) and are never held whole: ``X = Z M + μ`` with correlated
columns (``M Mᵀ = 0.7 I + 0.3``) and large means μ, ``y = 3 + X w* + N(0, σ*²)`` with a
known sparse ``w*`` (5 of p non-zero) and ``σ* = 2``. The stages, each timed and with
the peak of traced memory above what was traced when it began (``tracemalloc``: NumPy's
allocations are traced):

1. ``SufficientStats.from_chunks`` over the stream (generation timed apart);
2. a second pass over the same rows cut differently (each chunk into three uneven
   pieces), reporting the largest relative difference of the statistics — the chunking
   must not matter — and with ``--dask`` a third through ``SufficientStats.from_dask`` on a
   lazily generated Dask array (other random numbers, the same model);
3. ``ridge``, ``lasso`` and ``lasso_path`` (100 alphas) from the statistics;
4. the exact posterior (``sample_posterior(method="exact")``, Gaussian prior, σ fixed);
5. Gibbs (``sample_posterior(method="gibbs")``, Laplace prior, σ free).

The whole data set would take ``rows·(p + 1)·8`` bytes (1.68 GB at the defaults); the
statistics take O(p²). ``ru_maxrss`` (the process's peak resident memory, imports
included) is reported too. Results: ``benchmarks/results/streaming.json`` and
``benchmarks/results/streaming.md``.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import resource
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import arviz_base  # noqa: F401  (imported here so that no stage times an import)
import numpy as np
from _common import Session, benchmark_parser, markdown_table, parse_arguments, pinned_threads
from numpy.typing import NDArray

from bayesreg.core.enet_path import lasso_path
from bayesreg.core.enet_solver import lasso
from bayesreg.core.ridge import ridge
from bayesreg.core.stats import SufficientStats
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.priors import GaussianPrior, LaplacePrior

FloatArray = NDArray[np.float64]

NOISE = 2.0
INTERCEPT = 3.0
MIB = 2.0**20


@dataclass(frozen=True)
class Truth:
    """The generating model of the stream."""

    mixing: FloatArray
    means: FloatArray
    coef: FloatArray


@dataclass(frozen=True)
class Stage:
    name: str
    seconds: float
    peak_traced_mib: float
    note: str


def make_truth(n_features: int, seed: int) -> Truth:
    rng = np.random.default_rng(seed)
    correlation = 0.7 * np.eye(n_features) + 0.3
    coef = np.zeros(n_features)
    support = rng.choice(n_features, size=min(5, n_features), replace=False)
    coef[support] = rng.choice([-2.0, -1.0, 1.0, 1.5, 3.0], size=support.size)
    return Truth(np.linalg.cholesky(correlation).T, rng.uniform(-1e3, 1e3, n_features), coef)


def chunk(truth: Truth, seed: int, index: int, rows: int) -> tuple[FloatArray, FloatArray]:
    """Chunk ``index`` of the stream: the same rows whatever the chunk size around it."""
    rng = np.random.default_rng([seed, index])
    X = rng.standard_normal((rows, truth.coef.size)) @ truth.mixing + truth.means
    y = INTERCEPT + X @ truth.coef + NOISE * rng.standard_normal(rows)
    return X, y


def stream(
    truth: Truth, seed: int, n_rows: int, chunk_rows: int, clock: list[float]
) -> Iterator[tuple[FloatArray, FloatArray]]:
    """Yield the chunks in order; ``clock[0]`` accumulates the generation time."""
    for index, start in enumerate(range(0, n_rows, chunk_rows)):
        began = time.perf_counter()
        block = chunk(truth, seed, index, min(chunk_rows, n_rows - start))
        clock[0] += time.perf_counter() - began
        yield block


def measured(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """``(result, seconds, peak traced MiB above the memory traced at the start)``."""
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    began = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - began
    return result, seconds, (tracemalloc.get_traced_memory()[1] - baseline) / MIB


def max_relative_difference(a: SufficientStats, b: SufficientStats) -> float:
    return max(
        float(
            np.max(np.abs(getattr(a, name) - getattr(b, name))) / np.max(np.abs(getattr(b, name)))
        )
        for name in ("x_mean", "gram", "xty", "yty")
    )


def dask_statistics(truth: Truth, seed: int, n_rows: int, chunk_rows: int) -> SufficientStats:
    """The same model generated lazily by Dask (different random numbers), threads scheduler."""
    # Typed as Any: Dask's annotations are partial.
    dask: Any = importlib.import_module("dask")
    da: Any = importlib.import_module("dask.array")
    p = truth.coef.size
    rng = da.random.default_rng(seed)
    Z = rng.standard_normal((n_rows, p), chunks=(chunk_rows, p))
    X = Z @ truth.mixing + truth.means
    y = INTERCEPT + X @ truth.coef + NOISE * rng.standard_normal(n_rows, chunks=chunk_rows)
    with dask.config.set(scheduler="threads"):
        return SufficientStats.from_dask(X, y)


def run(args: argparse.Namespace) -> tuple[list[Stage], dict[str, Any]]:
    truth = make_truth(args.features, args.seed)
    stages: list[Stage] = []
    clock = [0.0]
    stats, seconds, peak = measured(
        lambda: SufficientStats.from_chunks(
            stream(truth, args.seed, args.rows, args.chunk_rows, clock)
        )
    )
    n_chunks = -(-args.rows // args.chunk_rows)
    stages.append(
        Stage(
            "statistics (from_chunks)",
            seconds - clock[0],
            peak,
            f"{n_chunks} chunks of {args.chunk_rows} rows; generating them took {clock[0]:.2f} s "
            "(not in the time; their allocations are in the memory)",
        )
    )
    clock[0] = 0.0
    recut, seconds, peak = measured(
        lambda: SufficientStats.from_chunks(
            piece
            for block in stream(truth, args.seed, args.rows, args.chunk_rows, clock)
            for piece in _uneven_pieces(block)
        )
    )
    stages.append(
        Stage(
            "statistics, same rows re-cut",
            seconds - clock[0],
            peak,
            f"each chunk cut into pieces of 1, ~37% and ~63% of its rows: max relative "
            f"difference from the first pass {max_relative_difference(recut, stats):.1e}",
        )
    )
    if args.dask:
        lazy, seconds, peak = measured(
            lambda: dask_statistics(truth, args.seed, args.rows, args.chunk_rows)
        )
        stages.append(
            Stage(
                "statistics (from_dask)",
                seconds,
                peak,
                "lazily generated Dask array, threads scheduler (generation included); "
                f"‖ŵ − w*‖∞ of least squares = {_max_error(ridge(lazy, None, 0.0), truth):.1e}",
            )
        )
    alpha_ridge = 1e-6
    fit, seconds, peak = measured(lambda: ridge(stats, None, alpha_ridge))
    stages.append(Stage("ridge", seconds, peak, _fit_note(fit, truth, alpha_ridge)))
    alpha_lasso = 1e-2
    fit, seconds, peak = measured(lambda: lasso(stats, None, alpha_lasso))
    stages.append(Stage("lasso", seconds, peak, _fit_note(fit, truth, alpha_lasso)))
    path, seconds, peak = measured(lambda: lasso_path(stats, None))
    stages.append(
        Stage(
            "lasso_path (100 alphas)",
            seconds,
            peak,
            f"all converged: {bool(path.converged.all())}; max gap {path.gaps.max():.1e}",
        )
    )
    scale = 1.0
    tree, seconds, peak = measured(
        lambda: sample_posterior(
            stats,
            None,
            GaussianPrior(scale),
            noise=NOISE,
            method="exact",
            draws=args.draws,
            chains=args.chains,
            random_seed=args.seed,
        )
    )
    stages.append(Stage("exact posterior", seconds, peak, _posterior_note(tree, truth, args)))
    tree, seconds, peak = measured(
        lambda: sample_posterior(
            stats,
            None,
            LaplacePrior(1.0),
            method="gibbs",
            draws=args.draws,
            tune=args.tune,
            chains=args.chains,
            random_seed=args.seed,
            progressbar=False,
        )
    )
    noise = float(tree["posterior"]["noise"].mean())
    stages.append(
        Stage(
            "Gibbs (Laplace prior, σ free)",
            seconds,
            peak,
            f"{_posterior_note(tree, truth, args)}; posterior mean σ = {noise:.4f} (σ* = {NOISE})",
        )
    )
    summary = {
        "rows": args.rows,
        "features": args.features,
        "chunk_rows": args.chunk_rows,
        "bytes_if_held": args.rows * (args.features + 1) * 8,
        "statistics_bytes": stats.gram.nbytes + stats.xty.nbytes + stats.x_mean.nbytes + 24,
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    return stages, summary


def _uneven_pieces(
    block: tuple[FloatArray, FloatArray],
) -> Iterator[tuple[FloatArray, FloatArray]]:
    """The rows of ``block`` in three pieces: 1 row, about 37 %, the rest."""
    X, y = block
    cuts = [0, 1, max(1, int(0.37 * len(y))), len(y)]
    for a, b in itertools.pairwise(cuts):
        if b > a:
            yield X[a:b], y[a:b]


def _max_error(fit: Any, truth: Truth) -> float:
    return float(np.max(np.abs(fit.coef - truth.coef)))


def _fit_note(fit: Any, truth: Truth, alpha: float) -> str:
    support = np.flatnonzero(fit.coef)
    return (
        f"alpha={alpha:g}; converged={fit.converged}, gap {fit.gap:.1e} ≤ tol {fit.tol:.1e}; "
        f"‖ŵ − w*‖∞ = {np.max(np.abs(fit.coef - truth.coef)):.1e}; {support.size} non-zero "
        f"(true support {np.count_nonzero(truth.coef)})"
    )


def _posterior_note(tree: Any, truth: Truth, args: argparse.Namespace) -> str:
    coef = np.asarray(tree["posterior"]["coef"]).reshape(-1, truth.coef.size)
    return (
        f"{args.chains}×{args.draws} draws; ‖E[w] − w*‖∞ = "
        f"{np.max(np.abs(coef.mean(axis=0) - truth.coef)):.1e}, max posterior sd "
        f"{np.max(coef.std(axis=0)):.1e}"
    )


def markdown(stages: list[Stage], summary: dict[str, Any]) -> str:
    caption = (
        f"Streaming {summary['rows']:,} rows × {summary['features']} features in chunks of "
        f"{summary['chunk_rows']:,} rows (the data would take "
        f"{summary['bytes_if_held'] / 2**30:.2f} GiB; the statistics take "
        f"{summary['statistics_bytes']:,} bytes). Process peak RSS: "
        f"{summary['ru_maxrss_mib']:.0f} MiB (imports included)."
    )
    headers = ["stage", "seconds", "peak traced memory above the stage's start (MiB)", "notes"]
    cells = [[s.name, f"{s.seconds:.3f}", f"{s.peak_traced_mib:.1f}", s.note] for s in stages]
    return f"{caption}\n\n{markdown_table(headers, cells, align='lrrl')}\n"


def main() -> None:
    session = Session.begin("streaming")
    parser = benchmark_parser(__doc__, repeats=None)
    parser.add_argument("--rows", type=int, default=None, help="total rows n (10⁷; 10⁶ quick)")
    parser.add_argument("--chunk-rows", type=int, default=100_000, help="rows per chunk")
    parser.add_argument("--features", type=int, default=20, help="columns p")
    parser.add_argument("--draws", type=int, default=1000, help="posterior draws per chain")
    parser.add_argument("--tune", type=int, default=200, help="Gibbs warm-up iterations")
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--dask", action="store_true", help="also stream through Dask")
    args = parse_arguments(parser)
    if args.rows is None:
        args.rows = 1_000_000 if args.quick else 10_000_000

    tracemalloc.start()
    with pinned_threads(args.threads):
        stages, summary = run(args)
    tracemalloc.stop()
    payload = {
        "benchmark": "streaming: SufficientStats over a generated stream, then fits and samplers",
        "seed": args.seed,
        "summary": summary,
        "stages": [asdict(stage) for stage in stages],
    }
    session.write(
        args.output_dir,
        payload,
        markdown(stages, summary),
        repeats=args.repeats,
        threads=args.threads,
    )


if __name__ == "__main__":
    main()
