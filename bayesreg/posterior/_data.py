"""Centered data and the sufficient statistics the posterior samplers use.

With a flat prior on the intercept ``w0``, integrating it out of the Gaussian
likelihood leaves the likelihood of the centered data::

    ∫ N(y | w0 + X w, σ² I) dw0  ∝  σ^{-(n-1)} · exp(−||yc − Xc w||² / (2σ²))

so every sampler works with ``Xc = X − x̄``, ``yc = y − ȳ`` and ``n − 1`` degrees of
freedom, and draws the intercept afterwards from ``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/n)``.
Without an intercept the data are used as they are, with ``n`` degrees of freedom.

With observation weights ``s_i ≥ 0`` (row i has noise ``σ/√s_i``) the likelihood is the
unweighted one of the rows ``√s_i (x_i − x̄_s)``, ``√s_i (y_i − ȳ_s)`` (weighted means
``x̄_s = Σ s_i x_i/Σs``), except for σ's normalizing constant, which counts the m rows
with ``s_i > 0``: ``∏_{s_i>0} N(y_i | ·, σ²/s_i) ∝ σ^(−m) exp(−Σ s_i r_i²/(2σ²))``, so the
degrees of freedom are ``m − 1`` (intercept integrated out) or m, and
``w0 | w, σ ~ N(ȳ_s − x̄_sᵀw, σ²/Σs)``. The data layer folds the weights normalized to
sum to n (``s̃ = n·s/Σs``); the samplers need the raw ones, since σ's scale depends on
them, so the folded cross products are multiplied by ``Σs/n`` here.
Validation and centering are those of :mod:`bayesreg.core.data`; this module collects
what the samplers read and decides, in :func:`linear_data_from` alone, in which form:

* dense rows: ``Xc``, ``yc`` and (formed when first read) ``XcᵀXc``;
* sufficient statistics: ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc`` without rows;
* a scipy.sparse ``X``: read like statistics, through ``XcᵀXc`` formed from sparse
  products (never densified), when its p ≤ :data:`~bayesreg.core.ridge.MAX_GRAM_FEATURES`
  columns allow the dense p × p matrix. Only a caller whose p > n algorithm works on
  the rows (the Gibbs coefficient block of Bhattacharya et al. 2016) gets, when n < p,
  a dense centered copy, and only of at most
  :data:`~bayesreg.core.data.DENSE_COPY_LIMIT` entries n·p; beyond that the sparse X
  is refused with a :class:`~bayesreg.errors.DataError` naming its shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from bayesreg.core.data import CenteredProblem, SparseRows, least_squares_data
from bayesreg.core.ridge import MAX_GRAM_FEATURES
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError

__all__ = ["LinearData", "linear_data_from", "prepare_linear_data"]


@dataclass(frozen=True)
class LinearData:
    """Centered design, target and their cross products.

    Attributes
    ----------
    X, y : ndarray
        Centered design ``Xc`` (n, p) and target ``yc`` (n,) (as given without
        intercept); shapes (0, p) and (0,) when the data are read without rows
        (sufficient statistics, or a sparse X read through ``XcᵀXc``).
    gram : ndarray of shape (p, p)
        ``Xcᵀ Xc``, formed when first read (and kept).
    xty : ndarray of shape (p,)
        ``Xcᵀ yc``.
    yty : float
        ``ycᵀ yc``.
    x_mean : ndarray of shape (p,)
    y_mean : float
    dof : int
        Degrees of freedom of the Gaussian likelihood: ``n − 1`` with the flat intercept
        integrated out, ``n`` without intercept.
    fit_intercept : bool
    feature_names : tuple of str
    n_samples : int
        Number of rows n (summarized by the statistics when there are no rows).
    has_rows : bool
        Whether ``X`` and ``y`` hold the rows (False for sufficient statistics and for a
        sparse X read through its Gram matrix).
    weight_sum : float or None
        Σs with observation weights (None: unweighted); see :attr:`total_weight`.
    """

    X: FloatArray
    y: FloatArray
    xty: FloatArray
    yty: float
    x_mean: FloatArray
    y_mean: float
    dof: int
    fit_intercept: bool
    feature_names: tuple[str, ...]
    n_samples: int
    has_rows: bool
    gram_of: Callable[[], FloatArray] = field(repr=False, compare=False)
    weight_sum: float | None = None

    @property
    def total_weight(self) -> float:
        """The intercept's precision count: ``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/total_weight)``;
        Σs with observation weights, n without."""
        return float(self.n_samples) if self.weight_sum is None else self.weight_sum

    @cached_property
    def gram(self) -> FloatArray:
        """``XcᵀXc`` (p, p), formed on first use and kept.

        A caller that reads only n, p or the feature names does not pay for it.
        """
        return self.gram_of()

    @property
    def n_features(self) -> int:
        """Number of coefficients ``p``."""
        return int(self.x_mean.shape[0])

    def intercept_draws(
        self, coef: FloatArray, noise_var: FloatArray, normal: FloatArray
    ) -> FloatArray:
        """``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/total_weight)``, the flat intercept drawn afterwards.

        ``coef`` (..., p) and ``noise_var`` σ² (...) are draws; ``normal`` holds standard
        normal variates of shape (...).
        """
        center = self.y_mean - coef @ self.x_mean
        intercept: FloatArray = center + np.sqrt(noise_var / self.total_weight) * normal
        return intercept

    def residual_sum_of_squares(self, coef: FloatArray) -> FloatArray:
        """``||yc − Xc w||²`` for each row of ``coef`` (shape (..., p)).

        Computed from the cross products, ``ycᵀyc − 2 wᵀXcᵀyc + wᵀXcᵀXc w``, so its cost
        does not grow with ``n``. The result is clipped at 0 against rounding.
        """
        quadratic = np.einsum("...i,ij,...j->...", coef, self.gram, coef)
        rss: FloatArray = np.maximum(self.yty - 2.0 * (coef @ self.xty) + quadratic, 0.0)
        return rss


def linear_data_from(
    problem: CenteredProblem,
    *,
    rows_when_wide: str | None = None,
    weights: FloatArray | None = None,
) -> LinearData:
    """The samplers' view of validated data: the one place that picks rows or ``XcᵀXc``.

    Dense rows are kept as rows; statistics are read without rows. A sparse X is read
    through ``XcᵀXc`` (formed from sparse products, X never densified), except when
    ``rows_when_wide`` names the calling function (its p > n algorithm works on the
    rows) and n < p: then a dense centered copy of X is made if it has at most
    :data:`~bayesreg.core.data.DENSE_COPY_LIMIT` entries. Statistics with n < p are
    not refused here (:func:`~bayesreg.posterior._stats_data.require_gram_form` does).

    ``weights`` are the raw observation weights s (validated, the ones ``problem`` was
    built with): the folded rows and cross products of ``problem`` (weights normalized
    to sum to n) are rescaled by ``Σs/n`` to the raw ones, the degrees of freedom count
    the rows with ``s_i > 0`` and :attr:`LinearData.total_weight` is Σs (module
    docstring). Weighted sufficient statistics
    (``SufficientStats.from_arrays(..., sample_weight=s)``) carry Σs and their count of
    rows with ``s_i > 0`` and are rescaled the same way.

    Raises
    ------
    DataError
        For a sparse X of more than :data:`~bayesreg.core.ridge.MAX_GRAM_FEATURES`
        columns (the samplers hold the dense p × p ``XcᵀXc``), or one whose rows are
        needed (n < p with ``rows_when_wide``) and whose n·p exceeds the dense copy limit.
    """
    if isinstance(problem, SparseRows):
        _check_sparse_gram(problem)
        if rows_when_wide is not None and problem.n_samples < problem.n_features:
            problem = problem.densified(f"{rows_when_wide} with p > n")
    with_rows = problem.kind == "dense"
    if with_rows:
        X, y = problem.dense_rows()
    else:  # statistics, or a sparse X read through XcᵀXc
        X, y = np.empty((0, problem.n_features)), np.empty(0)
    data = LinearData(
        X=X,
        y=y,
        xty=problem.xty,
        yty=problem.yty,
        x_mean=problem.x_mean,
        y_mean=problem.y_mean,
        dof=problem.dof,
        fit_intercept=problem.fit_intercept,
        feature_names=problem.feature_names,
        n_samples=problem.n_samples,
        has_rows=with_rows,
        gram_of=problem.gram,
    )
    if weights is not None:
        return _with_raw_weights(data, float(weights.sum()), int(np.count_nonzero(weights)))
    if problem.kind == "statistics" and problem.weight_sum is not None:
        # weighted statistics: folded to weights summing to their m rows of s_i > 0
        return _with_raw_weights(data, problem.weight_sum, problem.n_samples)
    return data


def _with_raw_weights(data: LinearData, total: float, positive: int) -> LinearData:
    """``data`` folded with ``s̃ = n·s/Σs`` rescaled to the raw weights s (module docstring).

    The rows by ``√c``, the cross products by ``c = Σs/n`` (``total`` = Σs); the degrees
    of freedom count the ``positive`` rows with ``s_i > 0``.
    """
    factor = total / data.n_samples
    root = np.sqrt(factor)
    folded_gram = data.gram_of

    def gram() -> FloatArray:
        scaled: FloatArray = factor * folded_gram()
        return scaled

    return replace(
        data,
        X=root * data.X,
        y=root * data.y,
        xty=factor * data.xty,
        yty=factor * data.yty,
        dof=positive - 1 if data.fit_intercept else positive,
        gram_of=gram,
        weight_sum=total,
    )


def prepare_linear_data(
    X: Any, y: Any, *, fit_intercept: bool, rows_when_wide: str | None = None
) -> LinearData:
    """Validate the rows ``X`` (dense or scipy.sparse), ``y``; centered when an intercept is fitted.

    A sparse X is read as :func:`linear_data_from` describes (``rows_when_wide`` names a
    caller that needs the rows when n < p).

    Raises
    ------
    DataError
        For sufficient statistics (the callers need the rows), and for a sparse X that
        :func:`linear_data_from` refuses.
    """
    problem = least_squares_data(X, y, fit_intercept=fit_intercept)
    if not problem.has_rows:
        problem.dense_rows()  # statistics have none: its message says to pass the rows
    return linear_data_from(problem, rows_when_wide=rows_when_wide)


def _check_sparse_gram(problem: SparseRows) -> None:
    n_samples, n_features = problem.n_samples, problem.n_features
    if n_features > MAX_GRAM_FEATURES:
        raise DataError(
            f"X is a scipy.sparse matrix of shape ({n_samples}, {n_features}); the posterior "
            f"tools hold the dense {n_features} × {n_features} matrix XcᵀXc "
            f"({8 * n_features**2 / 1e9:.1f} GB), formed for a sparse X only up to "
            f"p = {MAX_GRAM_FEATURES} columns. Select columns first (e.g. those the lasso "
            "keeps), or use the penalized estimate (ridge, lasso) alone."
        )
