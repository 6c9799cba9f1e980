"""``sample_posterior``: one entry point for NUTS, the exact conjugate posterior and Gibbs.

All three return an ``xarray.DataTree`` in ArviZ 1 layout: a ``posterior`` group with
``coef`` (chain, draw, feature), ``intercept`` (when fitted) and ``noise`` (when free),
an ``observed_data`` group, and attributes naming the method, the prior and the noise
prior. The NUTS tree also holds PyMC's ``sample_stats`` (divergences, tree depth, ...).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from bayesreg.core.data import check_sample_weight
from bayesreg.core.solve import check_noise
from bayesreg.core.stats import is_sufficient_stats
from bayesreg.core.types import FloatArray
from bayesreg.errors import InputValueError, ModelStructureError
from bayesreg.posterior._front import (
    Draws,
    RunOptions,
    draws_tree,
    noise_prior_of,
    observed_target,
    prior_attrs,
    tree_attrs,
)
from bayesreg.posterior._stats_data import linear_data_of
from bayesreg.posterior.bernoulli_gibbs import bernoulli_gibbs
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.gibbs import UPDATES, GibbsPrior, run_gibbs
from bayesreg.posterior.horseshoe_gibbs import sample_horseshoe_gibbs
from bayesreg.posterior.positive_gibbs import positive_gibbs
from bayesreg.priors import (
    HorseshoePlusPrior,
    HorseshoePrior,
    NoisePrior,
    Prior,
    RegularizedHorseshoePrior,
    check_prior,
)
from bayesreg.validation import as_design_or_sparse, check_choice, check_offset_likelihood

if TYPE_CHECKING:
    import xarray

__all__ = ["gibbs_prior_of", "noise_prior_of", "prior_attrs", "sample_posterior"]


_METHODS = ("nuts", "gibbs", "exact")
_LIKELIHOODS = ("gaussian", "bernoulli", "poisson")
_NUTS_SAMPLERS = ("pymc", "nutpie", "numpyro", "blackjax")


def gibbs_prior_of(prior: Prior, noise: float | None) -> GibbsPrior:
    """The scale-mixture form of a prior object, as the Gibbs sampler needs it.

    Every prior states ``−log p(w_j) = l1|w_j| + (l2/2) w_j²`` through
    ``l1_weight(σ)`` and ``l2_weight(σ)``. With σ fixed these weights are all the
    sampler needs. With σ free, a prior that conditions on σ (``conditions_on_noise``,
    Park & Casella's Bayesian lasso: ``l1 = λ/σ``) is scaled by σ, its weights read at
    σ = 1; a random λ with ``λ² ~ Gamma(r, δ)`` is the prior's ``hyperprior = (r, δ)``.

    A sign-constrained prior (``prior.positive``) has no such form here and is refused.

    A prior with one scale per coefficient (``prior.penalty_factor()`` = v) has the
    weights ``v_j·l1`` and ``v_j·l2`` of its reference scale: ``prior.penalty(1, 1)`` is
    ``(l1 + l2, l1/(l1 + l2))`` there, and the sampler takes v as ``factor``.

    Parameters
    ----------
    prior : bayesreg.priors.Prior
    noise : float or None
        The fixed noise sd σ, or None when σ is sampled.

    Returns
    -------
    GibbsPrior

    Raises
    ------
    ModelStructureError
        For a prior supported on ``w ≥ 0``.

    Examples
    --------
    >>> from bayesreg.posterior import gibbs_prior_of
    >>> from bayesreg.priors import BayesianLassoPrior, GaussianPrior, LaplacePrior
    >>> gibbs_prior_of(LaplacePrior(2.0), noise=1.0)
    GibbsPrior(l1=0.5, l2=0.0, scaled_by_noise=False, l1_hyperprior=None, factor=None)
    >>> gibbs_prior_of(BayesianLassoPrior(lam=2.0), noise=None).scaled_by_noise
    True
    >>> gibbs_prior_of(GaussianPrior((1.0, 2.0)), noise=1.0).factor
    (1.0, 0.25)
    """
    if prior.positive:
        raise ModelStructureError(
            f"{prior!r} is supported on w ≥ 0, but the exact sampler and the scale-mixture "
            "Gibbs sampler draw untruncated Gaussians. Use method='gibbs' with the Gaussian "
            "likelihood (truncated-normal coordinate updates) or method='nuts'."
        )
    factor = prior.penalty_factor()
    if factor is not None:
        # weights at σ = 1; a prior that scales with σ keeps that form (σ fixed or not)
        total, l1_ratio = prior.penalty(1, 1.0)
        return GibbsPrior(
            l1=total * l1_ratio,
            l2=total * (1.0 - l1_ratio),
            scaled_by_noise=bool(prior.conditions_on_noise),
            factor=tuple(factor),
        )
    hyperprior = getattr(prior, "hyperprior", None)
    if noise is not None and hyperprior is None:
        return GibbsPrior(l1=prior.l1_weight(noise), l2=prior.l2_weight(noise))
    scaled = bool(prior.conditions_on_noise)
    if hyperprior is not None and noise is not None and scaled:
        # λ² ~ Gamma(r, δ) with σ fixed: l1 = λ/σ, so l1² = λ²/σ² ~ Gamma(r, σ² δ)
        shape, rate = hyperprior
        return GibbsPrior(l1=0.0, l1_hyperprior=(shape, rate * noise**2))
    if hyperprior is not None:
        return GibbsPrior(l1=0.0, scaled_by_noise=scaled, l1_hyperprior=hyperprior)
    return GibbsPrior(l1=prior.l1_weight(1.0), l2=prior.l2_weight(1.0), scaled_by_noise=scaled)


def sample_posterior(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    noise: float | None = None,
    likelihood: str = "gaussian",
    method: str = "nuts",
    draws: int = 1000,
    chains: int = 4,
    tune: int = 1000,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    fit_intercept: bool = True,
    nuts_sampler: str | None = None,
    offset: Any = None,
    sample_weight: Any = None,
    gibbs_update: str = "block",
) -> xarray.DataTree:
    """Draw from the posterior of a regression whose coefficient prior is ``prior``.

    The model is ``y ~ N(w0 + Xw, σ²)`` (or Bernoulli with logit ``w0 + Xw``, or Poisson
    with log-rate ``offset + w0 + Xw``), ``w_j`` i.i.d. from ``prior``, a flat prior on
    ``w0``, and, when ``noise`` is None, the noise prior of
    :func:`bayesreg.pymc.model.build_model` for every method (:func:`.noise_prior_of`:
    ``p(σ²) ∝ 1/σ²`` for Park & Casella's Bayesian lasso, ``σ ~ HalfNormal(s_y)``
    otherwise), so the three methods target the same posterior. Its MAP with σ fixed is
    the penalized estimate at ``prior.penalty(n, σ)`` (σ = 1 for the Bernoulli and
    Poisson likelihoods).

    Parameters
    ----------
    X : array-like or DataFrame of shape (n, p), or SufficientStats
        DataFrame column names become the ``feature`` coordinate. With sufficient
        statistics (then ``y=None``, Gaussian likelihood) every method works from
        ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc``, ``x̄``, ``ȳ`` and n: ``"exact"`` and ``"gibbs"``
        (n ≥ p) as with the rows, ``"nuts"`` on the sufficient-statistics likelihood of
        :func:`bayesreg.pymc.model.build_model`; the tree then has no ``observed_data``.
    y : array-like of shape (n,), or None with SufficientStats
    prior : bayesreg.priors.Prior
    noise : float or None, default None
        Fixed noise sd σ, or None to sample it (Gaussian likelihood). The Bernoulli and
        Poisson likelihoods have no noise: omit it.
    likelihood : {"gaussian", "bernoulli", "poisson"}
        ``"poisson"`` needs ``method="nuts"``; ``"bernoulli"`` takes ``"nuts"`` or
        ``"gibbs"`` (Pólya-Gamma augmentation, with weights: every prior —
        :func:`~bayesreg.posterior.bernoulli_gibbs.bernoulli_gibbs` for the scale
        mixtures, with per-coefficient scales, and
        :func:`~bayesreg.posterior.horseshoe_gibbs.sample_horseshoe_gibbs` for the
        horseshoe family). The Poisson likelihood (log link) takes counts, integers
        ≥ 0, in ``y``.
    method : {"nuts", "gibbs", "exact"}
        ``"nuts"``: PyMC's ``pymc.sample`` on :func:`bayesreg.pymc.model.build_model`
        (nutpie when it is installed and the model allows it, PyMC's default choice).
        ``"exact"``: i.i.d. draws from the closed-form posterior (Gaussian prior,
        ``noise`` fixed). ``"gibbs"``: the NumPy Gibbs samplers of
        :func:`~bayesreg.posterior.gibbs_sample` (scale mixtures), ``positive_gibbs``
        (sign-constrained) and ``horseshoe_gibbs`` (the horseshoe family, the regularized
        horseshoe by Metropolis-Hastings steps within Gibbs). Every method takes a
        prior with per-coefficient scales (``GaussianPrior(scale=τ)``, τ a vector,
        ``inf`` for a flat entry): ``"exact"`` with the prior precision
        ``diag(σ²/τ_j²)``, ``"gibbs"`` with the per-coefficient weights of
        :func:`.gibbs_prior_of` (a flat entry needs n ≥ p there).
    draws, chains, tune : int
        Draws kept per chain, chains, warm-up iterations (ignored by ``"exact"``).
    random_seed : int, Generator or None
    progressbar : bool, default True
    fit_intercept : bool, default True
    nuts_sampler : {"pymc", "nutpie", ...} or None
        Passed to ``pymc.sample`` (None lets PyMC choose).
    offset : array-like of shape (n,), optional
        The known term of the Poisson log-rate (e.g. log exposure), as in
        :func:`bayesreg.pymc.model.build_model`. Poisson likelihood only.
    sample_weight : array-like of shape (n,), optional
        Observation weights ``s_i ≥ 0``, finite, not all 0 (rows only). Bernoulli and
        Poisson (``"nuts"``): the log-likelihood ``Σ_i s_i log p(y_i | η_i)`` of
        ``build_model(..., weights=sample_weight)``, so integer weights are replicated
        rows and the MAP is ``prior.penalized_fit(X, y, likelihood=...,
        sample_weight=sample_weight)`` (n becomes Σs in the conversion). Gaussian:
        row i has noise ``σ/√s_i`` (``y_i ~ N(w0 + x_iᵀw, σ²/s_i)``), a zero weight
        removes its row, integer weights are replicated rows when σ is fixed. Every method
        samples that posterior: ``"exact"`` and ``"gibbs"`` on the rows
        ``√s_i (x_i − x̄_s)``, ``√s_i (y_i − ȳ_s)`` with σ's degrees of freedom counting
        the rows with ``s_i > 0`` and ``w0 | w, σ ~ N(ȳ_s − x̄_sᵀw, σ²/Σs)``, ``"nuts"``
        on ``build_model(..., weights=sample_weight)``. Its MAP with σ fixed is
        ``prior.penalized_fit(X, y, noise=σ, sample_weight=sample_weight)``. A free σ's
        ``HalfNormal(s_y)`` prior takes the weighted ``s_y = √(Σ s_i (y_i − ȳ_s)²/m)``.
    gibbs_update : {"block", "coordinate"}, default "block"
        The coefficient update of the scale-mixture Gibbs sampler (``method="gibbs"``,
        Gaussian likelihood, not the horseshoe family or a sign-constrained prior):
        the ``update`` of :func:`~bayesreg.posterior.gibbs_sample`. ``"block"`` draws
        all of w at once (a p × p Cholesky factor per iteration); ``"coordinate"``
        sweeps over-relaxed single-coefficient draws at O(p²) per iteration: faster in
        effective samples per second unless columns of X are strongly correlated
        (measurements in :func:`~bayesreg.posterior.gibbs_sample`). Other samplers
        ignore it.

    Returns
    -------
    xarray.DataTree
        Groups ``posterior`` (``coef`` with dims chain, draw, feature; ``intercept``;
        ``noise`` when free; ``coef_lam`` when λ has a hyperprior), ``observed_data``
        (``y_obs``, dim ``obs``), and for NUTS ``sample_stats``. Attributes
        ``sampling_method``, ``prior`` (its repr), ``prior_family`` and
        ``prior_parameters`` (``prior_attrs``), ``noise_prior``, ``likelihood``,
        and ``fixed_noise`` (σ) when the noise was fixed: what
        :func:`~bayesreg.posterior.summary.shrinkage_summary` reads.

    Examples
    --------
    I.i.d. draws from the exact posterior of a Gaussian prior with σ fixed:

    >>> import numpy as np
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import sample_posterior
    >>> from bayesreg.priors import BayesianLassoPrior, GaussianPrior
    >>> X, y = load_diabetes(as_frame=True)
    >>> tree = sample_posterior(X, y, GaussianPrior(100.0), noise=54.0, method="exact",
    ...                         draws=500, chains=2, random_seed=0)
    >>> tree.posterior["coef"].dims, tree.posterior["coef"].shape
    (('chain', 'draw', 'feature'), (2, 500, 10))
    >>> tree.attrs["sampling_method"], tree.attrs["prior"], tree.attrs["fixed_noise"]
    ('exact', 'GaussianPrior(scale=100.0)', 54.0)
    >>> tree.posterior["feature"].values[:3].tolist()
    ['age', 'sex', 'bmi']

    Park & Casella's Bayesian lasso with a free σ, by Gibbs:

    >>> tree = sample_posterior(X, y, BayesianLassoPrior(lam=2.0), method="gibbs",
    ...                         draws=200, chains=2, random_seed=0, progressbar=False)
    >>> sorted(tree.posterior.data_vars), tree.attrs["noise_prior"]
    (['coef', 'intercept', 'noise'], 'p(σ²) ∝ 1/σ²')
    >>> bool((tree.posterior["noise"] > 0).all())
    True
    """
    check_prior(prior)
    options = _SamplingOptions(
        method=check_choice(method, "method", _METHODS),
        likelihood=check_choice(likelihood, "likelihood", _LIKELIHOODS),
        noise=_checked_noise(noise, likelihood),
        run=RunOptions.checked(
            draws=draws,
            tune=tune,
            chains=chains,
            random_seed=random_seed,
            progressbar=progressbar,
            fit_intercept=fit_intercept,
        ),
        nuts_sampler=None
        if nuts_sampler is None
        else check_choice(nuts_sampler, "nuts_sampler", _NUTS_SAMPLERS),
        gibbs_update=check_choice(gibbs_update, "gibbs_update", UPDATES),
    )
    _check_likelihood_options(options, offset)
    from_stats = is_sufficient_stats(X, y)
    weights = _checked_weights(sample_weight, X, from_stats)
    if from_stats and options.likelihood != "gaussian":
        raise InputValueError(
            "sufficient statistics summarize the Gaussian likelihood only; the "
            f"{options.likelihood.capitalize()} likelihood needs the rows. Pass X and y, or "
            "likelihood='gaussian'."
        )
    data_attrs: dict[str, Any] = {}
    if from_stats:
        data_attrs["observed_data"] = (
            f"none: the data are sufficient statistics of {X.n_samples} rows"
        )
    if options.method == "nuts":
        return _sample_nuts(X, y, prior, options, data_attrs, offset, weights)
    horseshoe = HorseshoePrior | HorseshoePlusPrior | RegularizedHorseshoePrior
    if options.method == "gibbs" and isinstance(prior, horseshoe):
        return _sample_horseshoe(X, y, prior, options, weights)
    return _sample_numpy(X, y, prior, options, data_attrs, weights)


def _checked_weights(sample_weight: Any, X: Any, from_stats: bool) -> FloatArray | None:
    """``sample_weight`` validated once (raw, not normalized), for the rows."""
    if sample_weight is None:
        return None
    if from_stats:
        raise InputValueError(
            "sample_weight cannot be applied to SufficientStats, which hold no rows to "
            "weight; pass X and y with sample_weight."
        )
    return check_sample_weight(sample_weight, as_design_or_sparse(X).shape[0])


def _checked_noise(noise: Any, likelihood: Any) -> float | None:
    """``noise`` checked as :func:`~bayesreg.core.solve.check_noise` does, and refused with
    the Poisson likelihood, which has no noise either."""
    if likelihood == "poisson" and noise is not None:
        raise InputValueError(
            f"noise={noise!r} was given with likelihood='poisson', but the Poisson "
            "likelihood has no noise; omit noise."
        )
    return check_noise(noise, likelihood)


def _check_likelihood_options(options: _SamplingOptions, offset: Any) -> None:
    """Refuse what only the Gaussian likelihood allows, and an offset outside Poisson."""
    kind = options.likelihood
    gibbs_logistic = kind == "bernoulli" and options.method == "gibbs"
    if kind != "gaussian" and options.method != "nuts" and not gibbs_logistic:
        use = "logistic regression" if kind == "bernoulli" else "Poisson regression"
        raise InputValueError(
            f"method={options.method!r} needs the Gaussian likelihood (its conjugate or "
            f"scale-mixture conditionals; the Bernoulli likelihood has a Pólya-Gamma Gibbs "
            f"sampler, method='gibbs'); got likelihood={kind!r}. Use method='nuts' for "
            f"{use}."
        )
    check_offset_likelihood(offset, kind)


@dataclass(frozen=True)
class _SamplingOptions:
    """The validated options of :func:`sample_posterior`."""

    method: str
    likelihood: str
    noise: float | None
    run: RunOptions
    nuts_sampler: str | None
    gibbs_update: str = "block"


def _sample_numpy(
    X: Any,
    y: Any,
    prior: Prior,
    options: _SamplingOptions,
    data_attrs: dict[str, Any],
    weights: FloatArray | None,
) -> xarray.DataTree:
    """The exact posterior's draws or a NumPy Gibbs sampler's (not the horseshoe family's),
    as a tree."""
    y_observed = observed_target(X, y)
    noise_prior: NoisePrior | None = None
    if options.method == "exact":
        sampled = _sample_exact(X, y, prior, options, weights)
    elif options.likelihood == "bernoulli":
        sampled = _sample_bernoulli_gibbs(X, y, prior, options, weights)
    else:
        noise_prior = noise_prior_of(
            prior,
            X if y_observed is None else y_observed,
            fit_intercept=options.run.fit_intercept,
            weights=weights,
        )
        sampled = _sample_gibbs(X, y, prior, options, noise_prior, weights)
    attrs = tree_attrs(
        options.method,
        prior,
        likelihood=options.likelihood,
        noise=options.noise,
        noise_prior=noise_prior,
        weighted=weights is not None,
    )
    return draws_tree(
        sampled.posterior,
        y=y_observed,
        feature_names=sampled.feature_names,
        attrs={**attrs, **data_attrs},
    )


def _sample_exact(
    X: Any, y: Any, prior: Prior, options: _SamplingOptions, weights: FloatArray | None
) -> Draws:
    """I.i.d. draws from the closed-form posterior (Gaussian prior, σ fixed)."""
    noise = options.noise
    mixture = None if noise is None else gibbs_prior_of(prior, noise)
    if noise is None or mixture is None or mixture.has_mixture:
        raise ModelStructureError(
            f"method='exact' needs a Gaussian prior and a fixed noise; got {prior!r} with "
            f"noise={noise!r}. Pass noise=σ with a GaussianPrior, or use method='gibbs' "
            "or 'nuts'."
        )
    # a Gaussian prior: −log p(w) = (l2/2) w², so τ² = 1/l2 (1/(v_j l2) per coefficient)
    if mixture.factor is None:
        scale: float | tuple[float, ...] = 1.0 / np.sqrt(mixture.l2)
    else:
        with np.errstate(divide="ignore"):  # v_j = 0: a flat prior, τ_j = inf
            scale = tuple(1.0 / np.sqrt(mixture.l2 * np.asarray(mixture.factor)))
    run = options.run
    exact = gaussian_posterior(
        X,
        y,
        scale=scale,
        noise=noise,
        fit_intercept=run.fit_intercept,
        sample_weight=weights,
    )
    coef, intercept = exact.sample(run.draws, chains=run.chains, random_seed=run.random_seed)
    return Draws(coef, intercept, None, None, exact.feature_names)


def _sample_gibbs(
    X: Any,
    y: Any,
    prior: Prior,
    options: _SamplingOptions,
    noise_prior: NoisePrior,
    weights: FloatArray | None,
) -> Draws:
    """The Gaussian likelihood's NumPy Gibbs samplers: truncated-normal coordinate updates
    for a prior supported on ``w ≥ 0`` (:mod:`~bayesreg.posterior.positive_gibbs`), the
    scale-mixture sampler of :mod:`bayesreg.posterior.gibbs` otherwise."""
    noise = options.noise
    if prior.positive:
        return positive_gibbs(
            X,
            y,
            prior,
            noise=noise,
            noise_prior=noise_prior,
            run=options.run,
            sample_weight=weights,
        )
    data = linear_data_of(
        X,
        y,
        fit_intercept=options.run.fit_intercept,
        rows_when_wide="gibbs_sample",
        sample_weight=weights,
    )
    result = run_gibbs(
        data,
        gibbs_prior_of(prior, noise),
        noise=noise,
        noise_prior=noise_prior,
        run=options.run,
        update=options.gibbs_update,
    )
    lam = result.lam
    if lam is not None and noise is not None and prior.conditions_on_noise:
        lam = lam * noise  # the sampler's l1 is λ/σ
    return Draws(result.coef, result.intercept, result.noise, lam, result.feature_names)


def _sample_bernoulli_gibbs(
    X: Any, y: Any, prior: Prior, options: _SamplingOptions, weights: FloatArray | None
) -> Draws:
    """Pólya-Gamma Gibbs draws of a logistic regression (no noise: the prior's weights
    are read at σ = 1, as the PyMC model states them)."""
    mixture = dataclasses.replace(gibbs_prior_of(prior, 1.0), scaled_by_noise=False)
    result = bernoulli_gibbs(X, y, mixture, **options.run.keywords(), sample_weight=weights)
    return Draws(result.coef, result.intercept, None, result.lam, result.feature_names)


def _sample_horseshoe(
    X: Any,
    y: Any,
    prior: HorseshoePrior | HorseshoePlusPrior | RegularizedHorseshoePrior,
    options: _SamplingOptions,
    weights: FloatArray | None,
) -> xarray.DataTree:
    """The Gibbs sampler of the horseshoe family (inverse-gamma auxiliaries, MH for the
    regularized horseshoe's slab; Pólya-Gamma for the Bernoulli likelihood)."""
    return sample_horseshoe_gibbs(
        X,
        y,
        prior,
        likelihood=options.likelihood,
        noise=options.noise,
        **options.run.keywords(),
        sample_weight=weights,
    )


def _sample_nuts(
    X: Any,
    y: Any,
    prior: Prior,
    options: _SamplingOptions,
    data_attrs: dict[str, Any],
    offset: Any = None,
    weights: FloatArray | None = None,
) -> xarray.DataTree:
    """NUTS through ``pymc.sample`` on :func:`bayesreg.pymc.model.build_model`."""
    import pymc as pm

    from bayesreg.pymc.model import build_model

    run = options.run
    model = build_model(
        X,
        y,
        prior,
        noise=options.noise,
        likelihood=options.likelihood,
        fit_intercept=run.fit_intercept,
        offset=offset,
        weights=weights,
    )
    sampler = {} if options.nuts_sampler is None else {"nuts_sampler": options.nuts_sampler}
    tree: xarray.DataTree = pm.sample(
        draws=run.draws,
        tune=run.tune,
        chains=run.chains,
        random_seed=run.random_seed,
        progressbar=run.progressbar,
        model=model,
        **sampler,
    )
    noise_prior = None
    if options.noise is None and options.likelihood == "gaussian":
        # the model holds the validated target (its rows of positive weight, with their
        # weights); statistics stand for it without rows
        target = X if y is None else model["y"].get_value()
        kept = None if weights is None else model["weights"].get_value()
        noise_prior = noise_prior_of(prior, target, fit_intercept=run.fit_intercept, weights=kept)
    attrs = tree_attrs(
        "nuts",
        prior,
        likelihood=options.likelihood,
        noise=options.noise,
        noise_prior=noise_prior,
        weighted=weights is not None,
    )
    attrs.update(data_attrs)
    tree.attrs.update(attrs)
    tree["posterior"].attrs.update(attrs)
    return tree
