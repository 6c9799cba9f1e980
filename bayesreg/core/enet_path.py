"""The lasso / elastic-net path and the penalty strength that zeroes every coefficient.

Along a decreasing grid of ``alpha`` the minimizers of::

    F(w) = 1/(2n) ||yc − Xc w||² + alpha · (r ||w||₁ + (1 − r)/2 ||w||²)

(``r = l1_ratio``, intercept profiled out by centering) are computed by the exact
active-set method of :mod:`bayesreg.core.enet_solver`, each warm-started at
the previous solution: the support changes little between neighbouring alphas, so
a solve on the previous support followed by one pass over all features (which
checks the optimality condition ``|u_j| ≤ alpha·r`` of every feature, with
``u = Xcᵀ(yc − Xc w)/n``, and adds the violators) usually certifies the new solution
in two passes. No feature is ever discarded without that check.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.core.enet_solver import (
    DEFAULT_MAX_ITER,
    DEFAULT_TOL,
    EnetProblem,
    least_squares_inputs,
)
from bayesreg.core.results import PathCertificates, PathFit, warn_unconverged_path
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import (
    check_bool,
    check_grid_eps,
    check_l1_ratio,
    check_path_alphas,
    check_positive_int,
    check_tol,
)

__all__ = ["alpha_max", "lasso_path", "solve_lasso_path"]


def alpha_max(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    fit_intercept: bool = True,
    penalty_factor: Any = None,
    positive: bool = False,
    sample_weight: Any = None,
) -> float:
    """Smallest alpha whose elastic-net solution is all zeros.

    ``w = 0`` is optimal iff ``0 ∈ −Xcᵀyc/n + alpha·r·∂||0||₁``, i.e.
    ``||Xcᵀyc||∞ / n ≤ alpha·r``, so::

        alpha_max = ||Xcᵀ yc||∞ / (n · l1_ratio)

    (``inf`` for ``l1_ratio = 0``: ridge never sets a coefficient exactly to zero
    unless its correlation with ``y`` is zero).

    With penalty factors ``v`` the condition is ``|Xcᵀyc|_j / n ≤ alpha·r·v_j`` for each
    penalized j. An unpenalized column (``v_j = 0``) is never zero, so alpha_max is
    defined on the problem with those columns already fitted (``yc`` and the penalized
    columns residualized on them, ``M = I − Zc(ZcᵀZc)⁻¹Zcᵀ``): the smallest alpha at
    which every *penalized* coefficient is zero::

        alpha_max = max_{j: v_j > 0} |(M Xc)_jᵀ M yc| / (n · l1_ratio · v_j)

    With ``positive=True`` (``w ≥ 0``) the condition is one-sided, ``(Xcᵀyc)_j / n ≤
    alpha·r·v_j``, so ``alpha_max = max_j (Xcᵀyc)_j⁺ / (n·l1_ratio·v_j)``. It is 0 when no
    column is positively correlated with ``y``: then every alpha > 0 gives ``w = 0``
    (and :func:`lasso_path` needs explicit ``alphas``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or SufficientStats
    y : array-like of shape (n_samples,), or None with SufficientStats
    l1_ratio : float, default 1.0
        Mix ``r`` in [0, 1].
    fit_intercept : bool, default True
        Center ``X`` and ``y`` first (the intercept is unpenalized).
    penalty_factor : array-like of shape (n_features,), optional
        Per-coefficient factors ``v_j ≥ 0`` (not rescaled), as in
        :func:`~bayesreg.core.enet_solver.elastic_net`; None: all ones.
    positive : bool, default False
        The problem constrained to ``w ≥ 0`` (every factor must then be > 0).
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights, as in :func:`~bayesreg.core.enet_solver.elastic_net`:
        ``alpha_max = max_j |X̃ᵀỹ|_j / (n·r)`` of the weighted rows, i.e.
        ``max_j |Σ_i s_i (x_ij − x̄_j)(y_i − ȳ)| / (Σs·r)`` with weighted means.

    Returns
    -------
    float

    Examples
    --------
    At ``alpha_max`` every coefficient is zero; just below it, one enters:

    >>> from bayesreg import alpha_max, lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> a = alpha_max(X, y)
    >>> round(a, 3)
    2.148
    >>> lasso(X, y, a).n_nonzero, lasso(X, y, 0.99 * a).n_nonzero
    (0, 1)
    """
    l1_ratio = check_l1_ratio(l1_ratio)
    inputs = least_squares_inputs(
        X,
        y,
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
    )
    return inputs.elastic_net(l1_ratio).alpha_max()


def lasso_path(
    X: Any,
    y: Any,
    alphas: Any = None,
    l1_ratio: float = 1.0,
    *,
    n_alphas: int = 100,
    eps: float = 1e-3,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    penalty_factor: Any = None,
    positive: bool = False,
    sample_weight: Any = None,
) -> PathFit:
    """Lasso (or elastic-net) solutions along a decreasing grid of alphas.

    Each ``coefs[i]`` minimizes::

        F(w, w0) = 1/(2n) ||y − w0 − X w||² + alphas[i] (r ||w||₁ + (1 − r)/2 ||w||²)

    with ``r = l1_ratio``, certified by ``gaps[i]``: its duality gap, or its KKT residual
    where the gap is within its rounding floor (tiny alphas; ``certificates[i]`` says
    which), by the rule of :func:`bayesreg.core.enet_solver.elastic_net`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or SufficientStats
        Design matrix (a DataFrame works), or its sufficient statistics (then ``y=None``).
    y : array-like of shape (n_samples,), or None with SufficientStats
        Target.
    alphas : array-like of float > 0, optional
        Penalty strengths. They are **sorted in decreasing order** before solving
        (warm starts run from strong to weak penalties), and ``PathFit.alphas`` holds
        them in that order. Default: ``n_alphas`` values spaced geometrically from
        :func:`alpha_max` down to ``eps · alpha_max``.
    l1_ratio : float, default 1.0
        Mix ``r`` in [0, 1]. With ``r = 0`` (ridge) there is no alpha_max, so pass
        ``alphas`` (or use ``ridge_path``).
    n_alphas : int, default 100
        Length of the default grid (ignored when ``alphas`` is given).
    eps : float, default 1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    fit_intercept : bool, default True
        Fit the unpenalized intercept.
    tol : float, default 1e-12
        Relative tolerance of each solution's certificate: of the duality gap to
        ``||yc||²/(2n)``, or of the KKT residual to ``||Xcᵀyc||∞/n``.
    max_iter : int, default 1000
        Maximum outer iterations per alpha.
    penalty_factor : array-like of shape (n_features,), optional
        Per-coefficient factors ``v_j ≥ 0`` (glmnet's ``penalty.factor``, **not**
        rescaled to sum to p): the penalty is ``alphas[i] Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]``,
        solved and certified as in :func:`~bayesreg.core.enet_solver.elastic_net`. The
        default grid then starts at the :func:`alpha_max` of the factors (unpenalized
        columns already fitted). None: all ones, the same computation as omitting it.
    positive : bool, default False
        Minimize over ``w ≥ 0`` (the non-negative lasso / elastic net, as in
        :func:`~bayesreg.core.enet_solver.elastic_net`); the default grid starts at the
        one-sided :func:`alpha_max`. When no column is positively correlated with ``y``
        that is 0 and the default grid is refused (``DataError``): pass ``alphas``.
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0``: each ``coefs[i]`` minimizes
        ``1/(2Σs) Σ_i s_i (y_i − w0 − x_iᵀw)² + alphas[i]·P(w)``, as in
        :func:`~bayesreg.core.enet_solver.elastic_net`; the default grid starts at the
        weighted :func:`alpha_max`.

    Returns
    -------
    PathFit
        ``alphas`` (decreasing), ``coefs`` (k, p) with exact zeros, ``intercepts``,
        ``gaps``, ``certificates``, ``objectives``, ``converged``, ``n_iters`` and
        ``alpha_max``.

    Warns
    -----
    ConvergenceWarning
        When some solution's certificate did not reach its threshold (its ``converged``
        is False).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import lasso_path
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> path = lasso_path(X, y, n_alphas=30)
    >>> path.coefs.shape, bool(path.converged.all())
    ((30, 10), True)
    >>> n_nonzero = np.count_nonzero(path.coefs, axis=1)
    >>> int(n_nonzero[0]), int(n_nonzero[-1])  # from alpha_max down to alpha_max/1000
    (0, 10)
    """
    l1_ratio = check_l1_ratio(l1_ratio)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    tol = check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    grid = _check_user_alphas(alphas) if alphas is not None else None
    if grid is None:
        n_alphas = check_positive_int(n_alphas, "n_alphas")
        eps = check_grid_eps(eps)
        if l1_ratio == 0.0:
            raise InputValueError(
                "l1_ratio = 0 (ridge) has no alpha_max, so the default grid is undefined; "
                "pass alphas explicitly, or use ridge_path(X, y, alphas)."
            )
    inputs = least_squares_inputs(
        X,
        y,
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
    )
    return solve_lasso_path(
        inputs.elastic_net(l1_ratio, tol=tol, max_iter=max_iter), grid, n_alphas, eps
    )


def solve_lasso_path(
    problem: EnetProblem, grid: FloatArray | None, n_alphas: int, eps: float
) -> PathFit:
    """:func:`lasso_path` on validated data (``grid`` decreasing, or None for the default).

    Each solution is warm-started at the previous one and certified on its own; with
    penalty factors the path is solved on the reduced problem and its coefficients mapped
    back (:class:`~bayesreg.core.enet_solver.EnetProblem`).
    """
    top = problem.alpha_max()
    if grid is None:
        if top == 0.0 and problem.positive:
            raise DataError(
                "positive=True and no column of X is positively correlated with y "
                "(max_j (Xcᵀyc)_j ≤ 0), so every alpha > 0 gives w = 0 and the default grid "
                "from alpha_max = 0 is empty. Pass alphas explicitly."
            )
        if top == 0.0:
            raise DataError(
                "Xcᵀyc = 0: y (centered) is uncorrelated with every column of X, so every "
                "alpha > 0 gives w = 0 and the default grid from alpha_max = 0 is empty. "
                "Pass alphas explicitly."
            )
        grid = np.geomspace(top, eps * top, n_alphas)
    solutions = list(problem.solutions(grid, expected_passes=2 * grid.size))
    found = [
        problem.certify(solution, float(alpha))
        for alpha, solution in zip(grid, solutions, strict=True)
    ]
    certificates = PathCertificates.of(found)
    worst = certificates.worst()
    warn_unconverged_path(
        "lasso_path",
        certificates.converged,
        float(grid[worst]),
        found[worst].describe(),
        "Increase max_iter, or loosen tol if the certificate is at the rounding level.",
    )
    coefs = problem.coefs(np.array([solution.coef for solution in solutions]))
    return PathFit(
        alphas=grid,
        coefs=coefs,
        intercepts=problem.data.intercepts(coefs),
        l1_ratio=problem.l1_ratio,
        objectives=np.array([solution.objective for solution in solutions]),
        n_iters=np.array([solution.n_iter for solution in solutions], dtype=np.int64),
        alpha_max=top,
        **certificates.path_fields(),
    )


def _check_user_alphas(alphas: Any) -> FloatArray:
    """User alphas: finite and > 0, returned sorted in decreasing order."""
    return check_path_alphas(
        alphas, zero_hint="For least squares (alpha = 0) use ridge(X, y, 0.0)."
    )
