"""Synthetic regression and classification problems with a known sparse truth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import linalg, special

from bayesreg.core.types import FloatArray, frozen_array
from bayesreg.errors import InputValueError
from bayesreg.validation import (
    as_generator,
    check_choice,
    check_finite,
    check_positive,
    check_positive_int,
)

__all__ = ["SyntheticData", "make_synthetic", "toeplitz_correlation"]


Likelihood = Literal["gaussian", "bernoulli"]


@dataclass(frozen=True)
class SyntheticData:
    """A data set drawn from a known linear model.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        Rows drawn independently from Normal(0, Σ) with ``Σ_ij = correlation^|i − j|``.
    y : ndarray of shape (n_samples,)
        ``intercept + X @ coef + noise · ε`` with ε ~ Normal(0, 1) (Gaussian), or
        0/1 draws with P(y = 1) = 1 / (1 + exp(−(intercept + X @ coef))) (Bernoulli).
    coef : ndarray of shape (n_features,)
        The true coefficients: ``n_informative`` non-zero, the rest exactly 0.
    intercept : float
        The true intercept.
    noise : float
        The noise standard deviation σ (1.0 for the Bernoulli likelihood, which has no
        noise scale).
    correlation : float
        ρ of the Toeplitz correlation ``ρ^|i − j|`` between columns.
    likelihood : {"gaussian", "bernoulli"}

    Examples
    --------
    :func:`make_synthetic` returns one, the truth included:

    >>> from bayesreg.datasets import make_synthetic
    >>> data = make_synthetic(100, 6, n_informative=2, correlation=0.5, random_seed=1)
    >>> data.X.shape, data.likelihood, data.noise, data.correlation
    ((100, 6), 'gaussian', 1.0, 0.5)
    >>> len(data.support), data.covariance[0, :3].tolist()
    (2, [1.0, 0.5, 0.25])
    >>> labels = make_synthetic(50, 4, n_informative=2, likelihood="bernoulli", random_seed=0)
    >>> labels.likelihood, set(labels.y.tolist()) <= {0.0, 1.0}
    ('bernoulli', True)
    """

    X: FloatArray
    y: FloatArray
    coef: FloatArray
    intercept: float
    noise: float
    correlation: float
    likelihood: Likelihood

    @property
    def support(self) -> NDArray[np.intp]:
        """Indices of the non-zero true coefficients, increasing."""
        return np.flatnonzero(self.coef)

    @property
    def covariance(self) -> FloatArray:
        """The population covariance (= correlation) matrix ``Σ_ij = ρ^|i − j|`` of a row."""
        return toeplitz_correlation(self.X.shape[1], self.correlation)


def toeplitz_correlation(n_features: int, correlation: float) -> FloatArray:
    """The Toeplitz correlation matrix ``Σ_ij = ρ^|i − j|`` (an AR(1) process's)."""
    lags = np.arange(n_features, dtype=np.float64)
    return np.asarray(linalg.toeplitz(correlation**lags), dtype=np.float64)


def make_synthetic(
    n_samples: int = 100,
    n_features: int = 20,
    *,
    n_informative: int = 5,
    correlation: float = 0.5,
    noise: float = 1.0,
    likelihood: Likelihood = "gaussian",
    intercept: float = 0.0,
    random_seed: int | np.random.Generator | None = None,
) -> SyntheticData:
    """Draw a regression (or classification) problem whose sparse truth is known.

    The generative model is::

        x_i ~ Normal(0, Σ),  Σ_jk = ρ^|j − k|                    (i = 1..n, independent)
        Gaussian:   y_i = w0 + x_iᵀ w + σ ε_i,  ε_i ~ Normal(0, 1)
        Bernoulli:  y_i ~ Bernoulli(1 / (1 + exp(−(w0 + x_iᵀ w))))

    Rows are drawn as ``x_i = L z_i`` with ``z_i ~ Normal(0, I)`` and ``L`` the lower
    Cholesky factor of Σ (Σ = L Lᵀ). The true ``w`` has ``n_informative`` non-zero
    entries at positions drawn uniformly without replacement, each with a random sign
    and a magnitude drawn uniformly from [1, 2]; every other entry is exactly 0.
    Neighbouring columns are the most correlated, so the lasso's choice among
    correlated informative and uninformative columns can be watched.

    Parameters
    ----------
    n_samples : int, default 100
        Number of rows n ≥ 1.
    n_features : int, default 20
        Number of columns p ≥ 1.
    n_informative : int, default 5
        Number of non-zero true coefficients, 1 ≤ n_informative ≤ n_features.
    correlation : float, default 0.5
        ρ, with −1 < ρ < 1 (Σ is then positive definite); 0 gives independent columns.
    noise : float, default 1.0
        σ > 0, the standard deviation of the Gaussian noise. The Bernoulli likelihood
        has no noise scale (σ = 1 in the package's prior ↔ penalty table): leave it
        at 1.0 there.
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
    intercept : float, default 0.0
        The true intercept w0.
    random_seed : int, numpy.random.Generator or None, default None
        Seed of ``numpy.random.default_rng``; the same integer gives the same data.

    Returns
    -------
    SyntheticData
        ``X``, ``y``, the truth ``coef`` and ``intercept``, ``noise``, ``correlation``
        and ``likelihood`` (arrays read-only).

    Raises
    ------
    InputValueError
        If a count is < 1, ``n_informative > n_features``, ``|ρ| ≥ 1``, σ ≤ 0, σ ≠ 1 with
        the Bernoulli likelihood, or ``likelihood`` is not one of the two names.
    InputTypeError
        If an argument has the wrong type.

    Examples
    --------
    >>> from bayesreg.datasets import make_synthetic
    >>> data = make_synthetic(200, 10, n_informative=3, correlation=0.8, random_seed=0)
    >>> data.X.shape, data.y.shape, int((data.coef != 0).sum())
    ((200, 10), (200,), 3)
    >>> data.support.tolist() == sorted(data.support.tolist())
    True
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    n_features = check_positive_int(n_features, "n_features")
    n_informative = check_positive_int(n_informative, "n_informative")
    if n_informative > n_features:
        raise InputValueError(
            f"n_informative must be at most n_features = {n_features}; got {n_informative}."
        )
    correlation = check_finite(correlation, "correlation")
    if not -1.0 < correlation < 1.0:
        raise InputValueError(
            f"correlation must lie strictly between -1 and 1 (so that Σ = ρ^|i−j| is "
            f"positive definite); got {correlation!r}."
        )
    noise = check_positive(noise, "noise")
    gaussian = check_choice(likelihood, "likelihood", ("gaussian", "bernoulli")) == "gaussian"
    if not gaussian and noise != 1.0:
        raise InputValueError(
            f"noise must be 1.0 with the Bernoulli likelihood, which has no noise scale; "
            f"got {noise!r}. Leave noise at its default."
        )
    intercept = check_finite(intercept, "intercept")
    rng = as_generator(random_seed)

    coef = np.zeros(n_features)
    support = np.sort(rng.choice(n_features, size=n_informative, replace=False))
    signs = rng.choice(np.array([-1.0, 1.0]), size=n_informative)
    coef[support] = signs * rng.uniform(1.0, 2.0, size=n_informative)

    # x_i = L z_i with Σ = L Lᵀ, i.e. X = Z Lᵀ row by row.
    cholesky_factor = linalg.cholesky(toeplitz_correlation(n_features, correlation), lower=True)
    X = rng.standard_normal((n_samples, n_features)) @ cholesky_factor.T
    linear_predictor = intercept + X @ coef
    if gaussian:
        y = linear_predictor + noise * rng.standard_normal(n_samples)
    else:
        # y_i = 1 with probability sigmoid(η_i): compare a uniform draw with it.
        y = (rng.random(n_samples) < special.expit(linear_predictor)).astype(np.float64)
    return SyntheticData(
        X=frozen_array(X),
        y=frozen_array(y),
        coef=frozen_array(coef),
        intercept=intercept,
        noise=noise,
        correlation=correlation,
        likelihood="gaussian" if gaussian else "bernoulli",
    )
