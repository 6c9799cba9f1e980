"""Ridge solutions and certificates computed from the Gram matrix alone.

These serve every :class:`~bayesreg.core.data.CenteredProblem` whose ridge solve goes
through ``XcᵀXc``: sufficient statistics, and a sparse design with few enough columns
for the dense p × p Gram matrix.

With ``G = XᵀX``, ``c = Xᵀy``, ``s = yᵀy`` (centered when an intercept is fitted) and n
rows, the Gaussian part of the objective is ``||y − Xw||²/(2n)`` with

    ||y − X w||² = s − 2 wᵀc + wᵀG w.                                          (1)

**Precision floor.** The certificates are sums of terms of size up to
``|c_j| + (|G||w|)_j`` (the gradient ``c − G w``) or ``s + 2|w|ᵀ|c| + |w|ᵀ|G||w|`` (the
residual (1)), which cancel near the optimum: the gradient vanishes there, and (1) is
tiny against ``s`` when the fit is close (``R² → 1``), so the residual from the statistics
is accurate relative to ``s``, not to itself. Computed from the statistics they carry
absolute errors of about ``eps·√p`` times those sizes (the √p estimate of rounding in
p-term sums), which nothing working on ``(G, c, s)`` alone can avoid. Each ridge
certificate here is therefore checked against ``max(tol·F(0), floor)`` with the floor its
own rounding error at the computed ``w`` (the returned ``tol``); the floor exceeds
``1e-12·F(0)`` only when ``|w|ᵀ(|c| + |G||w|)`` exceeds about ``2000·s/√p`` (large,
cancelling coefficients). The elastic-net solvers certify by the one rule of
:func:`bayesreg.core._duality.certify_enet`, whichever form the data has: the same floor
(:func:`enet_gap_floor`, re-exported here), and the KKT residual where the gap is within
its rounding.
The statistics themselves summarize the rows with a relative backward error of a few
``eps`` per merge level (``bayesreg.core.stats``); the certificate is that of the problem
they define.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from bayesreg.core._duality import enet_gap_floor
from bayesreg.core._ridge_linalg import RELATIVE_GAP_TOL, jacobi_cholesky
from bayesreg.core.data import CenteredProblem
from bayesreg.core.penalties import penalty_value
from bayesreg.core.results import PathCertificates, RidgePathFit
from bayesreg.core.types import EPS, FloatArray
from bayesreg.errors import DataError

__all__ = [
    "GramEigen",
    "enet_gap_floor",
    "gram_eigen",
    "ridge_from_statistics",
    "ridge_path_fit",
    "ridge_path_from_statistics",
]


def gram_eigen(gram: FloatArray, n_samples: int) -> tuple[FloatArray, FloatArray, int]:
    """``(λ, V, r)``: eigenvalues (decreasing, clipped at 0), eigenvectors and numerical rank.

    ``G = V diag(λ) Vᵀ``. The eigenvalues of a computed Gram matrix carry absolute errors
    of about ``eps·λ_max`` per row summed, so ``λ_j ≤ max(n, p)·eps·λ_max`` are treated
    as 0 (NumPy's rank rule for the matrix G; on the singular values of X it keeps
    ``d_j > √(max(n, p)·eps)·d_max``, the resolution the statistics afford).
    """
    eigenvalues, vectors = scipy.linalg.eigh(gram, check_finite=False)
    eigenvalues = np.maximum(eigenvalues[::-1], 0.0)
    cutoff = max(n_samples, gram.shape[0]) * EPS * eigenvalues[0]
    rank = int(np.count_nonzero(eigenvalues > cutoff))
    return eigenvalues, vectors[:, ::-1], rank


@dataclass(frozen=True)
class GramEigen:
    """``G = V diag(λ) Vᵀ`` with numerical rank r (:func:`gram_eigen`)."""

    eigenvalues: FloatArray
    vectors: FloatArray
    rank: int

    def coefs(self, xty: FloatArray, shifts: FloatArray) -> FloatArray:
        """Rows ``V diag(f(t)) Vᵀc`` with ``f_j(t) = 1/(λ_j + t)`` (t = 0: retained j only)."""
        return (self.filters(shifts) * (self.vectors.T @ xty)) @ self.vectors.T

    def filters(self, shifts: FloatArray) -> FloatArray:
        """``f_j(t)``, one row per shift; at t = 0 the pseudo-inverse ``1/λ_j`` for j < r."""
        retained = np.arange(self.eigenvalues.size) < self.rank
        with np.errstate(divide="ignore"):
            values: FloatArray = np.where(
                (shifts[:, None] > 0.0) | retained,
                1.0 / (self.eigenvalues[None, :] + shifts[:, None]),
                0.0,
            )
        return values


def _eigen_of(gram: FloatArray, n_samples: int) -> GramEigen:
    eigenvalues, vectors, rank = gram_eigen(gram, n_samples)
    if rank == 0:
        raise DataError(
            "the statistics show no variation in X (XᵀX = 0, after centering when an "
            "intercept is fitted); there is nothing to fit."
        )
    return GramEigen(eigenvalues, vectors, rank)


def _certificates(
    problem: CenteredProblem,
    gram: FloatArray,
    coefs: FloatArray,
    shifts: FloatArray,
    eigen: GramEigen | None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(gaps, thresholds, rss)`` of ridge solutions ``coefs`` at shifts ``t = nα``.

    ``r = c − Gw``: gap ``||r − t w||²/(2nt)`` for t > 0 and ``rᵀG⁺r/(2n)`` for t = 0
    (``eigen`` is then required); thresholds ``max(RELATIVE_GAP_TOL·s/(2n), floor)``;
    ``rss`` from (1), clipped at 0.
    """
    xty, yty = problem.xty, problem.yty
    n_samples, n_features = problem.n_samples, problem.n_features
    positive = shifts > 0.0
    gradients = xty[None, :] - coefs @ gram - shifts[:, None] * coefs
    magnitude = (
        np.abs(xty)[None, :] + np.abs(coefs) @ np.abs(gram) + shifts[:, None] * np.abs(coefs)
    )
    rounding_sq = (EPS**2 * n_features) * np.sum(magnitude**2, axis=1)
    gaps = np.empty(shifts.size)
    curvature = shifts.copy()
    gaps[positive] = np.sum(gradients[positive] ** 2, axis=1) / (2.0 * n_samples * shifts[positive])
    if not positive.all():
        assert eigen is not None, "alpha = 0 is solved through the eigendecomposition"
        projected = gradients[~positive] @ eigen.vectors[:, : eigen.rank]
        kept = eigen.eigenvalues[: eigen.rank]
        gaps[~positive] = np.sum(projected**2 / kept, axis=1) / (2.0 * n_samples)
        curvature[~positive] = kept[-1]
    thresholds = np.maximum(
        RELATIVE_GAP_TOL * yty / (2.0 * n_samples), rounding_sq / (2.0 * n_samples * curvature)
    )
    quadratic = np.einsum("ki,ij,kj->k", coefs, gram, coefs)
    rss = np.maximum(yty - 2.0 * (coefs @ xty) + quadratic, 0.0)
    return gaps, thresholds, rss


