"""Penalized logistic and Poisson regression on Dask arrays: one pass over the rows per step.

For a design too large for one machine's memory the proximal Newton engine
(:mod:`bayesreg.core.newton`) needs, at each point θ = (w0, w), only sums over rows::

    L(θ) = Σ_i ℓ(η_i)/n,   ∇L = Zᵀ ℓ'(η)/n,   ∇²L = Zᵀ diag(ℓ''(η)) Z/n,   Z = [1, X],

so every row block contributes its partial sums (a number, a (p+1)-vector and a
(p+1)-square matrix) and the blocks are summed: one pass over the data, memory
O(p² + block) per worker, whatever n is. The L1 subproblem of a Newton step is then
solved locally on the (p+1)-square system, exactly as for data in memory, and the result
is certified by the same KKT residual (the gradient's sums are exact up to the rounding
of the block sums).

Each point's pass computes the value, the gradient and the full Hessian together, and
keeps them for the point: the line search's unit step, when accepted, is the next point,
so a Newton step usually costs one pass. Dask is optional (``pip install
'bayesreg[dask]'``) and imported only when a Dask collection is given.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bayesreg.core.datafits import datafit_of
from bayesreg.core.newton import Curvature, DenseCurvature, Point
from bayesreg.core.newton_glm import GLMPenaltyTerms
from bayesreg.core.types import FloatArray, IndexArray
from bayesreg.errors import DataError, InputTypeError, InputValueError

__all__ = [
    "StreamedGLM",
    "StreamedNull",
    "StreamedRows",
    "is_dask_collection",
    "refuse_streamed",
    "streamed_null",
    "streamed_rows",
]


def is_dask_collection(value: Any) -> bool:
    """Whether ``value`` is a Dask array, DataFrame or Series (checked without importing
    Dask)."""
    return type(value).__module__.split(".")[0] in ("dask", "dask_expr")


@dataclass(frozen=True)
class StreamedRows:
    """Row blocks ``(X_k, y_k, o_k)`` held by Dask (delayed objects), never gathered.

    ``likelihood`` is "bernoulli" or "poisson"; ``offsets`` is False when there is none.
    """

    blocks: tuple[tuple[Any, Any, Any], ...]
    n_samples: int
    n_features: int
    likelihood: str
    target_sum: float
    #: Σ exp(o_i) (n without an offset): the Poisson null model's denominator.
    exposure_sum: float

    @property
    def shape(self) -> tuple[int, int]:
        """``(n, p)``, as a design's shape."""
        return self.n_samples, self.n_features

    def map_blocks(self, function: Callable[..., Any], *args: Any) -> list[Any]:
        """``function(X_k, y_k, o_k, *args)`` for every block, computed in one pass."""
        dask: Any = importlib.import_module("dask")
        tasks = [dask.delayed(function)(x, y, o, *args) for x, y, o in self.blocks]
        return list(dask.compute(*tasks))


def _import_dask_array() -> Any:
    try:
        return importlib.import_module("dask.array")
    except ImportError:
        raise ImportError(
            "a Dask design needs dask; install it with pip install 'bayesreg[dask]'."
        ) from None


def _as_dask(value: Any, name: str, da: Any) -> Any:
    """A Dask array of ``value`` (a DataFrame or Series by its values)."""
    if hasattr(value, "to_dask_array"):
        value = value.to_dask_array(lengths=True)
    try:
        return da.asarray(value).astype(np.float64)
    except (TypeError, ValueError) as error:
        raise InputTypeError(f"{name} must be a numeric Dask array; got {error}.") from None


