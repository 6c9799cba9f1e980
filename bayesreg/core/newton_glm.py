"""A penalized generalized linear model as an oracle of the proximal Newton engine.

    F(w, w0) = L(η) + alpha · P(w),   η = w0 + X w,   P(w) = r ||w||₁ + (1 − r)/2 ||w||²

with L a :mod:`~bayesreg.core.datafits` datafit. The engine's coordinates are
θ = (w0, w) (θ = w without an intercept); the intercept is smooth, each w_j has the
kink λ_j = alpha·r at m_j = 0, and the smooth part is s = L + l2/2 ||w||²
(l2 = alpha·(1 − r)), so

    ĝ = (Σ_i ∂L/∂η_i,  Xᵀ ∂L/∂η + l2 w),    ∇²s = Zᵀ diag(∂²L/∂η²) Z + l2 diag(0, I),

Z = [1, X]. ``X`` is a dense array or a scipy.sparse matrix (CSC reads columns fastest):
the oracle uses only ``X v``, ``Xᵀ r`` and the Hessian's block on the working columns
(``X_Wᵀ diag(·) X_W``), so a sparse X is never densified. With no L1 term and more
features than samples the Newton system is solved through n×n matrices (Woodbury).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse
from numpy.typing import NDArray

from bayesreg.core.datafits import Datafit
from bayesreg.core.newton import Curvature, DenseCurvature, Point
from bayesreg.core.penalties import penalty_value
from bayesreg.core.types import FloatArray, IndexArray
from bayesreg.validation import is_sparse

__all__ = ["GLMPenaltyTerms", "PenalizedGLM"]


@dataclass(frozen=True)
class _State:
    """What the oracle keeps of a point: η and the Hessian weights ∂²L/∂η²."""

    eta: FloatArray
    hessian_weights: FloatArray


class GLMPenaltyTerms:
    """The penalty side of a penalized GLM, shared by its oracles (in memory, streamed).

    ``alpha · Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]`` over θ = (w0, w) (θ = w without an
    intercept), optionally with ``w ≥ 0``. A subclass holds the fields ``alpha``,
    ``l1_ratio``, ``fit_intercept``, ``penalty_factor``, ``positive`` and says how many
    features there are (``n_features``).
    """

    alpha: float
    l1_ratio: float
    fit_intercept: bool
    penalty_factor: FloatArray | None
    positive: bool

    @property
    def n_features(self) -> int:
        """Number of coefficients p."""
        raise NotImplementedError

    @property
    def convex(self) -> bool:
        """A datafit of a GLM is convex in η, so F is convex."""
        return True

    @property
    def working_sets(self) -> bool:
        """Hessian blocks cost n·|W|², so each step works on a working set."""
        return True

    @property
    def l1(self) -> float:
        """Weight ``alpha · r`` of ||w||₁."""
        return self.alpha * self.l1_ratio

    @property
    def l2(self) -> float:
        """Weight ``alpha · (1 − r)`` of ||w||²/2."""
        return self.alpha * (1.0 - self.l1_ratio)

    @property
    def n_free(self) -> int:
        """Number of smooth coordinates ahead of w in θ: 1 with an intercept, else 0."""
        return int(self.fit_intercept)

    @cached_property
    def weights(self) -> FloatArray:
        """λ over θ: 0 for the intercept, alpha·r (times v_j) for each w_j."""
        kinks = np.full(self.n_features, self.l1)
        if self.penalty_factor is not None:
            kinks = kinks * self.penalty_factor
        return np.concatenate((np.zeros(self.n_free), kinks))

    @cached_property
    def l2_weights(self) -> FloatArray | float:
        """The L2 weight of each w_j: alpha·(1 − r), times v_j with penalty factors."""
        if self.penalty_factor is None:
            return self.l2
        factors: FloatArray = self.l2 * self.penalty_factor
        return factors

    def penalty(self, coef: FloatArray) -> float:
        """``alpha · Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]`` (v = 1 without factors)."""
        if self.penalty_factor is None:
            return penalty_value(coef, self.alpha, self.l1_ratio)
        return float(self.penalty_factor @ (self.l1 * np.abs(coef) + 0.5 * self.l2 * coef * coef))

    @cached_property
    def bounded(self) -> NDArray[np.bool_] | None:
        """The coordinates of θ held at ``θ_j ≥ 0`` (every w_j with ``positive``), or None."""
        if not self.positive:
            return None
        bounded = np.ones(self.n_free + self.n_features, dtype=bool)
        bounded[: self.n_free] = False
        return bounded

    @cached_property
    def locations(self) -> FloatArray:
        """The kinks m = 0."""
        return np.zeros(self.n_free + self.n_features)

    def theta(self, coef: FloatArray, intercept: float) -> FloatArray:
        """θ of ``(coef, intercept)``."""
        return np.concatenate(([intercept], coef)) if self.fit_intercept else coef.copy()

    def split(self, theta: FloatArray) -> tuple[FloatArray, float]:
        """``(coef, intercept)`` of θ (intercept 0 without one)."""
        return theta[self.n_free :], float(theta[0]) if self.fit_intercept else 0.0


@dataclass(frozen=True)
class PenalizedGLM(GLMPenaltyTerms):
    """``F(w, w0) = L(w0 + X w) + alpha · P(w)`` (module docstring).

    ``X`` (dense, or scipy.sparse CSC/CSR) and the datafit's data are validated arrays,
    never modified.
    """

    X: Any
    datafit: Datafit
    alpha: float
    l1_ratio: float
    fit_intercept: bool
    #: Per-coefficient penalty factors v (None: all 1): P(w) = Σ_j v_j [r|w_j| + (1−r)/2 w_j²],
    #: so the kink weights are alpha·r·v_j and the L2 weights alpha·(1 − r)·v_j; a coefficient
    #: with v_j = 0 is a smooth, unpenalized coordinate.
    penalty_factor: FloatArray | None = None
    #: Constrain every w_j ≥ 0 (a bound at the kink m_j = 0; the intercept stays free).
    positive: bool = False

    @property
    def n_features(self) -> int:
        """Number of columns of X."""
        return int(self.X.shape[1])

    def evaluate(self, theta: FloatArray) -> Point:
        """F, ĝ, λ and m at θ; the state is η (recomputed from θ, so it never drifts) and
        the Hessian weights ∂²L/∂η²."""
        coef, intercept = self.split(theta)
        eta: FloatArray = np.asarray(self.X @ coef) + intercept
        residual, hessian_weights = self.datafit.derivatives(eta)
        grad_coef = np.asarray(self.X.T @ residual) + self.l2_weights * coef
        gradient = (
            np.concatenate(([residual.sum()], grad_coef)) if self.fit_intercept else grad_coef
        )
        value = self.datafit.value(eta) + self.penalty(coef)
        state = _State(eta, hessian_weights)
        return Point(
            theta, value, gradient, self.weights, self.locations, state, positive=self.bounded
        )

    def curvature(self, point: Point, columns: IndexArray) -> Curvature:
        """∇²s on ``columns`` (which hold the intercept, a smooth coordinate)."""
        hessian_weights = point.state.hessian_weights
        features = columns[self.n_free :] - self.n_free
        n_samples, n_features = self.X.shape
        if (
            self.penalty_factor is None
            and not self.positive
            and self.l1 == 0.0
            and self.l2 > 0.0
            and n_features > n_samples
        ):
            return _KernelCurvature(self, hessian_weights)
        return DenseCurvature(self.hessian(hessian_weights, features))

    def line(
        self, point: Point, columns: IndexArray, direction: FloatArray
    ) -> Callable[[float, FloatArray], float]:
        """``F`` along the step, from ``η + t Δη`` with ``Δη = Z_W d`` (one product)."""
        features = columns[self.n_free :] - self.n_free
        delta_eta = np.asarray(self._columns(features) @ direction[self.n_free :])
        if self.fit_intercept:
            delta_eta = delta_eta + direction[0]
        eta: FloatArray = point.state.eta

        def value(step: float, theta: FloatArray) -> float:
            penalty = self.penalty(theta[self.n_free :])
            return self.datafit.value(eta + step * delta_eta) + penalty

        return value

    def hessian(self, hessian_weights: FloatArray, features: IndexArray) -> FloatArray:
        """The Hessian of s in ``(w0, w_features)``::

            [ 1ᵀH1      1ᵀH X_c           ]
            [ X_cᵀH1    X_cᵀH X_c + l2 I  ]     (first row and column only with an intercept)

        with ``X_c`` the chosen columns of X and ``H = diag(hessian_weights)``.
        """
        design = self._columns(features)
        root = np.sqrt(hessian_weights)
        if is_sparse(design):
            scaled = scipy.sparse.diags(root) @ design
            gram: FloatArray = np.asarray((scaled.T @ scaled).toarray())
        else:
            scaled = design * root[:, None]
            gram = scaled.T @ scaled
        l2 = self.l2_weights
        gram[np.diag_indices_from(gram)] += l2 if isinstance(l2, float) else l2[features]
        if not self.fit_intercept:
            return gram
        size = features.size + 1
        bordered = np.empty((size, size))
        bordered[0, 0] = hessian_weights.sum()
        bordered[0, 1:] = bordered[1:, 0] = np.asarray(design.T @ hessian_weights)
        bordered[1:, 1:] = gram
        return bordered

    @cached_property
    def kernel(self) -> FloatArray:
        """``K = X Xᵀ`` (n × n), formed once."""
        product = self.X @ self.X.T
        kernel: FloatArray = np.asarray(product.toarray()) if is_sparse(product) else product
        return kernel

    def _columns(self, features: IndexArray) -> Any:
        """``X[:, features]`` (X itself when that is every column)."""
        return self.X if features.size == self.X.shape[1] else self.X[:, features]


@dataclass(frozen=True)
class _KernelCurvature:
    """The Hessian of s over all of θ when l2 > 0 and p > n, solved through n×n systems.

    With S = diag(√h), B = S X and K = X Xᵀ, the Woodbury identity gives

        M⁻¹ v = (v − Bᵀ G⁻¹ B v / l2) / l2,   M = XᵀHX + l2 I,   G = I + S K S / l2,

    and G has every eigenvalue ≥ 1. With an intercept the bordered system is solved
    through its Schur complement; by the push-through identity

        σ = 1ᵀH1 − bᵀM⁻¹b = sᵀ G⁻¹ s,    M⁻¹ b = Bᵀ G⁻¹ s / l2,    b = XᵀH1,  s = √h,

    so σ > 0 is computed without cancellation, and for the right-hand side (r0, r)
    x0 = (r0 − bᵀ M⁻¹ r) / σ,  x = M⁻¹ (r − b x0).
    """

    problem: PenalizedGLM
    hessian_weights: FloatArray

    def matrix(self) -> FloatArray:
        features = np.arange(self.problem.X.shape[1])
        return self.problem.hessian(self.hessian_weights, features)

    def solve(self, rhs: FloatArray) -> FloatArray:
        X, l2 = self.problem.X, self.problem.l2
        root = np.sqrt(self.hessian_weights)
        factor = scipy.linalg.cho_factor(
            np.eye(root.size) + np.outer(root, root) * self.problem.kernel / l2
        )

        def apply_inverse(vector: FloatArray) -> FloatArray:
            projected = root * scipy.linalg.cho_solve(factor, root * np.asarray(X @ vector))
            result: FloatArray = (vector - np.asarray(X.T @ projected) / l2) / l2
            return result

        if not self.problem.fit_intercept:
            return apply_inverse(rhs)
        inverse_rhs = apply_inverse(rhs[1:])
        weighted_root = root * scipy.linalg.cho_solve(factor, root)
        schur = float(weighted_root.sum())
        inverse_border = np.asarray(X.T @ weighted_root) / l2
        border = np.asarray(X.T @ self.hessian_weights)
        intercept = (float(rhs[0]) - float(border @ inverse_rhs)) / schur
        return np.concatenate(([intercept], inverse_rhs - intercept * inverse_border))
