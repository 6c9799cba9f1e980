"""Penalized logistic regression: bayesreg against scikit-learn at matched KKT residual.

Run from the repository root::

    .venv/bin/python benchmarks/bench_core_logistic.py [--quick] [--repeats 5] [--threads 1]

Both libraries minimize the same objective (``C = 1/(n alpha)``; lbfgs, saga and
newton-cholesky leave the intercept unpenalized, liblinear does not and is run
only without an intercept)::

    F(w, w0) = 1/n Σ [log(1 + exp(η_i)) − y_i η_i] + alpha (r ||w||₁ + (1 − r)/2 ||w||²)

Precision is matched before time is compared: bayesreg runs at its default
tolerance, then scikit-learn is run at tol = 1e-4, 1e-6, ..., 1e-14 and the first
tol whose solution has a KKT residual (under the objective above) at most
bayesreg's threshold is timed. When no tol gets there within the time budget, the
most precise run is timed and the row says ``matched = false``. Times are medians
of repeats in one process; BLAS threads are pinned (default 1) because the machine
is shared. Results go to ``benchmarks/results/core_logistic.json`` and a Markdown
table is printed.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy
import sklearn
from numpy.typing import NDArray
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.penalties import subdiff_distance

FloatArray = NDArray[np.float64]

RESULTS = Path(__file__).resolve().parent / "results" / "core_logistic.json"
SKLEARN_TOLS = (1e-4, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14)
#: Seconds: a scikit-learn run slower than this ends the search over tighter tols,
#: and repeats stop once the runs of one solver have taken this long.
TIME_BUDGET = 20.0


#: Iteration caps (epochs for saga and liblinear): generous, yet each fit ends in
#: well under a minute on the largest problem here.
MAX_ITER = {"lbfgs": 10_000, "newton-cholesky": 1_000, "saga": 5_000, "liblinear": 1_000}


@dataclass(frozen=True)
class Problem:
    name: str
    n: int
    p: int
    l1_ratio: float
    alpha_fraction: float  # alpha = fraction · alpha_max(l1_ratio = 1)
    fit_intercept: bool
    peer: str  # scikit-learn solver


@dataclass(frozen=True)
class Row:
    problem: str
    n: int
    p: int
    l1_ratio: float
    alpha: float
    fit_intercept: bool
    peer: str
    bayesreg_seconds: float
    peer_seconds: float
    ratio: float  # peer time / bayesreg time (> 1: bayesreg faster)
    bayesreg_kkt: float
    peer_kkt: float
    threshold: float
    peer_tol: float
    matched: bool
    n_nonzero: int
    max_coef_diff: float


def make_data(n: int, p: int, seed: int) -> tuple[FloatArray, FloatArray]:
    """Correlated Gaussian design (AR(1), ρ = 0.5), 10 true non-zero coefficients."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1:] = 0.5 * X[:, :-1] + np.sqrt(0.75) * X[:, 1:]
    truth = np.zeros(p)
    truth[: min(p, 10)] = rng.choice([-1.0, 1.0], min(p, 10))
    y = (rng.random(n) < expit(X @ truth)).astype(np.float64)
    return X, y


def kkt_residual(
    X: FloatArray,
    y: FloatArray,
    coef: FloatArray,
    intercept: float,
    alpha: float,
    l1_ratio: float,
    fit_intercept: bool,
) -> float:
    """KKT residual of any (coef, intercept) under bayesreg's objective."""
    residual = expit(intercept + X @ coef) - y
    grad = X.T @ residual / len(y)
    worst = float(np.max(subdiff_distance(coef, grad, alpha, l1_ratio)))
    return max(worst, abs(float(residual.mean()))) if fit_intercept else worst


