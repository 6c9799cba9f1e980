"""The converters to and from other libraries' penalty scalings.

Round trips are checked as properties; each converter is checked against the library
it converts to: scikit-learn's Ridge, Lasso, ElasticNet and LogisticRegression, and
glmnet's own Fortran (through the ``python-glmnet`` wheel, ``glmnet.ElasticNet`` and
``glmnet.LogitNet`` with ``standardize=False``). The other library's solution at its
converted parameters must equal our certified solution at tight tolerances stated in
each test. Where a library documents its objective, both objectives are also evaluated
by hand at arbitrary points: they must differ by the stated constant factor.
"""

from __future__ import annotations

import warnings
from typing import Any

import glmnet
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge

from bayesreg.core import conventions
from bayesreg.core.conventions import (
    from_glmnet,
    from_sklearn_elastic_net,
    from_sklearn_lasso,
    from_sklearn_logistic,
    from_sklearn_ridge,
    to_glmnet,
    to_sklearn_elastic_net,
    to_sklearn_lasso,
    to_sklearn_logistic,
    to_sklearn_ridge,
)
from bayesreg.core.objective import bernoulli_loss, objective
from bayesreg.core.penalties import subdiff_distance
from bayesreg.core.ridge import ridge
from bayesreg.core.solve import penalized_solve
from bayesreg.errors import DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]

positive = st.floats(1e-8, 1e8)
samples = st.integers(1, 10**6)
mixes = st.floats(0.0, 1.0)


