"""The one data layer of the Gaussian linear model: rows (dense or sparse) or statistics.

With n rows, ``x̄ = Xᵀ1/n``, ``ȳ = yᵀ1/n``, ``Xc = X − 1x̄ᵀ``, ``yc = y − ȳ1`` (``x̄ = 0``,
``ȳ = 0`` when no intercept is fitted), every least-squares solver, sampler and exact
posterior of the package reads the data through these quantities only::

    Xcᵀyc,  ||yc||²,  XcᵀXc (whole, or of a column subset),  Xc v,  Xcᵀ r

(the last two only where rows exist). :func:`least_squares_data` validates ``(X, y)``
once, at the public boundary, into one of three forms that provide them:

* :class:`DenseRows` — a dense ``X``, centered once (a fresh copy owned by the object);
* :class:`SparseRows` — a scipy.sparse CSR/CSC ``X``, never densified and never copied
  when already float64; the centering is implicit::

      Xc v  = X v − 1 (x̄ᵀv),        Xcᵀ r = Xᵀ r − x̄ (1ᵀr),
      XcᵀXc = XᵀX − n x̄x̄ᵀ          (a column block: X_Aᵀ X_B − n x̄_A x̄_Bᵀ)

  (and ``Xcᵀyc = Xᵀyc`` since ``1ᵀyc = 0``). The Gram block subtracts ``n x̄x̄ᵀ`` from the
  raw products, exact unless ``|x̄_j|`` approaches ``sd(x_j)/√eps``; sparse columns have
  small means, and the product is formed only for the columns asked for;
* :class:`Statistics` — a :class:`~bayesreg.core.stats.SufficientStats`, which holds
  ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc`` without rows (weighted statistics are folded like
  weighted rows: see :func:`least_squares_data`).

Whether the data are rows or statistics is decided here and nowhere else: callers ask
the object (``kind``, ``has_rows``, :meth:`~CenteredProblem.solver_form`), never its
type. The ridge factorizations of the Gram (or kernel) matrix, with the Jacobi scaling,
are in :mod:`bayesreg.core._ridge_linalg` (:func:`~bayesreg.core._ridge_linalg.jacobi_cholesky`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

import numpy as np
import scipy.linalg
import scipy.sparse

from bayesreg.core._least_squares import (
    DesignData,
    GramData,
    LeastSquaresData,
    SparseDesignData,
    choose_form,
)
from bayesreg.core.stats import SufficientStats, check_sample_weight, symmetric_gram
from bayesreg.core.types import FloatArray, IndexArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import (
    as_design,
    as_design_or_sparse,
    as_target,
    check_bool,
    feature_names_of,
    is_sparse,
)

__all__ = [
    "DENSE_COPY_LIMIT",
    "CenteredProblem",
    "DataKind",
    "DenseRows",
    "SparseRows",
    "Statistics",
    "check_sample_weight",
    "least_squares_data",
    "target_scale",
]

DataKind = Literal["dense", "sparse", "statistics"]

#: The most entries n·p of a sparse X that is ever copied densely: for a PyMC model's
#: ``pm.Data``, and for the p > n Gibbs sampler, which works on the rows (80 MB).
DENSE_COPY_LIMIT = 10_000_000


class CenteredProblem(Protocol):
    """What solvers, samplers and the exact posterior read of the centered data.

    Unscaled: ``xty = Xcᵀyc``, ``yty = ||yc||²``, ``gram() = XcᵀXc``. The solvers'
    ``1/n``-scaled form is :meth:`solver_form`.
    """

    @property
    def n_samples(self) -> int:
        """Number of rows n."""
        ...

    @property
    def n_features(self) -> int:
        """Number of columns p."""
        ...

    @property
    def fit_intercept(self) -> bool:
        """Whether the data are centered (flat intercept profiled out)."""
        ...

    @property
    def x_mean(self) -> FloatArray:
        """``x̄`` (zeros without an intercept)."""
        ...

    @property
    def y_mean(self) -> float:
        """``ȳ`` (0 without an intercept)."""
        ...

    @property
    def xty(self) -> FloatArray:
        """``Xcᵀyc``."""
        ...

    @property
    def yty(self) -> float:
        """``||yc||²``."""
        ...

    @property
    def has_rows(self) -> bool:
        """Whether ``Xc v`` and ``Xcᵀ r`` can be formed (False for statistics)."""
        ...

    @property
    def kind(self) -> DataKind:
        """``"dense"``, ``"sparse"`` or ``"statistics"``: the form the data came in."""
        ...

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Column names."""
        ...

    @property
    def dof(self) -> int:
        """Degrees of freedom of the Gaussian likelihood: m − 1 with an intercept, else m,
        for the m rows of positive weight (m = n unweighted)."""
        ...

    @property
    def target_scale(self) -> float:
        """``√(||yc||²/n)``."""
        ...

    @property
    def sample_weight(self) -> FloatArray | None:
        """The observation weights normalized to sum to n (None: unweighted)."""
        ...

    @property
    def weight_sum(self) -> float | None:
        """``Σs`` of the raw observation weights (None: none given).

        The data are folded with the weights normalized to sum to n, so ``Σs/n`` rescales
        the cross products to the raw weights (which set the noise ``σ/√s_i``).
        """
        ...

    @property
    def intercept_leverage(self) -> FloatArray | float:
        """Each row's leverage of the flat intercept: ``1/n`` (``s̃_i/n`` with weights)."""
        ...

    def intercept(self, coef: FloatArray) -> float:
        """``w0 = ȳ − x̄ᵀw``."""
        ...

    def intercepts(self, coefs: FloatArray) -> FloatArray:
        """``ȳ − coefs @ x̄``, one per row of ``coefs``."""
        ...

    def gram(self, columns: IndexArray | None = None) -> FloatArray:
        """``XcᵀXc``, or ``Xc[:, columns]ᵀ Xc[:, columns]`` (a fresh dense array)."""
        ...

    def matvec(self, coef: FloatArray) -> FloatArray:
        """``Xc @ coef`` (rows only; raises :class:`DataError` for statistics)."""
        ...

    def rmatvec(self, residual: FloatArray) -> FloatArray:
        """``Xcᵀ @ residual`` (rows only; raises :class:`DataError` for statistics)."""
        ...

    def dense_rows(self) -> tuple[FloatArray, FloatArray]:
        """``(Xc, yc)`` as dense arrays (dense rows only; raises :class:`DataError` else)."""
        ...

    def solver_form(self, expected_passes: int) -> LeastSquaresData:
        """The scaled form ``(XcᵀXc/n, Xcᵀyc/n, ||yc||²/n)`` the active-set solver reads.

        The cheaper of the Gram and the design form for about ``expected_passes`` passes
        over all features (statistics: always the Gram form).
        """
        ...

    def certificate_form(self) -> LeastSquaresData:
        """The scaled form computed from the rows where they exist (Gram form otherwise).

        Certificates are recomputed from it: from the rows, the correlations carry the
        rounding of one product with ``Xc`` rather than that of the Gram matrix.
        """
        ...


