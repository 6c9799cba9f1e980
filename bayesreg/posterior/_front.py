"""What the NumPy samplers share around their sweeps.

* :class:`RunOptions`: the validated ``draws``, ``tune``, ``chains``, ``random_seed``,
  ``progressbar`` and ``fit_intercept`` of a run, its random streams (one per chain) and
  its warm-up and recording loop;
* the prior of a free noise σ (:func:`noise_prior_of`, the one of
  :func:`bayesreg.pymc.model.build_model`), read from the observed target or from the
  sufficient statistics;
* the ArviZ 1 ``xarray.DataTree`` of the draws (:func:`draws_tree`) and the attributes
  that name the model (:func:`tree_attrs`), the layout of
  :func:`~bayesreg.posterior.sampling.sample_posterior`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from bayesreg.core.data import target_scale
from bayesreg.core.stats import SufficientStats, is_sufficient_stats
from bayesreg.core.types import FloatArray
from bayesreg.errors import InputTypeError
from bayesreg.posterior._conditionals import ChainStreams
from bayesreg.posterior._sweeps import run_sweeps
from bayesreg.priors import NoisePrior, Prior
from bayesreg.validation import (
    as_design_or_sparse,
    as_target,
    check_bool,
    check_nonneg_int,
    check_positive_int,
    check_seed,
)

if TYPE_CHECKING:
    import xarray

__all__ = [
    "Draws",
    "RunOptions",
    "check_noise_prior",
    "draws_tree",
    "noise_prior_of",
    "observed_target",
    "prior_attrs",
    "tree_attrs",
]

#: the variables of the posterior group that run along the feature dimension
_BY_FEATURE = ("coef", "coef_lambda", "coef_eta", "coef_lambda_tilde")


@dataclass(frozen=True)
class RunOptions:
    """The validated options of a sampling run.

    Attributes
    ----------
    draws : int
        Recorded iterations per chain (≥ 1).
    tune : int
        Discarded warm-up iterations per chain (≥ 0).
    chains : int
        Chains (≥ 1), advanced together.
    random_seed : int, Generator or None
        Seed of ``numpy.random.default_rng``; one stream is spawned per chain.
    progressbar : bool
    fit_intercept : bool

    Examples
    --------
    >>> from bayesreg.posterior._front import RunOptions
    >>> run = RunOptions.checked(draws=200, tune=100, chains=2, random_seed=0,
    ...                          progressbar=False, fit_intercept=True)
    >>> run.label("Gibbs"), len(run.streams().generators)
    ('Gibbs, 2 chains', 2)
    >>> RunOptions.checked(draws=0, tune=100, chains=2, random_seed=0,
    ...                    progressbar=False, fit_intercept=True)
    Traceback (most recent call last):
        ...
    bayesreg.errors.InputValueError: draws must be an integer ≥ 1; got 0.
    """

    draws: int
    tune: int
    chains: int
    random_seed: int | np.random.Generator | None
    progressbar: bool
    fit_intercept: bool

    @classmethod
    def checked(
        cls,
        *,
        draws: Any,
        tune: Any,
        chains: Any,
        random_seed: Any,
        progressbar: Any,
        fit_intercept: Any,
    ) -> RunOptions:
        """The options as given, each validated (the errors name the argument)."""
        return cls(
            draws=check_positive_int(draws, "draws"),
            tune=check_nonneg_int(tune, "tune"),
            chains=check_positive_int(chains, "chains"),
            random_seed=check_seed(random_seed),
            progressbar=check_bool(progressbar, "progressbar"),
            fit_intercept=check_bool(fit_intercept, "fit_intercept"),
        )

    def keywords(self) -> dict[str, Any]:
        """The options as the keyword arguments of the public samplers (values as they are)."""
        return {item.name: getattr(self, item.name) for item in dataclasses.fields(self)}

    def streams(self) -> ChainStreams:
        """One random stream per chain, spawned from ``random_seed``."""
        return ChainStreams(self.random_seed, self.chains)

    def label(self, sampler: str) -> str:
        """The progress bar's description: the sampler and the number of chains."""
        return f"{sampler}, {self.chains} chains"

    def sweeps(
        self, sweep: Callable[[], dict[str, FloatArray]], sampler: str
    ) -> dict[str, FloatArray]:
        """``tune`` discarded sweeps, then ``draws`` recorded ones (``run_sweeps``)."""
        return run_sweeps(
            sweep,
            tune=self.tune,
            draws=self.draws,
            label=self.label(sampler),
            progressbar=self.progressbar,
        )


@dataclass(frozen=True)
class Draws:
    """Draws of a NumPy sampler, arrays of shape (chains, draws, ...): ``coef``,
    ``intercept`` (None without one), ``noise`` σ (None when fixed or absent), ``lam``
    (λ under a hyperprior, else None), and the feature names."""

    coef: FloatArray
    intercept: FloatArray | None
    noise: FloatArray | None
    lam: FloatArray | None
    feature_names: tuple[str, ...]

    @property
    def posterior(self) -> dict[str, FloatArray | None]:
        """The posterior group's variables (None: not sampled)."""
        return {
            "coef": self.coef,
            "intercept": self.intercept,
            "noise": self.noise,
            "coef_lam": self.lam,
        }


def check_noise_prior(noise_prior: Any) -> NoisePrior | None:
    """``noise_prior`` if it is a NoisePrior or None, else an InputTypeError."""
    if noise_prior is not None and not isinstance(noise_prior, NoisePrior):
        raise InputTypeError(
            f"noise_prior must be a NoisePrior or None; got {type(noise_prior).__name__}."
        )
    return noise_prior


