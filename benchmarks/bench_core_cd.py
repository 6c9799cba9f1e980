"""Time bayesreg's lasso path and single lasso against scikit-learn at matched precision.

Problems (design columns AR(1) with corr(x_i, x_j) = 0.5^|i−j|, i.e. Toeplitz
correlation 0.5; a 20-sparse truth; unit Gaussian noise)::

    1000 × 500,   200 × 5000,   100000 × 100

Tasks:

* ``lasso_path``: 100 alphas from alpha_max down to 1e-3·alpha_max (bayesreg's default
  grid, passed explicitly to ``sklearn.linear_model.lasso_path``). Both get the same
  centered data without intercept (scikit-learn's ``lasso_path`` fits none), each in its
  preferred memory layout (C for bayesreg, Fortran for scikit-learn).
* ``lasso``: one alpha (1e-2·alpha_max) with intercept, ``bayesreg.lasso`` against
  ``sklearn.linear_model.Lasso`` on the raw data.

Precision is matched by the duality gap: every solution of both libraries is scored
by the same certificate (``bayesreg.core._duality.enet_duality_gap``, relative to
F(0) = ||yc||²/(2n)). bayesreg runs at its default tol = 1e-12. scikit-learn is run
at tol = 1e-4, 1e-6, ... 1e-14 in turn, and the tightest tol whose worst gap is still
no better than bayesreg's is the matched one (when even 1e-14 leaves scikit-learn's
gap above bayesreg's, that is the run compared, and bayesreg is the more precise).
A scikit-learn run longer than ``--budget`` seconds stops the ladder.

Timings are medians over ``--repeats`` runs, the two libraries interleaved (a
scikit-learn run longer than a quarter of the budget is timed once), with BLAS limited
to ``--threads`` threads (default 1: on a shared machine multi-threaded BLAS makes
small products erratic for both libraries).

Run::

    .venv/bin/python benchmarks/bench_core_cd.py [--repeats 5] [--quick] [--profile]

Results go to ``benchmarks/results/core_cd.json`` and ``benchmarks/results/core_cd.md``.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial

import numpy as np
from _common import (
    Session,
    benchmark_parser,
    markdown_table,
    parse_arguments,
    pinned_threads,
    timed,
)
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.linear_model import Lasso
from sklearn.linear_model import lasso_path as sklearn_lasso_path

from bayesreg.core._duality import enet_duality_gap
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import lasso

FloatArray = NDArray[np.float64]

SHAPES = [(1000, 500), (200, 5000), (100_000, 100)]
QUICK_SHAPES = [(300, 150), (60, 600), (10_000, 50)]
SKLEARN_TOLS = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14]


@dataclass
class Comparison:
    """One task on one problem: timings (seconds) and worst relative duality gaps."""

    task: str
    n: int
    p: int
    bayesreg_seconds: float
    bayesreg_gap: float
    sklearn_tol: float
    sklearn_seconds: float
    sklearn_gap: float
    speedup: float
    sklearn_default_seconds: float
    sklearn_default_gap: float
    bayesreg_runs: list[float]
    sklearn_runs: list[float]
    ladder: list[dict[str, float]]


def make_problem(n: int, p: int, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """AR(1) columns with coefficient 0.5 (Toeplitz correlation), 20-sparse truth."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    innovation = np.sqrt(1.0 - 0.25)
    for j in range(1, p):
        X[:, j] = 0.5 * X[:, j - 1] + innovation * rng.standard_normal(n)
    truth = np.zeros(p)
    truth[rng.choice(p, size=min(20, p), replace=False)] = rng.standard_normal(min(20, p))
    return X, X @ truth + rng.standard_normal(n) + 1.0


def relative_gap(Xc: FloatArray, yc: FloatArray, coef: FloatArray, alpha: float) -> float:
    """Lasso duality gap of ``coef`` divided by F(0) = ||yc||²/(2n)."""
    n = yc.shape[0]
    residual = yc - Xc @ coef
    gap = enet_duality_gap(coef, Xc.T @ residual / n, float(residual @ residual) / n, alpha, 1.0)
    return float(gap / (float(yc @ yc) / (2 * n)))


