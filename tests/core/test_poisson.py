"""Penalized Poisson regression (log link, offset) against independent oracles.

Oracles: glum ``GeneralizedLinearRegressor(family="poisson")`` (L1 and elastic net, with
an offset; it minimizes 1/(2n)·deviance + alpha·(r||w||₁ + (1 − r)/2·||w||²), and
1/(2n)·deviance = 1/n Σ [μ − y log μ] + const, so its alpha and l1_ratio are ours —
checked below by evaluating our objective at both solutions), scikit-learn
``PoissonRegressor`` (L2: 1/(2n)·deviance + alpha/2·||w||², alpha = ours at r = 0),
cvxpy (CLARABEL on the exponential cone), the closed form of alpha_max, the objective's
first-order bound at random perturbations, and the KKT conditions written out here
from the definition of the subdifferential (not through bayesreg's own kernels).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import cvxpy
import glum
import numpy as np
import pytest
import scipy.sparse
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.typing import NDArray
from sklearn.linear_model import PoissonRegressor

import bayesreg
from bayesreg.core.datafits import Poisson
from bayesreg.core.poisson import poisson, poisson_alpha_max, poisson_path
from bayesreg.core.solve import check_noise, penalized_solve
from bayesreg.errors import ConvergenceWarning, DataError, InputValueError

FloatArray = NDArray[np.float64]

# cvxpy exports its atoms through star imports, which mypy does not follow.
cp: Any = cvxpy

# Agreement with glum / scikit-learn (both run to gradient norms ~1e-14):
# max |w − w_oracle| ≤ ORACLE_RTOL · max(|w_oracle|, |w0_oracle|), same for the intercept.
ORACLE_RTOL = 1e-7
# Our objective may not exceed an oracle's by more than this relative amount.
OBJECTIVE_RTOL = 1e-12
# cvxpy's interior-point solution is accurate to about its own tolerance (1e-9 here).
CVXPY_RTOL = 1e-5
# The solver's threshold is at least 16 times the rounding level eps·√n·(gradient unit)
# of the gradient, so the residual recomputed here can differ from the solver's own by
# at most about 1/16 of the threshold; random problems allow that much.
ROUNDING_SHARE = 1.0 / 16.0


def make_problem(
    n: int, p: int, *, seed: int, scale: float = 1.0, with_offset: bool = True
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Gaussian design, exposure t ~ U(0.5, 2), y ~ Poisson(t · exp(0.3 + X β))."""
    rng = np.random.default_rng(seed)
    X = scale * rng.standard_normal((n, p))
    truth = np.zeros(p)
    truth[: min(p, 3)] = [0.5, -0.4, 0.3][: min(p, 3)]
    exposure = rng.uniform(0.5, 2.0, n) if with_offset else np.ones(n)
    y = rng.poisson(exposure * np.exp(0.3 + X @ truth / scale)).astype(float)
    y[0] = max(y[0], 1.0)  # one positive count, always
    return X, y, (np.log(exposure) if with_offset else None)


def objective(
    X: Any,
    y: FloatArray,
    offset: FloatArray | None,
    coef: FloatArray,
    intercept: float,
    alpha: float,
    l1_ratio: float,
) -> float:
    """F = 1/n Σ [exp(η) − y η] + alpha (r ||w||₁ + (1 − r)/2 ||w||²), written out here."""
    eta = np.asarray(X @ coef) + intercept + (0.0 if offset is None else offset)
    datafit = float(np.mean(np.exp(eta) - y * eta))
    return datafit + alpha * (
        l1_ratio * float(np.sum(np.abs(coef))) + 0.5 * (1.0 - l1_ratio) * float(coef @ coef)
    )


