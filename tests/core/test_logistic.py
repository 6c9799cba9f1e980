"""Penalized logistic regression against independent oracles.

Oracles: cvxpy (CLARABEL, an interior-point conic solver; the primary oracle for
L1 and elastic net), scikit-learn ``LogisticRegression`` (lbfgs / newton-cholesky
for L2, saga for L1 and elastic net; neither penalizes the intercept), the
closed form of alpha_max, and the KKT conditions written out here from the
definition of the subdifferential (not through bayesreg's own kernels).
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import cvxpy
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.special import expit, logit
from sklearn.linear_model import LogisticRegression

from bayesreg.core.conventions import to_sklearn_logistic
from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.objective import objective
from bayesreg.errors import ConvergenceWarning, DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]

# cvxpy exports its atoms through star imports, which mypy does not follow.
cp: Any = cvxpy

# Agreement with an oracle: max |w - w_oracle| <= COEF_RTOL * max |w_oracle|.
COEF_RTOL = 1e-6
# Our objective may not exceed the oracle's by more than this relative amount.
OBJECTIVE_RTOL = 1e-10


def make_problem(
    n: int, p: int, *, seed: int, correlated: bool = False, scale: float = 1.0
) -> tuple[FloatArray, FloatArray]:
    """Gaussian design (AR(1) columns with correlation 0.9 if ``correlated``), y ~ Bernoulli."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if correlated:
        for j in range(1, p):
            X[:, j] = 0.9 * X[:, j - 1] + np.sqrt(1 - 0.81) * X[:, j]
    X *= scale
    truth = np.zeros(p)
    truth[: min(p, 4)] = [1.5, -1.0, 0.8, -0.5][: min(p, 4)]
    y = (rng.random(n) < expit(X @ truth / scale + 0.3)).astype(float)
    y[:2] = [0.0, 1.0]  # both classes, always
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
    """Sup-norm distance of −∇L to alpha·∂P, written out from the definitions.

    ∂|w| = {sign(w)} for w ≠ 0 and [−1, 1] at 0, so coordinate j needs
        w_j ≠ 0:  g_j + alpha (r sign(w_j) + (1 − r) w_j) = 0
        w_j = 0:  |g_j| ≤ alpha r
    and the intercept needs mean(μ − y) = 0.
    """
    mu = expit(intercept + X @ coef)
    grad = X.T @ (mu - y) / len(y)
    residuals: list[float] = []
    for g, w in zip(grad, coef, strict=True):
        if w != 0.0:
            residuals.append(abs(float(g + alpha * (l1_ratio * np.sign(w) + (1 - l1_ratio) * w))))
        else:
            residuals.append(max(abs(float(g)) - alpha * l1_ratio, 0.0))
    if fit_intercept:
        residuals.append(abs(float(np.mean(mu - y))))
    return max(residuals)


def cvxpy_solution(
    X: FloatArray, y: FloatArray, alpha: float, l1_ratio: float, fit_intercept: bool
) -> tuple[FloatArray, float]:
    """The same objective written for cvxpy and solved by CLARABEL at 1e-12 tolerances."""
    n, p = X.shape
    coef = cp.Variable(p)
    intercept = cp.Variable()
    eta = X @ coef + intercept if fit_intercept else X @ coef
    loss = cp.sum(cp.logistic(eta) - cp.multiply(y, eta)) / n
    penalty = l1_ratio * cp.norm1(coef) + (1 - l1_ratio) / 2 * cp.sum_squares(coef)
    problem = cp.Problem(cp.Minimize(loss + alpha * penalty))
    problem.solve(
        solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12, max_iter=500
    )
    assert problem.status == cp.OPTIMAL, problem.status
    return np.asarray(coef.value), float(intercept.value) if fit_intercept else 0.0


def sklearn_solution(
    X: FloatArray,
    y: FloatArray,
    alpha: float,
    l1_ratio: float,
    fit_intercept: bool,
    solver: str,
) -> tuple[FloatArray, float]:
    """scikit-learn at its tightest tolerance; C from bayesreg's converter (alpha = 1/(nC)).

    scikit-learn 1.8 deprecated ``penalty``; the penalty is given by ``l1_ratio``.
    """
    C = to_sklearn_logistic(alpha, len(y), l1_ratio)["C"]
    model = LogisticRegression(
        C=C,
        l1_ratio=l1_ratio,
        solver=solver,
        fit_intercept=fit_intercept,
        tol=1e-14,
        max_iter=100_000,
    )
    with warnings.catch_warnings():
        # lbfgs may stop on rounding before tol=1e-14; agreement is checked below.
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return model.coef_[0].copy(), float(model.intercept_[0]) if fit_intercept else 0.0


