"""The duality gap of the elastic net (and lasso) least-squares problem.

Primal (data centred, ``l1 = alpha·r``, ``l2 = alpha·(1 − r)``)::

    P(w) = 1/(2n) ||y − X w||² + h(w),     h(w) = l1 ||w||₁ + l2/2 ||w||²

For a residual ``ρ = y − X w`` write ``u = Xᵀρ / n`` (the correlations) and
``rr = ||ρ||² / n``. Two dual points are built from ``ρ``; each gives a valid gap
``P(w) − D(θ) ≥ P(w) − min P``, and the smaller of the two is returned.

*Augmented design* (the lasso view of the elastic net). With
``X̃ = [X; sqrt(n·l2) I]`` and ``ỹ = [y; 0]`` the problem is a lasso in ``l1``, whose
dual ``D(θ̃) = θ̃ᵀỹ − n/2 ||θ̃||²`` is constrained by ``||X̃ᵀθ̃||∞ ≤ l1``. The residual
``ρ̃ = [ρ; −sqrt(n·l2) w]`` has ``X̃ᵀρ̃ / n = g = u − l2 w``; the rescaled point
``θ̃ = s ρ̃ / n`` with ``s = min(1, l1 / ||g||∞)`` is feasible and, after using
``y = ρ + X w``, its gap is a sum of non-negative terms::

    gap_aug = (1 − s)² (rr/2 + l2/2 ||w||²) + Σ_j (l1 |w_j| − s w_j g_j)

*Fenchel dual* (``l2 > 0``). ``D(θ) = θᵀy − n/2 ||θ||² − h*(Xᵀθ)`` with the
conjugate ``h*(v) = Σ_j (|v_j| − l1)₊² / (2 l2)`` has no constraint. At ``θ = ρ/n``
the gap is the sum of the Fenchel–Young gaps ``h(w_j) + h*(u_j) − w_j u_j ≥ 0``,
written here without cancellation. With ``a_j = |u_j| − l1``:

* ``w_j u_j ≥ 0`` and ``a_j ≥ 0``:  ``(l2 |w_j| − a_j)² / (2 l2)``
* ``w_j u_j ≥ 0`` and ``a_j < 0``:  ``l2/2 w_j² + |w_j| (−a_j)``
* ``w_j u_j < 0``:                  ``l1 |w_j| + l2/2 w_j² + |w_j||u_j| + a_j₊² / (2 l2)``

The augmented gap is the one to use near the lasso (``l2 → 0``); the Fenchel gap is
the one to use near ridge (``l1 → 0``, where ``s → 0`` makes the augmented point
useless). Both are written as sums of non-negative terms, so the gap is ≥ 0 and is
computed without the cancellation of ``P(w) − D(θ)`` evaluated term by term.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["enet_duality_gap", "gap_threshold"]

FloatArray = NDArray[np.float64]


def enet_duality_gap(
    coef: FloatArray,
    correlation: FloatArray,
    residual_sq: float,
    alpha: float,
    l1_ratio: float,
) -> float:
    """Duality gap of ``1/(2n)||y − Xw||² + alpha·P(w)`` at ``w = coef``.

    Parameters
    ----------
    coef : ndarray of shape (p,)
        The primal point ``w``.
    correlation : ndarray of shape (p,)
        ``u = Xᵀ(y − X w) / n``.
    residual_sq : float
        ``||y − X w||² / n``.
    alpha, l1_ratio : float
        The penalty, ``alpha > 0``.

    Returns
    -------
    float
        ``min(gap_aug, gap_fenchel)`` (module docstring), an upper bound on
        ``P(w) − min P`` that is 0 exactly at the minimizer.
    """
    l1 = alpha * l1_ratio
    l2 = alpha * (1.0 - l1_ratio)
    abs_coef = np.abs(coef)
    gap = np.inf
    smooth_grad = correlation - l2 * coef
    grad_norm = float(np.max(np.abs(smooth_grad))) if coef.size else 0.0
    if l1 > 0.0 or grad_norm == 0.0:
        # s = min(1, l1 / ||g||∞): the largest rescaling of ρ̃ that is dual feasible.
        scale = 1.0 if grad_norm <= l1 else l1 / grad_norm
        # Each term l1|w_j| − s w_j g_j ≥ 0 since s|g_j| ≤ l1; clip rounding below 0.
        linear_terms = np.maximum(l1 * abs_coef - scale * coef * smooth_grad, 0.0)
        quadratic = (1.0 - scale) ** 2 * (0.5 * residual_sq + 0.5 * l2 * float(coef @ coef))
        gap = quadratic + float(np.sum(linear_terms))
    if l2 > 0.0:
        gap = min(gap, _fenchel_gap(coef, abs_coef, correlation, l1, l2))
    return float(gap)


def _fenchel_gap(
    coef: FloatArray, abs_coef: FloatArray, correlation: FloatArray, l1: float, l2: float
) -> float:
    """``Σ_j h(w_j) + h*(u_j) − w_j u_j`` in the cancellation-free case split above."""
    abs_corr = np.abs(correlation)
    excess = abs_corr - l1
    same_sign = coef * correlation >= 0.0
    same_above = (l2 * abs_coef - excess) ** 2 / (2.0 * l2)
    same_below = 0.5 * l2 * abs_coef**2 - abs_coef * excess
    opposite = (
        l1 * abs_coef
        + 0.5 * l2 * abs_coef**2
        + abs_coef * abs_corr
        + np.maximum(excess, 0.0) ** 2 / (2.0 * l2)
    )
    terms = np.where(same_sign, np.where(excess >= 0.0, same_above, same_below), opposite)
    return float(np.sum(terms))


def gap_threshold(yty: float, tol: float) -> float:
    """Absolute stopping threshold ``tol · max(F(0), tiny)`` with ``F(0) = yᵀy / (2n)``.

    ``yty`` is ``yᵀy / n`` of the centred target, so the tolerance is relative to the
    objective of the all-zero solution.
    """
    return tol * max(0.5 * yty, float(np.finfo(np.float64).tiny))
