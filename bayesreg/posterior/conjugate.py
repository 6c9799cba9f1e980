"""The exact posterior of ridge regression: Gaussian prior, Gaussian noise, σ fixed.

Model::

    y | w0, w ~ N(w0 + X w, σ² I),   w_j ~ N(0, τ²),   p(w0) ∝ 1

With the flat intercept integrated out (centered data ``Xc``, ``yc``)::

    w | y      ~ N(m, Σ),   Σ = σ² (XcᵀXc + k I)⁻¹,   k = σ²/τ²
    m          = (XcᵀXc + k I)⁻¹ Xcᵀ yc  = the ridge solution at alpha = k/n = σ²/(n τ²)
    w0 | w, y  ~ N(ȳ − x̄ᵀw, σ²/n)

One Cholesky factor ``XcᵀXc + kI = L Lᵀ`` gives the mean (two triangular solves) and
i.i.d. draws ``w = m + σ L⁻ᵀ z``, ``z ~ N(0, I)``: ``Cov = σ² L⁻ᵀL⁻¹ = Σ``. No matrix
is inverted explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg

from bayesreg.core.types import FloatArray
from bayesreg.posterior._stats_data import linear_data_of
from bayesreg.validation import check_positive, check_positive_int, check_seed

__all__ = ["GaussianPosterior", "gaussian_posterior"]


@dataclass(frozen=True)
class GaussianPosterior:
    """The exact posterior of the coefficients (and intercept) under a Gaussian prior.

    Attributes
    ----------
    mean : ndarray of shape (p,)
        Posterior mean ``m`` of ``w`` (equal to the MAP and to the ridge solution).
    factor : ndarray of shape (p, p)
        Lower Cholesky factor ``L`` of ``XcᵀXc + (σ²/τ²) I``.
    noise, scale : float
        The fixed noise sd σ and the prior sd τ.
    alpha : float
        The equivalent ridge penalty ``σ²/(n τ²)`` (l1_ratio = 0).
    x_mean : ndarray of shape (p,)
    y_mean : float
    n_samples : int
    fit_intercept : bool
    feature_names : tuple of str
    """

    mean: FloatArray
    factor: FloatArray
    noise: float
    scale: float
    alpha: float
    x_mean: FloatArray
    y_mean: float
    n_samples: int
    fit_intercept: bool
    feature_names: tuple[str, ...]

    @property
    def covariance(self) -> FloatArray:
        """``Σ = σ² (L Lᵀ)⁻¹``, by Cholesky solves against the identity."""
        identity = np.eye(self.mean.shape[0])
        solved: FloatArray = scipy.linalg.cho_solve((self.factor, True), identity)
        return self.noise**2 * solved

    @property
    def intercept_mean(self) -> float:
        """Posterior mean of ``w0``: ``ȳ − x̄ᵀm`` (0 without intercept)."""
        return float(self.y_mean - self.x_mean @ self.mean) if self.fit_intercept else 0.0

    @property
    def intercept_variance(self) -> float:
        """Posterior variance of ``w0``: ``σ²/n + x̄ᵀ Σ x̄`` (0 without intercept)."""
        if not self.fit_intercept:
            return 0.0
        half = scipy.linalg.solve_triangular(self.factor, self.x_mean, lower=True)
        return float(self.noise**2 * (1.0 / self.n_samples + half @ half))

    def sample(
        self,
        draws: int = 1000,
        *,
        chains: int = 1,
        random_seed: int | np.random.Generator | None = None,
    ) -> tuple[FloatArray, FloatArray | None]:
        """I.i.d. posterior draws.

        Returns
        -------
        coef : ndarray of shape (chains, draws, p)
            ``m + σ L⁻ᵀ z`` (a triangular solve per chain, no inverse).
        intercept : ndarray of shape (chains, draws), or None without intercept
            ``ȳ − x̄ᵀw + (σ/√n) z'``.
        """
        n_draws = check_positive_int(draws, "draws")
        n_chains = check_positive_int(chains, "chains")
        generators = np.random.default_rng(check_seed(random_seed)).spawn(n_chains)
        p = self.mean.shape[0]
        coef = np.empty((n_chains, n_draws, p))
        intercept = np.empty((n_chains, n_draws)) if self.fit_intercept else None
        for chain, generator in enumerate(generators):
            z = generator.standard_normal((p, n_draws))
            spread = scipy.linalg.solve_triangular(self.factor, z, lower=True, trans="T")
            coef[chain] = self.mean + self.noise * spread.T
            if intercept is not None:
                center = self.y_mean - coef[chain] @ self.x_mean
                noise_draws = generator.standard_normal(n_draws)
                intercept[chain] = center + self.noise / np.sqrt(self.n_samples) * noise_draws
        return coef, intercept


def gaussian_posterior(
    X: Any, y: Any, *, scale: float, noise: float, fit_intercept: bool = True
) -> GaussianPosterior:
    """The exact posterior under ``w_j ~ N(0, scale²)`` with the noise sd fixed.

    Parameters
    ----------
    X : array-like of shape (n, p), scipy.sparse CSR/CSC matrix, or SufficientStats
        The design, or its sufficient statistics (then ``y=None``): the posterior depends
        on the data only through ``XcᵀXc``, ``Xcᵀyc``, ``x̄``, ``ȳ`` and n. A sparse X
        is read through ``XcᵀXc`` formed from sparse products (never densified), for
        any n, up to p = 10000 columns (``bayesreg.core.ridge.MAX_GRAM_FEATURES``).
    y : array-like of shape (n,), or None with SufficientStats
    scale : float
        Prior sd τ of each coefficient.
    noise : float
        Noise sd σ (fixed).
    fit_intercept : bool, default True
        Flat prior on the intercept.

    Returns
    -------
    GaussianPosterior
        Mean ``m = (XcᵀXc + kI)⁻¹Xcᵀyc``, ``k = σ²/τ²`` (the ridge solution at
        ``alpha = σ²/(nτ²)``), covariance ``σ²(XcᵀXc + kI)⁻¹``, and i.i.d. draws.

    Raises
    ------
    DataError
        For a sparse X of more than 10000 columns (the p × p posterior covariance and
        ``XcᵀXc`` are held densely).
    """
    tau = check_positive(scale, "scale")
    sigma = check_positive(noise, "noise")
    data = linear_data_of(X, y, fit_intercept=fit_intercept)
    ratio = (sigma / tau) ** 2
    factor = scipy.linalg.cholesky(data.gram + ratio * np.eye(data.n_features), lower=True)
    mean = scipy.linalg.cho_solve((factor, True), data.xty)
    return GaussianPosterior(
        mean=mean,
        factor=factor,
        noise=sigma,
        scale=tau,
        alpha=ratio / data.n_samples,
        x_mean=data.x_mean,
        y_mean=data.y_mean,
        n_samples=data.n_samples,
        fit_intercept=fit_intercept,
        feature_names=data.feature_names,
    )
