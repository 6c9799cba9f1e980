"""bayesreg.find_map against pymc.find_MAP on the diabetes Laplace-prior model.

Model (the setting of docs/why_find_map.md): diabetes with columns standardized to unit
standard deviation (``load_diabetes()`` columns times √n), y centered, σ = 54 fixed, no
intercept, and ``w_j ~ Laplace(0, b)`` for b = 2 and b = 0.5 (plus ``Normal(0, 5)`` for
reference). Its MAP is the lasso (ridge) solution at alpha = σ²/(n b) (σ²/(n τ²)).

Accuracy: both estimates are compared with the certified core solution
(``bayesreg.core.enet_solver.lasso``, the ridge closed form) — the largest
absolute coefficient error, the number of exact zeros, and the KKT residual of the
penalized objective F at each estimate.

Time, in one process, medians over ``--repeats`` runs:

* find_map: ``compile`` is the first call on a fresh model (PyTensor compilation of the
  value, gradient and Hessian, plus the solve); ``solve`` is a later call on the same
  model, which reuses the compiled functions.
* pm.find_MAP (L-BFGS-B, PyMC's defaults, no jitter): ``compile`` is the first call on a
  model frozen with ``pymc.model.transform.freeze_model``; ``solve`` a later call on it
  (the frozen model caches its compiled functions).

The two do not reach the same precision (pm.find_MAP cannot land on the kink of |w|),
so the times compare an exact answer with an approximate one.

A second table times find_map alone on synthetic Laplace-prior problems of growing size
(n, p) (i.i.d. standard normal columns, 10 non-zero coefficients, noise 1).

Run::

    .venv/bin/python benchmarks/bench_map.py [--repeats 7] [--quick] [--threads 1]

Results go to ``benchmarks/results/map.json`` and ``benchmarks/results/map.md``.
"""

from __future__ import annotations

import functools
import statistics
import warnings
from typing import Any

import numpy as np
import pymc as pm
import scipy.linalg
from _common import Session, benchmark_parser, parse_arguments, pinned_threads, timed
from numpy.typing import NDArray
from pymc.model.transform.optimization import freeze_model

from bayesreg.core.enet_solver import lasso
from bayesreg.core.penalties import subdiff_distance
from bayesreg.datasets import load_diabetes
from bayesreg.pymc.map import find_map

FloatArray = NDArray[np.float64]

NOISE = 54.0


def diabetes_standardized() -> tuple[FloatArray, FloatArray]:
    X, y = load_diabetes()
    return X * np.sqrt(X.shape[0]), y - y.mean()


def prior_model(X: FloatArray, y: FloatArray, kind: str, scale: float, noise: float) -> Any:
    with pm.Model() as model:
        if kind == "laplace":
            coef = pm.Laplace("w", 0.0, np.float64(scale), shape=X.shape[1])
        else:
            coef = pm.Normal("w", 0.0, np.float64(scale), shape=X.shape[1])
        pm.Normal("y", pm.math.dot(X, coef), np.float64(noise), observed=y)
    return model


def reference(
    X: FloatArray, y: FloatArray, kind: str, scale: float, noise: float
) -> tuple[FloatArray, float, float]:
    """The certified penalized solution, its alpha and l1_ratio."""
    n, p = X.shape
    if kind == "laplace":
        alpha = noise**2 / (n * scale)
        return lasso(X, y, alpha, fit_intercept=False).coef, alpha, 1.0
    alpha = noise**2 / (n * scale**2)
    gram = X.T @ X + n * alpha * np.eye(p)
    return scipy.linalg.solve(gram, X.T @ y, assume_a="pos"), alpha, 0.0


def penalized_kkt(
    X: FloatArray, y: FloatArray, coef: FloatArray, alpha: float, l1_ratio: float
) -> float:
    """sup_j dist(−∇_j L, alpha ∂P_j) for F = ‖y − Xw‖²/(2n) + alpha P(w)."""
    grad = X.T @ (X @ coef - y) / len(y)
    return float(np.max(subdiff_distance(coef, grad, alpha, l1_ratio)))


def run_pymc_find_map(model: Any) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", UserWarning)
        point = pm.find_MAP(model=model, progressbar=False, jitter=False)
    return np.asarray(point["w"], dtype=np.float64)


