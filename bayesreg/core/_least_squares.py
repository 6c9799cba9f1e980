"""Centered least-squares data in the two forms the active-set solver reads.

The solver needs, for the centered problem ``1/(2n)||y − X w||²``:

* ``c = Xᵀy / n`` and ``yy = yᵀy / n``,
* blocks ``G[rows, cols]`` of the scaled Gram matrix ``G = XᵀX / n``,
* the correlations ``u = Xᵀ(y − X w) / n`` and ``rr = ||y − X w||² / n`` at a sparse ``w``.

:class:`GramData` precomputes ``G`` once (worth it when n ≥ p and many passes are
expected: every later pass costs O(p·k) instead of O(n·p)); :class:`DesignData`
keeps ``X`` and forms Gram blocks of the active columns on demand (n < p, where ``G``
would be p × p, or few passes); :class:`SparseDesignData` does the same for a
scipy.sparse ``X`` that is centered implicitly (``Xc v = X v − 1 x̄ᵀv``,
``Xcᵀ r = Xᵀ r − x̄ 1ᵀr``), so it is never densified. :func:`choose_form` picks between
the dense forms; :mod:`bayesreg.core.data` builds all of them from validated data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import scipy.linalg

from bayesreg.core.types import FloatArray, IndexArray

__all__ = [
    "GRAM_COLUMNS_PER_PASS",
    "DesignData",
    "GramData",
    "LeastSquaresData",
    "SparseDesignData",
    "choose_form",
    "syrk_gram",
]

#: The Gram form is chosen for a dense X when ``p ≤ GRAM_COLUMNS_PER_PASS · passes``
#: (:func:`choose_form`): with one BLAS thread the two forms tie at about 60 (n = 1000,
#: p = 500 to 600, 9 passes; more for larger n, whose passes leave the cache).
GRAM_COLUMNS_PER_PASS = 64


class LeastSquaresData(Protocol):
    """What the active-set solver reads of ``1/(2n)||y − X w||²``."""

    @property
    def xty(self) -> FloatArray:
        """``Xᵀy / n``."""
        ...

    @property
    def yty(self) -> float:
        """``yᵀy / n``."""
        ...

    def gram_block(self, rows: IndexArray, cols: IndexArray) -> FloatArray:
        """``X[:, rows]ᵀ X[:, cols] / n``."""
        ...

    def correlation(self, index: IndexArray, coef: FloatArray) -> tuple[FloatArray, float]:
        """``(Xᵀρ / n, ||ρ||² / n)`` for ``ρ = y − X[:, index] coef``."""
        ...

    def gradient_magnitude(self, index: IndexArray, coef: FloatArray) -> FloatArray:
        """Size of the terms that :meth:`correlation` adds to form each ``u_j`` (≥ 0).

        Its rounding error is about ``eps·√p`` times this (``bayesreg.core._duality``).
        """
        ...


@dataclass(frozen=True)
class GramData:
    """Sufficient statistics ``G = XᵀX/n``, ``c = Xᵀy/n``, ``yy = yᵀy/n``."""

    gram: FloatArray
    xty: FloatArray
    yty: float

    def gram_block(self, rows: IndexArray, cols: IndexArray) -> FloatArray:
        """``G[rows, cols]``."""
        block: FloatArray = self.gram[np.ix_(rows, cols)]
        return block

    def correlation(self, index: IndexArray, coef: FloatArray) -> tuple[FloatArray, float]:
        """``u = c − G[:, A] w_A`` and ``rr = yy − w_Aᵀ(c_A + u_A)``.

        The second follows from ``||y − Xw||² = yᵀy − wᵀXᵀy − wᵀ(Xᵀy − XᵀXw)``. G is
        symmetric, so ``G[:, A] w_A = G[A, :]ᵀ w_A``: the rows of A are gathered
        (contiguous in the row-major G, 2 to 10 times faster than its columns).
        """
        if index.size == 0:
            return self.xty.copy(), self.yty
        if 3 * index.size > self.xty.size:
            # Dense product: cheaper than gathering many rows of G.
            dense = np.zeros(self.xty.size)
            dense[index] = coef
            correlation = self.xty - self.gram @ dense
        else:
            correlation = self.xty - coef @ self.gram[index]
        residual_sq = self.yty - float(coef @ (self.xty[index] + correlation[index]))
        return correlation, max(residual_sq, 0.0)

    def gradient_magnitude(self, index: IndexArray, coef: FloatArray) -> FloatArray:
        """``|c| + |G[:, A]| |w_A|``: the sizes of the two terms of ``u = c − G w``
        (``|G[A, :]|ᵀ|w_A|``, by rows, G being symmetric)."""
        magnitude: FloatArray = np.abs(self.xty) + np.abs(coef) @ np.abs(self.gram[index])
        return magnitude


@dataclass(frozen=True)
class DesignData:
    """The centered design ``X`` (n × p) and target ``y``."""

    X: FloatArray
    y: FloatArray
    xty: FloatArray
    yty: float

    @classmethod
    def from_arrays(cls, X: FloatArray, y: FloatArray) -> DesignData:
        """Keep ``X`` and ``y``; precompute ``Xᵀy/n`` and ``yᵀy/n``."""
        n_samples = X.shape[0]
        return cls(X, y, (X.T @ y) / n_samples, float(y @ y) / n_samples)

    def restrict(self, columns: IndexArray) -> DesignData:
        """The problem on ``X[:, columns]`` (a column-major copy of those columns)."""
        return DesignData(
            np.asfortranarray(self.X[:, columns]), self.y, self.xty[columns], self.yty
        )

    def gram_block(self, rows: IndexArray, cols: IndexArray) -> FloatArray:
        """``X[:, rows]ᵀ X[:, cols] / n`` formed on demand."""
        block: FloatArray = (self.X[:, rows].T @ self.X[:, cols]) / self.X.shape[0]
        return block

    def correlation(self, index: IndexArray, coef: FloatArray) -> tuple[FloatArray, float]:
        """``u = Xᵀρ/n`` and ``rr = ρᵀρ/n`` with ``ρ = y − X_A w_A`` (one pass over X)."""
        residual = self.residual(index, coef)
        return self.correlation_at(residual), float(residual @ residual) / self.X.shape[0]

    def residual(self, index: IndexArray, coef: FloatArray) -> FloatArray:
        """``ρ = y − X_A w_A``."""
        n_features = self.X.shape[1]
        if 4 * index.size > n_features:
            # Dense product: cheaper than gathering many columns of X.
            dense = np.zeros(n_features)
            dense[index] = coef
            residual: FloatArray = self.y - self.X @ dense
        else:
            residual = self.y - self.X[:, index] @ coef if index.size else self.y
        return residual

    def correlation_at(self, residual: FloatArray) -> FloatArray:
        """``Xᵀρ/n`` for a given residual ``ρ`` (one pass over X)."""
        correlation: FloatArray = (self.X.T @ residual) / self.X.shape[0]
        return correlation

    def column_norms(self) -> FloatArray:
        """``||x_j||`` of every column (one pass over X)."""
        norms: FloatArray = np.sqrt(np.einsum("ij,ij->j", self.X, self.X))
        return norms

    def gradient_magnitude(self, index: IndexArray, coef: FloatArray) -> FloatArray:
        """``|X|ᵀ(|y| + |X_A| |w_A|) / n``: the sizes behind ``u = Xᵀ(y − X_A w_A)/n``.

        It bounds ``|c| + |G||w|`` from above (one pass over ``|X|``).
        """
        abs_design = np.abs(self.X)
        fitted = abs_design[:, index] @ np.abs(coef) if index.size else 0.0
        magnitude: FloatArray = abs_design.T @ (np.abs(self.y) + fitted) / self.X.shape[0]
        return magnitude


@dataclass(frozen=True)
class SparseDesignData:
    """A scipy.sparse ``X`` (n × p, not centered), centered ``yc`` and the means ``x̄``.

    Every product goes through ``X`` and the rank-one correction of the centering, so the
    cost of a pass is O(nnz(X) + n + p) and ``X`` is never densified. With observation
    weights ``X`` holds the scaled rows ``diag(√s̃) X`` and ``row_scale = √s̃`` (weights
    normalized to sum to n) takes the place of the ones vector in the centering:
    ``Xc v = X v − √s̃ (x̄ᵀv)``, ``Xcᵀ r = Xᵀ r − x̄ (√s̃ᵀr)``.
    """

    X: Any
    y: FloatArray
    x_mean: FloatArray
    xty: FloatArray
    yty: float
    row_scale: FloatArray | None = field(default=None, kw_only=True)

    def restrict(self, columns: IndexArray) -> SparseDesignData:
        """The problem on the columns ``X[:, columns]`` (still sparse, CSC)."""
        return replace(
            self,
            X=self.X[:, columns].tocsc(),
            x_mean=self.x_mean[columns],
            xty=self.xty[columns],
        )

    def gram_block(self, rows: IndexArray, cols: IndexArray) -> FloatArray:
        """``(X_rowsᵀ X_cols − n x̄_rows x̄_colsᵀ) / n`` (the same with weights: ``Σ s̃ = n``)."""
        n_samples = self.X.shape[0]
        product = np.asarray((self.X[:, rows].T @ self.X[:, cols]).toarray())
        product -= n_samples * np.outer(self.x_mean[rows], self.x_mean[cols])
        block: FloatArray = product / n_samples
        return block

    def correlation(self, index: IndexArray, coef: FloatArray) -> tuple[FloatArray, float]:
        """``u = (Xᵀρ − x̄ 1ᵀρ)/n`` and ``ρᵀρ/n`` with ``ρ = yc − X_A w_A + 1 x̄_Aᵀw_A``.

        (``√s̃`` in place of ``1`` with weights.)
        """
        residual = self.residual(index, coef)
        return self.correlation_at(residual), float(residual @ residual) / self.X.shape[0]

    def residual(self, index: IndexArray, coef: FloatArray) -> FloatArray:
        """``ρ = yc − Xc_A w_A = yc − X_A w_A + 1 x̄_Aᵀw_A`` (``√s̃`` for ``1`` with weights)."""
        if not index.size:
            return self.y
        dense = np.zeros(self.X.shape[1])
        dense[index] = coef
        shift = float(self.x_mean[index] @ coef)
        fitted = np.asarray(self.X @ dense)
        if self.row_scale is None:
            residual: FloatArray = self.y - fitted + shift
        else:
            residual = self.y - fitted + self.row_scale * shift
        return residual

    def correlation_at(self, residual: FloatArray) -> FloatArray:
        """``Xcᵀρ/n = (Xᵀρ − x̄ 1ᵀρ)/n`` for a given residual (``√s̃ᵀρ`` with weights)."""
        scale = self.row_scale
        total = float(residual.sum()) if scale is None else float(scale @ residual)
        correlation: FloatArray = (np.asarray(self.X.T @ residual) - self.x_mean * total) / (
            self.X.shape[0]
        )
        return correlation

    def column_norms(self) -> FloatArray:
        """``||xc_j||`` of the centered columns: ``√(||x_j||² − n x̄_j²)``.

        ``Xc = X − c x̄ᵀ`` with ``cᵀc = n`` and ``cᵀx_j = n x̄_j`` (``c = 1``, or ``√s̃``
        with ``X`` holding the scaled rows), so ``||xc_j||² = ||x_j||² − n x̄_j²``; clipped
        at 0 and raised by ``32·eps·||x_j||²`` so that rounding (of a difference of terms
        each at most ``||x_j||²``) cannot make it an underestimate.
        """
        squares = np.asarray(self.X.multiply(self.X).sum(axis=0)).ravel()
        centered = np.maximum(squares - self.X.shape[0] * self.x_mean**2, 0.0)
        centered += 32.0 * np.finfo(float).eps * squares
        norms: FloatArray = np.sqrt(centered)
        return norms

    def gradient_magnitude(self, index: IndexArray, coef: FloatArray) -> FloatArray:
        """An upper bound on ``|Xc|ᵀ(|yc| + |Xc_A||w_A|)/n`` from ``|Xc_ij| ≤ |X_ij| + c_i|x̄_j|``.

        ``|Xc|ᵀv ≤ |X|ᵀv + |x̄| cᵀv`` and ``|Xc_A||w_A| ≤ |X_A||w_A| + c |x̄_A|ᵀ|w_A|``, with
        ``c = 1`` (``c = √s̃`` with weights).
        """
        abs_design = abs(self.X)
        weights = np.abs(self.y)
        scale = 1.0 if self.row_scale is None else self.row_scale
        if index.size:
            dense = np.zeros(self.X.shape[1])
            dense[index] = np.abs(coef)
            shift = float(dense @ np.abs(self.x_mean))
            weights = weights + np.asarray(abs_design @ dense) + scale * shift
        total = float(weights.sum()) if self.row_scale is None else float(self.row_scale @ weights)
        magnitude = np.asarray(abs_design.T @ weights) + np.abs(self.x_mean) * total
        scaled: FloatArray = magnitude / self.X.shape[0]
        return scaled


def choose_form(data: DesignData, expected_passes: int) -> GramData | DesignData:
    """The cheaper form for about ``expected_passes`` passes over all features.

    A pass costs 2·n·p (two matrix-vector products) in the design form, plus the Gram
    blocks of the entering columns (n·k² over the fit), and p·k in the Gram form, which
    costs n·p²/2 once, in a matrix-matrix product (syrk) that runs about 10 times faster
    per flop with one BLAS thread, and more once X outgrows the cache: the Gram form
    pays when n ≥ p and p ≤ ``GRAM_COLUMNS_PER_PASS`` · passes.
    """
    n_samples, n_features = data.X.shape
    if n_samples < n_features or n_features > GRAM_COLUMNS_PER_PASS * expected_passes:
        # Column-major storage: gathering the active columns copies contiguous blocks.
        return replace(data, X=np.asfortranarray(data.X))
    return GramData(syrk_gram(data.X, 1.0 / n_samples), data.xty, data.yty)


def syrk_gram(design: FloatArray, scale: float = 1.0) -> FloatArray:
    """``scale · designᵀ design``, exactly symmetric, by BLAS ``syrk`` (half the flops).

    syrk writes the upper triangle ``U`` (diagonal included) of the product into a zeroed
    array and leaves the strict lower triangle 0, so ``U + Uᵀ`` is the full matrix off
    the diagonal (each entry is one entry of U plus an exact 0) and twice it on the
    diagonal, which is then put back: two elementwise passes over p², no masks. The
    design is read in its own memory order (``trans`` picks ``AᵀA`` for a column-major
    ``A``, ``(Aᵀ)(Aᵀ)ᵀ`` for a row-major one), never copied.
    """
    n_features = design.shape[1]
    zeros = np.zeros((n_features, n_features), order="F")
    if design.flags.f_contiguous:
        upper = scipy.linalg.blas.dsyrk(scale, design, c=zeros, trans=1, lower=0, overwrite_c=1)
    else:
        upper = scipy.linalg.blas.dsyrk(scale, design.T, c=zeros, trans=0, lower=0, overwrite_c=1)
    diagonal = upper.diagonal().copy()
    gram: FloatArray = upper + upper.T
    np.fill_diagonal(gram, diagonal)
    return gram
