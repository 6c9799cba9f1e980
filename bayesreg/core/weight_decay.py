"""Weight decay is the L2 penalty applied step by step — and where Adam breaks that.

The ridge objective (the package's convention with ``l1_ratio = 0``)::

    F(w, w0) = L(w, w0) + alpha/2 ||w||²,    L(w, w0) = 1/(2n) ||y − w0 − X w||²

has ``∇_w F = ∇_w L + alpha·w``, so one gradient step of size η on F is

    w ← w − η (∇_w L(w) + alpha·w) = (1 − η·alpha)·w − η·∇_w L(w):

shrinking the weights by the factor ``(1 − η·alpha)`` before a gradient step on the loss
(weight decay) is exactly gradient descent on the L2-penalized objective, and its fixed
point is the ridge solution. (A penalty written ``alpha·||w||²`` without the ½ would
need the factor ``1 − 2η·alpha``.)

Adam rescales each coordinate of the gradient by ``1/(√v̂ + ε)``. With the L2 term in the
gradient ("Adam + L2") a fixed point still has ``∇F = 0``, so it is the ridge solution.
With decoupled weight decay (AdamW, Loshchilov & Hutter 2019)::

    w ← w − η (m̂ / (√v̂ + ε) + alpha·w),    m̂, v̂ built from ∇_w L only,

a full-batch fixed point has ``m̂ = g``, ``v̂ = g²`` with ``g = ∇_w L(w)``, hence
``g_j / (|g_j| + ε) = −alpha·w_j``, i.e. ``g_j = −ε·alpha·w_j / (1 − alpha·|w_j|)`` with
``|w_j| < 1/alpha``. That is the stationarity condition of
``L(w) + ε Σ_j [−|w_j| − log(1 − alpha|w_j|)/alpha]``, not of F: AdamW's fixed point is
close to least squares inside the box ``||w||_∞ < 1/alpha``, not the ridge solution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from bayesreg.core.objective import objective
from bayesreg.core.types import FloatArray, freeze_fields
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.validation import (
    as_coef,
    as_design,
    as_target,
    check_bool,
    check_choice,
    check_finite,
    check_finite_nonneg,
    check_positive,
    check_positive_int,
)

__all__ = ["WeightDecayTrace", "adam", "gradient_descent_ridge"]


Method = Literal["gradient descent", "adam + l2", "adamw"]


@dataclass(frozen=True)
class WeightDecayTrace:
    """The trajectory of an optimizer on the ridge objective ``F``.

    Attributes
    ----------
    method : {"gradient descent", "adam + l2", "adamw"}
    alpha : float
        The L2 penalty (gradient descent, Adam + L2) or the decoupled decay
        coefficient (AdamW).
    learning_rate : float
        The (initial) step size η.
    steps : ndarray of int, shape (m,)
        The step numbers recorded (0 is the starting point; the last step is always
        recorded).
    coefs : ndarray of shape (m, n_features)
    intercepts : ndarray of shape (m,)
    objectives : ndarray of shape (m,)
        ``F(w, w0) = 1/(2n) ||y − w0 − X w||² + alpha/2 ||w||²`` at each record.
    gradient_norms : ndarray of shape (m,)
        ``||∇F(w, w0)||₂`` (the intercept's partial derivative included when it is
        fitted): zero exactly at the ridge solution.

    Examples
    --------
    The optimizers return one; it records every ``record_every`` steps:

    >>> import numpy as np
    >>> from bayesreg import gradient_descent_ridge
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 3))
    >>> y = X @ np.array([1.0, -2.0, 0.0]) + rng.standard_normal(100)
    >>> trace = gradient_descent_ridge(X, y, 0.1, n_steps=200, record_every=50)
    >>> trace.steps
    array([  0,  50, 100, 150, 200])
    >>> trace.coefs.shape, trace.objectives.shape, trace.coef.shape
    ((5, 3), (5,), (3,))
    >>> bool(trace.gradient_norms[-1] < 1e-8 < trace.gradient_norms[0])
    True
    """

    method: Method
    alpha: float
    learning_rate: float
    steps: NDArray[np.int64]
    coefs: FloatArray
    intercepts: FloatArray
    objectives: FloatArray
    gradient_norms: FloatArray

    def __post_init__(self) -> None:
        freeze_fields(self, "coefs", "intercepts", "objectives", "gradient_norms")
        freeze_fields(self, "steps", dtype=np.int64)
        object.__setattr__(self, "alpha", float(self.alpha))
        object.__setattr__(self, "learning_rate", float(self.learning_rate))

    @property
    def coef(self) -> FloatArray:
        """The final coefficients."""
        final: FloatArray = self.coefs[-1]
        return final

    @property
    def intercept(self) -> float:
        """The final intercept."""
        return float(self.intercepts[-1])


def gradient_descent_ridge(
    X: Any,
    y: Any,
    alpha: float,
    *,
    learning_rate: float | None = None,
    n_steps: int = 1000,
    fit_intercept: bool = True,
    record_every: int = 1,
    coef_init: Any = None,
    intercept_init: float = 0.0,
) -> WeightDecayTrace:
    """Gradient descent with weight decay: ``w ← (1 − η·alpha)·w − η·∇_w L(w, w0)``.

    With ``L(w, w0) = 1/(2n) ||y − w0 − X w||²`` this is gradient descent on
    ``F = L + alpha/2 ||w||²``; the intercept takes plain gradient steps
    ``w0 ← w0 − η ∂L/∂w0`` (it is not decayed, as it is not penalized).

    The default step is ``η = 1/(Lip + alpha)`` with ``Lip = σ_max([1, X])²/n`` (``σ_max(X)²/n``
    without an intercept), the largest eigenvalue of the Hessian of L, so that ``η`` is at
    most 1/(largest eigenvalue of the Hessian of F). On this quadratic, every step then
    contracts the distance to the ridge solution by at least ``1 − η·μ``, with μ the
    smallest eigenvalue of the Hessian of F; any ``η < 2/λ_max(∇²F)`` converges.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alpha : float
        L2 penalty (decay rate per unit step), ≥ 0.
    learning_rate : float, optional
        Step size η > 0; default ``1/(Lip + alpha)``.
    n_steps : int, default 1000
    fit_intercept : bool, default True
    record_every : int, default 1
        Record the iterate every this many steps (the start and the last step always).
    coef_init : array-like of shape (n_features,), optional
        Starting coefficients (default zeros).
    intercept_init : float, default 0.0

    Returns
    -------
    WeightDecayTrace

    Examples
    --------
    Weight decay converges to the ridge solution:

    >>> import numpy as np
    >>> from bayesreg import gradient_descent_ridge, ridge
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 3))
    >>> y = X @ np.array([1.0, -2.0, 0.0]) + rng.standard_normal(100)
    >>> trace = gradient_descent_ridge(X, y, 0.1, n_steps=200)
    >>> trace.method, trace.coefs.shape
    ('gradient descent', (201, 3))
    >>> bool(np.allclose(trace.coef, ridge(X, y, 0.1).coef))
    True
    """
    problem = _RidgeProblem.create(X, y, alpha, fit_intercept)
    steps_total = check_positive_int(n_steps, "n_steps")
    every = check_positive_int(record_every, "record_every")
    step_size = (
        1.0 / (problem.lipschitz() + problem.alpha)
        if learning_rate is None
        else check_positive(learning_rate, "learning_rate")
    )
    coef, intercept = problem.start(coef_init, intercept_init)
    recorder = _Recorder(steps_total, every, coef, intercept)
    for step in range(1, steps_total + 1):
        grad_coef, grad_intercept = problem.loss_gradient(coef, intercept)
        # Weight decay, then a gradient step on L: the gradient step on F.
        coef = (1.0 - step_size * problem.alpha) * coef - step_size * grad_coef
        intercept -= step_size * grad_intercept
        recorder.add(step, coef, intercept)
    return recorder.trace(problem, "gradient descent", step_size)


def adam(
    X: Any,
    y: Any,
    alpha: float,
    *,
    weight_decay: Literal["l2", "decoupled"] = "l2",
    learning_rate: float = 1e-2,
    n_steps: int = 1000,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    schedule: Literal["constant", "cosine"] = "constant",
    fit_intercept: bool = True,
    record_every: int = 1,
    coef_init: Any = None,
    intercept_init: float = 0.0,
) -> WeightDecayTrace:
    """Full-batch Adam on the ridge objective, with the L2 term coupled or decoupled.

    With ``g_t`` the gradient used at step t (t = 1, 2, ...)::

        m_t = β1 m_{t−1} + (1 − β1) g_t,     m̂_t = m_t / (1 − β1^t)
        v_t = β2 v_{t−1} + (1 − β2) g_t²,    v̂_t = v_t / (1 − β2^t)

    * ``weight_decay="l2"`` (Adam + L2): ``g = ∇_w L + alpha·w = ∇_w F`` and
      ``w ← w − η_t m̂/(√v̂ + ε)``. Its fixed points have ``∇F = 0``: the ridge solution.
    * ``weight_decay="decoupled"`` (AdamW): ``g = ∇_w L`` and
      ``w ← w − η_t (m̂/(√v̂ + ε) + alpha·w)``. Its fixed point solves
      ``∇_w L(w)_j = −ε·alpha·w_j / (1 − alpha|w_j|)`` (see the module docstring), which
      is not ``∇F = 0``: AdamW does not converge to the ridge solution.

    The intercept takes Adam steps on ``∂L/∂w0`` and is never decayed. Gradients are
    full-batch, so the trajectory is deterministic. ``schedule="cosine"`` anneals the step
    ``η_t = η·(1 + cos(π (t − 1)/n_steps))/2``; with a constant step Adam keeps moving
    within a neighbourhood of its fixed point whose size scales with η.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alpha : float
        L2 penalty or decoupled decay coefficient, ≥ 0.
    weight_decay : {"l2", "decoupled"}, default "l2"
    learning_rate : float, default 0.01
    n_steps : int, default 1000
    betas : (float, float), default (0.9, 0.999)
        Decay rates of the moment estimates, each in [0, 1).
    eps : float, default 1e-8
    schedule : {"constant", "cosine"}, default "constant"
    fit_intercept : bool, default True
    record_every : int, default 1
    coef_init : array-like of shape (n_features,), optional
    intercept_init : float, default 0.0

    Returns
    -------
    WeightDecayTrace
        ``method`` is ``"adam + l2"`` or ``"adamw"``; ``objectives`` and
        ``gradient_norms`` are those of F at ``alpha`` in both cases.

    Examples
    --------
    Adam with the L2 term in the gradient reaches the ridge solution; AdamW does not:

    >>> import numpy as np
    >>> from bayesreg import adam, ridge
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 3))
    >>> y = X @ np.array([1.0, -2.0, 0.0]) + rng.standard_normal(100)
    >>> target = ridge(X, y, 0.1).coef
    >>> options = dict(learning_rate=0.05, n_steps=2000, schedule="cosine")
    >>> coupled = adam(X, y, 0.1, **options)
    >>> coupled.method, bool(np.allclose(coupled.coef, target))
    ('adam + l2', True)
    >>> decoupled = adam(X, y, 0.1, weight_decay="decoupled", **options)
    >>> decoupled.method, bool(np.allclose(decoupled.coef, target, atol=0.01))
    ('adamw', False)
    """
    problem = _RidgeProblem.create(X, y, alpha, fit_intercept)
    decoupled = check_choice(weight_decay, "weight_decay", ("l2", "decoupled")) == "decoupled"
    step_size = check_positive(learning_rate, "learning_rate")
    steps_total = check_positive_int(n_steps, "n_steps")
    beta1, beta2 = _check_betas(betas)
    epsilon = check_positive(eps, "eps")
    annealed = check_choice(schedule, "schedule", ("constant", "cosine")) == "cosine"
    every = check_positive_int(record_every, "record_every")

    coef, intercept = problem.start(coef_init, intercept_init)
    recorder = _Recorder(steps_total, every, coef, intercept)
    # Moments of the stacked gradient (∂/∂w0, ∇_w); the w0 entry stays 0 without intercept.
    first_moment = np.zeros(coef.shape[0] + 1)
    second_moment = np.zeros(coef.shape[0] + 1)
    for step in range(1, steps_total + 1):
        grad_coef, grad_intercept = problem.loss_gradient(coef, intercept)
        if not decoupled:
            grad_coef = grad_coef + problem.alpha * coef  # ∇_w F = ∇_w L + alpha·w
        gradient = np.concatenate(([grad_intercept], grad_coef))
        first_moment = beta1 * first_moment + (1.0 - beta1) * gradient
        second_moment = beta2 * second_moment + (1.0 - beta2) * gradient**2
        direction = (first_moment / (1.0 - beta1**step)) / (
            np.sqrt(second_moment / (1.0 - beta2**step)) + epsilon
        )
        # cosine annealing: η_t = η (1 + cos(π (t − 1)/T)) / 2
        cosine = 0.5 * (1.0 + math.cos(math.pi * (step - 1) / steps_total))
        rate = step_size * cosine if annealed else step_size
        intercept -= rate * direction[0]
        if decoupled:
            # AdamW: w ← w − η_t (m̂/(√v̂ + ε) + alpha·w)
            coef = coef - rate * (direction[1:] + problem.alpha * coef)
        else:
            coef = coef - rate * direction[1:]
        recorder.add(step, coef, intercept)
    return recorder.trace(problem, "adamw" if decoupled else "adam + l2", step_size)


@dataclass(frozen=True)
class _RidgeProblem:
    """Validated data of ``F(w, w0) = 1/(2n) ||y − w0 − X w||² + alpha/2 ||w||²``."""

    X: FloatArray
    y: FloatArray
    alpha: float
    fit_intercept: bool

    @classmethod
    def create(cls, X: Any, y: Any, alpha: Any, fit_intercept: Any) -> _RidgeProblem:
        design = as_design(X)
        return cls(
            X=design,
            y=as_target(y, design.shape[0]),
            alpha=check_finite_nonneg(alpha, "alpha"),
            fit_intercept=check_bool(fit_intercept, "fit_intercept"),
        )

    def start(self, coef_init: Any, intercept_init: Any) -> tuple[FloatArray, float]:
        """Validated starting point (zeros by default)."""
        n_features = self.X.shape[1]
        coef = (
            np.zeros(n_features)
            if coef_init is None
            else as_coef(coef_init, n_features, "coef_init")
        )
        intercept = check_finite(intercept_init, "intercept_init")
        if not self.fit_intercept and intercept != 0.0:
            raise InputValueError(
                f"intercept_init must be 0.0 when fit_intercept=False; got {intercept!r}."
            )
        return coef, intercept

    def loss_gradient(self, coef: FloatArray, intercept: float) -> tuple[FloatArray, float]:
        """``∇_w L = −Xᵀr/n`` and ``∂L/∂w0 = −mean(r)`` (0 without intercept), r = y − w0 − Xw."""
        residual = self.y - intercept - self.X @ coef
        grad_coef: FloatArray = -(self.X.T @ residual) / self.y.shape[0]
        grad_intercept = -float(residual.mean()) if self.fit_intercept else 0.0
        return grad_coef, grad_intercept

    def lipschitz(self) -> float:
        """Largest eigenvalue of the Hessian of L: ``σ_max([1, X])²/n`` (or ``σ_max(X)²/n``)."""
        n_samples = int(self.y.shape[0])
        design = np.column_stack((np.ones(n_samples), self.X)) if self.fit_intercept else self.X
        largest = float(scipy.linalg.svdvals(design, check_finite=False)[0])
        return largest**2 / n_samples

    def objective_and_gradient_norm(
        self, coef: FloatArray, intercept: float
    ) -> tuple[float, float]:
        """``F(w, w0)`` and ``||∇F(w, w0)||₂``."""
        grad_coef, grad_intercept = self.loss_gradient(coef, intercept)
        gradient = np.concatenate(([grad_intercept], grad_coef + self.alpha * coef))
        value = objective(self.X, self.y, coef, intercept, self.alpha, 0.0)
        return value, float(np.linalg.norm(gradient))


class _Recorder:
    """Keeps the iterates at steps 0, k, 2k, ... and the last step."""

    def __init__(self, n_steps: int, every: int, coef: FloatArray, intercept: float) -> None:
        self._n_steps = n_steps
        self._every = every
        self._steps: list[int] = [0]
        self._coefs: list[FloatArray] = [coef.copy()]
        self._intercepts: list[float] = [intercept]

    def add(self, step: int, coef: FloatArray, intercept: float) -> None:
        if step % self._every == 0 or step == self._n_steps:
            self._steps.append(step)
            self._coefs.append(coef.copy())
            self._intercepts.append(intercept)

    def trace(
        self, problem: _RidgeProblem, method: Method, learning_rate: float
    ) -> WeightDecayTrace:
        values = [
            problem.objective_and_gradient_norm(coef, intercept)
            for coef, intercept in zip(self._coefs, self._intercepts, strict=True)
        ]
        return WeightDecayTrace(
            method=method,
            alpha=problem.alpha,
            learning_rate=learning_rate,
            steps=np.array(self._steps, dtype=np.int64),
            coefs=np.array(self._coefs),
            intercepts=np.array(self._intercepts),
            objectives=np.array([value for value, _ in values]),
            gradient_norms=np.array([norm for _, norm in values]),
        )


def _check_betas(betas: Any) -> tuple[float, float]:
    """Two moment decay rates, each in [0, 1)."""
    if not isinstance(betas, Sequence) or isinstance(betas, str) or len(betas) != 2:
        raise InputTypeError(f"betas must be a pair (beta1, beta2); got {betas!r}.")
    rates = tuple(check_finite_nonneg(b, f"betas[{i}]") for i, b in enumerate(betas))
    for i, rate in enumerate(rates):
        if rate >= 1.0:
            raise InputValueError(f"betas[{i}] must lie in [0, 1); got {rate!r}.")
    return rates[0], rates[1]
