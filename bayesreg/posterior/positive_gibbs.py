"""A Gibbs sampler for sign-constrained priors: truncated-normal coordinate updates.

The model is the Gaussian likelihood with independent priors supported on ``w_j ≥ 0``
and a flat prior on the intercept::

    y | w0, w, σ ~ N(w0 + X w, σ² I),
    p(w_j) ∝ exp(−v_j [l1 w_j + l2 w_j² / 2]) 1{w_j ≥ 0},

the Exponential (l2 = 0), half-normal (l1 = 0) or truncated elastic-net prior, whose MAP
is the non-negative lasso / ridge / elastic net (``positive=True`` in the core). With the
intercept integrated out (centred data Xc, yc) the full conditional of one coefficient
given the others is a normal truncated to ``[0, ∞)``::

    w_j | w_−j, σ ~ N⁺(m_j, 1/a_j),   a_j = G_jj/σ² + v_j l2,
    m_j = [(b_j − Σ_{k≠j} G_jk w_k)/σ² − v_j l1] / a_j,     G = XcᵀXc,  b = Xcᵀyc,

drawn by ``scipy.stats.truncnorm`` (exact in both tails), one coordinate at a time for all
chains together (Rodriguez-Yam, Davis & Scharf 2004). A free σ is drawn from its
inverse-gamma conditional with the package's noise prior (the Metropolis-Hastings
correction of a half-normal one included), and ``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/n)``.
Coordinate updates mix slowly when columns are strongly correlated; the chains' R-hat
and ESS say when (:func:`~bayesreg.posterior.summary.check_diagnostics`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats

from bayesreg.errors import InputValueError
from bayesreg.posterior._conditionals import noise_variance_step
from bayesreg.posterior._front import Draws, RunOptions
from bayesreg.posterior._progress import SamplingProgress
from bayesreg.posterior._stats_data import linear_data_of
from bayesreg.priors import NoisePrior, Prior

__all__ = ["positive_gibbs"]


def positive_gibbs(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    noise: float | None,
    noise_prior: NoisePrior,
    run: RunOptions,
    sample_weight: Any = None,
) -> Draws:
    """Draw from the posterior of a linear regression under a prior supported on ``w ≥ 0``.

    The posterior's mode minimizes ``1/(2n)||y − w0 − Xw||² + alpha Σ_j v_j [r w_j +
    (1 − r)/2 w_j²]`` over ``w ≥ 0`` (the core's ``positive=True``) at
    ``alpha·r = σ² l1/n``, ``alpha·(1 − r) = σ² l2/n``. Arguments are validated by the
    caller (:func:`~bayesreg.posterior.sampling.sample_posterior`); X holds rows or
    sufficient statistics with n ≥ p.

    Parameters
    ----------
    X, y : the design and target (or SufficientStats and None)
    prior : Prior
        A sign-constrained prior (``prior.positive``): ExponentialPrior, HalfNormalPrior.
    noise : float or None
        σ fixed, or None to sample it under ``noise_prior``.
    noise_prior : NoisePrior
    run : RunOptions
        Draws, warm-up, chains, seed, progress bar and intercept, validated.
    sample_weight : array-like of shape (n,), optional
        As in :func:`~bayesreg.posterior.sampling.sample_posterior`: row i has noise
        ``σ/√s_i``.

    Returns
    -------
    Draws
        ``coef`` (≥ 0), ``intercept`` (None without one), ``noise`` (None when σ is
        fixed), ``lam = None``.

    Raises
    ------
    InputValueError
        If the prior is not sign-constrained, or is scaled by the noise σ.
    """
    if not prior.positive or prior.conditions_on_noise:
        raise InputValueError(
            f"positive_gibbs samples priors supported on w ≥ 0 with a fixed scale; got {prior!r}."
        )
    data = linear_data_of(X, y, fit_intercept=run.fit_intercept, sample_weight=sample_weight)
    p = data.n_features
    factor = prior.penalty_factor()
    v = np.ones(p) if factor is None else np.asarray(factor, dtype=float)
    l1, l2 = prior.l1_weight(1.0) * v, prior.l2_weight(1.0) * v
    gram, xty = data.gram, data.xty
    draws, tune, chains = run.draws, run.tune, run.chains
    streams = run.streams()
    coef = np.zeros((chains, p))
    # σ fixed, or started at the residual variance of w = 0
    start = noise**2 if noise is not None else data.yty / max(data.dof, 1)
    noise_var = np.full(chains, float(start))
    shape = noise_prior.shape + 0.5 * data.dof
    total = tune + draws
    trace_coef = np.empty((chains, draws, p))
    trace_noise = np.empty((chains, draws))
    description = run.label("truncated-normal Gibbs")
    with SamplingProgress(total, description, enabled=run.progressbar) as bar:
        for step in range(total):
            uniform = streams.uniform(p)
            for j in range(p):
                # m_j, a_j of the module docstring, every chain at once
                precision = gram[j, j] / noise_var + l2[j]
                others = xty[j] - coef @ gram[:, j] + coef[:, j] * gram[j, j]
                mean = (others / noise_var - l1[j]) / precision
                scale = 1.0 / np.sqrt(precision)
                lower = -mean / scale
                coef[:, j] = mean + scale * scipy.stats.truncnorm.ppf(uniform[:, j], lower, np.inf)
            coef = np.maximum(coef, 0.0)
            if noise is None:
                rss = data.residual_sum_of_squares(coef)
                gamma = streams.gamma(shape, 1)[:, 0]
                noise_var, _ = noise_variance_step(
                    noise_prior, noise_var, 0.5 * rss, gamma, streams.uniform(1)[:, 0]
                )
            if step >= tune:
                trace_coef[:, step - tune] = coef
                trace_noise[:, step - tune] = noise_var
            bar.advance(1)
    intercept = None
    if data.fit_intercept:
        intercept = data.intercept_draws(trace_coef, trace_noise, streams.normal(draws))
    return Draws(
        coef=trace_coef,
        intercept=intercept,
        noise=None if noise is not None else np.sqrt(trace_noise),
        lam=None,
        feature_names=data.feature_names,
    )