def bernoulli_objective(
    X: FloatArray, y: FloatArray, coef: FloatArray, intercept: float, alpha: float, r: float
) -> float:
    return objective(X, y, coef, intercept, alpha, r, likelihood="bernoulli")


def assert_matches_oracle(
    fit_coef: FloatArray,
    fit_intercept_value: float,
    oracle: tuple[FloatArray, float],
    X: FloatArray,
    y: FloatArray,
    alpha: float,
    l1_ratio: float,
) -> None:
    oracle_coef, oracle_intercept = oracle
    scale = max(float(np.max(np.abs(oracle_coef))), 1e-3)
    np.testing.assert_allclose(fit_coef, oracle_coef, rtol=0, atol=COEF_RTOL * scale)
    assert abs(fit_intercept_value - oracle_intercept) <= COEF_RTOL * max(
        1.0, abs(oracle_intercept)
    )
    ours = bernoulli_objective(X, y, fit_coef, fit_intercept_value, alpha, l1_ratio)
    theirs = bernoulli_objective(X, y, oracle_coef, oracle_intercept, alpha, l1_ratio)
    assert ours <= theirs + OBJECTIVE_RTOL * abs(theirs)


SHAPES = [(80, 8), (30, 60)]  # n > p (primal Newton) and n < p (n x n kernel form)


