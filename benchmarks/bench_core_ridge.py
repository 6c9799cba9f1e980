"""The ridge path: one SVD for 100 alphas, against a loop of scikit-learn Ridge fits.

Run from the repository root::

    .venv/bin/python benchmarks/bench_core_ridge.py [--quick] [--repeats 5] [--threads 1]

For each problem three things are timed in one process, on the same data, with the
same 100 alphas (log-spaced over the whole path, :func:`bayesreg.core.ridge.ridge_alphas`):

* ``bayesreg.core.ridge.ridge_path`` — one factorization of the centered X (the
  eigendecomposition of the smaller Gram matrix when the smallest alpha keeps it as
  accurate as Cholesky, else the thin SVD), then every coefficient vector, duality gap,
  df, GCV and exact LOO error by matrix products;
* a loop of ``sklearn.linear_model.Ridge(alpha=n·alpha).fit(X, y)`` (the same objective
  scaled by 2n; the default solver, Cholesky, for dense X);
* one bare ``scipy.linalg.svd(Xc, full_matrices=False)`` of the already-centered X — the
  limit for any SVD-based path (``numpy.linalg.svd`` is timed too).

Precision is matched before time is compared: the largest relative difference between
the two libraries' coefficients over the path is reported, and both solutions'
duality gaps are computed by the same formula. Times are medians of repeats; BLAS
threads are pinned (default 1) because the machine is shared. Targets: ridge_path at
least 20× faster than the scikit-learn loop and within 1.5× of one SVD. The per-alpha
outputs (k×n residuals and leverages) cost O(k·n·p), more than the factorization's
O(n·p²) when p < k = 100, so small-p problems cannot meet the second target. Results go
to ``benchmarks/results/core_ridge.json`` and ``benchmarks/results/core_ridge.md``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import scipy.linalg
from _common import (
    Session,
    benchmark_parser,
    markdown_table,
    median_seconds,
    parse_arguments,
    pinned_threads,
)
from numpy.typing import NDArray
from sklearn.linear_model import Ridge

from bayesreg.core.ridge import ridge_alphas, ridge_path

FloatArray = NDArray[np.float64]

N_ALPHAS = 100
PROBLEMS = ((1000, 50), (4000, 100), (2000, 400), (8000, 400), (300, 2000))
QUICK_PROBLEMS = ((1000, 50), (300, 600))


@dataclass(frozen=True)
class Row:
    n: int
    p: int
    path_seconds: float
    sklearn_loop_seconds: float
    scipy_svd_seconds: float
    numpy_svd_seconds: float
    speedup_vs_sklearn: float  # sklearn loop time / ridge_path time
    ratio_to_svd: float  # ridge_path time / scipy SVD time
    max_coef_rel_diff: float  # max over alphas of ||w_sklearn − w_ours|| / ||w_ours||
    max_relative_gap_bayesreg: float  # max over alphas of gap / F(0)
    max_relative_gap_sklearn: float


def relative_gaps(
    X: FloatArray, y: FloatArray, coefs: FloatArray, alphas: FloatArray
) -> FloatArray:
    """``||Xcᵀr/n − alpha·w||²/(2 alpha) / F(0)``: the duality gap at θ = r/n, over F(0)."""
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = len(y)
    residuals = yc[None, :] - coefs @ Xc.T
    gradients = residuals @ Xc / n - alphas[:, None] * coefs
    gaps: FloatArray = np.sum(gradients**2, axis=1) / (2 * alphas) / (yc @ yc / (2 * n))
    return gaps


def bench(n: int, p: int, repeats: int) -> Row:
    rng = np.random.default_rng(n * 7919 + p)
    X = rng.standard_normal((n, p)) @ np.diag(np.linspace(0.2, 2.0, p)) + rng.normal(size=p)
    y = 1.0 + X @ rng.standard_normal(p) + rng.standard_normal(n)
    alphas = ridge_alphas(X, n_alphas=N_ALPHAS)
    Xc = X - X.mean(axis=0)

    path = ridge_path(X, y, alphas)
    sklearn_coefs = np.array([Ridge(alpha=n * a).fit(X, y).coef_ for a in path.alphas])
    coef_diff = np.linalg.norm(sklearn_coefs - path.coefs, axis=1) / np.linalg.norm(
        path.coefs, axis=1
    )

    path_seconds = median_seconds(lambda: ridge_path(X, y, alphas), repeats)
    loop_seconds = median_seconds(
        lambda: [Ridge(alpha=n * a).fit(X, y) for a in alphas], max(1, repeats // 2)
    )
    scipy_seconds = median_seconds(lambda: scipy.linalg.svd(Xc, full_matrices=False), repeats)
    numpy_seconds = median_seconds(lambda: np.linalg.svd(Xc, full_matrices=False), repeats)
    return Row(
        n=n,
        p=p,
        path_seconds=path_seconds,
        sklearn_loop_seconds=loop_seconds,
        scipy_svd_seconds=scipy_seconds,
        numpy_svd_seconds=numpy_seconds,
        speedup_vs_sklearn=loop_seconds / path_seconds,
        ratio_to_svd=path_seconds / scipy_seconds,
        max_coef_rel_diff=float(coef_diff.max()),
        max_relative_gap_bayesreg=float(relative_gaps(X, y, path.coefs, path.alphas).max()),
        max_relative_gap_sklearn=float(relative_gaps(X, y, sklearn_coefs, path.alphas).max()),
    )


def markdown(rows: list[Row]) -> str:
    headers = [
        "n",
        "p",
        "ridge_path (s)",
        "sklearn loop (s)",
        "scipy SVD (s)",
        "numpy SVD (s)",
        "speed-up vs sklearn",
        "path / SVD",
        "max coef rel diff",
        "max gap/F(0) ours",
        "max gap/F(0) sklearn",
    ]
    cells = [
        [
            f"{r.n}",
            f"{r.p}",
            f"{r.path_seconds:.4f}",
            f"{r.sklearn_loop_seconds:.3f}",
            f"{r.scipy_svd_seconds:.4f}",
            f"{r.numpy_svd_seconds:.4f}",
            f"{r.speedup_vs_sklearn:.1f}×",
            f"{r.ratio_to_svd:.2f}×",
            f"{r.max_coef_rel_diff:.1e}",
            f"{r.max_relative_gap_bayesreg:.1e}",
            f"{r.max_relative_gap_sklearn:.1e}",
        ]
        for r in rows
    ]
    return markdown_table(headers, cells, align="r" * len(headers))


def main() -> None:
    session = Session.begin("core_ridge")
    parser = benchmark_parser(__doc__, repeats=5, quick_repeats=3)
    args = parse_arguments(parser)
    with pinned_threads(args.threads):
        rows = [bench(n, p, args.repeats) for n, p in (QUICK_PROBLEMS if args.quick else PROBLEMS)]
    payload = {
        "benchmark": "ridge path: bayesreg.ridge_path vs a loop of sklearn Ridge vs one SVD",
        "n_alphas": N_ALPHAS,
        "rows": [asdict(row) for row in rows],
    }
    note = (
        "\n\nThe scikit-learn loop is timed over half the repeats (at least one); "
        "gap/F(0) is the duality gap of each solution relative to F(0) = ||y_c||²/(2n)."
    )
    session.write(
        args.output_dir,
        payload,
        markdown(rows) + note,
        repeats=args.repeats,
        threads=args.threads,
    )


if __name__ == "__main__":
    main()