def ridge_from_statistics(
    problem: CenteredProblem, alpha: float
) -> tuple[FloatArray, float, float, float]:
    """``(coef, gap, threshold, objective)`` of ridge at one alpha, from the Gram matrix.

    Solves ``(G + nα I) w = c`` by Cholesky (:func:`~bayesreg.core._ridge_linalg.jacobi_cholesky`)
    when alpha > 0 and the condition estimate of its Jacobi-scaled matrix is at most
    ``1/MIN_CHOLESKY_RCOND``, otherwise through :func:`gram_eigen` (at alpha = 0:
    the minimum-norm least-squares solution on the numerical range of G). The
    certificates are those of :func:`ridge_path_from_statistics`.
    """
    gram, xty, n_samples = problem.gram(), problem.xty, problem.n_samples
    shifts = np.array([n_samples * alpha])
    factor = jacobi_cholesky(gram, float(shifts[0])) if alpha > 0.0 else None
    eigen = None
    if factor is not None:
        coef = factor.solve(xty)
    else:
        eigen = _eigen_of(gram, n_samples)
        coef = eigen.coefs(xty, shifts)[0]
    gaps, thresholds, rss = _certificates(problem, gram, coef[None, :], shifts, eigen)
    objective = float(rss[0]) / (2.0 * n_samples) + penalty_value(coef, alpha, 0.0)
    return coef, float(gaps[0]), float(thresholds[0]), objective


