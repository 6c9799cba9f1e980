"""Sufficient statistics of the Gaussian linear model, gathered block by block.

For data ``(X, y)`` with n rows, write ``x̄ = Xᵀ1/n``, ``ȳ = yᵀ1/n``, ``Xc = X − 1x̄ᵀ``,
``yc = y − ȳ1``. Because ``Σ_i xc_i = 0`` and ``Σ_i yc_i = 0``, for every ``(w, w0)``

    ||y − w0 − X w||² = ycᵀyc − 2 wᵀXcᵀyc + wᵀXcᵀXc w + n (ȳ − w0 − x̄ᵀw)²,

so the Gaussian likelihood — and with it every penalized least-squares fit, the
conjugate posterior, the Gibbs samplers and the ridge evidence — depends on the data
only through ``n, x̄, ȳ, G = XcᵀXc, c = Xcᵀyc, s = ycᵀyc``: O(p²) numbers, whatever n is.

**Numerics.** The statistics are kept as *centered* co-moments and never formed from raw
sums: ``XᵀX − n x̄x̄ᵀ`` subtracts two numbers of size ``n·x̄²`` to get one of size
``n·var(x)``, which loses every digit once ``|x̄|/sd(x)`` approaches ``1/√eps ≈ 7e7``.
Each block is first shifted by a reference row ``(x_r, y_r)`` — the statistics do not
change under a shift, only the means move back at the end — then centered by the means of
the shifted values and multiplied (two passes over the block). ``x − x_r`` is exact for
``x`` within a factor 2 of ``x_r`` (Sterbenz's lemma), so the means and the centered values
carry errors of about ``eps·sd(x)`` instead of ``eps·|x̄|``. Two blocks A and B are merged
by the update of Chan, Golub & LeVeque (1983), with ``δ = x̄_B − x̄_A``,
``ε = ȳ_B − ȳ_A`` and ``n = n_A + n_B``::

    x̄ = x̄_A + (n_B/n) δ          G = G_A + G_B + (n_A n_B/n) δ δᵀ
    ȳ = ȳ_A + (n_B/n) ε          c = c_A + c_B + (n_A n_B/n) δ ε
                                  s = s_A + s_B + (n_A n_B/n) ε²

which adds only non-cancelling terms (the correction is a small outer product).
:meth:`SufficientStats.from_chunks` and :meth:`SufficientStats.from_dask` use the first
row of the data as the one reference for every block, so the block means, and the ``δ``
of every merge, are small numbers known to ``eps·sd(x)``; they merge in a balanced binary
tree (a stack of O(log k) partial results for k blocks), so rounding grows like
``log k``. The result matches the two-pass computation on the whole data to working
precision even when ``|x̄| ≫ sd(x)``.

Without an intercept the uncentered moments follow without loss:
``XᵀX = G + n x̄x̄ᵀ``, ``Xᵀy = c + n x̄ȳ``, ``yᵀy = s + n ȳ²``.

**Observation weights.** With weights ``s_i ≥ 0`` and ``W = Σ_i s_i`` the same identity
holds for the weighted sum of squares, with the weighted means ``x̄ = Σ_i s_i x_i/W``,
``ȳ = Σ_i s_i y_i/W`` and ``S = diag(s)``::

    Σ_i s_i (y_i − w0 − x_iᵀw)² = ycᵀSyc − 2 wᵀXcᵀSyc + wᵀXcᵀSXc w + W (ȳ − w0 − x̄ᵀw)²,

so the weighted statistics are ``W, x̄, ȳ, G = XcᵀSXc, c = XcᵀSyc, s = ycᵀSyc``: W takes
the place of n in every formula above (the merge, the uncentered moments), and every
solver divides by W where it divided by n, which gives the weighted objective
``1/(2W) Σ_i s_i (y_i − w0 − x_iᵀw)²`` of ``sample_weight`` exactly. A block is
centered by its weighted means and its rows multiplied by ``√s_i`` before the product.
A zero weight removes its row: such rows are dropped before anything is computed, and
``n_samples`` counts the rows with ``s_i > 0`` (``weight_sum`` holds W; the raw weights
are kept, not normalized, as the posterior reads them: the noise of row i is
``σ/√s_i``).

**Possible statistics.** ``G, c, s`` are the Gram matrix of the columns of ``[Xc, yc]``,
so the joint matrix ``M = [[G, c], [cᵀ, s]]`` is positive semi-definite: G is, every
``|c_j|² ≤ G_jj·s`` (Cauchy–Schwarz), and the least residual sum of squares
``min_w ||yc − Xc w||² = s − cᵀG⁺c`` is ≥ 0. Statistics that break this describe no data
(the solvers would certify wrong answers, the samplers draw σ = 0), so every
:class:`SufficientStats` is checked once, when it is constructed: with
``D = diag(M)``, the scaled matrix ``C = D^(-1/2) M D^(-1/2)`` (unit diagonal) must have
``λ_min(C) ≥ −(p + 1)(n + p + 1)·eps``. Each computed entry of ``M`` is an inner product
of n terms, in error by at most ``n·eps·||z_j||·||z_k||`` (recursive summation; the
merges add ``eps`` per level, the centering moves the data, not the product), which is
``n·eps`` on the scale of C; ``||ΔC||₂ ≤ (p + 1)·n·eps`` then bounds how far rounding
moves the smallest eigenvalue, and ``(p + 1)²·eps`` covers the factorization that checks
it. The test is one Cholesky factorization of ``C + 2·tolerance·I`` (an eigenvalue
decomposition, for the message, only when it fails).

:meth:`SufficientStats.from_arrays`, :meth:`~SufficientStats.from_chunks` and
:meth:`~SufficientStats.from_dask` accumulate unchecked block moments
(:class:`BlockMoments`) and construct the statistics, and so check them, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeGuard

import numpy as np
import scipy.linalg

from bayesreg.core._least_squares import GramData, syrk_gram
from bayesreg.core.types import EPS, FloatArray, frozen_array
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.validation import (
    as_coef,
    as_design,
    as_target,
    check_bool,
    check_finite,
    check_positive_int,
    feature_names_of,
    nonnegative_entries,
)

__all__ = [
    "BlockMoments",
    "Centering",
    "SufficientStats",
    "check_block_weights",
    "check_sample_weight",
    "is_sufficient_stats",
    "merge_moments",
    "shifted_block_moments",
    "symmetric_gram",
]


#: A supplied Gram matrix may be asymmetric by at most this fraction of its largest entry.
_SYMMETRY_RTOL = 1e-12

#: Below this many columns ``XᵀX`` is one GEMM: syrk's halved flops do not pay for the
#: extra pass that mirrors its triangle.
_SYRK_MIN_FEATURES = 32


@dataclass(frozen=True)
class Centering:
    """The means that give the intercept of a fit made from centered statistics.

    ``w0 = ȳ − x̄ᵀw`` with an intercept; ``x̄ = 0``, ``ȳ = 0`` (so ``w0 = 0``) without.
    """

    x_mean: FloatArray
    y_mean: float

    def intercept(self, coef: FloatArray) -> float:
        """``w0 = ȳ − x̄ᵀ w``."""
        return float(self.y_mean - self.x_mean @ coef)


@dataclass(frozen=True, eq=False, repr=False)
class _Moments:
    """``n, x̄, ȳ, G = XcᵀSXc, c = XcᵀSyc, s = ycᵀSyc`` and ``W = Σs`` (module docstring).

    Unweighted (``weight_sum`` None): ``S = I`` and ``W = n``.
    """

    n_samples: int
    x_mean: FloatArray
    y_mean: float
    gram: FloatArray
    xty: FloatArray
    yty: float
    weight_sum: float | None = field(default=None, kw_only=True)

    @property
    def total_weight(self) -> float:
        """``W = Σ_i s_i``, the n of every formula: ``n_samples`` without weights."""
        return float(self.n_samples) if self.weight_sum is None else self.weight_sum


@dataclass(frozen=True, eq=False, repr=False)
class SufficientStats(_Moments):
    """``n, x̄, ȳ, XcᵀXc, Xcᵀyc, ycᵀyc``: all the Gaussian likelihood needs of ``(X, y)``.

    Pass an instance in place of ``X`` (with ``y=None``) to ``ridge``, ``ridge_path``,
    ``lasso``, ``elastic_net``, ``lasso_path``, ``alpha_max``, ``sample_posterior``
    (``method="exact"``, ``"gibbs"`` or ``"nuts"``, Gaussian likelihood),
    ``empirical_bayes`` and ``build_model``. Build it with :meth:`from_arrays`,
    :meth:`from_chunks` (a stream of blocks, never held whole) or :meth:`from_dask`;
    combine two with :meth:`merge`. The module docstring states the identity and the
    numerics.

    With observation weights ``s_i`` (``sample_weight=`` of the constructors) the
    statistics are the weighted ones, ``x̄ = Σ s_i x_i/W``, ``XcᵀSXc``, ``XcᵀSyc``,
    ``ycᵀSyc`` with ``W = Σs`` (``weight_sum``), and the penalized solvers given them fit
    ``1/(2W) Σ_i s_i (y_i − w0 − x_iᵀw)² + penalty``: the fit of the rows with
    ``sample_weight=s``. As for weighted rows (docs: conventions, observation weights),
    ``W`` (``total_weight``) is the n of every alpha conversion
    (``prior.penalty(n=W, σ)``), while ``n_samples`` counts the rows of positive weight,
    which the noise's degrees of freedom count (``n_samples − 1`` with an intercept).
    Only the penalized solvers (``ridge``, ``ridge_path``, ``lasso``, ``elastic_net``,
    ``lasso_path``, ``alpha_max``) take weighted statistics.

    Attributes
    ----------
    n_samples : int
        Number of rows n ≥ 1; with weights, of the rows with ``s_i > 0`` (the degrees of
        freedom of the noise count these: n − 1 with an intercept).
    x_mean : ndarray of shape (p,)
        Column means ``x̄`` (weighted: ``Σ s_i x_i/W``).
    y_mean : float
        Mean of the target ``ȳ`` (weighted: ``Σ s_i y_i/W``).
    gram : ndarray of shape (p, p)
        Centered Gram matrix ``XcᵀXc`` (weighted: ``XcᵀSXc``; symmetric, positive
        semi-definite).
    xty : ndarray of shape (p,)
        Centered cross products ``Xcᵀyc`` (weighted: ``XcᵀSyc``).
    yty : float
        Centered sum of squares ``ycᵀyc`` (weighted: ``ycᵀSyc``).
    feature_names : tuple of str
        Column names (``x0, x1, ...`` unless given).
    weight_sum : float or None
        ``W = Σ_i s_i`` of weighted statistics, the n every solver divides by
        (``total_weight``); None without weights (then W = n). Keyword only.

    Raises
    ------
    DataError
        When constructed (by any route) from statistics that no rows can have: ``gram``
        not positive semi-definite, ``xty`` breaking Cauchy–Schwarz
        (``|xty_j|² ≤ gram_jj·yty``), or a negative least residual sum of squares
        ``yty − xtyᵀ gram⁺ xty``; that is, ``[[gram, xty], [xtyᵀ, yty]]`` not positive
        semi-definite beyond the rounding of honest sums (module docstring). The message
        names the condition and how far off it is.
    InputValueError
        For a non-finite ``yty``, ``y_mean`` or ``weight_sum``, or ``weight_sum ≤ 0``.

    Examples
    --------
    The statistics stand in for the rows in the Gaussian solvers:

    >>> import numpy as np
    >>> from bayesreg import lasso
    >>> from bayesreg.core import SufficientStats
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> stats = SufficientStats.from_arrays(X, y)
    >>> stats.n_samples, stats.n_features, stats.gram.shape
    (442, 10, (10, 10))
    >>> bool(np.allclose(lasso(stats, None, 0.5).coef, lasso(X, y, 0.5).coef))
    True

    A stream of row blocks, or two halves merged, gives the same statistics:

    >>> blocks = ((X[i : i + 100], y[i : i + 100]) for i in range(0, 442, 100))
    >>> streamed = SufficientStats.from_chunks(blocks)
    >>> merged = SufficientStats.from_arrays(X[:200], y[:200]).merge(
    ...     SufficientStats.from_arrays(X[200:], y[200:])
    ... )
    >>> bool(np.allclose(streamed.gram, stats.gram)), bool(np.allclose(merged.xty, stats.xty))
    (True, True)
    """

    feature_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n_samples = check_positive_int(self.n_samples, "n_samples")
        gram = as_design(self.gram, "gram")
        n_features = gram.shape[1]
        if gram.shape[0] != n_features:
            raise DataError(f"gram must be square (p, p); got shape {gram.shape}.")
        asymmetry = float(np.max(np.abs(gram - gram.T)))
        if asymmetry > _SYMMETRY_RTOL * float(np.max(np.abs(gram))):
            raise DataError(
                f"gram must be symmetric (it is XcᵀXc); its largest asymmetry is {asymmetry:.3g}."
            )
        yty = check_finite(self.yty, "yty")
        if yty < 0.0 or np.any(np.diag(gram) < 0.0):
            raise DataError(
                "yty and the diagonal of gram are sums of squares and must be ≥ 0; got "
                f"yty={yty!r} and min diag(gram)={float(np.min(np.diag(gram)))!r}."
            )
        gram = 0.5 * (gram + gram.T)
        xty = as_coef(self.xty, n_features, "xty")
        _check_possible(n_samples, gram, xty, yty)
        object.__setattr__(self, "n_samples", n_samples)
        object.__setattr__(self, "gram", frozen_array(gram))
        object.__setattr__(self, "x_mean", frozen_array(as_coef(self.x_mean, n_features, "x_mean")))
        object.__setattr__(self, "xty", frozen_array(xty))
        object.__setattr__(self, "y_mean", check_finite(self.y_mean, "y_mean"))
        object.__setattr__(self, "yty", yty)
        object.__setattr__(self, "weight_sum", _check_weight_sum(self.weight_sum))
        names = self.feature_names or feature_names_of(None, n_features)
        object.__setattr__(self, "feature_names", _check_names(names, n_features))

    def __repr__(self) -> str:
        weights = "" if self.weight_sum is None else f", weight_sum={self.weight_sum!r}"
        return (
            f"SufficientStats(n_samples={self.n_samples}, n_features={self.n_features}"
            f"{weights}, feature_names={self.feature_names!r})"
        )

    @property
    def n_features(self) -> int:
        """Number of columns p."""
        return int(self.x_mean.shape[0])

    @classmethod
    def from_arrays(
        cls,
        X: Any,
        y: Any,
        *,
        sample_weight: Any = None,
        feature_names: Sequence[str] | None = None,
    ) -> SufficientStats:
        """The statistics of in-memory data: shift by the first row, center, multiply.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n, p)
            DataFrame column names become ``feature_names``.
        y : array-like of shape (n,)
        sample_weight : array-like of shape (n,), optional
            Observation weights ``s_i ≥ 0``, finite, not all 0: the weighted statistics
            (module docstring; rows of weight 0 are dropped).
        feature_names : sequence of str, optional
            Overrides the names taken from ``X``.

        Raises
        ------
        DataError
            For ``sample_weight`` that is not one finite number ≥ 0 per row with a
            positive sum.
        """
        design = as_design(X)
        target = as_target(y, design.shape[0])
        weights = check_sample_weight(sample_weight, design.shape[0])
        names = feature_names_of(X, design.shape[1]) if feature_names is None else feature_names
        shift = (design[0].copy(), float(target[0]))
        moments = shifted_block_moments(design, target, shift, weights)
        assert moments is not None, "check_sample_weight leaves a row of positive weight"
        return moments.unshift(*shift).statistics(_check_names(names, design.shape[1]))

    @classmethod
    def from_chunks(
        cls, blocks: Iterable[Any], *, feature_names: Sequence[str] | None = None
    ) -> SufficientStats:
        """The statistics of a stream of row blocks ``(X_k, y_k)``, consumed once.

        Each block (any number of rows ≥ 1, the same columns) is reduced to its centered
        statistics and merged into the result by the pairwise update (module docstring),
        in a balanced tree, so memory stays O(p² log k) for k blocks and the whole data
        set is never held.

        Parameters
        ----------
        blocks : iterable of (X_k, y_k) or (X_k, y_k, s_k)
            E.g. a generator reading a file chunk by chunk. ``X_k`` is (n_k, p), ``y_k``
            is (n_k,); DataFrame blocks must share their column names. A third entry
            ``s_k`` of shape (n_k,) holds the observation weights of the block's rows
            (finite, ≥ 0; a block may have all weights 0): the result is the weighted
            statistics (module docstring), where a block without weights has weights 1.
        feature_names : sequence of str, optional
            Overrides the column names of the first block.

        Raises
        ------
        DataError
            For an empty stream, or a block with non-finite values, a different number or
            naming of columns, a target or weights that do not match its rows, or
            weights that are negative or not finite; the message names the block's index
            (counted from 0). Also when every weight of the stream is 0.
        """
        if isinstance(blocks, str | bytes) or not isinstance(blocks, Iterable):
            raise InputTypeError(
                "blocks must be an iterable of (X, y) pairs or (X, y, sample_weight) "
                f"triples; got {type(blocks).__name__}."
            )
        # Binary counter: the partial result of level ℓ summarizes 2^ℓ blocks.
        pending: list[tuple[int, BlockMoments]] = []
        columns = _Columns()
        shift: tuple[FloatArray, float] | None = None
        for index, block in enumerate(blocks):
            X_block, y_block, s_block = _unpack(block, index)
            design = as_design(X_block, f"X of block {index}")
            columns.check(X_block, design.shape[1], index)
            target = as_target(y_block, design.shape[0], f"y of block {index}")
            weights = check_block_weights(
                s_block, design.shape[0], f"sample_weight of block {index}"
            )
            if shift is None:
                shift = (design[0].copy(), float(target[0]))
            merged, level = shifted_block_moments(design, target, shift, weights), 0
            if merged is None:
                continue
            while pending and pending[-1][0] == level:
                merged = pending.pop()[1].merge(merged)
                level += 1
            pending.append((level, merged))
        if columns.names is None or shift is None:
            raise DataError("blocks is empty; at least one block (X, y) with a row is needed.")
        if not pending:
            raise DataError(
                "every observation weight of the blocks is 0; at least one row must have a "
                "positive weight (a zero weight drops its row)."
            )
        result = pending.pop()[1]
        while pending:
            result = pending.pop()[1].merge(result)
        chosen = columns.names if feature_names is None else feature_names
        return result.unshift(*shift).statistics(_check_names(chosen, len(columns.names)))

    @classmethod
    def from_dask(
        cls,
        X: Any,
        y: Any,
        *,
        sample_weight: Any = None,
        feature_names: Sequence[str] | None = None,
    ) -> SufficientStats:
        """The statistics of Dask arrays: one task per row block, merged in a tree.

        Needs the optional dependency ``dask`` (``pip install 'bayesreg[dask]'``). ``X``
        is rechunked to hold all columns in each block and ``y`` (and ``sample_weight``)
        to X's row blocks; each block's centered statistics are computed by its own task
        and merged pairwise (module docstring) under the scheduler in effect
        (``dask.config.set``).

        Parameters
        ----------
        X : dask.array.Array or dask.dataframe.DataFrame of shape (n, p)
            DataFrame column names become ``feature_names``.
        y : dask.array.Array, dask.dataframe.Series or array-like of shape (n,)
        sample_weight : dask.array.Array, dask.dataframe.Series or array-like, optional
            Observation weights ``s_i ≥ 0``, shape (n,), finite, not all 0: the weighted statistics.
        feature_names : sequence of str, optional
        """
        from bayesreg.core._stats_dask import dask_block_stats

        moments, frame_names = dask_block_stats(X, y, sample_weight)
        names = feature_names if feature_names is not None else frame_names
        n_features = moments.x_mean.shape[0]
        return moments.statistics(None if names is None else _check_names(names, n_features))

    def merge(self, other: SufficientStats) -> SufficientStats:
        """The statistics of the rows of both (Chan, Golub & LeVeque's pairwise update).

        Associative and commutative up to rounding: any order of merging the same blocks
        gives the same statistics to working precision. Unweighted statistics merge with
        weighted ones as rows of weight 1.
        """
        if not isinstance(other, SufficientStats):
            raise InputTypeError(f"other must be a SufficientStats; got {type(other).__name__}.")
        if other.feature_names != self.feature_names:
            raise DataError(
                f"cannot merge statistics of different features: {self.feature_names!r} and "
                f"{other.feature_names!r}."
            )
        merged = BlockMoments.of(self).merge(BlockMoments.of(other))
        return merged.statistics(self.feature_names)

    def unshift(self, x_shift: FloatArray, y_shift: float) -> SufficientStats:
        """The statistics of ``(X + 1 x_shiftᵀ, y + y_shift)``: only the means move."""
        moments = BlockMoments.of(self).unshift(x_shift, y_shift)
        return moments.statistics(self.feature_names)

    def cross_products(self, *, fit_intercept: bool = True) -> tuple[FloatArray, FloatArray, float]:
        """``(XᵀX, Xᵀy, yᵀy)`` of the problem with or without an intercept.

        With an intercept: the centered ``(XcᵀXc, Xcᵀyc, ycᵀyc)``. Without: the raw
        moments ``(G + W x̄x̄ᵀ, c + W x̄ȳ, s + W ȳ²)`` (``W = n`` unweighted; weighted
        they are ``XᵀSX``, ``XᵀSy``, ``yᵀSy``). Fresh arrays.
        """
        if check_bool(fit_intercept, "fit_intercept"):
            return self.gram.copy(), self.xty.copy(), self.yty
        total = self.total_weight
        return (
            self.gram + total * np.outer(self.x_mean, self.x_mean),
            self.xty + total * self.y_mean * self.x_mean,
            self.yty + total * self.y_mean**2,
        )

    def centering(self, *, fit_intercept: bool = True) -> Centering:
        """The means of :meth:`cross_products` (zeros without an intercept)."""
        if check_bool(fit_intercept, "fit_intercept"):
            return Centering(self.x_mean.copy(), self.y_mean)
        return Centering(np.zeros(self.n_features), 0.0)

    def gram_problem(self, *, fit_intercept: bool = True) -> tuple[GramData, Centering]:
        """The scaled ``(XᵀX/W, Xᵀy/W, yᵀy/W)`` the active-set solver reads, and the means.

        ``W = n`` unweighted, ``Σs`` weighted (module docstring).
        """
        gram, xty, yty = self.cross_products(fit_intercept=fit_intercept)
        total = self.total_weight
        scaled = GramData(gram / total, xty / total, yty / total)
        return scaled, self.centering(fit_intercept=fit_intercept)

    def target_scale(self, *, fit_intercept: bool = True) -> float:
        """Root mean square of y about ȳ (about 0 without an intercept): ``√(ycᵀyc/n)``.

        With observation weights ``√(Σ s_i (y_i − ȳ_s)²/m)``, m the rows with ``s_i > 0``
        (``n_samples``): the maximum-likelihood noise of the weighted model with w = 0
        (row i of noise ``σ/√s_i``), as the rows give it.
        """
        return float(np.sqrt(self.cross_products(fit_intercept=fit_intercept)[2] / self.n_samples))

    def residual_sum_of_squares(self, coef: Any, intercept: float = 0.0) -> float:
        """``||y − w0 − X w||² = s − 2wᵀc + wᵀGw + W (ȳ − w0 − x̄ᵀw)²``, clipped at 0.

        Weighted statistics give the weighted sum ``Σ_i s_i (y_i − w0 − x_iᵀw)²``. The
        first three terms cancel when the fit is close (``R² → 1``): their sum has an
        absolute error of about ``eps·(s + 2|w|ᵀ|c| + |w|ᵀ|G||w|)``, so the result is
        accurate relative to ``ycᵀyc``, not to itself.
        """
        w = as_coef(coef, self.n_features)
        offset = self.y_mean - check_finite(intercept, "intercept") - float(self.x_mean @ w)
        quadratic = self.yty - 2.0 * float(w @ self.xty) + float(w @ self.gram @ w)
        return max(quadratic, 0.0) + self.total_weight * offset**2


def is_sufficient_stats(X: object, y: object) -> TypeGuard[SufficientStats]:
    """Whether the data argument is a :class:`SufficientStats` (then ``y`` must be None).

    Raises
    ------
    InputValueError
        If ``X`` is a SufficientStats and ``y`` is not None.
    """
    if not isinstance(X, SufficientStats):
        return False
    if y is not None:
        raise InputValueError(
            "y must be None when X is a SufficientStats: the statistics already hold the "
            f"target; got y of type {type(y).__name__}. Call f(stats, None, ...)."
        )
    return True


@dataclass(frozen=True, eq=False, repr=False)
class BlockMoments(_Moments):
    """The centered moments of some rows while they are accumulated (not checked).

    The same numbers as :class:`SufficientStats` without names or validation, so that a
    stream of blocks is merged without checking every partial result; the statistics are
    constructed, and checked, once at the end (:meth:`statistics`).
    """

    @classmethod
    def of(cls, stats: SufficientStats) -> BlockMoments:
        """The moments held by ``stats``."""
        return cls(
            stats.n_samples, stats.x_mean, stats.y_mean, stats.gram, stats.xty, stats.yty,
            weight_sum=stats.weight_sum,
        )  # fmt: skip

    def merge(self, other: BlockMoments) -> BlockMoments:
        """The moments of the rows of both (Chan, Golub & LeVeque's pairwise update).

        With ``W = W_A + W_B`` (row counts unweighted, weight sums weighted):
        ``x̄ = x̄_A + (W_B/W) δ``, ``G = G_A + G_B + (W_A W_B/W) δδᵀ`` and likewise for
        ``ȳ``, ``c`` and ``s`` (module docstring). Associative and commutative up to
        rounding: any order of merging the same blocks gives the same moments to working
        precision.
        """
        own, their = self.total_weight, other.total_weight
        total = own + their
        weight = own * their / total
        x_shift = other.x_mean - self.x_mean
        y_shift = other.y_mean - self.y_mean
        weighted = self.weight_sum is not None or other.weight_sum is not None
        return BlockMoments(
            n_samples=self.n_samples + other.n_samples,
            x_mean=self.x_mean + (their / total) * x_shift,
            y_mean=self.y_mean + (their / total) * y_shift,
            gram=self.gram + other.gram + weight * np.outer(x_shift, x_shift),
            xty=self.xty + other.xty + weight * y_shift * x_shift,
            yty=self.yty + other.yty + weight * y_shift**2,
            weight_sum=total if weighted else None,
        )

    def unshift(self, x_shift: FloatArray, y_shift: float) -> BlockMoments:
        """The moments of ``(X + 1 x_shiftᵀ, y + y_shift)``: only the means move."""
        return replace(self, x_mean=self.x_mean + x_shift, y_mean=self.y_mean + y_shift)

    def statistics(self, feature_names: tuple[str, ...] | None = None) -> SufficientStats:
        """The checked :class:`SufficientStats` (default names ``x0, x1, ...``)."""
        return SufficientStats(
            n_samples=self.n_samples,
            x_mean=self.x_mean,
            y_mean=self.y_mean,
            gram=self.gram,
            xty=self.xty,
            yty=self.yty,
            feature_names=feature_names or (),
            weight_sum=self.weight_sum,
        )


def merge_moments(left: BlockMoments | None, right: BlockMoments | None) -> BlockMoments | None:
    """``left.merge(right)``, where None (a block of weight 0) is no rows."""
    if left is None:
        return right
    if right is None:
        return left
    return left.merge(right)


def shifted_block_moments(
    design: FloatArray,
    target: FloatArray,
    shift: tuple[FloatArray, float],
    weights: FloatArray | None = None,
) -> BlockMoments | None:
    """Moments of a block shifted by the reference row ``shift`` (may overwrite the block).

    The rows of weight 0 are dropped first (a zero weight removes its row). Two passes:
    the (weighted) means ``x̄ = Σ s_i x_i/W``, then the products of the centered rows
    multiplied by ``√s_i``: ``G = Σ_i s_i xc_i xc_iᵀ`` by :func:`symmetric_gram`.
    ``weights`` None: ``s_i = 1``, ``W = n``. None for a block of total weight 0 (it
    holds no rows).
    """
    design, target, weights = _positive_rows(design, target, weights)
    design -= shift[0]
    target -= shift[1]
    if weights is None:
        x_mean = design.mean(axis=0)
        y_mean = float(target.mean())
        total = None
    else:
        total = float(weights.sum())
        if not total > 0.0:
            return None
        x_mean = (weights @ design) / total
        y_mean = float(weights @ target) / total
    design -= x_mean
    target -= y_mean
    if weights is not None:
        root = np.sqrt(weights)
        design *= root[:, None]
        target *= root
    return BlockMoments(
        n_samples=design.shape[0],
        x_mean=x_mean,
        y_mean=y_mean,
        gram=symmetric_gram(design),
        xty=design.T @ target,
        yty=float(target @ target),
        weight_sum=total,
    )


def symmetric_gram(design: FloatArray) -> FloatArray:
    """``designᵀ design``, exactly symmetric: from the upper triangle BLAS ``syrk`` forms
    (half the flops) for wide designs, by one product (symmetrized) for narrow ones."""
    if design.shape[1] < _SYRK_MIN_FEATURES:
        product = design.T @ design
        small: FloatArray = 0.5 * (product + product.T)
        return small
    return syrk_gram(design)


def check_sample_weight(
    sample_weight: Any, n_samples: int, name: str = "sample_weight"
) -> FloatArray | None:
    """``sample_weight`` as a fresh float64 array of ``n_samples`` finite weights ``≥ 0``
    with a positive sum (None stays None).

    Raises
    ------
    DataError
        Naming the parameter (``name``), the value received and what is allowed.
    """
    weights = check_block_weights(sample_weight, n_samples, name)
    if weights is not None and not float(weights.sum()) > 0.0:
        raise DataError(
            f"{name} must have a positive sum (a zero weight drops its row, and at "
            f"least one row must remain); got all {n_samples} weights 0."
        )
    return weights


def check_block_weights(sample_weight: Any, n_samples: int, name: str) -> FloatArray | None:
    """``sample_weight`` as a fresh float64 array of ``n_samples`` finite weights ``≥ 0``
    (all 0 allowed: a block of a stream), None staying None.

    Raises
    ------
    DataError
        Naming the parameter (``name``), the value received and what is allowed.
    """
    if sample_weight is None:
        return None
    return nonnegative_entries(sample_weight, n_samples, name, "one weight per row of X")


def _positive_rows(
    design: FloatArray, target: FloatArray, weights: FloatArray | None
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """The rows of positive weight (a zero weight removes its row); all rows unweighted."""
    if weights is None or np.all(weights > 0.0):
        return design, target, weights
    keep = weights > 0.0
    return design[keep], target[keep], weights[keep]


def _check_weight_sum(weight_sum: Any) -> float | None:
    if weight_sum is None:
        return None
    total = check_finite(weight_sum, "weight_sum")
    if not total > 0.0:
        raise DataError(
            f"weight_sum is the sum of the observation weights and must be > 0; got "
            f"{weight_sum!r}. Pass None for unweighted statistics."
        )
    return total


class _Columns:
    """The columns of the first block of a stream, against which the others are checked."""

    def __init__(self) -> None:
        self.names: tuple[str, ...] | None = None
        self.named = False

    def check(self, X_block: Any, n_features: int, index: int) -> None:
        """Record block 0's columns; raise DataError if block ``index`` differs from them."""
        names = feature_names_of(X_block, n_features)
        if self.names is None:
            self.names, self.named = names, hasattr(X_block, "columns")
        elif n_features != len(self.names):
            raise DataError(
                f"X of block {index} has {n_features} columns but block 0 has "
                f"{len(self.names)}; every block must hold the same features."
            )
        elif self.named and hasattr(X_block, "columns") and names != self.names:
            raise DataError(
                f"X of block {index} has columns {names!r} but block 0 has "
                f"{self.names!r}; every block must hold the same features in order."
            )


def _check_possible(n_samples: int, gram: FloatArray, xty: FloatArray, yty: float) -> None:
    """Raise DataError unless ``[[G, c], [cᵀ, s]]`` is PSD up to rounding (module docstring)."""
    n_features = xty.shape[0]
    joint = np.empty((n_features + 1, n_features + 1))
    joint[:n_features, :n_features] = gram
    joint[:n_features, n_features] = joint[n_features, :n_features] = xty
    joint[n_features, n_features] = yty
    scale = np.sqrt(np.diag(joint))
    # A zero diagonal entry (a constant column, or constant y) comes with an exactly zero
    # row: centering makes such a column exactly 0 (module docstring).
    empty = scale == 0.0
    rows_consistent = not np.any(joint[empty])
    scale[empty] = 1.0
    scaled = joint / np.outer(scale, scale)
    tolerance = (n_features + 1) * (n_samples + n_features + 1) * EPS
    shifted = scaled + 2.0 * tolerance * np.eye(n_features + 1)
    if rows_consistent and scipy.linalg.lapack.dpotrf(shifted, lower=1)[1] == 0:
        return
    smallest = float(scipy.linalg.eigh(scaled, eigvals_only=True, subset_by_index=[0, 0])[0])
    if rows_consistent and smallest >= -tolerance:
        return
    raise DataError(
        f"the statistics describe no data: {_violation(scaled, joint, tolerance)}. For any rows, "
        "[[gram, xty], [xtyᵀ, yty]] = [Xc, yc]ᵀ[Xc, yc] is positive semi-definite; scaled "
        f"to unit diagonal its smallest eigenvalue here is {smallest:.3g}, where rounding "
        f"of honest sums over {n_samples} rows reaches at most {-tolerance:.3g}. Recompute "
        "them with SufficientStats.from_arrays, from_chunks or from_dask."
    )


def _violation(scaled: FloatArray, joint: FloatArray, tolerance: float) -> str:
    """The condition ``C`` (scaled) breaks beyond ``tolerance``: Cauchy–Schwarz, PSD G, RSS ≥ 0."""
    n_features = scaled.shape[0] - 1
    diagonal = np.diag(joint)
    # |M_jk| / √(M_jj M_kk), infinite for a non-zero entry in a zero row.
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(joint == 0.0, 0.0, np.abs(joint) / np.sqrt(np.outer(diagonal, diagonal)))
    np.fill_diagonal(ratios, 0.0)
    row, col = np.unravel_index(int(np.argmax(ratios)), ratios.shape)
    j, k = min(row, col), max(row, col)
    ratio = float(ratios[j, k])
    if ratio > 1.0 + tolerance and k == n_features:
        return (
            f"xty[{j}] breaks Cauchy–Schwarz |xty[j]|² ≤ gram[j, j]·yty: |xty[{j}]| = "
            f"{abs(joint[j, k]):.6g} is {ratio:.6g} times √(gram[{j}, {j}]·yty) = "
            f"{np.sqrt(joint[j, j] * joint[k, k]):.6g}"
        )
    if ratio > 1.0 + tolerance:
        return (
            f"gram[{j}, {k}] breaks Cauchy–Schwarz |gram[j, k]|² ≤ gram[j, j]·gram[k, k]: "
            f"it is {ratio:.6g} times √(gram[{j}, {j}]·gram[{k}, {k}])"
        )
    gram_smallest = float(np.linalg.eigvalsh(scaled[:n_features, :n_features])[0])
    if gram_smallest < -tolerance:
        return (
            "gram is not positive semi-definite (XcᵀXc is): scaled to unit diagonal its "
            f"smallest eigenvalue is {gram_smallest:.3g}"
        )
    # C_G⁺ c_b on the scaled problem: the least RSS is yty·(1 − c_bᵀ C_G⁺ c_b).
    correlations = scaled[:n_features, n_features]
    inverse = np.linalg.pinv(scaled[:n_features, :n_features], rcond=tolerance, hermitian=True)
    explained = float(correlations @ inverse @ correlations)
    return (
        "the implied least residual sum of squares yty − xtyᵀ gram⁺ xty is negative: "
        f"{(1.0 - explained) * joint[n_features, n_features]:.6g}, i.e. xty explains "
        f"{explained:.6g} times yty"
    )


def _unpack(block: Any, index: int) -> tuple[Any, Any, Any]:
    """``(X, y, sample_weight)`` of a block ``(X, y)`` (weight None) or ``(X, y, s)``."""
    if (
        isinstance(block, str | bytes)
        or not isinstance(block, Sequence)
        or len(block) not in (2, 3)
    ):
        raise InputTypeError(
            f"block {index} must be a pair (X, y) or a triple (X, y, sample_weight); got "
            f"{type(block).__name__}. Yield (X_block, y_block) or (X_block, y_block, "
            "weights_block) tuples."
        )
    return block[0], block[1], block[2] if len(block) == 3 else None


def _check_names(names: Sequence[str], n_features: int) -> tuple[str, ...]:
    if isinstance(names, str) or len(names) != n_features:
        raise InputValueError(
            f"feature_names must be a sequence of {n_features} names (one per column); "
            f"got {names!r}."
        )
    return tuple(str(name) for name in names)
