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

**Bounded coordinates** (an untransformed Exponential or HalfNormal variable, see
:mod:`bayesreg.pymc.structure`): f is +∞ below the bound m, and its term is written
``w_i · (θ_K − m)`` (linear, no |·|), equal to ``w_i |θ_K − m|`` on θ_K ≥ m; f_ς
subtracts ``w_i ((θ_K − m) − ς (θ_K − m))`` there instead, so ς ∈ {0, +1} plays the same
rôle. The solver keeps those coordinates ≥ m: the oracle is never evaluated below.
The priors of :mod:`bayesreg.priors._positive` are log-transformed in the model (NUTS
samples them on the log scale); :func:`compile_map` compiles a copy of the model with
those transforms removed, whose data it keeps equal to the model's.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from bayesreg.core.types import BoolArray, FloatArray, IndexArray
from bayesreg.pymc._graph_rules import pytensor_modules
from bayesreg.pymc.collapse import ScaleCollapse, collapse_candidates, compile_collapse
from bayesreg.pymc.structure import convexity_conditions, find_kinks, positive_prior_of

__all__ = ["CompiledMap", "NewtonTerms", "compile_map"]


_CACHE: weakref.WeakKeyDictionary[Any, tuple[tuple[Any, ...], CompiledMap, Any]] = (
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
        Positions in θ of the coordinates with an L1 kink or a lower bound.
    kink_bounded : ndarray of bool
        For each entry of ``kink_index``, whether that coordinate is bounded below at its
        location (module docstring).
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
    nonnegative_data : tuple
        The data variables (weights of a weighted likelihood) that the convexity proof
        needs ≥ 0 (:func:`~bayesreg.pymc.structure.convexity_conditions`); their values
        can change with ``pm.set_data``, so they are checked at every call.
    find_collapse : callable
        ``() ↦`` a :class:`~bayesreg.pymc.collapse.ScaleCollapse` for the model's current
        data, or None when none is found.
    """

    kink_index: IndexArray
    kink_bounded: BoolArray
    kink_slices: dict[str, slice]
    initial_theta: FloatArray
    newton_terms: Callable[[FloatArray, FloatArray], NewtonTerms]
    free_values: Callable[[FloatArray], dict[str, FloatArray]]
    optimality: Literal["global", "stationary"]
    find_collapse: Callable[[], ScaleCollapse | None]
    nonnegative_data: tuple[Any, ...] = ()


def compile_map(model: Any) -> CompiledMap:
    """Compile (or fetch from the cache) the functions of ``model``'s f(θ).

    The cache is keyed on the model and its structure (variables and the shapes of their
    values), so ``pm.set_data`` with new values reuses the compiled functions. A model
    with log-transformed positive priors is compiled as its copy without those transforms
    (module docstring), whose data are set to the model's at every call.
    """
    initial_point = model.initial_point()
    signature = (
        tuple(model.free_RVs),
        tuple(model.observed_RVs),
        tuple(model.potentials),
        tuple((name, np.shape(value)) for name, value in initial_point.items()),
    )
    cached = _CACHE.get(model)
    if cached is None or cached[0] != signature:
        twin = _without_positive_transforms(model)
        target = model if twin is None else twin
        cached = (signature, _compile(target, target.initial_point()), twin)
        _CACHE[model] = cached
    _, compiled, twin = cached
    if twin is not None:
        _copy_data(model, twin)
    return compiled


def _without_positive_transforms(model: Any) -> Any:
    """A copy of ``model`` without the transforms of its positive priors, or None.

    A variable created by :mod:`bayesreg.priors._positive` (tagged
    ``bayesreg_positive_prior``, or with its marked transform after ``freeze_model``;
    :func:`~bayesreg.pymc.structure.positive_prior_of`) is log-transformed, which keeps
    its bound w = 0 out of reach; in the copy its value variable is w itself.
    """
    tagged = [
        rv
        for rv in model.free_RVs
        if positive_prior_of(model, rv) is not None and model.rvs_to_transforms.get(rv) is not None
    ]
    if not tagged:
        return None
    from pymc.model.transform.conditioning import remove_value_transforms

    # PyMC copies only models without explicit initial values: convert a shallow copy
    # without them (the model itself is not touched) and give them to the result
    initial_values = {
        rv.name: value for rv, value in model.rvs_to_initial_values.items() if value is not None
    }
    bare = object.__new__(type(model))  # Model.__copy__ would convert the model itself
    bare.__dict__.update(model.__dict__)
    bare.rvs_to_initial_values = dict.fromkeys(model.rvs_to_initial_values)
    twin = remove_value_transforms(bare, tagged)
    for name, value in initial_values.items():
        twin.set_initval(twin[name], value)
    return twin


def _copy_data(model: Any, twin: Any) -> None:
    """Set the shared variables (data, dimension lengths) of ``twin`` to ``model``'s."""
    from pytensor.compile.sharedvalue import SharedVariable

    pairs: list[tuple[Any, Any]]
    pairs = [(model.named_vars, twin.named_vars), (model.dim_lengths, twin.dim_lengths)]
    for source, copy in pairs:
        for name, variable in source.items():
            if isinstance(variable, SharedVariable) and isinstance(copy.get(name), SharedVariable):
                shared: Any = variable  # PyTensor's shared variables are not annotated
                copy[name].set_value(shared.get_value(borrow=True), borrow=True)


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
    """The kinks' positions in θ, whether each is bounded, and their symbolic offsets
    θ_K − m, magnitudes (|θ_K − m|, or θ_K − m where bounded), locations and weights."""

    index: IndexArray
    bounded: BoolArray
    slices: dict[str, slice]
    offsets: Any
    magnitudes: Any
    locations: Any
    weights: Any


def _compile(model: Any, initial_point: dict[str, Any]) -> CompiledMap:
    layout = _layout(model, initial_point)
    kinks = _kink_graphs(model, layout)
    newton_terms = _newton_function(model, layout, kinks)
    conditions = convexity_conditions(model)
    initial_theta = np.concatenate(
        [np.ravel(np.asarray(initial_point[v.name], dtype=np.float64)) for v in layout.value_vars]
    )
    return CompiledMap(
        kink_index=kinks.index,
        kink_bounded=kinks.bounded,
        kink_slices=kinks.slices,
        initial_theta=initial_theta,
        newton_terms=newton_terms,
        free_values=_free_values_function(model, layout),
        optimality="global" if conditions is not None else "stationary",
        find_collapse=_collapse_finder(model, layout, initial_theta, newton_terms, kinks.index),
        nonnegative_data=tuple(sorted(conditions or (), key=lambda data: str(data.name))),
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
    bounded: list[BoolArray] = []
    slices: dict[str, slice] = {}
    offsets, magnitudes, locations, weights = [], [], [], []
    start = 0
    for rv, location, weight, is_bounded in find_kinks(model):
        value = model.rvs_to_values[rv]
        position = layout.value_vars.index(value)
        part = layout.slices[position]
        positions.append(np.arange(part.start, part.stop, dtype=np.intp))
        bounded.append(np.full(part.stop - part.start, is_bounded))
        slices[rv.name] = slice(start, start + part.stop - part.start)
        start += part.stop - part.start
        loc, wt = model.replace_rvs_by_values([location, weight])
        loc_full = pt.broadcast_to(loc, layout.shapes[position]).ravel()
        locations.append(loc_full)
        weights.append(pt.broadcast_to(wt, layout.shapes[position]).ravel())
        offset = value.ravel() - loc_full
        offsets.append(offset)
        # a bounded variable's log-density has the linear θ − m (its |·| on θ ≥ m)
        magnitudes.append(offset if is_bounded else pt.abs(offset))
    if not positions:
        empty = pt.zeros((0,), dtype="float64")
        return _KinkGraphs(
            np.zeros(0, np.intp), np.zeros(0, bool), slices, empty, empty, empty, empty
        )
    return _KinkGraphs(
        np.concatenate(positions),
        np.concatenate(bounded),
        slices,
        pt.concatenate(offsets),
        pt.concatenate(magnitudes),
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
    # f_ς = f − Σ w (|θ_K − m| − ς (θ_K − m))   (θ_K − m for |θ_K − m| where bounded)
    smooth_by_signs = -model.logp(jacobian=False) - pt.sum(
        kinks.weights * (kinks.magnitudes - signs * kinks.offsets)
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