@dataclass(frozen=True)
class _Means:
    """Shared fields and derived quantities of the three forms."""

    n_samples: int
    fit_intercept: bool
    x_mean: FloatArray
    y_mean: float
    xty: FloatArray
    yty: float
    feature_names: tuple[str, ...]
    #: The observation weights normalized to sum to n, ``s̃ = n·s/Σs`` (None: unweighted).
    sample_weight: FloatArray | None = field(default=None, repr=False, kw_only=True)
    #: ``Σs`` of the raw observation weights (None: none given).
    weight_sum: float | None = field(default=None, kw_only=True)

    @property
    def n_features(self) -> int:
        """Number of columns p."""
        return int(self.x_mean.shape[0])

    @property
    def dof(self) -> int:
        """Degrees of freedom of the Gaussian likelihood: m − 1 with an intercept, else m.

        m counts the rows of positive weight (a zero weight removes its row); m = n
        unweighted, and for statistics, which keep only such rows.
        """
        rows = self.n_samples
        if self.sample_weight is not None:
            rows = int(np.count_nonzero(self.sample_weight > 0.0))
        return rows - 1 if self.fit_intercept else rows

    @property
    def target_scale(self) -> float:
        """Root mean square of y about ȳ (about 0 without an intercept): ``√(||yc||²/n)``."""
        return float(np.sqrt(self.yty / self.n_samples))

    @property
    def intercept_leverage(self) -> FloatArray | float:
        """Each row's leverage of the flat intercept: ``1/n``, or ``s̃_i/n`` with weights."""
        if self.sample_weight is None:
            return 1.0 / self.n_samples
        leverage: FloatArray = self.sample_weight / self.n_samples
        return leverage

    def intercept(self, coef: FloatArray) -> float:
        """``w0 = ȳ − x̄ᵀw`` (0 without an intercept)."""
        return float(self.y_mean - self.x_mean @ coef)

    def intercepts(self, coefs: FloatArray) -> FloatArray:
        """``ȳ − coefs @ x̄`` for each row of ``coefs``."""
        values: FloatArray = self.y_mean - coefs @ self.x_mean
        return values


@dataclass(frozen=True)
class DenseRows(_Means):
    """A dense centered design ``Xc`` (n × p) and target ``yc``.

    ``Xc`` is the problem's own centered (or scaled) copy, or, without intercept or
    weights, a read-only view of the caller's float64 X when it is already contiguous in
    the order the solvers read (C, column-major when n < p): nothing is centered, so
    nothing is copied, and nothing can write through the view.
    """

    X: FloatArray = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    y: FloatArray = field(default_factory=lambda: np.empty(0), repr=False)

    has_rows: ClassVar[bool] = True
    kind: ClassVar[DataKind] = "dense"

    def gram(self, columns: IndexArray | None = None) -> FloatArray:
        """``XcᵀXc`` by BLAS ``syrk`` (upper triangle mirrored), or of ``columns``."""
        design = self.X if columns is None else self.X[:, columns]
        return symmetric_gram(design)

    def matvec(self, coef: FloatArray) -> FloatArray:
        """``Xc @ coef``."""
        values: FloatArray = self.X @ coef
        return values

    def rmatvec(self, residual: FloatArray) -> FloatArray:
        """``Xcᵀ @ residual``."""
        values: FloatArray = self.X.T @ residual
        return values

    def dense_rows(self) -> tuple[FloatArray, FloatArray]:
        """``(Xc, yc)`` (the arrays held, not copies)."""
        return self.X, self.y

    def solver_form(self, expected_passes: int) -> LeastSquaresData:
        """``choose_form`` of ``bayesreg.core._least_squares`` on the centered rows."""
        return choose_form(self.certificate_form(), expected_passes)

    def certificate_form(self) -> DesignData:
        """The centered rows with ``Xcᵀyc/n`` and ``||yc||²/n`` (no copy)."""
        return DesignData(self.X, self.y, self.xty / self.n_samples, self.yty / self.n_samples)


@dataclass(frozen=True)
class SparseRows(_Means):
    """A scipy.sparse CSR/CSC design ``X`` (not centered, not copied) and ``yc``.

    The centering is implicit (module docstring). With observation weights ``X`` holds
    the scaled rows ``diag(√s̃) X`` (a sparse copy) and ``row_scale = √s̃``; the centering
    then subtracts ``√s̃ x̄ᵀ`` in place of ``1 x̄ᵀ``.
    """

    X: Any = field(default=None, repr=False)
    y: FloatArray = field(default_factory=lambda: np.empty(0), repr=False)
    row_scale: FloatArray | None = field(default=None, repr=False, kw_only=True)

    has_rows: ClassVar[bool] = True
    kind: ClassVar[DataKind] = "sparse"

    def gram(self, columns: IndexArray | None = None) -> FloatArray:
        """``X_Aᵀ X_A − n x̄_A x̄_Aᵀ`` for ``A = columns`` (all columns when None).

        With weights also: ``X̃ᵀX̃ = X_sᵀX_s − n x̄x̄ᵀ`` since ``X_sᵀ√s̃ = n x̄`` and
        ``Σ s̃ = n``.
        """
        block = self.X if columns is None else self.X[:, columns]
        means = self.x_mean if columns is None else self.x_mean[columns]
        product = np.asarray((block.T @ block).toarray())
        centered: FloatArray = product - self.n_samples * np.outer(means, means)
        return centered

    def matvec(self, coef: FloatArray) -> FloatArray:
        """``X v − 1 (x̄ᵀv)`` (``X_s v − √s̃ (x̄ᵀv)`` with weights)."""
        if self.row_scale is not None:
            scaled: FloatArray = np.asarray(self.X @ coef) - self.row_scale * float(
                self.x_mean @ coef
            )
            return scaled
        values: FloatArray = np.asarray(self.X @ coef) - float(self.x_mean @ coef)
        return values

    def rmatvec(self, residual: FloatArray) -> FloatArray:
        """``Xᵀ r − x̄ (1ᵀr)`` (``X_sᵀ r − x̄ (√s̃ᵀr)`` with weights)."""
        scale = self.row_scale
        total = float(residual.sum()) if scale is None else float(scale @ residual)
        values: FloatArray = np.asarray(self.X.T @ residual) - self.x_mean * total
        return values

    def dense_rows(self) -> tuple[FloatArray, FloatArray]:
        """Refused: a sparse design is never densified."""
        raise DataError(
            f"this computation needs dense rows, but X is a scipy.sparse matrix of shape "
            f"({self.n_samples}, {self.n_features}), which is never densified. Pass "
            "X.toarray() if it fits in memory, or SufficientStats.from_arrays(X.toarray(), y) "
            "when n ≥ p."
        )

    def densified(self, caller: str) -> DenseRows:
        """A dense centered copy, for an algorithm that needs the rows (``caller`` names it).

        Made only when ``n·p ≤ DENSE_COPY_LIMIT`` (10⁷); a larger X is refused with a
        :class:`~bayesreg.errors.DataError` naming ``caller``, X's shape and the limit.
        """
        n_samples, n_features = self.n_samples, self.n_features
        limit = DENSE_COPY_LIMIT
        if n_samples * n_features > limit:
            raise DataError(
                f"{caller} works on the rows of X, but X is a scipy.sparse matrix of shape "
                f"({n_samples}, {n_features}) ({n_samples * n_features} entries), copied "
                f"densely only up to {limit} entries. Select columns first (e.g. those the "
                "lasso keeps) so that n ≥ p, where only XᵀX and Xᵀy of the sparse X are "
                "read, or pass fewer rows or columns."
            )
        dense: FloatArray = np.asarray(self.X.toarray(), dtype=np.float64)
        if self.fit_intercept:
            if self.row_scale is None:
                dense -= self.x_mean
            else:
                dense -= np.outer(self.row_scale, self.x_mean)
        return DenseRows(
            n_samples, self.fit_intercept, self.x_mean, self.y_mean, self.xty, self.yty,
            self.feature_names, X=dense, y=self.y, sample_weight=self.sample_weight,
        )  # fmt: skip

    def solver_form(self, expected_passes: int) -> LeastSquaresData:
        """The Gram form when ``n ≥ p`` and ``p ≤ 8·passes``, else the implicit design form."""
        n_samples, n_features = self.n_samples, self.n_features
        xty, yty = self.xty / n_samples, self.yty / n_samples
        if n_samples >= n_features and n_features <= 8 * expected_passes:
            return GramData(self.gram() / n_samples, xty, yty)
        return SparseDesignData(self.X, self.y, self.x_mean, xty, yty, row_scale=self.row_scale)

    def certificate_form(self) -> SparseDesignData:
        """The implicitly centered sparse rows, scaled by ``1/n``."""
        n = self.n_samples
        return SparseDesignData(
            self.X, self.y, self.x_mean, self.xty / n, self.yty / n, row_scale=self.row_scale
        )


@dataclass(frozen=True)
class Statistics(_Means):
    """Sufficient statistics: ``XcᵀXc``, ``Xcᵀyc``, ``||yc||²`` and the means, no rows."""

    gram_matrix: FloatArray = field(default_factory=lambda: np.empty((0, 0)), repr=False)

    has_rows: ClassVar[bool] = False
    kind: ClassVar[DataKind] = "statistics"

    def gram(self, columns: IndexArray | None = None) -> FloatArray:
        """``XcᵀXc`` (a copy), or its block ``[columns, columns]``."""
        if columns is None:
            return self.gram_matrix.copy()
        block: FloatArray = self.gram_matrix[np.ix_(columns, columns)]
        return block

    def matvec(self, coef: FloatArray) -> FloatArray:
        """Not available: statistics hold no rows."""
        raise self._no_rows("Xc @ v")

    def rmatvec(self, residual: FloatArray) -> FloatArray:
        """Not available: statistics hold no rows."""
        raise self._no_rows("Xcᵀ @ r")

    def dense_rows(self) -> tuple[FloatArray, FloatArray]:
        """Not available: statistics hold no rows."""
        raise self._no_rows("this computation")

    def solver_form(self, expected_passes: int) -> LeastSquaresData:
        """The Gram form ``(XcᵀXc/n, Xcᵀyc/n, ||yc||²/n)``."""
        return self.certificate_form()

    def certificate_form(self) -> GramData:
        """The Gram form (the statistics hold nothing else)."""
        n = self.n_samples
        return GramData(self.gram_matrix / n, self.xty / n, self.yty / n)

    def _no_rows(self, what: str) -> DataError:
        return DataError(
            f"{what} needs the rows of X, but the data are sufficient statistics of "
            f"{self.n_samples} rows; pass X and y instead."
        )


def least_squares_data(
    X: Any,
    y: Any,
    *,
    fit_intercept: bool,
    allow_sparse: bool = True,
    feature_names: Sequence[str] | None = None,
    sample_weight: Any = None,
) -> DenseRows | SparseRows | Statistics:
    """Validate ``(X, y)`` once and return the centered data in the form they come in.

    With observation weights ``s`` the weighted problem
    ``1/(2Σs) Σ_i s_i (y_i − w0 − x_iᵀw)²`` is folded into the rows: with the weights
    normalized to sum to n, ``s̃ = n·s/Σs``, the weighted means ``x̄ = Xᵀs̃/n``,
    ``ȳ = yᵀs̃/n`` and ``X̃ = diag(√s̃)(X − 1x̄ᵀ)``, ``ỹ = diag(√s̃)(y − ȳ1)``, the problem is
    the ordinary ``1/(2n)||ỹ − X̃w||²`` (n the number of rows), which every solver and
    certificate reads unchanged. Constant weights are no weights (bit for bit).

    Weighted :class:`~bayesreg.core.stats.SufficientStats` (``XcᵀSXc``, ``XcᵀSyc``,
    ``ycᵀSyc`` of m rows of positive weight, ``W = Σs``) are folded the same way: with
    ``n = m`` and the weights normalized to sum to m the statistics become
    ``(m/W)·XcᵀSXc``, ``(m/W)·XcᵀSyc``, ``(m/W)·ycᵀSyc``, and ``1/(2m)`` times the folded
    sum of squares is ``1/(2W) Σ_i s_i r_i²``: the same problem as the weighted rows.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n, p), scipy.sparse CSR/CSC matrix, or SufficientStats
        A dense ``X`` is centered (or copied) into one fresh float64 array that the
        problem owns (C-ordered, column-major when n < p), read in its own memory layout
        and never written to (converted first only when it is not float64); without
        intercept or weights, a float64 ``X`` already in that order is read through a
        read-only view instead (nothing to center, nothing copied); a sparse one is kept
        as it is (copied only to convert its values to float64); statistics are read
        (then ``y`` must be None).
    y : array-like of shape (n,), or None with SufficientStats
    fit_intercept : bool
        Center (profile out the flat intercept); otherwise ``x̄ = 0``, ``ȳ = 0``.
    allow_sparse : bool, default True
        False for callers that need dense rows: a sparse ``X`` then raises
        :class:`~bayesreg.errors.InputTypeError` naming the parameter.
    feature_names : sequence of str, optional
        Overrides the names taken from a DataFrame (``x0, x1, ...`` otherwise).
    sample_weight : array-like of shape (n,), optional
        Finite weights ``s_i ≥ 0``, not all 0 (a zero weight drops its row); refused with
        sufficient statistics, which carry their weights
        (``SufficientStats.from_arrays(X, y, sample_weight=s)``). Checked by
        ``bayesreg.core.stats.check_sample_weight``; constant weights are no weights.

    Returns
    -------
    DenseRows, SparseRows or Statistics
        A ``CenteredProblem``.
    """
    with_intercept = check_bool(fit_intercept, "fit_intercept")
    if isinstance(X, SufficientStats):
        if sample_weight is not None:
            raise DataError(
                "sample_weight cannot be applied to SufficientStats, which hold no rows to "
                f"weight; got sample_weight of type {type(sample_weight).__name__}. Build "
                "the statistics with the weights, SufficientStats.from_arrays(X, y, "
                "sample_weight=s), or pass X and y with sample_weight."
            )
        return _statistics(X, y, with_intercept)
    # A dense X is not copied here (it may be the caller's array: read only); the
    # problem owns the centered (or scaled) copy made below, in one pass, or reads X
    # through a read-only view when there is nothing to center.
    design = as_design_or_sparse(X, copy=False) if allow_sparse else as_design(X, copy=False)
    target = as_target(y, design.shape[0])
    names = tuple(feature_names or feature_names_of(X, design.shape[1]))
    n_samples = design.shape[0]
    raw = check_sample_weight(sample_weight, n_samples)
    weight_sum = None if raw is None else float(raw.sum())
    weights = _normalized(raw, n_samples)
    if weights is not None:
        return _weighted(design, target, with_intercept, names, weights, weight_sum)
    y_mean = float(target.mean()) if with_intercept else 0.0
    target -= y_mean  # as_target returns a fresh copy
    if is_sparse(design):
        x_mean = _sparse_means(design) if with_intercept else np.zeros(design.shape[1])
        xty = np.asarray(design.T @ target)  # Xcᵀyc = Xᵀyc since 1ᵀyc = 0
        return SparseRows(
            n_samples, with_intercept, x_mean, y_mean, xty, float(target @ target), names,
            X=design, y=target, weight_sum=weight_sum,
        )  # fmt: skip
    if not with_intercept and _in_solver_layout(design):
        # nothing to center: the problem reads X itself, through a read-only view
        design, x_mean = _read_only_view(design), np.zeros(design.shape[1])
    else:
        design, x_mean = _owned_centered(
            design,
            (lambda rows: rows.mean(axis=0)) if with_intercept else _no_mean,
        )
    return DenseRows(
        n_samples, with_intercept, x_mean, y_mean, design.T @ target, float(target @ target),
        names, X=design, y=target, weight_sum=weight_sum,
    )  # fmt: skip


def _no_mean(rows: FloatArray) -> FloatArray:
    """``x̄ = 0``: no intercept, no centering."""
    return np.zeros(rows.shape[1])


def _solver_order(shape: tuple[int, ...]) -> Literal["C", "F"]:
    """The memory order the solvers read a dense X in: column-major when n < p (wide
    problems gather columns: working sets, Gram blocks of the support), else C."""
    return "F" if shape[0] < shape[1] else "C"


def _in_solver_layout(design: FloatArray) -> bool:
    """Whether a float64 ``design`` is already contiguous in :func:`_solver_order`."""
    contiguous = design.flags[_solver_order(design.shape)]  # flags["C"]: C-contiguous
    return bool(contiguous) and design.dtype == np.float64


def _read_only_view(design: FloatArray) -> FloatArray:
    """A view of ``design`` that cannot be written through (the caller's array is not
    copied, and no step of a fit can change it)."""
    view = design.view()
    view.flags.writeable = False
    return view


def _owned_centered(
    design: FloatArray, mean_of: Callable[[FloatArray], FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """``(X − 1x̄ᵀ, x̄)`` in one fresh array, ``x̄ = mean_of(X)``; X is only read.

    The copy is C-ordered, or column-major when n < p: the solvers of wide problems gather
    columns (working sets, Gram blocks of the support), contiguous in that layout, and
    writing it here saves a second copy of X. x̄ is always computed from C-ordered numbers
    (a reduction's rounding depends on the memory order), so the same numbers give the
    same result to the bit whatever layout they came in. A C-ordered X is centered into
    the new array in one pass; any other layout is first copied into C order (for x̄) and
    centered there in place, or into the column-major copy.
    """
    order = _solver_order(design.shape)
    source = design if design.flags.c_contiguous else np.array(design, order="C", copy=True)
    x_mean = mean_of(source)
    if source is not design and order == "C":
        source -= x_mean
        return source, x_mean
    centered: FloatArray = np.subtract(source, x_mean, out=np.empty(design.shape, order=order))
    return centered, x_mean


def _normalized(weights: FloatArray | None, n_samples: int) -> FloatArray | None:
    """Checked weights normalized to sum to n, ``s̃ = n·s/Σs``; None when None or constant
    (the weighted objective ``1/(2Σs) Σ s_i r_i²`` is then the unweighted one, computed
    bit for bit the same)."""
    if weights is None or np.all(weights == weights[0]):
        return None
    normalized: FloatArray = weights * (n_samples / float(weights.sum()))
    return normalized


def _weighted(
    design: Any,
    target: FloatArray,
    fit_intercept: bool,
    names: tuple[str, ...],
    weights: FloatArray,
    weight_sum: float | None,
) -> DenseRows | SparseRows:
    """The weighted problem folded into the rows (:func:`least_squares_data`)."""
    n_samples = design.shape[0]
    root = np.sqrt(weights)
    y_mean = float(weights @ target) / n_samples if fit_intercept else 0.0
    scaled_target: FloatArray = root * (target - y_mean)
    yty = float(scaled_target @ scaled_target)
    if is_sparse(design):
        x_mean = (
            np.asarray(design.T @ weights, dtype=np.float64).ravel() / n_samples
            if fit_intercept
            else np.zeros(design.shape[1])
        )
        scaled = (scipy.sparse.diags(root) @ design).asformat(design.format)
        xty = np.asarray(scaled.T @ scaled_target)  # X̃ᵀỹ = X_sᵀỹ since √s̃ᵀỹ = 0
        return SparseRows(
            n_samples, fit_intercept, x_mean, y_mean, xty, yty, names, X=scaled,
            y=scaled_target, sample_weight=weights, weight_sum=weight_sum, row_scale=root,
        )  # fmt: skip
    # X̃ = diag(√s̃)(X − 1x̄ᵀ), scaled in place in the problem's own copy
    design, x_mean = _owned_centered(
        design,
        (lambda rows: (weights @ rows) / n_samples) if fit_intercept else _no_mean,
    )
    design *= root[:, None]
    return DenseRows(
        n_samples, fit_intercept, x_mean, y_mean, design.T @ scaled_target, yty, names,
        X=design, y=scaled_target, sample_weight=weights, weight_sum=weight_sum,
    )  # fmt: skip


def _statistics(stats: SufficientStats, y: Any, fit_intercept: bool) -> Statistics:
    """The statistics as a problem; weighted ones folded with weights summing to m = n."""
    if y is not None:
        raise InputValueError(
            "y must be None when X is a SufficientStats: the statistics already hold the "
            f"target; got y of type {type(y).__name__}. Call f(stats, None, ...)."
        )
    gram, xty, yty = stats.cross_products(fit_intercept=fit_intercept)
    centering = stats.centering(fit_intercept=fit_intercept)
    if stats.weight_sum is not None:
        # s̃ = m·s/W: the cross products of the folded rows are m/W times the weighted ones.
        fold = stats.n_samples / stats.weight_sum
        gram, xty, yty = fold * gram, fold * xty, fold * yty
    return Statistics(
        stats.n_samples, fit_intercept, centering.x_mean, centering.y_mean, xty, yty,
        stats.feature_names, gram_matrix=gram, weight_sum=stats.weight_sum,
    )  # fmt: skip


def target_scale(y: Any, *, fit_intercept: bool) -> float:
    """Root mean square of the target about its mean (about 0 without an intercept).

    ``y`` is the target (array-like) or a :class:`~bayesreg.core.stats.SufficientStats`
    of the data: ``√(||yc||²/n)`` either way (``√(ycᵀSyc/Σs)`` for weighted statistics).
    """
    if isinstance(y, SufficientStats):
        return y.target_scale(fit_intercept=fit_intercept)
    target = np.asarray(y, dtype=np.float64)
    center = float(np.mean(target)) if fit_intercept else 0.0
    return float(np.sqrt(np.mean((target - center) ** 2)))


def _sparse_means(X: Any) -> FloatArray:
    means: FloatArray = np.asarray(X.sum(axis=0), dtype=np.float64).ravel() / X.shape[0]
    return means
