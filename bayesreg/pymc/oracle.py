"""A PyMC model's negative log-density as a compiled value/gradient/Hessian oracle.

For the free value variables θ of a model (raveled into one vector) the negative
log-density without the Jacobian of transforms is

    f(θ) = s(θ) + Σ_i w_i(θ) · |θ_{K_i} − m_i|,

with the L1 kinks of :func:`bayesreg.pymc.structure.find_kinks`. On an orthant with fixed
signs ς_i ∈ {−1, 0, +1} (0 for a coordinate held at its kink),

    f_ς(θ) = f(θ) − Σ_i w_i(θ) · (|θ_{K_i} − m_i| − ς_i (θ_{K_i} − m_i))

is smooth and equals f wherever ς = sign(θ_K − m). PyTensor gives its value, gradient and
Hessian (:class:`NewtonTerms`); the non-smooth part is left to the solver.
:func:`compile_map` compiles these once per model structure, together with the model's
convexity (:func:`bayesreg.pymc.structure.is_convex`) and a search for a collapsing scale
(:mod:`bayesreg.pymc.collapse`).
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from bayesreg.core.types import FloatArray, IndexArray
from bayesreg.pymc._graph_rules import pytensor_modules
from bayesreg.pymc.collapse import ScaleCollapse, collapse_candidates, compile_collapse
from bayesreg.pymc.structure import find_kinks, is_convex

__all__ = ["CompiledMap", "NewtonTerms", "compile_map"]


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
    optimality : {"global", "stationary"}
        "global" when f is known to be convex, else "stationary".
    find_collapse : callable
        ``() ↦`` a :class:`~bayesreg.pymc.collapse.ScaleCollapse` for the model's current
        data, or None when none is found.
    """

    kink_index: IndexArray
    kink_slices: dict[str, slice]
    initial_theta: FloatArray
    newton_terms: Callable[[FloatArray, FloatArray], NewtonTerms]
    free_values: Callable[[FloatArray], dict[str, FloatArray]]
    optimality: Literal["global", "stationary"]
    find_collapse: Callable[[], ScaleCollapse | None]


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


@dataclass(frozen=True)
class _Layout:
    """The symbolic θ and where each value variable sits in it."""

    value_vars: list[Any]
    shapes: tuple[tuple[int, ...], ...]
    slices: tuple[slice, ...]
    theta: Any
    as_theta: dict[Any, Any]

    def columns(self) -> dict[Any, IndexArray]:
        """The positions in θ of each value variable."""
        return {
            value: np.arange(part.start, part.stop, dtype=np.intp)
            for value, part in zip(self.value_vars, self.slices, strict=True)
        }


@dataclass(frozen=True)
class _KinkGraphs:
    """The kinks' positions in θ and their symbolic offsets θ_K − m, locations and weights."""

    index: IndexArray
    slices: dict[str, slice]
    offsets: Any
    locations: Any
    weights: Any


def _compile(model: Any, initial_point: dict[str, Any]) -> CompiledMap:
    layout = _layout(model, initial_point)
    kinks = _kink_graphs(model, layout)
    newton_terms = _newton_function(model, layout, kinks)
    initial_theta = np.concatenate(
        [np.ravel(np.asarray(initial_point[v.name], dtype=np.float64)) for v in layout.value_vars]
    )
    return CompiledMap(
        kink_index=kinks.index,
        kink_slices=kinks.slices,
        initial_theta=initial_theta,
        newton_terms=newton_terms,
        free_values=_free_values_function(model, layout),
        optimality="global" if is_convex(model) else "stationary",
        find_collapse=_collapse_finder(model, layout, initial_theta, newton_terms, kinks.index),
    )


def _layout(model: Any, initial_point: dict[str, Any]) -> _Layout:
    _, pt = pytensor_modules()
    value_vars = list(model.value_vars)
    shapes = tuple(tuple(np.shape(initial_point[v.name])) for v in value_vars)
    sizes = [int(np.prod(shape, dtype=np.int64)) for shape in shapes]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    slices = tuple(slice(int(a), int(b)) for a, b in itertools.pairwise(offsets))
    theta = pt.vector("theta", dtype="float64")
    as_theta = {
        value: theta[part].reshape(shape)
        for value, part, shape in zip(value_vars, slices, shapes, strict=True)
    }
    return _Layout(value_vars, shapes, slices, theta, as_theta)


