"""The exact posterior of ridge regression: Gaussian prior, Gaussian noise, σ fixed.

Model::

    y | w0, w ~ N(w0 + X w, σ² I),   w_j ~ N(0, τ²),   p(w0) ∝ 1

With the flat intercept integrated out (centered data ``Xc``, ``yc``)::

    w | y      ~ N(m, Σ),   Σ = σ² (XcᵀXc + k I)⁻¹,   k = σ²/τ²
    m          = (XcᵀXc + k I)⁻¹ Xcᵀ yc  = the ridge solution at alpha = k/n = σ²/(n τ²)
    w0 | w, y  ~ N(ȳ − x̄ᵀw, σ²/n)

With observation weights ``s_i`` (row i with noise ``σ/√s_i``) the same holds for the
rows ``√s_i (x_i − x̄_s)``, ``√s_i (y_i − ȳ_s)`` (weighted means), with
``w0 | w, y ~ N(ȳ_s − x̄_sᵀw, σ²/Σs)`` and the ridge alpha ``σ²/(Σs τ²)``: the mean is
``GaussianPrior(τ).penalized_fit(X, y, noise=σ, sample_weight=s)``.

One Cholesky factor ``XcᵀXc + kI = L Lᵀ`` gives the mean (two triangular solves) and
i.i.d. draws ``w = m + σ L⁻ᵀ z``, ``z ~ N(0, I)``: ``Cov = σ² L⁻ᵀL⁻¹ = Σ``. No matrix
is inverted explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg

from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.posterior._stats_data import linear_data_of
from bayesreg.priors import GaussianPrior
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
    noise : float
        The fixed noise sd σ.
    scale : float or tuple of float
        The prior sd τ, or one ``τ_j`` per coefficient (``inf``: a flat prior).
    alpha : float
        The equivalent ridge penalty ``σ²/(n τ²)`` (l1_ratio = 0); with per-coefficient
        scales ``σ²/(n τ_ref²)`` at the smallest scale, with ``penalty_factor``.
    x_mean : ndarray of shape (p,)
    y_mean : float
    n_samples : int
    fit_intercept : bool
    feature_names : tuple of str
    weight_sum : float or None
        Σs with observation weights (None: unweighted); the intercept's conditional
        variance is ``σ²/Σs`` (``σ²/n`` without weights).
    penalty_factor : ndarray of shape (p,) or None
        With per-coefficient scales, ``v_j = τ_ref²/τ_j²`` (0 for a flat entry): the mean
        is ``ridge(..., alpha, penalty_factor=v)``. None for a single scale.

    Examples
    --------
    :func:`gaussian_posterior` returns one; its mean is the ridge estimate:

    >>> import numpy as np
    >>> from bayesreg import ridge
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import gaussian_posterior
    >>> X, y = load_diabetes()
    >>> posterior = gaussian_posterior(X, y, scale=100.0, noise=54.0)
    >>> round(posterior.alpha, 6), np.allclose(posterior.mean, ridge(X, y, posterior.alpha).coef)
    (0.00066, True)
    >>> posterior.covariance.shape
    (10, 10)
    >>> np.round(np.sqrt(np.diag(posterior.covariance))[:3], 3).tolist()
    [50.642, 51.069, 53.936]
    >>> round(posterior.intercept_mean, 3), round(posterior.intercept_variance, 3)
    (152.133, 6.597)

    I.i.d. draws, whose mean is within a few Monte Carlo standard errors of the exact one:

    >>> coef, intercept = posterior.sample(2000, chains=2, random_seed=0)
    >>> coef.shape, intercept.shape
    ((2, 2000, 10), (2, 2000))
    >>> mcse = np.sqrt(np.diag(posterior.covariance) / 4000)
    >>> bool(np.all(np.abs(coef.mean(axis=(0, 1)) - posterior.mean) < 5 * mcse))
    True
    """

    mean: FloatArray
    factor: FloatArray
    noise: float
    scale: float | tuple[float, ...]
    alpha: float
    x_mean: FloatArray
    y_mean: float
    n_samples: int
    fit_intercept: bool
    feature_names: tuple[str, ...]
    weight_sum: float | None = None
    penalty_factor: FloatArray | None = None

    @property
    def _total_weight(self) -> float:
        return float(self.n_samples) if self.weight_sum is None else self.weight_sum

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
        """Posterior variance of ``w0``: ``σ²/n + x̄ᵀ Σ x̄`` (``σ²/Σs`` with weights; 0
        without intercept)."""
        if not self.fit_intercept:
            return 0.0
        half = scipy.linalg.solve_triangular(self.factor, self.x_mean, lower=True)
        return float(self.noise**2 * (1.0 / self._total_weight + half @ half))

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
            ``ȳ − x̄ᵀw + (σ/√n) z'`` (``σ/√Σs`` with weights).
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
                spread_w0 = self.noise / np.sqrt(self._total_weight)
                intercept[chain] = center + spread_w0 * noise_draws
        return coef, intercept


