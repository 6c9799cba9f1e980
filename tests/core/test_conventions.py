"""The converters to and from other libraries' penalty scalings.

Round trips are checked as properties; each mapping is checked against the other
library itself (its fitted solution satisfies our optimality conditions at the converted
alpha) and, where a library documents its objective, by evaluating both objectives by
hand at arbitrary points: they must differ by the stated constant factor.
"""

from __future__ import annotations

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
from bayesreg.errors import InputTypeError, InputValueError

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


@given(alpha=positive, n=samples)
def test_ridge_round_trip(alpha: float, n: int) -> None:
    kwargs = to_sklearn_ridge(alpha, n)
    assert kwargs["alpha"] == pytest.approx(n * alpha, rel=1e-15)
    back, l1_ratio = from_sklearn_ridge(kwargs["alpha"], n)
    assert back == pytest.approx(alpha, rel=1e-15)
    assert l1_ratio == 0.0


@given(alpha=positive, mix=mixes)
def test_lasso_elastic_net_glmnet_round_trips(alpha: float, mix: float) -> None:
    assert from_sklearn_lasso(to_sklearn_lasso(alpha)["alpha"]) == (alpha, 1.0)
    kwargs = to_sklearn_elastic_net(alpha, mix)
    assert from_sklearn_elastic_net(kwargs["alpha"], kwargs["l1_ratio"]) == (alpha, mix)
    glmnet = to_glmnet(alpha, mix)
    assert from_glmnet(glmnet["lambda"], glmnet["alpha"]) == (alpha, mix)


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


def test_glmnet_mapping_is_identity_and_documents_standardization() -> None:
    # glmnet (gaussian): 1/(2n) RSS + λ[(1 − a)/2 ||β||² + a||β||₁]: our objective term by
    # term, on the same design.
    X, y = make_problem(20, 3, seed=7)
    rng = np.random.default_rng(8)
    lam, mix = 0.3, 0.25
    alpha, l1_ratio = from_glmnet(lam, mix)
    for _ in range(3):
        w, w0 = rng.standard_normal(3), float(rng.standard_normal())
        residual = y - w0 - X @ w
        theirs = residual @ residual / (2 * 20) + lam * (
            (1 - mix) / 2 * w @ w + mix * np.sum(np.abs(w))
        )
        assert theirs == pytest.approx(objective(X, y, w, w0, alpha, l1_ratio), rel=1e-14)
    for documented in (conventions.__doc__, from_glmnet.__doc__):
        assert documented is not None
        assert "standardize" in documented


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