@pytest.mark.parametrize(("n", "p"), SHAPES)
@pytest.mark.parametrize("correlated", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
def test_matches_cvxpy(
    n: int, p: int, correlated: bool, fit_intercept: bool, l1_ratio: float
) -> None:
    X, y = make_problem(n, p, seed=n + p, correlated=correlated)
    alpha = (
        0.05
        if l1_ratio == 0.0
        else 0.1 * logistic_alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    )
    fit = logistic(X, y, alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assert fit.converged
    oracle = cvxpy_solution(X, y, alpha, l1_ratio, fit_intercept)
    assert_matches_oracle(fit.coef, fit.intercept, oracle, X, y, alpha, l1_ratio)
    if l1_ratio > 0.0:
        # Exact zeros where the oracle's interior-point solution is zero to its precision.
        assert np.all(np.abs(oracle[0][fit.coef == 0.0]) <= 1e-7)
        assert 0 < fit.n_nonzero < p


@pytest.mark.parametrize(("n", "p"), SHAPES)
@pytest.mark.parametrize("l1_ratio", [0.5, 1.0])
def test_nearly_collinear_columns_match_cvxpy(n: int, p: int, l1_ratio: float) -> None:
    # AR(1) columns with correlation 0.999: the quadratic subproblems are badly
    # conditioned, which coordinate descent alone resolves only at a crawl.
    rng = np.random.default_rng(n * p)
    X = rng.standard_normal((n, p))
    for j in range(1, p):
        X[:, j] = 0.999 * X[:, j - 1] + np.sqrt(1 - 0.999**2) * X[:, j]
    y = (rng.random(n) < expit(X[:, 0])).astype(float)
    y[:2] = [0.0, 1.0]
    alpha = 0.01 * logistic_alpha_max(X, y)
    fit = logistic(X, y, alpha, l1_ratio=l1_ratio)
    assert fit.converged
    oracle = cvxpy_solution(X, y, alpha, l1_ratio, True)
    assert_matches_oracle(fit.coef, fit.intercept, oracle, X, y, alpha, l1_ratio)


@pytest.mark.parametrize(
    ("l1_ratio", "solver"),
    [(0.0, "lbfgs"), (0.0, "newton-cholesky"), (1.0, "saga"), (0.5, "saga")],
)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn(l1_ratio: float, solver: str, fit_intercept: bool) -> None:
    X, y = make_problem(120, 6, seed=7)
    alpha = (
        0.02
        if l1_ratio == 0.0
        else 0.2 * logistic_alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    )
    fit = logistic(X, y, alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    oracle = sklearn_solution(X, y, alpha, l1_ratio, fit_intercept, solver)
    assert_matches_oracle(fit.coef, fit.intercept, oracle, X, y, alpha, l1_ratio)


def test_ridge_with_more_features_than_samples_matches_sklearn() -> None:
    X, y = make_problem(40, 300, seed=3, correlated=True)
    fit = logistic(X, y, 0.01, 0.0)
    oracle = sklearn_solution(X, y, 0.01, 0.0, True, "newton-cholesky")
    assert_matches_oracle(fit.coef, fit.intercept, oracle, X, y, 0.01, 0.0)


def test_alpha_zero_is_the_maximum_likelihood_estimate() -> None:
    X, y = make_problem(200, 5, seed=11)
    fit = logistic(X, y, 0.0)
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-14).fit(X, y)
    np.testing.assert_allclose(fit.coef, model.coef_[0], rtol=0, atol=1e-8)
    assert abs(fit.intercept - model.intercept_[0]) <= 1e-8
    # The score equations Zᵀ(μ − y) = 0 hold to the certificate.
    assert kkt_residual(X, y, fit.coef, fit.intercept, 0.0, 0.0, True) <= fit.tol


def test_alpha_zero_on_separable_data_raises() -> None:
    X, _ = make_problem(50, 3, seed=2)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)
    with pytest.raises(DataError, match="does not exist"):
        logistic(X, y, 0.0)
    # Any alpha > 0 gives a finite MAP estimate on the same data.
    assert logistic(X, y, 1e-3, 0.0).converged


def test_alpha_zero_with_dependent_columns_raises() -> None:
    X, y = make_problem(50, 3, seed=2)
    duplicated = np.column_stack((X, X[:, 0] - X[:, 1]))
    with pytest.raises(DataError, match="not unique"):
        logistic(duplicated, y, 0.0)


def test_single_class_with_intercept_raises_and_without_intercept_fits() -> None:
    X, _ = make_problem(30, 3, seed=4)
    ones = np.ones(30)
    with pytest.raises(DataError, match="only the class 1"):
        logistic(X, ones, 0.1)
    fit = logistic(X, ones, 0.1, 0.0, fit_intercept=False)
    assert fit.converged
    assert kkt_residual(X, ones, fit.coef, 0.0, 0.1, 0.0, False) <= fit.tol


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_no_overflow_for_linear_predictors_of_order_1e3(l1_ratio: float) -> None:
    X, _ = make_problem(60, 3, seed=5, scale=1e3)
    y = (X[:, 0] > 0).astype(float)  # separable: only the prior keeps w finite
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        fit = logistic(X, y, 1e-4, l1_ratio=l1_ratio)
    eta = fit.intercept + X @ fit.coef
    assert np.max(np.abs(eta)) > 500
    assert fit.converged
    assert np.isfinite(fit.objective)
    assert kkt_residual(X, y, fit.coef, fit.intercept, 1e-4, l1_ratio, True) <= fit.tol


def test_duplicate_columns_under_lasso_satisfy_kkt() -> None:
    X, y = make_problem(100, 4, seed=6)
    duplicated = np.column_stack((X, X[:, 0], X[:, 0]))
    fit = logistic(duplicated, y, 0.01, l1_ratio=1.0)
    assert fit.converged
    assert kkt_residual(duplicated, y, fit.coef, fit.intercept, 0.01, 1.0, True) <= fit.tol


def test_fit_reports_its_certificate() -> None:
    X, y = make_problem(100, 10, seed=8)
    fit = logistic(X, y, 0.03, l1_ratio=0.7)
    assert fit.certificate == "kkt residual"
    assert fit.converged
    assert 0.0 <= fit.gap <= fit.tol
    # The threshold is tol · ||∇_w L(0, w0*)||_∞ (above the rounding floor here).
    null_gradient = np.max(np.abs(X.T @ (y.mean() - y))) / len(y)
    assert fit.tol == pytest.approx(1e-10 * null_gradient, rel=1e-12)
    assert fit.gap == pytest.approx(
        kkt_residual(X, y, fit.coef, fit.intercept, 0.03, 0.7, True), rel=1e-6, abs=1e-15
    )
    assert fit.objective == pytest.approx(
        bernoulli_objective(X, y, fit.coef, fit.intercept, 0.03, 0.7), rel=1e-14
    )
    assert (fit.alpha, fit.l1_ratio) == (0.03, 0.7)
    assert logistic(X, y, 0.03, fit_intercept=False).intercept == 0.0


def test_non_convergence_warns_with_the_residual_reached() -> None:
    X, y = make_problem(100, 10, seed=9)
    with pytest.warns(ConvergenceWarning, match="KKT residual") as record:
        fit = logistic(X, y, 0.01, l1_ratio=1.0, max_iter=1)
    assert not fit.converged
    assert fit.gap > fit.tol
    assert f"{fit.gap:.3e}" in str(record[0].message)


# ---- properties ------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn) -> tuple[FloatArray, FloatArray, bool]:
    n = draw(st.integers(4, 50))
    p = draw(st.integers(1, 40))
    X, y = make_problem(
        n,
        p,
        seed=draw(st.integers(0, 2**16)),
        correlated=draw(st.booleans()),
        scale=draw(st.sampled_from([0.1, 1.0, 10.0])),
    )
    return X, y, draw(st.booleans())


@given(
    problem=problems(),
    l1_ratio=st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]),
    fraction=st.floats(1e-3, 1.0),
)
def test_kkt_residual_below_threshold_on_random_problems(
    problem: tuple[FloatArray, FloatArray, bool], l1_ratio: float, fraction: float
) -> None:
    X, y, fit_intercept = problem
    alpha_max = logistic_alpha_max(X, y, l1_ratio=1.0, fit_intercept=fit_intercept)
    assume(alpha_max > 0.0)
    alpha = fraction * alpha_max
    fit = logistic(X, y, alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assert fit.converged
    assert fit.gap <= fit.tol
    # Independent residual; 1e-15 absorbs rounding differences of the two computations.
    assert kkt_residual(X, y, fit.coef, fit.intercept, alpha, l1_ratio, fit_intercept) <= (
        fit.tol + 1e-15
    )


@given(
    problem=problems(),
    l1_ratio=st.sampled_from([0.1, 0.5, 1.0]),
    factor=st.floats(1.0, 10.0),
)
def test_alpha_max_is_the_smallest_alpha_with_zero_coefficients(
    problem: tuple[FloatArray, FloatArray, bool], l1_ratio: float, factor: float
) -> None:
    X, y, fit_intercept = problem
    alpha_max = logistic_alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assume(alpha_max > 0.0)
    at_or_above = logistic(X, y, factor * alpha_max, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assert np.all(at_or_above.coef == 0.0)
    expected_intercept = float(logit(y.mean())) if fit_intercept else 0.0
    assert at_or_above.intercept == pytest.approx(expected_intercept, abs=1e-12)
    below = logistic(X, y, 0.99 * alpha_max, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assert below.n_nonzero > 0


def test_alpha_max_closed_form() -> None:
    X, y = make_problem(40, 5, seed=12)
    n = len(y)
    with_intercept = np.max(np.abs(X.T @ (y - y.mean()))) / n
    without = np.max(np.abs(X.T @ (y - 0.5))) / n
    assert logistic_alpha_max(X, y) == pytest.approx(with_intercept, rel=1e-14)
    assert logistic_alpha_max(X, y, l1_ratio=0.25) == pytest.approx(4 * with_intercept, rel=1e-14)
    assert logistic_alpha_max(X, y, fit_intercept=False) == pytest.approx(without, rel=1e-14)
    assert logistic_alpha_max(X, y, l1_ratio=0.0) == np.inf


# ---- input handling --------------------------------------------------------------------


def test_inputs_are_never_modified() -> None:
    X, y = make_problem(30, 4, seed=13)
    X_before, y_before = X.copy(), y.copy()
    X.setflags(write=False)
    logistic(X, y, 0.05, l1_ratio=0.5)
    logistic(X, y, 0.05)
    logistic_alpha_max(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_list_input_gives_the_same_fit() -> None:
    X, y = make_problem(30, 4, seed=14)
    from_arrays = logistic(X, y, 0.05, l1_ratio=1.0)
    from_lists = logistic(X.tolist(), y.astype(int).tolist(), 0.05, l1_ratio=1.0)
    np.testing.assert_array_equal(from_arrays.coef, from_lists.coef)


@pytest.mark.parametrize("bad_y", [[0, 1, 2] * 10, [-1, 1] * 15, [0.5, 1.0] * 15])
def test_non_binary_target_is_rejected(bad_y: list[float]) -> None:
    X, _ = make_problem(30, 3, seed=15)
    with pytest.raises(DataError, match="only 0 and 1"):
        logistic(X, bad_y, 0.1)
    with pytest.raises(DataError, match="only 0 and 1"):
        logistic_alpha_max(X, bad_y)


def test_mismatched_shapes_are_rejected() -> None:
    X, y = make_problem(30, 3, seed=16)
    with pytest.raises(DataError, match="29 entries but X has 30 rows"):
        logistic(X, y[:-1], 0.1)
    with pytest.raises(DataError, match="must be 2-D"):
        logistic(X[:, 0], y, 0.1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"alpha": -0.1}, InputValueError, "alpha must be a finite number ≥ 0"),
        ({"alpha": np.nan}, InputValueError, "alpha"),
        ({"alpha": np.inf}, InputValueError, "alpha"),
        ({"alpha": "0.1"}, InputTypeError, "alpha must be a real number"),
        ({"alpha": 0.1, "l1_ratio": 1.5}, InputValueError, r"l1_ratio must lie in \[0, 1\]"),
        ({"alpha": 0.1, "l1_ratio": -0.1}, InputValueError, "l1_ratio"),
        ({"alpha": 0.1, "tol": 0.0}, InputValueError, "tol must be a finite number > 0"),
        ({"alpha": 0.1, "max_iter": 0}, InputValueError, "max_iter must be an integer ≥ 1"),
        ({"alpha": 0.1, "max_iter": 2.5}, InputTypeError, "max_iter"),
        ({"alpha": 0.1, "fit_intercept": "yes"}, InputTypeError, "fit_intercept must be True"),
    ],
)
def test_bad_arguments_are_rejected(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    X, y = make_problem(30, 3, seed=17)
    with pytest.raises(error, match=match):
        logistic(X, y, **kwargs)  # type: ignore[arg-type]


def test_alpha_max_rejects_bad_l1_ratio() -> None:
    X, y = make_problem(30, 3, seed=18)
    with pytest.raises(InputValueError, match="l1_ratio"):
        logistic_alpha_max(X, y, l1_ratio=2.0)


def test_l1_ratio_is_passed_the_same_way_as_in_elastic_net() -> None:
    """elastic_net, logistic and logistic_path take l1_ratio after alpha(s), by position
    or keyword; logistic and logistic_path share its default."""
    from bayesreg.core.enet_solver import elastic_net
    from bayesreg.core.logistic_path import logistic_path

    positions = {}
    for function, penalty in (
        (elastic_net, "alpha"),
        (logistic, "alpha"),
        (logistic_path, "alphas"),
    ):
        parameters = list(inspect.signature(function).parameters.values())
        names = [parameter.name for parameter in parameters]
        assert names[names.index(penalty) + 1] == "l1_ratio"
        ratio = parameters[names.index("l1_ratio")]
        assert ratio.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        positions[function.__name__] = (names.index("l1_ratio"), ratio.default)
    assert positions["elastic_net"][0] == positions["logistic"][0] == positions["logistic_path"][0]
    assert positions["logistic"][1] == positions["logistic_path"][1] == 1.0

    X, y = make_problem(60, 4, seed=19)
    by_position = logistic(X, y, 0.02, 0.5)
    by_keyword = logistic(X, y, 0.02, l1_ratio=0.5)
    np.testing.assert_array_equal(by_position.coef, by_keyword.coef)
    assert by_position.l1_ratio == 0.5
    assert logistic(X, y, 0.02).l1_ratio == 1.0
    path = logistic_path(X, y, [0.05, 0.02], 0.5)
    assert path.l1_ratio == 0.5
    # the path's point is warm-started, the single fit cold: both certified to KKT 1e-10
    # relative, so they agree far inside 1e-7 (the objective is strongly convex here)
    np.testing.assert_allclose(path.coefs[1], by_position.coef, rtol=1e-7, atol=1e-9)
    assert (path.coefs[1] == 0.0).tolist() == (by_position.coef == 0.0).tolist()
    assert logistic_path(X, y, [0.05, 0.02]).l1_ratio == 1.0
