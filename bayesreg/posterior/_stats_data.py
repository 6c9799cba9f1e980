"""The posterior tools' view of :class:`~bayesreg.core.stats.SufficientStats`.

With the intercept's flat prior integrated out, every Gaussian-likelihood posterior of
:mod:`bayesreg.posterior` depends on the data through ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc``,
``x̄``, ``ȳ`` and n (see ``_data``); the samplers read exactly these when n ≥ p. So
statistics stand in for the rows wherever the rows themselves are not needed: the
exact posterior, the Gibbs samplers with n ≥ p (with p > n their algorithm works on
the rows), and the ridge evidence, whose SVD of ``Xc`` becomes the eigendecomposition
``XcᵀXc = V diag(λ) Vᵀ`` with ``d_j = λ_j`` and ``z_j = v_jᵀ Xcᵀyc / √λ_j`` (``= u_jᵀyc``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from bayesreg.core._stats_solvers import gram_eigen
from bayesreg.core.data import least_squares_data
from bayesreg.errors import DataError
from bayesreg.posterior._data import LinearData, linear_data_from

__all__ = [
    "eigen_spectrum",
    "gram_least_squares",
    "linear_data_of",
    "require_gram_form",
]

FloatArray = NDArray[np.float64]


def linear_data_of(X: Any, y: Any, *, fit_intercept: bool) -> LinearData:
    """Validate dense rows ``(X, y)`` or sufficient statistics ``(stats, None)`` once.

    The rows-or-statistics choice is :func:`bayesreg.core.data.least_squares_data`'s; a
    sparse ``X`` is refused with a message naming ``X`` (the samplers need dense rows).
    """
    problem = least_squares_data(X, y, fit_intercept=fit_intercept, allow_sparse=False)
    return linear_data_from(problem)


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


def gram_least_squares(data: LinearData) -> FloatArray:
    """Minimum-norm least squares ``(XcᵀXc)⁺ Xcᵀyc`` on the numerical range of ``XcᵀXc``."""
    eigenvalues, vectors, rank = gram_eigen(data.gram, data.n_samples)
    kept = vectors[:, :rank]
    coef: FloatArray = kept @ ((kept.T @ data.xty) / eigenvalues[:rank])
    return coef
