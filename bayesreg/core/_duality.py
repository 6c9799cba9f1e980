"""The duality gap of the elastic net (and lasso) least-squares problem.

Primal (data centered, ``l1 = alpha·r``, ``l2 = alpha·(1 − r)``)::

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

**What floating point resolves.** The gap is built from the correlations ``u``, which
are sums of terms of size ``a_j`` (``|c_j| + (|G||w|)_j``, or what the design form adds,
:meth:`~bayesreg.core._least_squares.LeastSquaresData.gradient_magnitude`) and carry
rounding errors ``δ_j ≈ eps·√p·a_j`` (the √p estimate of rounding in p-term sums).
Two floors follow:

* *evaluation*: the terms of the gap then err by about
  ``eps·√p·(|w|ᵀa + (rr + |w|ᵀ(|c| + a))/2)``, computed with ``yy ≥ rr`` in place of rr
  (:func:`enet_gap_floor`);
* *resolution*: the gap an exact minimizer shows when its ``u`` is off by ``δ``. The
  augmented point divides by ``||g||∞ = l1 + δ∞`` at worst, so ``1 − s = δ∞/(l1 + δ∞)``
  and the gap is ``(1 − s)²(rr/2 + l2/2 ||w||²) + 2 l1 (1 − s) ||w||₁``; the Fenchel
  gap divides by l2 and is ``Σ_j δ_j²/(2 l2)``. Both grow without bound as alpha → 0:
  at ``alpha = 1e-12`` and ``δ ≈ 1e-15`` the augmented gap of the exact minimizer is
  about ``1e-6·rr``, so no gap certifies ``tol·F(0)`` there.

**Sign constraints** (the non-negative lasso / elastic net, ``positive=True``). The
penalty becomes ``h(w) = Σ_j [l1_j w_j + l2/2 w_j²] + ι(w ≥ 0)``; the data term and ρ, u,
rr, g are unchanged, and ``w ≥ 0`` at every primal point the solver holds.

*Augmented design.* The conjugate of ``Σ_j l1_j w_j + ι(w ≥ 0)`` is ``ι(v ≤ l1)``: the dual
constraint is one-sided, ``X̃ᵀθ̃ ≤ l1`` coordinatewise. ``θ̃ = s ρ̃/n`` has ``X̃ᵀθ̃ = s g``,
feasible iff ``s g_j ≤ l1_j`` for every j, so the largest ``s ∈ [0, 1]`` is::

    s = min(1, min_j l1_j / g_j⁺)            (g_j⁺ = max(g_j, 0); s = 1 if every g_j ≤ l1_j)

i.e. ``s = min(1, l1 / max_j g_j⁺)`` for a uniform ``l1``. With ``ỹ = ρ̃ + X̃w`` the gap is,
exactly as above::

    gap_aug = (1 − s)² (rr/2 + l2/2 ||w||²) + Σ_j w_j (l1_j − s g_j)

and every term is ≥ 0 because ``w_j ≥ 0`` and ``s g_j ≤ l1_j``. (A ``g_j < 0``, which the
two-sided dual would have to shrink, costs nothing here.)

*Fenchel dual* (``l2 > 0``). ``h_j*(v) = sup_{w ≥ 0} (v − l1_j)w − l2/2 w² = (v − l1_j)₊²/(2 l2)``,
so with ``a_j = u_j − l1_j`` (signed) the Fenchel–Young gap of coordinate j is
``l2/2 w_j² − w_j a_j + a_j₊²/(2 l2)``:

* ``a_j ≥ 0``:  ``(l2 w_j − a_j)² / (2 l2)``
* ``a_j < 0``:  ``l2/2 w_j² + w_j (−a_j)``

both ≥ 0 for ``w_j ≥ 0``. The KKT residual of the constrained problem is the distance of
``u_j`` to ``∂h_j(w_j)``: ``|u_j − l1_j − l2 w_j|`` where ``w_j > 0``, ``max(u_j − l1_j, 0)``
where ``w_j = 0`` (there ``∂h_j(0) = (−∞, l1_j]``). The rounding floors are those of the
two-sided problem: ``max_j g_j⁺ ≤ ||g||∞``, so the worst rescaling a rounding ``δ`` forces
is no larger.

:func:`certify_enet` turns these into one rule, used by every elastic-net solver.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bayesreg.core._least_squares import LeastSquaresData
from bayesreg.core.penalties import subdiff_distance
from bayesreg.core.results import Certificate
from bayesreg.core.types import EPS, FloatArray

__all__ = [
    "KKT_ROUNDING_FACTOR",
    "EnetCertificate",
    "EnetPenalty",
    "certify_enet",
    "enet_duality_gap",
    "enet_gap_floor",
    "gap_threshold",
    "positive_subdiff_distance",
]


#: The smallest positive normal float64 (a floor for F(0) = 0).
_TINY = float(np.finfo(np.float64).tiny)

#: The KKT residual is certified down to this many times the rounding ``δ∞`` of the
#: correlations it is computed from, and no further.
KKT_ROUNDING_FACTOR = 16.0


@dataclass(frozen=True)
class EnetPenalty:
    """The penalty ``alpha·P(w)`` of one elastic-net problem, what its gap and floors read.

    ``P(w) = Σ_j [r·l1_scale_j |w_j| + (1 − r)/2 w_j²]`` (``r = l1_ratio``; ``l1_scale``
    None: all ones), over ``w ≥ 0`` when ``positive``: the L1 weights
    ``l1_j = alpha·r·l1_scale_j`` and the uniform L2 weight ``l2 = alpha(1 − r)`` of the
    module docstring.

    Attributes
    ----------
    alpha, l1_ratio : float
        The penalty, ``alpha > 0``.
    l1_scale : ndarray of shape (p,), optional
        Per-coordinate L1 multipliers (all > 0), the problem of
        :mod:`bayesreg.core._penalty_factor`. None: the uniform ``l1 = alpha·r``.
    positive : bool, default False
        The problem constrained to ``w ≥ 0`` (module docstring, "Sign constraints").
    """

    alpha: float
    l1_ratio: float
    l1_scale: FloatArray | None = None
    positive: bool = False

    @property
    def l1(self) -> float | FloatArray:
        """``alpha·r``, or the weights ``alpha·r·l1_scale_j``."""
        uniform = self.alpha * self.l1_ratio
        return uniform if self.l1_scale is None else uniform * self.l1_scale

    @property
    def l2(self) -> float:
        """``alpha(1 − r)``."""
        return self.alpha * (1.0 - self.l1_ratio)

    def value(self, coef: FloatArray) -> float:
        """``alpha·(r Σ_j l1_scale_j |w_j| + (1 − r)/2 ||w||²)`` at ``w = coef``."""
        abs_coef = np.abs(coef)
        l1 = float(abs_coef.sum() if self.l1_scale is None else self.l1_scale @ abs_coef)
        return self.alpha * (self.l1_ratio * l1 + 0.5 * (1.0 - self.l1_ratio) * float(coef @ coef))

    def duality_gap(self, coef: FloatArray, correlation: FloatArray, residual_sq: float) -> float:
        """Duality gap of ``1/(2n)||y − Xw||² + alpha·P(w)`` at ``w = coef``.

        Parameters
        ----------
        coef : ndarray of shape (p,)
            The primal point ``w`` (≥ 0 when ``positive``).
        correlation : ndarray of shape (p,)
            ``u = Xᵀ(y − X w) / n``.
        residual_sq : float
            ``||y − X w||² / n``.

        Returns
        -------
        float
            ``min(gap_aug, gap_fenchel)`` (module docstring), an upper bound on
            ``P(w) − min P`` that is 0 exactly at the minimizer. With ``l1_scale`` the dual
            constraint is ``|g_j| ≤ l1_j`` coordinatewise, so
            ``s = min(1, min_j l1_j/|g_j|)``, and the Fenchel conjugate
            ``Σ_j (|v_j| − l1_j)₊²/(2 l2)``; every formula of the module docstring holds
            with ``l1_j`` in place of ``l1``. With ``positive``: the one-sided dual
            constraint ``s = min(1, min_j l1_j/g_j⁺)`` and the Fenchel conjugate
            ``Σ_j (v_j − l1_j)₊²/(2 l2)``.
        """
        l1, l2 = self.l1, self.l2
        if self.positive:
            return _positive_gap(coef, correlation, residual_sq, l1, l2)
        smooth_grad = correlation - l2 * coef
        if isinstance(l1, np.ndarray):
            scale = _weighted_scale(smooth_grad, l1)
        else:
            scale = _uniform_scale(smooth_grad, l1)
        abs_coef = np.abs(coef)
        gap = np.inf
        if scale is not None:
            # Each term l1_j|w_j| − s w_j g_j ≥ 0 since s|g_j| ≤ l1_j; clip rounding below 0.
            gap = _augmented_gap(
                l1 * abs_coef - scale * coef * smooth_grad, scale, residual_sq, l2, coef
            )
        if l2 > 0.0:
            gap = min(gap, _fenchel_gap(coef, abs_coef, correlation, l1, l2))
        return float(gap)

    def kkt_distance(self, coef: FloatArray, correlation: FloatArray) -> FloatArray:
        """``dist(u_j, ∂h_j(w_j))`` per coordinate: the KKT residual's terms."""
        if self.positive:
            return positive_subdiff_distance(coef, correlation, self.l1, self.l2)
        if self.l1_scale is None:
            return subdiff_distance(coef, -correlation, self.alpha, self.l1_ratio)
        return _weighted_subdiff_distance(
            coef, correlation, self.alpha, self.l1_ratio, self.l1_scale
        )

    def resolution_floor(self, coef: FloatArray, rounding: FloatArray, residual_sq: float) -> float:
        """The gap of an exact minimizer whose correlations err by ``rounding``."""
        if self.l1_scale is None:
            return _resolution_floor(coef, rounding, residual_sq, self.alpha, self.l1_ratio)
        return _weighted_resolution_floor(
            coef, rounding, residual_sq, self.alpha, self.l1_ratio, self.l1_scale
        )


