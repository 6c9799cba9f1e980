"""Shrinkage summaries of a posterior: what the prior did to each coefficient.

Per coefficient: the exact MAP (the penalized estimate), the posterior mean, median,
sd and highest-density interval, the shrinkage relative to least squares, the
probability of direction ``max(P(w_j > 0), P(w_j < 0))`` and the probability of a
negligible effect ``P(|w_j| < ε_j)``; the ridge effective degrees of freedom; and a
Bayesian regularization path, posterior intervals over a grid of priors next to the
penalized path. Diagnostics (ESS, R-hat, HDI) are ArviZ 1's, computed on the DataTree.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from bayesreg import errors
from bayesreg.core.ridge import centered_singular_values
from bayesreg.core.types import EPS, FloatArray
from bayesreg.errors import DiagnosticsWarning, InputTypeError, InputValueError
from bayesreg.posterior._data import LinearData, prepare_linear_data
from bayesreg.posterior._stats_data import least_squares_coef, linear_data_of
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.priors import (
    BayesianLassoPrior,
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    Prior,
    check_prior,
)
from bayesreg.validation import (
    as_coef,
    as_design_or_sparse,
    check_bool,
    check_finite_nonneg,
    check_positive,
    check_probability,
    is_sparse,
)

if TYPE_CHECKING:
    import xarray

__all__ = [
    "Diagnostics",
    "bayesian_path",
    "check_diagnostics",
    "ridge_effective_dof",
    "shrinkage_summary",
]


#: The prior families a posterior tree's ``prior_family`` attribute can name.
_FAMILIES: dict[str, type[Prior]] = {
    family.__name__: family
    for family in (GaussianPrior, LaplacePrior, ElasticNetPrior, BayesianLassoPrior)
}


class DrawnWith(enum.Enum):
    """The default of ``shrinkage_summary(noise=...)``: the noise the tree was drawn with."""

    TREE = "the tree's"

    def __repr__(self) -> str:
        return "the tree's"


@dataclass(frozen=True)
class Diagnostics:
    """Convergence diagnostics of a posterior DataTree.

    Attributes
    ----------
    divergences : int
        Divergent transitions (0 for samplers without them).
    max_rhat : float
        Largest rank-normalized split R-hat over all scalar parameters.
    min_ess_bulk, min_ess_tail : float
        Smallest bulk and tail effective sample sizes.
    ess_threshold : float
        ``100 × chains`` (Vehtari et al. 2021).
    ok : bool
        No divergences, R-hat ≤ ``rhat_max`` and both ESS ≥ ``ess_threshold``.

    Examples
    --------
    :func:`check_diagnostics` returns one. I.i.d. draws from the exact posterior of a
    Gaussian prior have an ESS near the number of draws:

    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import check_diagnostics, sample_posterior
    >>> from bayesreg.priors import GaussianPrior
    >>> X, y = load_diabetes()
    >>> tree = sample_posterior(X, y, GaussianPrior(100.0), noise=54.0, method="exact",
    ...                         draws=1000, chains=2, random_seed=0)
    >>> diagnostics = check_diagnostics(tree)
    >>> diagnostics.divergences, diagnostics.ess_threshold
    (0, 200.0)
    >>> diagnostics.min_ess_bulk > diagnostics.ess_threshold, diagnostics.max_rhat < 1.05
    (True, True)
    """

    divergences: int
    max_rhat: float
    min_ess_bulk: float
    min_ess_tail: float
    ess_threshold: float
    ok: bool


def _group(tree: xarray.DataTree, name: str) -> xarray.Dataset:
    """The variables of one group (``posterior``, ``sample_stats``) as a Dataset."""
    return tree.children[name].to_dataset()


def _check_tree(tree: Any) -> None:
    """Require a DataTree with a ``posterior`` group holding ``coef``."""
    children = getattr(tree, "children", None)
    if not isinstance(children, Mapping) or "posterior" not in children:
        raise InputTypeError(
            "tree must be an xarray.DataTree with a 'posterior' group, as returned by "
            f"sample_posterior; got {type(tree).__name__}."
        )
    if "coef" not in children["posterior"].data_vars:
        raise InputValueError(
            "tree's 'posterior' group has no variable 'coef'; pass the DataTree returned by "
            "sample_posterior."
        )


def _tree_prior(tree: xarray.DataTree, prior: Prior | None) -> Prior:
    """The prior the tree was drawn under (its attributes), or ``prior`` if it agrees."""
    attrs = tree.attrs
    if prior is not None:
        check_prior(prior)
        if "prior" in attrs and attrs["prior"] != repr(prior):
            raise InputValueError(
                f"prior={prior!r} contradicts the tree, which was drawn under "
                f"{attrs['prior']}; omit prior to summarize under the tree's own, or pass the "
                f"tree that sample_posterior drew under {prior!r}."
            )
        return prior
    family = _FAMILIES.get(str(attrs.get("prior_family")))
    if family is None:
        raise InputValueError(
            "prior=None, but the tree does not record a bayesreg prior "
            f"(prior_family={attrs.get('prior_family')!r}): it was not drawn by "
            "sample_posterior. Pass the prior it was drawn under."
        )
    parameters = json.loads(str(attrs["prior_parameters"]))
    if parameters.get("hyperprior") is not None:
        parameters["hyperprior"] = tuple(parameters["hyperprior"])
    return family(**parameters)


def _tree_noise(
    tree: xarray.DataTree, noise: float | DrawnWith | None, *, needed: bool
) -> float | None:
    """The noise σ the tree was drawn with (None: free), or ``noise`` if it agrees.

    A tree that does not record its noise needs ``noise`` only when it is ``needed``. A
    tree that sampled σ accepts a fixed ``noise``: the σ at which to compute the MAP.
    """
    recorded = True
    drawn: float | None = None
    if "noise" in _group(tree, "posterior"):
        described = "σ free (sampled)"
    elif "fixed_noise" in tree.attrs:
        drawn = float(tree.attrs["fixed_noise"])
        described = f"σ = {drawn!r} fixed"
    else:
        recorded = False
    if noise is DrawnWith.TREE:
        if not recorded and needed:
            raise InputValueError(
                "noise: the tree neither samples a 'noise' nor records a fixed_noise, so it "
                "was not drawn by sample_posterior; pass noise=σ (fixed) or None (sampled)."
            )
        return drawn
    given = None if noise is None else check_positive(noise, "noise")
    sampled = recorded and drawn is None
    if recorded and given != drawn and not sampled:
        raise InputValueError(
            f"noise={noise!r} contradicts the tree, drawn with {described}; omit noise to "
            "use the tree's."
        )
    return given


def _min_over(tree: Any) -> float:
    return min(float(np.min(tree[name].values)) for name in tree.data_vars)


def _max_over(tree: Any) -> float:
    return max(float(np.max(tree[name].values)) for name in tree.data_vars)


def check_diagnostics(
    tree: xarray.DataTree, *, rhat_max: float = 1.01, warn: bool = True
) -> Diagnostics:
    """Divergences, R-hat and ESS of a posterior, with a DiagnosticsWarning when poor.

    Parameters
    ----------
    tree : xarray.DataTree
        A DataTree with a ``posterior`` group (and ``sample_stats`` for NUTS).
    rhat_max : float, default 1.01
    warn : bool, default True
        Issue a :class:`~bayesreg.errors.DiagnosticsWarning` saying what to do (at the
        line of the caller's code that called into bayesreg).

    Returns
    -------
    Diagnostics
        The worst R-hat and ESS over the parameters, the divergences, and the verdict
        ``ok``.

    Examples
    --------
    Twenty draws of one chain are too few (100 effective draws per chain are asked):

    >>> import warnings
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.errors import DiagnosticsWarning
    >>> from bayesreg.posterior import check_diagnostics, sample_posterior
    >>> from bayesreg.priors import LaplacePrior
    >>> X, y = load_diabetes()
    >>> tree = sample_posterior(X, y, LaplacePrior(100.0), noise=54.0, method="gibbs",
    ...                         draws=20, chains=1, random_seed=0, progressbar=False)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     diagnostics = check_diagnostics(tree)
    >>> diagnostics.ok, diagnostics.ess_threshold
    (False, 100.0)
    >>> [warning.category is DiagnosticsWarning for warning in caught]
    [True]
    >>> check_diagnostics(tree, warn=False).ok
    False
    """
    import arviz as az

    _check_tree(tree)
    chains = int(_group(tree, "posterior").sizes["chain"])
    divergences = 0
    if "sample_stats" in tree.children and "diverging" in _group(tree, "sample_stats"):
        divergences = int(_group(tree, "sample_stats")["diverging"].to_numpy().sum())
    max_rhat = _max_over(az.rhat(tree)) if chains > 1 else math.nan
    min_bulk = _min_over(az.ess(tree, method="bulk"))
    min_tail = _min_over(az.ess(tree, method="tail"))
    threshold = 100.0 * chains
    problems = []
    if divergences:
        problems.append(
            f"{divergences} divergent transitions: the sampler missed part of the posterior; "
            "sample longer warm-up (tune=2000), raise target_accept with "
            "pymc.sample(build_model(...), target_accept=0.95), or use method='gibbs' for "
            "the Gaussian likelihood"
        )
    if max_rhat > rhat_max:
        problems.append(
            f"R-hat up to {max_rhat:.3f} > {rhat_max}: chains disagree; run longer (more tune "
            "and draws)"
        )
    if min(min_bulk, min_tail) < threshold:
        problems.append(
            f"ESS as low as {min(min_bulk, min_tail):.0f} < {threshold:.0f} (100 per chain): "
            "increase draws"
        )
    if problems and warn:
        errors.warn(
            "posterior diagnostics are poor: " + "; ".join(problems) + ".",
            DiagnosticsWarning,
        )
    return Diagnostics(
        divergences=divergences,
        max_rhat=max_rhat,
        min_ess_bulk=min_bulk,
        min_ess_tail=min_tail,
        ess_threshold=threshold,
        ok=not problems,
    )


def _map_coef(
    X: Any, y: Any, prior: Prior, noise: float | None, fit_intercept: bool, weights: Any
) -> FloatArray:
    """MAP coefficients: the core solver with σ fixed, the joint MAP of PyMC's model otherwise
    (with the observation weights ``weights``, None for none)."""
    if noise is not None:
        fit = prior.penalized_fit(
            X, y, noise=noise, fit_intercept=fit_intercept, sample_weight=weights
        )
        return fit.coef
    from bayesreg.pymc.map import find_map
    from bayesreg.pymc.model import build_model

    model = build_model(X, y, prior, noise=None, fit_intercept=fit_intercept, weights=weights)
    estimate = find_map(model)
    coef: FloatArray = np.asarray(estimate.coef, dtype=np.float64)
    return coef


def ridge_effective_dof(X: Any, alpha: float, *, fit_intercept: bool = True) -> float:
    """Effective degrees of freedom of ridge: ``Σ_j d_j / (d_j + n·alpha)``, ``d_j = s_j²``.

    The trace of the hat matrix ``Xc (XcᵀXc + nα I)⁻¹ Xcᵀ`` (intercept excluded); under
    a Gaussian prior with ``alpha = σ²/(nτ²)`` it is the number of parameters the data
    determine, between p (alpha = 0, full rank) and 0 (alpha → ∞). ``X`` may be a
    scipy.sparse CSR/CSC matrix of up to 10000 columns (``d_j`` from ``XcᵀXc``).

    Parameters
    ----------
    X : array-like or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
    alpha : float
        The ridge penalty ≥ 0.
    fit_intercept : bool, default True
        Center the columns (the intercept is not counted).

    Returns
    -------
    float
        The effective degrees of freedom, between 0 and the rank of ``Xc``.

    Examples
    --------
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import ridge_effective_dof
    >>> from bayesreg.priors import GaussianPrior
    >>> X, y = load_diabetes()
    >>> ridge_effective_dof(X, 0.0)
    10.0
    >>> alpha, _ = GaussianPrior(100.0).penalty(len(y), noise=54.0)
    >>> round(ridge_effective_dof(X, alpha), 3)
    6.195
    """
    penalty = check_finite_nonneg(alpha, "alpha")
    design = as_design_or_sparse(X)
    singular = centered_singular_values(
        design,
        fit_intercept=check_bool(fit_intercept, "fit_intercept"),
        caller="ridge_effective_dof",
    )
    n_samples, n_features = design.shape
    d = singular**2
    # Numerical rank: s_j > max(n, p)·eps·s_max on the SVD of Xc; from the Gram matrix of a
    # sparse X, whose eigenvalues carry absolute errors of about eps·λ_max, the same rule
    # on λ_j = d_j (that of gram_eigen).
    resolved = d if is_sparse(design) else singular
    cutoff = resolved.max(initial=0.0) * max(n_samples, n_features) * EPS
    kept = d[resolved > cutoff]
    return float(np.sum(kept / (kept + n_samples * penalty)))


def _summary_data(X: Any, y: Any, fit_intercept: bool, weights: Any) -> LinearData:
    """The rows of the summary: as the tree was drawn, with its observation weights."""
    if weights is None:
        return prepare_linear_data(X, y, fit_intercept=fit_intercept)
    return linear_data_of(X, y, fit_intercept=fit_intercept, sample_weight=weights)


def _check_tree_weights(tree: xarray.DataTree, weights: Any) -> None:
    """Weights given exactly when the tree records that it was drawn with some."""
    weighted = "sample_weight" in tree.attrs
    if weighted and weights is None:
        raise InputValueError(
            "the tree was drawn with observation weights (its sample_weight attribute: "
            f"{tree.attrs['sample_weight']!r}); pass them as sample_weight=..., so that the "
            "MAP and least-squares columns are those of the same weighted model."
        )
    if weights is not None and not weighted and "sampling_method" in tree.attrs:
        raise InputValueError(
            "sample_weight was given, but the tree was drawn without observation weights; "
            "omit sample_weight, or draw the tree with sample_posterior(..., "
            "sample_weight=...)."
        )


def _default_negligible(X: Any, y: Any, weights: Any = None) -> FloatArray:
    """``ε_j = 0.1 · sd(y) / sd(x_j)``: a one-sd change of x_j moving y by < 0.1 sd (sd's
    weighted by the observation weights, when there are some)."""
    data = _summary_data(X, y, True, weights)
    x_sd = np.sqrt(np.diag(data.gram) / data.total_weight)
    y_sd = math.sqrt(data.yty / data.total_weight)
    with np.errstate(divide="ignore"):
        negligible: FloatArray = 0.1 * y_sd / x_sd
    return negligible


def _check_negligible(value: float | Sequence[float], n_features: int) -> FloatArray:
    """ε as one non-negative number or one per feature."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim > 1 or array.size not in (1, n_features) or not np.all(array >= 0.0):
        raise InputValueError(
            f"negligible must be a number ≥ 0 or {n_features} of them (one per feature); "
            f"got {value!r}."
        )
    return np.broadcast_to(array, (n_features,)).copy()


def shrinkage_summary(
    tree: xarray.DataTree,
    X: Any,
    y: Any,
    prior: Prior | None = None,
    *,
    noise: float | DrawnWith | None = DrawnWith.TREE,
    fit_intercept: bool = True,
    hdi_prob: float = 0.95,
    negligible: float | Sequence[float] | None = None,
    map_coef: Any = None,
    sample_weight: Any = None,
) -> pd.DataFrame:
    """Per-coefficient shrinkage summary of a posterior drawn under ``prior``.

    Parameters
    ----------
    tree : xarray.DataTree
        From :func:`~bayesreg.posterior.sampling.sample_posterior` on the same X and y
        (Gaussian likelihood).
    X, y : array-like
        The data the tree was drawn from. X may be a scipy.sparse CSR/CSC matrix (up to
        10000 columns): it is read through ``XcᵀXc`` formed from sparse products, never
        densified, and the ``least_squares`` column is then computed from ``XcᵀXc``;
        the MAP column (σ fixed) is the certified penalized fit on the same sparse X.
    prior : bayesreg.priors.Prior, optional
        Default: the prior the tree was drawn under, rebuilt from its attributes
        (``prior_family``, ``prior_parameters``). A prior given must be that one (the
        same ``repr`` as the tree's ``prior`` attribute); another is refused, since the
        MAP column would then belong to a different model.
    noise : float or None, optional
        Default: the noise the tree was drawn with: None when the posterior samples a
        ``"noise"`` (the MAP is then the joint MAP of :func:`bayesreg.pymc.map.find_map`), the
        tree's ``fixed_noise`` otherwise (the MAP is the core solver's). For a tree drawn
        with σ fixed, a value given must be that σ (another σ, or None, is a different
        posterior and is refused). For a tree that sampled σ, a fixed value is the σ at
        which the MAP column is computed by the core solver: at the joint MAP's σ̂ it is
        the joint MAP's ŵ, without compiling the PyMC model. A tree that records neither
        (not from ``sample_posterior``) needs ``noise`` to compute the MAP column.
    fit_intercept : bool, default True
    hdi_prob : float, default 0.95
    negligible : float, sequence of float or None
        ε_j of ``P(|w_j| < ε_j)``; default ``0.1 · sd(y) / sd(x_j)``.
    map_coef : array-like of shape (n_features,), optional
        The MAP coefficients, when the caller already has them (e.g. the lasso fit at the
        matching alpha, or ``find_map(...).coef``); they are reported as given. By default
        they are computed: by the core solver when ``noise`` is fixed, by
        :func:`bayesreg.pymc.map.find_map` on the PyMC model (compiled on every call) when it is
        sampled.
    sample_weight : array-like of shape (n_samples,), optional
        The observation weights the tree was drawn with (``sample_posterior(...,
        sample_weight=s)``, which records that it had some): the MAP, the least squares
        and the default ε are then the weighted ones (row i with noise ``σ/√s_i``). A tree
        that records weights needs them here, and one drawn without refuses them.

    Returns
    -------
    pandas.DataFrame
        Indexed by feature, columns ``map, mean, median, sd, hdi_lower, hdi_upper,
        least_squares, shrinkage, sign_flip, prob_direction, prob_negligible, ess_bulk,
        r_hat``. A DiagnosticsWarning is issued when divergences, R-hat or ESS are poor.

    Notes
    -----
    **Shrinkage** is the fraction of the least-squares magnitude that the posterior
    mean gives up::

        shrinkage_j = 1 − |mean_j| / |least_squares_j|,

    0 for no shrinkage, 1 for a posterior mean at 0; it is at most 1 by construction,
    and negative when the mean is *farther* from 0 than least squares (possible with
    correlated features: the prior moves a shared effect between them). ``sign_flip_j``
    is True when ``mean_j · least_squares_j < 0``: the posterior mean points the other
    way, so shrinkage alone (a statement about magnitudes) does not describe it. It is
    NaN where least squares is exactly 0. ``least_squares`` is the minimum-norm solution
    when X (centered, with an intercept) has rank below its number of columns.

    Examples
    --------
    Under Gaussian priors with σ fixed the posterior is Gaussian: its mean is the MAP,
    the ridge estimate, up to Monte Carlo error:

    >>> import numpy as np
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import sample_posterior, shrinkage_summary
    >>> from bayesreg.priors import GaussianPrior
    >>> X, y = load_diabetes(as_frame=True)
    >>> tree = sample_posterior(X, y, GaussianPrior(100.0), noise=54.0, method="exact",
    ...                         draws=1000, chains=2, random_seed=0)
    >>> summary = shrinkage_summary(tree, X, y)
    >>> summary.shape, list(summary.index[:3])
    ((10, 13), ['age', 'sex', 'bmi'])
    >>> summary.loc["bmi", ["map", "least_squares"]].round(3).tolist()
    [431.351, 519.846]
    >>> mcse = summary["sd"] / np.sqrt(summary["ess_bulk"])
    >>> bool(np.all(np.abs(summary["mean"] - summary["map"]) < 5 * mcse))
    True
    >>> bool(summary.loc["bmi", "shrinkage"] > 0.0)
    True
    """
    import arviz as az

    probability = check_probability(hdi_prob, "hdi_prob")
    _check_tree(tree)
    if tree.attrs.get("likelihood", "gaussian") != "gaussian":
        raise InputValueError(
            f"the tree was drawn with the {tree.attrs['likelihood']} likelihood; "
            "shrinkage_summary measures shrinkage against least squares under the Gaussian "
            "likelihood. Pass a tree drawn with likelihood='gaussian'."
        )
    drawn_prior = _tree_prior(tree, prior)
    drawn_noise = _tree_noise(tree, noise, needed=map_coef is None)
    _check_tree_weights(tree, sample_weight)
    check_diagnostics(tree)
    data = _summary_data(X, y, fit_intercept, sample_weight)
    coef = _group(tree, "posterior")["coef"]
    draws = coef.to_numpy().reshape(-1, coef.shape[-1])
    if draws.shape[1] != data.n_features:
        raise InputValueError(
            f"the posterior has {draws.shape[1]} coefficients but X has {data.n_features} "
            "columns; pass the X the posterior was drawn with."
        )
    epsilon = (
        _default_negligible(X, y, sample_weight)
        if negligible is None
        else _check_negligible(negligible, data.n_features)
    )
    map_values = (
        _map_coef(X, y, drawn_prior, drawn_noise, fit_intercept, sample_weight)
        if map_coef is None
        else as_coef(map_coef, data.n_features, "map_coef")
    )
    least_squares = least_squares_coef(data)
    hdi = az.hdi(tree, prob=probability, var_names=["coef"])["coef"]
    mean = draws.mean(axis=0)
    positive = (draws > 0.0).mean(axis=0)
    negative = (draws < 0.0).mean(axis=0)
    chains = int(coef.sizes["chain"])
    with np.errstate(divide="ignore", invalid="ignore"):
        # the fraction of |least squares| given up by the posterior mean, ≤ 1
        shrinkage = np.where(
            least_squares != 0.0, 1.0 - np.abs(mean) / np.abs(least_squares), np.nan
        )
    return pd.DataFrame(
        {
            "map": map_values,
            "mean": mean,
            "median": np.median(draws, axis=0),
            "sd": draws.std(axis=0, ddof=1),
            "hdi_lower": hdi.sel(ci_bound="lower").values,
            "hdi_upper": hdi.sel(ci_bound="upper").values,
            "least_squares": least_squares,
            "shrinkage": shrinkage,
            "sign_flip": mean * least_squares < 0.0,
            "prob_direction": np.maximum(positive, negative),
            "prob_negligible": (np.abs(draws) < epsilon).mean(axis=0),
            "ess_bulk": az.ess(tree, var_names=["coef"])["coef"].values,
            "r_hat": az.rhat(tree, var_names=["coef"])["coef"].values
            if chains > 1
            else np.full(data.n_features, np.nan),
        },
        index=pd.Index(list(coef["feature"].to_numpy()), name="feature"),
    )


def bayesian_path(
    X: Any,
    y: Any,
    priors: Sequence[Prior],
    *,
    noise: float,
    hdi_prob: float = 0.95,
    fit_intercept: bool = True,
    draws: int = 1000,
    chains: int = 2,
    random_seed: int | None = None,
) -> pd.DataFrame:
    """A Bayesian regularization path: posterior intervals next to the penalized path.

    For each prior of the grid (e.g. ``[LaplacePrior(b) for b in scales]``) with the noise
    σ fixed: the penalized estimate at ``prior.penalty(n, σ)`` (the MAP, certified by the
    core solver) and the posterior mean, median and HDI of each coefficient. Gaussian
    priors use the exact posterior (HDI ``mean ± z sd``, no Monte Carlo error); the
    others use the Gibbs sampler.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per (prior, feature): ``prior, alpha, l1_ratio, feature,
        penalized, mean, median, hdi_lower, hdi_upper``; ``attrs["hdi_prob"]`` holds
        ``hdi_prob`` (read by :func:`bayesreg.plots.plot_bayesian_path`).

    Examples
    --------
    A Gaussian prior (exact posterior) and a Laplace prior (Gibbs) side by side; the
    ``penalized`` column is the ridge or lasso estimate at the prior's penalty:

    >>> import numpy as np
    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import bayesian_path
    >>> from bayesreg.priors import GaussianPrior, LaplacePrior
    >>> X, y = load_diabetes()
    >>> path = bayesian_path(X, y, [GaussianPrior(100.0), LaplacePrior(100.0)], noise=54.0,
    ...                      chains=4, random_seed=0)
    >>> path.shape, path.attrs["hdi_prob"]
    ((20, 9), 0.95)
    >>> laplace = path[path["prior"] == "LaplacePrior(scale=100.0)"]
    >>> round(float(laplace["alpha"].iloc[0]), 4), float(laplace["l1_ratio"].iloc[0])
    (0.066, 1.0)
    >>> np.allclose(laplace["penalized"], lasso(X, y, laplace["alpha"].iloc[0]).coef)
    True
    >>> bool(np.all(path["hdi_lower"] <= path["hdi_upper"]))
    True
    """
    from bayesreg.posterior.sampling import sample_posterior

    sigma = check_positive(noise, "noise")
    probability = check_probability(hdi_prob, "hdi_prob")
    data = prepare_linear_data(X, y, fit_intercept=fit_intercept)
    if len(priors) == 0:
        raise InputValueError("priors is empty; pass a sequence of prior objects.")
    generators = np.random.default_rng(random_seed).spawn(len(priors))
    frames = []
    for prior, generator in zip(priors, generators, strict=True):
        alpha, l1_ratio = prior.penalty(data.n_samples, sigma)
        penalized = prior.penalized_fit(X, y, noise=sigma, fit_intercept=fit_intercept).coef
        if prior.l1_weight(sigma) == 0.0:
            # Gaussian prior: the exact marginals N(m_j, Σ_jj); the HDI is m ± z·sd
            exact = gaussian_posterior(
                X,
                y,
                scale=1.0 / math.sqrt(prior.l2_weight(sigma)),
                noise=sigma,
                fit_intercept=fit_intercept,
            )
            sd = np.sqrt(np.diag(exact.covariance))
            half_width = stats.norm.ppf(0.5 + probability / 2.0) * sd
            mean, median = exact.mean, exact.mean
            lower, upper = exact.mean - half_width, exact.mean + half_width
        else:
            import arviz as az

            tree = sample_posterior(
                X,
                y,
                prior,
                noise=sigma,
                method="gibbs",
                draws=draws,
                chains=chains,
                random_seed=generator,
                progressbar=False,
                fit_intercept=fit_intercept,
            )
            check_diagnostics(tree)
            sampled = _group(tree, "posterior")["coef"].to_numpy().reshape(-1, data.n_features)
            hdi = az.hdi(tree, prob=probability, var_names=["coef"])["coef"]
            mean, median = sampled.mean(axis=0), np.median(sampled, axis=0)
            lower = hdi.sel(ci_bound="lower").values
            upper = hdi.sel(ci_bound="upper").values
        frames.append(
            pd.DataFrame(
                {
                    "prior": repr(prior),
                    "alpha": alpha,
                    "l1_ratio": l1_ratio,
                    "feature": list(data.feature_names),
                    "penalized": penalized,
                    "mean": mean,
                    "median": median,
                    "hdi_lower": lower,
                    "hdi_upper": upper,
                }
            )
        )
    path = pd.concat(frames, ignore_index=True)
    path.attrs["hdi_prob"] = probability
    return path