def observed_target(X: Any, y: Any) -> FloatArray | None:
    """The validated target of rows ``(X, y)`` (X checked first), None for statistics."""
    if is_sufficient_stats(X, y):
        return None
    return as_target(y, int(as_design_or_sparse(X, copy=False).shape[0]))


def noise_prior_of(
    prior: Prior,
    y: FloatArray | SufficientStats,
    *,
    fit_intercept: bool,
    weights: FloatArray | None = None,
) -> NoisePrior:
    """The prior of a free noise σ, the same as :func:`bayesreg.pymc.model.build_model`'s.

    ``p(σ²) ∝ 1/σ²`` for a prior that conditions on σ (Park & Casella), otherwise
    ``σ ~ HalfNormal(s_y)`` with ``s_y`` the root mean square of y about its mean (about
    0 without intercept), or 1 when that is 0. ``y`` is the target or the
    :class:`~bayesreg.core.stats.SufficientStats` of the data. With observation weights
    (validated, raw) ``s_y = √(Σ s_i (y_i − ȳ_s)²/m)``, m the number of rows with
    ``s_i > 0``: the σ̂ of the weighted model with w = 0, as in ``build_model``.

    Parameters
    ----------
    prior : bayesreg.priors.Prior
    y : ndarray of shape (n,) or SufficientStats
    fit_intercept : bool
    weights : ndarray of shape (n,), optional

    Returns
    -------
    NoisePrior

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.posterior import noise_prior_of
    >>> from bayesreg.priors import BayesianLassoPrior, LaplacePrior
    >>> y = np.array([1.0, 3.0, 5.0, 7.0])
    >>> noise_prior_of(LaplacePrior(1.0), y, fit_intercept=True).description
    'σ ~ HalfNormal(2.23607)'
    >>> noise_prior_of(BayesianLassoPrior(lam=1.0), y, fit_intercept=True).is_reference
    True
    """
    if weights is None or isinstance(y, SufficientStats):
        return NoisePrior.default_for(prior, target_scale(y, fit_intercept=fit_intercept))
    center = float(weights @ y / weights.sum()) if fit_intercept else 0.0
    positive = int(np.count_nonzero(weights > 0.0))
    scale = float(np.sqrt(weights @ (y - center) ** 2 / positive))
    return NoisePrior.default_for(prior, scale)


def prior_attrs(prior: Prior) -> dict[str, str]:
    """The tree attributes that name the prior: its repr, family and parameters (JSON).

    ``prior_family`` is the class name and ``prior_parameters`` the JSON object of its
    dataclass fields, from which :func:`bayesreg.posterior.summary.shrinkage_summary`
    rebuilds the prior (``"{}"`` for a prior that is not a dataclass).
    """
    parameters: dict[str, Any] = (
        {item.name: getattr(prior, item.name) for item in dataclasses.fields(prior)}
        if dataclasses.is_dataclass(prior)
        else {}
    )
    return {
        "prior": repr(prior),
        "prior_family": type(prior).__name__,
        "prior_parameters": json.dumps(parameters),
    }


def tree_attrs(
    method: str,
    prior: Prior,
    *,
    likelihood: str,
    noise: float | None,
    noise_prior: NoisePrior | None = None,
    weighted: bool = False,
) -> dict[str, Any]:
    """The attributes of a tree: the sampling method, the prior, the likelihood, the noise.

    ``noise_prior`` describes the noise: none for the Bernoulli and Poisson likelihoods,
    ``fixed σ = …`` (and ``fixed_noise``) when σ is fixed, else the free σ's prior
    (``""`` while it is not known yet). ``weighted``: observation weights were given, and
    ``sample_weight`` says what they mean for the likelihood.
    """
    if likelihood in ("bernoulli", "poisson"):
        description = f"none ({likelihood.capitalize()} likelihood)"
    elif noise is not None:
        description = f"fixed σ = {noise!r}"
    else:
        description = "" if noise_prior is None else noise_prior.description
    attrs: dict[str, Any] = {
        "sampling_method": method,
        **prior_attrs(prior),
        "likelihood": likelihood,
        "noise_prior": description,
    }
    if noise is not None:
        attrs["fixed_noise"] = noise
    if weighted:
        attrs["sample_weight"] = (
            "observation weights: row i has noise σ/√s_i"
            if likelihood == "gaussian"
            else "observation weights: log-likelihood Σ_i s_i log p(y_i | η_i)"
        )
    return attrs


def draws_tree(
    posterior: Mapping[str, FloatArray | None],
    *,
    y: FloatArray | None,
    feature_names: tuple[str, ...],
    attrs: dict[str, Any],
    sample_stats: Mapping[str, FloatArray] | None = None,
) -> xarray.DataTree:
    """The ArviZ 1 DataTree of a NumPy sampler's draws, arrays of shape (chains, draws, ...).

    The ``posterior`` group holds the variables that are not None (``coef`` and the local
    scales along ``feature``), ``sample_stats`` the diagnostics when there are any, and
    ``observed_data`` the target ``y_obs`` unless ``y`` is None (statistics); ``attrs``
    go to the root and to the posterior group.
    """
    from arviz_base import from_dict

    groups: dict[str, dict[str, FloatArray]] = {
        "posterior": {name: value for name, value in posterior.items() if value is not None}
    }
    if sample_stats:
        groups["sample_stats"] = dict(sample_stats)
    coords: dict[str, Any] = {"feature": list(feature_names)}
    if y is not None:
        groups["observed_data"] = {"y_obs": y}
        coords["obs"] = np.arange(y.shape[0])
    dims: dict[str, list[str]] = {name: ["feature"] for name in _BY_FEATURE}
    tree: xarray.DataTree = from_dict(
        groups,
        dims={**dims, "y_obs": ["obs"]},
        coords=coords,
        attrs={"posterior": attrs, "/": attrs},
    )
    return tree