def enet_duality_gap(
    coef: FloatArray,
    correlation: FloatArray,
    residual_sq: float,
    alpha: float,
    l1_ratio: float,
    l1_scale: FloatArray | None = None,
    *,
    positive: bool = False,
) -> float:
    """Duality gap of ``1/(2n)||y − Xw||² + alpha·P(w)`` at ``w = coef``.

    :meth:`EnetPenalty.duality_gap` of ``EnetPenalty(alpha, l1_ratio, l1_scale, positive)``.
    """
    penalty = EnetPenalty(alpha, l1_ratio, l1_scale, positive)
    return penalty.duality_gap(coef, correlation, residual_sq)


def _uniform_scale(smooth_grad: FloatArray, l1: float) -> float | None:
    """``s = min(1, l1 / ||g||∞)``: the largest rescaling of ρ̃ that is dual feasible (None:
    none is, ``l1 = 0 < ||g||∞``)."""
    grad_norm = float(np.abs(smooth_grad).max()) if smooth_grad.size else 0.0
    if l1 > 0.0 or grad_norm == 0.0:
        return 1.0 if grad_norm <= l1 else l1 / grad_norm
    return None


def _weighted_scale(smooth_grad: FloatArray, l1: FloatArray) -> float | None:
    """``s = min(1, min_j l1_j/|g_j|)``, the largest ``s`` with ``|s g_j| ≤ l1_j`` for every j
    (the dual constraint of a weighted L1; None: none is, some ``l1_j = 0 < |g_j|``)."""
    penalized = bool(np.all(l1 > 0.0)) and smooth_grad.size > 0
    if penalized or not np.any(smooth_grad):
        ratio = float(np.max(np.abs(smooth_grad) / l1)) if penalized else 0.0
        return 1.0 if ratio <= 1.0 else 1.0 / ratio
    return None


