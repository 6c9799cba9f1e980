"""Ridge regression: the MAP estimate under a Gaussian prior, in closed form.

The objective (the package's one convention with ``l1_ratio = 0``)::

    F(w, w0) = 1/(2n) ||y − w0 − X w||² + alpha/2 ||w||²

With the intercept profiled out (``Xc = X − x̄``, ``yc = y − ȳ``, ``w0 = ȳ − x̄ᵀw``)
the minimizer solves the normal equations

    (Xcᵀ Xc + n·alpha·I) w = Xcᵀ yc,

and with the thin SVD ``Xc = U diag(d) Vᵀ`` it is ``w = V diag(d / (d² + n·alpha)) Uᵀ yc``.

Every solution carries a duality gap. Writing ``r = yc − Xc w`` and ``θ`` for a dual
point, the Fenchel dual of the centered problem is

    D(θ) = θᵀ yc − (n/2) ||θ||² − ||Xcᵀ θ||² / (2 alpha)        (alpha > 0)
    D(θ) = θᵀ yc − (n/2) ||θ||²,   subject to Xcᵀ θ = 0         (alpha = 0)

with the optimal ``θ* = r*/n``. Weak duality gives ``F(w) − min F ≤ F(w) − D(θ)``
for every feasible θ, so the gap certifies the solution. At ``θ = r/n`` it equals
``||∇F(w)||² / (2 alpha)``, the form used here (no cancellation between F and D).

A scipy.sparse X of more than :data:`MAX_GRAM_FEATURES` columns (whose dense Gram
matrix would not fit) is solved without forming ``XcᵀXc``: by conjugate gradients on
the normal equations, the operator ``v ↦ Xcᵀ(Xc v) + n·alpha·v`` applied through the
implicitly centered sparse products, Jacobi-preconditioned, until the same gap
certificate, recomputed from the rows (``n·∇F(w) = n·alpha·w − Xcᵀ(yc − Xc w)``, the
negated CG residual), meets the same tolerance.

**Penalty factors** ``v_j ≥ 0`` (``penalty_factor``) make the penalty ``alpha/2 Σ_j v_j w_j²``
— the MAP under Normal(0, τ_j) priors with ``alpha·v_j = σ²/(n τ_j²)``, ``v_j = 0`` flat.
It is solved as uniform ridge in ``u_j = √v_j w_j`` (column j of ``Xc`` divided by
``√v_j``) with the unpenalized columns profiled out like the intercept (full column rank
with it required, else a ``DataError``; :mod:`bayesreg.core._penalty_factor`). F is the same
function under this bijection, so the gap ``||∇F(u)||²/(2 alpha)`` in u is the exact gap of
the original problem.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse.linalg

from bayesreg.core._penalty_factor import check_penalty_factor, factor_problem
from bayesreg.core._ridge_linalg import (
    RELATIVE_GAP_TOL,
    cholesky_coef,
    duality_gaps,
    gap_thresholds,
    gap_thresholds_from_norms,
    gram_spectrum,
    numerical_rank,
    svd_spectrum,
)
from bayesreg.core._stats_solvers import (
    ridge_from_statistics,
    ridge_path_fit,
    ridge_path_from_statistics,
)
from bayesreg.core.data import (
    CenteredProblem,
    SparseRows,
    least_squares_data,
)
from bayesreg.core.penalties import penalty_value
from bayesreg.core.results import Certificate, PathCertificates, PenalizedFit, RidgePathFit
from bayesreg.core.types import FloatArray
from bayesreg.errors import ConvergenceWarning, DataError, InputValueError, warn
from bayesreg.validation import (
    as_design_or_sparse,
    check_alphas,
    check_bool,
    check_finite_nonneg,
    check_positive_int,
)

__all__ = [
    "MAX_GRAM_FEATURES",
    "centered_singular_values",
    "ridge",
    "ridge_alphas",
    "ridge_path",
    "solve_ridge",
]


#: ridge_alphas runs from n·alpha = RIDGE_GRID_TOP·d_max² to RIDGE_GRID_BOTTOM·d_min².
RIDGE_GRID_TOP = 1e3
RIDGE_GRID_BOTTOM = 1e-2
#: A sparse design is solved through its dense p × p Gram matrix only up to this many
#: columns (8·p² bytes: 800 MB at the limit); ridge solves a wider one by conjugate
#: gradients, the other ridge functions refuse it.
MAX_GRAM_FEATURES = 10_000
#: Conjugate-gradient iterations allowed to ridge on a wide sparse X, per unit of
#: min(n, p) + 1 (in exact arithmetic CG ends within rank(Xc) + 1 ≤ min(n, p) + 1).
CG_ITERATIONS_PER_RANK = 5
#: Beyond the gap tolerance, conjugate gradients aim at ||∇F(w)|| ≤ alpha·CG_COEF_RTOL·||w||,
#: which bounds the forward error ||w − w*|| ≤ ||∇F(w)||/alpha ≤ CG_COEF_RTOL·||w|| since F
#: is alpha-strongly convex: the coefficients of a direct solve, not only a certified value.
CG_COEF_RTOL = 1e-11


def ridge(
    X: Any,
    y: Any,
    alpha: float,
    *,
    fit_intercept: bool = True,
    penalty_factor: Any = None,
    sample_weight: Any = None,
    positive: bool = False,
) -> PenalizedFit:
    """Ridge regression: the MAP estimate under independent Normal(0, τ) priors.

    Minimizes::

        F(w, w0) = 1/(2n) ||y − w0 − X w||² + alpha/2 ||w||²

    (``alpha = σ²/(n τ²)`` for noise σ and prior scale τ). The intercept is not
    penalized. The solution of ``(Xcᵀ Xc + n·alpha·I) w = Xcᵀ yc`` is found by

    * Cholesky of the p×p normal equations when n ≥ p,
    * Cholesky of the n×n kernel system ``(Xc Xcᵀ + n·alpha·I) a = yc``, ``w = Xcᵀ a``,
      when p > n,
    * the thin SVD of ``Xc`` when alpha = 0 (minimum-norm least squares, singular
      values below ``max(n, p)·eps·d_max`` treated as zero), when Cholesky fails, or
      when its condition estimate is above ``1/MIN_CHOLESKY_RCOND``;
    * for a scipy.sparse X of more than ``MAX_GRAM_FEATURES`` (10000) columns, conjugate
      gradients on the normal equations (module docstring), Jacobi-preconditioned,
      without forming ``XcᵀXc`` or densifying X, run until the duality gap below is at
      most ``tol``.

    No matrix is ever inverted explicitly.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), scipy.sparse CSR/CSC matrix, or SufficientStats
        The design, or its sufficient statistics (then ``y=None``): the same problem is
        solved from ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc`` (Cholesky, or the eigendecomposition
        of ``XcᵀXc`` where the SVD would be used), and certified from them against
        ``max(tol, rounding floor of the gap from the statistics)``, see
        ``bayesreg.core._stats_solvers``. A sparse X is never densified (the centering
        is implicit) and is accepted at any p: up to ``MAX_GRAM_FEATURES`` columns it
        is solved like statistics from ``XcᵀXc`` formed by sparse products, beyond by
        conjugate gradients, which need alpha > 0.
    y : array-like of shape (n_samples,), or None with SufficientStats
    alpha : float
        Penalty strength, ≥ 0.
    fit_intercept : bool, default True
        Fit an unpenalized intercept ``w0`` (by centering X and y).
    penalty_factor : array-like of shape (n_features,), optional
        Finite factors ``v_j ≥ 0``, not all 0 (glmnet's ``penalty.factor``, **not**
        rescaled): the normal equations ``(XcᵀXc + n·alpha·diag(v)) w = Xcᵀyc`` (module
        docstring). None: all ones, bit for bit the same computation; with alpha = 0
        the factors are only checked.
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0`` (finite, not all 0): minimizes
        ``1/(2Σs) Σ_i s_i (y_i − w0 − x_iᵀw)² + alpha/2 ||w||²`` (scikit-learn's
        ``Ridge(alpha·Σs).fit(X, y, sample_weight=s)``), the ordinary problem in the
        weighted rows (:func:`~bayesreg.core.data.least_squares_data`). None or constant:
        the unweighted fit, bit for bit. Weighted SufficientStats carry the weights
        already (``SufficientStats.from_arrays(..., sample_weight=s)``).
    positive : bool, default False
        Non-negative ridge: F minimized over ``w ≥ 0``, the MAP under independent
        HalfNormal(τ) priors (the Gaussian prior truncated to ``w ≥ 0``). No longer a
        linear solve: it is ``elastic_net(X, y, alpha, 0.0, positive=True)``, the
        active-set method with no L1 term and the one-sided optimality condition
        ``u_j ≤ 0`` at ``w_j = 0``, certified by the duality gap of the constrained
        problem (``certificate``, ``tol`` as there). Needs alpha > 0 (alpha = 0 is
        non-negative least squares, not unique when p > n: ``scipy.optimize.nnls``) and
        every penalty factor > 0; ``sample_weight`` as in ``elastic_net``.

    Returns
    -------
    PenalizedFit
        ``gap`` is the duality gap ``F(w) − D(r/n) = ||∇F(w)||²/(2 alpha)`` (for
        alpha = 0, ``D`` at the projection of ``r/n`` onto ``{θ : Xcᵀθ = 0}``), computed
        as a sum of non-negative terms, so it is ≥ 0 and free of cancellation.
        ``converged`` is ``gap ≤ tol`` with
        ``tol = max(RELATIVE_GAP_TOL · ||yc||²/(2n), rounding floor)``: the floor is the
        standard estimate of the rounding error of the gap itself (large only when
        ``n·alpha`` is tiny against ``d_max²``, where the objective is flat along the
        small singular directions and no computed w can be certified more finely; when
        ``n·alpha`` is below about ``eps·d_max²``, ``tol`` exceeds ``F(0)`` and the gap
        certifies nothing: the SVD solution is then least squares to working precision).
        ``n_iter`` is 1 for the direct solves, the number of conjugate-gradient
        iterations for a sparse X of more than 10000 columns (at most
        ``CG_ITERATIONS_PER_RANK·(min(n, p) + 1)``).

    Raises
    ------
    DataError
        For alpha = 0 with a sparse X of more than 10000 columns: least squares is then
        not unique when p ≥ n, and conjugate gradients are certified for alpha > 0 only.

    Warns
    -----
    ConvergenceWarning
        If the gap exceeds ``tol``: the computed solution is not optimal to working
        precision (for conjugate gradients: the iteration budget ran out, or the
        iterates stopped improving, before the gap reached ``tol``).

    Examples
    --------
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> fit = ridge(X, y, 0.01)
    >>> fit.converged
    True
    """
    penalty = check_finite_nonneg(alpha, "alpha")
    if check_bool(positive, "positive"):
        return _nonnegative_ridge(X, y, penalty, fit_intercept, penalty_factor, sample_weight)
    problem = least_squares_data(X, y, fit_intercept=fit_intercept, sample_weight=sample_weight)
    factor = check_penalty_factor(penalty_factor, problem.n_features)
    if factor is None or penalty == 0.0:
        return solve_ridge(problem, penalty)
    factored = factor_problem(problem, factor)
    fit = solve_ridge(factored.problem, penalty)
    coef = factored.coef(fit.coef)
    return replace(fit, coef=coef, intercept=problem.intercept(coef))


def _nonnegative_ridge(
    X: Any, y: Any, alpha: float, fit_intercept: bool, penalty_factor: Any, sample_weight: Any
) -> PenalizedFit:
    """``ridge(..., positive=True)``: the elastic net with ``l1_ratio = 0`` on ``w ≥ 0``."""
    from bayesreg.core.enet_solver import elastic_net

    if alpha == 0.0:
        raise InputValueError(
            "positive=True needs alpha > 0; got alpha = 0.0, non-negative least squares, "
            "which is not unique when p > n. Use scipy.optimize.nnls, or give alpha > 0."
        )
    return elastic_net(
        X,
        y,
        alpha,
        0.0,
        fit_intercept=fit_intercept,
        penalty_factor=penalty_factor,
        positive=True,
        sample_weight=sample_weight,
    )


def solve_ridge(problem: CenteredProblem, alpha: float) -> PenalizedFit:
    """:func:`ridge` on validated data: from the dense rows, else from the Gram matrix.

    A sparse X of more than :data:`MAX_GRAM_FEATURES` columns is solved by conjugate
    gradients (:func:`_ridge_by_conjugate_gradients`).
    """
    n_iter = 1
    if problem.kind == "dense":
        coef, gap, tol, value = _ridge_from_rows(problem, alpha)
    elif isinstance(problem, SparseRows) and problem.n_features > MAX_GRAM_FEATURES:
        coef, gap, tol, value, n_iter = _ridge_by_conjugate_gradients(problem, alpha)
    else:
        _require_gram_size(problem, "ridge")
        coef, gap, tol, value = ridge_from_statistics(problem, alpha)
    certificate = Certificate("duality gap", gap, tol)
    if not certificate.converged:
        _warn_gap(gap, tol, alpha)
    return PenalizedFit(
        coef=coef,
        intercept=problem.intercept(coef),
        alpha=alpha,
        l1_ratio=0.0,
        objective=value,
        n_iter=n_iter,
        **certificate.fit_fields(),
    )


def _ridge_from_rows(
    problem: CenteredProblem, alpha: float
) -> tuple[FloatArray, float, float, float]:
    """``(coef, gap, threshold, objective)`` from the dense centered rows (module docstring)."""
    Xc, yc = problem.dense_rows()
    shift = problem.n_samples * alpha
    coef = cholesky_coef(Xc, yc, shift) if shift > 0.0 else None
    basis = None
    if coef is None:
        spectrum = svd_spectrum(Xc, yc)
        coef, basis = spectrum.coefs(np.array([shift]))[0], spectrum.basis
    residual = yc - Xc @ coef
    coefs, residuals, penalties = coef[None, :], residual[None, :], np.array([alpha])
    gap = float(duality_gaps(Xc, coefs, residuals, penalties, basis)[0])
    tol = float(gap_thresholds(Xc, yc, coefs, residuals, penalties)[0])
    value = float(residual @ residual) / (2.0 * problem.n_samples) + penalty_value(coef, alpha, 0.0)
    return coef, gap, tol, value


def _ridge_by_conjugate_gradients(
    problem: SparseRows, alpha: float
) -> tuple[FloatArray, float, float, float, int]:
    """``(coef, gap, threshold, objective, iterations)`` for a wide sparse X, by CG.

    Solves ``A w = Xcᵀyc``, ``A = XcᵀXc + n·alpha·I``, with ``A v = Xcᵀ(Xc v) + n·alpha·v``
    from the implicitly centered sparse products and the Jacobi preconditioner
    ``diag(A)⁻¹`` (``diag(XcᵀXc)_j = ||x_j||² − n x̄_j²``). The CG residual
    ``Xcᵀyc − A w`` is ``−n ∇F(w)``, so CG is asked for ``||∇F|| ≤ min(√(2 alpha tol),
    alpha·CG_COEF_RTOL·||w||)``: the gap ``||∇F||²/(2 alpha)`` at most ``tol``, and the
    forward error ``||w − w*|| ≤ ||∇F||/alpha`` (F is alpha-strongly convex) at most
    ``CG_COEF_RTOL·||w||``. Both are then checked on the gradient recomputed from the
    rows (``r = yc − Xc w``, ``∇F = alpha·w − Xcᵀr/n``), and CG is restarted from ``w``
    (with its true residual) while one is unmet and the gap still decreases (it stops
    decreasing at the rounding level), within ``CG_ITERATIONS_PER_RANK·(min(n, p) + 1)``
    iterations in all. The caller reports ``converged = gap ≤ tol``.
    """
    n_samples, n_features = problem.n_samples, problem.n_features
    if not alpha > 0.0:
        raise DataError(
            f"ridge with alpha = 0 and a sparse X of shape ({n_samples}, {n_features}): "
            f"beyond {MAX_GRAM_FEATURES} columns ridge solves by conjugate gradients, "
            "which it certifies for alpha > 0 only (least squares is not unique when "
            "p ≥ n). Pass alpha > 0, or select columns first."
        )
    shift = n_samples * alpha
    design, target = problem.X, problem.y
    column_norms = np.asarray(design.multiply(design).sum(axis=0), dtype=np.float64).ravel()
    column_norms = np.maximum(column_norms - n_samples * problem.x_mean**2, 0.0)
    design_norm = float(np.sqrt(column_norms.sum()))  # ||Xc||_F
    inverse_diagonal = 1.0 / (column_norms + shift)

    def normal_operator(v: FloatArray) -> FloatArray:
        values: FloatArray = problem.rmatvec(problem.matvec(v)) + shift * v
        return values

    def jacobi(v: FloatArray) -> FloatArray:
        values: FloatArray = inverse_diagonal * v
        return values

    shape = (n_features, n_features)
    operator = scipy.sparse.linalg.LinearOperator(shape, matvec=normal_operator, dtype=np.float64)
    preconditioner = scipy.sparse.linalg.LinearOperator(shape, matvec=jacobi, dtype=np.float64)
    budget = int(CG_ITERATIONS_PER_RANK * (min(n_samples, n_features) + 1))
    iterations = 0

    def count(_: FloatArray) -> None:
        nonlocal iterations
        iterations += 1

    coef, gap = np.zeros(n_features), np.inf
    tol = RELATIVE_GAP_TOL * problem.yty / (2.0 * n_samples)
    wanted = np.sqrt(2.0 * alpha * tol)  # the ||∇F|| of gap = tol
    while True:
        # the CG residual is −n∇F; ask its recurrence for half the wanted norm
        coef, _ = scipy.sparse.linalg.cg(
            operator, problem.xty, x0=coef, rtol=0.0, atol=0.5 * n_samples * wanted,
            maxiter=budget - iterations, M=preconditioner, callback=count,
        )  # fmt: skip
        residual = target - problem.matvec(coef)
        gradient = alpha * coef - problem.rmatvec(residual) / n_samples
        previous, gap = gap, float(gradient @ gradient) / (2.0 * alpha)
        tol = float(
            gap_thresholds_from_norms(
                (problem.n_samples, problem.n_features),
                design_norm,
                problem.yty,
                coef[np.newaxis],
                residual[np.newaxis],
                np.array([alpha]),
            )[0]
        )
        gradient_norm = np.sqrt(2.0 * alpha * gap)
        wanted = np.sqrt(2.0 * alpha * tol)
        forward = alpha * CG_COEF_RTOL * float(np.linalg.norm(coef))
        if forward > 0.0:
            wanted = min(wanted, forward)
        if gradient_norm <= wanted or iterations >= budget or not gap < 0.5 * previous:
            break
    value = float(residual @ residual) / (2.0 * n_samples) + penalty_value(coef, alpha, 0.0)
    return coef, gap, tol, value, iterations


def ridge_path(
    X: Any, y: Any, alphas: Any, *, fit_intercept: bool = True, sample_weight: Any = None
) -> RidgePathFit:
    """Ridge solutions for many alphas from one factorization, with df, GCV and LOO error.

    With ``Xc = U diag(d) Vᵀ`` (singular values below ``max(n, p)·eps·d_max`` dropped)
    and ``s_j(α) = d_j² / (d_j² + nα)``, every alpha costs only matrix products:

    * coefficients ``w(α) = V diag(d / (d² + nα)) Uᵀ yc``;
    * hat matrix ``H(α) = 11ᵀ/n + U diag(s(α)) Uᵀ`` (without ``11ᵀ/n`` when no intercept
      is fitted), so ``ŷ = H y``;
    * effective degrees of freedom ``df(α) = Σ_j s_j(α)`` (the intercept not counted);
    * generalized cross-validation
      ``GCV(α) = mean(r²) / (1 − tr H(α)/n)²`` with ``tr H = df + 1`` when an intercept
      is fitted, ``tr H = df`` otherwise;
    * exact leave-one-out error ``LOO(α) = mean((r_i / (1 − h_ii))²)``, the mean squared
      error of refitting without sample i and predicting it (both the intercept and w
      refitted), from the diagonal ``h_ii`` of ``H(α)``.

    The factorization is the thin SVD of ``Xc``, or, when the smallest alpha keeps the
    normal equations well conditioned (``(d_max² + nα_min)/(nα_min) ≤ 1/MIN_CHOLESKY_RCOND``,
    the rule :func:`ridge` applies to Cholesky), the cheaper eigendecomposition of the
    smaller Gram matrix (``XcᵀXc`` or ``XcXcᵀ``), which gives the same quantities with
    ``d_j² = λ_j``. The residuals ``r = yc − Xc w(α)`` and the duality gaps are computed
    from ``Xc`` itself, not from the factors, so they check the factorization. Where
    ``h_ii = 1`` (a sample fitted exactly at alpha = 0), GCV or LOO is ``inf``.

    The LOO shortcut refits without sample i at the same total penalty ``n·alpha``
    (``alpha·n/(n − 1)`` in the averaged convention of the n − 1 remaining samples).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or SufficientStats
        With sufficient statistics (``y=None``) the path comes from the eigendecomposition
        of ``XcᵀXc``; ``gcv`` uses the residual from the statistics and ``loo`` is NaN
        (it needs each row's leverage).
    y : array-like of shape (n_samples,), or None with SufficientStats
    alphas : array-like of shape (k,)
        Penalty strengths, ≥ 0, in any order; the path is returned in decreasing order
        of alpha (as ``lasso_path`` returns it).
    fit_intercept : bool, default True
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights, as in :func:`ridge`. The path is that of the weighted rows
        ``X̃ = diag(√s̃)Xc``, ``ỹ = diag(√s̃)yc`` (``s̃ = n·s/Σs``): ``gcv`` and ``loo`` are
        then weighted means ``Σ s_i e_i²/Σs`` of the squared (leave-one-out) errors, with
        the intercept's leverage ``s̃_i/n`` in ``h_ii``.

    Returns
    -------
    RidgePathFit
        ``alphas`` decreasing; ``coefs[i]``, ``intercepts[i]``, ``gaps[i]`` (as in
        :func:`ridge`), ``objectives[i]``, ``df[i]``, ``gcv[i]``, ``loo[i]`` belong to
        ``alphas[i]``; ``alpha_max = inf`` (no finite ridge penalty zeroes w).

    Warns
    -----
    ConvergenceWarning
        If any gap exceeds its threshold (as in :func:`ridge`).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import ridge, ridge_alphas, ridge_path
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> path = ridge_path(X, y, ridge_alphas(X, n_alphas=30))
    >>> path.coefs.shape, bool(path.converged.all())
    ((30, 10), True)

    Each row is the ridge solution at its alpha, and GCV chooses one:

    >>> bool(np.allclose(path.coefs[10], ridge(X, y, path.alphas[10]).coef))
    True
    >>> best = int(np.argmin(path.gcv))
    >>> bool(0 < path.df[best] < 10)
    True
    """
    grid = np.sort(check_alphas(alphas))[::-1].copy()
    problem = least_squares_data(X, y, fit_intercept=fit_intercept, sample_weight=sample_weight)
    if problem.kind == "dense":
        path, certificates = _ridge_path_from_rows(problem, grid)
    else:
        _require_gram_size(problem, "ridge_path")
        path, certificates = ridge_path_from_statistics(problem, grid)
    if not np.all(certificates.converged):
        worst = certificates.worst()
        gap, tol = float(certificates.values[worst]), float(certificates.tols[worst])
        _warn_gap(gap, tol, float(grid[worst]))
    return path


def _ridge_path_from_rows(
    problem: CenteredProblem, grid: FloatArray
) -> tuple[RidgePathFit, PathCertificates]:
    """:func:`ridge_path` from the dense centered rows (one factorization), with its
    certificates."""
    Xc, yc = problem.dense_rows()
    n_samples = problem.n_samples
    shifts = n_samples * grid
    # The Gram factors when the smallest shift keeps them as accurate as Cholesky in
    # ridge(), else the SVD (always at alpha = 0).
    spectrum = gram_spectrum(Xc, yc, float(shifts[-1])) if shifts[-1] > 0.0 else None
    if spectrum is None:
        spectrum = svd_spectrum(Xc, yc)
    coefs = spectrum.coefs(shifts)
    residuals = yc[None, :] - coefs @ Xc.T
    certificates = PathCertificates(
        duality_gaps(Xc, coefs, residuals, grid, spectrum.basis),
        gap_thresholds(Xc, yc, coefs, residuals, grid),
    )

    # df(α) = Σ_j λ_j/(λ_j + nα); h_ii(α) = [1/n] + Σ_j W_ij/(λ_j + nα)
    filters = spectrum.filters(shifts)
    df = np.sum(spectrum.eigenvalues * filters, axis=1)
    leverage = filters @ spectrum.leverage_weights.T
    leverage += problem.intercept_leverage if problem.fit_intercept else 0.0
    trace_hat = df + (1.0 if problem.fit_intercept else 0.0)
    mean_squared_residual = np.mean(residuals**2, axis=1)
    gcv = _ratio_or_inf(mean_squared_residual, (1.0 - trace_hat / n_samples) ** 2)
    loo = np.mean(_ratio_or_inf(residuals, 1.0 - leverage) ** 2, axis=1)
    rss = np.array([float(r @ r) for r in residuals])
    path = ridge_path_fit(problem, grid, coefs, rss, certificates, df=df, gcv=gcv, loo=loo)
    return path, certificates


def ridge_alphas(X: Any, *, n_alphas: int = 100, fit_intercept: bool = True) -> FloatArray:
    """A decreasing grid of alphas that spans the whole ridge path of ``X``.

    With ``d_max``, ``d_min`` the largest and smallest non-zero singular values of ``Xc``
    (rank k), ``n_alphas`` values are spaced evenly on the log scale from
    ``1e3·d_max²/n`` down to ``1e-2·d_min²/n``; the degrees of freedom
    ``df(α) = Σ_j d_j²/(d_j² + nα)`` then run from at most ``k/1001`` to at least
    ``k/1.01``. The grid depends on X only, not on y.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_alphas : int, default 100
    fit_intercept : bool, default True
        Use the centered ``Xc`` (as the fit does).

    Returns
    -------
    ndarray of shape (n_alphas,)

    Raises
    ------
    DataError
        If ``Xc`` is zero (every column constant when an intercept is fitted).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import ridge_alphas
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> alphas = ridge_alphas(X, n_alphas=50)
    >>> alphas.shape, bool(np.all(np.diff(alphas) < 0))
    ((50,), True)
    """
    count = check_positive_int(n_alphas, "n_alphas")
    with_intercept = check_bool(fit_intercept, "fit_intercept")
    d = centered_singular_values(X, fit_intercept=with_intercept, caller="ridge_alphas")
    if not d[0] > 0.0:
        raise DataError(
            "X has no variation (every column is constant, or zero), so no alpha grid can "
            "be derived from it; drop constant columns or pass alphas explicitly."
        )
    n_samples = X.shape[0]
    kept = d[: numerical_rank(d, (n_samples, d.size))]
    grid: FloatArray = np.geomspace(
        RIDGE_GRID_TOP * kept[0] ** 2 / n_samples,
        RIDGE_GRID_BOTTOM * kept[-1] ** 2 / n_samples,
        count,
    )
    return grid


def centered_singular_values(
    X: Any, *, fit_intercept: bool = True, caller: str = "centered_singular_values"
) -> FloatArray:
    """Singular values of ``Xc``, decreasing: by SVD, or from the Gram matrix of a sparse X.

    ``X`` is dense or scipy.sparse CSR/CSC (up to :data:`MAX_GRAM_FEATURES` columns,
    whose ``XcᵀXc`` is formed from sparse products: ``d_j = √λ_j(XcᵀXc)``); ``caller``
    names the public function in the message that refuses a wider sparse X. The values
    depend on X only, so a zero target stands in for y.
    """
    design = as_design_or_sparse(X)
    problem = least_squares_data(design, np.zeros(design.shape[0]), fit_intercept=fit_intercept)
    if problem.kind == "dense":
        return scipy.linalg.svdvals(problem.dense_rows()[0], check_finite=False)
    _require_gram_size(problem, caller)
    eigenvalues = scipy.linalg.eigvalsh(problem.gram(), check_finite=False)[::-1]
    values: FloatArray = np.sqrt(np.maximum(eigenvalues, 0.0))
    return values


def _require_gram_size(problem: CenteredProblem, name: str) -> None:
    """Refuse a sparse design whose dense p × p Gram matrix would not fit in memory."""
    if problem.n_features > MAX_GRAM_FEATURES:
        raise DataError(
            f"{name} with a sparse X of {problem.n_features} columns would form the dense "
            f"{problem.n_features} × {problem.n_features} Gram matrix XcᵀXc "
            f"({8 * problem.n_features**2 / 1e9:.1f} GB); it does so only up to "
            f"p = {MAX_GRAM_FEATURES}. For large sparse designs use lasso or elastic_net "
            "(they form Gram blocks of the active columns only), or select columns first."
        )


def _ratio_or_inf(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """``numerator / denominator``, and ``inf`` where the denominator is ≤ 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio: FloatArray = numerator / denominator
    ratio[np.broadcast_to(denominator <= 0.0, ratio.shape)] = np.inf
    return ratio


def _warn_gap(gap: float, tol: float, alpha: float) -> None:
    warn(
        f"ridge: the duality gap {gap:.3e} at alpha={alpha!r} is above its threshold "
        f"{tol:.3e} (max of {RELATIVE_GAP_TOL:g} · ||yc||²/(2n) and the rounding floor of "
        "the gap), so the solution is not certified optimal to working precision.",
        ConvergenceWarning,
    )