def kkt_residual(
    X: Any,
    y: FloatArray,
    offset: FloatArray | None,
    coef: FloatArray,
    intercept: float,
    alpha: float,
    l1_ratio: float,
    fit_intercept: bool,
) -> float:
    """max_j dist(−∂_j L − l2 w_j, alpha·r·∂|w_j|), and |∂L/∂w0| with an intercept."""
    n = y.size
    eta = np.asarray(X @ coef) + intercept + (0.0 if offset is None else offset)
    mean = np.exp(eta)
    gradient = np.asarray(X.T @ (mean - y)) / n + alpha * (1.0 - l1_ratio) * coef
    kink = alpha * l1_ratio
    violation = np.where(
        coef != 0.0,
        np.abs(gradient + kink * np.sign(coef)),
        np.maximum(np.abs(gradient) - kink, 0.0),
    )
    residual = float(np.max(violation))
    if fit_intercept:
        residual = max(residual, abs(float(np.mean(mean - y))))
    return residual


def assert_agrees(
    coef: FloatArray,
    intercept: float,
    oracle_coef: FloatArray,
    oracle_intercept: float,
    rtol: float,
) -> None:
    scale = max(float(np.max(np.abs(oracle_coef))), abs(oracle_intercept), 1.0)
    assert float(np.max(np.abs(coef - oracle_coef))) <= rtol * scale
    assert abs(intercept - oracle_intercept) <= rtol * scale


# ---- certificate -----------------------------------------------------------------------


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("with_offset", [True, False])
def test_kkt_residual_recomputed_is_below_the_threshold(
    l1_ratio: float, fit_intercept: bool, with_offset: bool
) -> None:
    X, y, offset = make_problem(120, 8, seed=3, with_offset=with_offset)
    alpha = 0.02
    fit = poisson(X, y, alpha, l1_ratio, offset=offset, fit_intercept=fit_intercept)
    assert fit.converged
    assert fit.certificate == "kkt residual"
    assert fit.gap <= fit.tol
    residual = kkt_residual(X, y, offset, fit.coef, fit.intercept, alpha, l1_ratio, fit_intercept)
    assert residual <= fit.tol
    assert fit.objective == pytest.approx(
        objective(X, y, offset, fit.coef, fit.intercept, alpha, l1_ratio), rel=1e-14
    )
    if not fit_intercept:
        assert fit.intercept == 0.0


# ---- oracles ---------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p"), [(150, 6), (40, 60)])
def test_ridge_agrees_with_sklearn_poisson_regressor(fit_intercept: bool, n: int, p: int) -> None:
    X, y, _ = make_problem(n, p, seed=5, with_offset=False)
    alpha = 0.05
    fit = poisson(X, y, alpha, 0.0, fit_intercept=fit_intercept)
    oracle = PoissonRegressor(
        alpha=alpha, fit_intercept=fit_intercept, solver="newton-cholesky", tol=1e-14, max_iter=1000
    ).fit(X, y)
    assert_agrees(fit.coef, fit.intercept, oracle.coef_, float(oracle.intercept_), ORACLE_RTOL)
    ours = objective(X, y, None, fit.coef, fit.intercept, alpha, 0.0)
    theirs = objective(X, y, None, oracle.coef_, float(oracle.intercept_), alpha, 0.0)
    assert ours <= theirs + OBJECTIVE_RTOL * abs(theirs)


# glum may report a failed line search once its iterate is at machine precision
@pytest.mark.filterwarnings("ignore:Line search failed")
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("with_offset", [True, False])
def test_l1_and_elastic_net_agree_with_glum(
    l1_ratio: float, fit_intercept: bool, with_offset: bool
) -> None:
    X, y, offset = make_problem(150, 12, seed=7, with_offset=with_offset)
    top = poisson_alpha_max(X, y, offset=offset, fit_intercept=fit_intercept)
    alpha = 0.15 * top / l1_ratio
    fit = poisson(X, y, alpha, l1_ratio, offset=offset, fit_intercept=fit_intercept)
    oracle = glum.GeneralizedLinearRegressor(
        family="poisson",
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        gradient_tol=1e-14,
        max_iter=1000,
    ).fit(X, y, offset=offset)
    oracle_intercept = float(oracle.intercept_)
    assert_agrees(fit.coef, fit.intercept, oracle.coef_, oracle_intercept, ORACLE_RTOL)
    np.testing.assert_array_equal(fit.coef == 0.0, oracle.coef_ == 0.0)
    assert 0 < fit.n_nonzero < X.shape[1]  # the comparison covers a real zero pattern
    ours = objective(X, y, offset, fit.coef, fit.intercept, alpha, l1_ratio)
    theirs = objective(X, y, offset, oracle.coef_, oracle_intercept, alpha, l1_ratio)
    assert ours <= theirs + OBJECTIVE_RTOL * abs(theirs)