def _check_block(x: Any, y: Any, o: Any, likelihood: str, start: int) -> tuple[int, float, float]:
    """Validate one block; return its row count, Σ y and Σ exp(o) (its row count if none)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    for name, values in (("X", x), ("y", y)) + (
        (("offset", np.asarray(o)),) if o is not None else ()
    ):
        bad = ~np.isfinite(values)
        if bad.any():
            row = start + int(np.argwhere(bad)[0][0])
            raise DataError(f"{name} must hold finite numbers; row {row} holds {values[bad][0]!r}.")
    if likelihood == "bernoulli":
        wrong = (y != 0.0) & (y != 1.0)
        allowed = "0 and 1 (binary outcomes)"
    else:
        wrong = (y < 0.0) | (y != np.floor(y))
        allowed = "counts 0, 1, 2, …"
    if wrong.any():
        row = start + int(np.argmax(wrong))
        raise DataError(f"y must hold only {allowed}; y[{row}] = {float(y[wrong][0])!r}.")
    exposure = float(np.exp(np.asarray(o)).sum()) if o is not None else float(y.size)
    return int(y.size), float(y.sum()), exposure


def streamed_rows(X: Any, y: Any, offset: Any, likelihood: str) -> StreamedRows:
    """Dask ``X`` (n, p), ``y`` (n,) and an optional offset as aligned row blocks,
    validated in one pass (finite values; binary outcomes or counts).

    Raises
    ------
    DataError
        For shapes that do not match, or a value that is not allowed (naming its row).
    """
    da = _import_dask_array()
    design = _as_dask(X, "X", da)
    if design.ndim != 2:
        raise DataError(f"X must be 2-D (n_samples, n_features); got shape {design.shape}.")
    n_rows, n_features = design.shape
    target = _as_dask(y, "y", da).ravel()
    shift = None if offset is None else _as_dask(offset, "offset", da).ravel()
    for name, vector in (("y", target), ("offset", shift)):
        if vector is not None and not math.isnan(n_rows) and vector.shape[0] != n_rows:
            raise DataError(
                f"{name} has {vector.shape[0]} entries but X has {n_rows} rows; they must match."
            )
    design = design.rechunk({1: -1})
    row_chunks = (design.chunks[0],)
    target = target.rechunk(row_chunks)
    x_blocks = design.to_delayed().ravel()
    y_blocks = target.to_delayed().ravel()
    o_blocks = (
        [None] * len(x_blocks) if shift is None else shift.rechunk(row_chunks).to_delayed().ravel()
    )
    starts = np.concatenate(([0], np.cumsum(design.chunks[0])[:-1]))
    blocks = tuple(zip(x_blocks, y_blocks, o_blocks, strict=True))
    dask: Any = importlib.import_module("dask")
    checked = dask.compute(
        *[
            dask.delayed(_check_block)(x, y_block, o, likelihood, int(start))
            for (x, y_block, o), start in zip(blocks, starts, strict=True)
        ]
    )
    counts = np.array([c[0] for c in checked])
    return StreamedRows(
        blocks=blocks,
        n_samples=int(counts.sum()),
        n_features=int(n_features),
        likelihood=likelihood,
        target_sum=float(sum(c[1] for c in checked)),
        exposure_sum=float(sum(c[2] for c in checked)),
    )


@dataclass(frozen=True)
class StreamedNull:
    """The null model (w = 0) of streamed rows: its intercept, ``∇_w L`` there, and the
    gradient's unit ``max_j Σ_i |z_ij| s_i / n`` for the rounding floor."""

    intercept: float
    gradient: FloatArray
    unit: float


def streamed_null(rows: StreamedRows, fit_intercept: bool) -> StreamedNull:
    """The best intercept at w = 0 and the gradient there, in one pass.

    Bernoulli: ``w0* = logit(ȳ)``; Poisson: ``w0* = log Σy − log Σ exp(o)`` (0 without
    an intercept). The caller has checked that the intercept exists (both classes, or a
    positive count: ``GLMFamily.check_null`` of :mod:`bayesreg.core.glm_fit`).
    """
    n, total = rows.n_samples, rows.target_sum
    if not fit_intercept:
        intercept = 0.0
    elif rows.likelihood == "bernoulli":
        intercept = math.log(total / (n - total))
    else:
        intercept = math.log(total) - math.log(rows.exposure_sum)
    parts = rows.map_blocks(_block_null, intercept, n, rows.likelihood)
    gradient = np.sum([part[0] for part in parts], axis=0)
    column_units = np.sum([part[1] for part in parts], axis=0) / n
    intercept_unit = sum(part[2] for part in parts) / n
    unit = float(np.max(column_units, initial=0.0))
    return StreamedNull(intercept, gradient, max(unit, intercept_unit) if fit_intercept else unit)


