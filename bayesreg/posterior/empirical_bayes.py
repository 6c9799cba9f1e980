"""Empirical Bayes: choose the prior scale by maximizing the marginal likelihood.

Gaussian prior (ridge), ``w_j ~ N(0, τ²)``, noise σ: the evidence is Gaussian,
``yc ~ N(0, σ² I + τ² Xc Xcᵀ)`` in the ``m``-dimensional space of the centered data
(``m = n − 1`` with the flat intercept integrated out, ``n`` without it). With the SVD
``Xc = U S Vᵀ``, ``d_j = s_j²`` and ``z = Uᵀ yc``::

    log p(y | τ, σ) = −m/2 log 2π − ½ Σ_j log(σ² + τ² d_j) − (m − r)/2 log σ²
                      − ½ Σ_j z_j² / (σ² + τ² d_j) − (||yc||² − ||z||²) / (2σ²)

(r = number of non-zero singular values). For a fixed ratio ``k = σ²/τ²`` the best σ²
is ``Q(k)/m`` with ``Q(k) = Σ_j z_j² k/(k + d_j) + ||yc||² − ||z||²``, so one SVD and a
one-dimensional search in ``log k`` give the maximum. This is the quantity scikit-learn's
``BayesianRidge`` maximizes (``alpha_ = 1/σ²``, ``lambda_ = 1/τ²``) with flat Gamma
hyperpriors; it counts ``m = n`` degrees of freedom even when it centers the data.

Laplace prior (Bayesian lasso, Park & Casella 2008), ``w_j | σ ~ Laplace(0, σ/λ)``,
``p(σ²) ∝ 1/σ²``: Monte Carlo EM. With the latent ``τ_j²`` of the normal scale mixture,
the complete-data log-likelihood in λ is ``p log λ² − (λ²/2) Σ_j τ_j²``, maximized by::

    λ⁽ᵏ⁺¹⁾ = √(2p / Σ_j E_{λ⁽ᵏ⁾}[τ_j² | y])

The expectation is estimated from Gibbs draws at ``λ⁽ᵏ⁾``, Rao-Blackwellized with
``E[τ_j² | w_j, σ, λ] = |w_j| / (λσ) + 1/λ²`` (the mean of the reciprocal of an
InverseGaussian(λσ/|w_j|, λ²)).
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np
import scipy.linalg
import scipy.optimize

from bayesreg.core.types import FloatArray
from bayesreg.errors import ConvergenceWarning, DataError, InputTypeError, InputValueError, warn
from bayesreg.posterior._data import LinearData
from bayesreg.posterior._gibbs_kernel import ScaleMixtureChains
from bayesreg.posterior._gibbs_priors import GibbsPrior
from bayesreg.posterior._progress import SamplingProgress
from bayesreg.posterior._stats_data import (
    eigen_spectrum,
    least_squares_noise,
    linear_data_of,
)
from bayesreg.priors import BayesianLassoPrior, GaussianPrior, LaplacePrior, Prior
from bayesreg.validation import (
    check_choice,
    check_positive,
    check_positive_int,
    check_seed,
)

__all__ = ["LassoMCEM", "RidgeEvidence", "empirical_bayes", "lasso_mcem", "ridge_evidence"]


_LOG_RATIO_SPAN = 40.0  # search log k within ± this many nats around the spectrum


@dataclass(frozen=True)
class RidgeEvidence:
    """The maximum of the ridge evidence over (τ, σ).

    Attributes
    ----------
    scale : float
        Prior sd τ at the maximum.
    noise : float
        Noise sd σ at the maximum.
    alpha : float
        The implied ridge penalty ``σ²/(n τ²)`` (l1_ratio = 0).
    log_evidence : float
        ``log p(y | τ, σ)`` at the maximum.
    dof : int
        Dimension ``m`` of the (centered) data.
    converged : bool
        False when the evidence has no interior maximum (it grows toward τ → 0).

    Examples
    --------
    :func:`ridge_evidence` returns one; its ``alpha`` is the ridge penalty of the
    Gaussian prior at the estimated scales:

    >>> import numpy as np
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import ridge_evidence
    >>> from bayesreg.priors import GaussianPrior
    >>> X, y = load_diabetes()
    >>> evidence = ridge_evidence(X, y)
    >>> evidence.converged, evidence.dof
    (True, 441)
    >>> round(evidence.scale, 1), round(evidence.noise, 2), round(evidence.log_evidence, 2)
    (295.3, 54.21, -2400.86)
    >>> alpha, _ = GaussianPrior(evidence.scale).penalty(len(y), noise=evidence.noise)
    >>> bool(np.isclose(alpha, evidence.alpha))
    True
    """

    scale: float
    noise: float
    alpha: float
    log_evidence: float
    dof: int
    converged: bool


@dataclass(frozen=True)
class LassoMCEM:
    """Park & Casella's marginal maximum likelihood λ by Monte Carlo EM.

    Each chain runs its own EM sequence (its own E-steps), so the chains give
    independent estimates and an honest Monte Carlo standard error.

    Attributes
    ----------
    lam : float
        The estimate: the mean over chains and over the last ``n_average`` iterates.
    lam_se : float
        Its Monte Carlo standard error: the sd of the per-chain estimates over √chains.
    trace : ndarray of shape (n_iter + 1, chains)
        λ⁽⁰⁾, λ⁽¹⁾, ... per chain (λ⁽⁰⁾ is Park & Casella's start ``p σ̂ / Σ|ŵ_LS|``).
    noise : float
        Posterior mean of σ over the draws of the last ``n_average`` iterations.
    alpha : float
        The implied lasso penalty ``σ λ / n`` (l1_ratio = 1) at σ = ``noise``.
    n_average : int
    converged : bool
        Whether the chain-averaged iterates of the two halves of the averaging window
        agree within ``tol`` (relative).

    Examples
    --------
    :func:`lasso_mcem` returns one. On the diabetes data Park & Casella (2008) report
    λ̂ ≈ 0.237:

    >>> import numpy as np
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import lasso_mcem
    >>> X, y = load_diabetes()
    >>> mcem = lasso_mcem(X, y, chains=2, random_seed=0)
    >>> mcem.converged, mcem.trace.shape, mcem.n_average
    (True, (51, 2), 10)
    >>> abs(mcem.lam - 0.237) < 0.02, mcem.lam_se < 0.01
    (True, True)
    >>> bool(np.isclose(mcem.alpha, mcem.noise * mcem.lam / len(y)))
    True
    >>> bool(np.isclose(mcem.scale, mcem.noise / mcem.lam))
    True
    """

    lam: float
    lam_se: float
    trace: FloatArray = field(repr=False)
    noise: float
    alpha: float
    n_average: int
    converged: bool

    @property
    def scale(self) -> float:
        """``σ̂/λ̂``: the Laplace scale b of ``w_j | σ ~ Laplace(0, σ/λ)`` at σ = ``noise``.

        ``LaplacePrior(scale)`` with the noise fixed at ``noise`` has the penalty
        ``alpha = noise²/(n · scale) = noise · lam / n``.
        """
        return self.noise / self.lam


def _spectrum(data: LinearData) -> tuple[FloatArray, FloatArray, float]:
    """``(d, z, rest)``: non-zero ``s_j²`` of Xc, ``z = Uᵀyc`` and ``||yc||² − ||z||²``."""
    left, singular, _ = scipy.linalg.svd(data.X, full_matrices=False)
    keep = singular > singular.max(initial=0.0) * max(data.X.shape) * np.finfo(float).eps
    if not np.any(keep):
        raise DataError(
            "X has no variation (every column is constant after centering); the evidence "
            "does not depend on the prior scale. Pass a design with non-constant columns."
        )
    projection = left[:, keep].T @ data.y
    rest = max(data.yty - float(projection @ projection), 0.0)
    return singular[keep] ** 2, projection, rest


def _log_evidence(
    variance: float, noise_var: float, d: FloatArray, z: FloatArray, rest: float, dof: int
) -> float:
    """``log p(y | τ², σ²)`` from the spectrum (module docstring)."""
    spread = noise_var + variance * d
    return float(
        -0.5 * dof * math.log(2.0 * math.pi)
        - 0.5 * np.sum(np.log(spread))
        - 0.5 * (dof - d.shape[0]) * math.log(noise_var)
        - 0.5 * np.sum(z * z / spread)
        - 0.5 * rest / noise_var
    )


def ridge_evidence(X: Any, y: Any, *, fit_intercept: bool = True) -> RidgeEvidence:
    """Maximize the ridge evidence ``p(y | τ, σ)`` over the prior sd τ and the noise sd σ.

    Parameters
    ----------
    X : array-like of shape (n, p), scipy.sparse CSR/CSC matrix, or SufficientStats
        The design, or its sufficient statistics (then ``y=None``): the SVD of ``Xc``
        is replaced by the eigendecomposition of ``XcᵀXc`` (``d_j = λ_j``,
        ``z_j = v_jᵀXcᵀyc/√λ_j``), which resolves singular values down to
        ``√(max(n, p)·eps)·d_max`` instead of ``max(n, p)·eps·d_max``. A sparse X is
        read the same way, through ``XcᵀXc`` formed from sparse products (any n, up to
        p = 10000 columns; X never densified).
    y : array-like of shape (n,), or None with SufficientStats
    fit_intercept : bool, default True
        Integrate a flat intercept out (``m = n − 1`` degrees of freedom).

    Returns
    -------
    RidgeEvidence
        ``scale`` τ, ``noise`` σ, ``alpha = σ²/(nτ²)`` and the log evidence.

    Examples
    --------
    The exact posterior at the estimated scales has the ridge estimate at ``alpha`` as
    its mean:

    >>> import numpy as np
    >>> from bayesreg import ridge
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import gaussian_posterior, ridge_evidence
    >>> X, y = load_diabetes()
    >>> evidence = ridge_evidence(X, y)
    >>> evidence.converged, round(evidence.alpha, 7)
    (True, 7.62e-05)
    >>> posterior = gaussian_posterior(X, y, scale=evidence.scale, noise=evidence.noise)
    >>> np.allclose(posterior.mean, ridge(X, y, evidence.alpha).coef)
    True

    Notes
    -----
    The profile ``g(t) = −(m/2) log Q(k) − ½ Σ_j log(1 + d_j/k)``, ``t = log k``, has
    derivative ``g'(t) = ½ Σ_j d_j/(k + d_j) − (m/2) k Q'(k)/Q(k)`` with
    ``Q'(k) = Σ_j z_j² d_j/(k + d_j)²``; its root is found by Brent's method inside the
    bracket where a grid over ``t`` changes sign, to machine precision.
    """
    data = linear_data_of(X, y, fit_intercept=fit_intercept)
    d, z, rest = _spectrum(data) if data.has_rows else eigen_spectrum(data)
    dof = data.dof

    def q_of(k: float) -> float:
        return float(np.sum(z * z * k / (k + d))) + rest

    def slope(t: float) -> float:
        k = math.exp(t)
        dq = float(np.sum(z * z * d / (k + d) ** 2))
        return 0.5 * float(np.sum(d / (k + d))) - 0.5 * dof * k * dq / q_of(k)

    log_d = np.log(d)
    grid = np.linspace(log_d.min() - _LOG_RATIO_SPAN, log_d.max() + _LOG_RATIO_SPAN, 400)
    slopes = np.array([slope(t) for t in grid])
    # A maximum: the slope crosses from + to −. Slopes within rounding of 0 (the profile
    # is flat toward σ → 0 when the data have no residual dimension) do not count.
    flat = 1e-9 * dof
    crossings = np.flatnonzero((slopes[:-1] > flat) & (slopes[1:] < -flat))
    converged = crossings.size > 0
    if converged:
        candidates = [
            scipy.optimize.brentq(
                slope, grid[i], grid[i + 1], xtol=1e-14, rtol=4 * np.finfo(float).eps
            )
            for i in crossings
        ]

        def profile(t: float) -> float:
            k = math.exp(t)
            return -0.5 * dof * math.log(q_of(k)) - 0.5 * float(np.sum(np.log1p(d / k)))

        log_ratio = max(candidates, key=profile)
    elif slopes[-1] > 0.0:
        log_ratio = float(grid[-1])
        warn(
            "the ridge evidence has no interior maximum: it keeps growing as the prior scale "
            f"τ → 0 (checked down to σ²/τ² = e^{log_ratio:.0f}); the data favour w = 0. "
            "The returned scale is the smallest one checked.",
            ConvergenceWarning,
        )
    else:
        log_ratio = float(grid[0])
        warn(
            "the ridge evidence has no interior maximum: it keeps growing as the noise σ → 0 "
            f"(checked down to σ²/τ² = e^{log_ratio:.0f}), as happens when the centered data "
            f"have no residual dimension ({dof} degrees of freedom, rank {d.shape[0]}). "
            "Fix the noise or use more samples than features.",
            ConvergenceWarning,
        )
    ratio = math.exp(log_ratio)
    noise_var = q_of(ratio) / dof
    variance = noise_var / ratio
    return RidgeEvidence(
        scale=math.sqrt(variance),
        noise=math.sqrt(noise_var),
        alpha=ratio / data.n_samples,
        log_evidence=_log_evidence(variance, noise_var, d, z, rest, dof),
        dof=dof,
        converged=converged,
    )


def _least_squares_start(data: LinearData) -> float:
    """Park & Casella's λ⁽⁰⁾ = p σ̂_LS / Σ_j |ŵ_LS,j| (minimum-norm LS when p ≥ n)."""
    coef, noise = least_squares_noise(data)
    total = float(np.sum(np.abs(coef)))
    if noise == 0.0 or total == 0.0:
        return 1.0
    return data.n_features * noise / total


def lasso_mcem(
    X: Any,
    y: Any,
    *,
    fit_intercept: bool = True,
    n_iter: int = 50,
    draws_per_iter: int = 100,
    burn_in: int = 200,
    n_average: int = 10,
    chains: int = 4,
    tol: float = 0.02,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = False,
) -> LassoMCEM:
    """Marginal maximum likelihood λ of the Bayesian lasso (Park & Casella 2008) by MCEM.

    Parameters
    ----------
    X : array-like of shape (n, p), scipy.sparse CSR/CSC matrix, or SufficientStats
        The design, or its sufficient statistics (then ``y=None``; n ≥ p required, as
        for :func:`bayesreg.posterior.gibbs.gibbs_sample`, which also says how a sparse
        X is read: through ``XcᵀXc`` when n ≥ p, densely copied within a limit when
        p > n).
    y : array-like of shape (n,), or None with SufficientStats
    fit_intercept : bool, default True
    n_iter : int, default 50
        EM iterations. The EM map contracts slowly (by about 0.85 per iteration on the
        diabetes data), so the iterations, not the draws, set the accuracy.
    draws_per_iter : int, default 100
        Gibbs draws per chain at each λ⁽ᵏ⁾ (chains continue from where they were).
    burn_in : int, default 200
        Gibbs iterations at λ⁽⁰⁾ before the first E-step.
    n_average : int, default 10
        The estimate averages the last ``n_average`` iterates (Monte Carlo noise).
    chains : int, default 4
        Independent EM sequences, run in lockstep.
    tol : float, default 0.02
        Relative tolerance between the means of the two halves of the averaging window
        (the iterates are autocorrelated through the EM map, so their Monte Carlo
        noise, about 0.5 % on the diabetes data, does not average away within it).
    random_seed : int, Generator or None
    progressbar : bool, default False

    Returns
    -------
    LassoMCEM

    Examples
    --------
    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import lasso_mcem
    >>> X, y = load_diabetes()
    >>> mcem = lasso_mcem(X, y, chains=2, random_seed=0)
    >>> mcem.converged, 0.2 < mcem.lam < 0.3
    (True, True)

    The lasso at the implied penalty (the MAP with σ fixed at ``mcem.noise``) keeps most
    of the ten variables:

    >>> 6 <= lasso(X, y, mcem.alpha).n_nonzero <= 10
    True
    """
    data = linear_data_of(X, y, fit_intercept=fit_intercept, rows_when_wide="lasso_mcem")
    iterations = check_positive_int(n_iter, "n_iter")
    per_iter = check_positive_int(draws_per_iter, "draws_per_iter")
    warm = check_positive_int(burn_in, "burn_in")
    window = min(check_positive_int(n_average, "n_average"), iterations)
    tolerance = check_positive(tol, "tol")
    n_chains = check_positive_int(chains, "chains")
    start = _least_squares_start(data)
    sampler = ScaleMixtureChains(
        data,
        GibbsPrior.bayesian_lasso(start),
        noise=None,
        chains=n_chains,
        random_seed=check_seed(random_seed),
    )
    lam = np.full(n_chains, start)
    trace = [lam]
    noise_means: list[FloatArray] = []
    with SamplingProgress(
        warm + iterations * per_iter, "Monte Carlo EM", enabled=progressbar
    ) as progress:
        sampler.run(warm, record=False, progress=progress)
        for _ in range(iterations):
            sampler.set_l1(lam)
            draws = sampler.run(per_iter, record=True, progress=progress)
            noise = np.sqrt(draws["noise_var"])
            # Rao-Blackwellized E[Σ_j τ_j²] = E[Σ_j |w_j|/(λσ) + 1/λ²], per chain
            scaled = np.abs(draws["coef"]) / (lam[:, None, None] * noise[:, :, None])
            expected_total = scaled.sum(axis=-1).mean(axis=-1) + data.n_features / lam**2
            lam = np.sqrt(2.0 * data.n_features / expected_total)
            trace.append(lam)
            noise_means.append(noise.mean(axis=-1))
    history = np.array(trace)
    last = history[-window:]
    per_chain = last.mean(axis=0)
    estimate = float(per_chain.mean())
    half = window // 2
    average = last.mean(axis=1)
    drift = abs(float(average[half:].mean() - average[:half].mean())) if half else 0.0
    converged = drift <= tolerance * estimate
    if not converged:
        warn(
            f"Monte Carlo EM for λ has not settled: the two halves of the last {window} "
            f"iterates differ by {drift / estimate:.2%} (tol {tolerance:.2%}). Increase n_iter.",
            ConvergenceWarning,
        )
    noise_estimate = float(np.mean(noise_means[-window:]))
    spread = float(per_chain.std(ddof=1)) if n_chains > 1 else math.nan
    return LassoMCEM(
        lam=estimate,
        lam_se=spread / math.sqrt(n_chains),
        trace=history,
        noise=noise_estimate,
        alpha=noise_estimate * estimate / data.n_samples,
        n_average=window,
        converged=converged,
    )


#: The estimator of each prior family: the scale is what empirical Bayes estimates.
_ESTIMATORS: dict[type[Prior], str] = {
    GaussianPrior: "gaussian",
    LaplacePrior: "laplace",
    BayesianLassoPrior: "laplace",
}


def _family_of(prior: Any) -> str:
    """``"gaussian"`` or ``"laplace"`` from a name, a prior object or a prior class."""
    if isinstance(prior, str):
        return check_choice(prior, "prior", ("gaussian", "laplace"))
    family = prior if isinstance(prior, type) else type(prior)
    for cls in family.__mro__:
        if cls in _ESTIMATORS:
            return _ESTIMATORS[cls]
    error = InputValueError if issubclass(family, Prior) else InputTypeError
    raise error(
        "prior must be 'gaussian' or 'laplace', or a GaussianPrior, LaplacePrior or "
        f"BayesianLassoPrior (an instance or the class); got {prior!r}. Empirical Bayes is "
        "available for these families only."
    )


@overload
def empirical_bayes(
    X: Any,
    y: Any,
    prior: Literal["gaussian"] | GaussianPrior | type[GaussianPrior] = ...,
    **options: Any,
) -> RidgeEvidence: ...
@overload
def empirical_bayes(
    X: Any,
    y: Any,
    prior: Literal["laplace"]
    | LaplacePrior
    | BayesianLassoPrior
    | type[LaplacePrior]
    | type[BayesianLassoPrior],
    **options: Any,
) -> LassoMCEM: ...
def empirical_bayes(
    X: Any, y: Any, prior: str | Prior | type[Prior] = "gaussian", **options: Any
) -> RidgeEvidence | LassoMCEM:
    """Choose a prior's scale by maximizing the marginal likelihood of the data.

    Parameters
    ----------
    X : array-like of shape (n, p), or SufficientStats
    y : array-like of shape (n,), or None with SufficientStats
    prior : {"gaussian", "laplace"}, a prior, or a prior class; default "gaussian"
        The family whose scale is estimated. A prior object stands for its family: the
        scale is what is being estimated, so an instance's own scale is not used
        (``GaussianPrior(2.0)``, ``GaussianPrior`` and ``"gaussian"`` are the same
        request).

        - ``"gaussian"``, :class:`~bayesreg.priors.GaussianPrior`: :func:`.ridge_evidence`
          (exact, one SVD) → ``.scale``, ``.noise``, ``.alpha``, ``.log_evidence``.
        - ``"laplace"``, :class:`~bayesreg.priors.BayesianLassoPrior`,
          :class:`~bayesreg.priors.LaplacePrior`: :func:`.lasso_mcem`, Park & Casella's
          Bayesian lasso by Monte Carlo EM → ``.lam``, ``.trace``, ``.noise``, ``.alpha``,
          ``.scale``. The Laplace family is estimated in Park & Casella's
          parametrization, ``w_j | σ ~ Laplace(0, σ/λ)`` with ``p(σ²) ∝ 1/σ²``, whose
          marginal likelihood in λ is the one maximized; ``.scale = σ̂/λ̂`` is the Laplace
          scale b it implies at the posterior mean σ̂ (``LaplacePrior(.scale)`` with
          ``noise=.noise`` has the penalty ``.alpha``). A fixed-scale Laplace prior with
          σ ~ HalfNormal (``build_model``'s model for ``LaplacePrior``) has a slightly
          different marginal likelihood, which is not maximized here.

        :class:`~bayesreg.priors.ElasticNetPrior` is refused (no estimator).
    **options
        Keyword options of the chosen function.

    Returns
    -------
    RidgeEvidence or LassoMCEM

    Raises
    ------
    InputValueError, InputTypeError
        For another name, prior or object, or an option the chosen function does not
        take.

    Examples
    --------
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import empirical_bayes, ridge_evidence
    >>> from bayesreg.priors import BayesianLassoPrior, GaussianPrior
    >>> X, y = load_diabetes()
    >>> empirical_bayes(X, y, GaussianPrior) == ridge_evidence(X, y)
    True
    >>> mcem = empirical_bayes(X, y, BayesianLassoPrior, chains=2, random_seed=0)
    >>> type(mcem).__name__, mcem.converged
    ('LassoMCEM', True)
    >>> empirical_bayes(X, y, "horseshoe")
    Traceback (most recent call last):
        ...
    bayesreg.errors.InputValueError: prior must be one of ...
    """
    family = _family_of(prior)
    solver = ridge_evidence if family == "gaussian" else lasso_mcem
    allowed = [
        name
        for name, parameter in inspect.signature(solver).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise InputTypeError(
            f"empirical_bayes(prior={family!r}) got unknown option(s) "
            f"{', '.join(unknown)}; its options are {', '.join(allowed)}."
        )
    if family == "gaussian":
        return ridge_evidence(X, y, **options)
    return lasso_mcem(X, y, **options)
