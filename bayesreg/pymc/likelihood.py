r"""The Gaussian likelihood of a PyMC model written through sufficient statistics.

For ``y_i ~ Normal(w0 + x_iᵀw, σ)``, i = 1..n, the identity of
:mod:`bayesreg.core.stats` gives the log-likelihood of all rows at once::

    log L = −n log σ − (n/2) log 2π
            − [ycᵀyc − 2 wᵀXcᵀyc + wᵀXcᵀXc w + n (ȳ − w0 − x̄ᵀw)²] / (2σ²)

(``w0 = 0`` without an intercept). It is the row-wise likelihood exactly, so the model
has the same posterior, MAP and log-density, while evaluating it and its gradient costs
O(p²) instead of O(n·p): the rows are never needed. The bracket cancels when the fit is
close (it is ``||y − w0 − Xw||²``, computed from terms of size ``ycᵀyc``), so it has an
absolute error of about ``eps·ycᵀyc``, i.e. a relative error of about ``eps/(1 − R²)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from bayesreg.core.stats import SufficientStats
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.priors import Prior
from bayesreg.validation import check_bool, check_positive

__all__ = ["build_sufficient_model", "sufficient_gaussian_loglik"]


def sufficient_gaussian_loglik(
    coef: Any,
    offset: Any,
    noise: Any,
    *,
    gram: Any,
    xty: Any,
    yty: Any,
    n_samples: Any,
    total_weight: Any = None,
) -> Any:
    """``log L`` of the module docstring as a PyTensor expression.

    ``offset`` is ``ȳ − w0 − x̄ᵀw``; ``gram``, ``xty``, ``yty`` are the centered
    ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc``. With observation weights (row i of noise ``σ/√s_i``)
    they are ``XcᵀSXc``, ``XcᵀSyc``, ``ycᵀSyc`` about the weighted means, the offset's
    square counts ``total_weight`` = Σs times, and ``n_samples`` (the rows with
    ``s_i > 0``) counts the ``−log σ`` terms: ``Σ_i s_i r_i² = ycᵀSyc − 2wᵀXcᵀSyc +
    wᵀXcᵀSXc w + Σs·offset²`` (the constant ``½ Σ log s_i`` dropped). None: ``n_samples``.
    """
    import pymc as pm

    dot = pm.math.dot
    weight = n_samples if total_weight is None else total_weight
    squares = yty - 2.0 * dot(coef, xty) + dot(coef, dot(gram, coef)) + weight * offset**2
    return (
        -n_samples * pm.math.log(noise)
        - 0.5 * n_samples * math.log(2.0 * math.pi)
        - squares / (2.0 * noise**2)
    )


def build_sufficient_model(
    stats: SufficientStats,
    prior: Prior,
    *,
    noise: float | None,
    likelihood: str,
    fit_intercept: bool,
) -> Any:
    """:func:`bayesreg.pymc.model.build_model` with the likelihood through ``stats``.

    The same free variables (``"coef"`` with dim ``"feature"``, ``"intercept"``,
    ``"noise"`` when σ is free, with the same priors and starting points) and the
    likelihood of the module docstring as the potential ``"y_obs"``. The statistics are
    ``pm.Data``: ``"gram"``, ``"xty"`` and ``"x_mean"`` (dim ``"feature"``), ``"yty"``,
    ``"y_mean"``, ``"n_samples"``, ``"total_weight"`` (Σs of weighted statistics, else
    n); replace all of them together with ``pm.set_data``.
    """
    import pymc as pm

    from bayesreg.pymc.model import noise_variable

    if likelihood != "gaussian":
        raise InputValueError(
            f"sufficient statistics summarize the Gaussian likelihood only; got "
            f"likelihood={likelihood!r}, which needs the rows. Pass X and y instead."
        )
    if not isinstance(prior, Prior):
        raise InputTypeError(
            f"prior must be a bayesreg prior (GaussianPrior, LaplacePrior, ElasticNetPrior, "
            f"BayesianLassoPrior); got {type(prior).__name__}."
        )
    intercept = check_bool(fit_intercept, "fit_intercept")
    fixed_noise = None if noise is None else check_positive(noise, "noise")

    with pm.Model(coords={"feature": stats.feature_names}) as model:
        gram = pm.Data("gram", stats.gram)
        xty = pm.Data("xty", stats.xty, dims="feature")
        x_mean = pm.Data("x_mean", stats.x_mean, dims="feature")
        yty = pm.Data("yty", np.float64(stats.yty))
        y_mean = pm.Data("y_mean", np.float64(stats.y_mean))
        n_samples = pm.Data("n_samples", np.float64(stats.n_samples))
        total_weight = pm.Data("total_weight", np.float64(stats.total_weight))
        if fixed_noise is not None:
            noise_value: Any = np.float64(fixed_noise)
        else:
            noise_value = noise_variable(prior, stats.target_scale(fit_intercept=intercept))
        coef = prior.to_pymc("coef", dims="feature", noise=noise_value)
        # offset = ȳ − w0 − x̄ᵀw
        offset = y_mean - pm.math.dot(x_mean, coef)
        if intercept:
            offset = offset - pm.Flat("intercept", initval=np.float64(stats.y_mean))
        pm.Potential(
            "y_obs",
            sufficient_gaussian_loglik(
                coef,
                offset,
                noise_value,
                gram=gram,
                xty=xty,
                yty=yty,
                n_samples=n_samples,
                total_weight=total_weight,
            ),
        )
    return model
