"""Scale collapse: a path along which a model's log-density grows without bound.

Let s > 0 be a free variable whose prior density behaves like s^q at 0 (q = 0 for
HalfNormal, HalfCauchy, HalfStudentT, Exponential, HalfFlat; q = α − 1 for Gamma(α)), and
whose other appearances are the scales ``b = s·g`` (g free of s) of Normal or Laplace terms
and potentials ``k·log s``. Send s → 0 (all coordinates in proportion) while every such
term sits exactly at its location, which must be affine in free variables on the whole
real line. Each of those N values contributes ``−log b = log(1/s) + const`` and nothing
else changes, so

    log p = (N − k − Σq) · log(1/s) + O(1).

When the locations can be met exactly (a linear system in the movable variables, solved
by least squares; "exactly" means a residual within 1e-9 of the system's scale, i.e. the
data are fitted to rounding) and ``N − k − Σq > 0``, log p is unbounded above: the model
has no MAP. The compiled log-density, evaluated along the path (s times 1, 1e-3, 1e-6,
1e-9), must be finite and rising, or nothing is claimed.

:func:`collapse_candidates` reads the structure (before any data are seen);
:func:`compile_collapse` compiles a candidate's residuals and Jacobian, and
:meth:`CollapsePath.follow` checks the current data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.core.types import FloatArray, IndexArray
from bayesreg.pymc._graph_rules import (
    depends_on,
    dist_params,
    family,
    is_affine,
    is_proportional,
    log_power,
    pytensor_modules,
)

__all__ = ["CollapsePath", "ScaleCollapse", "collapse_candidates", "compile_collapse"]


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
class _Candidate:
    """A scale s that may collapse (module docstring), before the data are looked at."""

    scale: Any
    held: tuple[Any, ...]
    locations: tuple[Any, ...]
    gamma_shape: Any | None
    potential_power: float
    unknowns: tuple[Any, ...]


def collapse_candidates(model: Any) -> list[_Candidate]:
    """Every scale whose structure fits the collapse rule of the module docstring."""
    from pymc.logprob.transforms import LogTransform

    free = frozenset(model.free_RVs)
    unknowns = tuple(
        rv
        for rv in model.free_RVs
        if model.rvs_to_transforms.get(rv) is None and family(rv) in _REAL_LINE
    )
    candidates = []
    for scale in model.free_RVs:
        transform = model.rvs_to_transforms.get(scale)
        if family(scale) not in _FINITE_AT_ZERO or not (
            transform is None or isinstance(transform, LogTransform)
        ):
            continue
        gamma_shape = dist_params(scale)[0] if family(scale) == "gamma" else None
        if gamma_shape is not None and depends_on(gamma_shape, free, free):
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
        params = [] if rv is scale else dist_params(rv)
        if not any(depends_on(param, (scale,), free) for param in params):
            continue
        if family(rv) not in ("normal", "laplace"):
            return None
        location, rv_scale = params
        movable = rv not in free or rv in unknowns
        if (
            not movable
            or depends_on(location, (scale,), free)
            or not is_proportional(rv_scale, scale, free)
            or not is_affine(location, frozenset(unknowns) - {scale}, free)
        ):
            return None
        held.append(rv)
        locations.append(location)
    powers = [log_power(potential, scale, free) for potential in model.potentials]
    if None in powers:
        return None
    potential_power = float(sum(power for power in powers if power is not None))
    return _Candidate(scale, tuple(held), tuple(locations), gamma_shape, potential_power, unknowns)


@dataclass(frozen=True)
class CollapsePath:
    """A candidate compiled: the residuals of the held terms and their Jacobian in θ."""

    candidate: _Candidate
    function: Callable[[FloatArray], list[Any]]
    unknown_columns: IndexArray
    scale_columns: IndexArray
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


def compile_collapse(
    model: Any,
    candidate: _Candidate,
    as_theta: dict[Any, Any],
    theta: Any,
    columns: dict[Any, IndexArray],
) -> CollapsePath:
    pytensor, pt = pytensor_modules()
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
    return CollapsePath(
        candidate=candidate,
        function=function,
        unknown_columns=np.concatenate([columns[value] for value in unknown_values]).astype(np.intp)
        if unknown_values
        else np.zeros(0, np.intp),
        scale_columns=columns[scale_value].astype(np.intp),
        log_scale=model.rvs_to_transforms.get(candidate.scale) is not None,
    )
