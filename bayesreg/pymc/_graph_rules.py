"""Sound rules about PyTensor graphs: dependence, sign, affinity, powers of a log, families.

Each rule answers "yes" only with a proof from the graph's form; a form it does not know
gives "no" (or None), never a guess. ``variables`` are the nodes a question is about;
``blockers`` (the model's free random variables, in graphs written in terms of them) end
the walk up the graph, so that a random variable's own parameters, RNG and size do not
count as inputs of the graph.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from bayesreg.priors import ElasticNetPrior

__all__ = [
    "Curvature",
    "curvature",
    "depends_on",
    "dist_params",
    "family",
    "has_unresolved_kink",
    "is_affine",
    "is_op",
    "is_proportional",
    "log_power",
    "pytensor_modules",
    "scalar_op",
    "strict_sign",
]


def pytensor_modules() -> tuple[Any, Any]:
    """``pytensor`` and ``pytensor.tensor``, typed as Any: PyTensor is only partly annotated."""
    import pytensor
    import pytensor.gradient
    import pytensor.graph.replace
    import pytensor.tensor

    return pytensor, pytensor.tensor


def depends_on(graph: Any, variables: Iterable[Any], blockers: Iterable[Any] | None = None) -> bool:
    """Whether any of ``variables`` is an ancestor of ``graph``."""
    from pytensor.graph.traversal import ancestors

    targets = frozenset(variables)
    return any(node in targets for node in ancestors([graph], blockers=blockers))


def has_unresolved_kink(graph: Any, value_vars: frozenset[Any]) -> bool:
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
            if depends_on(argument, value_vars) and strict_sign(argument) is None:
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
        "exp": (scalar.Exp,),
        # convex and nondecreasing: h(g) is convex for a convex g
        "convex increasing": (scalar.Exp, Softplus),
        "add": (scalar.Add,),
        "sub": (scalar.Sub,),
        "neg": (scalar.Neg,),
        "mul": (scalar.Mul,),
        "div": (scalar.TrueDiv,),
        "log": (scalar.Log,),
        "pow": (scalar.Pow,),
    }


def scalar_op(node: Any) -> Any:
    """The scalar op of an elementwise node, else None."""
    from pytensor.tensor.elemwise import Elemwise

    return node.op.scalar_op if isinstance(node.op, Elemwise) else None


def is_op(op: Any, role: str) -> bool:
    return isinstance(op, _ops()[role])


def _under_views(graph: Any) -> Any:
    """``graph`` with its outer views removed: the first input of each view op (a reshape,
    broadcast or selection), whose entries the view only rearranges, so that every entry
    of the view is an entry of that input and has its sign."""
    while graph.owner is not None and is_op(graph.owner.op, "view"):
        graph = graph.owner.inputs[0]
    return graph


def strict_sign(graph: Any) -> int | None:
    """+1 or −1 if every entry of ``graph`` has that sign wherever it is defined, else None."""
    from pytensor.graph.basic import Constant

    graph = _under_views(graph)
    if isinstance(graph, Constant):
        data = np.asarray(graph.data)
        return 1 if np.all(data > 0) else -1 if np.all(data < 0) else None
    node = graph.owner
    if node is None:
        return None
    scalar = scalar_op(node)
    if is_op(scalar, "positive"):
        return 1
    if is_op(scalar, "pow"):  # b^e > 0 for b > 0
        return 1 if strict_sign(node.inputs[0]) == 1 else None
    signs = [strict_sign(argument) for argument in node.inputs]
    if None in signs:
        return None
    known = [int(sign) for sign in signs if sign is not None]
    if is_op(scalar, "mul") or is_op(scalar, "div"):
        return int(np.prod(known))
    if is_op(scalar, "neg"):
        return -known[0]
    if is_op(scalar, "add") and len(set(known)) == 1:  # a sum of terms of one sign
        return known[0]
    return None


def is_affine(graph: Any, variables: frozenset[Any], blockers: frozenset[Any]) -> bool:
    """Whether ``graph`` is affine in ``variables`` (other free variables held fixed)."""
    memo: dict[Any, bool] = {}

    def depends(node: Any) -> bool:
        return depends_on(node, variables, blockers)

    def affine(node: Any) -> bool:
        if node not in memo:
            memo[node] = node in variables or not depends(node) or affine_op(node.owner)
        return memo[node]

    def affine_op(node: Any) -> bool:
        if node is None:
            return False
        op, inputs = node.op, node.inputs
        scalar = scalar_op(node)
        if is_op(op, "view"):
            return affine(inputs[0]) and not any(depends(i) for i in inputs[1:])
        if is_op(op, "gather") or any(is_op(scalar, role) for role in ("add", "sub", "neg")):
            return all(affine(i) for i in inputs)
        if is_op(op, "dot") or is_op(getattr(op, "core_op", None), "dot") or is_op(scalar, "mul"):
            # a product is affine when at most one factor varies
            return all(affine(i) for i in inputs) and sum(map(depends, inputs)) <= 1
        if is_op(scalar, "div"):
            return affine(inputs[0]) and not depends(inputs[1])
        return False

    return affine(graph)


def is_proportional(graph: Any, scale: Any, blockers: frozenset[Any]) -> bool:
    """Whether ``graph`` = ``scale`` · g (entrywise, after views) with g free of ``scale``."""
    if graph is scale:
        return True
    node = graph.owner
    if node is None:
        return False
    inputs = node.inputs
    scalar = scalar_op(node)
    varying = [i for i in inputs if depends_on(i, (scale,), blockers)]
    if len(varying) != 1:
        return False
    # views of s·g, (s·g)·h and (s·g)/h: only the first input of a view or a division varies
    first_varies = varying[0] is inputs[0]
    if is_op(node.op, "view") or is_op(scalar, "div"):
        return first_varies and is_proportional(inputs[0], scale, blockers)
    return is_op(scalar, "mul") and is_proportional(varying[0], scale, blockers)


def log_power(graph: Any, scale: Any, blockers: frozenset[Any]) -> float | None:
    """k if the scalar ``graph`` is ``k·log(scale)`` plus terms free of ``scale``, else None."""
    from pytensor.tensor.exceptions import NotScalarConstantError

    if not depends_on(graph, (scale,), blockers):
        return 0.0
    node = graph.owner
    if node is None or graph.ndim != 0:
        return None
    scalar = scalar_op(node)
    inputs = node.inputs
    if is_op(scalar, "log"):
        return 1.0 if is_proportional(inputs[0], scale, blockers) else None
    powers = [log_power(i, scale, blockers) for i in inputs]
    if None in powers:
        return None
    known = [float(power) for power in powers if power is not None]
    if is_op(scalar, "neg"):
        return -known[0]
    if is_op(scalar, "add"):
        return sum(known)
    if is_op(scalar, "sub"):
        return known[0] - known[1]
    if is_op(scalar, "mul") and len(inputs) == 2:
        constant, varying = (0, 1) if known[0] == 0.0 else (1, 0)
        try:
            factor = float(
                pytensor_modules()[1].get_underlying_scalar_constant_value(inputs[constant])
            )
        except NotScalarConstantError:
            return None
        return factor * known[varying]
    return None


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
        basic.PoissonRV: "poisson",
        HalfCauchyRV: "half-cauchy",
        HalfStudentTRV: "half-student-t",
    }


def family(rv: Any) -> str | None:
    if ElasticNetPrior.pymc_l1_term(rv) is not None:
        return "elastic net"
    return None if rv.owner is None else _families().get(type(rv.owner.op))


def dist_params(rv: Any) -> list[Any]:
    return list(rv.owner.op.dist_params(rv.owner))


class Curvature(NamedTuple):
    """What :func:`curvature` proves of a graph: ``sign`` +1 convex, −1 concave, 0 affine
    (constants included), holding when every entry of each variable in ``nonnegative``
    (data without an owner, e.g. ``pm.Data`` weights) is ≥ 0."""

    sign: int
    nonnegative: frozenset[Any]


def _combine(parts: list[Curvature | None]) -> Curvature | None:
    """A sum of terms: convex if none is concave, concave if none is convex."""
    if any(part is None for part in parts):
        return None
    known = [part for part in parts if part is not None]
    signs = {part.sign for part in known} - {0}
    if len(signs) > 1:
        return None
    needs = frozenset().union(*(part.nonnegative for part in known))
    return Curvature(signs.pop() if signs else 0, needs)


def _negated(part: Curvature | None) -> Curvature | None:
    return None if part is None else Curvature(-part.sign, part.nonnegative)


def _constant_sign(graph: Any) -> Curvature | None:
    """The sign of a graph free of the variables: ``Curvature(+1)`` for entries ≥ 0,
    ``Curvature(−1)`` for entries ≤ 0, else None. A data variable (a shared variable, whose
    value can change) counts as ≥ 0 on the condition that it is, recorded in
    ``nonnegative`` for the caller to check against its current value."""
    from pytensor.compile.sharedvalue import SharedVariable
    from pytensor.graph.basic import Constant

    graph = _under_views(graph)
    if isinstance(graph, Constant):
        data = np.asarray(graph.data)
        return (
            Curvature(1, frozenset())
            if np.all(data >= 0)
            else (Curvature(-1, frozenset()) if np.all(data <= 0) else None)
        )
    if isinstance(graph, SharedVariable):
        return Curvature(1, frozenset({graph}))
    node = graph.owner
    if node is None:
        return None
    scalar = scalar_op(node)
    if is_op(scalar, "positive"):
        return Curvature(1, frozenset())
    if is_op(scalar, "neg"):
        return _negated(_constant_sign(node.inputs[0]))
    if is_op(scalar, "mul"):
        return _product([_constant_sign(factor) for factor in node.inputs])
    return None


def _product(parts: list[Curvature | None]) -> Curvature | None:
    """The sign of a product of factors of known signs (with their conditions)."""
    if any(part is None for part in parts):
        return None
    known = [part for part in parts if part is not None]
    sign = int(np.prod([part.sign for part in known]))
    return Curvature(sign, frozenset().union(*(part.nonnegative for part in known)))


def curvature(graph: Any, variables: frozenset[Any], blockers: frozenset[Any]) -> Curvature | None:
    """Convex, concave or affine in ``variables`` by the composition rules, else None.

    Sound rules only (disciplined convex programming): an affine graph
    (:func:`is_affine`) is affine; views and sums keep the curvature of their terms; a sum
    is convex when no term is concave (concave likewise); negation flips it; a product
    with exactly one varying factor keeps (or, by a factor ≤ 0, flips) that factor's
    curvature, as does a division by a constant of one strict sign; a convex
    nondecreasing function (exp, softplus) of a convex argument is convex. E.g.
    ``Σ_i s_i [y_i η_i − softplus(η_i)]`` with η affine is concave when
    ``s ≥ 0`` — a weighted Bernoulli log-likelihood.
    """

    def varies(node: Any) -> bool:
        return depends_on(node, variables, blockers)

    if not varies(graph) or is_affine(graph, variables, blockers):
        return Curvature(0, frozenset())
    node = graph.owner
    if node is None:
        return None
    op, inputs = node.op, node.inputs
    scalar = scalar_op(node)

    def of(argument: Any) -> Curvature | None:
        return curvature(argument, variables, blockers)

    if is_op(op, "view"):
        return None if any(map(varies, inputs[1:])) else of(inputs[0])
    if is_op(op, "gather") or is_op(scalar, "add"):
        return _combine([of(argument) for argument in inputs])
    if is_op(scalar, "sub"):
        return _combine([of(inputs[0]), _negated(of(inputs[1]))])
    if is_op(scalar, "neg"):
        return _negated(of(inputs[0]))
    if is_op(scalar, "mul"):
        varying = [argument for argument in inputs if varies(argument)]
        if len(varying) != 1:
            return None
        fixed = [_constant_sign(argument) for argument in inputs if argument is not varying[0]]
        return _product([of(varying[0]), *fixed])
    if is_op(scalar, "div"):  # g / c with c of one strict sign (c = 0 nowhere)
        divisor = None if varies(inputs[1]) else strict_sign(inputs[1])
        inner = of(inputs[0])
        return (
            None
            if divisor is None or inner is None
            else Curvature(divisor * inner.sign, inner.nonnegative)
        )
    if is_op(scalar, "convex increasing"):
        inner = of(inputs[0])
        return None if inner is None or inner.sign < 0 else Curvature(1, inner.nonnegative)
    return None
