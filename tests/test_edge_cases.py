"""Numerical edge cases: a certified correct answer, or a clear error where ill-posed.

Every answer is checked against an independent oracle, never against stored numbers:

* ridge against the augmented least-squares problem
  ``min ||[yc; 0] − [Xc; √(nα) I] w||²`` solved by SciPy's SVD-based ``lstsq``
  (which also gives the minimum-norm solution at ``alpha = 0``);
* lasso, elastic net and logistic against their optimality (KKT) conditions through
  :func:`bayesreg.core.objective.kkt_residual`, measured in the natural units
  ``max_j ||x_j||·||y||/n`` of the gradient ``Xᵀρ/n`` so that columns scaled by 1e8 are
  judged on the same relative footing, and against scikit-learn's objective value.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.linalg
from numpy.typing import NDArray
from sklearn.linear_model import ElasticNet

from bayesreg.core.enet_path import lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.logistic import logistic
from bayesreg.core.objective import bernoulli_loss, kkt_residual, objective
from bayesreg.core.results import PenalizedFit
from bayesreg.core.ridge import ridge
from bayesreg.errors import DataError

FloatArray = NDArray[np.float64]

RNG = np.random.default_rng(20260)
N, P = 30, 4
X_BASE = RNG.normal(size=(N, P))
Y_BASE = X_BASE @ np.array([1.0, -2.0, 0.0, 0.5]) + RNG.normal(size=N)
Y_BINARY = (X_BASE @ np.array([1.0, -2.0, 0.0, 0.5]) + RNG.normal(size=N) > 0).astype(float)
X_WIDE = RNG.normal(size=(10, 200))
Y_WIDE = 2.0 * X_WIDE[:, 0] + RNG.normal(size=10)

# Relative KKT tolerance (in units of max_j ||x_j||·||y||/n) for the quadratic problems,
# solved to rounding by the active-set method and the SVD.
KKT_RTOL = 1e-12
# The logistic solver stops at a KKT residual of 1e-10 in units of the column scale.
LOGISTIC_KKT_RTOL = 1e-9
# Ridge coefficients against the SVD oracle, relative to ||w||.
RIDGE_RTOL = 1e-10


def _gradient_unit(X: FloatArray, y: FloatArray) -> float:
    """``max_j ||xc_j|| · ||yc|| / n``: the size of a gradient entry ``xc_jᵀρ/n``."""
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    return float(np.max(np.linalg.norm(Xc, axis=0)) * max(np.linalg.norm(yc), 1.0)) / len(y)


def _relative_kkt(X: FloatArray, y: FloatArray, fit: PenalizedFit, likelihood: str) -> float:
    residual = kkt_residual(
        X, y, fit.coef, fit.intercept, fit.alpha, fit.l1_ratio, likelihood, fit_intercept=True
    )
    return residual / max(_gradient_unit(X, y), 1e-300)


def _ridge_oracle(X: FloatArray, y: FloatArray, alpha: float) -> tuple[FloatArray, float]:
    """Ridge with intercept by SVD least squares on the augmented system (min-norm at α=0)."""
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    n, p = X.shape
    design = np.vstack([Xc, np.sqrt(n * alpha) * np.eye(p)])
    target = np.concatenate([yc, np.zeros(p)])
    coef = scipy.linalg.lstsq(design, target, lapack_driver="gelsd")[0]
    return coef, float(y.mean() - X.mean(axis=0) @ coef)


def _sklearn_objective(X: FloatArray, y: FloatArray, alpha: float, l1_ratio: float) -> float:
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000).fit(X, y)
    return objective(X, y, model.coef_, float(model.intercept_), alpha, l1_ratio)


EDGE_DESIGNS: dict[str, tuple[FloatArray, FloatArray]] = {
    "duplicated_column": (np.c_[X_BASE, X_BASE[:, 0]], Y_BASE),
    "collinear_column": (np.c_[X_BASE, X_BASE[:, 0] - 2.0 * X_BASE[:, 1]], Y_BASE),
    "constant_column": (np.c_[X_BASE, np.full(N, 3.0)], Y_BASE),
    "p_much_larger_than_n": (X_WIDE, Y_WIDE),
    "one_feature": (X_BASE[:, :1], Y_BASE),
    "columns_scaled_1e-8_and_1e8": (X_BASE * np.array([1e-8, 1e8, 1.0, 1.0]), Y_BASE),
    "constant_y": (X_BASE, np.full(N, 2.5)),
}


def _equilibrated_ridge(X: FloatArray, y: FloatArray, alpha: float) -> FloatArray:
    """Ridge from ``D(XcᵀXc + nαI)D · D⁻¹w = D Xcᵀyc``, ``D = diag(M)^(−1/2)``.

    Diagonal equilibration makes the Cholesky solve accurate coefficient by coefficient
    even when column norms differ by 1e16 (the SVD oracle is accurate only normwise).
    """
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    gram = Xc.T @ Xc + len(y) * alpha * np.eye(X.shape[1])
    d = 1.0 / np.sqrt(np.diag(gram))
    scaled = scipy.linalg.solve(d[:, None] * gram * d[None, :], d * (Xc.T @ yc), assume_a="pos")
    coef: FloatArray = d * scaled
    return coef


@pytest.mark.parametrize("case", list(EDGE_DESIGNS))
def test_ridge_matches_the_svd_oracle(case: str) -> None:
    X, y = EDGE_DESIGNS[case]
    fit = ridge(X, y, 0.1)
    coef, intercept = _ridge_oracle(X, y, 0.1)
    if case == "columns_scaled_1e-8_and_1e8":
        # The SVD oracle resolves the 1e-8 column only to eps·d_max; per coefficient the
        # equilibrated normal equations are the accurate oracle. (ridge once lost this
        # coefficient: 4.8e-9 instead of 5.7e-8.)
        coef = _equilibrated_ridge(X, y, 0.1)
        intercept = float(y.mean() - X.mean(axis=0) @ coef)
        np.testing.assert_allclose(fit.coef, coef, rtol=1e-9)
    assert fit.converged
    scale = max(float(np.linalg.norm(coef)), 1e-300)
    assert np.linalg.norm(fit.coef - coef) <= RIDGE_RTOL * scale + 1e-15
    assert fit.intercept == pytest.approx(intercept, rel=1e-10, abs=1e-10)
    assert _relative_kkt(X, y, fit, "gaussian") <= KKT_RTOL


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("case", list(EDGE_DESIGNS))
def test_lasso_and_elastic_net_are_certified_optimal(case: str, l1_ratio: float) -> None:
    X, y = EDGE_DESIGNS[case]
    alpha = 0.05
    fit = lasso(X, y, alpha) if l1_ratio == 1.0 else elastic_net(X, y, alpha, l1_ratio)
    assert fit.converged
    assert fit.gap <= fit.tol
    assert _relative_kkt(X, y, fit, "gaussian") <= KKT_RTOL
    # no worse than scikit-learn's coordinate descent, up to 1e-12 of F(0)
    f_zero = float(np.var(y)) / 2.0
    assert fit.objective <= _sklearn_objective(X, y, alpha, l1_ratio) + 1e-12 * max(f_zero, 1.0)


def test_duplicated_columns_share_the_ridge_and_elastic_net_weight_equally() -> None:
    # Strictly convex penalty: swapping two identical columns maps the unique minimizer
    # to itself, so their coefficients are equal.
    X, y = EDGE_DESIGNS["duplicated_column"]
    for fit in (ridge(X, y, 0.1), elastic_net(X, y, 0.05, 0.5)):
        assert fit.coef[0] == pytest.approx(fit.coef[-1], rel=1e-9)


def test_constant_column_gets_zero_weight() -> None:
    # With an intercept a constant column is zero after centering: its coefficient only
    # adds penalty, so the minimizer sets it to exactly 0.
    X, y = EDGE_DESIGNS["constant_column"]
    for fit in (ridge(X, y, 0.1), lasso(X, y, 0.05), elastic_net(X, y, 0.05, 0.5)):
        assert fit.coef[-1] == 0.0


def test_constant_y_gives_zero_coefficients_and_y_as_intercept() -> None:
    X, y = EDGE_DESIGNS["constant_y"]
    for fit in (ridge(X, y, 0.1), lasso(X, y, 0.05), elastic_net(X, y, 0.05, 0.5)):
        assert np.all(fit.coef == 0.0)
        assert fit.intercept == pytest.approx(2.5, rel=1e-15)


def test_one_sample() -> None:
    # n = 1 with an intercept: the centered data vanish, w = 0 and w0 = y.
    X, y = np.array([[1.0, 2.0]]), np.array([3.0])
    for fit in (ridge(X, y, 0.1), lasso(X, y, 0.1), elastic_net(X, y, 0.1, 0.5)):
        assert np.all(fit.coef == 0.0)
        assert fit.intercept == 3.0
    # without intercept ridge is w = x y / (xᵀx + α) (n = 1: F = (y − xᵀw)²/2 + α||w||²/2)
    fit = ridge(X, y, 0.1, fit_intercept=False)
    np.testing.assert_allclose(fit.coef, X[0] * 3.0 / (X[0] @ X[0] + 0.1), rtol=1e-14)
    # the lasso path has no non-trivial grid: alpha_max = 0 is a clear error
    with pytest.raises(DataError, match=r"alpha_max = 0 is empty\. Pass alphas explicitly"):
        lasso_path(X, y)


def test_one_feature_lasso_is_soft_thresholding() -> None:
    # p = 1: w = S(xcᵀyc/n, α) / (xcᵀxc/n)
    X, y = EDGE_DESIGNS["one_feature"]
    xc, yc = X[:, 0] - X[:, 0].mean(), y - y.mean()
    expected = np.sign(xc @ yc) * max(abs(xc @ yc) / N - 0.05, 0.0) / (xc @ xc / N)
    assert lasso(X, y, 0.05).coef[0] == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize(
    "X",
    [
        np.c_[X_BASE, X_BASE[:, 0] + X_BASE[:, 1]],  # rank-deficient, n > p
        X_WIDE,  # p ≫ n
    ],
    ids=["collinear", "p_much_larger_than_n"],
)
def test_ridge_alpha_zero_on_singular_gram_is_the_minimum_norm_solution(X: FloatArray) -> None:
    y = Y_BASE if X.shape[0] == N else Y_WIDE
    fit = ridge(X, y, 0.0)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    # singular values below max(n, p)·eps·s_max are zero (the centered X has rank ≤ n − 1);
    # LAPACK's default cutoff eps·s_max keeps the rounding of a zero one and is not min-norm
    cutoff = max(X.shape) * np.finfo(np.float64).eps
    minimum_norm = scipy.linalg.lstsq(Xc, yc, cond=cutoff, lapack_driver="gelsd")[0]
    assert fit.converged
    np.testing.assert_allclose(fit.coef, minimum_norm, rtol=1e-9, atol=1e-12)


def test_lasso_with_columns_1e16_apart_is_certified_from_the_design() -> None:
    # The Gram matrix holds squared norms (1e-16 … 1e16): its correlations u = c − Gw
    # carry a rounding error of ~1e-8 at the exact solution, which left the duality gap
    # at ~1e-9 > tol·F(0). The certificate from the design u = Xᵀρ/n reaches rounding.
    X, y = EDGE_DESIGNS["columns_scaled_1e-8_and_1e8"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = lasso(X, y, 0.05)
    assert fit.converged
    assert fit.gap <= 1e-12 * float(np.var(y)) / 2.0


# --- logistic ---

LOGISTIC_DESIGNS: dict[str, FloatArray] = {
    "plain": X_BASE,
    "duplicated_column": np.c_[X_BASE, X_BASE[:, 0]],
    "feature_scaled_1e6": X_BASE * np.array([1e6, 1.0, 1.0, 1.0]),
    "entries_of_size_1e3": 1e3 * X_BASE,
}


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
@pytest.mark.parametrize("case", list(LOGISTIC_DESIGNS))
def test_logistic_is_certified_optimal(case: str, l1_ratio: float) -> None:
    X = LOGISTIC_DESIGNS[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow anywhere
        fit = logistic(X, Y_BINARY, 0.01, l1_ratio=l1_ratio)
    assert fit.converged
    assert np.isfinite(fit.objective)
    column_scale = max(float(np.max(np.mean(np.abs(X), axis=0))), 1.0)
    residual = kkt_residual(
        X, Y_BINARY, fit.coef, fit.intercept, fit.alpha, fit.l1_ratio, "bernoulli"
    )
    assert residual <= LOGISTIC_KKT_RTOL * column_scale


def test_bernoulli_loss_and_kkt_do_not_overflow_at_eta_1e3() -> None:
    # η = ±1000: log(1 + e^η) − yη is 1000 for (η, y) = (1000, 0) and (−1000, 1), and
    # e^−1000 (= 0 in float64) for the two correctly classified points.
    X = np.array([[1.0], [1.0], [-1.0], [-1.0]])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    coef = np.array([1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        loss = bernoulli_loss(X, y, coef, 0.0)
        residual = kkt_residual(X, y, coef, 0.0, 0.0, 0.0, "bernoulli")
    assert loss == pytest.approx((1000.0 + 0.0 + 0.0 + 1000.0) / 4, rel=1e-15)
    # ∇_w L = Σ x_i (sigmoid(η_i) − y_i)/n = (1·1 + 1·0 − 1·(−0) − 1·(0 − 1))/4 ... = 0.5
    assert residual == pytest.approx(0.5, rel=1e-15)


def test_logistic_with_one_class_and_intercept_is_a_clear_error() -> None:
    with pytest.raises(DataError, match=r"y holds only the class 1; .*no minimizer"):
        logistic(X_BASE, np.ones(N), 0.1)


# --- array layouts and containers: the same numbers give the same answer ---


def _layouts() -> dict[str, tuple[object, object]]:
    x32 = X_BASE.astype(np.float32)
    read_only_X, read_only_y = X_BASE.copy(), Y_BASE.copy()
    read_only_X.setflags(write=False)
    read_only_y.setflags(write=False)
    wide = np.zeros((N, 2 * P))
    wide[:, ::2] = X_BASE
    return {
        "float32": (x32, Y_BASE.astype(np.float32)),
        "fortran": (np.asfortranarray(X_BASE), Y_BASE),
        "strided": (wide[:, ::2], np.repeat(Y_BASE, 2)[::2]),
        "read_only": (read_only_X, read_only_y),
        "list_of_lists": (X_BASE.tolist(), Y_BASE.tolist()),
        "pandas": (
            pd.DataFrame(X_BASE, columns=["age", "bmi", "bp", "s1"]),
            pd.Series(Y_BASE, name="target"),
        ),
    }


@pytest.mark.parametrize("layout", list(_layouts()))
def test_layouts_give_the_answer_of_the_float64_array(layout: str) -> None:
    X, y = _layouts()[layout]
    # the reference is the same numbers as a C-ordered float64 array
    X_ref = np.array(X, dtype=np.float64)
    y_ref = np.array(y, dtype=np.float64)
    y_binary = (y_ref > 0).astype(float)
    solvers: tuple[Callable[[Any, Any], PenalizedFit], ...] = (
        lambda A, b: ridge(A, b, 0.1),
        lambda A, b: lasso(A, b, 0.05),
        lambda A, b: elastic_net(A, b, 0.05, 0.5),
    )
    for solve in solvers:
        got, want = solve(X, y), solve(X_ref, y_ref)
        np.testing.assert_allclose(got.coef, want.coef, rtol=1e-12, atol=1e-14)
        assert got.intercept == pytest.approx(want.intercept, rel=1e-12, abs=1e-14)
    got_path, want_path = lasso_path(X, y, n_alphas=5), lasso_path(X_ref, y_ref, n_alphas=5)
    np.testing.assert_allclose(got_path.coefs, want_path.coefs, rtol=1e-12, atol=1e-14)
    labels = pd.Series(y_binary) if layout == "pandas" else y_binary
    got_fit, want_fit = logistic(X, labels, 0.05), logistic(X_ref, y_binary, 0.05)
    np.testing.assert_allclose(got_fit.coef, want_fit.coef, rtol=1e-10, atol=1e-12)


# --- the PyMC layer: feature names from DataFrames, degenerate columns (few compiles) ---


def test_dataframe_column_names_become_feature_names_in_models_and_posteriors() -> None:
    from bayesreg.posterior.sampling import sample_posterior
    from bayesreg.priors import GaussianPrior, LaplacePrior
    from bayesreg.pymc.equivalence import check_equivalence
    from bayesreg.pymc.model import build_model

    X, y = _layouts()["pandas"]
    names = ["age", "bmi", "bp", "s1"]
    model = build_model(X, y, GaussianPrior(1.0), noise=1.0)
    assert list(model.coords["feature"]) == names
    tree = sample_posterior(
        X, y, GaussianPrior(1.0), noise=1.0, method="exact", draws=5, chains=1, random_seed=0
    )
    assert tree["posterior"]["coef"]["feature"].to_numpy().tolist() == names
    report = check_equivalence(X, y, LaplacePrior(0.5), noise=1.0)
    assert report.feature_names == tuple(names)
    assert report.ok


def test_map_equals_the_penalized_fit_with_duplicated_columns() -> None:
    # A Gaussian prior keeps the MAP unique with duplicated columns (strictly convex).
    from bayesreg.priors import GaussianPrior
    from bayesreg.pymc.equivalence import check_equivalence

    X, y = EDGE_DESIGNS["duplicated_column"]
    report = check_equivalence(X, y, GaussianPrior(0.7), noise=1.0)
    assert report.ok
    assert report.max_abs_diff <= 1e-8 * max(float(np.max(np.abs(report.coef_penalized))), 1.0)


# --- the Gibbs sampler's Metropolis-Hastings step on σ² ---


def test_noise_metropolis_step_does_not_overflow() -> None:
    # Acceptance min(1, exp(−c(σ²_new − σ²_old))): from a current σ² far above the
    # proposal the exponent exceeds 709 and exp overflowed; on the log scale every such
    # proposal is accepted, without a RuntimeWarning.
    from bayesreg.posterior._data import prepare_linear_data
    from bayesreg.posterior._gibbs_kernel import ScaleMixtureChains
    from bayesreg.posterior.sampling import gibbs_prior_of, noise_prior_of
    from bayesreg.priors import GaussianPrior

    prior = GaussianPrior(1.0)
    data = prepare_linear_data(X_BASE, Y_BASE, fit_intercept=True)
    noise_prior = noise_prior_of(prior, Y_BASE, fit_intercept=True)
    assert noise_prior.curvature > 0.0
    chains = ScaleMixtureChains(
        data,
        gibbs_prior_of(prior, None),
        noise=None,
        chains=3,
        random_seed=0,
        noise_prior=noise_prior,
    )
    chains.noise_var = np.full(3, 1e6 / noise_prior.curvature)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        chains._noise_step(np.full(3, 1.0), np.full(3, 10.0), np.array([0.0, 0.5, 0.999]))
    assert np.all(chains.noise_var < 1.0)  # every proposal accepted