def compare_on_diabetes(kind: str, scale: float, repeats: int) -> dict[str, Any]:
    X, y = diabetes_standardized()
    exact, alpha, l1_ratio = reference(X, y, kind, scale, NOISE)

    model = prior_model(X, y, kind, scale, NOISE)
    compile_seconds, first = timed(lambda: find_map(model))
    solves = [timed(lambda: find_map(model))[0] for _ in range(repeats)]
    ours = np.asarray(first.values["w"])

    frozen = freeze_model(prior_model(X, y, kind, scale, NOISE))
    pymc_compile_seconds, _ = timed(lambda: run_pymc_find_map(frozen))
    pymc_runs = [timed(lambda: run_pymc_find_map(frozen)) for _ in range(repeats)]
    theirs = pymc_runs[-1][1]

    def accuracy(estimate: FloatArray) -> dict[str, Any]:
        return {
            "max_abs_error": float(np.max(np.abs(estimate - exact))),
            "relative_error": float(np.max(np.abs(estimate - exact)) / np.max(np.abs(exact))),
            "exact_zeros": int(np.count_nonzero(estimate == 0.0)),
            "zero_pattern_matches": bool(np.array_equal(estimate == 0.0, exact == 0.0)),
            "penalized_kkt_residual": penalized_kkt(X, y, estimate, alpha, l1_ratio),
        }

    return {
        "prior": f"{'Laplace' if kind == 'laplace' else 'Normal'}(0, {scale:g})",
        "alpha": alpha,
        "l1_ratio": l1_ratio,
        "reference_zeros": int(np.count_nonzero(exact == 0.0)),
        "find_map": {
            "compile_seconds": compile_seconds,
            "solve_seconds_median": statistics.median(solves),
            "n_iter": first.n_iter,
            "map_kkt_residual": first.gap,
            **accuracy(ours),
        },
        "pymc_find_MAP": {
            "compile_seconds": pymc_compile_seconds,
            "solve_seconds_median": statistics.median(t for t, _ in pymc_runs),
            **accuracy(theirs),
        },
    }


def scaling(sizes: list[tuple[int, int]], repeats: int) -> list[dict[str, Any]]:
    rows = []
    for n, p in sizes:
        rng = np.random.default_rng(0)
        X = rng.standard_normal((n, p))
        truth = np.zeros(p)
        truth[:10] = rng.choice([-2.0, -1.0, 1.0, 2.0], size=min(10, p))
        y = X @ truth + rng.standard_normal(n)
        scale = 0.05
        model = prior_model(X, y, "laplace", scale, 1.0)
        solve = functools.partial(find_map, model)
        compile_seconds, estimate = timed(solve)
        solves = [timed(solve)[0] for _ in range(repeats)]
        exact, _, _ = reference(X, y, "laplace", scale, 1.0)
        rows.append(
            {
                "n": n,
                "p": p,
                "compile_seconds": compile_seconds,
                "solve_seconds_median": statistics.median(solves),
                "n_iter": estimate.n_iter,
                "max_abs_error_vs_core": float(np.max(np.abs(estimate.values["w"] - exact))),
                "nonzero": int(np.count_nonzero(exact)),
            }
        )
    return rows


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "| prior | method | compile (s) | solve (s, median) | max abs error | exact zeros "
        "(core) | KKT residual of F |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for case in results["diabetes"]:
        for label, key in (("bayesreg.find_map", "find_map"), ("pm.find_MAP", "pymc_find_MAP")):
            row = case[key]
            lines.append(
                f"| {case['prior']} | {label} | {row['compile_seconds']:.2f} | "
                f"{row['solve_seconds_median']:.4f} | {row['max_abs_error']:.2e} | "
                f"{row['exact_zeros']} ({case['reference_zeros']}) | "
                f"{row['penalized_kkt_residual']:.1e} |"
            )
    lines += [
        "",
        "| n | p | compile (s) | solve (s, median) | Newton steps | max abs error vs core |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["scaling"]:
        lines.append(
            f"| {row['n']} | {row['p']} | {row['compile_seconds']:.2f} | "
            f"{row['solve_seconds_median']:.4f} | {row['n_iter']} | "
            f"{row['max_abs_error_vs_core']:.1e} |"
        )
    return "\n".join(lines)


def main() -> None:
    session = Session.begin("map")
    parser = benchmark_parser(__doc__, repeats=7, quick_repeats=3)
    args = parse_arguments(parser)
    sizes = [(200, 10), (2000, 50)] if args.quick else [(200, 10), (2000, 50), (2000, 200)]
    with pinned_threads(args.threads):
        results = {
            "setting": {
                "data": "diabetes, columns × √n (unit sd), y centered, no intercept",
                "noise": NOISE,
            },
            "diabetes": [
                compare_on_diabetes(kind, scale, args.repeats)
                for kind, scale in (("laplace", 2.0), ("laplace", 0.5), ("normal", 5.0))
            ],
            "scaling": scaling(sizes, args.repeats),
        }
    note = (
        "\n\nmax abs error is measured against the certified core solution (lasso, or the "
        "ridge closed form); exact zeros counts coefficients that are exactly 0.0, with the "
        "core's count in parentheses; the KKT residual is that of the penalized objective F. "
        "The second table times find_map alone on synthetic Laplace-prior problems."
    )
    session.write(
        args.output_dir,
        results,
        markdown(results) + note,
        repeats=args.repeats,
        threads=args.threads,
    )


if __name__ == "__main__":
    main()
