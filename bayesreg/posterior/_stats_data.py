"""The posterior tools' view of :class:`~bayesreg.core.stats.SufficientStats`.

With the intercept's flat prior integrated out, every Gaussian-likelihood posterior of
:mod:`bayesreg.posterior` depends on the data through ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc``,
``x̄``, ``ȳ`` and n (see ``_data``); the samplers read exactly these when n ≥ p. So
statistics stand in for the rows wherever the rows themselves are not needed: the
exact posterior, the Gibbs samplers with n ≥ p (with p > n their algorithm works on
the rows), and the ridge evidence, whose SVD of ``Xc`` becomes the eigendecomposition
``XcᵀXc = V diag(λ) Vᵀ`` with ``d_j = λ_j`` and ``z_j = v_jᵀ Xcᵀyc / √λ_j`` (``= u_jᵀyc``).
A scipy.sparse ``X`` is read the same way, through ``XcᵀXc`` formed from sparse
products (:func:`~bayesreg.posterior._data.linear_data_from` decides).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from bayesreg.core._stats_solvers import gram_eigen
from bayesreg.core.data import check_sample_weight, least_squares_data
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError
from bayesreg.posterior._data import LinearData, linear_data_from

__all__ = [
    "eigen_spectrum",
    "gram_least_squares",
    "least_squares_coef",
    "least_squares_noise",
    "linear_data_of",
    "require_gram_form",
]


def linear_data_of(
    X: Any,
    y: Any,
    *,
    fit_intercept: bool,
    rows_when_wide: str | None = None,
    sample_weight: Any = None,
) -> LinearData:
    """Validate rows ``(X, y)`` (dense or scipy.sparse) or statistics ``(stats, None)`` once.

    Validation is :func:`bayesreg.core.data.least_squares_data`'s; the form the samplers
    read is :func:`~bayesreg.posterior._data.linear_data_from`'s: a sparse ``X`` through
    ``XcᵀXc`` (never densified), or, when ``rows_when_wide`` names the caller and n < p
    (its algorithm then works on the rows), a dense copy of at most
    ``DENSE_COPY_LIMIT`` entries. With ``rows_when_wide``, statistics with n < p are
    refused (:func:`require_gram_form`). ``sample_weight`` (rows only) gives each row
    the noise ``σ/√s_i``: the data are read with the raw weights
    (:func:`~bayesreg.posterior._data.linear_data_from`).

    Raises
    ------
    DataError
        For a sparse ``X`` that cannot be read in the form needed (the message names X
        and its shape), for statistics with n < p when ``rows_when_wide`` is given, and
        for ``sample_weight`` that are not finite numbers ≥ 0 with a positive sum, one
        per row (or given with statistics).
    """
    problem = least_squares_data(X, y, fit_intercept=fit_intercept, sample_weight=sample_weight)
    # validated by least_squares_data; the raw weights (not normalized to sum to n)
    weights = check_sample_weight(sample_weight, problem.n_samples)
    data = linear_data_from(problem, rows_when_wide=rows_when_wide, weights=weights)
    if rows_when_wide is not None:
        require_gram_form(data, rows_when_wide)
    return data


def require_gram_form(data: LinearData, method: str) -> None:
    """Raise if ``data`` came from statistics with n < p (the samplers then need the rows)."""
    if not data.has_rows and data.n_samples < data.n_features:
        raise DataError(
            f"{method} from sufficient statistics needs n ≥ p (its p > n algorithm works on "
            f"the rows); the statistics have n = {data.n_samples} < p = {data.n_features}. "
            "Pass the rows X, y instead."
        )


def eigen_spectrum(data: LinearData) -> tuple[FloatArray, FloatArray, float]:
    """``(d, z, rest)`` of the ridge evidence from ``XcᵀXc`` (module docstring).

    ``d`` are the eigenvalues above the rank cutoff of :func:`gram_eigen`,
    ``z_j = v_jᵀ Xcᵀyc / √d_j`` and ``rest = ycᵀyc − ||z||²`` (clipped at 0).
    """
    eigenvalues, vectors, rank = gram_eigen(data.gram, data.n_samples)
    if rank == 0:
        raise DataError(
            "X has no variation (every column is constant after centering); the evidence "
            "does not depend on the prior scale. Pass a design with non-constant columns."
        )
    kept = eigenvalues[:rank]
    projection = (vectors[:, :rank].T @ data.xty) / np.sqrt(kept)
    rest = max(data.yty - float(projection @ projection), 0.0)
    return kept, projection, rest


def least_squares_coef(data: LinearData) -> FloatArray:
    """Minimum-norm least squares ``Xc⁺yc``.

    By ``lstsq`` on the rows where ``data`` has them, else from ``XcᵀXc``
    (:func:`gram_least_squares`: statistics, or a sparse X read through its Gram matrix).
    """
    if data.has_rows:
        coef: FloatArray = scipy.linalg.lstsq(data.X, data.y)[0]
        return coef
    return gram_least_squares(data)


def least_squares_noise(data: LinearData) -> tuple[FloatArray, float]:
    """The least-squares fit ``ŵ`` (:func:`least_squares_coef`) and its residual sd.

    ``σ̂ = sqrt(||yc − Xc ŵ||² / (dof − p))``, the residual degrees of freedom clipped at 1.
    """
    coef = least_squares_coef(data)
    rss = float(data.residual_sum_of_squares(coef[None, :])[0])
    return coef, float(np.sqrt(rss / max(data.dof - data.n_features, 1)))


def gram_least_squares(data: LinearData) -> FloatArray:
    """Minimum-norm least squares ``(XcᵀXc)⁺ Xcᵀyc`` on the numerical range of ``XcᵀXc``."""
    eigenvalues, vectors, rank = gram_eigen(data.gram, data.n_samples)
    kept = vectors[:, :rank]
    coef: FloatArray = kept @ ((kept.T @ data.xty) / eigenvalues[:rank])
    return coef
