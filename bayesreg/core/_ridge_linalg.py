"""Linear algebra of ridge regression: solves, spectral factors and the duality gap.

Everything here works on centered data ``Xc`` (n×p), ``yc`` and the shift ``s = n·alpha``
of the normal equations ``(XcᵀXc + s·I) w = Xcᵀyc``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.linalg import lapack

from bayesreg.core.types import EPS, FloatArray

__all__ = [
    "MIN_CHOLESKY_RCOND",
    "RELATIVE_GAP_TOL",
    "JacobiCholesky",
    "Spectrum",
    "cholesky_coef",
    "duality_gaps",
    "gap_thresholds",
    "gap_thresholds_from_norms",
    "gram_spectrum",
    "jacobi_cholesky",
    "numerical_rank",
    "svd_spectrum",
]


#: A duality gap is accepted when it is at most this fraction of F(0) = ||yc||²/(2n),
#: or below the rounding floor of its own evaluation (see ``gap_thresholds``).
RELATIVE_GAP_TOL = 1e-12

#: The normal (or kernel) equations are used only when the condition number of their
#: Jacobi-scaled matrix is at most 1/MIN_CHOLESKY_RCOND: the forward error is then about
#: eps/rcond ≈ 1e-10. Otherwise the SVD (or the eigendecomposition of the Gram matrix,
#: from statistics), which does not lose the small directions to the shift, is used.
MIN_CHOLESKY_RCOND = 1e-6


@dataclass(frozen=True)
class Spectrum:
    """The factors of ``Xc`` that give every alpha of the path by matrix products.

    With the non-zero eigenvalues ``λ_j`` of ``XcᵀXc`` (``d_j²``) and the filter
    ``f_j(s) = 1/(λ_j + s)``::

        w(s)     = M diag(f(s)) b                  (coef_map M, projected_target b)
        h_ii(s)  = Σ_j W_ij f_j(s)                 (leverage_weights W; the hat matrix
                                                    Xc (XcᵀXc + sI)⁻¹ Xcᵀ)
        df(s)    = Σ_j λ_j f_j(s)

    ``basis`` is an orthonormal basis of the column space of Xc (the SVD's U), which the
    alpha = 0 certificate needs; the Gram factorization, used only for s > 0, has none.
    """

    eigenvalues: FloatArray
    coef_map: FloatArray
    projected_target: FloatArray
    leverage_weights: FloatArray
    basis: FloatArray | None

    def filters(self, shifts: FloatArray) -> FloatArray:
        """``f_j(s) = 1/(λ_j + s)``, one row per shift."""
        values: FloatArray = 1.0 / (self.eigenvalues[None, :] + shifts[:, None])
        return values

    def coefs(self, shifts: FloatArray) -> FloatArray:
        """Rows ``w(s) = M diag(f(s)) b``."""
        values: FloatArray = (self.filters(shifts) * self.projected_target) @ self.coef_map.T
        return values


def svd_spectrum(Xc: FloatArray, yc: FloatArray) -> Spectrum:
    """From the thin SVD ``Xc = U diag(d) Vᵀ`` (numerically zero d_j dropped).

    ``M = V``, ``b = d ∘ Uᵀyc``, ``W = U² d²`` (so ``h_ii = Σ_j U_ij² d_j²/(d_j² + s)``).
    """
    U, d, Vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False)
    rank = numerical_rank(d, Xc.shape)  # d decreases: keep leading slices (views)
    U, d, Vt = U[:, :rank], d[:rank], Vt[:rank]
    squared = d**2
    return Spectrum(
        eigenvalues=squared,
        coef_map=Vt.T,
        projected_target=d * (U.T @ yc),
        leverage_weights=U**2 * squared,
        basis=U,
    )


def gram_spectrum(Xc: FloatArray, yc: FloatArray, smallest_shift: float) -> Spectrum | None:
    """From the eigendecomposition of the smaller Gram matrix, or None if ill-conditioned.

    n ≥ p: ``XcᵀXc = V diag(λ) Vᵀ``; ``M = V``, ``b = (XcV)ᵀyc``, ``W = (XcV)²``.
    p > n: ``XcXcᵀ = U diag(λ) Uᵀ``; ``w = Xcᵀ(XcXcᵀ + sI)⁻¹yc`` gives ``M = XcᵀU``,
    ``b = Uᵀyc``, and ``H = U diag(λ f) Uᵀ`` gives ``W = U² λ``.

    Eigenvalues carry absolute errors of about eps·λ_max (rounding can make zero ones
    slightly negative; they are clipped at 0), so the solution's relative error is about
    eps·λ_max/s: the factors are returned only when the condition number
    ``(λ_max + s)/s`` of the shifted system is at most ``1/MIN_CHOLESKY_RCOND`` for the
    smallest shift s, the rule :func:`cholesky_coef` applies.
    """
    n_samples, n_features = Xc.shape
    primal = n_samples >= n_features
    eigenvalues, vectors = scipy.linalg.eigh(Xc.T @ Xc if primal else Xc @ Xc.T, check_finite=False)
    eigenvalues = np.maximum(eigenvalues, 0.0)
    if not smallest_shift >= MIN_CHOLESKY_RCOND * (eigenvalues[-1] + smallest_shift):
        return None
    if primal:
        scores = Xc @ vectors
        return Spectrum(
            eigenvalues=eigenvalues,
            coef_map=vectors,
            projected_target=scores.T @ yc,
            leverage_weights=scores**2,
            basis=None,
        )
    return Spectrum(
        eigenvalues=eigenvalues,
        coef_map=Xc.T @ vectors,
        projected_target=vectors.T @ yc,
        leverage_weights=vectors**2 * eigenvalues,
        basis=None,
    )


def numerical_rank(d: FloatArray, shape: tuple[int, ...]) -> int:
    """Number of singular values d_j > max(n, p) · eps · d_max (NumPy's pinv/lstsq rule)."""
    cutoff = max(shape) * np.finfo(np.float64).eps * d[0]
    return int(np.count_nonzero(d > cutoff))


@dataclass(frozen=True)
class JacobiCholesky:
    """``A = D⁻¹ S D⁻¹`` with ``S = D A D = Rᵀ R`` (R upper), ``D = diag(A)^(−1/2)``.

    ``A⁻¹ b = D S⁻¹ D b``; the lower factor of ``A`` itself is ``L = D⁻¹ Rᵀ``.
    """

    factor: FloatArray
    scale: FloatArray

    def solve(self, rhs: FloatArray) -> FloatArray:
        """``A⁻¹ rhs`` (rhs of shape (k,) or (k, m))."""
        scale = self.scale if rhs.ndim == 1 else self.scale[:, None]
        solution = lapack.dpotrs(self.factor, scale * rhs)[0]
        result: FloatArray = scale * solution
        return result

    def lower(self) -> FloatArray:
        """The lower Cholesky factor ``L = D⁻¹ Rᵀ`` of ``A`` (``A = L Lᵀ``)."""
        lower: FloatArray = self.factor.T / self.scale[:, None]
        return lower


def jacobi_cholesky(system: FloatArray, shift: float = 0.0) -> JacobiCholesky | None:
    """Cholesky of ``A = system + shift·I`` after Jacobi scaling, or None.

    Returns None when the factorization fails or the reciprocal condition estimate of
    the scaled ``S = D A D`` is below :data:`MIN_CHOLESKY_RCOND`. The accuracy of
    Cholesky is governed by the condition number of S (van der Sluis), which ignores
    column scales that differ by many orders. ``system`` is not modified.
    """
    diagonal = np.diag(system) + shift
    if not np.all(diagonal > 0.0):
        return None
    scale = 1.0 / np.sqrt(diagonal)
    scaled = system * scale[:, None]
    scaled *= scale[None, :]
    np.fill_diagonal(scaled, 1.0)  # (system_jj + shift)·scale_j² = 1
    factor, info = lapack.dpotrf(scaled, clean=1)
    if info != 0:
        return None
    rcond, info = lapack.dpocon(factor, np.linalg.norm(scaled, 1))
    if info != 0 or not rcond >= MIN_CHOLESKY_RCOND:
        return None
    return JacobiCholesky(factor, scale)


def cholesky_coef(Xc: FloatArray, yc: FloatArray, shift: float) -> FloatArray | None:
    """Solve the ridge equations by Cholesky, or return None if it fails or is ill-conditioned.

    n ≥ p: (Xcᵀ Xc + shift·I) w = Xcᵀ yc.
    p > n: (Xc Xcᵀ + shift·I) a = yc and w = Xcᵀ a (the same w, by the push-through
    identity (XᵀX + sI)⁻¹ Xᵀ = Xᵀ (XXᵀ + sI)⁻¹). Both by :func:`jacobi_cholesky`.
    """
    n_samples, n_features = Xc.shape
    primal = n_samples >= n_features
    factor = jacobi_cholesky(Xc.T @ Xc if primal else Xc @ Xc.T, shift)
    if factor is None:
        return None
    if primal:
        return factor.solve(Xc.T @ yc)
    kernel_coef: FloatArray = Xc.T @ factor.solve(yc)
    return kernel_coef


def duality_gaps(
    Xc: FloatArray,
    coefs: FloatArray,
    residuals: FloatArray,
    alphas: FloatArray,
    basis: FloatArray | None,
) -> FloatArray:
    """Duality gaps ``F(w) − D(θ)``, one per row, written as sums of non-negative terms.

    alpha > 0, θ = r/n: the Fenchel–Young equality for ``alpha/2 ||·||²`` gives, without
    the cancellation of subtracting two nearly equal objective values,

        F(w) − D(r/n) = ||Xcᵀr/n − alpha·w||² / (2 alpha) = ||∇F(w)||² / (2 alpha).

    alpha = 0, θ = (I − UUᵀ) r/n with ``U = basis`` (feasible, ``Xcᵀθ = 0``, up to the
    dropped singular values): with ``yc = r + Xc w``,

        F(w) − D(θ) = ||Uᵀr||² / (2n) − θᵀXc w ≤ ||Uᵀr||² / (2n) + |θᵀXc w|.
    """
    n_samples = residuals.shape[1]
    gaps = np.empty(alphas.shape[0])
    positive = alphas > 0.0
    gradients = residuals[positive] @ Xc / n_samples - alphas[positive, None] * coefs[positive]
    gaps[positive] = np.sum(gradients**2, axis=1) / (2.0 * alphas[positive])
    if not np.all(positive):
        assert basis is not None, "alpha = 0 is solved by the SVD, whose U is needed here"
        residual_zero = residuals[~positive]
        in_span = residual_zero @ basis
        orthogonal = residual_zero - in_span @ basis.T
        fitted = coefs[~positive] @ Xc.T
        gaps[~positive] = (
            np.sum(in_span**2, axis=1) / (2.0 * n_samples)
            + np.abs(np.sum(orthogonal * fitted, axis=1)) / n_samples
        )
    return gaps


def gap_thresholds(
    Xc: FloatArray,
    yc: FloatArray,
    coefs: FloatArray,
    residuals: FloatArray,
    alphas: FloatArray,
) -> FloatArray:
    """:func:`gap_thresholds_from_norms` of a dense centered design and target."""
    return gap_thresholds_from_norms(
        Xc.shape, float(np.linalg.norm(Xc)), float(yc @ yc), coefs, residuals, alphas
    )


def gap_thresholds_from_norms(
    shape: tuple[int, int],
    design_norm: float,
    yty: float,
    coefs: FloatArray,
    residuals: FloatArray,
    alphas: FloatArray,
) -> FloatArray:
    """``max(RELATIVE_GAP_TOL · F(0), rounding floor)`` for each row of ``coefs``.

    Reads the design only through its shape (n, p) and ``||Xc||_F``, and the target
    through ``yty = ||yc||²``, so a sparse design is served as a dense one. With the √k
    estimate of rounding in k-term sums and ``||(|Xc| v)|| ≤ ||Xc||_F ||v||``, the
    residual ``r = yc − Xc w`` is computed with an error of norm about
    ``δ_r = eps·√p·(||yc|| + ||Xc||_F ||w||)`` and the gradient ``Xcᵀr/n − alpha·w`` with
    one of about ``δ = ||Xc||_F (δ_r + eps·√n·||r||)/n``. The gaps of
    :func:`duality_gaps` are therefore resolved only down to ``δ²/(2 alpha)``
    (alpha > 0) and ``δ_r²/(2n) + eps·√n·||r||·||Xc||_F ||w||/n`` (alpha = 0).
    """
    n_samples, n_features = shape
    fitted_bound = design_norm * np.linalg.norm(coefs, axis=1)  # ≥ || |Xc||w| ||
    residual_norm = np.linalg.norm(residuals, axis=1)
    residual_error = EPS * np.sqrt(n_features) * (np.sqrt(yty) + fitted_bound)
    gradient_error = design_norm * (residual_error + EPS * np.sqrt(n_samples) * residual_norm)
    gradient_error /= n_samples
    positive = alphas > 0.0
    floors = np.where(
        positive,
        gradient_error**2 / (2.0 * np.where(positive, alphas, 1.0)),
        residual_error**2 / (2.0 * n_samples)
        + EPS * np.sqrt(n_samples) * residual_norm * fitted_bound / n_samples,
    )
    relative = RELATIVE_GAP_TOL * yty / (2.0 * n_samples)
    thresholds: FloatArray = np.maximum(relative, floors)
    return thresholds
