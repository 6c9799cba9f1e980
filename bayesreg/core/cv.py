"""K-fold cross-validation over a penalty path, with glmnet's one-standard-error rule.

For a grid ``alpha_1 > alpha_2 > ... > alpha_k`` fixed once from the full data, each
fold k = 1..K is held out in turn, the path is fitted on the other K − 1 folds, and the
held-out error of every alpha is recorded:

    Gaussian:   mean squared error      mean_i (y_i − w0 − x_iᵀw)²
                (weighted:              Σ_i s_i (y_i − w0 − x_iᵀw)² / Σ_i s_i  over the fold)
    Bernoulli:  mean binomial deviance  −2/n_k Σ_i [y_i η_i − log(1 + exp(η_i))],  η = w0 + Xw

The cross-validation curve is the mean over folds, ``CV(α) = mean_k e_k(α)``, with
standard error ``SE(α) = sd_k e_k(α) / √K``. ``alpha_min`` minimizes ``CV``; ``alpha_1se``
is the largest alpha with ``CV(α) ≤ CV(alpha_min) + SE(alpha_min)`` (Friedman, Hastie &
Tibshirani 2010, glmnet's ``lambda.1se``).
"""

from __future__ import annotations

import numbers
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from bayesreg.core.data import check_sample_weight
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.objective import bernoulli_loss
from bayesreg.core.results import CVResult, PathFit
from bayesreg.core.ridge import ridge_alphas, ridge_path
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.validation import (
    as_design_or_sparse,
    as_target,
    check_alphas,
    check_binary_target,
    check_bool,
    check_choice,
    check_l1_ratio,
    check_positive_int,
    check_tol,
    is_sparse,
)

__all__ = ["cross_validate"]


#: The default grid runs from alpha_top down to GRID_EPS · alpha_top (glmnet's
#: ``lambda.min.ratio`` for n > p, and ``lasso_path``'s ``eps``).
GRID_EPS = 1e-3
#: For 0 < l1_ratio < MIN_GRID_L1_RATIO, alpha_top is the alpha_max of l1_ratio =
#: MIN_GRID_L1_RATIO (glmnet's rule for its ``alpha`` < 0.001).
MIN_GRID_L1_RATIO = 1e-3


def cross_validate(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    alphas: Any = None,
    n_alphas: int = 100,
    n_folds: int = 10,
    likelihood: Literal["gaussian", "bernoulli"] = "gaussian",
    fit_intercept: bool = True,
    random_seed: int | np.random.Generator | None = None,
    tol: float = 1e-10,
    sample_weight: Any = None,
) -> CVResult:
    """K-fold cross-validation of the penalty strength on one shared alpha grid.

    The objective fitted in every fold is the package's convention::

        F(w, w0) = L(w, w0) + alpha · (l1_ratio ||w||₁ + (1 − l1_ratio)/2 ||w||²)

    with L the averaged Gaussian or Bernoulli loss. Gaussian folds are fitted by
    :func:`~bayesreg.core.ridge.ridge_path` (l1_ratio = 0, one SVD per fold) or
    :func:`~bayesreg.core.enet_path.lasso_path`; Bernoulli folds by
    :func:`~bayesreg.core.logistic.logistic` at each alpha.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or scipy.sparse CSR/CSC matrix
        A sparse design is split by rows and never densified (Gaussian likelihood only).
    y : array-like of shape (n_samples,)
        Real targets (Gaussian) or outcomes coded 0/1 (Bernoulli).
    l1_ratio : float, default 1.0
        Mix r ∈ [0, 1] of the L1 and L2 terms (0 = ridge, 1 = lasso).
    alphas : array-like of shape (k,), optional
        The grid (any order; used in decreasing order). Default, from the full data:
        for l1_ratio > 0, ``n_alphas`` values spaced evenly on the log scale from
        ``alpha_top`` down to ``GRID_EPS·alpha_top``, where ``alpha_top`` is the alpha_max
        at ``max(l1_ratio, 1e-3)`` (the smallest alpha that zeroes every coefficient;
        glmnet's rule for small l1_ratio); for l1_ratio = 0,
        :func:`~bayesreg.core.ridge.ridge_alphas` (times 1/4 for the Bernoulli loss).
    n_alphas : int, default 100
        Size of the default grid.
    n_folds : int, default 10
        K, between 2 and n_samples.
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
    fit_intercept : bool, default True
    random_seed : int, numpy.random.Generator or None
        Seeds ``numpy.random.default_rng`` for the fold assignment. Samples are shuffled
        and dealt to the folds in turn (fold sizes differ by at most one); for the
        Bernoulli likelihood each class is dealt separately (stratified folds).
    tol : float, default 1e-10
        Tolerance passed to ``lasso_path`` and ``logistic`` (ridge is solved in closed
        form).
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0`` (Gaussian likelihood only): every fold is fitted
        with its training rows' weights (objective ``1/(2Σs) Σ s_i r_i² + alpha·P(w)``)
        and scored by the **weighted** mean squared error ``Σ s_i e_i² / Σ s_i`` of its
        held-out rows. The default lasso grid starts at the weighted alpha_max; the
        default ridge grid is the unweighted :func:`~bayesreg.core.ridge.ridge_alphas`.

    Returns
    -------
    CVResult
        ``alphas`` (decreasing), ``mean_error``, ``std_error``, ``fold_errors`` of shape
        (n_folds, k), ``alpha_min``, ``alpha_1se``, ``l1_ratio`` and ``scoring`` ("mse"
        or "deviance").

    Raises
    ------
    DataError
        If y is constant (no default grid exists; pass ``alphas``), or for the
        Bernoulli likelihood y is not 0/1 or a class has fewer than 2 samples; if
        ``sample_weight`` is invalid, given with the Bernoulli likelihood, or leaves a
        fold's held-out (or training) rows with zero total weight.
    """
    design = as_design_or_sparse(X)
    n_samples = design.shape[0]
    target = as_target(y, n_samples)
    mix = check_l1_ratio(l1_ratio)
    folds = check_positive_int(n_folds, "n_folds")
    family = check_choice(likelihood, "likelihood", ("gaussian", "bernoulli"))
    with_intercept = check_bool(fit_intercept, "fit_intercept")
    tolerance = check_tol(tol)
    if not 2 <= folds <= n_samples:
        raise InputValueError(
            f"n_folds must lie between 2 and n_samples = {n_samples}; got {folds}."
        )
    bernoulli = family == "bernoulli"
    if bernoulli and is_sparse(design):
        raise InputTypeError(
            "X is a scipy.sparse matrix, which the Bernoulli likelihood (logistic) does not "
            "take; pass X.toarray(), or likelihood='gaussian'."
        )
    weights = check_sample_weight(sample_weight, n_samples)
    if bernoulli and weights is not None:
        raise DataError(
            "sample_weight is supported by cross_validate for likelihood='gaussian' only; "
            "got likelihood='bernoulli' with sample_weight."
        )
    if bernoulli:
        _check_classes(check_binary_target(target), folds)
    grid = (
        _default_grid(
            design,
            target,
            mix,
            check_positive_int(n_alphas, "n_alphas"),
            bernoulli,
            with_intercept,
            weights,
        )
        if alphas is None
        else np.sort(check_alphas(alphas))[::-1].copy()
    )

    fold_of = _assign_folds(target, folds, _rng(random_seed), stratify=bernoulli)
    fold_errors = np.empty((folds, grid.shape[0]))
    for fold in range(folds):
        held_out = fold_of == fold
        train_X, train_y = design[~held_out], target[~held_out]
        test_X, test_y = design[held_out], target[held_out]
        if bernoulli:
            fold_errors[fold] = [
                _deviance(
                    test_X, test_y, train_X, train_y, float(alpha), mix, with_intercept, tolerance
                )
                for alpha in grid
            ]
        else:
            train_w = None if weights is None else _fold_weights(weights, ~held_out, fold)
            coefs, intercepts = _gaussian_path(
                train_X, train_y, grid, mix, with_intercept, tolerance, train_w
            )
            predictions = intercepts[None, :] + np.asarray(test_X @ coefs.T)
            squared = (test_y[:, None] - predictions) ** 2
            if weights is None:
                fold_errors[fold] = np.mean(squared, axis=0)
            else:
                test_w = _fold_weights(weights, held_out, fold)
                fold_errors[fold] = test_w @ squared / float(test_w.sum())

    mean_error = fold_errors.mean(axis=0)
    std_error = fold_errors.std(axis=0, ddof=1) / np.sqrt(folds)
    # The grid decreases, so argmin (first minimum) picks the largest minimizing alpha and
    # the first alpha within one SE of the minimum is the largest such alpha.
    best = int(np.argmin(mean_error))
    within_one_se = mean_error <= mean_error[best] + std_error[best]
    return CVResult(
        alphas=grid,
        mean_error=mean_error,
        std_error=std_error,
        fold_errors=fold_errors,
        alpha_min=float(grid[best]),
        alpha_1se=float(grid[int(np.argmax(within_one_se))]),
        l1_ratio=mix,
        scoring="deviance" if bernoulli else "mse",
    )