def ridge_path_from_statistics(
    problem: CenteredProblem, alphas: FloatArray
) -> tuple[RidgePathFit, PathCertificates]:
    """The ridge path at ``alphas`` (decreasing) from one eigendecomposition of G.

    ``w(α) = V diag(1/(λ + nα)) Vᵀc``; ``df(α) = Σ_j λ_j/(λ_j + nα)``; ``gcv`` with the
    mean squared residual from (1). Certificates, with ``r = c − G w`` and ``t = nα``:
    the duality gap ``||r − t w||²/(2nt) = ||∇F(w)||²/(2α)`` for alpha > 0 (as ``ridge``
    computes it from the rows), the exact suboptimality ``F(w) − min F = rᵀG⁺r/(2n)``
    for alpha = 0. Each is checked against ``max(RELATIVE_GAP_TOL·s/(2n), floor)`` with
    ``floor = ||δ||²/(2n·t)`` (or ``/(2n·λ_min)`` at alpha = 0, the smallest retained
    eigenvalue) and ``δ = eps·√p·(|c| + |G||w| + t|w|)`` the rounding of the gradient
    (module docstring). ``loo`` is NaN: the leave-one-out error needs the leverage of
    each row, which the statistics do not hold. Returns the path and its certificates.
    """
    gram, xty, n_samples = problem.gram(), problem.xty, problem.n_samples
    shifts = n_samples * alphas
    eigen = _eigen_of(gram, n_samples)
    coefs = eigen.coefs(xty, shifts)
    gaps, thresholds, rss = _certificates(problem, gram, coefs, shifts, eigen)
    certificates = PathCertificates(gaps, thresholds)
    df = np.sum(eigen.eigenvalues * eigen.filters(shifts), axis=1)
    denominator = (1.0 - (df + (1.0 if problem.fit_intercept else 0.0)) / n_samples) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        gcv = np.where(denominator > 0.0, rss / n_samples / denominator, np.inf)
    loo = np.full(alphas.size, np.nan)
    fit = ridge_path_fit(problem, alphas, coefs, rss, certificates, df=df, gcv=gcv, loo=loo)
    return fit, certificates


def ridge_path_fit(
    problem: CenteredProblem,
    alphas: FloatArray,
    coefs: FloatArray,
    rss: FloatArray,
    certificates: PathCertificates,
    *,
    df: FloatArray,
    gcv: FloatArray,
    loo: FloatArray,
) -> RidgePathFit:
    """A ridge path solved from one factorization: its objectives from the residual sums
    of squares ``rss``, one solve per alpha, ``alpha_max = inf``."""
    penalties = np.array(
        [penalty_value(w, float(a), 0.0) for w, a in zip(coefs, alphas, strict=True)]
    )
    return RidgePathFit(
        alphas=alphas,
        coefs=coefs,
        intercepts=problem.intercepts(coefs),
        l1_ratio=0.0,
        objectives=rss / (2.0 * problem.n_samples) + penalties,
        n_iters=np.ones(alphas.size, dtype=np.int64),
        alpha_max=math.inf,
        df=df,
        gcv=gcv,
        loo=loo,
        **certificates.path_fields(),
    )