def test_agrees_with_cvxpy_on_the_exponential_cone() -> None:
    X, y, offset = make_problem(30, 5, seed=11)
    assert offset is not None
    alpha, l1_ratio = 0.05, 0.7
    fit = poisson(X, y, alpha, l1_ratio, offset=offset)
    w, w0 = cp.Variable(X.shape[1]), cp.Variable()
    eta = offset + w0 + X @ w
    penalty = l1_ratio * cp.norm1(w) + 0.5 * (1.0 - l1_ratio) * cp.sum_squares(w)
    problem = cp.Problem(cp.Minimize((cp.sum(cp.exp(eta)) - y @ eta) / y.size + alpha * penalty))
    problem.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    assert problem.status == "optimal"
    assert_agrees(fit.coef, fit.intercept, w.value, float(w0.value), CVXPY_RTOL)
    theirs = objective(X, y, offset, w.value, float(w0.value), alpha, l1_ratio)
    assert fit.objective <= theirs + OBJECTIVE_RTOL * abs(theirs)


def test_unpenalized_fit_is_the_maximum_likelihood_estimate() -> None:
    X, y, offset = make_problem(200, 4, seed=13)
    fit = poisson(X, y, 0.0, offset=offset)
    oracle = glum.GeneralizedLinearRegressor(
        family="poisson", alpha=0.0, gradient_tol=1e-14, max_iter=1000
    ).fit(X, y, offset=offset)
    assert_agrees(fit.coef, fit.intercept, oracle.coef_, float(oracle.intercept_), ORACLE_RTOL)
    # the MLE's score equations: Zᵀ(μ − y) = 0
    assert kkt_residual(X, y, offset, fit.coef, fit.intercept, 0.0, 1.0, True) <= fit.tol


# ---- properties ------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn) -> tuple[FloatArray, FloatArray, FloatArray | None, bool]:
    n = draw(st.integers(4, 40))
    p = draw(st.integers(1, 30))  # n < p included
    X, y, offset = make_problem(
        n,
        p,
        seed=draw(st.integers(0, 2**16)),
        scale=draw(st.sampled_from([0.1, 1.0, 5.0])),
        with_offset=draw(st.booleans()),
    )
    return X, y, offset, draw(st.booleans())


@given(
    problem=problems(),
    l1_ratio=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    fraction=st.floats(1e-3, 1.0),
    seed=st.integers(0, 2**16),
)
def test_random_problems_are_certified_and_beat_perturbations(
    problem: tuple[FloatArray, FloatArray, FloatArray | None, bool],
    l1_ratio: float,
    fraction: float,
    seed: int,
) -> None:
    X, y, offset, fit_intercept = problem
    alpha_max = poisson_alpha_max(X, y, offset=offset, fit_intercept=fit_intercept)
    assume(alpha_max > 0.0)
    alpha = fraction * alpha_max
    fit = poisson(X, y, alpha, l1_ratio, offset=offset, fit_intercept=fit_intercept)
    assert fit.converged
    residual = kkt_residual(X, y, offset, fit.coef, fit.intercept, alpha, l1_ratio, fit_intercept)
    assert residual <= fit.tol * (1.0 + ROUNDING_SHARE)
    # F is convex, so with a subgradient within ρ (sup norm) of 0 at the solution,
    # F(θ + δ) ≥ F(θ) − ρ ||δ||₁ for every δ; 1e-13·|F| absorbs the rounding of F.
    best = objective(X, y, offset, fit.coef, fit.intercept, alpha, l1_ratio)
    rng = np.random.default_rng(seed)
    for size in (1e-6, 1e-3, 1e-1):
        delta = size * rng.standard_normal(X.shape[1])
        delta0 = size * rng.standard_normal() if fit_intercept else 0.0
        moved = objective(X, y, offset, fit.coef + delta, fit.intercept + delta0, alpha, l1_ratio)
        slack = residual * (np.sum(np.abs(delta)) + abs(delta0)) + 1e-13 * abs(best)
        assert moved >= best - slack


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("with_offset", [True, False])
def test_sparse_design_gives_the_dense_solution(l1_ratio: float, with_offset: bool) -> None:
    X, y, offset = make_problem(200, 30, seed=17, with_offset=with_offset)
    X[np.abs(X) < 1.0] = 0.0  # about 68% zeros
    dense = poisson(X, y, 0.01, l1_ratio, offset=offset)
    for matrix in (scipy.sparse.csr_matrix(X), scipy.sparse.csc_matrix(X)):
        sparse = poisson(matrix, y, 0.01, l1_ratio, offset=offset)
        assert sparse.converged
        assert float(np.max(np.abs(sparse.coef - dense.coef))) <= 1e-10
        assert abs(sparse.intercept - dense.intercept) <= 1e-10
        np.testing.assert_array_equal(sparse.coef == 0.0, dense.coef == 0.0)
        assert (
            kkt_residual(matrix, y, offset, sparse.coef, sparse.intercept, 0.01, l1_ratio, True)
            <= sparse.tol
        )


# ---- alpha_max and the path ------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("with_offset", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_alpha_max_is_the_smallest_alpha_with_zero_coefficients(
    fit_intercept: bool, with_offset: bool, l1_ratio: float
) -> None:
    X, y, offset = make_problem(100, 10, seed=19, with_offset=with_offset)
    top = poisson_alpha_max(X, y, offset=offset, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    # closed form, computed here: the best intercept solves Σ exp(o + w0) = Σ y
    o = np.zeros(y.size) if offset is None else offset
    w0 = math.log(y.sum() / np.exp(o).sum()) if fit_intercept else 0.0
    expected = np.max(np.abs(X.T @ (np.exp(o + w0) - y))) / (y.size * l1_ratio)
    assert top == pytest.approx(expected, rel=1e-12)
    at = poisson(X, y, top, l1_ratio, offset=offset, fit_intercept=fit_intercept)
    assert np.all(at.coef == 0.0)
    assert at.intercept == pytest.approx(w0, abs=1e-12)
    below = poisson(X, y, 0.99 * top, l1_ratio, offset=offset, fit_intercept=fit_intercept)
    assert below.n_nonzero > 0


def test_alpha_max_is_infinite_for_ridge() -> None:
    X, y, _ = make_problem(30, 3, seed=1)
    assert poisson_alpha_max(X, y, l1_ratio=0.0) == math.inf


def test_path_points_are_certified_fits() -> None:
    X, y, offset = make_problem(120, 15, seed=23)
    path = poisson_path(X, y, offset=offset, n_alphas=12, eps=1e-2)
    assert path.alpha_max == pytest.approx(poisson_alpha_max(X, y, offset=offset), rel=1e-15)
    assert path.alphas[0] == path.alpha_max
    assert np.all(np.diff(path.alphas) < 0.0)
    assert np.all(path.coefs[0] == 0.0)
    assert bool(path.converged.all())
    for alpha, coef, intercept, tol in zip(
        path.alphas, path.coefs, path.intercepts, path.gaps, strict=True
    ):
        assert kkt_residual(X, y, offset, coef, intercept, alpha, 1.0, True) <= max(
            tol, poisson(X, y, alpha, offset=offset).tol
        )
    # a warm-started point is the cold solution
    middle = poisson(X, y, float(path.alphas[6]), offset=offset)
    assert float(np.max(np.abs(path.coefs[6] - middle.coef))) <= 1e-9


def test_path_sorts_user_alphas_and_takes_ridge() -> None:
    X, y, _ = make_problem(60, 4, seed=29)
    path = poisson_path(X, y, [0.01, 0.1, 0.05], l1_ratio=0.0)
    np.testing.assert_array_equal(path.alphas, [0.1, 0.05, 0.01])
    assert path.alpha_max == math.inf
    for alpha, coef, intercept in zip(path.alphas, path.coefs, path.intercepts, strict=True):
        fit = poisson(X, y, float(alpha), 0.0)
        assert kkt_residual(X, y, None, coef, intercept, alpha, 0.0, True) <= fit.tol
    with pytest.raises(InputValueError, match="no alpha_max"):
        poisson_path(X, y, l1_ratio=0.0)
    with pytest.raises(InputValueError, match="alphas must all be > 0"):
        poisson_path(X, y, [0.1, 0.0])


# ---- the datafit, overflow and the entry points ----------------------------------------


def test_datafit_overflow_is_positive_infinity_without_warnings() -> None:
    datafit = Poisson(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert datafit.value(np.array([800.0, 0.0])) == math.inf
        assert datafit.value(np.array([1e308, -1e308])) == math.inf
    eta = np.array([0.3, -0.2])
    gradient, weights = datafit.derivatives(eta)
    mean = np.exp(eta + np.array([0.0, 1.0]))
    np.testing.assert_allclose(gradient, (mean - [1.0, 2.0]) / 2, rtol=1e-15)
    np.testing.assert_allclose(weights, mean / 2, rtol=1e-15)


def test_steps_through_overflow_are_rejected_and_the_fit_converges() -> None:
    # columns of scale 40 with large counts: early Newton steps overshoot exp's range
    X, y, offset = make_problem(80, 5, seed=31, scale=40.0)
    y = y * 50.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = poisson(X, y, 1e-3, 0.5, offset=offset)
    assert fit.converged
    assert kkt_residual(X, y, offset, fit.coef, fit.intercept, 1e-3, 0.5, True) <= fit.tol


def test_penalized_solve_and_the_top_level_exports() -> None:
    X, y, _ = make_problem(50, 4, seed=37, with_offset=False)
    direct = poisson(X, y, 0.02, 0.5)
    solved = penalized_solve(X, y, 0.02, 0.5, likelihood="poisson")
    np.testing.assert_array_equal(solved.coef, direct.coef)
    X, y, offset = make_problem(50, 4, seed=38)
    with_offset = penalized_solve(X, y, 0.02, 0.5, likelihood="poisson", offset=offset)
    np.testing.assert_array_equal(with_offset.coef, poisson(X, y, 0.02, 0.5, offset=offset).coef)
    with pytest.raises(InputValueError, match="belongs to likelihood='poisson' only"):
        penalized_solve(X, y, 0.02, 0.5, offset=offset)
    with pytest.raises(InputValueError, match="Poisson likelihood has no noise"):
        check_noise(1.0, "poisson")
    assert bayesreg.poisson is poisson
    assert bayesreg.poisson_path is poisson_path
    assert bayesreg.poisson_alpha_max is poisson_alpha_max
    assert bayesreg.core.poisson is poisson


def test_non_convergence_warns_with_the_residual_reached() -> None:
    X, y, offset = make_problem(100, 10, seed=41)
    with pytest.warns(ConvergenceWarning, match="poisson did not converge") as record:
        fit = poisson(X, y, 0.01, offset=offset, max_iter=1)
    assert not fit.converged
    assert fit.gap > fit.tol
    assert f"{fit.gap:.3e}" in str(record[0].message)


# ---- errors ----------------------------------------------------------------------------


def test_negative_count_is_named_with_its_index() -> None:
    X, y, _ = make_problem(20, 2, seed=43)
    y[5] = -2.0
    with pytest.raises(DataError, match=r"y\[5\] = -2\.0 is negative"):
        poisson(X, y, 0.1)


def test_non_integer_count_is_named_with_its_index() -> None:
    X, y, _ = make_problem(20, 2, seed=47)
    y[3] = 1.5
    with pytest.raises(DataError, match=r"y\[3\] = 1\.5 is not an integer"):
        poisson(X, y, 0.1)
    with pytest.raises(DataError, match=r"y\[3\] = 1\.5"):
        poisson_alpha_max(X, y)


def test_nan_count_is_refused() -> None:
    X, y, _ = make_problem(20, 2, seed=53)
    y[4] = np.nan
    with pytest.raises(DataError, match="y contains 1 NaN"):
        poisson(X, y, 0.1)


def test_offset_of_the_wrong_length_or_not_finite_is_refused() -> None:
    X, y, _ = make_problem(20, 2, seed=59)
    with pytest.raises(DataError, match="offset has 19 entries but X has 20 rows"):
        poisson(X, y, 0.1, offset=np.zeros(19))
    with pytest.raises(DataError, match="offset contains 0 NaN and 1 infinite"):
        poisson(X, y, 0.1, offset=np.r_[np.inf, np.zeros(19)])
    with pytest.raises(DataError, match=r"offset\[2\] = 800\.0"):
        poisson(X, y, 0.1, offset=np.r_[0.0, 0.0, 800.0, np.zeros(17)], fit_intercept=False)


def test_all_zero_counts_with_an_intercept_are_refused() -> None:
    X, _, _ = make_problem(20, 2, seed=61)
    zeros = np.zeros(20)
    with pytest.raises(DataError, match=r"y holds only zeros \(20 counts\)"):
        poisson(X, zeros, 0.1)
    with pytest.raises(DataError, match="y holds only zeros"):
        poisson_alpha_max(X, zeros)
    with pytest.raises(DataError, match="y holds only zeros"):
        poisson_path(X, zeros)
    # without an intercept the minimizer exists for alpha > 0
    fit = poisson(X, zeros, 0.1, fit_intercept=False)
    assert fit.converged
    assert kkt_residual(X, zeros, None, fit.coef, 0.0, 0.1, 1.0, False) <= fit.tol


@pytest.mark.parametrize("column", ["indicator", "hinge"])
def test_unpenalized_fit_refuses_zero_counts_separated_by_x(column: str) -> None:
    # A column that is 0 on every positive count and < 0 (or > 0) on zero counts only:
    # moving its coefficient drives those means to 0 and leaves every other mean alone,
    # so the likelihood rises without bound (a level of a factor with only zero counts).
    rng = np.random.default_rng(67)
    x = rng.standard_normal(40)
    group = x < -0.5
    extra = group.astype(float) if column == "indicator" else np.minimum(x + 0.5, 0.0)
    X = np.column_stack((rng.standard_normal(40), extra))
    y = np.where(group, 0.0, rng.poisson(3.0, 40) + 1.0)
    with pytest.raises(DataError, match="maximum-likelihood estimate, which does not exist"):
        poisson(X, y, 0.0)
    # with a prior on w the MAP exists and is certified
    fit = poisson(X, y, 0.01)
    assert fit.converged
    assert kkt_residual(X, y, None, fit.coef, fit.intercept, 0.01, 1.0, True) <= fit.tol


def test_unpenalized_fit_exists_when_zero_counts_only_lie_on_one_side() -> None:
    # y = 0 exactly where x < 0: raising w pushes those means to 0 but the others to ∞,
    # so (unlike logistic separation) the maximum-likelihood estimate exists.
    rng = np.random.default_rng(79)
    X = rng.standard_normal((60, 1))
    y = np.where(X[:, 0] < 0.0, 0.0, rng.poisson(3.0, 60) + 1.0)
    fit = poisson(X, y, 0.0)
    assert fit.converged
    assert kkt_residual(X, y, None, fit.coef, fit.intercept, 0.0, 1.0, True) <= fit.tol


def test_unpenalized_fit_refuses_dependent_columns() -> None:
    X, y, _ = make_problem(30, 3, seed=71)
    X = np.column_stack((X, X[:, 0] + X[:, 1]))
    with pytest.raises(DataError, match="rank 4 < 5"):
        poisson(X, y, 0.0)


def test_bad_alpha_is_refused_with_its_value() -> None:
    X, y, _ = make_problem(20, 2, seed=73)
    with pytest.raises(InputValueError, match="alpha"):
        poisson(X, y, -1.0)


def test_inputs_are_read_not_modified() -> None:
    X, y, offset = make_problem(30, 4, seed=83)
    assert offset is not None
    arrays = (X, y, offset)
    copies = tuple(array.copy() for array in arrays)
    for array in arrays:
        array.setflags(write=False)  # a write would raise
    poisson(X, y, 0.05, 0.5, offset=offset)
    poisson_alpha_max(X, y, offset=offset)
    poisson_path(X, y, offset=offset, n_alphas=3)
    poisson(scipy.sparse.csr_matrix(X), y, 0.05, offset=offset)
    for array, copy in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(array, copy)
