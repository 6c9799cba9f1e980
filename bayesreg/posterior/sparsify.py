"""From a posterior back to a sparse model: DSS, SAVS and a variable ranking.

A shrinkage prior gives a posterior whose draws are dense: no coefficient is exactly 0.
The tools here turn it into sparse summaries, through the certified core.

**Decoupled shrinkage and selection** (Hahn & Carvalho 2015). Shrinkage is left to the
posterior; selection is a separate decision. The posterior expected loss of a summary
``γ`` is ``E||Xw − Xγ||² = ||Xw̄ − Xγ||² + const``, so only the posterior mean ``w̄``
(with intercept ``w̄0``) enters, through the dense fit ``ŷ = w̄0 + X w̄``, and the sparse
summaries are the adaptive lasso path of that fit::

    γ_α = argmin_γ  1/(2n) ||ŷ − γ0 − X γ||² + alpha Σ_j v_j |γ_j|,     v_j = 1/|w̄_j|

(the paper's ``n⁻¹||Xw̄ − Xγ||² + λ Σ_j |γ_j|/|w̄_j|`` with ``λ = 2·alpha``; equivalently
the plain lasso on the columns ``X_j |w̄_j|``), each point solved and certified by
:func:`~bayesreg.core.enet_path.lasso_path` with ``penalty_factor = v``. Each sparse
summary is judged by its **excess loss** under the posterior, one value per draw
``w_s``::

    ψ_s(α) = [ ||X w_s − X γ_α||² − ||X w_s − X w̄||² ] / n

the in-sample squared prediction loss of ``γ_α`` minus that of the dense summary, both
measured against the draw's own fit (intercepts included: with ``γ_α``'s intercept the
profiled one, ``ψ`` only involves the centered design). Its posterior mean is
``||Xc(γ_α − w̄)||²/n ≥ 0``; its spread comes from the term ``−2 (w_s − w̄)ᵀ XcᵀXc
(γ_α − w̄)/n``. This is the difference ("loss gap") form of the summary; Hahn & Carvalho
also plot the variance-explained and excess-error summaries of each ``γ_α``, which are
not computed here.

**The size rule.** Hahn & Carvalho recommend reading the model size off the posterior
summary plot: the sparsest summary whose predictive loss is, within posterior
uncertainty, that of the full model. Here that is stated as: *the smallest model whose
equal-tailed credible band of ψ (probability ``prob``, default 0.9) contains 0* — the
posterior cannot tell its loss from the dense summary's. Among points of that size the
most penalized one is chosen (the first on the path).

**Signal adaptive variable selection** (Ray & Bhattacharya 2018). For each coefficient
vector (a draw, or the posterior mean) ``w`` and each column ``X_j`` (centered when an
intercept is fitted)::

    γ_j = sign(w_j) ||X_j||⁻² (|w_j| ||X_j||² − μ_j)⁺,       μ_j = |w_j|⁻²

which is the exact minimizer of the per-coordinate problem
``½||X_j||² (γ − w_j)² + μ_j |γ|`` (a soft threshold of ``w_j`` at ``μ_j/||X_j||²``):
an adaptive lasso, coordinate by coordinate, with the paper's parameter-free penalty
``|w_j|⁻²``. Applied to every draw it gives sparse draws and inclusion probabilities.
That penalty is not unit-free; ``savs(..., standardize=True)`` applies the same formula to
the standardized coefficients (columns with ``||X_j||² = n``, y of unit root mean square),
which makes the selection invariant to the units of y and of every x_j.

**Ranking.** :func:`rank_variables` orders the coefficients by ``P(|w_j| > ε_j)``, with
``ε_j = 0.1 · sd(y) / sd(x_j)`` by default (the rule of
:func:`~bayesreg.posterior.summary.shrinkage_summary`), next to their posterior mean,
credible interval, SAVS inclusion probability and, where the tree holds local scales,
the shrinkage factor ``κ_j``.

References
----------
Hahn, P. R. & Carvalho, C. M. (2015). Decoupling shrinkage and selection in Bayesian
linear models: a posterior summary perspective. *JASA* 110(509), 435–448.

Ray, P. & Bhattacharya, A. (2018). Signal adaptive variable selector for the horseshoe
prior. arXiv:1810.09004.

Piironen, J. & Vehtari, A. (2017). Sparsity information and regularization in the
horseshoe and other shrinkage priors. *Electronic Journal of Statistics* 11, 5018–5051
(the shrinkage factor ``κ_j``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bayesreg.core.enet_path import lasso_path
from bayesreg.core.enet_solver import DEFAULT_MAX_ITER, DEFAULT_TOL
from bayesreg.core.penalties import soft_threshold
from bayesreg.core.results import PathFit
from bayesreg.core.types import FloatArray, freeze_fields
from bayesreg.errors import DataError, InputValueError
from bayesreg.posterior._data import prepare_linear_data
from bayesreg.posterior.summary import (
    _check_negligible,
    _check_tree,
    _default_negligible,
    _group,
)
from bayesreg.priors import HorseshoePlusPrior, HorseshoePrior, RegularizedHorseshoePrior
from bayesreg.validation import (
    as_design_or_sparse,
    check_bool,
    check_probability,
    is_sparse,
)

if TYPE_CHECKING:
    import xarray

__all__ = ["DecoupledSelection", "SparseDraws", "dss", "rank_variables", "savs", "savs_threshold"]


@dataclass(frozen=True)
class DecoupledSelection:
    """The DSS path of a posterior: certified adaptive lasso fits of its mean and their loss gaps.

    Attributes
    ----------
    path : PathFit
        The adaptive lasso path of ``ŷ = w̄0 + X w̄`` with ``penalty_factor = 1/|w̄|``
        (alphas decreasing, each point certified by its duality gap or KKT residual).
    posterior_mean : ndarray of shape (n_features,)
        ``w̄``, the dense summary.
    intercept_mean : float
        ``w̄0`` (0.0 without intercept).
    penalty_factor : ndarray of shape (n_features,)
        ``v_j = 1/|w̄_j|`` (``inf`` where ``w̄_j = 0``: that column is left out, ``γ_j = 0``).
    sizes : ndarray of int, shape (k,)
        Non-zero coefficients of each path point.
    loss_gap : ndarray of shape (k, n_draws)
        ψ of every path point under every posterior draw (chains stacked).
    loss_gap_mean, loss_gap_lower, loss_gap_upper : ndarray of shape (k,)
        Posterior mean of ψ and its equal-tailed credible band of probability ``prob``.
    prob : float
    chosen : int
        Index of the chosen point: the smallest model whose band contains 0 (the least
        penalized point when none does).
    feature_names : tuple of str

    Examples
    --------
    :func:`dss` returns one; three strong effects among eight variables:

    >>> import numpy as np
    >>> from bayesreg.datasets import make_synthetic
    >>> from bayesreg.posterior import dss, sample_posterior
    >>> from bayesreg.priors import LaplacePrior
    >>> data = make_synthetic(200, 8, n_informative=3, random_seed=0)
    >>> data.support.tolist()
    [4, 5, 7]
    >>> tree = sample_posterior(data.X, data.y, LaplacePrior(1.0), noise=1.0,
    ...                         method="gibbs", draws=500, chains=2, random_seed=0,
    ...                         progressbar=False)
    >>> selection = dss(tree, data.X, n_alphas=50)
    >>> selection.coefs.shape, selection.loss_gap.shape
    ((50, 8), (50, 1000))
    >>> {"x4", "x5", "x7"} <= set(selection.selected)
    True
    >>> bool(selection.covers_zero[selection.chosen])
    True
    >>> int(selection.sizes[selection.chosen]) == len(selection.selected)
    True
    >>> list(selection.to_frame().columns)
    ['alpha', 'size', 'gap', 'loss_gap_mean', 'loss_gap_lower', 'loss_gap_upper', 'covers_zero']
    """

    path: PathFit
    posterior_mean: FloatArray
    intercept_mean: float
    penalty_factor: FloatArray
    sizes: np.ndarray[Any, np.dtype[np.int64]]
    loss_gap: FloatArray
    loss_gap_mean: FloatArray
    loss_gap_lower: FloatArray
    loss_gap_upper: FloatArray
    prob: float
    chosen: int
    feature_names: tuple[str, ...]

    def __post_init__(self) -> None:
        freeze_fields(self, "posterior_mean", "penalty_factor", "loss_gap")
        freeze_fields(self, "loss_gap_mean", "loss_gap_lower", "loss_gap_upper")
        freeze_fields(self, "sizes", dtype=np.int64)

    @property
    def alphas(self) -> FloatArray:
        """The path's penalty strengths (decreasing)."""
        return self.path.alphas

    @property
    def coefs(self) -> FloatArray:
        """The sparse summaries ``γ_α``, shape (k, n_features)."""
        return self.path.coefs

    @property
    def gaps(self) -> FloatArray:
        """The certificate of every path point."""
        return self.path.gaps

    @property
    def covers_zero(self) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Whether each point's credible band of ψ contains 0."""
        covers: np.ndarray[Any, np.dtype[np.bool_]] = (self.loss_gap_lower <= 0.0) & (
            self.loss_gap_upper >= 0.0
        )
        return covers

    @property
    def chosen_coef(self) -> FloatArray:
        """The chosen sparse summary ``γ``."""
        coef: FloatArray = self.path.coefs[self.chosen]
        return coef

    @property
    def selected(self) -> tuple[str, ...]:
        """Names of the features the chosen summary keeps."""
        return tuple(
            name
            for name, value in zip(self.feature_names, self.chosen_coef, strict=True)
            if value != 0.0
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per path point: ``alpha, size, gap, loss_gap_mean/lower/upper, covers_zero``."""
        return pd.DataFrame(
            {
                "alpha": self.path.alphas,
                "size": self.sizes,
                "gap": self.path.gaps,
                "loss_gap_mean": self.loss_gap_mean,
                "loss_gap_lower": self.loss_gap_lower,
                "loss_gap_upper": self.loss_gap_upper,
                "covers_zero": self.covers_zero,
            }
        )


@dataclass(frozen=True)
class SparseDraws:
    """SAVS applied to every posterior draw and to the posterior mean.

    Attributes
    ----------
    draws : ndarray of shape (chain, draw, n_features)
        The sparse draws ``γ_s`` (exact zeros).
    inclusion : ndarray of shape (n_features,)
        ``P(γ_j ≠ 0)``: the fraction of draws that keep coefficient j.
    coef : ndarray of shape (n_features,)
        SAVS of the posterior mean, the point summary of Ray & Bhattacharya.
    column_sq_norms : ndarray of shape (n_features,)
        ``||X_j||²`` of the (centered, with an intercept) columns.
    feature_names : tuple of str

    Examples
    --------
    :func:`savs` returns one:

    >>> import numpy as np
    >>> from bayesreg.datasets import make_synthetic
    >>> from bayesreg.posterior import sample_posterior, savs
    >>> from bayesreg.priors import LaplacePrior
    >>> data = make_synthetic(200, 8, n_informative=3, random_seed=0)
    >>> tree = sample_posterior(data.X, data.y, LaplacePrior(1.0), noise=1.0,
    ...                         method="gibbs", draws=500, chains=2, random_seed=0,
    ...                         progressbar=False)
    >>> sparse = savs(tree, data.X)
    >>> sparse.draws.shape, sparse.column_sq_norms.shape
    ((2, 500, 8), (8,))
    >>> np.flatnonzero(sparse.coef).tolist(), sparse.inclusion[[4, 5, 7]].tolist()
    ([4, 5, 7], [1.0, 1.0, 1.0])
    """

    draws: FloatArray
    inclusion: FloatArray
    coef: FloatArray
    column_sq_norms: FloatArray
    feature_names: tuple[str, ...]

    def __post_init__(self) -> None:
        freeze_fields(self, "draws", "inclusion", "coef", "column_sq_norms")


def savs_threshold(coef: Any, column_sq_norms: Any) -> FloatArray:
    """SAVS of coefficient vectors: ``γ_j = sign(w_j) ||X_j||⁻² (|w_j| ||X_j||² − |w_j|⁻²)⁺``.

    The minimizer of ``½||X_j||² (γ − w_j)² + μ_j |γ|`` with ``μ_j = |w_j|⁻²``: the soft
    threshold of ``w_j`` at ``μ_j/||X_j||²``. ``w_j = 0`` or ``||X_j|| = 0`` (a constant
    column, which carries no signal) give ``γ_j = 0``. ``coef`` has shape (..., p).

    Examples
    --------
    >>> savs_threshold([2.0, 0.5, -1.0], [1.0, 1.0, 4.0])
    array([ 1.75,  0.  , -0.75])
    """
    values = np.asarray(coef, dtype=np.float64)
    norms = np.asarray(column_sq_norms, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        threshold = 1.0 / (values**2 * norms)
    threshold = np.where(np.isnan(threshold), np.inf, threshold)
    return soft_threshold(values, threshold)


def _fit_intercept_of(tree: xarray.DataTree, fit_intercept: bool | None) -> bool:
    """Whether the model has an intercept: as given, else whether the tree samples one."""
    if fit_intercept is None:
        return "intercept" in _group(tree, "posterior")
    return check_bool(fit_intercept, "fit_intercept")


def _coef_draws(tree: xarray.DataTree) -> tuple[FloatArray, tuple[str, ...]]:
    """The ``coef`` draws (chain, draw, p) and the feature names of a posterior tree."""
    _check_tree(tree)
    coef = _group(tree, "posterior")["coef"]
    if coef.dims[:2] != ("chain", "draw") or coef.ndim != 3:
        raise InputValueError(
            f"tree's posterior 'coef' must have dims (chain, draw, feature); got {coef.dims}. "
            "Pass the DataTree returned by sample_posterior."
        )
    draws = np.asarray(coef.to_numpy(), dtype=np.float64)
    if not np.all(np.isfinite(draws)):
        raise InputValueError("tree's posterior 'coef' holds NaN or infinite draws.")
    feature = coef.dims[2]
    names = tuple(str(name) for name in coef[feature].to_numpy())
    return draws, names


def _design(X: Any, n_features: int) -> Any:
    """``X`` validated (dense or scipy.sparse), with one column per posterior coefficient."""
    design = as_design_or_sparse(X)
    if design.shape[1] != n_features:
        raise DataError(
            f"the posterior has {n_features} coefficients but X has shape {design.shape}; "
            "pass the X the posterior was drawn with."
        )
    return design


def column_sq_norms(design: Any, *, fit_intercept: bool) -> FloatArray:
    """``||X_j||²`` of each column, centered (``||x_j − x̄_j||²``) when an intercept is fitted."""
    n_samples = design.shape[0]
    if is_sparse(design):
        squares = np.asarray(design.multiply(design).sum(axis=0), dtype=np.float64).ravel()
        means = np.asarray(design.mean(axis=0), dtype=np.float64).ravel()
    else:
        squares = np.einsum("ij,ij->j", design, design)
        means = design.mean(axis=0)
    if not fit_intercept:
        return squares
    if is_sparse(design):
        norms: FloatArray = np.maximum(squares - n_samples * means**2, 0.0)
        return norms
    centered = design - means
    centered_norms: FloatArray = np.einsum("ij,ij->j", centered, centered)
    return centered_norms


def _adaptive_path(
    design: Any,
    fitted: FloatArray,
    factor: FloatArray,
    *,
    alphas: Any,
    n_alphas: int,
    eps: float,
    fit_intercept: bool,
    tol: float,
    max_iter: int,
) -> PathFit:
    """The adaptive lasso path of ``fitted``; columns with an infinite factor stay at 0."""
    keep = np.flatnonzero(np.isfinite(factor))
    if keep.size == 0:
        raise DataError(
            "the posterior mean is 0 for every coefficient, so every adaptive weight 1/|w̄_j| "
            "is infinite and every summary is the empty model; nothing can be selected."
        )
    columns = design if keep.size == design.shape[1] else design[:, keep]
    path = lasso_path(
        columns,
        fitted,
        alphas,
        n_alphas=n_alphas,
        eps=eps,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
        penalty_factor=factor[keep],
    )
    coefs = np.zeros((len(path), design.shape[1]))
    coefs[:, keep] = path.coefs
    return replace(path, coefs=coefs)


def _loss_gap(
    coefs: FloatArray, mean: FloatArray, draws: FloatArray, gram: FloatArray, n_samples: int
) -> FloatArray:
    """ψ (k, S): ``[dᵀGd − 2 (w_s − w̄)ᵀ G d] / n`` with ``d = γ − w̄``, ``G = XcᵀXc``.

    Equal to ``[||a_s − b||² − ||a_s − c||²]/n`` for the linear predictors ``a_s`` of a
    draw, ``b`` of ``γ`` and ``c`` of ``w̄`` (``b − c = Xc d`` has mean 0, so intercepts drop).
    """
    difference = coefs - mean
    weighted = difference @ gram
    quadratic = np.einsum("kp,kp->k", difference, weighted)
    cross = weighted @ (draws - mean).T
    gap: FloatArray = (quadratic[:, None] - 2.0 * cross) / n_samples
    return gap


def _choose(
    sizes: np.ndarray[Any, np.dtype[np.int64]], lower: FloatArray, upper: FloatArray
) -> int:
    """The smallest model whose band contains 0 (first on the path); else the last point."""
    covering = np.flatnonzero((lower <= 0.0) & (upper >= 0.0))
    if covering.size == 0:
        return int(sizes.shape[0] - 1)
    smallest = covering[sizes[covering] == sizes[covering].min()]
    return int(smallest[0])


def _check_gaussian(tree: xarray.DataTree, caller: str) -> None:
    likelihood = tree.attrs.get("likelihood", "gaussian")
    if likelihood != "gaussian":
        raise InputValueError(
            f"{caller} judges sparse summaries by squared prediction loss, which is the "
            f"Gaussian likelihood's; the tree was drawn with likelihood={likelihood!r}. Pass "
            "a tree drawn with likelihood='gaussian'."
        )


def dss(
    tree: xarray.DataTree,
    X: Any,
    *,
    alphas: Any = None,
    n_alphas: int = 100,
    eps: float = 1e-6,
    prob: float = 0.9,
    fit_intercept: bool | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> DecoupledSelection:
    """Decoupled shrinkage and selection (Hahn & Carvalho 2015) of a posterior.

    Solves, along a decreasing grid of alphas, the adaptive lasso of the posterior-mean
    fit ``ŷ = w̄0 + X w̄``::

        F(γ, γ0) = 1/(2n) ||ŷ − γ0 − X γ||² + alpha Σ_j v_j |γ_j|,     v_j = 1/|w̄_j|

    (the elastic-net objective with ``l1_ratio = 1`` and ``penalty_factor = v``), each
    point certified; then the excess loss ``ψ_s = [||Xw_s − Xγ||² − ||Xw_s − Xw̄||²]/n``
    of every point under every draw, its mean and credible band, and the chosen size
    (module docstring).

    Parameters
    ----------
    tree : xarray.DataTree
        Posterior draws from :func:`~bayesreg.posterior.sampling.sample_posterior`
        (Gaussian likelihood): ``coef`` (chain, draw, feature), ``intercept`` if fitted.
    X : array-like or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
        The design the posterior was drawn with (sparse: up to 10000 columns).
    alphas : array-like of float > 0, optional
        The grid (sorted decreasing). Default: ``n_alphas`` values from the adaptive
        alpha_max down to ``eps`` times it.
    n_alphas : int, default 100
    eps : float, default 1e-6
        The default grid's span. A coefficient enters near ``alpha ≈ w̄_j²·||Xc_j||²/n``
        (exactly so for orthogonal columns), so the span is the square of the range of
        ``|w̄_j|``: small enough, by default, to reach the dense summary.
    prob : float, default 0.9
        Probability of the equal-tailed credible band of ψ.
    fit_intercept : bool, optional
        Default: whether the tree samples an ``intercept``.
    tol, max_iter
        As in :func:`~bayesreg.core.enet_path.lasso_path`.

    Returns
    -------
    DecoupledSelection

    Examples
    --------
    Three strong effects among eight variables; the chosen sparse summary keeps them:

    >>> from bayesreg.datasets import make_synthetic
    >>> from bayesreg.posterior import dss, sample_posterior
    >>> from bayesreg.priors import GaussianPrior
    >>> data = make_synthetic(200, 8, n_informative=3, random_seed=0)
    >>> tree = sample_posterior(data.X, data.y, GaussianPrior(1.0), noise=1.0,
    ...                         method="exact", draws=500, chains=2, random_seed=0)
    >>> selection = dss(tree, data.X, n_alphas=50)
    >>> {"x4", "x5", "x7"} <= set(selection.selected)
    True
    >>> selection.chosen_coef.shape, selection.prob
    ((8,), 0.9)
    """
    _check_tree(tree)
    _check_gaussian(tree, "dss")
    probability = check_probability(prob, "prob")
    intercept = _fit_intercept_of(tree, fit_intercept)
    draws, names = _coef_draws(tree)
    flat = draws.reshape(-1, draws.shape[-1])
    mean = flat.mean(axis=0)
    posterior = _group(tree, "posterior")
    intercept_mean = (
        float(posterior["intercept"].to_numpy().mean())
        if intercept and "intercept" in posterior
        else 0.0
    )
    design = _design(X, mean.shape[0])
    fitted = np.asarray(design @ mean, dtype=np.float64).ravel() + intercept_mean
    with np.errstate(divide="ignore"):
        factor = np.where(mean != 0.0, 1.0 / np.abs(mean), np.inf)
    path = _adaptive_path(
        design,
        fitted,
        factor,
        alphas=alphas,
        n_alphas=n_alphas,
        eps=eps,
        fit_intercept=intercept,
        tol=tol,
        max_iter=max_iter,
    )
    data = prepare_linear_data(design, fitted, fit_intercept=intercept)
    gap = _loss_gap(path.coefs, mean, flat, data.gram, data.n_samples)
    lower, upper = np.quantile(gap, [(1.0 - probability) / 2, (1.0 + probability) / 2], axis=1)
    sizes = np.count_nonzero(path.coefs, axis=1).astype(np.int64)
    return DecoupledSelection(
        path=path,
        posterior_mean=mean,
        intercept_mean=intercept_mean,
        penalty_factor=factor,
        sizes=sizes,
        loss_gap=gap,
        loss_gap_mean=gap.mean(axis=1),
        loss_gap_lower=lower,
        loss_gap_upper=upper,
        prob=probability,
        chosen=_choose(sizes, lower, upper),
        feature_names=names,
    )


def savs(
    tree: xarray.DataTree,
    X: Any,
    *,
    fit_intercept: bool | None = None,
    standardize: bool = False,
) -> SparseDraws:
    """Signal adaptive variable selection (Ray & Bhattacharya 2018) of every draw.

    For each draw ``w`` (and for the posterior mean)::

        γ_j = sign(w_j) ||X_j||⁻² (|w_j| ||X_j||² − μ_j)⁺,     μ_j = |w_j|⁻²,

    the exact minimizer of ``½||X_j||² (γ − w_j)² + μ_j |γ|``, coordinate by coordinate.

    Parameters
    ----------
    tree : xarray.DataTree
        Posterior draws with ``coef`` (chain, draw, feature), any likelihood.
    X : array-like or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
        The design the posterior was drawn with; only its column norms are read.
    fit_intercept : bool, optional
        Center the columns before taking norms. Default: whether the tree samples an
        ``intercept``.
    standardize : bool, default False
        The penalty ``μ_j = |w_j|⁻²`` is not unit-free (``γ`` is in units of y/x_j, ``μ_j``
        in their inverse square), so the paper's formula, the default, depends on the units
        of y and of every column. With ``standardize=True`` it is applied to the
        standardized coefficients ``b_j = w_j s_j / s_y`` (``s_j = ||X_j||/√n``, ``s_y``
        the root mean square of the observed y about its mean, or about 0 without
        intercept; y from the tree's observed data), whose columns have
        ``||X_j||² = n``, and mapped back: ``γ_j = s_y/s_j · SAVS(b_j)``. The selection is
        then invariant to the units of y and of each x_j.

    Returns
    -------
    SparseDraws
        The sparse draws, inclusion probabilities ``P(γ_j ≠ 0)``, the SAVS of the
        posterior mean and the column norms used.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.datasets import make_synthetic
    >>> from bayesreg.posterior import sample_posterior, savs
    >>> from bayesreg.priors import GaussianPrior
    >>> data = make_synthetic(200, 8, n_informative=3, random_seed=0)
    >>> tree = sample_posterior(data.X, data.y, GaussianPrior(1.0), noise=1.0,
    ...                         method="exact", draws=500, chains=2, random_seed=0)
    >>> sparse = savs(tree, data.X)
    >>> np.flatnonzero(sparse.coef).tolist()
    [4, 5, 7]
    >>> bool(np.all(sparse.inclusion[[4, 5, 7]] == 1.0))
    True

    In standardized units the selection does not depend on the units of y:

    >>> scaled = sample_posterior(data.X, 100 * data.y, GaussianPrior(100.0), noise=100.0,
    ...                           method="exact", draws=500, chains=2, random_seed=0)
    >>> np.array_equal(savs(scaled, data.X, standardize=True).coef != 0,
    ...                savs(tree, data.X, standardize=True).coef != 0)
    True
    """
    _check_tree(tree)
    intercept = _fit_intercept_of(tree, fit_intercept)
    draws, names = _coef_draws(tree)
    design = _design(X, draws.shape[-1])
    target_scale = (
        _target_scale(tree, design.shape[0], fit_intercept=intercept)
        if check_bool(standardize, "standardize")
        else None
    )
    return _savs_of(draws, names, design, intercept, target_scale)


def _target_scale(tree: xarray.DataTree, n_samples: int, *, fit_intercept: bool) -> float:
    """``s_y``: the root mean square of the tree's observed y (about its mean with intercept)."""
    observed = tree.children.get("observed_data")
    if observed is None or "y_obs" not in observed.data_vars:
        raise InputValueError(
            "standardize=True needs the observed y (the tree's observed_data 'y_obs'), which "
            "this tree does not hold; standardize y and X before sampling and use "
            "standardize=False."
        )
    target = np.asarray(observed["y_obs"].to_numpy(), dtype=np.float64).ravel()
    if target.shape[0] != n_samples:
        raise DataError(
            f"the tree's observed y has {target.shape[0]} values but X has {n_samples} rows; "
            "pass the X the posterior was drawn with."
        )
    centered = target - target.mean() if fit_intercept else target
    scale = float(np.sqrt(np.mean(centered**2)))
    if not scale > 0.0:
        raise DataError(
            "standardize=True divides by the spread of the observed y, which is 0 (y is "
            "constant); use standardize=False."
        )
    return scale


def _savs_of(
    draws: FloatArray,
    names: tuple[str, ...],
    design: Any,
    fit_intercept: bool,
    target_scale: float | None = None,
) -> SparseDraws:
    """:func:`savs` of validated draws (chain, draw, p) and design (standardized if
    ``target_scale`` is given)."""
    norms = column_sq_norms(design, fit_intercept=fit_intercept)
    mean = draws.reshape(-1, draws.shape[-1]).mean(axis=0)
    if target_scale is None:
        sparse, coef = savs_threshold(draws, norms), savs_threshold(mean, norms)
    else:
        n_samples = design.shape[0]
        # b = w s_j / s_y on columns with ||X_j||² = n; back to w's units by s_y / s_j
        to_standard = np.sqrt(norms / n_samples) / target_scale
        with np.errstate(divide="ignore", invalid="ignore"):
            back = np.where(to_standard > 0.0, 1.0 / to_standard, 0.0)
        sparse = savs_threshold(draws * to_standard, n_samples) * back
        coef = savs_threshold(mean * to_standard, n_samples) * back
    return SparseDraws(
        draws=sparse,
        inclusion=(sparse != 0.0).reshape(-1, sparse.shape[-1]).mean(axis=0),
        coef=coef,
        column_sq_norms=norms,
        feature_names=names,
    )


def _negligible(tree: xarray.DataTree, design: Any, negligible: Any) -> FloatArray:
    """ε_j as given (one number or one per feature), else ``0.1 · sd(y) / sd(x_j)``."""
    if negligible is not None:
        return _check_negligible(negligible, design.shape[1])
    observed = tree.children.get("observed_data")
    if observed is None or "y_obs" not in observed.data_vars:
        raise InputValueError(
            "negligible=None needs the observed y (the tree's observed_data 'y_obs'), which "
            "this tree does not hold; pass negligible=ε (one number or one per feature)."
        )
    return _default_negligible(design, observed["y_obs"].to_numpy())


def _variable(posterior: Any, names: tuple[str, ...], dims: tuple[str, ...]) -> FloatArray | None:
    """Draws ``(chains·draws, ...)`` of the first of ``names`` with dimensions ``dims``."""
    for name in names:
        if name in posterior and posterior[name].dims == dims:
            values: FloatArray = posterior[name].transpose(*dims).to_numpy()
            return values.reshape(-1, *values.shape[2:])
    return None


#: The ``prior_family`` attribute of trees drawn under a global-local prior.
_GLOBAL_LOCAL_FAMILIES = tuple(
    cls.__name__ for cls in (HorseshoePrior, HorseshoePlusPrior, RegularizedHorseshoePrior)
)


def _fixed_global_scale(tree: xarray.DataTree) -> float | None:
    """τ of a horseshoe-family prior whose global scale is fixed (from the tree's attributes)."""
    if tree.attrs.get("prior_family") not in _GLOBAL_LOCAL_FAMILIES:
        return None
    parameters = json.loads(str(tree.attrs.get("prior_parameters", "{}")))
    if parameters.get("global_prior") != "fixed" or "scale" not in parameters:
        return None
    return float(parameters["scale"])


def _shrinkage_factors(tree: xarray.DataTree, norms: FloatArray, feature: str) -> FloatArray | None:
    """Posterior mean of κ_j: a ``kappa`` variable, or ``1/(1 + ||Xc_j||² λ_j² τ²/σ²)``.

    The second form (Piironen & Vehtari 2017) needs the local scales — ``coef_lambda_tilde``
    (the regularized horseshoe's λ̃_j, which already holds its slab), else ``coef_lambda``
    or ``lambda`` — per feature, the global scale τ (``coef_tau`` or ``tau`` draws, or the
    fixed ``scale`` of a horseshoe-family prior; 1 when there is none) and σ (``noise``
    draws or ``fixed_noise``). ``None`` when the tree lacks any of them (e.g. the
    Bernoulli likelihood, which has no σ).
    """
    posterior = _group(tree, "posterior")
    kappa = _variable(posterior, ("kappa",), ("chain", "draw", feature))
    if kappa is not None:
        mean_kappa: FloatArray = kappa.mean(axis=0)
        return mean_kappa
    local = _variable(
        posterior, ("coef_lambda_tilde", "coef_lambda", "lambda"), ("chain", "draw", feature)
    )
    if local is None:
        return None
    scale = local**2
    tau = _variable(posterior, ("coef_tau", "tau"), ("chain", "draw"))
    if tau is not None:
        scale = scale * tau.reshape(-1, 1) ** 2
    else:
        fixed_tau = _fixed_global_scale(tree)
        if fixed_tau is not None:
            scale = scale * fixed_tau**2
    noise = _variable(posterior, ("noise",), ("chain", "draw"))
    if noise is not None:
        variance = noise.reshape(-1, 1) ** 2
    elif "fixed_noise" in tree.attrs:
        variance = np.full((1, 1), float(tree.attrs["fixed_noise"]) ** 2)
    else:
        return None
    factors: FloatArray = (1.0 / (1.0 + norms * scale / variance)).mean(axis=0)
    return factors


def rank_variables(
    tree: xarray.DataTree,
    X: Any,
    *,
    negligible: Any = None,
    prob: float = 0.95,
    fit_intercept: bool | None = None,
    standardize: bool = False,
) -> pd.DataFrame:
    """Rank the variables by the posterior probability of a non-negligible effect.

    Per coefficient: ``prob_relevant = P(|w_j| > ε_j)``, the posterior mean and sd, the
    equal-tailed credible interval of probability ``prob``, the SAVS inclusion
    probability (:func:`savs`), and, where the tree holds them, the posterior mean of the
    shrinkage factor ``κ_j`` (a ``kappa`` variable, or ``1/(1 + ||Xc_j||² λ_j² τ²/σ²)``
    from local scales ``lambda``, a global ``tau`` and σ; 0: not shrunk, 1: shrunk to 0).

    Parameters
    ----------
    tree : xarray.DataTree
        Posterior draws with ``coef`` (chain, draw, feature).
    X : array-like or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
        The design the posterior was drawn with.
    negligible : float or array-like of shape (n_features,), optional
        ε. Default ``ε_j = 0.1 · sd(y) / sd(x_j)`` (y from the tree's observed data): a
        one-sd change of x_j that moves y by less than a tenth of its sd is negligible,
        the region of practical equivalence of Kruschke (2018) for a standardized slope,
        and the rule of :func:`~bayesreg.posterior.summary.shrinkage_summary`. It is
        invariant to the units of y and of each x_j.
    prob : float, default 0.95
        Probability of the credible interval.
    fit_intercept : bool, optional
        Default: whether the tree samples an ``intercept`` (centers the columns for SAVS).
    standardize : bool, default False
        Passed to :func:`savs` (SAVS in standardized units).

    Returns
    -------
    pandas.DataFrame
        Indexed by feature, sorted by ``prob_relevant`` (ties by ``|mean|/sd``), columns
        ``rank, prob_relevant, negligible, mean, sd, lower, upper, savs_inclusion`` and
        ``kappa`` when available.

    Examples
    --------
    >>> from bayesreg.datasets import make_synthetic
    >>> from bayesreg.posterior import rank_variables, sample_posterior
    >>> from bayesreg.priors import LaplacePrior
    >>> data = make_synthetic(200, 8, n_informative=3, random_seed=0)
    >>> tree = sample_posterior(data.X, data.y, LaplacePrior(1.0), noise=1.0,
    ...                         method="gibbs", draws=500, chains=2, random_seed=0,
    ...                         progressbar=False)
    >>> ranking = rank_variables(tree, data.X)
    >>> sorted(ranking.index[:3]), ranking["rank"].tolist()
    (['x4', 'x5', 'x7'], [1, 2, 3, 4, 5, 6, 7, 8])
    >>> ranking["prob_relevant"].iloc[:3].tolist()
    [1.0, 1.0, 1.0]
    >>> list(ranking.columns)
    ['rank', 'prob_relevant', 'negligible', 'mean', 'sd', 'lower', 'upper', 'savs_inclusion']
    """
    probability = check_probability(prob, "prob")
    _check_tree(tree)
    intercept = _fit_intercept_of(tree, fit_intercept)
    draws, names = _coef_draws(tree)
    flat = draws.reshape(-1, draws.shape[-1])
    design = _design(X, flat.shape[1])
    target_scale = (
        _target_scale(tree, design.shape[0], fit_intercept=intercept)
        if check_bool(standardize, "standardize")
        else None
    )
    selection = _savs_of(draws, names, design, intercept, target_scale)
    epsilon = _negligible(tree, design, negligible)
    mean = flat.mean(axis=0)
    sd = flat.std(axis=0, ddof=1) if flat.shape[0] > 1 else np.zeros(flat.shape[1])
    lower, upper = np.quantile(flat, [(1.0 - probability) / 2, (1.0 + probability) / 2], axis=0)
    columns: dict[str, Any] = {
        "prob_relevant": (np.abs(flat) > epsilon).mean(axis=0),
        "negligible": epsilon,
        "mean": mean,
        "sd": sd,
        "lower": lower,
        "upper": upper,
        "savs_inclusion": selection.inclusion,
    }
    feature = str(_group(tree, "posterior")["coef"].dims[2])
    kappa = _shrinkage_factors(tree, selection.column_sq_norms, feature)
    if kappa is not None:
        columns["kappa"] = kappa
    table = pd.DataFrame(columns, index=pd.Index(list(names), name="feature"))
    with np.errstate(divide="ignore", invalid="ignore"):
        # |mean|/sd breaks ties; a coefficient without spread is as strong as its mean is non-zero
        strength = np.where(sd > 0.0, np.abs(mean) / sd, np.where(mean != 0.0, np.inf, 0.0))
    order = np.lexsort((-strength, -table["prob_relevant"].to_numpy()))
    ranked = table.iloc[order].copy()
    ranked.insert(0, "rank", np.arange(1, len(names) + 1))
    return ranked