def compare(
    task: str,
    n: int,
    p: int,
    ours: Callable[[], FloatArray],
    theirs: Callable[[float], FloatArray],
    score: Callable[[FloatArray], float],
    repeats: int,
    budget: float,
) -> Comparison:
    """Time ``ours`` and ``theirs(tol)`` at the matched tol; ``score`` gives the worst gap."""
    first_seconds, first_coefs = timed(ours)
    our_gap = score(first_coefs)
    ladder: list[dict[str, float]] = []
    matched = SKLEARN_TOLS[0]
    for tol in SKLEARN_TOLS:
        seconds, coefs = timed(partial(theirs, tol))
        gap = score(coefs)
        ladder.append({"tol": tol, "seconds": seconds, "gap": gap})
        if gap < our_gap:
            break
        matched = tol
        if seconds > budget:
            break
    matched_step = next(step for step in ladder if step["tol"] == matched)
    our_runs, their_runs = [first_seconds], [matched_step["seconds"]]
    for _ in range(repeats - 1):
        our_runs.append(timed(ours)[0])
        if matched_step["seconds"] <= budget / 4:
            their_runs.append(timed(partial(theirs, matched))[0])
    ours_median, theirs_median = float(np.median(our_runs)), float(np.median(their_runs))
    return Comparison(
        task=task,
        n=n,
        p=p,
        bayesreg_seconds=ours_median,
        bayesreg_gap=our_gap,
        sklearn_tol=matched,
        sklearn_seconds=theirs_median,
        sklearn_gap=matched_step["gap"],
        speedup=theirs_median / ours_median,
        sklearn_default_seconds=ladder[0]["seconds"],
        sklearn_default_gap=ladder[0]["gap"],
        bayesreg_runs=our_runs,
        sklearn_runs=their_runs,
        ladder=ladder,
    )


def path_comparison(X: FloatArray, y: FloatArray, repeats: int, budget: float) -> Comparison:
    n, p = X.shape
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    Xf = np.asfortranarray(Xc)
    alphas = alpha_max(Xc, yc, fit_intercept=False) * np.geomspace(1.0, 1e-3, 100)

    def ours() -> FloatArray:
        return np.asarray(lasso_path(Xc, yc, alphas, fit_intercept=False).coefs)

    def theirs(tol: float) -> FloatArray:
        _, coefs, _ = sklearn_lasso_path(Xf, yc, alphas=alphas, tol=tol, max_iter=100_000)
        return np.asarray(coefs.T)

    def score(coefs: FloatArray) -> float:
        return max(
            relative_gap(Xc, yc, coef, alpha) for coef, alpha in zip(coefs, alphas, strict=True)
        )

    return compare("lasso_path (100 alphas)", n, p, ours, theirs, score, repeats, budget)


def single_comparison(X: FloatArray, y: FloatArray, repeats: int, budget: float) -> Comparison:
    n, p = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    alpha = 1e-2 * alpha_max(X, y)

    def ours() -> FloatArray:
        return np.asarray(lasso(X, y, alpha).coef)

    def theirs(tol: float) -> FloatArray:
        return np.asarray(Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y).coef_)

    return compare(
        "lasso (alpha = 1e-2 alpha_max)",
        n,
        p,
        ours,
        theirs,
        lambda coef: relative_gap(Xc, yc, coef, alpha),
        repeats,
        budget,
    )


def profile_path(X: FloatArray, y: FloatArray) -> str:
    """The ten most expensive functions of one bayesreg path (cProfile, internal time)."""
    profiler = cProfile.Profile()
    profiler.enable()
    lasso_path(X, y)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(10)
    return stream.getvalue()


def markdown(results: list[Comparison]) -> str:
    headers = [
        "task",
        "n × p",
        "bayesreg s",
        "bayesreg gap",
        "sklearn tol",
        "sklearn s",
        "sklearn gap",
        "speedup",
        "sklearn tol=1e-4 s (gap)",
    ]
    cells = [
        [
            r.task,
            f"{r.n} × {r.p}",
            f"{r.bayesreg_seconds:.3f}",
            f"{r.bayesreg_gap:.1e}",
            f"{r.sklearn_tol:.0e}",
            f"{r.sklearn_seconds:.3f}",
            f"{r.sklearn_gap:.1e}",
            f"{r.speedup:.2f}×",
            f"{r.sklearn_default_seconds:.3f} ({r.sklearn_default_gap:.1e})",
        ]
        for r in results
    ]
    return markdown_table(headers, cells, align="llrrrrrrr")


def main() -> None:
    session = Session.begin("core_cd")
    parser = benchmark_parser(__doc__, repeats=5, quick_repeats=3)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per sklearn run")
    parser.add_argument("--profile", action="store_true", help="print a profile of each path")
    args = parse_arguments(parser)
    warnings.simplefilter("ignore", SklearnConvergenceWarning)
    results: list[Comparison] = []
    with pinned_threads(args.threads):
        for n, p in QUICK_SHAPES if args.quick else SHAPES:
            X, y = make_problem(n, p)
            if args.profile:
                print(f"profile of lasso_path on {n} × {p}:\n{profile_path(X, y)}")
            for comparison in (path_comparison, single_comparison):
                result = comparison(X, y, args.repeats, args.budget)
                print(markdown([result]).splitlines()[-1], flush=True)
                results.append(result)
    note = (
        "\n\nGaps are the worst duality gap over the task's alphas relative to "
        "F(0) = ||y_c||²/(2n), both libraries scored by the same formula; speedup = "
        "scikit-learn seconds / bayesreg seconds at the matched tol."
    )
    session.write(
        args.output_dir,
        {"results": [asdict(r) for r in results]},
        markdown(results) + note,
        repeats=args.repeats,
        threads=args.threads,
    )


if __name__ == "__main__":
    main()
