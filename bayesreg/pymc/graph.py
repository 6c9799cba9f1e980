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

Any other |·| or sign(·) in the log-density is a kink the solver cannot handle, unless it
is smooth everywhere: its argument does not depend on the free variables (``sign(0.8)``),
or has a sign fixed by its form (``sign(σ)`` with ``σ = exp(log σ)``, as PyMC writes the
StudentT and SkewNormal densities).

Two facts about f are read off the model's structure by sound rules (a "yes" is a proof;
a structure the rules do not know gives "not known"):

* **convexity** — f is convex in the free variables when every prior is Flat, HalfFlat,
  Normal, HalfNormal, Exponential, Laplace or the elastic-net prior with constant
  parameters, every likelihood is Normal with a mean affine in the free variables and a
  constant σ, or Bernoulli with an affine logit, and no potential depends on a free
  variable. A point with zero KKT residual is then the global MAP.
* **a collapsing scale** — let s > 0 be a free variable whose prior density behaves like
  s^q at 0 (q = 0 for HalfNormal, HalfCauchy, HalfStudentT, Exponential, HalfFlat;
  q = α − 1 for Gamma(α)), and whose other appearances are the scales ``b = s·g`` (g free
  of s) of Normal or Laplace terms and potentials ``k·log s``. Send s → 0 (all coordinates
  in proportion) while every such term sits exactly at its location, which must be
  affine in free variables on the whole real line. Each of those N values contributes
  ``−log b = log(1/s) + const`` and nothing else changes, so

      log p = (N − k − Σq) · log(1/s) + O(1).

  When the locations can be met exactly (a linear system in the movable variables, solved
  by least squares; "exactly" means a residual within 1e-9 of the system's scale, i.e. the
  data are fitted to rounding) and ``N − k − Σq > 0``, log p is unbounded above: the model
  has no MAP. The compiled log-density, evaluated along the path (s times 1, 1e-3, 1e-6,
  1e-9), must be finite and rising, or nothing is claimed.