def median_time(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of up to ``repeats`` runs (fewer once TIME_BUDGET is spent)."""
    times: list[float] = []
    while len(times) < repeats and sum(times) < TIME_BUDGET:
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def sklearn_model(problem: Problem, alpha: float, tol: float) -> LogisticRegression:
    return LogisticRegression(
        C=1.0 / (problem.n * alpha),
        l1_ratio=problem.l1_ratio,
        solver=problem.peer,
        fit_intercept=problem.fit_intercept,
        tol=tol,
        max_iter=MAX_ITER[problem.peer],
        random_state=0,
    )


def fit_sklearn(
    problem: Problem, X: FloatArray, y: FloatArray, alpha: float, tol: float
) -> tuple[FloatArray, float, float]:
    """Fit once; return coef, intercept and the seconds it took."""
    model = sklearn_model(problem, alpha, tol)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnConvergenceWarning)
        model.fit(X, y)
    seconds = time.perf_counter() - start
    intercept = float(model.intercept_[0]) if problem.fit_intercept else 0.0
    return model.coef_[0].copy(), intercept, seconds


def run_problem(problem: Problem, repeats: int) -> Row:
    X, y = make_data(problem.n, problem.p, seed=problem.n + problem.p)
    alpha = problem.alpha_fraction * logistic_alpha_max(
        X, y, l1_ratio=1.0, fit_intercept=problem.fit_intercept
    )

    def ours() -> object:
        return logistic(X, y, alpha, l1_ratio=problem.l1_ratio, fit_intercept=problem.fit_intercept)

    fit = logistic(X, y, alpha, l1_ratio=problem.l1_ratio, fit_intercept=problem.fit_intercept)
    ours_seconds = median_time(ours, repeats)

    # Loosest scikit-learn tol whose solution is certified as precisely as ours.
    best: tuple[float, float, FloatArray] | None = None
    matched = False
    for tol in SKLEARN_TOLS:
        coef, intercept, seconds = fit_sklearn(problem, X, y, alpha, tol)
        residual = kkt_residual(
            X, y, coef, intercept, alpha, problem.l1_ratio, problem.fit_intercept
        )
        if best is None or residual < best[1]:
            best = (tol, residual, coef)
        if residual <= fit.tol:
            matched = True
            break
        if seconds > TIME_BUDGET:
            break
    assert best is not None
    peer_tol, peer_kkt, peer_coef = best
    peer_seconds = median_time(lambda: fit_sklearn(problem, X, y, alpha, peer_tol), repeats)
    return Row(
        problem=problem.name,
        n=problem.n,
        p=problem.p,
        l1_ratio=problem.l1_ratio,
        alpha=alpha,
        fit_intercept=problem.fit_intercept,
        peer=problem.peer,
        bayesreg_seconds=ours_seconds,
        peer_seconds=peer_seconds,
        ratio=peer_seconds / ours_seconds,
        bayesreg_kkt=fit.gap,
        peer_kkt=peer_kkt,
        threshold=fit.tol,
        peer_tol=peer_tol,
        matched=matched,
        n_nonzero=fit.n_nonzero,
        max_coef_diff=float(np.max(np.abs(fit.coef - peer_coef))),
    )


def problems(quick: bool) -> list[Problem]:
    shapes = [(1000, 50), (500, 2000)] if quick else [(1000, 50), (10000, 100), (500, 2000)]
    cases: list[Problem] = []
    for n, p in shapes:
        cases += [
            Problem(f"ridge {n}x{p}", n, p, 0.0, 1e-2, True, "lbfgs"),
            Problem(f"ridge {n}x{p}", n, p, 0.0, 1e-2, True, "newton-cholesky"),
            Problem(f"lasso {n}x{p}", n, p, 1.0, 0.1, True, "saga"),
            Problem(f"lasso {n}x{p}", n, p, 1.0, 0.01, True, "saga"),
            Problem(f"lasso {n}x{p} no intercept", n, p, 1.0, 0.05, False, "liblinear"),
            Problem(f"enet(0.5) {n}x{p}", n, p, 0.5, 0.05, True, "saga"),
        ]
    if not quick:
        # Growth of cost with n (p fixed) and with p (n fixed), lasso at 0.05 alpha_max.
        cases += [
            Problem(f"lasso n-growth {n}x100", n, 100, 1.0, 0.05, True, "saga")
            for n in (2000, 8000, 32000)
        ]
        cases += [
            Problem(f"lasso p-growth 500x{p} no intercept", 500, p, 1.0, 0.05, False, "liblinear")
            for p in (500, 5000, 20000)
        ]
    return cases


def markdown(rows: list[Row]) -> str:
    header = (
        "| problem | r | alpha | peer | bayesreg s | peer s | peer/bayesreg | "
        "KKT bayesreg | KKT peer | threshold | peer tol | matched | nnz |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [
        f"| {r.problem} | {r.l1_ratio:g} | {r.alpha:.3g} | {r.peer} | {r.bayesreg_seconds:.4f} | "
        f"{r.peer_seconds:.4f} | {r.ratio:.2f} | {r.bayesreg_kkt:.1e} | {r.peer_kkt:.1e} | "
        f"{r.threshold:.1e} | {r.peer_tol:.0e} | {'yes' if r.matched else 'no'} | {r.n_nonzero} |"
        for r in rows
    ]
    return "\n".join([header, *lines])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small problems only")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per solver")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for both")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    rows = []
    with threadpool_limits(limits=args.threads):
        for problem in problems(args.quick):
            row = run_problem(problem, args.repeats)
            rows.append(row)
            print(f"done: {row.problem} ({row.peer})", flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "core_logistic",
        "blas_threads": args.threads,
        "repeats": args.repeats,
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "machine": platform.machine(),
        "rows": [asdict(row) for row in rows],
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(markdown(rows))


if __name__ == "__main__":
    main()