def _default_grid(
    X: Any,
    y: FloatArray,
    l1_ratio: float,
    n_alphas: int,
    bernoulli: bool,
    fit_intercept: bool,
    sample_weight: FloatArray | None = None,
) -> FloatArray:
    """The default decreasing grid of ``n_alphas`` log-spaced values.

    l1_ratio = 0: :func:`~bayesreg.core.ridge.ridge_alphas`, which spans the ridge path
    from the spectrum of Xc; for the Bernoulli loss it is scaled by 1/4, the largest
    curvature ``μ(1 − μ)`` of the loss per unit of ``XᵀX/n``.
    l1_ratio > 0: from alpha_top = alpha_max at ``max(l1_ratio, 1e-3)`` down to
    ``GRID_EPS · alpha_top``.
    """
    if l1_ratio == 0.0:
        grid = ridge_alphas(X, n_alphas=n_alphas, fit_intercept=fit_intercept)
        return 0.25 * grid if bernoulli else grid
    grid_l1_ratio = max(l1_ratio, MIN_GRID_L1_RATIO)
    if bernoulli:
        top = logistic_alpha_max(X, y, l1_ratio=grid_l1_ratio, fit_intercept=fit_intercept)
    else:
        top = alpha_max(
            X, y, l1_ratio=grid_l1_ratio, fit_intercept=fit_intercept, sample_weight=sample_weight
        )
    if not top > 0.0:
        raise DataError(
            "y is uncorrelated with every column of X (alpha_max = 0; e.g. y is "
            "constant), so no default alpha grid exists; pass alphas explicitly."
        )
    lasso_grid: FloatArray = np.geomspace(top, GRID_EPS * top, n_alphas)
    return lasso_grid


def _gaussian_path(
    X: Any,
    y: FloatArray,
    alphas: FloatArray,
    l1_ratio: float,
    fit_intercept: bool,
    tol: float,
    sample_weight: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Coefficients (k, p) and intercepts (k,) along the grid on one training set."""
    path: PathFit
    if l1_ratio == 0.0:
        path = ridge_path(X, y, alphas, fit_intercept=fit_intercept, sample_weight=sample_weight)
    else:
        path = lasso_path(
            X,
            y,
            alphas,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            tol=tol,
            sample_weight=sample_weight,
        )
    return path.coefs, path.intercepts


def _fold_weights(weights: FloatArray, rows: NDArray[np.bool_], fold: int) -> FloatArray:
    """The weights of ``rows``, refused when they sum to 0 (no error, or no fit, defined)."""
    chosen: FloatArray = weights[rows]
    if not float(chosen.sum()) > 0.0:
        raise DataError(
            f"sample_weight is 0 on every row of fold {fold}'s held-out or training set, "
            "where the weighted error (or fit) is undefined; use fewer folds, another "
            "random_seed, or drop the zero-weight rows."
        )
    return chosen


def _deviance(
    test_X: FloatArray,
    test_y: FloatArray,
    train_X: FloatArray,
    train_y: FloatArray,
    alpha: float,
    l1_ratio: float,
    fit_intercept: bool,
    tol: float,
) -> float:
    """Held-out binomial deviance ``2 · 1/n Σ [log(1 + exp(η)) − y η]`` of one fit."""
    fit = logistic(train_X, train_y, alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=tol)
    return 2.0 * bernoulli_loss(test_X, test_y, fit.coef, fit.intercept)


def _assign_folds(
    y: FloatArray, n_folds: int, rng: np.random.Generator, *, stratify: bool
) -> NDArray[np.int64]:
    """Fold label of each sample: a random order, dealt to folds 0, 1, ..., K−1 in turn.

    With ``stratify`` the shuffled samples are grouped by class (a stable sort keeps the
    random order within a class) before dealing, so each fold gets its share of both.
    """
    order = rng.permutation(y.shape[0])
    if stratify:
        order = order[np.argsort(y[order], kind="stable")]
    fold_of = np.empty(y.shape[0], dtype=np.int64)
    fold_of[order] = np.arange(y.shape[0]) % n_folds
    return fold_of


def _check_classes(y: FloatArray, n_folds: int) -> None:
    """Each training set must hold both classes: each class needs ≥ 2 samples."""
    counts = {label: int(np.sum(y == label)) for label in (0.0, 1.0)}
    if min(counts.values()) < 2:
        raise DataError(
            f"y has {counts[0.0]} samples of class 0 and {counts[1.0]} of class 1; "
            f"{n_folds}-fold cross-validation of a Bernoulli model needs at least 2 of "
            "each so that every training set holds both classes."
        )


def _rng(seed: Any) -> np.random.Generator:
    """``numpy.random.default_rng(seed)`` for None, an integer ≥ 0 or a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InputTypeError(
            f"random_seed must be None, an integer ≥ 0 or a numpy.random.Generator; got "
            f"{seed!r} of type {type(seed).__name__}."
        )
    if int(seed) < 0:
        raise InputValueError(f"random_seed must be an integer ≥ 0; got {int(seed)}.")
    return np.random.default_rng(int(seed))
