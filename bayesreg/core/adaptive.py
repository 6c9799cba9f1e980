"""The adaptive lasso (Zou, 2006): the lasso with penalty factors from an initial estimate.

With an initial estimate ``ŵ`` and ``γ > 0`` the adaptive lasso minimizes::

    F(w, w0) = 1/(2n) ||y − w0 − X w||² + alpha Σ_j v_j |w_j|,     v_j = 1/|ŵ_j|^γ

— the lasso with per-coefficient penalty factors
(:func:`~bayesreg.core.enet_solver.lasso` with ``penalty_factor=v``). A coefficient whose
initial estimate is 0 has ``v_j = inf``: its only finite-objective value is ``w_j = 0``, so
its column is dropped before solving and ``w_j = 0`` is reported.

**As a MAP.** With the noise σ fixed, the penalty ``alpha·v_j|w_j|`` is ``σ²/n`` times the
negative log density of a Laplace(0, b_j) prior with

    b_j = σ² |ŵ_j|^γ / (n · alpha),

so the adaptive lasso is the MAP under independent Laplace priors whose scales are chosen
from the data (an empirical-Bayes reading: large initial coefficients get wide priors):
``LaplacePrior(scale=b)`` with these ``b_j`` (``b_j = 0``, a point mass, for ``ŵ_j = 0``).

**The classical identity.** With ``s_j = |ŵ_j|^γ = 1/v_j``, substituting ``w_j = s_j c_j``
turns ``X w`` into ``(X diag(s)) c`` and ``Σ_j v_j|w_j|`` into ``||c||₁``: the adaptive lasso
is the plain lasso on the rescaled design ``X diag(s)``, ``w = s ⊙ c``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from bayesreg.core.enet_solver import DEFAULT_MAX_ITER, DEFAULT_TOL, lasso
from bayesreg.core.results import PenalizedFit
from bayesreg.core.ridge import ridge
from bayesreg.core.types import FloatArray, freeze_fields
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import (
    as_coef,
    as_design_or_sparse,
    as_target,
    check_bool,
    check_finite_nonneg,
    check_positive,
)

__all__ = ["AdaptiveLassoFit", "adaptive_lasso"]

#: The initial estimates :func:`adaptive_lasso` can compute itself.
INITIAL_ESTIMATES = ("ridge", "ols")


@dataclass(frozen=True)
class AdaptiveLassoFit:
    """The adaptive lasso's solution and the weights it was solved with.

    Attributes
    ----------
    fit : PenalizedFit
        The certified lasso fit with ``penalty_factor = weights`` (on the columns kept),
        ``coef`` of length p with exact zeros, including the dropped columns.
    weights : ndarray of shape (n_features,)
        ``v_j = 1/|ŵ_j|^γ`` (``inf`` where ``ŵ_j = 0``: the column was dropped).
    initial_coef : ndarray of shape (n_features,)
        The initial estimate ``ŵ``.
    gamma : float
    initial : str
        ``"ridge"``, ``"ols"`` or ``"given"``.

    Examples
    --------
    :func:`adaptive_lasso` returns one:

    >>> import numpy as np
    >>> from bayesreg import adaptive_lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> result = adaptive_lasso(X, y, 0.5, gamma=2.0, initial="ols")
    >>> result.gamma, result.initial, result.fit.converged
    (2.0, 'ols', True)
    >>> result.weights.shape, result.initial_coef.shape
    ((10,), (10,))

    The Laplace scales under which the fit is the MAP, at noise sd σ = 54:

    >>> scales = result.prior_scales(n_samples=len(y), noise=54.0)
    >>> bool(np.allclose(scales, 54.0**2 * np.abs(result.initial_coef) ** 2 / (len(y) * 0.5)))
    True
    """

    fit: PenalizedFit
    weights: FloatArray
    initial_coef: FloatArray
    gamma: float
    initial: str

    def __post_init__(self) -> None:
        freeze_fields(self, "weights", "initial_coef")

    def prior_scales(self, n_samples: int, noise: float) -> FloatArray:
        """``b_j = σ²|ŵ_j|^γ/(n·alpha)``: the Laplace scales whose MAP this fit is."""
        n = float(n_samples)
        sigma = check_positive(noise, "noise")
        scales: FloatArray = sigma**2 / (n * self.fit.alpha * self.weights)
        return scales


def adaptive_lasso(
    X: Any,
    y: Any,
    alpha: float,
    *,
    gamma: float = 1.0,
    initial: Any = "ridge",
    initial_alpha: float | None = None,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> AdaptiveLassoFit:
    """The adaptive lasso: the lasso with penalty factors ``v_j = 1/|ŵ_j|^γ``.

    Minimizes ``1/(2n)||y − w0 − Xw||² + alpha Σ_j |w_j|/|ŵ_j|^γ`` (module docstring),
    certified by the duality gap of :func:`~bayesreg.core.enet_solver.lasso`. It is the
    MAP under independent Laplace(0, b_j) priors with the data-chosen scales
    ``b_j = σ²|ŵ_j|^γ/(n·alpha)`` (σ the fixed noise), and equals the plain lasso on
    ``X diag(|ŵ|^γ)`` with ``w_j = |ŵ_j|^γ c_j``.

    Parameters
    ----------
    X : array-like or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alpha : float
        Penalty strength > 0.
    gamma : float, default 1.0
        The power γ > 0 of the weights.
    initial : {"ridge", "ols"} or array-like of shape (n_features,), default "ridge"
        The initial estimate ``ŵ``: ridge at ``initial_alpha``; ordinary least squares
        (requires more samples than features, ``n > p``, with an intercept ``n − 1 > p``);
        or given coefficients (finite numbers). Where ``ŵ_j = 0`` (or ``|ŵ_j|^γ``
        underflows to 0) the weight is infinite and ``w_j = 0``: the column is dropped.
    initial_alpha : float, optional
        The ridge strength of ``initial="ridge"`` (≥ 0); default ``alpha``.
    fit_intercept : bool, default True
    tol, max_iter
        As in :func:`~bayesreg.core.enet_solver.elastic_net`.

    Returns
    -------
    AdaptiveLassoFit
        The certified fit, the weights ``v`` (``inf`` for dropped columns), ``ŵ`` and γ.

    Raises
    ------
    InputValueError
        For an unknown ``initial``, OLS with ``n ≤ p``, a given estimate of the wrong
        length or not finite, or ``gamma`` ≤ 0.
    DataError
        If every initial coefficient is 0 (nothing can enter).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import adaptive_lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> result = adaptive_lasso(X, y, 0.5)
    >>> result.fit.converged, result.fit.coef.shape, result.initial
    (True, (10,), 'ridge')
    >>> bool(np.allclose(result.weights, 1.0 / np.abs(result.initial_coef)))
    True
    """
    strength = check_positive(alpha, "alpha")
    power = check_positive(gamma, "gamma")
    intercept = check_bool(fit_intercept, "fit_intercept")
    design = as_design_or_sparse(X)
    target = as_target(y, design.shape[0])
    estimate, kind = _initial_estimate(design, target, initial, initial_alpha, strength, intercept)
    with np.errstate(divide="ignore", over="ignore"):
        scales = np.abs(estimate) ** power
        weights = np.where(scales > 0.0, 1.0 / scales, np.inf)
    keep = np.flatnonzero(np.isfinite(weights))
    if keep.size == 0:
        raise DataError(
            f"the initial estimate ({kind}) is 0 for every coefficient, so every adaptive "
            "weight 1/|ŵ_j|^γ is infinite and every coefficient is fixed at 0; pass another "
            "initial estimate."
        )
    columns = design if keep.size == design.shape[1] else design[:, keep]
    fit = lasso(
        columns,
        target,
        strength,
        fit_intercept=intercept,
        tol=tol,
        max_iter=max_iter,
        penalty_factor=weights[keep],
    )
    coef = np.zeros(design.shape[1])
    coef[keep] = fit.coef
    return AdaptiveLassoFit(
        fit=replace(fit, coef=coef),
        weights=weights,
        initial_coef=estimate,
        gamma=power,
        initial=kind,
    )


def _initial_estimate(
    design: Any,
    target: FloatArray,
    initial: Any,
    initial_alpha: float | None,
    alpha: float,
    fit_intercept: bool,
) -> tuple[FloatArray, str]:
    """``(ŵ, kind)`` for ``initial`` (see :func:`adaptive_lasso`)."""
    n_samples, n_features = design.shape
    if isinstance(initial, str):
        if initial == "ridge":
            strength = alpha if initial_alpha is None else initial_alpha
            strength = check_finite_nonneg(strength, "initial_alpha")
            return ridge(design, target, strength, fit_intercept=fit_intercept).coef, "ridge"
        if initial == "ols":
            rows = n_samples - 1 if fit_intercept else n_samples
            if rows <= n_features:
                needed = "n − 1 > p (with the intercept)" if fit_intercept else "n > p"
                raise InputValueError(
                    f"initial='ols' needs more samples than features ({needed}) for a "
                    f"unique least-squares fit; got n = {n_samples}, p = {n_features}. "
                    "Use initial='ridge' or give the estimate."
                )
            return ridge(design, target, 0.0, fit_intercept=fit_intercept).coef, "ols"
        raise InputValueError(
            f"initial must be one of {INITIAL_ESTIMATES} or an array of {n_features} "
            f"coefficients; got {initial!r}."
        )
    return as_coef(initial, n_features, "initial"), "given"
