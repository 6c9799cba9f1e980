"""What a PyMC model's structure says about its negative log-density f: kinks and convexity.

For the free value variables θ of a model the negative log-density without the Jacobian
of transforms is

    f(θ) = s(θ) + Σ_i w_i(θ) · |θ_{K_i} − m_i|,

where the sum runs over the coordinates K of the Laplace-type priors (PyMC's Laplace, the
elastic-net prior of bayesreg), each with its location m_i and L1 weight w_i (1/b for
Laplace(μ, b), which may depend on other variables, e.g. b = σ/λ; a for the elastic net).
:func:`find_kinks` lists those terms.

**Bounded coordinates.** An untransformed Exponential(scale b) or HalfNormal(loc m, τ)
variable (``default_transform=None``; :func:`~bayesreg.pymc.oracle.compile_map` removes
the log transform of the priors of :mod:`bayesreg.priors._positive`) has log-density −∞
below its bound m (0 for the Exponential) and is smooth above it. On ``θ ≥ m`` the
Exponential's ``(θ − m)/b`` is the L1 term ``|θ − m|/b``: a kink with weight 1/b at m,
whose coordinates are also bounded below at m. The HalfNormal's ``(θ − m)²/(2τ²)`` is
smooth: a bound at m with weight 0. :func:`find_kinks` lists both, flagged ``bounded``;
f is then minimized over ``θ_K ≥ m`` on those coordinates.

Any other |·| or sign(·) in the log-density is a kink the solver cannot handle, unless it
is smooth everywhere: its argument does not depend on the free variables (``sign(0.8)``),
or has a sign fixed by its form (``sign(σ)`` with ``σ = exp(log σ)``, as PyMC writes the
StudentT and SkewNormal densities); :func:`find_kinks` refuses a model with one.

**Convexity** (:func:`is_convex`, a sound rule: "yes" is a proof) — f is convex in the
free variables (on its domain: the box of the bounded coordinates) when every prior is
Flat, HalfFlat, Normal, HalfNormal, Exponential, Laplace or the elastic-net prior with
constant parameters, every likelihood is Normal with
a mean affine in the free variables and a constant σ, Bernoulli with an affine logit, or
Poisson with an affine log-rate (``mu = exp(η)``, η affine, as
:func:`~bayesreg.pymc.model.build_model` writes it), and every potential is constant or
proven concave in the free variables by the composition rules of
:func:`~bayesreg.pymc._graph_rules.curvature`. A point with zero KKT residual is then the
global MAP. A log-transformed positive variable (θ = log w) keeps this: the map
w = e^θ is a bijection onto w > 0 with ∂f/∂θ = w ∂f/∂w, so a stationary point in θ is
one in w, of a function convex in w; an untransformed bounded one (HalfNormal,
Exponential) is a convex term on its half-line, where the one-sided KKT conditions are
those of a convex problem.

Why the Poisson rule is sound: PyMC's Poisson log-density of y is
``y log μ − μ − log y!`` for y ≥ 0 (−∞ for y < 0, a constant in the free variables).
With μ = exp(η) its negation is ``exp(η) − y η + log y!``: exp is convex, −yη is linear,
so for y ≥ 0 it is convex in η, and convex in θ when η is affine in θ. The rule accepts
μ only in the form exp(a) (after views, which commute with the elementwise exp) with a
proven affine by :func:`~bayesreg.pymc._graph_rules.is_affine`; any other mean (a
softplus link, exp times a free scale, ...) gives "no".

**Weighted likelihoods.** ``build_model(..., weights=s)`` with the Bernoulli or Poisson
likelihood writes the potential ``Σ_i s_i log p(y_i | η_i)`` with
``log p = y η − softplus(η)`` (Bernoulli) or ``y η − exp(η) − log y!`` (Poisson) and
η affine: softplus and exp are convex and nondecreasing, so each bracket is concave in
θ, and a sum of concave terms with factors ``s_i ≥ 0`` is concave. The factors are data
(``pm.Data("weights")``) that ``pm.set_data`` can change, so the proof is conditional:
:func:`convexity_conditions` returns the data variables that must be ≥ 0, and
:func:`~bayesreg.pymc.map.find_map` checks their current values at every call (a
negative weight is refused: it would turn the term convex, and −log p could then be
unbounded below).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from bayesreg.errors import ModelStructureError
from bayesreg.priors import ElasticNetPrior, LaplacePrior
from bayesreg.pymc._graph_rules import (
    curvature,
    depends_on,
    dist_params,
    family,
    has_unresolved_kink,
    is_affine,
    is_op,
    pytensor_modules,
    scalar_op,
)

__all__ = ["Kink", "convexity_conditions", "find_kinks", "is_convex", "positive_prior_of"]

# Families whose log-density has an L1 kink; each recognizes its random variables.
_KINKED_FAMILIES = (LaplacePrior, ElasticNetPrior)

# Families whose negative log-density is convex in the variable (with constant parameters).
_CONVEX_PRIORS = frozenset(
    {"flat", "half-flat", "normal", "half-normal", "exponential", "laplace", "elastic net"}
)


class Kink(NamedTuple):
    """One free variable's term ``weight · |θ − location|`` (module docstring).

    ``bounded``: the variable is also constrained to ``θ ≥ location`` (an untransformed
    Exponential, whose term is then linear, or HalfNormal, with weight 0).
    """

    rv: Any
    location: Any
    weight: Any
    bounded: bool


def _bounded_term(model: Any, rv: Any) -> tuple[Any, Any] | None:
    """``(location, weight)`` of an untransformed Exponential or HalfNormal variable."""
    if model.rvs_to_transforms.get(rv) is not None:
        return None
    _, pt = pytensor_modules()
    kind = family(rv)
    if kind == "exponential":  # −log p = θ/b + log b on θ ≥ 0
        (scale,) = dist_params(rv)
        return pt.zeros_like(scale), 1.0 / scale
    if kind == "half-normal":  # −log p = (θ − m)²/(2τ²) + const on θ ≥ m
        location, scale = dist_params(rv)
        return location, pt.zeros_like(scale)
    return None


def positive_prior_of(model: Any, rv: Any) -> str | None:
    """The name of the bayesreg prior on ``w ≥ 0`` that created ``rv``, else None: its tag,
    or, in a model PyMC rebuilt (``freeze_model``), where tags are lost, the mark on its
    transform (:func:`bayesreg.priors._positive.positive_log_transform`)."""
    tagged = getattr(rv.tag, "bayesreg_positive_prior", None)
    if tagged is not None:
        return str(tagged)
    transform = model.rvs_to_transforms.get(rv)
    if getattr(transform, "bayesreg_positive_prior", False):
        return "prior supported on w ≥ 0"
    return None


def find_kinks(model: Any) -> list[Kink]:
    """The :class:`Kink` of each free L1 prior or bounded variable; raise for what cannot be
    handled."""
    value_vars = frozenset(model.value_vars)
    kinks: list[Kink] = []
    problems: dict[str, str] = {}
    for rv in model.free_RVs:
        if rv.dtype.startswith(("int", "uint", "bool")):
            problems[rv.name] = "discrete (the MAP here is over continuous variables)"
            continue
        positive_prior = positive_prior_of(model, rv)
        if positive_prior is not None and model.rvs_to_transforms.get(rv) is not None:
            problems[rv.name] = (
                f"a {positive_prior} (supported on w ≥ 0) on the log scale, where its "
                "boundary w_j = 0 is out of reach (find_map removes the transform first)"
            )
            continue
        bounded = _bounded_term(model, rv)
        term = bounded or next(
            (t for t in (f.pymc_l1_term(rv) for f in _KINKED_FAMILIES) if t is not None), None
        )
        if term is None:
            continue
        location, weight = term
        if model.rvs_to_transforms.get(rv) is not None:
            problems[rv.name] = (
                "a Laplace-type prior with a transform (create it with default_transform=None)"
            )
            continue
        (location_in_values,) = model.replace_rvs_by_values([location])
        if depends_on(location_in_values, value_vars):
            problems[rv.name] = (
                "a Laplace-type or bounded prior whose location depends on other free "
                "variables (the kink or bound must sit at a fixed point)"
            )
            continue
        kinks.append(Kink(rv, location, weight, bounded is not None))

    kinked = {kink.rv for kink in kinks}
    other_terms = [rv for rv in model.free_RVs if rv not in kinked and rv.name not in problems]
    for term_var in [*other_terms, *model.observed_RVs, *model.potentials]:
        if has_unresolved_kink(model.logp(vars=[term_var], jacobian=False), value_vars):
            problems[term_var.name] = (
                "its log-density contains |·| or sign(·) of an expression of the free "
                "variables outside a Laplace-type prior on a free variable (e.g. a Laplace "
                "likelihood)"
            )
    if problems:
        listing = "; ".join(f"{name!r}: {reason}" for name, reason in problems.items())
        raise ModelStructureError(
            "find_map handles models whose only non-smooth log-density terms are Laplace, "
            "ElasticNetPrior, Exponential or HalfNormal priors on untransformed free "
            f"variables; unsupported: {listing}."
        )
    return kinks


def _through_views(graph: Any) -> Any:
    """``graph`` with the views (broadcasts, reshapes, selections) on top of it removed.

    Sound for an elementwise function h: ``h(view(a)) = view(h(a))``, so a view of exp(a)
    has every entry of the form exp(a_k).
    """
    node = graph.owner
    while node is not None and is_op(node.op, "view"):
        graph = node.inputs[0]
        node = graph.owner
    return graph


def is_convex(model: Any) -> bool:
    """The convexity rule of the module docstring, with the data it relies on ≥ 0 now."""
    conditions = convexity_conditions(model)
    return conditions is not None and all(
        bool(np.all(np.asarray(data.get_value()) >= 0.0)) for data in conditions
    )


def convexity_conditions(model: Any) -> frozenset[Any] | None:
    """None unless the rule of the module docstring proves f convex; then the data
    variables (weights of weighted likelihoods) whose entries the proof needs ≥ 0."""
    free = frozenset(model.free_RVs)

    def constant(graph: Any) -> bool:
        return not depends_on(graph, free, free)

    def convex_likelihood(rv: Any) -> bool:
        kind, params = family(rv), dist_params(rv)
        if kind == "normal":  # ‖y − μ‖²/(2σ²) with μ affine, σ constant
            return is_affine(params[0], free, free) and constant(params[1])
        if kind == "bernoulli":  # log(1 + e^η) − yη with p = sigmoid(η), η affine
            owner = params[0].owner
            return (
                owner is not None
                and is_op(scalar_op(owner), "sigmoid")
                and is_affine(owner.inputs[0], free, free)
            )
        if kind == "poisson":  # e^η − yη (y ≥ 0) with μ = exp(η), η affine
            owner = _through_views(params[0]).owner
            return (
                owner is not None
                and is_op(scalar_op(owner), "exp")
                and is_affine(owner.inputs[0], free, free)
            )
        return False

    if not (
        all(
            family(rv) in _CONVEX_PRIORS and all(map(constant, dist_params(rv)))
            for rv in model.free_RVs
        )
        and all(convex_likelihood(rv) for rv in model.observed_RVs)
    ):
        return None
    conditions: frozenset[Any] = frozenset()
    for potential in model.potentials:  # log p gains the potential: it must be concave
        shape = curvature(potential, free, free)
        if shape is None or shape.sign > 0:
            return None
        conditions |= shape.nonnegative
    return conditions
