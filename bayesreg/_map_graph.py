"""A PyMC model's log-density split into a smooth part and L1 kinks, compiled once.

For the free value variables θ of a model (raveled into one vector) the negative
log-density without the Jacobian of transforms is

    f(θ) = s(θ) + Σ_i w_i(θ) · |θ_{K_i} − m_i|,

where the sum runs over the coordinates K of the Laplace-type priors (PyMC's Laplace, the
elastic-net prior of bayesreg), each with its location m_i and L1 weight w_i (1/b for
Laplace(μ, b), which may depend on other variables, e.g. b = σ/λ; a for the elastic net).
On an orthant with fixed signs ς_i ∈ {−1, 0, +1} (0 for a coordinate held at its kink),

    f_ς(θ) = f(θ) − Σ_i w_i(θ) · (|θ_{K_i} − m_i| − ς_i (θ_{K_i} − m_i))

is smooth and equals f wherever ς = sign(θ_K − m). PyTensor gives its value, gradient and
Hessian; the non-smooth part is left to the solver.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bayesreg.errors import ModelStructureError
from bayesreg.priors import ElasticNetPrior, LaplacePrior

__all__ = ["CompiledMap", "NewtonTerms", "compile_map"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

# Families whose log-density has an L1 kink; each recognizes its random variables.
_KINKED_FAMILIES = (LaplacePrior, ElasticNetPrior)

_CACHE: weakref.WeakKeyDictionary[Any, tuple[tuple[Any, ...], CompiledMap]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class NewtonTerms:
    """Value, gradient and Hessian of f_ς at θ, with the kinks' weights and locations."""

    value: float
    grad: FloatArray
    hess: FloatArray
    weights: FloatArray
    locations: FloatArray


@dataclass(frozen=True)
class CompiledMap:
    """Compiled functions of one model's f(θ); see the module docstring.

    θ holds the model's value variables (transformed ones such as ``noise_log__``
    included) raveled in ``model.value_vars`` order.

    Attributes
    ----------
    kink_index : ndarray of int
        Positions in θ of the coordinates with an L1 kink.
    kink_slices : dict
        For each kinked variable, its slice within the kink coordinates.
    initial_theta : ndarray
        The model's initial point, raveled.
    newton_terms : callable
        ``(θ, ς) ↦`` value, gradient and Hessian of f_ς, with the weights and locations.
    free_values : callable
        ``θ ↦`` every free variable on its original scale, by name.
    """

    kink_index: IntArray
    kink_slices: dict[str, slice]
    initial_theta: FloatArray
    newton_terms: Callable[[FloatArray, FloatArray], NewtonTerms]
    free_values: Callable[[FloatArray], dict[str, FloatArray]]


def compile_map(model: Any) -> CompiledMap:
    """Compile (or fetch from the cache) the functions of ``model``'s f(θ).

    The cache is keyed on the model and its structure (variables and the shapes of their
    values), so ``pm.set_data`` with new values reuses the compiled functions.
    """
    initial_point = model.initial_point()
    signature = (
        tuple(model.free_RVs),
        tuple(model.observed_RVs),
        tuple(model.potentials),
        tuple((name, np.shape(value)) for name, value in initial_point.items()),
    )
    cached = _CACHE.get(model)
    if cached is not None and cached[0] == signature:
        return cached[1]
    compiled = _compile(model, initial_point)
    _CACHE[model] = (signature, compiled)
    return compiled