"""

from __future__ import annotations

import functools
import itertools
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from bayesreg.errors import ModelStructureError
from bayesreg.priors import ElasticNetPrior, LaplacePrior

__all__ = ["CompiledMap", "NewtonTerms", "ScaleCollapse", "compile_map"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

# Families whose log-density has an L1 kink; each recognizes its random variables.
_KINKED_FAMILIES = (LaplacePrior, ElasticNetPrior)

# Families whose negative log-density is convex in the variable (with constant parameters).
_CONVEX_PRIORS = frozenset(
    {"flat", "half-flat", "normal", "half-normal", "exponential", "laplace", "elastic net"}
)
# Families supported on the whole real line (an untransformed variable can take any value).
_REAL_LINE = frozenset({"flat", "normal", "laplace", "student-t", "cauchy", "elastic net"})
# Positive families whose density is finite and > 0 at 0 (Gamma: ∝ s^(α − 1) there).
_FINITE_AT_ZERO = frozenset(
    {"half-flat", "half-normal", "half-cauchy", "half-student-t", "exponential", "gamma"}
)
# Along a collapse path s is multiplied by these factors.
_PATH_FACTORS = (1.0, 1e-3, 1e-6, 1e-9)
# The locations are met "exactly" when the least-squares residual is at this backward error.
_EXACT_FIT_RTOL = 1e-9

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
class ScaleCollapse:
    """A path along which log p grows without bound: the model has no MAP.

    Attributes
    ----------
    scale : str
        The positive variable s sent to 0.
    scale_size : int
        Its number of coordinates (all go to 0 in proportion).
    held : tuple of (str, int, bool)
        The terms held exactly at their location: name, number of values, and whether
        they are observed (an exact fit of the data) or a prior of a free variable.
    pull : float
        ``N − k``: the number of held values minus the power k of the potentials
        ``k·log s``.
    prior_power : float
        ``Σq``: the prior of s behaves like ``s^Σq`` at 0.
    path : tuple of (float, float)
        ``(s, log p)`` along the path (s: its largest coordinate).
    """

    scale: str
    scale_size: int
    held: tuple[tuple[str, int, bool], ...]
    pull: float
    prior_power: float
    path: tuple[tuple[float, float], ...]

    @property
    def growth(self) -> float:
        """a in ``log p = a·log(1/s) + O(1)`` along the path."""
        return self.pull - self.prior_power


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
        ``() ↦`` a :class:`ScaleCollapse` for the model's current data, or None when
        none is found.
    """

    kink_index: IntArray
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

    def log_density(point: FloatArray) -> float:
        """log p(θ) = −f(θ): f_ς with ς the signs at θ."""
        kink_locations = newton_terms(point, np.zeros(kink_index.size)).locations
        return -newton_terms(point, np.sign(point[kink_index] - kink_locations)).value

    columns = {
        value: np.arange(part.start, part.stop)
        for value, part in zip(value_vars, slices, strict=True)
    }
    paths = [
        _compile_collapse(model, candidate, as_theta, theta, columns)
        for candidate in _collapse_candidates(model)
    ]

    def find_collapse() -> ScaleCollapse | None:
        for path in paths:
            found = path.follow(initial_theta, log_density)
            if found is not None:
                return found
        return None

    return CompiledMap(
        kink_index=kink_index,
        kink_slices=kink_slices,
        initial_theta=initial_theta,
        newton_terms=newton_terms,
        free_values=free_values,
        optimality="global" if _is_convex(model) else "stationary",
        find_collapse=find_collapse,
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
    value_vars = frozenset(model.value_vars)
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
        if _depends_on(location_in_values, value_vars):
            problems[rv.name] = (
                "a Laplace-type prior whose location depends on other free variables (the "
                "kink must sit at a fixed point)"
            )
            continue
        kinks.append((rv, location, weight))

    kinked = {rv for rv, _, _ in kinks}
    other_terms = [rv for rv in model.free_RVs if rv not in kinked and rv.name not in problems]
    for term_var in [*other_terms, *model.observed_RVs, *model.potentials]:
        if _has_unresolved_kink(model.logp(vars=[term_var], jacobian=False), value_vars):
            problems[term_var.name] = (
                "its log-density contains |·| or sign(·) of an expression of the free "
                "variables outside a Laplace-type prior on a free variable (e.g. a Laplace "
                "likelihood)"
            )
    if problems:
        listing = "; ".join(f"{name!r}: {reason}" for name, reason in problems.items())
        raise ModelStructureError(
            "find_map handles models whose only non-smooth log-density terms are Laplace or "
            f"ElasticNetPrior priors on untransformed free variables; unsupported: {listing}."
        )
    return kinks


# --- Questions about graphs --------------------------------------------------------------
#
# ``variables`` are the nodes the question is about; ``blockers`` (the model's free random
# variables, in graphs written in terms of them) end the walk up the graph, so that a
# random variable's own parameters, RNG and size do not count as inputs of the graph.


def _depends_on(
    graph: Any, variables: Iterable[Any], blockers: Iterable[Any] | None = None
) -> bool:
    """Whether any of ``variables`` is an ancestor of ``graph``."""
    from pytensor.graph.traversal import ancestors

    targets = frozenset(variables)
    return any(node in targets for node in ancestors([graph], blockers=blockers))


def _has_unresolved_kink(graph: Any, value_vars: frozenset[Any]) -> bool:
    """Whether ``graph`` applies |·| or sign(·) to an argument that can cross 0."""
    from pytensor.graph.traversal import ancestors
    from pytensor.scalar.basic import Abs, Sign
    from pytensor.tensor.elemwise import Elemwise

    for node in ancestors([graph]):
        owner = node.owner
        if (
            owner is not None
            and isinstance(owner.op, Elemwise)
            and isinstance(owner.op.scalar_op, Abs | Sign)
        ):
            (argument,) = owner.inputs
            if _depends_on(argument, value_vars) and _strict_sign(argument) is None:
                return True
    return False


@functools.cache
def _ops() -> dict[str, tuple[type, ...]]:
    """PyTensor op classes by the rôle the rules below give them."""
    from pytensor.compile.ops import ViewOp
    from pytensor.scalar import basic as scalar
    from pytensor.scalar.math import Sigmoid, Softplus
    from pytensor.tensor.basic import Alloc, Join, MakeVector
    from pytensor.tensor.elemwise import DimShuffle
    from pytensor.tensor.math import Dot, Sum
    from pytensor.tensor.shape import Reshape, SpecifyShape
    from pytensor.tensor.subtensor import AdvancedSubtensor, Subtensor

    return {
        # rearrange, select or broadcast their first input (the others are indices/shapes)
        "view": (DimShuffle, ViewOp, Reshape, SpecifyShape, Alloc, Subtensor, AdvancedSubtensor),
        "gather": (Join, MakeVector, Sum),
        "dot": (Dot,),
        "positive": (scalar.Exp, scalar.Cosh, Sigmoid, Softplus),
        "sigmoid": (Sigmoid,),
        "add": (scalar.Add,),
        "sub": (scalar.Sub,),
        "neg": (scalar.Neg,),
        "mul": (scalar.Mul,),
        "div": (scalar.TrueDiv,),
        "log": (scalar.Log,),
        "pow": (scalar.Pow,),
    }


def _scalar_op(node: Any) -> Any:
    """The scalar op of an elementwise node, else None."""
    from pytensor.tensor.elemwise import Elemwise

    return node.op.scalar_op if isinstance(node.op, Elemwise) else None


def _is(op: Any, role: str) -> bool:
    return isinstance(op, _ops()[role])


def _strict_sign(graph: Any) -> int | None:
    """+1 or −1 if every entry of ``graph`` has that sign wherever it is defined, else None."""
    from pytensor.graph.basic import Constant

    if isinstance(graph, Constant):
        data = np.asarray(graph.data)
        return 1 if np.all(data > 0) else -1 if np.all(data < 0) else None
    node = graph.owner
    if node is None:
        return None
    if _is(node.op, "view"):
        return _strict_sign(node.inputs[0])
    scalar = _scalar_op(node)
    if _is(scalar, "positive"):
        return 1
    if _is(scalar, "pow"):  # b^e > 0 for b > 0
        return 1 if _strict_sign(node.inputs[0]) == 1 else None
    signs = [_strict_sign(argument) for argument in node.inputs]
    if None in signs:
        return None
    known = [int(sign) for sign in signs if sign is not None]
    if _is(scalar, "mul") or _is(scalar, "div"):
        return int(np.prod(known))
    if _is(scalar, "neg"):
        return -known[0]
    if _is(scalar, "add") and len(set(known)) == 1:  # a sum of terms of one sign
        return known[0]
    return None


def _is_affine(graph: Any, variables: frozenset[Any], blockers: frozenset[Any]) -> bool:
    """Whether ``graph`` is affine in ``variables`` (other free variables held fixed)."""
    memo: dict[Any, bool] = {}

    def depends(node: Any) -> bool:
        return _depends_on(node, variables, blockers)

    def affine(node: Any) -> bool:
        if node not in memo:
            memo[node] = node in variables or not depends(node) or affine_op(node.owner)
        return memo[node]

    def affine_op(node: Any) -> bool:
        if node is None:
            return False
        op, inputs = node.op, node.inputs
        scalar = _scalar_op(node)
        if _is(op, "view"):
            return affine(inputs[0]) and not any(depends(i) for i in inputs[1:])
        if _is(op, "gather") or any(_is(scalar, role) for role in ("add", "sub", "neg")):
            return all(affine(i) for i in inputs)
        if _is(op, "dot") or _is(getattr(op, "core_op", None), "dot") or _is(scalar, "mul"):
            # a product is affine when at most one factor varies
            return all(affine(i) for i in inputs) and sum(map(depends, inputs)) <= 1
        if _is(scalar, "div"):
            return affine(inputs[0]) and not depends(inputs[1])
        return False

    return affine(graph)


def _is_proportional(graph: Any, scale: Any, blockers: frozenset[Any]) -> bool:
    """Whether ``graph`` = ``scale`` · g (entrywise, after views) with g free of ``scale``."""
    if graph is scale:
        return True
    node = graph.owner
    if node is None:
        return False
    inputs = node.inputs
    scalar = _scalar_op(node)
    varying = [i for i in inputs if _depends_on(i, (scale,), blockers)]
    if len(varying) != 1:
        return False
    # views of s·g, (s·g)·h and (s·g)/h: only the first input of a view or a division varies
    first_varies = varying[0] is inputs[0]
    if _is(node.op, "view") or _is(scalar, "div"):
        return first_varies and _is_proportional(inputs[0], scale, blockers)
    return _is(scalar, "mul") and _is_proportional(varying[0], scale, blockers)


def _log_power(graph: Any, scale: Any, blockers: frozenset[Any]) -> float | None:
    """k if the scalar ``graph`` is ``k·log(scale)`` plus terms free of ``scale``, else None."""
    from pytensor.tensor.exceptions import NotScalarConstantError

    if not _depends_on(graph, (scale,), blockers):
        return 0.0
    node = graph.owner
    if node is None or graph.ndim != 0:
        return None
    scalar = _scalar_op(node)
    inputs = node.inputs
    if _is(scalar, "log"):
        return 1.0 if _is_proportional(inputs[0], scale, blockers) else None
    powers = [_log_power(i, scale, blockers) for i in inputs]
    if None in powers:
        return None
    known = [float(power) for power in powers if power is not None]
    if _is(scalar, "neg"):
        return -known[0]
    if _is(scalar, "add"):
        return sum(known)
    if _is(scalar, "sub"):
        return known[0] - known[1]
    if _is(scalar, "mul") and len(inputs) == 2:
        constant, varying = (0, 1) if known[0] == 0.0 else (1, 0)
        try:
            factor = float(
                _pytensor_modules()[1].get_underlying_scalar_constant_value(inputs[constant])
            )
        except NotScalarConstantError:
            return None
        return factor * known[varying]
    return None


# --- The model's structure ---------------------------------------------------------------


@functools.cache
def _families() -> dict[type, str]:
    from pymc.distributions.continuous import FlatRV, HalfCauchyRV, HalfFlatRV, HalfStudentTRV
    from pytensor.tensor.random import basic

    return {
        FlatRV: "flat",
        HalfFlatRV: "half-flat",
        basic.NormalRV: "normal",
        basic.HalfNormalRV: "half-normal",
        basic.ExponentialRV: "exponential",
        basic.GammaRV: "gamma",
        basic.LaplaceRV: "laplace",
        basic.StudentTRV: "student-t",
        basic.CauchyRV: "cauchy",
        basic.BernoulliRV: "bernoulli",
        HalfCauchyRV: "half-cauchy",
        HalfStudentTRV: "half-student-t",
    }


def _family(rv: Any) -> str | None:
    if ElasticNetPrior.pymc_l1_term(rv) is not None:
        return "elastic net"
    return None if rv.owner is None else _families().get(type(rv.owner.op))


def _dist_params(rv: Any) -> list[Any]:
    return list(rv.owner.op.dist_params(rv.owner))


def _is_convex(model: Any) -> bool:
    """The convexity rule of the module docstring."""
    free = frozenset(model.free_RVs)

    def constant(graph: Any) -> bool:
        return not _depends_on(graph, free, free)

    def convex_likelihood(rv: Any) -> bool:
        family, params = _family(rv), _dist_params(rv)
        if family == "normal":  # ‖y − μ‖²/(2σ²) with μ affine, σ constant
            return _is_affine(params[0], free, free) and constant(params[1])
        if family == "bernoulli":  # log(1 + e^η) − yη with p = sigmoid(η), η affine
            owner = params[0].owner
            return (
                owner is not None
                and _is(_scalar_op(owner), "sigmoid")
                and _is_affine(owner.inputs[0], free, free)
            )
        return False

    return (
        all(constant(potential) for potential in model.potentials)
        and all(
            _family(rv) in _CONVEX_PRIORS and all(map(constant, _dist_params(rv)))
            for rv in model.free_RVs
        )
        and all(convex_likelihood(rv) for rv in model.observed_RVs)
    )


@dataclass(frozen=True)
class _Candidate:
    """A scale s that may collapse (module docstring), before the data are looked at."""

    scale: Any
    held: tuple[Any, ...]
    locations: tuple[Any, ...]
    gamma_shape: Any | None
    potential_power: float
    unknowns: tuple[Any, ...]


def _collapse_candidates(model: Any) -> list[_Candidate]:
    """Every scale whose structure fits the collapse rule of the module docstring."""
    from pymc.logprob.transforms import LogTransform

    free = frozenset(model.free_RVs)
    unknowns = tuple(
        rv
        for rv in model.free_RVs
        if model.rvs_to_transforms.get(rv) is None and _family(rv) in _REAL_LINE
    )
    candidates = []
    for scale in model.free_RVs:
        transform = model.rvs_to_transforms.get(scale)
        if _family(scale) not in _FINITE_AT_ZERO or not (
            transform is None or isinstance(transform, LogTransform)
        ):
            continue
        gamma_shape = _dist_params(scale)[0] if _family(scale) == "gamma" else None
        if gamma_shape is not None and _depends_on(gamma_shape, free, free):
            continue
        candidate = _held_terms(model, scale, free, gamma_shape, unknowns)
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def _held_terms(
    model: Any, scale: Any, free: frozenset[Any], gamma_shape: Any, unknowns: tuple[Any, ...]
) -> _Candidate | None:
    held, locations = [], []
    for rv in [*model.free_RVs, *model.observed_RVs]:
        params = [] if rv is scale else _dist_params(rv)
        if not any(_depends_on(param, (scale,), free) for param in params):
            continue
        if _family(rv) not in ("normal", "laplace"):
            return None
        location, rv_scale = params
        movable = rv not in free or rv in unknowns
        if (
            not movable
            or _depends_on(location, (scale,), free)
            or not _is_proportional(rv_scale, scale, free)
            or not _is_affine(location, frozenset(unknowns) - {scale}, free)
        ):
            return None
        held.append(rv)
        locations.append(location)
    powers = [_log_power(potential, scale, free) for potential in model.potentials]
    if None in powers:
        return None
    potential_power = float(sum(power for power in powers if power is not None))
    return _Candidate(scale, tuple(held), tuple(locations), gamma_shape, potential_power, unknowns)


@dataclass(frozen=True)
class _CollapsePath:
    """A candidate compiled: the residuals of the held terms and their Jacobian in θ."""

    candidate: _Candidate
    function: Callable[[FloatArray], list[Any]]
    unknown_columns: IntArray
    scale_columns: IntArray
    log_scale: bool

    def follow(
        self, base: FloatArray, log_density: Callable[[FloatArray], float]
    ) -> ScaleCollapse | None:
        """The collapse from ``base`` with the current data, or None if there is none."""
        *pieces, jacobian, prior_power = self.function(base)
        counts = [int(np.size(piece)) for piece in pieces]
        pull = float(sum(counts)) - self.candidate.potential_power
        if pull - float(prior_power) <= 0.0:
            return None
        point = base.copy()
        if counts and sum(counts):
            residual = np.concatenate([np.ravel(piece) for piece in pieces])
            system = np.asarray(jacobian)[:, self.unknown_columns]
            step = np.linalg.lstsq(system, -residual, rcond=None)[0]
            miss = float(np.linalg.norm(system @ step + residual))
            scale = np.linalg.norm(system) * np.linalg.norm(step) + np.linalg.norm(residual)
            if miss > _EXACT_FIT_RTOL * scale:
                return None
            point[self.unknown_columns] += step
        start = base[self.scale_columns]
        path = []
        for factor in _PATH_FACTORS:
            point[self.scale_columns] = start + np.log(factor) if self.log_scale else start * factor
            largest = float(np.max(np.exp(start) if self.log_scale else start)) * factor
            path.append((largest, log_density(point)))
        densities = np.array([density for _, density in path])
        if not (np.all(np.isfinite(densities)) and np.all(np.diff(densities) > 0.0)):
            return None
        return ScaleCollapse(
            scale=self.candidate.scale.name,
            scale_size=int(self.scale_columns.size),
            held=tuple(
                (rv.name, count, rv not in self.candidate.unknowns)
                for rv, count in zip(self.candidate.held, counts, strict=True)
            ),
            pull=pull,
            prior_power=float(prior_power),
            path=tuple(path),
        )


def _compile_collapse(
    model: Any,
    candidate: _Candidate,
    as_theta: dict[Any, Any],
    theta: Any,
    columns: dict[Any, IntArray],
) -> _CollapsePath:
    pytensor, pt = _pytensor_modules()
    scale_value = model.rvs_to_values[candidate.scale]
    locations = model.replace_rvs_by_values(list(candidate.locations))
    pieces = []
    for rv, location in zip(candidate.held, locations, strict=True):
        value = pt.as_tensor(model.rvs_to_values[rv])
        pieces.append((value - pt.broadcast_to(location, value.shape)).ravel())
    if candidate.gamma_shape is None:
        prior_power = pt.constant(0.0, dtype="float64")
    else:
        # Gamma(α): density ∝ s^(α − 1) at 0, summed over the coordinates of s
        (shape,) = model.replace_rvs_by_values([candidate.gamma_shape])
        prior_power = pt.sum(pt.broadcast_to(shape, scale_value.shape) - 1.0)
    outputs = pytensor.graph.replace.graph_replace(
        [*pieces, prior_power], replace=as_theta, strict=False
    )
    *pieces_theta, power_theta = outputs
    jacobian = (
        pytensor.gradient.jacobian(pt.concatenate(pieces_theta), theta, vectorize=True)
        if pieces_theta
        else pt.zeros((0, theta.shape[0]), dtype="float64")
    )
    function = pytensor.function(
        [theta],
        [*pieces_theta, jacobian, power_theta],
        on_unused_input="ignore",
        mode="FAST_COMPILE",
    )
    unknown_values = [model.rvs_to_values[rv] for rv in candidate.unknowns]
    return _CollapsePath(
        candidate=candidate,
        function=function,
        unknown_columns=np.concatenate([columns[value] for value in unknown_values]).astype(np.intp)
        if unknown_values
        else np.zeros(0, np.intp),
        scale_columns=columns[scale_value].astype(np.intp),
        log_scale=model.rvs_to_transforms.get(candidate.scale) is not None,
    )
