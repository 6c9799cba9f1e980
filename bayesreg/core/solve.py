"""One entry point to the certified penalized solvers, by likelihood and l1_ratio."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bayesreg.core.enet_solver import DEFAULT_TOL as ENET_DEFAULT_TOL
from bayesreg.core.enet_solver import elastic_net
from bayesreg.core.glm import DEFAULT_TOL as GLM_DEFAULT_TOL
from bayesreg.core.logistic import logistic
from bayesreg.core.poisson import poisson
from bayesreg.core.results import PenalizedFit
from bayesreg.core.ridge import ridge
from bayesreg.errors import InputValueError
from bayesreg.validation import (
    check_choice,
    check_finite_nonneg,
    check_l1_ratio,
    check_offset_likelihood,
    check_positive,
)

__all__ = ["LIKELIHOODS", "check_noise", "penalized_solve"]

#: The likelihoods of the whole package (solvers, priors, PyMC models, conventions).
LIKELIHOODS = ("gaussian", "bernoulli", "poisson")


def check_noise(noise: Any, likelihood: str) -> float | None:
    """The noise argument under the package's one policy, checked.

    ``noise`` is the standard deviation σ of the Gaussian likelihood: a number > 0 (σ
    fixed) or None (σ free, or not needed). The Bernoulli and Poisson likelihoods have no
    noise, so they take none: any value there, 1.0 included, is refused rather than
    ignored.

    Parameters
    ----------
    noise : float or None
    likelihood : {"gaussian", "bernoulli", "poisson"}
        Already checked by the caller.

    Returns
    -------
    float or None
        σ as a float, or None.

    Raises
    ------
    InputValueError
        If a noise is given with the Bernoulli or Poisson likelihood, or σ is not a
        number > 0.
    """
    if noise is None:
        return None
    if likelihood != "gaussian":
        family = likelihood.capitalize()
        raise InputValueError(
            f"noise={noise!r} was given with likelihood={likelihood!r}, but the {family} "
            "likelihood has no noise; omit noise."
        )
    return check_positive(noise, "noise")


def penalized_solve(
    X: Any,
    y: Any,
    alpha: float,
    l1_ratio: float,
    *,
    likelihood: str = "gaussian",
    fit_intercept: bool = True,
    tol: float | None = None,
    offset: Any = None,
    sample_weight: Any = None,
) -> PenalizedFit:
    """Minimize the package's objective with the solver that fits the problem.

    Minimizes::

        F(w, w0) = L(w, w0) + alpha · [l1_ratio ||w||₁ + (1 − l1_ratio)/2 ||w||²]

    with ``L`` the averaged Gaussian loss ``1/(2n)||y − w0 − Xw||²`` (solved by
    :func:`~bayesreg.ridge` when ``l1_ratio = 0``, else by
    :func:`~bayesreg.elastic_net`), the averaged Bernoulli loss (solved by
    :func:`~bayesreg.logistic`) or the averaged Poisson loss (log link:
    ``1/n Σ [exp(η_i) − y_i η_i]``, η = o + w0 + Xw with a known offset o, solved by
    :func:`~bayesreg.poisson`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alpha : float
        Penalty strength, ≥ 0.
    l1_ratio : float
        Mix of L1 and L2, in [0, 1].
    likelihood : {"gaussian", "bernoulli", "poisson"}, default "gaussian"
    fit_intercept : bool, default True
    tol : float, optional
        The solver's relative tolerance on its certificate; None uses the solver's default
        (ridge is a direct solve and has none).
    offset : array-like of shape (n_samples,), optional
        The Poisson likelihood's known term of the linear predictor (e.g. log exposure);
        refused with the other likelihoods.
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0``: ``L = 1/Σs Σ_i s_i ℓ_i`` for every likelihood (the
        Gaussian one ``1/(2Σs) Σ s_i (y_i − w0 − x_iᵀw)²``); None: ``1/n``.

    Returns
    -------
    PenalizedFit
        The certified solution (duality gap for Gaussian, KKT residual for Bernoulli and
        Poisson).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import lasso, penalized_solve
    >>> from bayesreg.datasets import load_breast_cancer, load_diabetes
    >>> X, y = load_diabetes()
    >>> fit = penalized_solve(X, y, 0.5, 1.0)
    >>> bool(np.allclose(fit.coef, lasso(X, y, 0.5).coef))
    True
    >>> X, y = load_breast_cancer(standardize=True)
    >>> fit = penalized_solve(X, y, 0.05, 0.5, likelihood="bernoulli")
    >>> fit.converged, fit.coef.shape
    (True, (30,))
    """
    check_choice(likelihood, "likelihood", LIKELIHOODS)
    strength = check_finite_nonneg(alpha, "alpha")
    ratio = check_l1_ratio(l1_ratio)
    check_offset_likelihood(offset, likelihood)
    if likelihood == "gaussian" and ratio == 0.0:
        return ridge(X, y, strength, fit_intercept=fit_intercept, sample_weight=sample_weight)
    solvers: dict[str, Callable[..., PenalizedFit]] = {
        "gaussian": elastic_net,
        "bernoulli": logistic,
        "poisson": poisson,
    }
    default_tol = ENET_DEFAULT_TOL if likelihood == "gaussian" else GLM_DEFAULT_TOL
    offset_option = {"offset": offset} if likelihood == "poisson" else {}
    return solvers[likelihood](
        X,
        y,
        strength,
        ratio,
        fit_intercept=fit_intercept,
        tol=default_tol if tol is None else tol,
        sample_weight=sample_weight,
        **offset_option,
    )