def _compile(model: Any, initial_point: dict[str, Any]) -> CompiledMap:
    pytensor, pt = _pytensor_modules()
    graph_replace = pytensor.graph.replace.graph_replace

    value_vars = list(model.value_vars)
    shapes = tuple(tuple(np.shape(initial_point[v.name])) for v in value_vars)
    sizes = [int(np.prod(shape, dtype=np.int64)) for shape in shapes]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    slices = tuple(slice(int(a), int(b)) for a, b in itertools.pairwise(offsets))

    theta = pt.vector("theta", dtype="float64")
    signs = pt.vector("signs", dtype="float64")
    as_theta = {
        value: theta[part].reshape(shape)
        for value, part, shape in zip(value_vars, slices, shapes, strict=True)
    }

    kinks = _find_kinks(model)
    kink_positions: list[IntArray] = []
    kink_slices: dict[str, slice] = {}
    offsets_x, locations, weights = [], [], []
    start = 0
    for rv, location, weight in kinks:
        value = model.rvs_to_values[rv]
        position = value_vars.index(value)
        part = slices[position]
        kink_positions.append(np.arange(part.start, part.stop))
        kink_slices[rv.name] = slice(start, start + part.stop - part.start)
        start += part.stop - part.start
        loc, wt = model.replace_rvs_by_values([location, weight])
        loc_full = pt.broadcast_to(loc, shapes[position])
        wt_full = pt.broadcast_to(wt, shapes[position])
        locations.append(loc_full.ravel())
        weights.append(wt_full.ravel())
        offsets_x.append(value.ravel() - loc_full.ravel())

    neg_logp = -model.logp(jacobian=False)
    if kinks:
        location_vec = pt.concatenate(locations)
        weight_vec = pt.concatenate(weights)
        offset_vec = pt.concatenate(offsets_x)
        # f_ς = f − Σ w (|θ_K − m| − ς (θ_K − m))
        smooth_by_signs = neg_logp - pt.sum(weight_vec * (pt.abs(offset_vec) - signs * offset_vec))
    else:
        location_vec = pt.zeros((0,), dtype="float64")
        weight_vec = pt.zeros((0,), dtype="float64")
        smooth_by_signs = neg_logp

    smooth_theta, weight_theta = graph_replace(
        [smooth_by_signs, weight_vec], replace=as_theta, strict=False
    )
    grad = pt.grad(smooth_theta, theta)
    hess = pytensor.gradient.jacobian(grad, theta, vectorize=True)
    # FAST_COMPILE (Python implementations of the ops) rather than the default JIT
    # backend: a MAP takes tens of evaluations, far too few to repay a JIT compile (about a
    # minute for a ten-feature model on a cold cache, against seconds here).
    newton_fn = pytensor.function(
        [theta, signs],
        [smooth_theta, grad, hess, weight_theta, location_vec],
        on_unused_input="ignore",
        mode="FAST_COMPILE",
    )
    free_rvs = list(model.free_RVs)
    free_graphs = graph_replace(
        model.replace_rvs_by_values(free_rvs), replace=as_theta, strict=False
    )
    free_fn = pytensor.function([theta], free_graphs, on_unused_input="ignore", mode="FAST_COMPILE")
    free_names = [rv.name for rv in free_rvs]

    from pymc.logprob.utils import ParameterValueError

    def newton_terms(point: FloatArray, kink_signs: FloatArray) -> NewtonTerms:
        try:
            # overflow on trial points far out (e.g. σ = exp(log σ)) is rejected by the
            # line search as a non-finite value; NumPy need not warn about it
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                value, gradient, hessian, kink_weights, kink_locations = newton_fn(
                    point, kink_signs
                )
        except ParameterValueError:
            # θ outside the parameters' support (e.g. σ = exp(log σ) underflowed to 0):
            # log p = −∞ there, which the line search rejects.
            nan = np.full(point.size, np.nan)
            return NewtonTerms(np.inf, nan, np.full((point.size, point.size), np.nan), nan, nan)
        return NewtonTerms(
            float(value),
            np.asarray(gradient, dtype=np.float64),
            np.asarray(hessian, dtype=np.float64),
            np.asarray(kink_weights, dtype=np.float64),
            np.asarray(kink_locations, dtype=np.float64),
        )

    def free_values(point: FloatArray) -> dict[str, FloatArray]:
        outputs = free_fn(point)
        return {
            name: np.asarray(out, dtype=np.float64)
            for name, out in zip(free_names, outputs, strict=True)
        }

    initial_theta = np.concatenate(
        [np.ravel(np.asarray(initial_point[v.name], dtype=np.float64)) for v in value_vars]
    )
    kink_index = (
        np.concatenate(kink_positions).astype(np.intp) if kink_positions else np.zeros(0, np.intp)
    )
    return CompiledMap(
        kink_index=kink_index,
        kink_slices=kink_slices,
        initial_theta=initial_theta,
        newton_terms=newton_terms,
        free_values=free_values,
    )


def _pytensor_modules() -> tuple[Any, Any]:
    """``pytensor`` and ``pytensor.tensor``, typed as Any: PyTensor is only partly annotated."""
    import pytensor
    import pytensor.gradient
    import pytensor.graph.replace
    import pytensor.tensor

    return pytensor, pytensor.tensor


def _find_kinks(model: Any) -> list[tuple[Any, Any, Any]]:
    """``(rv, location, weight)`` of each free L1 prior; raise for what cannot be handled."""
    from pytensor.graph.traversal import ancestors

    value_vars = set(model.value_vars)
    kinks: list[tuple[Any, Any, Any]] = []
    problems: dict[str, str] = {}
    for rv in model.free_RVs:
        if rv.dtype.startswith(("int", "uint", "bool")):
            problems[rv.name] = "discrete (the MAP here is over continuous variables)"
            continue
        term = next(
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
        if any(node in value_vars for node in ancestors([location_in_values])):
            problems[rv.name] = (
                "a Laplace-type prior whose location depends on other free variables (the "
                "kink must sit at a fixed point)"
            )
            continue
        kinks.append((rv, location, weight))

    kinked = {rv for rv, _, _ in kinks}
    other_terms = [rv for rv in model.free_RVs if rv not in kinked and rv.name not in problems]
    for term_var in [*other_terms, *model.observed_RVs, *model.potentials]:
        if _has_kink_op(model.logp(vars=[term_var], jacobian=False)):
            problems[term_var.name] = (
                "its log-density contains |·| or sign(·) outside a Laplace-type prior on a "
                "free variable (e.g. a Laplace likelihood)"
            )
    if problems:
        listing = "; ".join(f"{name!r}: {reason}" for name, reason in problems.items())
        raise ModelStructureError(
            "find_map handles models whose only non-smooth log-density terms are Laplace or "
            f"ElasticNetPrior priors on untransformed free variables; unsupported: {listing}."
        )
    return kinks


def _has_kink_op(graph: Any) -> bool:
    """Whether ``graph`` applies |·| or sign(·) elementwise anywhere."""
    from pytensor.graph.traversal import ancestors
    from pytensor.scalar.basic import Abs, Sign
    from pytensor.tensor.elemwise import Elemwise

    return any(
        node.owner is not None
        and isinstance(node.owner.op, Elemwise)
        and isinstance(node.owner.op.scalar_op, Abs | Sign)
        for node in ancestors([graph])
    )
