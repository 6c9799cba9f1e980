"""How the costs grow with n and p: paths, the exact posterior, one Gibbs iteration, statistics.

Run from the repository root::

    .venv/bin/python benchmarks/bench_scaling.py [--quick] [--repeats 3] [--threads 1]

Two sweeps on synthetic data (correlated columns, sparse truth, unit noise): n over
``N_GRID`` at p = ``FIXED_P``, and p over ``P_GRID`` at n = ``FIXED_N``. For each point
the median of ``--repeats`` runs of

* ``SufficientStats.from_arrays`` — the one pass over the rows, O(n p²);
* ``lasso_path`` on the rows and on the statistics (100 alphas, default grid);
* ``ridge_path`` on the rows (100 alphas from ``ridge_alphas``);
* ``gaussian_posterior`` on the rows (the exact posterior: cross products and one
  Cholesky factor);
* one Gibbs iteration (Laplace prior, σ fixed, one chain): the time of
  ``gibbs_sample`` with ``GIBBS_LONG`` draws minus the time with ``GIBBS_SHORT`` draws,
  over the difference, so the setup (centering, cross products) cancels.

The exponent of each cost is the least-squares slope of log(seconds) on log(n) or
log(p), over all points and over the three largest. Small problems are dominated by
fixed overheads (Python calls, LAPACK setup), which flatten the slopes; the table shows
the times so the reader can see where the asymptotic regime starts. Expected exponents:
the statistics O(n p²); the exact posterior O(n p² + p³); a Gibbs iteration O(p³) (a
Cholesky factor of the p × p precision matrix per iteration, nothing of size n); the
lasso path O(n p²) for the Gram matrix once plus O(p·k) per pass, and from the
statistics nothing of size n; the ridge path O(n p² + p³) for the factorization plus
O(k n p) for the residuals, leverages and gaps of its k = 100 alphas. Results:
``benchmarks/results/scaling.json`` and ``benchmarks/results/scaling.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from _common import (
    Session,
    benchmark_parser,
    markdown_table,
    median_seconds,
    parse_arguments,
    pinned_threads,
)
from numpy.typing import NDArray

from bayesreg.core.enet_path import lasso_path
from bayesreg.core.ridge import ridge_alphas, ridge_path
from bayesreg.core.stats import SufficientStats
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.gibbs import GibbsPrior, gibbs_sample

FloatArray = NDArray[np.float64]

FIXED_P, N_GRID = 20, (2_000, 8_000, 32_000, 128_000, 512_000)
FIXED_N, P_GRID = 10_000, (10, 20, 40, 80, 160, 320)
QUICK_N_GRID, QUICK_P_GRID = (1_000, 4_000, 16_000), (10, 20, 40)
GIBBS_SHORT, GIBBS_LONG = 20, 220

Operation = Callable[[FloatArray, FloatArray, SufficientStats], object]


def gibbs_run(X: FloatArray, y: FloatArray, draws: int) -> object:
    return gibbs_sample(
        X,
        y,
        GibbsPrior.laplace(1.0),
        noise=1.0,
        draws=draws,
        tune=0,
        chains=1,
        random_seed=0,
        progressbar=False,
    )


OPERATIONS: dict[str, Operation] = {
    "SufficientStats.from_arrays": lambda X, y, s: SufficientStats.from_arrays(X, y),
    "lasso_path (rows)": lambda X, y, s: lasso_path(X, y),
    "lasso_path (statistics)": lambda X, y, s: lasso_path(s, None),
    "ridge_path (rows)": lambda X, y, s: ridge_path(X, y, ridge_alphas(X)),
    "exact posterior (rows)": lambda X, y, s: gaussian_posterior(X, y, scale=1.0, noise=1.0),
}


def make_problem(n: int, p: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(n * 7919 + p)
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(0.7 * np.eye(p) + 0.3).T + 5.0
    truth = np.zeros(p)
    truth[:5] = [2.0, -1.0, 1.5, -0.5, 1.0]
    return X, X @ truth + rng.standard_normal(n)


def measure(n: int, p: int, repeats: int) -> dict[str, float]:
    X, y = make_problem(n, p)
    stats = SufficientStats.from_arrays(X, y)
    seconds = {
        name: median_seconds(_bound(operation, X, y, stats), repeats)
        for name, operation in OPERATIONS.items()
    }
    short = median_seconds(lambda: gibbs_run(X, y, GIBBS_SHORT), repeats)
    long = median_seconds(lambda: gibbs_run(X, y, GIBBS_LONG), repeats)
    seconds["one Gibbs iteration"] = max(long - short, 0.0) / (GIBBS_LONG - GIBBS_SHORT)
    return seconds


def _bound(
    operation: Operation, X: FloatArray, y: FloatArray, stats: SufficientStats
) -> Callable[[], object]:
    return lambda: operation(X, y, stats)


def slope(sizes: tuple[int, ...], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(size)."""
    fitted = np.polyfit(np.log(sizes), np.log(np.maximum(seconds, 1e-9)), 1)
    return float(fitted[0])


def sweep(
    label: str, sizes: tuple[int, ...], shape: Callable[[int], tuple[int, int]], repeats: int
) -> dict[str, Any]:
    rows = [measure(*shape(size), repeats) for size in sizes]
    names = list(rows[0])
    return {
        "varied": label,
        "sizes": list(sizes),
        "shapes": [shape(size) for size in sizes],
        "seconds": {name: [row[name] for row in rows] for name in names},
        "slopes": {name: slope(sizes, [row[name] for row in rows]) for name in names},
        "slopes_last_three": {
            name: slope(sizes[-3:], [row[name] for row in rows[-3:]]) for name in names
        },
    }


def markdown(sweeps: list[dict[str, Any]]) -> str:
    blocks = []
    for result in sweeps:
        headers = [
            "operation",
            *(f"n={n}, p={p}" for n, p in result["shapes"]),
            "slope",
            "slope, last 3",
        ]
        cells = [
            [
                name,
                *(f"{t:.2e}" for t in times),
                f"{result['slopes'][name]:.2f}",
                f"{result['slopes_last_three'][name]:.2f}",
            ]
            for name, times in result["seconds"].items()
        ]
        caption = (
            f"Cost against {result['varied']} (seconds, median of repeats; slopes = fitted "
            f"exponent of {result['varied']} over all points and over the last three)."
        )
        table = markdown_table(headers, cells, align="l" + "r" * (len(headers) - 1))
        blocks.append(f"{caption}\n\n{table}")
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    session = Session.begin("scaling")
    parser = benchmark_parser(__doc__, repeats=3, quick_repeats=2)
    args = parse_arguments(parser)
    n_grid = QUICK_N_GRID if args.quick else N_GRID
    p_grid = QUICK_P_GRID if args.quick else P_GRID
    with pinned_threads(args.threads):
        sweeps = [
            sweep("n", n_grid, lambda n: (n, FIXED_P), args.repeats),
            sweep("p", p_grid, lambda p: (FIXED_N, p), args.repeats),
        ]
    payload = {
        "benchmark": "cost growth in n and p: statistics, paths, exact posterior, Gibbs",
        "gibbs_iterations": [GIBBS_SHORT, GIBBS_LONG],
        "sweeps": sweeps,
    }
    session.write(
        args.output_dir, payload, markdown(sweeps), repeats=args.repeats, threads=args.threads
    )


if __name__ == "__main__":
    main()
