"""K-fold cross-validation over a penalty path, with glmnet's one-standard-error rule.

For a grid ``alpha_1 > alpha_2 > ... > alpha_k`` fixed once from the full data, each
fold k = 1..K is held out in turn, the path is fitted on the other K − 1 folds, and the
held-out error of every alpha is recorded:

    Gaussian:   mean squared error      mean_i (y_i − w0 − x_iᵀw)²
                (weighted:              Σ_i s_i (y_i − w0 − x_iᵀw)² / Σ_i s_i  over the fold)
    Bernoulli:  mean binomial deviance  −2/n_k Σ_i [y_i η_i − log(1 + exp(η_i))],  η = w0 + Xw
    Poisson:    mean Poisson deviance   2/n_k Σ_i [μ_i − y_i − y_i log(μ_i / y_i)],  μ = e^{o + η}
                (weighted: the same terms averaged with s_i / Σ s_i over the fold)

The cross-validation curve is the mean over folds, ``CV(α) = mean_k e_k(α)``, with
standard error ``SE(α) = sd_k e_k(α) / √K``. ``alpha_min`` minimizes ``CV``; ``alpha_1se``
is the largest alpha with ``CV(α) ≤ CV(alpha_min) + SE(alpha_min)`` (Friedman, Hastie &
Tibshirani 2010, glmnet's ``lambda.1se``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import xlogy

from bayesreg.core.data import check_sample_weight
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.logistic import logistic_alpha_max
from bayesreg.core.logistic_path import logistic_path
from bayesreg.core.poisson import poisson_alpha_max, poisson_path
from bayesreg.core.results import CVResult, PathFit
from bayesreg.core.ridge import ridge_alphas, ridge_path
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import (
    as_design_or_sparse,
    as_generator,
    as_target,
    check_alphas,
    check_bool,
    check_choice,
    check_l1_ratio,
    check_offset_likelihood,
    check_outcomes,
    check_positive_int,
    check_tol,
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
    likelihood: Literal["gaussian", "bernoulli", "poisson"] = "gaussian",
    fit_intercept: bool = True,
    random_seed: int | np.random.Generator | None = None,
    tol: float = 1e-10,
    sample_weight: Any = None,
    offset: Any = None,
) -> CVResult:
    """K-fold cross-validation of the penalty strength on one shared alpha grid.

    The objective fitted in every fold is the package's convention::

        F(w, w0) = L(w, w0) + alpha · (l1_ratio ||w||₁ + (1 − l1_ratio)/2 ||w||²)

    with L the averaged Gaussian, Bernoulli or Poisson loss. Gaussian folds are fitted by
    :func:`~bayesreg.core.ridge.ridge_path` (l1_ratio = 0, one SVD per fold) or
    :func:`~bayesreg.core.enet_path.lasso_path`; Bernoulli and Poisson folds by the
    warm-started :func:`~bayesreg.core.logistic_path.logistic_path` and
    :func:`~bayesreg.core.poisson.poisson_path`, every point certified.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or scipy.sparse CSR/CSC matrix
        A sparse design is split by rows and never densified.
    y : array-like of shape (n_samples,)
        Real targets (Gaussian), outcomes coded 0/1 (Bernoulli) or counts (Poisson).
    l1_ratio : float, default 1.0
        Mix r ∈ [0, 1] of the L1 and L2 terms (0 = ridge, 1 = lasso).
    alphas : array-like of shape (k,), optional
        The grid (any order; used in decreasing order). Default, from the full data:
        for l1_ratio > 0, ``n_alphas`` values spaced evenly on the log scale from
        ``alpha_top`` down to ``GRID_EPS·alpha_top``, where ``alpha_top`` is the alpha_max
        at ``max(l1_ratio, 1e-3)`` (the smallest alpha that zeroes every coefficient;
        glmnet's rule for small l1_ratio); for l1_ratio = 0,
        :func:`~bayesreg.core.ridge.ridge_alphas` (times the loss's curvature per unit of
        ``XᵀX/n``: 1/4 for the Bernoulli loss, the mean count for the Poisson loss).
    n_alphas : int, default 100
        Size of the default grid.
    n_folds : int, default 10
        K, between 2 and n_samples.
    likelihood : {"gaussian", "bernoulli", "poisson"}, default "gaussian"
    fit_intercept : bool, default True
    random_seed : int, numpy.random.Generator or None
        Seeds ``numpy.random.default_rng`` for the fold assignment. Samples are shuffled
        and dealt to the folds in turn (fold sizes differ by at most one); for the
        Bernoulli likelihood each class is dealt separately (stratified folds).
    tol : float, default 1e-10
        Tolerance passed to ``lasso_path``, ``logistic_path`` and ``poisson_path`` (ridge is
        solved in closed form).
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0``: every fold is fitted with its training rows'
        weights (loss ``1/Σs Σ s_i ℓ_i``) and scored by the **weighted** mean of its
        held-out rows' errors (squared error or deviance) ``Σ s_i e_i / Σ s_i``. The default
        L1 grid starts at the weighted alpha_max; the default ridge grid is the unweighted
        :func:`~bayesreg.core.ridge.ridge_alphas`.
    offset : array-like of shape (n_samples,), optional
        The Poisson likelihood's known term of the log-rate (e.g. log exposure), split
        with the rows; refused with the other likelihoods.

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
        Bernoulli likelihood y is not 0/1 or a class has fewer than 2 samples (Poisson:
        counts that are negative or not integers); if ``sample_weight`` is invalid or
        leaves a fold's held-out (or training) rows with zero total weight.

    Examples
    --------
    >>> from bayesreg import cross_validate, lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> cv = cross_validate(X, y, n_alphas=30, n_folds=5, random_seed=0)
    >>> cv.mean_error.shape, bool(cv.alpha_min <= cv.alpha_1se)
    ((30,), True)
    >>> lasso(X, y, cv.alpha_1se).converged
    True
    """
    design = as_design_or_sparse(X)
    n_samples = design.shape[0]
    target = as_target(y, n_samples)
    mix = check_l1_ratio(l1_ratio)
    folds = check_positive_int(n_folds, "n_folds")
    family = check_choice(likelihood, "likelihood", ("gaussian", "bernoulli", "poisson"))
    with_intercept = check_bool(fit_intercept, "fit_intercept")
    tolerance = check_tol(tol)
    if not 2 <= folds <= n_samples:
        raise InputValueError(
            f"n_folds must lie between 2 and n_samples = {n_samples}; got {folds}."
        )
    bernoulli = family == "bernoulli"
    check_offset_likelihood(offset, family)
    shift = None if offset is None else as_target(offset, n_samples, name="offset")
    weights = check_sample_weight(sample_weight, n_samples)
    check_outcomes(target, family)
    if bernoulli:
        _check_classes(target, folds)
    grid = (
        _default_grid(
            design,
            target,
            mix,
            check_positive_int(n_alphas, "n_alphas"),
            family,
            with_intercept,
            weights,
            shift,
        )
        if alphas is None
        else np.sort(check_alphas(alphas))[::-1].copy()
    )

    fold_of = _assign_folds(target, folds, as_generator(random_seed), stratify=bernoulli)
    fold_errors = np.empty((folds, grid.shape[0]))
    for fold in range(folds):
        held_out = fold_of == fold
        train = _Fold(design[~held_out], target[~held_out], None, None)
        test = _Fold(design[held_out], target[held_out], None, None)
        if weights is not None:
            train = train.with_weights(_fold_weights(weights, ~held_out, fold))
            test = test.with_weights(_fold_weights(weights, held_out, fold))
        if shift is not None:
            train, test = train.with_offset(shift[~held_out]), test.with_offset(shift[held_out])
        coefs, intercepts = _fold_path(family, train, grid, mix, with_intercept, tolerance)
        eta = intercepts[None, :] + np.asarray(test.X @ coefs.T)
        fold_errors[fold] = _held_out_error(family, test, eta)

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
        scoring="mse" if family == "gaussian" else "deviance",
    )


def _default_grid(
    X: Any,
    y: FloatArray,
    l1_ratio: float,
    n_alphas: int,
    family: str,
    fit_intercept: bool,
    sample_weight: FloatArray | None = None,
    offset: FloatArray | None = None,
) -> FloatArray:
    """The default decreasing grid of ``n_alphas`` log-spaced values.

    l1_ratio = 0: :func:`~bayesreg.core.ridge.ridge_alphas`, which spans the ridge path
    from the spectrum of Xc, times the loss's curvature per unit of ``XᵀX/n``: 1/4 for
    the Bernoulli loss (the largest ``μ(1 − μ)``), the mean count for the Poisson loss.
    l1_ratio > 0: from alpha_top = alpha_max at ``max(l1_ratio, 1e-3)`` down to
    ``GRID_EPS · alpha_top``.
    """
    if l1_ratio == 0.0:
        grid = ridge_alphas(X, n_alphas=n_alphas, fit_intercept=fit_intercept)
        curvature = {"gaussian": 1.0, "bernoulli": 0.25, "poisson": max(float(y.mean()), 1e-3)}
        scaled: FloatArray = curvature[family] * grid
        return scaled
    grid_l1_ratio = max(l1_ratio, MIN_GRID_L1_RATIO)
    options: dict[str, Any] = {
        "l1_ratio": grid_l1_ratio,
        "fit_intercept": fit_intercept,
        "sample_weight": sample_weight,
    }
    if family == "bernoulli":
        top = logistic_alpha_max(X, y, **options)
    elif family == "poisson":
        top = poisson_alpha_max(X, y, offset=offset, **options)
    else:
        top = alpha_max(X, y, **options)
    if not top > 0.0:
        raise DataError(
            "y is uncorrelated with every column of X (alpha_max = 0; e.g. y is "
            "constant), so no default alpha grid exists; pass alphas explicitly."
        )
    lasso_grid: FloatArray = np.geomspace(top, GRID_EPS * top, n_alphas)
    return lasso_grid


@dataclass(frozen=True)
class _Fold:
    """The rows of one side of a fold: design, target, weights and offset (or None)."""

    X: Any
    y: FloatArray
    weights: FloatArray | None
    offset: FloatArray | None

    def with_weights(self, weights: FloatArray) -> _Fold:
        return _Fold(self.X, self.y, weights, self.offset)

    def with_offset(self, offset: FloatArray) -> _Fold:
        return _Fold(self.X, self.y, self.weights, offset)


def _fold_path(
    family: str, train: _Fold, alphas: FloatArray, l1_ratio: float, fit_intercept: bool, tol: float
) -> tuple[FloatArray, FloatArray]:
    """Coefficients (k, p) and intercepts (k,) along the grid on one training set."""
    if family == "gaussian":
        return _gaussian_path(train.X, train.y, alphas, l1_ratio, fit_intercept, tol, train.weights)
    options: dict[str, Any] = {
        "fit_intercept": fit_intercept,
        "tol": tol,
        "sample_weight": train.weights,
    }
    if family == "bernoulli":
        path = logistic_path(train.X, train.y, alphas, l1_ratio, **options)
    else:
        path = poisson_path(train.X, train.y, alphas, l1_ratio, offset=train.offset, **options)
    return path.coefs, path.intercepts


def _held_out_error(family: str, test: _Fold, eta: FloatArray) -> FloatArray:
    """The (weighted) mean held-out error of each alpha, η of shape (n_test, k)."""
    y = test.y[:, None]
    if family == "gaussian":
        errors = (y - eta) ** 2
    elif family == "bernoulli":
        errors = 2.0 * (np.logaddexp(0.0, eta) - y * eta)
    else:
        mean = np.exp(eta if test.offset is None else eta + test.offset[:, None])
        # unit deviance 2[μ − y − y log(μ/y)], y log(μ/y) = xlogy(y, μ) − xlogy(y, y) (0 at y = 0)
        ratio = xlogy(y, mean) - xlogy(y, y)
        errors = 2.0 * (mean - y - ratio)
    if test.weights is None:
        result: FloatArray = errors.mean(axis=0)
        return result
    weighted: FloatArray = test.weights @ errors / float(test.weights.sum())
    return weighted


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


#: The fold generator's seed check (bootstrap_selection draws with it too).
_rng = as_generator