def _positive_gap(
    coef: FloatArray,
    correlation: FloatArray,
    residual_sq: float,
    l1: float | FloatArray,
    l2: float,
) -> float:
    """:func:`enet_duality_gap` of the problem constrained to ``w ≥ 0`` (module docstring).

    The augmented point is rescaled by ``s = min(1, min_j l1_j/g_j⁺)``, the largest ``s``
    with ``s g_j ≤ l1_j`` for every j; each term ``w_j(l1_j − s g_j)`` is then ≥ 0. With
    ``l1 = 0`` (non-negative ridge) ``s`` is 1 if no ``g_j`` is > 0 and 0 otherwise (the
    limit), where the Fenchel gap is the useful one.
    """
    gap = np.inf
    smooth_grad = correlation - l2 * coef
    # min_j l1_j/g_j⁺ is < 1 iff some g_j > l1_j, and then attained among those j.
    over = smooth_grad > l1
    scale = 1.0
    if over.any():
        bound = np.broadcast_to(l1, smooth_grad.shape)[over]
        scale = float(np.min(bound / smooth_grad[over]))
    gap = _augmented_gap(coef * (l1 - scale * smooth_grad), scale, residual_sq, l2, coef)
    if l2 > 0.0:
        above = correlation - l1
        terms = np.where(
            above >= 0.0,
            (l2 * coef - above) ** 2 / (2.0 * l2),
            0.5 * l2 * coef**2 - coef * above,
        )
        gap = min(gap, float(terms.sum()))
    return float(gap)


