"""The penalized Bernoulli objective as the logistic solvers evaluate it.

    F(w, w0) = 1/n Σ_i [log(1 + exp(η_i)) − y_i η_i] + alpha · P(w),   η = w0 + X w
    P(w) = r ||w||₁ + (1 − r)/2 ||w||²

Each term of the loss is evaluated as log(1 + exp(s_i η_i)) with s_i = 1 − 2 y_i:
for y_i = 1, log(1 + e^η) − η = log(1 + e^{−η}), so no two large numbers are
subtracted and the loss keeps full relative precision for |η| up to ~1e308.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

from bayesreg.core.objective import log1pexp
from bayesreg.core.penalties import penalty_value, subdiff_distance

__all__ = ["LineSearchError", "PenalizedBernoulli", "SolverOutcome"]

FloatArray = NDArray[np.float64]

#: Sufficient-decrease constant of the Armijo rule F(x + t d) ≤ F(x) + c t Δ.
ARMIJO = 1e-4
#: Step halvings tried before the line search gives up (t ≥ 2^-40).
MAX_HALVINGS = 40
#: F is evaluated with a relative rounding error of a few ulps; a trial point whose
#: value lies within this many ulps of F(x) counts as no increase.
ROUNDING_ULPS = 16.0


class LineSearchError(ArithmeticError):
    """No step along a descent direction decreased F beyond rounding."""


@dataclass(frozen=True)
class SolverOutcome:
    """What a logistic solver returns to :func:`bayesreg.core.logistic.logistic`.

    ``kkt`` is the KKT residual at (coef, intercept); ``stalled`` is True when the
    line search stopped the solver before the residual reached its threshold.
    """

    coef: FloatArray
    intercept: float
    kkt: float
    n_iter: int
    stalled: bool


@dataclass(frozen=True)
class PenalizedBernoulli:
    """Data and penalty of one problem; evaluates F, ∇L and the KKT residual.

    ``X`` and ``y`` are the validated arrays (never modified); ``y`` holds 0 and 1.
    """

    X: FloatArray
    y: FloatArray
    alpha: float
    l1_ratio: float
    fit_intercept: bool

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def l1(self) -> float:
        """Weight ``alpha · r`` of ||w||₁."""
        return self.alpha * self.l1_ratio

    @property
    def l2(self) -> float:
        """Weight ``alpha · (1 − r)`` of ||w||²/2."""
        return self.alpha * (1.0 - self.l1_ratio)

    def linear_predictor(self, coef: FloatArray, intercept: float) -> FloatArray:
        """``η = w0 + X w``."""
        eta: FloatArray = self.X @ coef + intercept
        return eta

    def loss(self, eta: FloatArray) -> float:
        """``L = 1/n Σ log(1 + exp(s_i η_i))`` with ``s_i = 1 − 2 y_i``."""
        return float(np.mean(log1pexp((1.0 - 2.0 * self.y) * eta)))

    def value(self, eta: FloatArray, coef: FloatArray) -> float:
        """``F(w, w0) = L(η) + alpha · P(w)``."""
        return self.loss(eta) + penalty_value(coef, self.alpha, self.l1_ratio)

    def derivatives(self, eta: FloatArray) -> tuple[FloatArray, float, FloatArray]:
        """Loss gradient and Hessian weights at ``η``.

        ∇_w L = Xᵀ(μ − y)/n,  ∂L/∂w0 = mean(μ − y) (0 without an intercept),
        ∇²L = Zᵀ diag(μ(1 − μ)/n) Z with Z = [1, X],  μ = expit(η).

        Returns ``(grad_coef, grad_intercept, weights)`` with ``weights = μ(1 − μ)/n``.
        """
        prob = expit(eta)
        residual = prob - self.y
        grad_coef: FloatArray = self.X.T @ residual / self.n_samples
        grad_intercept = float(np.mean(residual)) if self.fit_intercept else 0.0
        weights: FloatArray = prob * (1.0 - prob) / self.n_samples
        return grad_coef, grad_intercept, weights

    def hessian(self, weights: FloatArray, columns: NDArray[np.intp] | None = None) -> FloatArray:
        """Hessian of the smooth part ``L + l2/2 ||w||²`` in ``(w0, w_columns)``::

            [ 1ᵀW1    1ᵀWX_c            ]
            [ X_cᵀW1  X_cᵀWX_c + l2 I   ]     (first row and column only with an intercept)

        with ``X_c`` the chosen columns of X (all when ``columns`` is None) and
        ``W = diag(weights)``.
        """
        design = self.X if columns is None else self.X[:, columns]
        scaled = design * np.sqrt(weights)[:, None]
        gram: FloatArray = scaled.T @ scaled
        gram[np.diag_indices_from(gram)] += self.l2
        if not self.fit_intercept:
            return gram
        size = design.shape[1] + 1
        bordered = np.empty((size, size))
        bordered[0, 0] = weights.sum()
        bordered[0, 1:] = bordered[1:, 0] = design.T @ weights
        bordered[1:, 1:] = gram
        return bordered

    def violations(self, coef: FloatArray, grad_coef: FloatArray) -> FloatArray:
        """Per-coordinate distance of ``−∇_w L`` to ``alpha · ∂P(w)``."""
        return subdiff_distance(coef, grad_coef, self.alpha, self.l1_ratio)

    def kkt_residual(self, coef: FloatArray, grad_coef: FloatArray, grad_intercept: float) -> float:
        """``max(max_j dist(−∇_j L, alpha ∂P(w_j)), |∂L/∂w0|)``: zero exactly at the minimizer."""
        return max(float(np.max(self.violations(coef, grad_coef))), abs(grad_intercept))

    def line_search(
        self,
        eta: FloatArray,
        coef: FloatArray,
        value: float,
        delta_eta: FloatArray,
        delta_coef: FloatArray,
        decrease: float,
    ) -> tuple[float, float]:
        """Backtracking (Armijo) step along a descent direction.

        Finds the largest t in {1, 1/2, 1/4, ...} with

            F(w + t d, w0 + t d0) ≤ F(w, w0) + c · t · Δ,

        where Δ < 0 is the predicted decrease (∇fᵀd plus the change of the
        non-smooth term for proximal Newton; ∇Fᵀd for Newton). Close to the
        minimizer both sides agree to rounding, so a trial value within a few ulps
        of F(w, w0) is accepted. Returns ``(t, F at the new point)``.

        Raises
        ------
        LineSearchError
            If no step down to 2^-40 satisfies the rule.
        """
        slack = ROUNDING_ULPS * np.finfo(np.float64).eps * abs(value)
        step = 1.0
        for _ in range(MAX_HALVINGS):
            trial = self.value(eta + step * delta_eta, coef + step * delta_coef)
            if trial <= value + ARMIJO * step * decrease + slack:
                return step, trial
            step *= 0.5
        raise LineSearchError(f"no decrease of F along the direction (Δ = {decrease:.3e})")
