"""PyMC models for regression under a prior: the Bayesian side of a penalized fit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
from scipy.special import logsumexp

import bayesreg.core.data as _data  # DENSE_COPY_LIMIT, read at call time
from bayesreg.core.data import check_sample_weight, target_scale
from bayesreg.core.solve import check_noise
from bayesreg.core.stats import is_sufficient_stats
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.priors import NoisePrior, Prior, check_prior
from bayesreg.validation import (
    as_design_or_sparse,
    as_target,
    check_binary_target,
    check_bool,
    check_choice,
    check_counts,
    check_offset_likelihood,
    feature_names_of,
    is_sparse,
)

__all__ = [
    "LIKELIHOODS",
    "ModelKeywords",
    "ModelOptions",
    "build_model",
    "check_target",
    "check_weights",
    "model_of_rows",
    "model_options",
    "noise_variable",
    "weighted_loglik",
]


#: The likelihoods :func:`build_model` writes.
LIKELIHOODS = ("gaussian", "bernoulli", "poisson")
#: The likelihoods without a noise σ: their prior is taken at σ = 1.
NOISELESS = ("bernoulli", "poisson")


def build_model(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    noise: float | None = None,
    likelihood: str = "gaussian",
    fit_intercept: bool = True,
    offset: Any = None,
    weights: Any = None,
) -> Any:
    r"""Build the PyMC model whose MAP is the penalized estimate.

    Gaussian likelihood::

        y_i | w, w0, σ ~ Normal(w0 + x_iᵀ w, σ),   w_j ~ prior,   p(w0) ∝ 1

    Bernoulli likelihood (logistic regression)::

        y_i | w, w0 ~ Bernoulli(p_i),   logit(p_i) = w0 + x_iᵀ w,   w_j ~ prior,   p(w0) ∝ 1

    Poisson likelihood (log link, with an offset o, e.g. o_i = log of an exposure t_i)::

        y_i | w, w0 ~ Poisson(μ_i),   log μ_i = o_i + w0 + x_iᵀ w,   w_j ~ prior,   p(w0) ∝ 1

    With σ fixed, ``−log p(w, w0 | y) = (n/σ²)·F(w, w0) + const`` where ``F`` is the
    penalized objective at ``prior.penalty(n, σ)`` (σ = 1 for the Bernoulli and Poisson
    likelihoods, which have no noise). For the Poisson likelihood
    ``F(w, w0) = 1/n Σ_i [exp(η_i) − y_i η_i] + alpha·[r ||w||₁ + (1 − r)/2 ||w||²]``
    with ``η = o + w0 + Xw``, the objective of :func:`~bayesreg.core.poisson.poisson`.

    With observation weights ``s_i ≥ 0`` the Bernoulli and Poisson log-likelihoods are
    ``Σ_i s_i log p(y_i | η_i)`` (the potential ``"y_obs"``, see ``weighted_loglik``):
    ``−log p = Σs·F_s(w, w0) + const`` with ``F_s = 1/Σs Σ_i s_i ℓ_i + alpha·P(w)`` at
    ``prior.penalty(Σs)`` — n becomes Σs — so the MAP is ``prior.penalized_fit(X, y,
    likelihood=..., sample_weight=s)`` and integer weights are replicated rows. In the
    Gaussian likelihood row i has the noise ``σ/√s_i``::

        y_i | w, w0, σ ~ Normal(w0 + x_iᵀ w, σ/√s_i)   (rows with s_i > 0)

    so ``−log p = Σ_i s_i r_i²/(2σ²) − log prior + const = (Σs/σ²)·F_s(w, w0) + const``
    with ``F_s = 1/(2Σs) Σ_i s_i r_i² + alpha·P(w)`` at ``prior.penalty(Σs, σ)``: with σ
    fixed the MAP is ``prior.penalized_fit(X, y, noise=σ, sample_weight=s)``, and integer
    weights are replicated rows. A row with ``s_i = 0`` has infinite noise and carries no
    information: it is left out of the model. With σ free the likelihood's normalizing
    term is ``Σ_{s_i>0} log(σ/√s_i)``, so σ's stationarity condition reads
    ``σ̂² = Σ_i s_i r_i² / m`` (m the number of rows with ``s_i > 0``, not Σs) plus the
    pull of σ's prior (and of the coefficients' prior when it scales with σ).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or SufficientStats
        Design matrix; DataFrame column names become the ``"feature"`` coordinate. With
        :class:`~bayesreg.core.stats.SufficientStats` (then ``y=None``, Gaussian
        likelihood only) the likelihood is written through the statistics
        (``bayesreg.pymc.likelihood``): the same posterior at O(p²) per gradient,
        with the statistics in ``pm.Data`` and the potential ``"y_obs"`` instead of the
        data ``"X"``, ``"y"`` and the observed ``"y_obs"``.
    y : array-like of shape (n_samples,), or None with SufficientStats
        Target; 0/1 for the Bernoulli likelihood; counts (integers ≥ 0, any numeric
        dtype) for the Poisson likelihood.
    prior : Prior
        Prior on each coefficient, e.g. ``LaplacePrior(2.0)``.
    noise : float, optional
        Fixed noise standard deviation σ > 0 (Gaussian likelihood only: the Bernoulli
        and Poisson likelihoods have no noise, and a noise given with them is refused).
        When None, with the Gaussian likelihood, σ is a free variable ``"noise"`` with
        the prior

        - ``HalfNormal(s_y)``, weakly informative, where ``s_y`` is the root mean square of
          y about its mean (about 0 when no intercept is fitted): the residual scale of the
          model with w = 0, so the prior puts its median at 0.67 s_y and 5% of its mass
          beyond 1.96 s_y;
        - ``p(σ²) ∝ 1/σ²`` for a prior with ``conditions_on_noise`` (the Bayesian lasso of
          Park & Casella). This density is improper, so it is a ``pm.HalfFlat("noise")``
          plus ``pm.Potential("noise_reference_prior", −log σ)``: ``p(σ) ∝ 1/σ`` is the
          same prior written for σ, and ``"noise"`` stays a free variable on the σ scale,
          so MAP estimates and posterior summaries refer to σ (a Flat on log σ would make
          log σ the variable, and a MAP without the Jacobian would be the mode in log σ,
          a different point).

        In both cases ``"noise"`` starts at ``s_y``.
    likelihood : {"gaussian", "bernoulli", "poisson"}, default "gaussian"
    fit_intercept : bool, default True
        Add a free intercept ``"intercept"`` with the flat prior ``pm.Flat``. It starts at
        the intercept of the model with w = 0: mean(y), logit(mean(y)) (Bernoulli), or
        ``log Σ y − log Σ exp(o)`` (Poisson).
    offset : array-like of shape (n_samples,), optional
        The known term o of the Poisson log-rate (finite numbers; the log of each
        sample's exposure when the counts are over different exposures). Poisson
        likelihood only. Default: no offset (o = 0).
    weights : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0`` (finite, not all 0; rows only): noise ``σ/√s_i``
        for row i (Gaussian), ``s_i log p(y_i | η_i)`` (Bernoulli, Poisson). Rows with
        ``s_i = 0`` are left out (the ``"obs"`` coordinate keeps the others' indices).

    Returns
    -------
    pymc.Model
        Data ``"X"`` (dims ``("obs", "feature")``), ``"y"`` (dims ``"obs"``) and, with an
        offset or weights, ``"offset"`` or ``"weights"`` (dims ``"obs"``) in ``pm.Data``;
        free variables ``"coef"`` (dims ``"feature"``), ``"intercept"`` when
        ``fit_intercept``, ``"noise"`` when σ is free; observed ``"y_obs"`` (a potential
        for the weighted Bernoulli and Poisson likelihoods). It is an ordinary model:
        extend it, sample it, or swap the data with ``pm.set_data``.

    Raises
    ------
    DataError
        If X, y or offset do not match or hold non-finite values, y is not 0/1
        (Bernoulli) or holds a negative or non-integer count (Poisson; the message names
        the first one and its index), or y is constant where the flat prior on the
        intercept then gives an improper posterior (one Bernoulli class, all counts 0).
        Also if ``weights`` are not finite numbers ≥ 0 with a positive sum, one per row.
    InputValueError
        If ``likelihood`` is not allowed, a ``noise`` is given with the Bernoulli or
        Poisson likelihood, an ``offset`` with a likelihood other than Poisson, or
        ``weights`` with sufficient statistics.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.priors import LaplacePrior
    >>> from bayesreg.pymc import build_model, find_map
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 3))
    >>> exposure = rng.uniform(1.0, 3.0, 100)
    >>> y = rng.poisson(exposure * np.exp(0.5 + 0.4 * X[:, 0]))
    >>> model = build_model(X, y, LaplacePrior(1.0), likelihood="poisson",
    ...                     offset=np.log(exposure))
    >>> estimate = find_map(model)
    >>> estimate.converged, estimate.optimality
    (True, 'global')
    """
    sufficient = is_sufficient_stats(X, y)
    if sufficient and weights is not None:
        raise InputValueError(
            "weights were given with sufficient statistics, which already sum over the "
            "rows and cannot weight them; pass X and y (the rows) with weights instead."
        )
    design = X if sufficient else as_design_or_sparse(X)
    n_samples = X.n_samples if sufficient else design.shape[0]
    options = model_options(
        noise=noise,
        likelihood=likelihood,
        fit_intercept=fit_intercept,
        offset=offset,
        weights=weights,
        n_samples=n_samples,
    )
    if sufficient:
        # The Gaussian likelihood through XcᵀXc, Xcᵀyc, ycᵀyc: O(p²) per gradient.
        from bayesreg.pymc.likelihood import build_sufficient_model

        return build_sufficient_model(
            X,
            prior,
            noise=options.noise,
            likelihood=options.likelihood,
            fit_intercept=options.fit_intercept,
        )
    n_features = design.shape[1]
    target = as_target(y, n_samples)
    check_prior(prior)
    # the rows of weight 0 are left out: the others must fit the likelihood on their own
    check_target(target if options.weights is None else target[options.weights > 0.0], options)
    return model_of_rows(design, target, prior, options, feature_names_of(X, n_features))


class ModelKeywords(TypedDict, total=False):
    """The model options :func:`build_model` takes, for functions that pass them on."""

    noise: float | None
    likelihood: str
    fit_intercept: bool
    offset: Any
    weights: Any


@dataclass(frozen=True)
class ModelOptions:
    """:func:`build_model`'s options, validated (see its docstring).

    ``offset`` is None or a finite float array of length n (Poisson likelihood only);
    ``weights`` None or n finite weights ≥ 0 with a positive sum (Gaussian likelihood only).
    """

    noise: float | None
    likelihood: str
    fit_intercept: bool
    offset: FloatArray | None = None
    weights: FloatArray | None = None


def model_options(
    *,
    noise: float | None = None,
    likelihood: str = "gaussian",
    fit_intercept: bool = True,
    offset: Any = None,
    weights: Any = None,
    n_samples: int | None = None,
) -> ModelOptions:
    """Validate :func:`build_model`'s options once, with its defaults.

    An ``offset`` or ``weights`` are checked against ``n_samples``, the number of rows of
    the data (required with either).
    """
    kind = check_choice(likelihood, "likelihood", LIKELIHOODS)
    if kind in NOISELESS and noise is not None:
        raise InputValueError(
            f"noise={noise!r} was given with likelihood={kind!r}, but the "
            f"{kind.capitalize()} likelihood has no noise; omit noise."
        )
    shift: FloatArray | None = None
    if offset is not None:
        check_offset_likelihood(offset, kind)
        if n_samples is None:
            raise InputValueError("offset: the number of samples it must match is unknown.")
        shift = as_target(offset, n_samples, name="offset")
    return ModelOptions(
        noise=check_noise(noise, kind),
        likelihood=kind,
        fit_intercept=check_bool(fit_intercept, "fit_intercept"),
        offset=shift,
        weights=check_weights(weights, kind, n_samples),
    )


def check_weights(weights: Any, likelihood: str, n_samples: int | None) -> FloatArray | None:
    """``weights`` validated once by the data layer's
    :func:`~bayesreg.core.data.check_sample_weight` (every likelihood).

    Raises
    ------
    DataError
        Unless ``weights`` are ``n_samples`` finite numbers ≥ 0 with a positive sum (the
        message names ``weights``).
    """
    if weights is None:
        return None
    if n_samples is None:
        raise InputValueError("weights: the number of samples they must match is unknown.")
    return check_sample_weight(weights, n_samples, name="weights")


def check_target(target: FloatArray, options: ModelOptions) -> None:
    """Check a validated target against the likelihood: 0/1 classes or counts.

    Raises
    ------
    DataError
        As :func:`build_model` says.
    """
    if options.likelihood == "bernoulli":
        _check_bernoulli(target, options.fit_intercept)
    elif options.likelihood == "poisson":
        _check_poisson(target, options.fit_intercept)


def model_of_rows(
    design: Any,
    target: FloatArray,
    prior: Prior,
    options: ModelOptions,
    feature_names: tuple[str, ...],
) -> Any:
    """:func:`build_model` on validated rows: ``design`` dense or scipy.sparse, ``target``.

    A sparse ``design`` enters the model as ``pm.Data`` of its dense copy when
    ``n·p ≤`` :data:`~bayesreg.core.data.DENSE_COPY_LIMIT` entries; a larger one is
    refused (the PyMC samplers and :func:`~bayesreg.pymc.map.find_map` need dense
    gradients of ``X w``). With ``options.weights`` only the rows of positive weight
    enter the model.
    """
    import pymc as pm

    kind = options.likelihood
    rows = np.arange(target.shape[0])
    weights = options.weights
    if weights is not None:  # a zero weight is infinite noise: the row carries nothing
        rows = np.flatnonzero(weights > 0.0)
        design, target, weights = design[rows], target[rows], weights[rows]
    coords = {"feature": feature_names, "obs": rows}
    with pm.Model(coords=coords) as model:
        X_data = pm.Data("X", _dense_for_model(design), dims=("obs", "feature"))
        y_data = pm.Data("y", target if kind == "gaussian" else target.astype(np.int64), dims="obs")
        if kind in NOISELESS:
            # The Bernoulli and Poisson likelihoods have no noise: the prior is taken at σ = 1.
            noise_value: Any = np.float64(1.0)
        elif options.noise is not None:
            noise_value = np.float64(options.noise)
        else:
            noise_value = noise_variable(
                prior, _residual_scale(target, weights, fit_intercept=options.fit_intercept)
            )
        coef = prior.to_pymc("coef", dims="feature", noise=noise_value)
        linear = pm.math.dot(X_data, coef)
        if options.fit_intercept:
            shift = None if options.offset is None else options.offset[rows]
            start = _intercept_start(target, kind, shift, weights)
            linear = pm.Flat("intercept", initval=start) + linear
        if kind == "poisson" and options.offset is not None:
            linear = pm.Data("offset", options.offset[rows], dims="obs") + linear
        if kind == "gaussian":
            # row i has noise σ/√s_i: σ/√s is proportional to σ and constant when σ is
            # fixed, which bayesreg.pymc.structure and .collapse read
            sigma = (
                noise_value
                if weights is None
                else noise_value / pm.math.sqrt(pm.Data("weights", weights, dims="obs"))
            )
            pm.Normal("y_obs", mu=linear, sigma=sigma, observed=y_data, dims="obs")
        elif weights is not None:
            weighted_loglik(kind, linear, y_data, pm.Data("weights", weights, dims="obs"))
        elif kind == "bernoulli":
            pm.Bernoulli("y_obs", logit_p=linear, observed=y_data, dims="obs")
        else:
            # log μ = o + w0 + Xw: the log-rate is affine in (w, w0), which is what
            # bayesreg.pymc.structure reads to prove −log p convex.
            pm.Poisson("y_obs", mu=pm.math.exp(linear), observed=y_data, dims="obs")
    return model


def weighted_loglik(kind: str, linear: Any, y_data: Any, weights: Any) -> Any:
    """The potential ``"y_obs"`` = ``Σ_i s_i log p(y_i | η_i)`` of a weighted Bernoulli or
    Poisson model, η the linear predictor (the offset included).

    ``log p(y | η) = y η − softplus(η)`` (Bernoulli, logit η) or
    ``y η − exp(η) − log y!`` (Poisson, log-rate η): PyMC's log-densities, so integer
    weights give the log-likelihood of replicated rows exactly. Written this way the
    potential is proven concave by :mod:`bayesreg.pymc.structure` when the weights are
    ≥ 0 (:func:`~bayesreg.pymc.map.find_map` checks them).
    """
    import pymc as pm

    from bayesreg.pymc._graph_rules import pytensor_modules

    _, pt = pytensor_modules()
    if kind == "bernoulli":
        log_density = y_data * linear - pt.softplus(linear)
    else:
        log_density = y_data * linear - pt.exp(linear) - pt.gammaln(y_data + 1.0)
    return pm.Potential("y_obs", pt.sum(weights * log_density))


def _residual_scale(
    target: FloatArray, weights: FloatArray | None, *, fit_intercept: bool
) -> float:
    """The residual scale ``s_y`` of the model with w = 0: ``√(Σ s_i (y_i − ȳ_s)²/m)``.

    Without weights the root mean square of y about its mean (about 0 without an
    intercept); with positive weights (m rows) the σ̂ of the weighted model with w = 0,
    whose row i has noise ``σ/√s_i``.
    """
    if weights is None:
        return target_scale(target, fit_intercept=fit_intercept)
    center = float(weights @ target / weights.sum()) if fit_intercept else 0.0
    return float(np.sqrt(weights @ (target - center) ** 2 / target.size))


def _dense_for_model(design: Any) -> FloatArray:
    """``design`` as a dense array for ``pm.Data``; a sparse one only when it is small."""
    if not is_sparse(design):
        dense: FloatArray = design
        return dense
    n_samples, n_features = design.shape
    limit = _data.DENSE_COPY_LIMIT
    if n_samples * n_features > limit:
        raise InputTypeError(
            f"X is a scipy.sparse matrix of shape {design.shape} ({n_samples * n_features} "
            f"entries); PyMC models hold X densely, up to {limit} entries. "
            "Pass fewer rows or columns, or, for the Gaussian likelihood, use "
            "sample_posterior(..., method='gibbs'), which reads XᵀX and Xᵀy of the sparse X."
        )
    dense = np.asarray(design.toarray(), dtype=np.float64)
    return dense


def _check_bernoulli(target: Any, fit_intercept: bool) -> None:
    check_binary_target(target)
    if fit_intercept and np.unique(target).size < 2:
        raise DataError(
            f"y holds only the class {target[0]:g}: with a flat prior on the intercept the "
            "posterior is improper (the intercept runs to infinity). Pass both classes, or "
            "fit_intercept=False."
        )


def noise_variable(prior: Prior, scale: float) -> Any:
    """The free ``"noise"`` of the docstring above, given the residual scale ``s_y``.

    Its prior is :meth:`bayesreg.priors.NoisePrior.default_for` (the one the Gibbs
    samplers use too); it starts at ``s_y`` (1 when that is 0).
    """
    start = scale if scale > 0.0 else 1.0
    return NoisePrior.default_for(prior, scale).to_pymc("noise", initval=start)


def _check_poisson(target: FloatArray, fit_intercept: bool) -> None:
    """Counts: integers ≥ 0, and with an intercept at least one of them positive."""
    check_counts(target)
    if fit_intercept and not np.any(target > 0.0):
        raise DataError(
            f"y holds only zeros ({target.size} counts): with a flat prior on the intercept "
            "the posterior is improper (the intercept runs to −∞, every mean to 0). Pass "
            "data with a positive count, or fit_intercept=False."
        )


def _intercept_start(
    target: FloatArray, kind: str, offset: FloatArray | None, weights: FloatArray | None = None
) -> np.float64:
    """The intercept of the model with w = 0 (see :func:`build_model`); weighted with
    ``weights`` (the rows of positive weight, as are ``target`` and ``offset``)."""
    scale = np.ones(target.size) if weights is None else weights
    mean = float(np.mean(target)) if weights is None else float(weights @ target / weights.sum())
    if kind == "gaussian":
        return np.float64(mean)
    if kind == "bernoulli":
        return np.float64(np.log(mean) - np.log1p(-mean))
    # Poisson: Σ s exp(o + w0) = Σ s y, i.e. w0 = log Σ s y − log Σ s exp(o) (o = 0, s = 1
    # without offset or weights)
    shift = np.zeros(target.size) if offset is None else offset
    log_total = float(logsumexp(shift, b=scale))
    return np.float64(np.log(float(scale @ target)) - log_total)