def positive_subdiff_distance(
    coef: FloatArray, correlation: FloatArray, l1: float | FloatArray, l2: float | FloatArray
) -> FloatArray:
    """KKT residual of the problem constrained to ``w ≥ 0``, per coordinate.

    ``dist(u_j, ∂h_j(w_j))`` with ``h_j(w) = l1_j w + l2/2 w² + ι(w ≥ 0)``:
    ``|u_j − l1_j − l2 w_j|`` where ``w_j > 0``, ``max(u_j − l1_j, 0)`` where ``w_j = 0``.
    """
    above = correlation - l1
    distance: FloatArray = np.where(coef > 0.0, np.abs(above - l2 * coef), np.maximum(above, 0.0))
    return distance


def _fenchel_gap(
    coef: FloatArray,
    abs_coef: FloatArray,
    correlation: FloatArray,
    l1: float | FloatArray,
    l2: float,
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
    return float(terms.sum())


def gap_threshold(yty: float, tol: float) -> float:
    """Absolute stopping threshold ``tol · max(F(0), tiny)`` with ``F(0) = yᵀy / (2n)``.

    ``yty`` is ``yᵀy / n`` of the centered target, so the tolerance is relative to the
    objective of the all-zero solution.
    """
    return tol * max(0.5 * yty, _TINY)


class EnetCertificate(Certificate):
    """The certificate of an elastic-net solution (:func:`certify_enet`), with its wording."""

    def describe(self) -> str:
        """The certificate against its threshold, in words (for warnings)."""
        if self.kind == "duality gap":
            return (
                f"duality gap {self.value:.3e} against its threshold {self.tol:.3e} (tol·F(0), "
                "or the gap's rounding floor if larger)"
            )
        return (
            f"KKT residual {self.value:.3e} against its threshold {self.tol:.3e} (the duality "
            "gap is within its rounding floor here, so the KKT residual decides)"
        )


def certify_enet(
    data: LeastSquaresData, coef: FloatArray, gap: float, penalty: EnetPenalty, *, tol: float
) -> EnetCertificate:
    """Certify ``w = coef`` for ``1/(2n)||y − Xw||² + alpha·P(w)``: duality gap or KKT.

    With ``threshold = tol·F(0)`` (:func:`gap_threshold`) and the floors of the module
    docstring, in this order:

    1. ``gap ≤ max(threshold, evaluation floor)``: converged, certified by the
       duality gap, ``tol`` the larger of the two;
    2. ``gap ≤ evaluation + resolution floor``: the gap is within what floating point
       resolves at this point (tiny alpha), so the KKT residual decides:
       ``ρ = max_j dist(u_j, alpha·∂P_j(w_j))`` (:func:`~bayesreg.core.penalties.subdiff_distance`
       of ``−u``), converged iff ``ρ ≤ max(tol·||c||∞, KKT_ROUNDING_FACTOR·δ∞)``, relative
       to the gradient ``c = Xᵀy/n`` at ``w = 0`` as for the logistic solver;
    3. otherwise: not converged, certified by the duality gap.

    The gap is recomputed from ``data`` when it is above the threshold (the solver may
    have evaluated it from a rounded Gram matrix) and the smaller value kept; every
    certificate costs at most two passes over the data, only past step 1.

    Parameters
    ----------
    data : LeastSquaresData
        The centered problem as the caller holds it (rows or sufficient statistics).
    coef : ndarray of shape (p,)
        The solution ``w``.
    gap : float
        Its duality gap as the solver computed it.
    penalty : EnetPenalty
        ``alpha·P``. With ``l1_scale`` the floors and the KKT residual use ``l1_j``: the
        resolution floor takes ``1 − s = t/(1 + t)``, ``t = max_j δ_j/l1_j`` (the worst
        rescaling a rounding ``δ`` can force), and ``2(1 − s) Σ_j l1_j|w_j|``. With
        ``positive``: the duality gap and the KKT residual
        (:func:`positive_subdiff_distance`) of the constrained problem, the same floors
        (module docstring).
    tol : float
        The relative tolerance (of the gap to ``F(0) = yᵀy/(2n)``, of the KKT residual
        to ``||c||∞``).

    Returns
    -------
    EnetCertificate
    """
    threshold = gap_threshold(data.yty, tol)
    if gap <= threshold:
        return EnetCertificate("duality gap", gap, threshold)
    index = np.flatnonzero(coef)
    correlation, residual_sq = data.correlation(index, coef[index])
    gap = min(gap, penalty.duality_gap(coef, correlation, residual_sq))
    magnitude = data.gradient_magnitude(index, coef[index])
    evaluation = _evaluation_floor(coef, magnitude, data.xty, data.yty)
    gap_tol = max(threshold, evaluation)
    if gap <= gap_tol:
        return EnetCertificate("duality gap", gap, gap_tol)
    rounding = EPS * math.sqrt(coef.size) * magnitude
    if gap > evaluation + penalty.resolution_floor(coef, rounding, residual_sq):
        return EnetCertificate("duality gap", gap, gap_tol)
    kkt = float(np.max(penalty.kkt_distance(coef, correlation)))
    kkt_tol = max(
        tol * float(np.max(np.abs(data.xty))), KKT_ROUNDING_FACTOR * float(np.max(rounding))
    )
    return EnetCertificate("kkt residual", kkt, kkt_tol)


def enet_gap_floor(data: LeastSquaresData, coef: FloatArray) -> float:
    """Rounding error of the duality gap evaluated from ``data`` at ``w = coef``.

    ``eps·√p·(|w|ᵀa + (yy + |w|ᵀ(|c| + a))/2)`` with ``a`` the gradient magnitude
    (module docstring): the errors of the terms ``l1|w_j| − s w_j g_j`` and of ``rr``.
    """
    index = np.flatnonzero(coef)
    magnitude = data.gradient_magnitude(index, coef[index])
    return _evaluation_floor(coef, magnitude, data.xty, data.yty)


def _evaluation_floor(
    coef: FloatArray, magnitude: FloatArray, xty: FloatArray, yty: float
) -> float:
    abs_coef = np.abs(coef)
    terms = float(abs_coef @ magnitude) + 0.5 * (yty + float(abs_coef @ (np.abs(xty) + magnitude)))
    return EPS * math.sqrt(coef.size) * terms


def _resolution_floor(
    coef: FloatArray, rounding: FloatArray, residual_sq: float, alpha: float, l1_ratio: float
) -> float:
    """The gap of an exact minimizer whose correlations err by ``rounding`` (module docstring)."""
    l1 = alpha * l1_ratio
    l2 = alpha * (1.0 - l1_ratio)
    floor = math.inf
    if l1 > 0.0:
        worst = float(np.max(rounding))
        shrink = worst / (l1 + worst)  # 1 − s when ||g||∞ = l1 + δ∞
        quadratic = 0.5 * residual_sq + 0.5 * l2 * float(coef @ coef)
        floor = shrink**2 * quadratic + 2.0 * l1 * shrink * float(np.sum(np.abs(coef)))
    if l2 > 0.0:
        floor = min(floor, float(np.sum(rounding**2)) / (2.0 * l2))
    return floor


def _weighted_resolution_floor(
    coef: FloatArray,
    rounding: FloatArray,
    residual_sq: float,
    alpha: float,
    l1_ratio: float,
    l1_scale: FloatArray,
) -> float:
    """:func:`_resolution_floor` with the L1 weights ``l1_j = alpha·r·l1_scale_j``."""
    l1 = alpha * l1_ratio * l1_scale
    l2 = alpha * (1.0 - l1_ratio)
    floor = math.inf
    if l1_ratio > 0.0:
        worst = float(np.max(rounding / l1))
        shrink = worst / (1.0 + worst)  # 1 − s when max_j |g_j|/l1_j = 1 + max_j δ_j/l1_j
        quadratic = 0.5 * residual_sq + 0.5 * l2 * float(coef @ coef)
        floor = shrink**2 * quadratic + 2.0 * shrink * float(l1 @ np.abs(coef))
    if l2 > 0.0:
        floor = min(floor, float(np.sum(rounding**2)) / (2.0 * l2))
    return floor


def _weighted_subdiff_distance(
    coef: FloatArray, correlation: FloatArray, alpha: float, l1_ratio: float, l1_scale: FloatArray
) -> FloatArray:
    """``dist(u_j, ∂(l1_j|w_j| + l2/2 w_j²))`` with ``l1_j = alpha·r·l1_scale_j``."""
    l1 = alpha * l1_ratio * l1_scale
    smooth = alpha * (1.0 - l1_ratio) * coef - correlation
    distance: FloatArray = np.where(
        coef != 0.0,
        np.abs(smooth + l1 * np.sign(coef)),
        np.maximum(np.abs(smooth) - l1, 0.0),
    )
    return distance


def _augmented_gap(
    terms: FloatArray, scale: float, residual_sq: float, l2: float, coef: FloatArray
) -> float:
    """The gap at the rescaled augmented dual point (module docstring)::

        (1 − s)² (rr/2 + l2/2 ||w||²) + Σ_j max(t_j, 0)

    ``t_j`` the per-coordinate terms, each ≥ 0 in exact arithmetic (clipped against rounding).
    """
    quadratic = (1.0 - scale) ** 2 * (0.5 * residual_sq + 0.5 * l2 * float(coef @ coef))
    return quadratic + float(np.maximum(terms, 0.0).sum())