def gaussian_posterior(
    X: Any,
    y: Any,
    *,
    scale: float | Sequence[float],
    noise: float,
    fit_intercept: bool = True,
    sample_weight: Any = None,
) -> GaussianPosterior:
    """The exact posterior under ``w_j ~ N(0, scale_j²)`` with the noise sd fixed.

    Parameters
    ----------
    X : array-like of shape (n, p), scipy.sparse CSR/CSC matrix, or SufficientStats
        The design, or its sufficient statistics (then ``y=None``): the posterior depends
        on the data only through ``XcᵀXc``, ``Xcᵀyc``, ``x̄``, ``ȳ`` and n. A sparse X
        is read through ``XcᵀXc`` formed from sparse products (never densified), for
        any n, up to p = 10000 columns (``bayesreg.core.ridge.MAX_GRAM_FEATURES``).
    y : array-like of shape (n,), or None with SufficientStats
    scale : float or sequence of float
        Prior sd τ of each coefficient, or one ``τ_j`` per coefficient (in (0, ∞]; ``inf``
        is a flat prior on ``w_j``, as in ``GaussianPrior(scale=τ)``): ``kI`` below is
        then ``diag(σ²/τ_j²)``.
    noise : float
        Noise sd σ (fixed).
    fit_intercept : bool, default True
        Flat prior on the intercept.
    sample_weight : array-like of shape (n,), optional
        Observation weights ``s_i ≥ 0`` (rows only): row i has noise ``σ/√s_i``, a zero
        weight removes its row. ``Xc``, ``yc`` are then ``√s_i (x_i − x̄_s)``,
        ``√s_i (y_i − ȳ_s)`` with the raw weights, and n becomes Σs (module docstring).

    Returns
    -------
    GaussianPosterior
        Mean ``m = (XcᵀXc + kI)⁻¹Xcᵀyc``, ``k = σ²/τ²`` (the ridge solution at
        ``alpha = σ²/(nτ²)``, ``σ²/(Σs τ²)`` with weights), covariance
        ``σ²(XcᵀXc + kI)⁻¹``, and i.i.d. draws.

    Raises
    ------
    DataError
        For a sparse X of more than 10000 columns (the p × p posterior covariance and
        ``XcᵀXc`` are held densely), and for ``sample_weight`` that are not finite
        numbers ≥ 0 with a positive sum, one per row, or given with statistics.

    Examples
    --------
    The posterior mean under ``N(0, τ²)`` priors with σ fixed is the ridge estimate at
    ``alpha = σ²/(n τ²)``, the MAP of :class:`~bayesreg.priors.GaussianPrior`:

    >>> import numpy as np
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import gaussian_posterior
    >>> from bayesreg.priors import GaussianPrior
    >>> X, y = load_diabetes()
    >>> posterior = gaussian_posterior(X, y, scale=100.0, noise=54.0)
    >>> fit = GaussianPrior(100.0).penalized_fit(X, y, noise=54.0)
    >>> np.allclose(posterior.mean, fit.coef), bool(np.isclose(posterior.alpha, fit.alpha))
    (True, True)
    >>> np.round(posterior.mean[:3], 3).tolist()
    [12.406, -164.313, 431.351]

    A flat prior (``inf``) on the first two coefficients:

    >>> flat = gaussian_posterior(X, y, scale=[np.inf, np.inf] + [100.0] * 8, noise=54.0)
    >>> flat.penalty_factor[:3]
    array([0., 0., 1.])
    """
    given: Any = scale
    # one scale > 0, or a vector in (0, ∞] validated as GaussianPrior's
    tau = check_positive(given, "scale") if np.ndim(given) == 0 else GaussianPrior(given).scale
    sigma = check_positive(noise, "noise")
    data = linear_data_of(X, y, fit_intercept=fit_intercept, sample_weight=sample_weight)
    penalty_factor = None
    if isinstance(tau, tuple):
        ratios = _scale_ratios(sigma, np.asarray(tau), data.n_features)
        ratio = float(np.max(ratios))  # at the smallest scale τ_ref
        penalty_factor = ratios / ratio
        prior_precision = np.diag(ratios)
    else:
        ratio = (sigma / tau) ** 2
        prior_precision = ratio * np.eye(data.n_features)
    try:
        factor = scipy.linalg.cholesky(data.gram + prior_precision, lower=True)
    except np.linalg.LinAlgError as error:
        raise DataError(
            "the posterior is improper: XcᵀXc + diag(σ²/τ_j²) is singular, so the data do "
            "not determine the coefficients with a flat prior (τ_j = inf). Give them finite "
            "scales, or remove collinear columns."
        ) from error
    mean = scipy.linalg.cho_solve((factor, True), data.xty)
    return GaussianPosterior(
        mean=mean,
        factor=factor,
        noise=sigma,
        scale=tau,
        penalty_factor=penalty_factor,
        alpha=ratio / data.total_weight,
        x_mean=data.x_mean,
        y_mean=data.y_mean,
        n_samples=data.n_samples,
        fit_intercept=fit_intercept,
        feature_names=data.feature_names,
        weight_sum=data.weight_sum,
    )


def _scale_ratios(sigma: float, scales: FloatArray, n_features: int) -> FloatArray:
    """``σ²/τ_j²`` (0 for ``τ_j = inf``), one per feature.

    Raises
    ------
    InputValueError
        If there is not one scale per feature.
    """
    if scales.size != n_features:
        raise InputValueError(
            f"scale holds {scales.size} per-coefficient scales, but X has {n_features} "
            "columns; give one scale per column."
        )
    ratios: FloatArray = (sigma / scales) ** 2
    return ratios
