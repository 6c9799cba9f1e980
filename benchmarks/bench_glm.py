"""Poisson paths and per-coefficient penalty factors: bayesreg against glum at matched KKT.

Run from the repository root::

    .venv/bin/python benchmarks/bench_glm.py [--quick] [--repeats 5] [--threads 1]

Both libraries minimize the same objective along the same decreasing grid of alphas
(glum's ``1/(2n)·deviance`` is the averaged negative log-likelihood up to a constant;
``P1 = P2 = v`` are glmnet-style penalty factors, unrescaled in both)::

    F(w, w0) = L(η) + alpha · Σ_j v_j [r |w_j| + (1 − r)/2 w_j²],   η = o + w0 + X w,

with L the Gaussian ``1/(2n)||y − η||²`` or the Poisson ``1/n Σ [exp(η_i) − y_i η_i]``.

Precision is matched before time is compared: every point of each path is judged by
one formula, the KKT residual ``max_j dist(−∂L/∂w_j, alpha·v_j·∂P_j(w_j))`` together with
``|∂L/∂w0|``. bayesreg runs at its default tolerance; glum is run with
``gradient_tol`` = 1e-4, 1e-6, ..., 1e-12 and the first whose worst KKT residual along
the path is at most ``max(bayesreg's worst, 1e-10·ρ₀)`` (ρ₀ the gradient at w = 0) is
timed; when none gets there, the most precise run is timed and the row says
``matched = no``. Times are medians of repeats in one process, BLAS threads pinned.
Results go to ``benchmarks/results/glm.json`` and ``benchmarks/results/glm.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from _common import (
    Session,
    benchmark_parser,
    markdown_table,
    median_seconds,
    parse_arguments,
    pinned_threads,
    timed,
)
from glum import GeneralizedLinearRegressor
from numpy.typing import NDArray

from bayesreg.core.datafits import datafit_of
from bayesreg.core.enet_path import lasso_path
from bayesreg.core.penalties import subdiff_distance
from bayesreg.core.poisson import poisson_alpha_max, poisson_path

FloatArray = NDArray[np.float64]

GLUM_TOLS = (1e-4, 1e-6, 1e-8, 1e-10, 1e-12)
#: Relative KKT level a peer is asked to reach when bayesreg's residual is below it.
KKT_FLOOR = 1e-10


@dataclass(frozen=True)
class Problem:
    name: str
    family: str  # "gaussian" or "poisson"
    X: FloatArray
    y: FloatArray
    offset: FloatArray | None
    factor: FloatArray | None
    l1_ratio: float
    alphas: FloatArray


@dataclass(frozen=True)
class Row:
    problem: str
    n_alphas: int
    bayesreg_seconds: float
    glum_seconds: float
    ratio: float
    bayesreg_kkt: float
    glum_kkt: float
    target: float
    glum_tol: float
    matched: bool
    max_coef_difference: float


def _design(n: int, p: int, rho: float, rng: np.random.Generator) -> FloatArray:
    """Rows ~ N(0, Σ) with Σ_ij = rho^|i−j|, columns standardized."""
    base = rng.standard_normal((n, p))
    X = np.empty_like(base)
    X[:, 0] = base[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1.0 - rho**2) * base[:, j]
    standardized: FloatArray = (X - X.mean(axis=0)) / X.std(axis=0)
    return standardized


def _poisson_problem(
    name: str, n: int, p: int, l1_ratio: float, rng: np.random.Generator, *, factors: bool
) -> Problem:
    X = _design(n, p, 0.5, rng)
    coef = np.zeros(p)
    coef[: max(p // 10, 1)] = rng.uniform(-0.3, 0.3, max(p // 10, 1))
    offset = np.log(rng.uniform(0.5, 2.0, n))
    y = rng.poisson(np.exp(0.5 + offset + X @ coef)).astype(np.float64)
    factor = rng.uniform(0.5, 2.0, p) if factors else None
    scale = 1.0 if factor is None else float(np.max(1.0 / factor))
    top = poisson_alpha_max(X, y, offset=offset, l1_ratio=l1_ratio) * scale
    alphas = np.geomspace(top, top / 100.0, 20)
    return Problem(name, "poisson", X, y, offset, factor, l1_ratio, alphas)


def _gaussian_factor_problem(name: str, n: int, p: int, rng: np.random.Generator) -> Problem:
    X = _design(n, p, 0.5, rng)
    coef = np.zeros(p)
    coef[: p // 10] = rng.standard_normal(p // 10)
    y = X @ coef + rng.standard_normal(n)
    factor = rng.uniform(0.5, 2.0, p)
    top = float(np.max(np.abs(X.T @ (y - y.mean())) / factor)) / n
    alphas = np.geomspace(top, top / 100.0, 20)
    return Problem(name, "gaussian", X, y, None, factor, 1.0, alphas)


def problems(quick: bool) -> list[Problem]:
    rng = np.random.default_rng(2026)
    if quick:
        return [
            _poisson_problem("poisson lasso 500x50", 500, 50, 1.0, rng, factors=False),
            _gaussian_factor_problem("gaussian lasso factors 500x50", 500, 50, rng),
        ]
    return [
        _poisson_problem("poisson lasso 2000x100", 2000, 100, 1.0, rng, factors=False),
        _poisson_problem("poisson enet(0.5) 5000x200", 5000, 200, 0.5, rng, factors=False),
        _poisson_problem("poisson lasso 500x1000", 500, 1000, 1.0, rng, factors=False),
        _poisson_problem("poisson lasso factors 2000x100", 2000, 100, 1.0, rng, factors=True),
        _gaussian_factor_problem("gaussian lasso factors 2000x200", 2000, 200, rng),
        _gaussian_factor_problem("gaussian lasso factors 500x2000", 500, 2000, rng),
    ]


def path_kkt(problem: Problem, coefs: FloatArray, intercepts: FloatArray) -> float:
    """The worst KKT residual along a path, one formula for both libraries."""
    datafit = datafit_of(problem.family, problem.y, problem.offset)
    factor = np.ones(problem.X.shape[1]) if problem.factor is None else problem.factor
    worst = 0.0
    for alpha, coef, intercept in zip(problem.alphas, coefs, intercepts, strict=True):
        gradient, _ = datafit.derivatives(intercept + problem.X @ coef)
        distance = subdiff_distance(
            coef, problem.X.T @ gradient, float(alpha) * factor, problem.l1_ratio
        )
        worst = max(worst, float(np.max(distance)), abs(float(gradient.sum())))
    return worst


def null_gradient(problem: Problem) -> float:
    """ρ₀ = ||∇_w L||∞ at w = 0 with the best intercept."""
    if problem.family == "gaussian":
        return float(np.max(np.abs(problem.X.T @ (problem.y - problem.y.mean())))) / len(problem.y)
    offset = np.zeros(len(problem.y)) if problem.offset is None else problem.offset
    mean = problem.y.sum() * np.exp(offset) / np.exp(offset).sum()
    return float(np.max(np.abs(problem.X.T @ (mean - problem.y)))) / len(problem.y)


def run_bayesreg(problem: Problem) -> Callable[[], tuple[FloatArray, FloatArray]]:
    def run() -> tuple[FloatArray, FloatArray]:
        if problem.family == "poisson":
            path = poisson_path(
                problem.X,
                problem.y,
                problem.alphas,
                problem.l1_ratio,
                offset=problem.offset,
                penalty_factor=problem.factor,
            )
        else:
            path = lasso_path(
                problem.X,
                problem.y,
                problem.alphas,
                problem.l1_ratio,
                penalty_factor=problem.factor,
            )
        return path.coefs, path.intercepts

    return run


def run_glum(problem: Problem, tol: float) -> Callable[[], tuple[FloatArray, FloatArray]]:
    factor = np.ones(problem.X.shape[1]) if problem.factor is None else problem.factor

    def run() -> tuple[FloatArray, FloatArray]:
        model = GeneralizedLinearRegressor(
            family=problem.family,
            alpha_search=True,
            alphas=problem.alphas,
            l1_ratio=problem.l1_ratio,
            P1=factor,
            P2=factor,
            gradient_tol=tol,
            max_iter=1000,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(problem.X, problem.y, offset=problem.offset)
        return np.asarray(model.coef_path_), np.asarray(model.intercept_path_)

    return run


def run_problem(problem: Problem, repeats: int) -> Row:
    ours = run_bayesreg(problem)
    _, (coefs, intercepts) = timed(ours)
    our_kkt = path_kkt(problem, coefs, intercepts)
    target = max(our_kkt, KKT_FLOOR * null_gradient(problem))
    chosen: tuple[float, Any, float] | None = None
    for tol in GLUM_TOLS:
        peer = run_glum(problem, tol)
        _, (peer_coefs, peer_intercepts) = timed(peer)
        peer_kkt = path_kkt(problem, peer_coefs, peer_intercepts)
        chosen = (tol, (peer_coefs, peer_intercepts), peer_kkt)
        if peer_kkt <= target:
            break
    assert chosen is not None
    tol, (peer_coefs, _), peer_kkt = chosen
    ours_seconds = median_seconds(ours, repeats)
    peer_seconds = median_seconds(run_glum(problem, tol), repeats)
    return Row(
        problem=problem.name,
        n_alphas=problem.alphas.size,
        bayesreg_seconds=ours_seconds,
        glum_seconds=peer_seconds,
        ratio=peer_seconds / ours_seconds,
        bayesreg_kkt=our_kkt,
        glum_kkt=peer_kkt,
        target=target,
        glum_tol=tol,
        matched=peer_kkt <= target,
        max_coef_difference=float(np.max(np.abs(peer_coefs - coefs))),
    )


def markdown(rows: list[Row]) -> str:
    headers = [
        "problem",
        "alphas",
        "bayesreg s",
        "glum s",
        "glum/bayesreg",
        "KKT bayesreg",
        "KKT glum",
        "target",
        "glum gradient_tol",
        "matched",
        "max |Δcoef|",
    ]
    cells = [
        [
            r.problem,
            f"{r.n_alphas}",
            f"{r.bayesreg_seconds:.4f}",
            f"{r.glum_seconds:.4f}",
            f"{r.ratio:.2f}",
            f"{r.bayesreg_kkt:.1e}",
            f"{r.glum_kkt:.1e}",
            f"{r.target:.1e}",
            f"{r.glum_tol:.0e}",
            "yes" if r.matched else "no",
            f"{r.max_coef_difference:.1e}",
        ]
        for r in rows
    ]
    return markdown_table(headers, cells, align="lrrrrrrrrlr")


def main() -> None:
    session = Session.begin("glm")
    parser = benchmark_parser(__doc__, repeats=5, quick_repeats=2)
    args = parse_arguments(parser)
    rows = []
    with pinned_threads(args.threads):
        for problem in problems(args.quick):
            row = run_problem(problem, args.repeats)
            rows.append(row)
            print(f"done: {row.problem}", flush=True)
    note = (
        "\n\nKKT = the worst, along the path, of the largest distance of −∇L to "
        "alpha·v_j·∂P_j over the coefficients (and |∂L/∂w0|), computed by one formula for "
        "both libraries; target = max(bayesreg's, 1e-10·ρ₀); glum/bayesreg > 1 means "
        "bayesreg is faster; matched = no: no gradient_tol reached the target and glum's "
        "most precise run is timed."
    )
    session.write(
        args.output_dir,
        {"benchmark": "glm", "rows": [asdict(row) for row in rows]},
        markdown(rows) + note,
        repeats=args.repeats,
        threads=args.threads,
    )


if __name__ == "__main__":
    main()