def _block_null(
    x: Any, y: Any, o: Any, intercept: float, n: int, likelihood: str
) -> tuple[FloatArray, FloatArray, float]:
    """One block's ``Xᵀ ℓ'(η)/n`` at w = 0, ``Σ_i |x_ij| s_i`` and ``Σ_i s_i``, with
    ``s_i`` the bound 1 (Bernoulli) or ``max(y_i, μ_i)`` (Poisson) of ``n·|ℓ'(η_i)|``."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    offset = None if o is None else np.asarray(o, dtype=np.float64)
    datafit = datafit_of(likelihood, y, offset, np.full(y.size, 1.0 / n))
    residual, _ = datafit.derivatives(np.full(y.size, intercept))
    if likelihood == "bernoulli":
        scale = np.ones(y.size)
    else:
        mean = np.exp(intercept + (0.0 if offset is None else offset))
        scale = np.maximum(y, mean)
    return x.T @ residual, np.abs(x).T @ scale, float(scale.sum())


def _block_terms(
    x: Any, y: Any, o: Any, theta: FloatArray, n: int, likelihood: str, n_free: int
) -> tuple[float, FloatArray, FloatArray]:
    """One block's ``Σ ℓ(η_i)/n``, ``Zᵀℓ'(η)/n`` and ``Zᵀ diag(ℓ''(η)) Z/n`` (Z = [1, X]
    with an intercept, X without)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    offset = None if o is None else np.asarray(o, dtype=np.float64)
    design = np.column_stack((np.ones(y.size), x)) if n_free else x
    datafit = datafit_of(likelihood, y, offset, np.full(y.size, 1.0 / n))
    eta = design @ theta
    residual, curvature = datafit.derivatives(eta)
    # ℓ'' ≥ 0: Zᵀ diag(ℓ'') Z = BᵀB with B = diag(√ℓ'') Z, one symmetric product
    scaled = design * np.sqrt(curvature)[:, None]
    return datafit.value(eta), design.T @ residual, scaled.T @ scaled


@dataclass(frozen=True)
class _Terms:
    """The datafit's value, gradient and Hessian over θ at one point."""

    value: float
    gradient: FloatArray
    hessian: FloatArray


@dataclass(frozen=True)
class StreamedGLM(GLMPenaltyTerms):
    """``F(w, w0) = L(w0 + X w) + alpha · P(w)`` over streamed rows: an oracle of the
    proximal Newton engine whose every evaluation is one pass (module docstring)."""

    rows: StreamedRows
    alpha: float
    l1_ratio: float
    fit_intercept: bool
    penalty_factor: FloatArray | None = None
    positive: bool = False
    #: The last point's sums, keyed by θ's bytes: the accepted line-search step is the
    #: next point, so its pass is not repeated.
    _cache: dict[bytes, _Terms] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_features(self) -> int:
        """Number of columns of X."""
        return self.rows.n_features

    def _terms(self, theta: FloatArray) -> _Terms:
        key = theta.tobytes()
        if key not in self._cache:
            parts = self.rows.map_blocks(
                _block_terms, theta, self.rows.n_samples, self.rows.likelihood, self.n_free
            )
            with np.errstate(invalid="ignore"):
                value = math.fsum(part[0] for part in parts)
            self._cache.clear()
            self._cache[key] = _Terms(
                value=math.inf if math.isnan(value) else value,
                gradient=np.sum([part[1] for part in parts], axis=0),
                hessian=np.sum([part[2] for part in parts], axis=0),
            )
        return self._cache[key]

    def evaluate(self, theta: FloatArray) -> Point:
        """F, ĝ, λ and m at θ; the state is the datafit's Hessian over θ."""
        terms = self._terms(theta)
        coef, _ = self.split(theta)
        gradient = terms.gradient.copy()
        gradient[self.n_free :] += self.l2_weights * coef
        value = terms.value + self.penalty(coef)
        return Point(
            theta, value, gradient, self.weights, self.locations, terms.hessian, self.bounded
        )

    def curvature(self, point: Point, columns: IndexArray) -> Curvature:
        """The Hessian of s = L + l2/2 ||w||² on ``columns``, from the point's pass."""
        block = point.state[np.ix_(columns, columns)].copy()
        features = columns >= self.n_free
        l2 = self.l2_weights
        extra = l2 if isinstance(l2, float) else l2[columns[features] - self.n_free]
        block[np.flatnonzero(features), np.flatnonzero(features)] += extra
        return DenseCurvature(block)

    def line(
        self, point: Point, columns: IndexArray, direction: FloatArray
    ) -> Callable[[float, FloatArray], float]:
        """F at each trial θ, one pass each (the accepted one is kept for its point)."""

        def value(step: float, theta: FloatArray) -> float:
            coef, _ = self.split(theta)
            return self._terms(theta).value + self.penalty(coef)

        return value


def refuse_streamed(option: str, value: Any) -> None:
    """Raise for an option the streamed solver does not take."""
    raise InputValueError(
        f"{option}={value!r} is not supported with a Dask design; compute X in memory "
        "(X.compute()) to use it."
    )