def _kink_graphs(model: Any, layout: _Layout) -> _KinkGraphs:
    _, pt = pytensor_modules()
    positions: list[IndexArray] = []
    slices: dict[str, slice] = {}
    offsets, locations, weights = [], [], []
    start = 0
    for rv, location, weight in find_kinks(model):
        value = model.rvs_to_values[rv]
        position = layout.value_vars.index(value)
        part = layout.slices[position]
        positions.append(np.arange(part.start, part.stop, dtype=np.intp))
        slices[rv.name] = slice(start, start + part.stop - part.start)
        start += part.stop - part.start
        loc, wt = model.replace_rvs_by_values([location, weight])
        loc_full = pt.broadcast_to(loc, layout.shapes[position]).ravel()
        locations.append(loc_full)
        weights.append(pt.broadcast_to(wt, layout.shapes[position]).ravel())
        offsets.append(value.ravel() - loc_full)
    if not positions:
        empty = pt.zeros((0,), dtype="float64")
        return _KinkGraphs(np.zeros(0, np.intp), slices, empty, empty, empty)
    return _KinkGraphs(
        np.concatenate(positions),
        slices,
        pt.concatenate(offsets),
        pt.concatenate(locations),
        pt.concatenate(weights),
    )


def _newton_function(
    model: Any, layout: _Layout, kinks: _KinkGraphs
) -> Callable[[FloatArray, FloatArray], NewtonTerms]:
    """``(θ, ς) ↦`` :class:`NewtonTerms` of f_ς, compiled."""
    from pymc.logprob.utils import ParameterValueError

    pytensor, pt = pytensor_modules()
    signs = pt.vector("signs", dtype="float64")
    # f_ς = f − Σ w (|θ_K − m| − ς (θ_K − m))
    smooth_by_signs = -model.logp(jacobian=False) - pt.sum(
        kinks.weights * (pt.abs(kinks.offsets) - signs * kinks.offsets)
    )
    smooth_theta, weight_theta = pytensor.graph.replace.graph_replace(
        [smooth_by_signs, kinks.weights], replace=layout.as_theta, strict=False
    )
    grad = pt.grad(smooth_theta, layout.theta)
    hess = pytensor.gradient.jacobian(grad, layout.theta, vectorize=True)
    # FAST_COMPILE (Python implementations of the ops) rather than the default JIT
    # backend: a MAP takes tens of evaluations, far too few to repay a JIT compile (about a
    # minute for a ten-feature model on a cold cache, against seconds here).
    newton_fn = pytensor.function(
        [layout.theta, signs],
        [smooth_theta, grad, hess, weight_theta, kinks.locations],
        on_unused_input="ignore",
        mode="FAST_COMPILE",
    )

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

    return newton_terms


def _free_values_function(
    model: Any, layout: _Layout
) -> Callable[[FloatArray], dict[str, FloatArray]]:
    """``θ ↦`` every free variable on its original scale, by name, compiled."""
    pytensor, _ = pytensor_modules()
    free_rvs = list(model.free_RVs)
    free_graphs = pytensor.graph.replace.graph_replace(
        model.replace_rvs_by_values(free_rvs), replace=layout.as_theta, strict=False
    )
    free_fn = pytensor.function(
        [layout.theta], free_graphs, on_unused_input="ignore", mode="FAST_COMPILE"
    )
    free_names = [rv.name for rv in free_rvs]

    def free_values(point: FloatArray) -> dict[str, FloatArray]:
        outputs = free_fn(point)
        return {
            name: np.asarray(out, dtype=np.float64)
            for name, out in zip(free_names, outputs, strict=True)
        }

    return free_values


def _collapse_finder(
    model: Any,
    layout: _Layout,
    initial_theta: FloatArray,
    newton_terms: Callable[[FloatArray, FloatArray], NewtonTerms],
    kink_index: IndexArray,
) -> Callable[[], ScaleCollapse | None]:
    """``() ↦`` the first collapsing scale found from the initial point, else None."""

    def log_density(point: FloatArray) -> float:
        """log p(θ) = −f(θ): f_ς with ς the signs at θ."""
        kink_locations = newton_terms(point, np.zeros(kink_index.size)).locations
        return -newton_terms(point, np.sign(point[kink_index] - kink_locations)).value

    columns = layout.columns()
    paths = [
        compile_collapse(model, candidate, layout.as_theta, layout.theta, columns)
        for candidate in collapse_candidates(model)
    ]

    def find_collapse() -> ScaleCollapse | None:
        for path in paths:
            found = path.follow(initial_theta, log_density)
            if found is not None:
                return found
        return None

    return find_collapse
