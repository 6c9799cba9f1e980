"""Training, cross-validation and test error along a path, against direct computation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import lasso_path as sklearn_lasso_path
from sklearn.metrics import log_loss

from bayesreg.core.cv import cross_validate
from bayesreg.core.model_selection import TrainTestError, train_test_error
from bayesreg.core.results import PathFit
from bayesreg.errors import DataError, InputTypeError


def _centered(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return X - X.mean(axis=0), y - y.mean()


def _sklearn_path(X: np.ndarray, y: np.ndarray, alphas: np.ndarray) -> tuple[np.ndarray, ...]:
    """Lasso coefficients (k, p) and intercepts (k,) on alphas, by scikit-learn."""
    Xc, yc = _centered(X, y)
    _, coefs, _ = sklearn_lasso_path(Xc, yc, alphas=alphas, tol=1e-13, max_iter=100_000)
    return coefs.T, y.mean() - coefs.T @ X.mean(axis=0)


def _lasso_path_fit(n_features: int = 5, seed: int = 0) -> tuple[PathFit, tuple[np.ndarray, ...]]:
    """A lasso path from scikit-learn on a train split, as a PathFit."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((80, n_features))
    y = X[:, 0] * 2.0 - X[:, 1] + rng.standard_normal(80)
    X_train, y_train, X_test, y_test = X[:50], y[:50], X[50:], y[50:]
    alphas = np.geomspace(1.0, 1e-3, 20)
    coefs, intercepts = _sklearn_path(X_train, y_train, alphas)
    path = PathFit(
        alphas=alphas,
        coefs=coefs,
        intercepts=intercepts,
        gaps=np.zeros(alphas.size),
        l1_ratio=1.0,
        objectives=np.zeros(alphas.size),
        converged=np.ones(alphas.size, dtype=bool),
        n_iters=np.ones(alphas.size, dtype=np.int64),
        alpha_max=float(np.abs(_centered(X_train, y_train)[0].T @ y_train).max() / 50),
    )
    return path, (X_train, y_train, X_test, y_test)


def test_train_test_error_matches_direct_computation() -> None:
    path, (X_train, y_train, X_test, y_test) = _lasso_path_fit(5)
    errors = train_test_error(path, X_train, y_train, X_test, y_test, random_seed=0)
    for i in range(len(path)):
        fitted_test = path.intercepts[i] + X_test @ path.coefs[i]
        fitted_train = path.intercepts[i] + X_train @ path.coefs[i]
        assert errors.test_error[i] == pytest.approx(
            np.mean((y_test - fitted_test) ** 2), rel=1e-12
        )
        assert errors.train_error[i] == pytest.approx(
            np.mean((y_train - fitted_train) ** 2), rel=1e-12
        )
    # the penalized least-squares fit's training error never decreases as alpha grows
    by_alpha = errors.train_error[np.argsort(errors.alphas)]
    assert np.all(np.diff(by_alpha) >= -1e-10)
    assert errors.metric == "mean squared error"


def test_train_test_error_bernoulli_is_log_loss() -> None:
    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 2))
    y = (rng.random(60) < 1.0 / (1.0 + np.exp(-X[:, 0]))).astype(float)
    path = PathFit(
        alphas=np.array([0.5, 0.1]),
        coefs=np.array([[0.2, 0.0], [0.8, -0.1]]),
        intercepts=np.array([0.1, -0.2]),
        gaps=np.zeros(2),
        l1_ratio=1.0,
        objectives=np.zeros(2),
        converged=np.ones(2, dtype=bool),
        n_iters=np.ones(2, dtype=np.int64),
        alpha_max=1.0,
    )
    errors = train_test_error(
        path, X[:40], y[:40], X[40:], y[40:], likelihood="bernoulli", n_folds=3, random_seed=1
    )
    for i in range(2):
        probability = 1.0 / (1.0 + np.exp(-(path.intercepts[i] + X[40:] @ path.coefs[i])))
        assert errors.test_error[i] == pytest.approx(log_loss(y[40:], probability), rel=1e-12)
    # the CV curve is half cross_validate's binomial deviance on the same folds
    deviance = cross_validate(
        X[:40], y[:40], alphas=path.alphas, n_folds=3, likelihood="bernoulli", random_seed=1
    )
    np.testing.assert_allclose(errors.cv_error, 0.5 * deviance.mean_error, rtol=1e-12)
    assert errors.metric == "mean log loss"
    with pytest.raises(DataError, match="X_test has 3 columns"):
        train_test_error(path, X[:40], y[:40], np.ones((5, 3)), np.ones(5), n_folds=3)


def test_cv_error_is_leave_one_out_refit_error() -> None:
    """With K = n the folds are the rows: refit scikit-learn without each row in turn."""
    path, (X_train, y_train, X_test, y_test) = _lasso_path_fit(4, seed=2)
    n_samples = y_train.size
    errors = train_test_error(path, X_train, y_train, X_test, y_test, n_folds=n_samples)
    squared = np.empty((n_samples, path.alphas.size))
    for i in range(n_samples):
        keep = np.arange(n_samples) != i
        coefs, intercepts = _sklearn_path(X_train[keep], y_train[keep], path.alphas)
        squared[i] = (y_train[i] - intercepts - coefs @ X_train[i]) ** 2
    np.testing.assert_allclose(errors.cv_error, squared.mean(axis=0), rtol=1e-7)
    np.testing.assert_allclose(
        errors.cv_std_error, squared.std(axis=0, ddof=1) / np.sqrt(n_samples), rtol=1e-6
    )
    # alpha is chosen on the CV curve alone, the test error is read off at that choice
    best = int(np.argmin(errors.cv_error))
    assert errors.alpha_cv == path.alphas[best]
    assert errors.test_error_at_cv == errors.test_error[best]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cv_curve_follows_the_path_order(seed: int) -> None:
    path, (X_train, y_train, X_test, y_test) = _lasso_path_fit(3, seed=seed)
    shuffled = np.random.default_rng(seed).permutation(path.alphas.size)
    reordered = PathFit(
        alphas=path.alphas[shuffled],
        coefs=path.coefs[shuffled],
        intercepts=path.intercepts[shuffled],
        gaps=path.gaps[shuffled],
        l1_ratio=1.0,
        objectives=path.objectives[shuffled],
        converged=path.converged[shuffled],
        n_iters=path.n_iters[shuffled],
        alpha_max=path.alpha_max,
    )
    plain = train_test_error(path, X_train, y_train, X_test, y_test, random_seed=seed)
    mixed = train_test_error(reordered, X_train, y_train, X_test, y_test, random_seed=seed)
    for name in ("alphas", "train_error", "cv_error", "cv_std_error", "test_error"):
        np.testing.assert_array_equal(getattr(mixed, name), getattr(plain, name)[shuffled])
    assert mixed.alpha_cv == plain.alpha_cv
    assert isinstance(plain, TrainTestError)
    assert not plain.cv_error.flags.writeable


def test_train_test_error_rejects_a_non_path() -> None:
    _, (X_train, y_train, X_test, y_test) = _lasso_path_fit(3)
    with pytest.raises(InputTypeError, match="path must be a PathFit"):
        train_test_error(X_train, X_train, y_train, X_test, y_test)  # type: ignore[arg-type]
