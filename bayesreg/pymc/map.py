"""The exact MAP of a PyMC model with Laplace-type or sign-constrained priors, with a KKT
certificate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from bayesreg.core.types import BoolArray, FloatArray, frozen_array
from bayesreg.errors import ConvergenceWarning, DataError, InputTypeError, ModelStructureError, warn
from bayesreg.pymc._solver import SolverResult, minimize_kinked
from bayesreg.pymc.collapse import ScaleCollapse
from bayesreg.pymc.oracle import compile_map
from bayesreg.validation import check_positive_int, check_tol

__all__ = ["MapEstimate", "find_map"]


@dataclass(frozen=True, repr=False)
class MapEstimate:
    """The maximum a posteriori point of a PyMC model, certified by its KKT residual.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or None
        The MAP of the free variable ``"coef"`` (None if the model has none); exact zeros
        where a Laplace-type prior, or the bound of an Exponential or HalfNormal prior,
        holds it at 0.
    intercept : float or None
        The MAP of ``"intercept"`` (None if the model has none).
    noise : float or None
        The MAP of ``"noise"`` (None if σ is fixed or absent).
    feature_names : tuple of str or None
        The names of the entries of ``coef``: the model's coordinates of the dimension of
        ``"coef"`` (``"feature"`` in :func:`~bayesreg.pymc.model.build_model`, DataFrame
        column names included); None without ``"coef"`` or without such coordinates.
    values : mapping of str to ndarray
        Every free variable's MAP on its original scale, by name.
    zero_pattern : mapping of str to ndarray of bool
        For each variable with a Laplace-type prior or a bound (an Exponential or
        HalfNormal prior), True where it sits exactly at its prior's location (the kink or
        the bound; 0 for the coefficients of ``build_model``).
    gap : float
        The certificate: the sup norm over every coordinate of the distance of −∇s to the
        subdifferential of the L1 terms, where s is the smooth part of −log p (for a
        smooth variable, |∂ log p|; at the bound of an Exponential or HalfNormal variable
        the one-sided ``max(∂_j log p_s − w_j, 0)``, ``log p_s = −s``). Gradients are
        taken with respect to the model's value variables (log σ for a log-transformed σ).
    converged : bool
        Whether ``gap`` ≤ ``tol``.
    optimality : {"global", "stationary"}
        What a converged certificate proves. ``"global"``: −log p is known to be convex in
        the free variables (Flat, HalfFlat, Normal, HalfNormal, Exponential, Laplace or
        elastic-net priors with constant parameters; a Normal likelihood with a mean
        affine in the free variables and a fixed σ, a Bernoulli likelihood with an
        affine logit, or a Poisson likelihood with an affine log-rate, mean exp(η);
        potentials constant or proven concave, such as the weighted Bernoulli and
        Poisson log-likelihoods ``Σ_i s_i log p(y_i | η_i)`` with ``s_i ≥ 0``), so the
        point is the global MAP.
        ``"stationary"``: convexity is not known (a free σ, a StudentT likelihood, a
        hierarchical scale, ...), so the certificate proves a stationary point of log p
        only: every step ascends, so in practice a local mode, but another mode may be
        higher.
    n_iter : int
        Proximal Newton steps taken.
    tol : float
        The threshold ``gap`` was checked against, in the units of ``gap``.
    log_density : float
        log p at the MAP without the Jacobian of transforms (PyMC's normalizing constants
        included; an improper prior contributes its unnormalized log-density).
    certificate : {"kkt residual"}

    Examples
    --------
    :func:`find_map` returns one; its fields say what was found and how well it is
    certified:

    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import LaplacePrior
    >>> from bayesreg.pymc import build_model, find_map
    >>> X, y = load_diabetes(as_frame=True)
    >>> estimate = find_map(build_model(X, y, LaplacePrior(100.0), noise=54.0))
    >>> estimate.converged, estimate.optimality, estimate.gap <= estimate.tol
    (True, 'global', True)
    >>> estimate.feature_names[:3], estimate.coef.shape, estimate.n_nonzero
    (('age', 'sex', 'bmi'), (10,), 7)
    >>> sorted(estimate.values), estimate.noise is None
    (['coef', 'intercept'], True)
    >>> estimate.zero_pattern["coef"].tolist() == (estimate.coef == 0.0).tolist()
    True
    >>> round(estimate.intercept, 3)
    152.133
    """

    coef: FloatArray | None
    intercept: float | None
    noise: float | None
    feature_names: tuple[str, ...] | None
    values: Mapping[str, FloatArray]
    zero_pattern: Mapping[str, BoolArray]
    gap: float
    converged: bool
    optimality: Literal["global", "stationary"]
    n_iter: int
    tol: float
    log_density: float
    certificate: Literal["kkt residual"] = "kkt residual"

    def __post_init__(self) -> None:
        if self.coef is not None:
            object.__setattr__(self, "coef", frozen_array(self.coef))
        frozen_values = {name: frozen_array(value) for name, value in self.values.items()}
        frozen_zeros = {
            name: frozen_array(mask, np.bool_) for name, mask in self.zero_pattern.items()
        }
        object.__setattr__(self, "values", MappingProxyType(frozen_values))
        object.__setattr__(self, "zero_pattern", MappingProxyType(frozen_zeros))
        for name in ("gap", "tol", "log_density"):
            object.__setattr__(self, name, float(getattr(self, name)))
        for name in ("intercept", "noise"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else float(value))
        if self.feature_names is not None:
            object.__setattr__(self, "feature_names", tuple(map(str, self.feature_names)))
        object.__setattr__(self, "converged", bool(self.converged))
        object.__setattr__(self, "n_iter", int(self.n_iter))

    @property
    def n_nonzero(self) -> int:
        """Number of non-zero coefficients (0 when there is no ``"coef"``)."""
        return 0 if self.coef is None else int(np.count_nonzero(self.coef))

    def __repr__(self) -> str:
        coef = None if self.coef is None else np.array2string(self.coef, precision=6)
        return (
            f"MapEstimate(optimality={self.optimality!r}, converged={self.converged}, "
            f"gap={self.gap:.3g}, tol={self.tol:.3g}, n_iter={self.n_iter}, coef={coef}, "
            f"intercept={self.intercept!r}, noise={self.noise!r}, "
            f"feature_names={self.feature_names!r}, variables={list(self.values)!r}, "
            f"log_density={self.log_density:.10g})"
        )


def find_map(model: Any, *, tol: float = 1e-10, max_iter: int = 100) -> MapEstimate:
    r"""The exact MAP of a PyMC model whose only kinks are Laplace-type or sign-constrained
    priors.

    Maximizes log p(θ | y) without the Jacobian of transforms — the mode in the model's
    original parametrization, as ``pm.find_MAP`` does — over every free variable θ. The
    negative log-density splits as

    .. math::

        f(\theta) = s(\theta) + \sum_i w_i(\theta)\, |\theta_{K_i} - m_i|,

    with s smooth and one term per coordinate of a Laplace(μ, b) prior (weight 1/b, which
    may depend on other variables, e.g. b = σ/λ in the Bayesian lasso) or of an
    :class:`~bayesreg.priors.ElasticNetPrior` (weight a). A variable with an Exponential
    (scale b) or HalfNormal prior — :class:`~bayesreg.priors.ExponentialPrior`,
    :class:`~bayesreg.priors.HalfNormalPrior`, whose log transform is removed first, or
    any such variable created with ``default_transform=None`` — is bounded below at 0 and
    its term is 1/b·|θ| (Exponential) or smooth (HalfNormal) there; f is minimized over
    θ ≥ 0 on those coordinates, so the MAP is the non-negative lasso / ridge with σ
    fixed, zeros included. PyTensor compiles the value,
    gradient and Hessian of s once per model (reused after ``pm.set_data``); the kinks are
    handled exactly by the core's proximal Newton engine (:func:`bayesreg.core.newton.minimize`),
    whose subproblem, a quadratic plus weighted L1, is solved in finitely many steps by an
    active-set method, so zeros are exact zeros.
    Near the solution the steps are Newton steps on the support: quadratic convergence.
    L-BFGS, as in ``pm.find_MAP``, cannot land on the kink of |w| at 0 and returns small
    non-zero values instead (see the documentation page "Why pm.find_MAP is not enough").

    For ``build_model`` with σ fixed the MAP is the penalized estimate at
    ``prior.penalty(n, σ)``. With σ free and a fixed-scale Laplace(0, b) prior, the joint
    MAP (ŵ, ŵ0, σ̂) has ŵ equal to the lasso solution at ``alpha = σ̂²/(n b)``: at σ = σ̂
    the terms of −log p that depend on w are ``‖y − ŵ0 − Xw‖²/(2σ̂²) + ‖w‖₁/b``, which is
    n/σ̂² times the lasso objective. For the Bayesian lasso (b = σ/λ) the same argument
    gives ``alpha = σ̂λ/n``.

    What the certificate proves is stated by ``optimality``: when −log p is known to be
    convex in the free variables (e.g. ``build_model`` with σ fixed) a converged estimate
    is the global MAP; otherwise (σ free, a StudentT likelihood, a hierarchical scale) it
    is a stationary point. Before solving, the model is checked for a scale that can
    collapse to 0 while log p grows without bound: a free σ with a fixed-scale prior on
    coefficients that fit the n observations exactly (n ≤ p), or ``s ~ HalfCauchy`` with
    ``beta ~ Laplace(0, s)`` at beta = 0. Such a posterior has no mode, and ``find_map``
    raises instead of returning a point on the way to the boundary.

    Parameters
    ----------
    model : pymc.Model
        E.g. from :func:`bayesreg.pymc.model.build_model`, or frozen by
        ``pymc.model.transform.freeze_model``. Supported: continuous free
        variables; Laplace-type priors untransformed with a location that does not depend
        on free variables; Exponential and HalfNormal variables untransformed (bounded at
        their location) or from the priors of ``bayesreg.priors`` (the others keep
        their log transform: an interior mode on the log scale); no other |·| or sign(·)
        of the free variables in the log-density, except where its argument keeps one
        sign (PyMC's ``sign(σ)`` for a log-transformed σ in the StudentT or SkewNormal
        densities is smooth).
    tol : float, default 1e-10
        Relative tolerance of the certificate: converged when the KKT residual is at most
        ``tol · max(1, ‖∇s(θ₀)‖∞)``, with θ₀ the model's initial point.
    max_iter : int, default 100
        Maximum number of proximal Newton steps.

    Returns
    -------
    MapEstimate

    Raises
    ------
    DataError
        If data that weight log-likelihood terms (the ``"weights"`` of a weighted
        Bernoulli or Poisson model of ``build_model``) hold a negative or NaN entry, e.g.
        after ``pm.set_data``: the weighted log-likelihood ``Σ_i s_i log p(y_i | η_i)``
        is concave only for ``s_i ≥ 0``.
    ModelStructureError
        If the model has a kink this method does not handle (the message lists the
        variables), or if its posterior has no mode (log p unbounded above; the message
        names the scale, the terms that collapse and how to change the model).

    Warns
    -----
    ConvergenceWarning
        If the certificate did not reach ``tol``; the estimate is then flagged
        ``converged=False``.

    Examples
    --------
    With σ fixed the MAP under Laplace priors is the lasso estimate, exact zeros
    included (``pm.find_MAP`` would leave small non-zero values):

    >>> import numpy as np
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import LaplacePrior
    >>> from bayesreg.pymc import build_model, find_map
    >>> X, y = load_diabetes()
    >>> prior = LaplacePrior(100.0)
    >>> estimate = find_map(build_model(X, y, prior, noise=54.0))
    >>> estimate.converged, estimate.optimality
    (True, 'global')
    >>> fit = prior.penalized_fit(X, y, noise=54.0)
    >>> np.allclose(estimate.coef, fit.coef), np.array_equal(estimate.coef == 0.0, fit.coef == 0.0)
    (True, True)
    >>> int(np.sum(estimate.coef == 0.0))
    3
    """
    from pymc.model.core import BaseModel

    # BaseModel: a pm.Model or a model frozen by pymc.model.transform.freeze_model
    if not isinstance(model, BaseModel):
        raise InputTypeError(
            f"model must be a pymc.Model (e.g. from build_model); got {type(model).__name__}."
        )
    for variable in model.deterministics:
        # a prior with no finite mode (the horseshoe family) marks its coefficients
        reason = getattr(variable.tag, "bayesreg_no_map", None)
        if reason:
            raise ModelStructureError(f"find_map: {variable.name} has no MAP: {reason}")
    tolerance = check_tol(tol)
    iterations = check_positive_int(max_iter, "max_iter")
    compiled = compile_map(model)
    _check_nonnegative(compiled.nonnegative_data)
    collapse = compiled.find_collapse()
    if collapse is not None:
        raise ModelStructureError(_no_mode_message(collapse))
    result = minimize_kinked(
        compiled.newton_terms,
        compiled.initial_theta,
        compiled.kink_index,
        tol=tolerance,
        max_iter=iterations,
        bounded=compiled.kink_bounded,
    )
    if result.log_density == np.inf:
        raise ModelStructureError(
            f"The posterior of this model has no mode, so it has no MAP: after "
            f"{result.n_iter} Newton steps log p is +inf (it grows without bound, e.g. a "
            "scale collapsing to 0 with the terms it scales at their location). Fix that "
            "scale to a value, or give it a prior whose density vanishes at 0 (e.g. "
            "pm.InverseGamma)."
        )
    if not result.converged:
        warn(_non_convergence_message(result), ConvergenceWarning)
    values = compiled.free_values(result.theta)
    zero_pattern = {
        name: result.at_kink[part].reshape(values[name].shape)
        for name, part in compiled.kink_slices.items()
    }
    intercept = values.get("intercept")
    noise = values.get("noise")
    return MapEstimate(
        coef=values.get("coef"),
        intercept=None if intercept is None else float(intercept),
        noise=None if noise is None else float(noise),
        feature_names=_feature_names(model, values),
        values=values,
        zero_pattern=zero_pattern,
        gap=result.gap,
        converged=result.converged,
        optimality=compiled.optimality,
        n_iter=result.n_iter,
        tol=result.threshold,
        log_density=result.log_density,
    )


def _check_nonnegative(data_variables: tuple[Any, ...]) -> None:
    """Refuse a negative entry in data that multiply log-likelihood terms (weights)."""
    for data in data_variables:
        values = np.ravel(np.asarray(data.get_value(), dtype=np.float64))
        bad = np.flatnonzero(~(values >= 0.0))
        if bad.size:
            index = int(bad[0])
            raise DataError(
                f"{data.name!r}[{index}] = {float(values[index])!r}: the data {data.name!r} weight "
                "the log-likelihood terms (Σ_i s_i log p(y_i | η_i)) and must be ≥ 0 (a "
                "negative weight rewards a worse fit, so −log p is no longer convex and can "
                "be unbounded below). Set weights ≥ 0 with pm.set_data, or leave the row "
                "out."
            )


def _feature_names(model: Any, values: Mapping[str, FloatArray]) -> tuple[str, ...] | None:
    """The coordinates of the one dimension of ``"coef"``, when the model names them."""
    dims = model.named_vars_to_dims.get("coef")
    if "coef" not in values or dims is None or len(dims) != 1:
        return None
    names = model.coords.get(dims[0])
    if names is None or len(names) != values["coef"].size:
        return None
    return tuple(str(name) for name in names)


def _no_mode_message(collapse: ScaleCollapse) -> str:
    name = collapse.scale
    held = " and ".join(
        f"the {count} observed values of {term!r} fitted exactly"
        if observed
        else f"the {count} values of {term!r} at their prior's location"
        for term, count, observed in collapse.held
    )
    path = ", ".join(f"{density:.4g} at {name} = {scale:.3g}" for scale, density in collapse.path)
    remedies = [
        f"fix {name!r} to a value"
        + (" (build_model(..., noise=σ), PriorRegressor(..., noise=σ))" if name == "noise" else "")
    ]
    if any(observed for _, _, observed in collapse.held):
        remedies.append(
            "use BayesianLassoPrior, whose Laplace scale σ/λ shrinks with the noise σ, so "
            "that an exact fit no longer comes free"
        )
    per_coordinate = collapse.pull / collapse.scale_size
    remedies.append(
        f"give {name!r} a proper prior whose density vanishes at 0 faster than "
        f"{name}^{per_coordinate:g} (pm.InverseGamma, or pm.Gamma with alpha > "
        f"{1.0 + per_coordinate:g}) instead of one that is finite at 0 (HalfNormal, "
        "HalfCauchy, Exponential)"
    )
    return (
        f"The posterior of this model has no mode, so it has no MAP: as {name!r} → 0 with "
        f"{held}, log p grows without bound, like {collapse.growth:g}·log(1/{name}) "
        f"(log p = {path}). Any point find_map returned would be a stop on the way to "
        "infinity. To get a posterior with a mode, " + "; or ".join(remedies) + "."
    )


def _non_convergence_message(result: SolverResult) -> str:
    if not (np.isfinite(result.gap) and np.isfinite(result.log_density)):
        return (
            f"find_map stopped after {result.n_iter} Newton steps where the certificate is "
            f"no longer finite (KKT residual {result.gap:.3g}, log p = "
            f"{result.log_density:.3g}). The estimate is not certified; check the model's "
            "parametrization and starting point."
        )
    return (
        f"find_map stopped after {result.n_iter} Newton steps with KKT residual "
        f"{result.gap:.3g} above the threshold {result.threshold:.3g}; the estimate is not "
        "certified as a stationary point. If a variable runs towards the edge of its "
        "support (a scale towards 0), the posterior may have no mode: fix that variable or "
        "give it a prior that vanishes there. Otherwise increase max_iter."
    )
