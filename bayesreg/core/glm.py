"""What the certified GLM solvers (logistic, Poisson) share.

Both minimize ``F(w, w0) = L(η) + alpha · P(w)`` with the proximal Newton engine of
:mod:`bayesreg.core.newton` and certify the result by the KKT residual

    ρ = max( max_j dist(−∂L/∂w_j, alpha ∂P_j(w_j)), |∂L/∂w0| ),   ∇_w L = Xᵀ g,

g the per-sample gradient of the datafit. The residual cannot be certified below the
rounding error of ``Xᵀ g``: summing n terms x_ij g_i, each with a relative error of a
few ulps, gives an error of about eps · √n · mean_i |x_ij g_i| · n (random-walk
accumulation). :func:`kkt_floor` is that level, written with a per-sample scale s_i
bounding |g_i| · n (1 for the Bernoulli likelihood, where |μ − y| ≤ 1).

The module also holds the design's validation, the rank check behind an
unpenalized (maximum-likelihood) fit, and the warning of a fit that did not converge.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse

from bayesreg.core.newton import NewtonResult
from bayesreg.core.types import EPS, FloatArray
from bayesreg.errors import ConvergenceWarning
from bayesreg.validation import as_design_or_sparse, is_sparse

__all__ = [
    "ROUNDING_FLOOR_ULPS",
    "SEPARATION_MARGIN",
    "Design",
    "as_glm_design",
    "column_rank",
    "gradient_unit",
    "kkt_floor",
    "warn_not_converged",
    "with_intercept_column",
]

#: A dense design, or a scipy.sparse one (CSC after validation).
Design = Any

#: The stopping threshold of the KKT residual never goes below this many times the
#: rounding level eps · √n · (gradient unit) of the gradient Xᵀ g.
ROUNDING_FLOOR_ULPS = 16.0
#: A direction v (|v_j| ≤ 1) whose margins are all ≥ 0 and one above this fraction of
#: max_i ||z_i||₁ is a direction along which the likelihood never decreases: the
#: maximum-likelihood estimate does not exist.
SEPARATION_MARGIN = 1e-6


def as_glm_design(X: Any) -> Design:
    """A validated dense design, or a sparse one in CSC form (the solver slices columns).

    A CSC float64 matrix is returned as it is, so a path validates and converts once.
    """
    design: Design = as_design_or_sparse(X)
    return design.tocsc() if is_sparse(design) else design


def gradient_unit(X: Design, fit_intercept: bool, scale: FloatArray | None = None) -> float:
    """``max_j mean_i |z_ij| s_i`` over the columns z of [1, X]: the size of a unit gradient.

    ``scale`` is s (a bound on n·|g_i| per sample); None means s = 1, the Bernoulli
    likelihood's bound |μ − y| ≤ 1.
    """
    if scale is None:
        column_scale = float(np.max(abs(X).mean(axis=0)))
        return max(column_scale, 1.0) if fit_intercept else column_scale
    weighted = float(np.max(np.asarray(abs(X).T @ scale))) / int(X.shape[0])
    return max(weighted, float(np.mean(scale))) if fit_intercept else weighted


def kkt_floor(X: Design, fit_intercept: bool, scale: FloatArray | None = None) -> float:
    """``16 · eps · √n · max_j mean_i |z_ij| s_i``: below it no KKT residual is certified."""
    root_n = float(np.sqrt(X.shape[0]))
    return ROUNDING_FLOOR_ULPS * EPS * root_n * gradient_unit(X, fit_intercept, scale)


def with_intercept_column(X: Design) -> Design:
    """``Z = [1, X]`` (sparse when X is)."""
    ones = np.ones((X.shape[0], 1))
    if is_sparse(X):
        return scipy.sparse.hstack((scipy.sparse.csc_matrix(ones), X), format="csc")
    return np.column_stack((ones, X))


def column_rank(design: Design) -> int:
    """The column rank: by SVD of a dense design; of a sparse one, from its (p × p) Gram
    matrix ZᵀZ, so the rows are never densified (its rounding, eps·||Z||², resolves
    columns dependent to about √eps)."""
    if is_sparse(design):
        gram = np.asarray((design.T @ design).toarray())
        return int(np.linalg.matrix_rank(gram, hermitian=True))
    return int(np.linalg.matrix_rank(design))


def warn_not_converged(
    solver: str, result: NewtonResult, threshold: float, max_iter: int, *, stacklevel: int = 3
) -> None:
    """The ConvergenceWarning of ``solver``; the default ``stacklevel`` points at the caller
    of the function that calls this one."""
    if result.stalled:
        reason = (
            f"the line search found no decrease of the objective beyond rounding error "
            f"after {result.n_iter} steps; the tolerance is below what double "
            "precision resolves for this problem. Loosen tol."
        )
    else:
        reason = f"max_iter={max_iter} steps were used up. Raise max_iter or loosen tol."
    warnings.warn(
        f"{solver} did not converge: KKT residual {result.kkt:.3e} > tolerance "
        f"{threshold:.3e}; {reason} The returned coefficients are not certified optimal.",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )
