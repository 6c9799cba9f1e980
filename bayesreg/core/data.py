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
  ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc`` without rows.

Whether the data are rows or statistics is decided here and nowhere else: callers ask
the object (``kind``, ``has_rows``, :meth:`~CenteredProblem.solver_form`), never its
type. The ridge factorizations of the Gram (or kernel) matrix, with the Jacobi scaling,
are in :mod:`bayesreg.core._ridge_linalg` (:func:`~bayesreg.core._ridge_linalg.jacobi_cholesky`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

import numpy as np
import scipy.linalg

from bayesreg.core._least_squares import (
    DesignData,
    GramData,
    LeastSquaresData,
    SparseDesignData,
    choose_form,
)
from bayesreg.core.stats import SufficientStats
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
        """Degrees of freedom of the Gaussian likelihood: n − 1 with an intercept, else n."""
        ...

    @property
    def target_scale(self) -> float:
        """``√(||yc||²/n)``."""
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

    @property
    def n_features(self) -> int:
        """Number of columns p."""
        return int(self.x_mean.shape[0])

    @property
    def dof(self) -> int:
        """Degrees of freedom of the Gaussian likelihood: n − 1 with an intercept, else n."""
        return self.n_samples - 1 if self.fit_intercept else self.n_samples

    @property
    def target_scale(self) -> float:
        """Root mean square of y about ȳ (about 0 without an intercept): ``√(||yc||²/n)``."""
        return float(np.sqrt(self.yty / self.n_samples))

    def intercept(self, coef: FloatArray) -> float:
        """``w0 = ȳ − x̄ᵀw`` (0 without an intercept)."""
        return float(self.y_mean - self.x_mean @ coef)

    def intercepts(self, coefs: FloatArray) -> FloatArray:
        """``ȳ − coefs @ x̄`` for each row of ``coefs``."""
        values: FloatArray = self.y_mean - coefs @ self.x_mean
        return values


@dataclass(frozen=True)
class DenseRows(_Means):
    """A dense centered design ``Xc`` (n × p, owned) and target ``yc``."""

    X: FloatArray = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    y: FloatArray = field(default_factory=lambda: np.empty(0), repr=False)

    has_rows: ClassVar[bool] = True
    kind: ClassVar[DataKind] = "dense"

    def gram(self, columns: IndexArray | None = None) -> FloatArray:
        """``XcᵀXc`` by BLAS ``syrk`` (upper triangle mirrored), or of ``columns``."""
        design = self.X if columns is None else self.X[:, columns]
        return _syrk(design)

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
        """:func:`~bayesreg.core._least_squares.choose_form` on the centered rows."""
        return choose_form(self.certificate_form(), expected_passes)

    def certificate_form(self) -> DesignData:
        """The centered rows with ``Xcᵀyc/n`` and ``||yc||²/n`` (no copy)."""
        return DesignData(self.X, self.y, self.xty / self.n_samples, self.yty / self.n_samples)


@dataclass(frozen=True)
class SparseRows(_Means):
    """A scipy.sparse CSR/CSC design ``X`` (not centered, not copied) and ``yc``.

    The centering is implicit (module docstring).
    """

    X: Any = field(default=None, repr=False)
    y: FloatArray = field(default_factory=lambda: np.empty(0), repr=False)

    has_rows: ClassVar[bool] = True
    kind: ClassVar[DataKind] = "sparse"

    def gram(self, columns: IndexArray | None = None) -> FloatArray:
        """``X_Aᵀ X_A − n x̄_A x̄_Aᵀ`` for ``A = columns`` (all columns when None)."""
        block = self.X if columns is None else self.X[:, columns]
        means = self.x_mean if columns is None else self.x_mean[columns]
        product = np.asarray((block.T @ block).toarray())
        centered: FloatArray = product - self.n_samples * np.outer(means, means)
        return centered

    def matvec(self, coef: FloatArray) -> FloatArray:
        """``X v − 1 (x̄ᵀv)``."""
        values: FloatArray = np.asarray(self.X @ coef) - float(self.x_mean @ coef)
        return values

    def rmatvec(self, residual: FloatArray) -> FloatArray:
        """``Xᵀ r − x̄ (1ᵀr)``."""
        values: FloatArray = np.asarray(self.X.T @ residual) - self.x_mean * float(residual.sum())
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

        Made only when ``n·p ≤`` :data:`DENSE_COPY_LIMIT`; a larger X is refused with a
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
            dense -= self.x_mean
        return DenseRows(
            n_samples, self.fit_intercept, self.x_mean, self.y_mean, self.xty, self.yty,
            self.feature_names, X=dense, y=self.y,
        )  # fmt: skip

    def solver_form(self, expected_passes: int) -> LeastSquaresData:
        """The Gram form when ``n ≥ p`` and ``p ≤ 8·passes``, else the implicit design form."""
        n_samples, n_features = self.n_samples, self.n_features
        xty, yty = self.xty / n_samples, self.yty / n_samples
        if n_samples >= n_features and n_features <= 8 * expected_passes:
            return GramData(self.gram() / n_samples, xty, yty)
        return SparseDesignData(self.X, self.y, self.x_mean, xty, yty)

    def certificate_form(self) -> SparseDesignData:
        """The implicitly centered sparse rows, scaled by ``1/n``."""
        n = self.n_samples
        return SparseDesignData(self.X, self.y, self.x_mean, self.xty / n, self.yty / n)


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
) -> DenseRows | SparseRows | Statistics:
    """Validate ``(X, y)`` once and return the centered data in the form they come in.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n, p), scipy.sparse CSR/CSC matrix, or SufficientStats
        A dense ``X`` is copied to float64 once and centered in place; a sparse one is
        kept as it is (copied only to convert its values to float64); statistics are
        read (then ``y`` must be None).
    y : array-like of shape (n,), or None with SufficientStats
    fit_intercept : bool
        Center (profile out the flat intercept); otherwise ``x̄ = 0``, ``ȳ = 0``.
    allow_sparse : bool, default True
        False for callers that need dense rows: a sparse ``X`` then raises
        :class:`~bayesreg.errors.InputTypeError` naming the parameter.
    feature_names : sequence of str, optional
        Overrides the names taken from a DataFrame (``x0, x1, ...`` otherwise).

    Returns
    -------
    DenseRows, SparseRows or Statistics
        A :class:`CenteredProblem`.
    """
    with_intercept = check_bool(fit_intercept, "fit_intercept")
    if isinstance(X, SufficientStats):
        return _statistics(X, y, with_intercept)
    design = as_design_or_sparse(X) if allow_sparse else as_design(X)
    target = as_target(y, design.shape[0])
    names = tuple(feature_names or feature_names_of(X, design.shape[1]))
    n_samples = design.shape[0]
    y_mean = float(target.mean()) if with_intercept else 0.0
    target -= y_mean  # as_target returns a fresh copy
    if is_sparse(design):
        x_mean = _sparse_means(design) if with_intercept else np.zeros(design.shape[1])
        xty = np.asarray(design.T @ target)  # Xcᵀyc = Xᵀyc since 1ᵀyc = 0
        return SparseRows(
            n_samples, with_intercept, x_mean, y_mean, xty, float(target @ target), names,
            X=design, y=target,
        )  # fmt: skip
    x_mean = design.mean(axis=0) if with_intercept else np.zeros(design.shape[1])
    if with_intercept:
        design -= x_mean  # as_design returns a fresh copy
    return DenseRows(
        n_samples, with_intercept, x_mean, y_mean, design.T @ target, float(target @ target),
        names, X=design, y=target,
    )  # fmt: skip


