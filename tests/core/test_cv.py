"""K-fold cross-validation against explicit refits by scikit-learn.

With ``n_folds = n`` (leave-one-out) the fold assignment no longer matters, so the
cross-validation curve can be recomputed independently: refit scikit-learn on each
n − 1 samples (its scaling converted by hand) and score the held-out sample.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge

from bayesreg.core.cv import _assign_folds, cross_validate
from bayesreg.core.enet_path import alpha_max
from bayesreg.core.logistic import logistic_alpha_max
from bayesreg.core.ridge import ridge_alphas, ridge_path
from bayesreg.datasets import load_diabetes
from bayesreg.errors import DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]


def make_problem(n: int, p: int, seed: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 1.0
    coef = np.zeros(p)
    coef[:2] = (2.0, -1.5)
    return X, 0.5 + X @ coef + rng.standard_normal(n)


def leave_one_out_errors(
    X: FloatArray, y: FloatArray, make_model: object, score: object
) -> FloatArray:
    """Held-out score of each sample from a model refitted on the other n − 1."""
    errors = []
    for held_out in range(len(y)):
        keep = np.arange(len(y)) != held_out
        model = make_model().fit(X[keep], y[keep])  # type: ignore[operator]
        errors.append(score(model, X[held_out : held_out + 1], y[held_out]))  # type: ignore[operator]
    return np.array(errors)


def squared_error(model: Ridge, row: FloatArray, target: float) -> float:
    return float((target - model.predict(row)[0]) ** 2)


def test_ridge_leave_one_out_matches_sklearn_refits() -> None:
    X, y = make_problem(20, 4, seed=0)
    n = len(y)
    alphas = np.array([1.0, 0.1, 0.01])
    result = cross_validate(X, y, l1_ratio=0.0, alphas=alphas, n_folds=n)
    assert result.scoring == "mse"
    for i, alpha in enumerate(result.alphas):
        # Each training set has n − 1 samples: sklearn's Ridge(A) is alpha = A/(n − 1).
        errors = leave_one_out_errors(
            X, y, lambda a=alpha: Ridge(alpha=(n - 1) * a, solver="svd"), squared_error
        )
        assert result.mean_error[i] == pytest.approx(errors.mean(), rel=1e-9)
        assert result.std_error[i] == pytest.approx(errors.std(ddof=1) / np.sqrt(n), rel=1e-9)
    # The same numbers from the hat-matrix shortcut: fixed total penalty (n − 1)·alpha.
    path = ridge_path(X, y, alphas * (n - 1) / n)
    np.testing.assert_allclose(result.mean_error, path.loo, rtol=1e-9)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_lasso_and_elastic_net_leave_one_out_match_sklearn(l1_ratio: float) -> None:
    X, y = make_problem(15, 5, seed=1)
    n = len(y)
    top = alpha_max(X, y, l1_ratio=l1_ratio)
    alphas = np.array([0.5, 0.1, 0.02]) * top
    result = cross_validate(X, y, l1_ratio=l1_ratio, alphas=alphas, n_folds=n, tol=1e-12)
    for i, alpha in enumerate(result.alphas):
        # sklearn's Lasso / ElasticNet use the same scaling as ours.
        def make_model(a: float = alpha) -> Lasso | ElasticNet:
            if l1_ratio == 1.0:
                return Lasso(alpha=a, tol=1e-14, max_iter=100_000)
            return ElasticNet(alpha=a, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000)

        errors = leave_one_out_errors(X, y, make_model, squared_error)
        assert result.mean_error[i] == pytest.approx(errors.mean(), rel=1e-7)


def test_bernoulli_leave_one_out_matches_sklearn_deviance() -> None:
    rng = np.random.default_rng(2)
    X = rng.standard_normal((24, 3))
    y = (X[:, 0] - 0.5 * X[:, 1] + rng.logistic(size=24) > 0).astype(float)
    n = len(y)
    alphas = np.array([0.3, 0.05])
    result = cross_validate(
        X, y, l1_ratio=0.0, alphas=alphas, n_folds=n, likelihood="bernoulli", tol=1e-12
    )
    assert result.scoring == "deviance"

    def deviance(model: LogisticRegression, row: FloatArray, target: float) -> float:
        probability = model.predict_proba(row)[0, 1]
        return float(-2.0 * (target * np.log(probability) + (1 - target) * np.log1p(-probability)))

    for i, alpha in enumerate(result.alphas):
        # LogisticRegression(C) is alpha = 1/((n − 1) C) on n − 1 training samples.
        errors = leave_one_out_errors(
            X,
            y,
            lambda a=alpha: LogisticRegression(C=1.0 / ((n - 1) * a), tol=1e-12, max_iter=10_000),
            deviance,
        )
        assert result.mean_error[i] == pytest.approx(errors.mean(), rel=1e-6)


def test_one_standard_error_rule_and_summaries() -> None:
    X, y = load_diabetes()
    result = cross_validate(X, y, l1_ratio=1.0, n_alphas=30, n_folds=5, random_seed=3)
    assert result.fold_errors.shape == (5, 30)
    assert np.all(np.diff(result.alphas) < 0)
    np.testing.assert_allclose(result.mean_error, result.fold_errors.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(
        result.std_error, result.fold_errors.std(axis=0, ddof=1) / np.sqrt(5), rtol=1e-14
    )
    best = int(np.argmin(result.mean_error))
    assert result.alpha_min == result.alphas[best]
    bound = result.mean_error[best] + result.std_error[best]
    eligible = result.alphas[result.mean_error <= bound]
    assert result.alpha_1se == eligible.max()
    assert result.alpha_1se >= result.alpha_min
    # The rule picks a strictly simpler model here: the curve is flat near its minimum.
    assert result.alpha_1se > result.alpha_min


def test_folds_are_seeded_locally() -> None:
    # The legacy global RNG is touched on purpose: cross_validate must neither read nor
    # advance it.
    X, y = make_problem(40, 3, seed=4)
    saved = np.random.get_state()  # noqa: NPY002
    try:
        np.random.seed(0)  # noqa: NPY002
        before = np.random.get_state()[1].copy()  # noqa: NPY002
        first = cross_validate(X, y, l1_ratio=0.0, alphas=[1.0, 0.1], n_folds=4, random_seed=7)
        np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002
        np.random.seed(123)  # noqa: NPY002
        again = cross_validate(X, y, l1_ratio=0.0, alphas=[1.0, 0.1], n_folds=4, random_seed=7)
    finally:
        np.random.set_state(saved)  # noqa: NPY002
    np.testing.assert_array_equal(first.fold_errors, again.fold_errors)
    generator = cross_validate(
        X, y, l1_ratio=0.0, alphas=[1.0, 0.1], n_folds=4, random_seed=np.random.default_rng(7)
    )
    np.testing.assert_array_equal(first.fold_errors, generator.fold_errors)
    other = cross_validate(X, y, l1_ratio=0.0, alphas=[1.0, 0.1], n_folds=4, random_seed=8)
    assert not np.array_equal(first.fold_errors, other.fold_errors)


def test_fold_assignment_is_balanced_and_stratified() -> None:
    rng = np.random.default_rng(0)
    y = np.concatenate((np.zeros(23), np.ones(9)))
    for stratify in (False, True):
        folds = _assign_folds(y, 5, rng, stratify=stratify)
        sizes = np.bincount(folds, minlength=5)
        assert sizes.max() - sizes.min() <= 1
        assert sizes.sum() == len(y)
    folds = _assign_folds(y, 5, rng, stratify=True)
    positives = np.bincount(folds[y == 1], minlength=5)
    assert positives.max() - positives.min() <= 1


def test_default_grids() -> None:
    X, y = make_problem(30, 4, seed=5)
    lasso = cross_validate(X, y, l1_ratio=1.0, n_alphas=12, n_folds=3, random_seed=0)
    top = alpha_max(X, y, l1_ratio=1.0)
    np.testing.assert_allclose(lasso.alphas, np.geomspace(top, 1e-3 * top, 12), rtol=1e-12)
    nearly_ridge = cross_validate(X, y, l1_ratio=1e-5, n_alphas=4, n_folds=3, random_seed=0)
    assert nearly_ridge.alphas[0] == pytest.approx(alpha_max(X, y, l1_ratio=1e-3), rel=1e-12)
    ridge_cv = cross_validate(X, y, l1_ratio=0.0, n_alphas=20, n_folds=3, random_seed=0)
    np.testing.assert_allclose(ridge_cv.alphas, ridge_alphas(X, n_alphas=20), rtol=1e-12)
    labels = (y > np.median(y)).astype(float)
    logistic_ridge = cross_validate(
        X, labels, l1_ratio=0.0, n_alphas=5, n_folds=3, likelihood="bernoulli", random_seed=0
    )
    np.testing.assert_allclose(logistic_ridge.alphas, 0.25 * ridge_alphas(X, n_alphas=5))
    logistic_lasso = cross_validate(
        X, labels, l1_ratio=1.0, n_alphas=5, n_folds=3, likelihood="bernoulli", random_seed=0
    )
    assert logistic_lasso.alphas[0] == pytest.approx(logistic_alpha_max(X, labels), rel=1e-12)


def test_ridge_alphas_span_the_path() -> None:
    X, y = load_diabetes()
    grid = ridge_alphas(X, n_alphas=50)
    path = ridge_path(X, y, grid)
    rank = 10
    assert path.df[0] <= rank / 1001
    assert path.df[-1] >= rank / 1.01
    with pytest.raises(DataError, match="X has no variation"):
        ridge_alphas(np.ones((5, 2)))


def test_bad_arguments() -> None:
    X, y = make_problem(12, 2, seed=6)
    with pytest.raises(InputValueError, match="n_folds must lie between 2 and n_samples = 12"):
        cross_validate(X, y, n_folds=1)
    with pytest.raises(InputValueError, match="got 13"):
        cross_validate(X, y, n_folds=13)
    with pytest.raises(InputTypeError, match="n_folds must be an integer"):
        cross_validate(X, y, n_folds=2.5)  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="likelihood must be one of 'gaussian', 'bernoulli'"):
        cross_validate(X, y, likelihood="gamma")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="count"):
        cross_validate(X, y - 10.0, likelihood="poisson")
    with pytest.raises(InputValueError, match="offset"):
        cross_validate(X, y, offset=np.zeros(12))
    with pytest.raises(DataError, match="y must hold only 0 and 1"):
        cross_validate(X, y, likelihood="bernoulli")
    one_positive = np.zeros(12)
    one_positive[3] = 1.0
    with pytest.raises(DataError, match="11 samples of class 0 and 1 of class 1"):
        cross_validate(X, one_positive, likelihood="bernoulli", n_folds=3)
    with pytest.raises(InputTypeError, match="random_seed must be None"):
        cross_validate(X, y, random_seed="7")  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="random_seed must be an integer ≥ 0; got -1"):
        cross_validate(X, y, random_seed=-1)
    with pytest.raises(DataError, match="no default alpha grid"):
        cross_validate(X, np.full(12, 3.0), n_folds=3)
    with pytest.raises(InputValueError, match="alphas must hold finite numbers"):
        cross_validate(X, y, alphas=[0.1, -0.1])
    with pytest.raises(InputValueError, match="l1_ratio must lie in"):
        cross_validate(X, y, l1_ratio=1.5)
