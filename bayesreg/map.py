"""The exact MAP of a PyMC model with Laplace-type priors, with a KKT certificate."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from bayesreg._map_graph import compile_map
from bayesreg._map_solver import SolverResult, minimize_kinked
from bayesreg.core._validation import check_positive_int, check_tol
from bayesreg.errors import ConvergenceWarning, InputTypeError

__all__ = ["MapEstimate", "find_map"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _frozen(array: Any, dtype: type = np.float64) -> NDArray[Any]:
    frozen: NDArray[Any] = np.array(array, dtype=dtype, copy=True)
    frozen.setflags(write=False)
    return frozen


@dataclass(frozen=True)
class MapEstimate:
    """The maximum a posteriori point of a PyMC model, certified by its KKT residual.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or None
        The MAP of the free variable ``"coef"`` (None if the model has none); exact zeros
        where a Laplace-type prior holds it at 0.
    intercept : float
        The MAP of ``"intercept"`` (0.0 if the model has none).
    noise : float or None
        The MAP of ``"noise"`` (None if σ is fixed or absent).
    values : mapping of str to ndarray
        Every free variable's MAP on its original scale, by name.
    zero_pattern : mapping of str to ndarray of bool
        For each variable with a Laplace-type prior, True where it sits exactly at its
        prior's location (the kink; 0 for the coefficients of ``build_model``).
    gap : float
        The certificate: the sup norm over every coordinate of the distance of −∇s to the
        subdifferential of the L1 terms, where s is the smooth part of −log p (for a
        smooth variable, |∂ log p|). Gradients are taken with respect to the model's
        value variables (log σ for a log-transformed σ).
    converged : bool
        Whether ``gap`` ≤ ``tol``.
    n_iter : int
        Proximal Newton steps taken.
    tol : float
        The threshold ``gap`` was checked against, in the units of ``gap``.
    log_density : float
        log p at the MAP without the Jacobian of transforms (PyMC's normalizing constants
        included; an improper prior contributes its unnormalized log-density).
    certificate : {"kkt residual"}
    """

    coef: FloatArray | None
    intercept: float
    noise: float | None
    values: Mapping[str, FloatArray]
    zero_pattern: Mapping[str, BoolArray]
    gap: float
    converged: bool
    n_iter: int
    tol: float
    log_density: float
    certificate: Literal["kkt residual"] = "kkt residual"

    def __post_init__(self) -> None:
        if self.coef is not None:
            object.__setattr__(self, "coef", _frozen(self.coef))
        frozen_values = {name: _frozen(value) for name, value in self.values.items()}
        frozen_zeros = {name: _frozen(mask, np.bool_) for name, mask in self.zero_pattern.items()}
        object.__setattr__(self, "values", MappingProxyType(frozen_values))
        object.__setattr__(self, "zero_pattern", MappingProxyType(frozen_zeros))
        for name in ("intercept", "gap", "tol", "log_density"):
            object.__setattr__(self, name, float(getattr(self, name)))
        if self.noise is not None:
            object.__setattr__(self, "noise", float(self.noise))
        object.__setattr__(self, "converged", bool(self.converged))
        object.__setattr__(self, "n_iter", int(self.n_iter))

    @property
    def n_nonzero(self) -> int:
        """Number of non-zero coefficients (0 when there is no ``"coef"``)."""
        return 0 if self.coef is None else int(np.count_nonzero(self.coef))


def find_map(model: Any, *, tol: float = 1e-10, max_iter: int = 100) -> MapEstimate:
    r"""The exact MAP of a PyMC model whose only kinks are Laplace-type priors.

    Maximizes log p(θ | y) without the Jacobian of transforms — the mode in the model's
    original parametrization, as ``pm.find_MAP`` does — over every free variable θ. The
    negative log-density splits as

    .. math::

        f(\theta) = s(\theta) + \sum_i w_i(\theta)\, |\theta_{K_i} - m_i|,

    with s smooth and one term per coordinate of a Laplace(μ, b) prior (weight 1/b, which
    may depend on other variables, e.g. b = σ/λ in the Bayesian lasso) or of an
    :class:`~bayesreg.priors.ElasticNetPrior` (weight a). PyTensor compiles the value,
    gradient and Hessian of s once per model (reused after ``pm.set_data``); the kinks are
    handled exactly by a proximal Newton method whose subproblem, a quadratic plus weighted
    L1, is solved in finitely many steps by feature-sign search, so zeros are exact zeros.
    Near the solution the steps are Newton steps on the support: quadratic convergence.
    L-BFGS, as in ``pm.find_MAP``, cannot land on the kink of |w| at 0 and returns small
    non-zero values instead (see the documentation page "Why pm.find_MAP is not enough").

    For ``build_model`` with σ fixed the MAP is the penalized estimate at
    ``prior.penalty(n, σ)``. With σ free and a fixed-scale Laplace(0, b) prior, the joint
    MAP (ŵ, ŵ0, σ̂) has ŵ equal to the lasso solution at ``alpha = σ̂²/(n b)``: at σ = σ̂
    the terms of −log p that depend on w are ``‖y − ŵ0 − Xw‖²/(2σ̂²) + ‖w‖₁/b``, which is
    n/σ̂² times the lasso objective. For the Bayesian lasso (b = σ/λ) the same argument
    gives ``alpha = σ̂λ/n``.

    Parameters
    ----------
    model : pymc.Model
        E.g. from :func:`bayesreg.models.build_model`, or frozen by
        ``pymc.model.transform.freeze_model``. Supported: continuous free
        variables; Laplace-type priors untransformed with a location that does not depend
        on free variables; no other |·| or sign(·) in the log-density.
    tol : float, default 1e-10
        Relative tolerance of the certificate: converged when the KKT residual is at most
        ``tol · max(1, ‖∇s(θ₀)‖∞)``, with θ₀ the model's initial point.
    max_iter : int, default 100
        Maximum number of proximal Newton steps.

    Returns
    -------
    MapEstimate

    Raises
    ------
    ModelStructureError
        If the model has a kink this method does not handle; the message lists the
        variables.

    Warns
    -----
    ConvergenceWarning
        If the certificate did not reach ``tol``; the estimate is then flagged
        ``converged=False``.
    """
    from pymc.model.core import BaseModel

    # BaseModel: a pm.Model or a model frozen by pymc.model.transform.freeze_model
    if not isinstance(model, BaseModel):
        raise InputTypeError(
            f"model must be a pymc.Model (e.g. from build_model); got {type(model).__name__}."
        )
    tolerance = check_tol(tol)
    iterations = check_positive_int(max_iter, "max_iter")
    compiled = compile_map(model)
    result = minimize_kinked(
        compiled.newton_terms,
        compiled.initial_theta,
        compiled.kink_index,
        tol=tolerance,
        max_iter=iterations,
    )
    if not result.converged:
        warnings.warn(_non_convergence_message(result), ConvergenceWarning, stacklevel=2)
    values = compiled.free_values(result.theta)
    zero_pattern = {
        name: result.at_kink[part].reshape(values[name].shape)
        for name, part in compiled.kink_slices.items()
    }
    coef = values.get("coef")
    intercept = values.get("intercept")
    noise = values.get("noise")
    return MapEstimate(
        coef=coef,
        intercept=0.0 if intercept is None else float(intercept),
        noise=None if noise is None else float(noise),
        values=values,
        zero_pattern=zero_pattern,
        gap=result.gap,
        converged=result.converged,
        n_iter=result.n_iter,
        tol=result.threshold,
        log_density=result.log_density,
    )


def _non_convergence_message(result: SolverResult) -> str:
    if not (np.isfinite(result.gap) and np.isfinite(result.log_density)):
        return (
            f"find_map stopped after {result.n_iter} Newton steps where the certificate is "
            f"no longer finite (KKT residual {result.gap:.3g}, log p = "
            f"{result.log_density:.3g}). This happens when the log-density grows without "
            "bound, and then the model has no MAP (e.g. a hierarchical scale collapsing to 0 "
            "with its coefficients at the kink). The estimate is not a MAP."
        )
    return (
        f"find_map stopped after {result.n_iter} Newton steps with KKT residual "
        f"{result.gap:.3g} above the threshold {result.threshold:.3g}; the estimate is not "
        "certified as the MAP. Increase max_iter, or check that the posterior has a mode "
        "(e.g. no flat direction)."
    )