def _statistics(stats: SufficientStats, y: Any, fit_intercept: bool) -> Statistics:
    if y is not None:
        raise InputValueError(
            "y must be None when X is a SufficientStats: the statistics already hold the "
            f"target; got y of type {type(y).__name__}. Call f(stats, None, ...)."
        )
    gram, xty, yty = stats.cross_products(fit_intercept=fit_intercept)
    centering = stats.centering(fit_intercept=fit_intercept)
    return Statistics(
        stats.n_samples, fit_intercept, centering.x_mean, centering.y_mean, xty, yty,
        stats.feature_names, gram_matrix=gram,
    )  # fmt: skip


def target_scale(y: Any, *, fit_intercept: bool) -> float:
    """Root mean square of the target about its mean (about 0 without an intercept).

    ``y`` is the target (array-like) or a :class:`~bayesreg.core.stats.SufficientStats`
    of the data: ``√(||yc||²/n)`` either way.
    """
    if isinstance(y, SufficientStats):
        return y.target_scale(fit_intercept=fit_intercept)
    target = np.asarray(y, dtype=np.float64)
    center = float(np.mean(target)) if fit_intercept else 0.0
    return float(np.sqrt(np.mean((target - center) ** 2)))


def _sparse_means(X: Any) -> FloatArray:
    means: FloatArray = np.asarray(X.sum(axis=0), dtype=np.float64).ravel() / X.shape[0]
    return means


#: Below this many columns ``XᵀX`` is one GEMM: syrk's halved flops do not pay for the
#: extra pass that mirrors its triangle.
_SYRK_MIN_FEATURES = 32


def _syrk(design: FloatArray) -> FloatArray:
    """``designᵀ design``, exactly symmetric: from the upper triangle BLAS ``syrk`` forms
    (half the flops) for wide designs, by one product (symmetrized) for narrow ones."""
    if design.shape[1] < _SYRK_MIN_FEATURES:
        product = design.T @ design
        small: FloatArray = 0.5 * (product + product.T)
        return small
    upper = scipy.linalg.blas.dsyrk(1.0, design.T, trans=0, lower=0)
    gram: FloatArray = np.triu(upper) + np.triu(upper, 1).T
    return gram