def make_problem(n: int, p: int, seed: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.5
    return X, 1.0 + X @ rng.standard_normal(p) + rng.standard_normal(n)


def make_labels(n: int, p: int, seed: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, (X @ rng.standard_normal(p) + rng.logistic(size=n) > 0).astype(float)


def assert_same_solution(coef: FloatArray, intercept: float, fit: Any, agreement: float) -> None:
    """The other library's ``(coef, intercept)`` equals our fit to ``agreement`` · max|w|."""
    scale = max(1.0, float(np.max(np.abs(fit.coef))))
    assert np.max(np.abs(coef - fit.coef)) <= agreement * scale
    assert abs(intercept - fit.intercept) <= agreement * max(scale, abs(fit.intercept))


@given(alpha=positive, n=samples)
def test_ridge_round_trip(alpha: float, n: int) -> None:
    kwargs = to_sklearn_ridge(alpha, n)
    assert kwargs["alpha"] == pytest.approx(n * alpha, rel=1e-15)
    back, l1_ratio = from_sklearn_ridge(kwargs["alpha"], n)
    assert back == pytest.approx(alpha, rel=1e-15)
    assert l1_ratio == 0.0


@given(alpha=positive, mix=mixes)
def test_lasso_elastic_net_round_trips(alpha: float, mix: float) -> None:
    assert from_sklearn_lasso(to_sklearn_lasso(alpha)["alpha"]) == (alpha, 1.0)
    kwargs = to_sklearn_elastic_net(alpha, mix)
    assert from_sklearn_elastic_net(kwargs["alpha"], kwargs["l1_ratio"]) == (alpha, mix)


@given(
    alpha=positive,
    mix=mixes,
    spread=st.floats(1e-3, 1e3),
    likelihood=st.sampled_from(["gaussian", "bernoulli"]),
)
def test_glmnet_round_trip(alpha: float, mix: float, spread: float, likelihood: Any) -> None:
    y = spread * np.array([0.3, -1.2, 2.0, 0.7, -0.4])
    theirs = to_glmnet(alpha, mix, y=y, likelihood=likelihood)
    back = from_glmnet(theirs["lambda"], theirs["alpha"], y=y, likelihood=likelihood)
    assert back == pytest.approx((alpha, mix), rel=1e-13, abs=1e-15)
    # The L1 weight λa = alpha·r carries no scale, whatever the family.
    assert theirs["lambda"] * theirs["alpha"] == pytest.approx(alpha * mix, rel=1e-13)


@given(alpha=positive, n=samples, mix=st.sampled_from([0.0, 0.3, 1.0]))
def test_logistic_round_trip(alpha: float, n: int, mix: float) -> None:
    kwargs = to_sklearn_logistic(alpha, n, mix)
    assert kwargs["C"] == pytest.approx(1.0 / (n * alpha), rel=1e-15)
    assert kwargs["l1_ratio"] == mix
    assert "penalty" not in kwargs  # deprecated in scikit-learn 1.8
    if mix > 0.0:
        assert kwargs["solver"] == "saga"
    back, back_mix = from_sklearn_logistic(kwargs["C"], n, kwargs["l1_ratio"])
    assert back == pytest.approx(alpha, rel=1e-14)
    assert back_mix == mix
    if mix in (0.0, 1.0):
        legacy = from_sklearn_logistic(kwargs["C"], n, penalty="l2" if mix == 0.0 else "l1")
        assert legacy == (back, back_mix)


@pytest.mark.parametrize(("n", "p"), [(40, 5), (8, 30)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sklearn_ridge_gives_our_ridge(n: int, p: int, fit_intercept: bool) -> None:
    X, y = make_problem(n, p, seed=n + p)
    for alpha in (1e-3, 0.5):
        ours = ridge(X, y, alpha, fit_intercept=fit_intercept)
        theirs = Ridge(**to_sklearn_ridge(alpha, n), fit_intercept=fit_intercept).fit(X, y)
        error = np.linalg.norm(theirs.coef_ - ours.coef) / np.linalg.norm(ours.coef)
        assert error <= 1e-10
        assert theirs.intercept_ == pytest.approx(ours.intercept, rel=1e-10, abs=1e-12)
        # And from their A to ours: Ridge(alpha=A) solves ridge at from_sklearn_ridge(A, n).
        A = 50.0 * alpha
        back, l1_ratio = from_sklearn_ridge(A, n)
        theirs = Ridge(alpha=A, fit_intercept=fit_intercept).fit(X, y)
        ours = penalized_solve(X, y, back, l1_ratio, fit_intercept=fit_intercept)
        error = np.linalg.norm(theirs.coef_ - ours.coef) / np.linalg.norm(ours.coef)
        assert error <= 1e-10


def test_ridge_objectives_differ_by_the_factor_2n() -> None:
    # sklearn: ||y − w0 − Xw||² + A||w||²;  ours: 1/(2n)||y − w0 − Xw||² + alpha/2 ||w||².
    X, y = make_problem(30, 4, seed=0)
    rng = np.random.default_rng(1)
    alpha, n = 0.07, 30
    A = to_sklearn_ridge(alpha, n)["alpha"]
    for _ in range(5):
        w, w0 = rng.standard_normal(4), float(rng.standard_normal())
        residual = y - w0 - X @ w
        theirs = residual @ residual + A * w @ w
        assert theirs == pytest.approx(2 * n * objective(X, y, w, w0, alpha, 0.0), rel=1e-13)


@pytest.mark.parametrize("mix", [1.0, 0.4])
def test_sklearn_lasso_and_elastic_net_solutions_satisfy_our_kkt(mix: float) -> None:
    X, y = make_problem(50, 6, seed=2)
    alpha = 0.05
    if mix == 1.0:
        model = Lasso(**to_sklearn_lasso(alpha), tol=1e-14, max_iter=100_000)
    else:
        model = ElasticNet(**to_sklearn_elastic_net(alpha, mix), tol=1e-14, max_iter=100_000)
    model.fit(X, y)
    residual = y - model.intercept_ - X @ model.coef_
    gradient = -X.T @ residual / len(y)
    # 0 ∈ ∇L + alpha·∂P(w): per-coordinate distance to the subdifferential.
    assert np.max(subdiff_distance(model.coef_, gradient, alpha, mix)) <= 1e-8
    assert abs(residual.mean()) <= 1e-12  # the intercept's condition ∂L/∂w0 = 0


@pytest.mark.parametrize("mix", [1.0, 0.4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p"), [(50, 6), (15, 30)])
def test_sklearn_lasso_and_elastic_net_give_our_solution(
    mix: float, fit_intercept: bool, n: int, p: int
) -> None:
    # Both at tight tolerances (sklearn: its duality gap ≤ 1e-15·||y||², ours ≤ 1e-15·F(0));
    # the solutions agree to 1e-10 relative to max|w|.
    X, y = make_problem(n, p, seed=n * p)
    A = 0.2 * float(np.max(np.abs(X.T @ (y - y.mean())))) / n
    if mix == 1.0:
        model = Lasso(alpha=A, fit_intercept=fit_intercept, tol=1e-15, max_iter=10**6)
        alpha, l1_ratio = from_sklearn_lasso(A)
        assert to_sklearn_lasso(alpha) == {"alpha": A}
    else:
        model = ElasticNet(
            alpha=A, l1_ratio=mix, fit_intercept=fit_intercept, tol=1e-15, max_iter=10**6
        )
        alpha, l1_ratio = from_sklearn_elastic_net(A, mix)
        assert to_sklearn_elastic_net(alpha, l1_ratio) == {"alpha": A, "l1_ratio": mix}
    model.fit(X, y)
    ours = penalized_solve(X, y, alpha, l1_ratio, fit_intercept=fit_intercept, tol=1e-15)
    assert_same_solution(model.coef_, float(model.intercept_), ours, 1e-10)


@pytest.mark.parametrize("mix", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sklearn_logistic_gives_our_solution(mix: float, fit_intercept: bool) -> None:
    # LogisticRegression with the converted keywords at tol = 1e-15 (newton-cholesky in
    # place of lbfgs for the pure L2 case: lbfgs stops 1e-8 short); ours at KKT ≤ 1e-14.
    X, y = make_labels(60, 4, seed=21)
    alpha, n = 0.02, 60
    kwargs = {"solver": "newton-cholesky", **to_sklearn_logistic(alpha, n, mix)}
    model = LogisticRegression(**kwargs, fit_intercept=fit_intercept, tol=1e-15, max_iter=10**5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(X, y)
    assert from_sklearn_logistic(model.C, n, model.l1_ratio) == pytest.approx((alpha, mix))
    ours = penalized_solve(
        X, y, alpha, mix, likelihood="bernoulli", fit_intercept=fit_intercept, tol=1e-14
    )
    assert_same_solution(model.coef_[0], float(model.intercept_[0]), ours, 1e-11)


def test_logistic_objectives_differ_by_the_factor_nc() -> None:
    # sklearn (l2): C Σ log-loss_i + ½||w||²;  ours: 1/n Σ log-loss_i + alpha/2 ||w||²,
    # alpha = 1/(nC), so sklearn = nC · ours at every (w, w0). Likewise for l1 and mixes.
    X, y = make_labels(40, 3, seed=3)
    n, C = 40, 0.8
    rng = np.random.default_rng(4)
    for mix in (0.0, 1.0, 0.3):
        alpha = 1.0 / (n * C)
        assert to_sklearn_logistic(alpha, n, mix)["C"] == pytest.approx(C, rel=1e-15)
        for _ in range(5):
            w, w0 = rng.standard_normal(3), float(rng.standard_normal())
            eta = w0 + X @ w
            log_loss = np.sum(np.logaddexp(0.0, eta) - y * eta)
            penalty = mix * np.sum(np.abs(w)) + (1 - mix) / 2 * w @ w
            theirs = C * log_loss + penalty
            ours = objective(X, y, w, w0, alpha, mix, likelihood="bernoulli")
            assert theirs == pytest.approx(n * C * ours, rel=1e-13)


def test_sklearn_logistic_solution_satisfies_our_kkt() -> None:
    X, y = make_labels(60, 4, seed=5)
    alpha = 0.02
    model = LogisticRegression(**to_sklearn_logistic(alpha, len(y)), tol=1e-12, max_iter=10_000)
    model.fit(X, y)
    coef, intercept = model.coef_[0], float(model.intercept_[0])
    probability = 1.0 / (1.0 + np.exp(-(intercept + X @ coef)))
    gradient = X.T @ (probability - y) / len(y) + alpha * coef  # ∇_w F at alpha = 1/(nC)
    assert np.max(np.abs(gradient)) <= 1e-7
    assert abs(np.mean(probability - y)) <= 1e-7
    # And the point minimizes our objective against nearby points.
    rng = np.random.default_rng(6)
    value = bernoulli_loss(X, y, coef, intercept) + alpha / 2 * coef @ coef
    for _ in range(5):
        other = coef + 1e-3 * rng.standard_normal(4)
        assert value <= bernoulli_loss(X, y, other, intercept) + alpha / 2 * other @ other


def glmnet_solution(
    model: Any, X: FloatArray, y: FloatArray, lam: float, sample_weight: Any = None
) -> tuple[FloatArray, float]:
    """Fit a glmnet estimator at the single ``lam`` and read its coefficients there."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no silent non-convergence on glmnet's side
        model.fit(X, y, sample_weight=sample_weight)
    assert model.lambda_path_[-1] == lam
    coef_path, intercept_path = model.coef_path_, model.intercept_path_
    # LogitNet keeps one row per class (a single row for two classes).
    if coef_path.ndim == 3:
        coef_path, intercept_path = coef_path[0], intercept_path[0]
    return coef_path[:, -1], float(intercept_path[-1])


# glmnet stops its coordinate descent when max_j (variance_j · change_j²) < tol; at the
# default tol = 1e-7 it is 3e-5 away from the solution, at tol = 1e-30 it reaches
# rounding (1e-15 measured on these problems), so 1e-11 relative to max|w| is tight.
GLMNET_TOL = 1e-30
GLMNET_AGREEMENT = 1e-11


def glmnet_gaussian(lam: float, mixing: float, fit_intercept: bool) -> Any:
    return glmnet.ElasticNet(
        alpha=mixing,
        lambda_path=np.array([lam]),
        standardize=False,
        fit_intercept=fit_intercept,
        tol=GLMNET_TOL,
        max_iter=10**6,
        n_splits=0,
    )


@pytest.mark.parametrize("mixing", [0.0, 0.25, 0.5, 0.75, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p"), [(60, 5), (20, 40)])
def test_glmnet_gaussian_gives_our_solution(
    mixing: float, fit_intercept: bool, n: int, p: int
) -> None:
    # y has standard deviation far from 1 (s ≈ 10), so its scaling of the L2 weight shows.
    X, y = make_problem(n, p, seed=11 * p + n)
    y = 3.0 * y - 5.0
    lam = 0.3 * float(np.max(np.abs(X.T @ (y - y.mean())))) / n
    coef, intercept = glmnet_solution(glmnet_gaussian(lam, mixing, fit_intercept), X, y, lam)
    alpha, l1_ratio = from_glmnet(lam, mixing, y=y)
    ours = penalized_solve(X, y, alpha, l1_ratio, fit_intercept=fit_intercept, tol=1e-15)
    assert_same_solution(coef, intercept, ours, GLMNET_AGREEMENT)
    # And back: our (alpha, l1_ratio) → glmnet's parameters → glmnet's solution.
    theirs = to_glmnet(ours.alpha, ours.l1_ratio, y=y)
    assert theirs["lambda"] == pytest.approx(lam, rel=1e-14)
    assert theirs["alpha"] == pytest.approx(mixing, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.3, 1.0])
def test_to_glmnet_gives_glmnet_our_solution(l1_ratio: float) -> None:
    X, y = make_problem(40, 6, seed=12)
    y = 0.05 * y  # s ≈ 0.1: the other side of 1
    alpha = 0.01
    ours = penalized_solve(X, y, alpha, l1_ratio, tol=1e-15)
    theirs = to_glmnet(alpha, l1_ratio, y=y)
    model = glmnet_gaussian(theirs["lambda"], theirs["alpha"], fit_intercept=True)
    coef, intercept = glmnet_solution(model, X, y, theirs["lambda"])
    assert_same_solution(coef, intercept, ours, GLMNET_AGREEMENT)


@pytest.mark.parametrize("mixing", [0.0, 0.25, 0.5, 0.75, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_glmnet_binomial_gives_our_solution(mixing: float, fit_intercept: bool) -> None:
    # The binomial family does not rescale: alpha = λ, l1_ratio = a.
    X, y = make_labels(80, 4, seed=13)
    lam = 0.02
    model = glmnet.LogitNet(
        alpha=mixing,
        lambda_path=np.array([lam]),
        standardize=False,
        fit_intercept=fit_intercept,
        tol=GLMNET_TOL,
        max_iter=10**6,
        n_splits=0,
    )
    coef, intercept = glmnet_solution(model, X, y, lam)
    alpha, l1_ratio = from_glmnet(lam, mixing, likelihood="bernoulli")
    assert (alpha, l1_ratio) == (lam, mixing)
    assert to_glmnet(lam, mixing, likelihood="bernoulli") == {"lambda": lam, "alpha": mixing}
    ours = penalized_solve(
        X, y, alpha, l1_ratio, likelihood="bernoulli", fit_intercept=fit_intercept, tol=1e-14
    )
    assert_same_solution(coef, intercept, ours, GLMNET_AGREEMENT)


def test_glmnet_gaussian_objective_is_ours_in_original_units() -> None:
    # glmnet fits ỹ = y/s with λ/s: 1/(2n)||ỹ − b0 − Xb||² + (λ/s)[a||b||₁ + (1 − a)/2 ||b||²],
    # then reports w = s·b. At w = s·b that objective is F(w)/s², F ours at from_glmnet.
    X, y = make_problem(20, 3, seed=7)
    y = 4.0 * y
    scale = float(np.std(y))
    rng = np.random.default_rng(8)
    lam, mix = 0.3, 0.25
    alpha, l1_ratio = from_glmnet(lam, mix, y=y)
    for _ in range(3):
        w, w0 = rng.standard_normal(3), float(rng.standard_normal())
        b, b0 = w / scale, w0 / scale
        residual = y / scale - b0 - X @ b
        theirs = residual @ residual / (2 * 20) + lam / scale * (
            mix * np.sum(np.abs(b)) + (1 - mix) / 2 * b @ b
        )
        ours = objective(X, y, w, w0, alpha, l1_ratio)
        assert theirs == pytest.approx(ours / scale**2, rel=1e-13)
    for documented in (conventions.__doc__, from_glmnet.__doc__, to_glmnet.__doc__):
        assert documented is not None
        assert "standardize" in documented


def test_glmnet_converters_need_y_below_mixing_one() -> None:
    with pytest.raises(InputValueError, match=r"y is required .* mixing < 1; got mixing=0\.5"):
        from_glmnet(0.1, 0.5)
    with pytest.raises(InputValueError, match=r"l1_ratio < 1; got l1_ratio=0\.0 and y=None"):
        to_glmnet(0.1, 0.0)
    # The lasso and the binomial family need no y.
    assert from_glmnet(0.1, 1.0) == (0.1, 1.0)
    assert to_glmnet(0.1, 1.0) == {"lambda": 0.1, "alpha": 1.0}
    assert from_glmnet(0.1, 0.5, likelihood="bernoulli") == (0.1, 0.5)
    with pytest.raises(DataError, match="y must vary"):
        from_glmnet(0.1, 0.5, y=np.ones(5))
    with pytest.raises(InputTypeError, match="y must be a 1-D array-like"):
        to_glmnet(0.1, 0.5, y=3.0)
    with pytest.raises(DataError, match="y contains 1 NaN"):
        to_glmnet(0.1, 0.5, y=[1.0, np.nan, 2.0])
    with pytest.raises(InputValueError, match="likelihood must be one of 'gaussian', 'bernoulli'"):
        from_glmnet(0.1, 0.5, y=[1.0, 2.0], likelihood="binomial")  # type: ignore[arg-type]
    y = np.array([1.0, 2.0, 4.0])
    from_glmnet(0.1, 0.5, y=y)
    assert np.array_equal(y, [1.0, 2.0, 4.0])  # not modified


def test_converter_errors_name_the_argument() -> None:
    with pytest.raises(InputValueError, match=r"alpha must be a finite number ≥ 0; got -1\.0"):
        to_sklearn_ridge(-1.0, 10)
    with pytest.raises(InputValueError, match="n_samples must be an integer ≥ 1; got 0"):
        from_sklearn_ridge(1.0, 0)
    with pytest.raises(InputTypeError, match="n_samples must be an integer"):
        to_sklearn_ridge(1.0, 10.5)  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match=r"C must be a finite number > 0; got 0\.0"):
        from_sklearn_logistic(0.0, 10)
    with pytest.raises(InputValueError, match="penalty must be 'l2' or 'l1'; got 'l3'"):
        from_sklearn_logistic(1.0, 10, penalty="l3")  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="pass one of them"):
        from_sklearn_logistic(1.0, 10, 0.5, penalty="l1")
    with pytest.raises(InputValueError, match=r"mixing must lie in \[0, 1\]"):
        from_glmnet(0.1, 1.5)
    with pytest.raises(InputValueError, match=r"l1_ratio must lie in \[0, 1\]"):
        to_sklearn_elastic_net(0.1, -0.1)
    with pytest.raises(InputValueError, match=r"alpha must be a finite number > 0; got 0\.0"):
        to_sklearn_logistic(0.0, 10)


@pytest.mark.parametrize("mixing", [0.0, 0.5, 1.0])
def test_glmnet_weights_are_our_sample_weight(mixing: float) -> None:
    """glmnet normalizes ``weights`` to sum to 1 (its loss is 1/Σs Σ s_i ℓ_i, ours with
    ``sample_weight``) and, for the gaussian family, scales y by its weighted standard
    deviation: the conversions with ``sample_weight`` give glmnet's solution."""
    rng = np.random.default_rng(5)
    weights = rng.uniform(0.2, 3.0, 80)
    X, labels = make_labels(80, 4, seed=13)
    lam = 0.02
    model = glmnet.LogitNet(
        alpha=mixing, lambda_path=np.array([lam]), standardize=False, tol=GLMNET_TOL,
        max_iter=10**6, n_splits=0,
    )  # fmt: skip
    coef, intercept = glmnet_solution(model, X, labels, lam, sample_weight=weights)
    alpha, l1_ratio = from_glmnet(lam, mixing, likelihood="bernoulli", sample_weight=weights)
    ours = penalized_solve(
        X, labels, alpha, l1_ratio, likelihood="bernoulli", tol=1e-14, sample_weight=weights
    )
    assert_same_solution(coef, intercept, ours, GLMNET_AGREEMENT)
    X, y = make_problem(80, 5, seed=3)
    y = 3.0 * y - 5.0
    lam = 0.1
    coef, intercept = glmnet_solution(
        glmnet_gaussian(lam, mixing, True), X, y, lam, sample_weight=weights
    )
    alpha, l1_ratio = from_glmnet(lam, mixing, y=y, sample_weight=weights)
    ours = penalized_solve(X, y, alpha, l1_ratio, tol=1e-15, sample_weight=weights)
    assert_same_solution(coef, intercept, ours, GLMNET_AGREEMENT)
    back = to_glmnet(ours.alpha, ours.l1_ratio, y=y, sample_weight=weights)
    assert back["lambda"] == pytest.approx(lam, rel=1e-13)
