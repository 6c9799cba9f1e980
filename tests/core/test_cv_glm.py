"""Cross-validation of the Bernoulli and Poisson likelihoods, weighted and sparse.

Each fold error of :func:`~bayesreg.core.cv.cross_validate` is recomputed here from its
definition: the held-out rows of the same fold assignment (read back from the stated
rule: a seeded permutation dealt in turn, stratified by class for Bernoulli), a cold
single fit on the training rows at each alpha, and the (weighted) mean unit deviance
written out below. The path's warm starts change only where each fit begins, so the two
agree to the solvers' tolerance (``FOLD_RTOL``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse

from bayesreg.core.cv import _assign_folds, cross_validate
from bayesreg.core.logistic import logistic
from bayesreg.core.poisson import poisson

FOLD_RTOL = 1e-7


def make_problem(family: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((90, 4))
    eta = 0.2 + X[:, 0] - 0.6 * X[:, 1]
    if family == "bernoulli":
        y = (rng.random(90) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    else:
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    offset = rng.uniform(-0.3, 0.3, 90)
    return X, y, offset


def unit_deviance(family: str, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
    if family == "bernoulli":
        return 2.0 * (np.log1p(np.exp(eta)) - y * eta)
    mean = np.exp(eta)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(y > 0.0, y * np.log(mean / y), 0.0)
    return 2.0 * (mean - y - log_term)


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
@pytest.mark.parametrize("weighted", [False, True])
def test_fold_errors_are_the_held_out_deviances(family: str, weighted: bool) -> None:
    X, y, offset = make_problem(family, 3)
    weights = np.random.default_rng(4).integers(1, 4, 90).astype(float) if weighted else None
    shift = offset if family == "poisson" else None
    result = cross_validate(
        X, y, likelihood=family, n_folds=3, n_alphas=4, random_seed=7,
        sample_weight=weights, offset=shift,
    )  # fmt: skip
    fold_of = _assign_folds(y, 3, np.random.default_rng(7), stratify=family == "bernoulli")
    solver: Any = logistic if family == "bernoulli" else poisson
    for fold in range(3):
        test = fold_of == fold
        for k, alpha in enumerate(result.alphas):
            extra: dict[str, Any] = {} if shift is None else {"offset": shift[~test]}
            fit = solver(
                X[~test], y[~test], float(alpha), 1.0,
                sample_weight=None if weights is None else weights[~test], **extra,
            )  # fmt: skip
            eta = fit.intercept + X[test] @ fit.coef + (0.0 if shift is None else shift[test])
            errors = unit_deviance(family, y[test], eta)
            expected = (
                errors.mean() if weights is None else np.average(errors, weights=weights[test])
            )
            assert result.fold_errors[fold, k] == pytest.approx(expected, rel=FOLD_RTOL)
    assert result.scoring == "deviance"


def test_integer_weights_are_replicated_rows_in_the_fits() -> None:
    """With the folds fixed by hand-made alphas, weights 2 on every row change nothing."""
    X, y, _ = make_problem("poisson", 5)
    plain = cross_validate(X, y, likelihood="poisson", alphas=[0.1, 0.01], random_seed=1)
    doubled = cross_validate(
        X, y, likelihood="poisson", alphas=[0.1, 0.01], random_seed=1,
        sample_weight=np.full(90, 2.0),
    )  # fmt: skip
    np.testing.assert_allclose(doubled.fold_errors, plain.fold_errors, rtol=1e-9)


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_sparse_design_gives_the_dense_result(family: str) -> None:
    X, y, _ = make_problem(family, 6)
    X[np.abs(X) < 0.7] = 0.0
    dense = cross_validate(X, y, likelihood=family, n_folds=3, n_alphas=5, random_seed=2)
    sparse = cross_validate(
        scipy.sparse.csr_matrix(X), y, likelihood=family, n_folds=3, n_alphas=5, random_seed=2
    )
    np.testing.assert_allclose(sparse.fold_errors, dense.fold_errors, rtol=1e-9)
    np.testing.assert_allclose(sparse.alphas, dense.alphas, rtol=1e-12)  # X^T r by other sums
    assert int(np.argmin(sparse.mean_error)) == int(np.argmin(dense.mean_error))
