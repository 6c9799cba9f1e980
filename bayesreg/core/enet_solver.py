"""Lasso and elastic net: MAP estimates under Laplace and elastic-net priors, certified.

The objective (the package's one convention)::

    F(w, w0) = 1/(2n) ||y − w0 − X w||² + alpha · (r ||w||₁ + (1 − r)/2 ||w||²)

with ``r = l1_ratio``. The intercept is profiled out by centering (``w0 = ȳ − x̄ᵀw``).

The module keeps the name the problem is known by in scikit-learn and glmnet, but
the solver is not cyclic coordinate descent, which converges linearly and costs
about a microsecond per coordinate update in pure NumPy. It is an exact active-set
method (``bayesreg.core._active_set``): one pass over the data per outer iteration
checks every feature's optimality condition, and on the working set the minimizer
for a fixed sign pattern is one Cholesky solve, so the support is found exactly
and the solution is accurate to rounding. With many columns (p ≥ 200, n < p or too many
columns for the Gram matrix) that pass is restricted to a working set that grows while
columns outside it violate their condition (``bayesreg.core._working_set``, the idea of
celer and skglm), and one pass over all columns checks the full problem after each
restricted solve. On a sparse X whose support outgrows 250 columns, where the dense factor
of the support would cost too much, the working sets are solved by coordinate descent
instead (``bayesreg.core._sparse_cd``), to the requested gap rather than to rounding.
Convergence is certified by the duality
gap (``bayesreg.core._duality``), which is both the stopping rule and the returned
``gap``: the iteration stops when ``gap ≤ tol · F(0)`` with ``F(0) = ||yc||²/(2n)``
(and no zero coefficient violates its optimality condition beyond rounding), or at the
rounding level. Where floating point cannot resolve the gap at the solution (tiny
alpha, whose dual point is scaled by ``1/alpha``), the KKT residual certifies instead,
and the result says which (``certificate``); see :func:`elastic_net`.

**Penalty factors** (``penalty_factor=v``, glmnet's ``penalty.factor``): the penalty
``alpha Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]``, the MAP under independent priors with
per-coefficient scales (``alpha·v_j = σ²/(n b_j)`` Laplace, ``σ²/(n τ_j²)`` Gaussian,
``v_j = 0`` flat). With ``u_j = √v_j w_j`` and column j of ``Xc`` divided by ``√v_j`` it is
an elastic net with L1 weights ``alpha·r·√v_j`` and the uniform L2 weight ``alpha(1 − r)``;
unpenalized columns are profiled out like the intercept (Frisch–Waugh–Lovell; with the
intercept they must have full column rank, else a ``DataError``). The objective is the same
function under this bijection, so the certificate of the reduced problem — its duality gap
with the coordinatewise dual constraint ``|g_j| ≤ alpha·r·√v_j``, or its KKT residual, by
the same rule — bounds ``F(w) − min F`` exactly (:mod:`bayesreg.core._penalty_factor`).
The gap's threshold is then ``tol`` times the reduced ``F(0)`` (the objective at
``w_P = 0`` with the unpenalized coefficients fitted); ``objective`` is F itself.

**Sign constraints** (``positive=True``; scikit-learn's ``positive=True``, glmnet's
``lower.limits = 0``): F minimized over ``w ≥ 0`` (the intercept stays free), the MAP under
the elastic-net prior truncated to ``w ≥ 0`` — for the lasso independent
Exponential(rate 1/b) priors, the Laplace prior renormalized on ``[0, ∞)``. On ``w ≥ 0`` the
penalty is ``alpha Σ_j [r w_j + (1 − r)/2 w_j²]``, ``w_j = 0`` is optimal iff
``u_j ≤ alpha·r`` (one-sided), and the certificate is the duality gap of the constrained
problem, whose dual constraint ``Xcᵀθ ≤ alpha·r`` is one-sided too
(:mod:`bayesreg.core._duality`, "Sign constraints").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from bayesreg.core._active_set import ActiveSet, ActiveSetSolution, kkt_slack, solve_enet
from bayesreg.core._duality import (
    EnetCertificate,
    EnetPenalty,
    certify_enet,
    gap_threshold,
)
from bayesreg.core._least_squares import DesignData, LeastSquaresData, SparseDesignData
from bayesreg.core._penalty_factor import FactoredProblem, check_penalty_factor, factor_problem
from bayesreg.core._working_set import WORKING_SET_MIN_FEATURES, WorkingSetSolver
from bayesreg.core.data import (
    CenteredProblem,
    least_squares_data,
)
from bayesreg.core.results import PenalizedFit
from bayesreg.core.types import FloatArray
from bayesreg.errors import ConvergenceWarning, InputValueError, warn
from bayesreg.validation import (
    check_bool,
    check_finite_nonneg,
    check_l1_ratio,
    check_positive_int,
    check_tol,
)

__all__ = [
    "EnetProblem",
    "LeastSquaresInputs",
    "elastic_net",
    "lasso",
    "least_squares_inputs",
    "solve_elastic_net",
]

DEFAULT_TOL = 1e-12
DEFAULT_MAX_ITER = 1000
#: The relative gap at which a warm-start point of a single fit's path may stop (its
#: coordinate descent on sparse data; the exact method solves every point exactly).
WARM_START_TOL = 1e-2
#: Points per decade of alpha on the warm-start path of a single fit (n < p only).
CONTINUATION_PER_DECADE = 6
#: Outer passes a cold start takes when n ≥ p (7 to 10 measured on Toeplitz designs of
#: 200 to 1000 columns at alpha_max/100): what the choice of the data form expects.
COLD_START_PASSES = 8


def lasso(
    X: Any,
    y: Any,
    alpha: float,
    *,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    penalty_factor: Any = None,
    positive: bool = False,
    sample_weight: Any = None,
) -> PenalizedFit:
    """Lasso: the MAP estimate under independent Laplace(0, b) priors.

    Minimizes::

        F(w, w0) = 1/(2n) ||y − w0 − X w||² + alpha Σ_j v_j |w_j|

    (``v_j = 1`` unless ``penalty_factor`` is given; ``alpha·v_j = σ²/(n b_j)`` for noise
    σ and prior scales b_j). The intercept is not penalized. See :func:`elastic_net` for
    the method, the certificate and ``penalty_factor``. With ``positive=True`` the
    minimum is over ``w ≥ 0``: the non-negative lasso, the MAP under independent
    Exponential(rate 1/b) priors (the Laplace prior truncated to ``w ≥ 0``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or SufficientStats
        Design matrix (a DataFrame works), or its sufficient statistics (then ``y=None``);
        see :func:`elastic_net`.
    y : array-like of shape (n_samples,), or None with SufficientStats
        Target.
    alpha : float
        Penalty strength, > 0 (for least squares, alpha = 0, use ``ridge(X, y, 0.0)``).
    fit_intercept, tol, max_iter, penalty_factor, positive, sample_weight
        As in :func:`elastic_net`.

    Returns
    -------
    PenalizedFit
        ``coef`` with exact zeros, ``intercept``, ``objective``, ``gap`` (the
        certificate, ≥ 0), ``certificate`` (``"duality gap"``, or ``"kkt residual"``
        where the gap is within its rounding floor), ``converged``, ``n_iter`` and
        ``tol`` (the absolute threshold ``gap`` was checked against).

    Warns
    -----
    ConvergenceWarning
        When the certificate did not reach its threshold (the fit has
        ``converged=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> fit = lasso(X, y, 0.5)
    >>> fit.converged, fit.n_nonzero
    (True, 4)
    >>> np.flatnonzero(fit.coef)  # the selected features: bmi, bp, s3, s5
    array([2, 3, 6, 8])

    With ``positive=True``, the non-negative lasso:

    >>> bool(np.all(lasso(X, y, 0.5, positive=True).coef >= 0))
    True
    """
    return elastic_net(
        X,
        y,
        alpha,
        1.0,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
        penalty_factor=penalty_factor,
        positive=positive,
        sample_weight=sample_weight,
    )


def elastic_net(
    X: Any,
    y: Any,
    alpha: float,
    l1_ratio: float,
    *,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    penalty_factor: Any = None,
    positive: bool = False,
    sample_weight: Any = None,
) -> PenalizedFit:
    """Elastic net: the MAP estimate under the elastic-net prior.

    Minimizes::

        F(w, w0) = 1/(2n) ||y − w0 − X w||² + alpha (r ||w||₁ + (1 − r)/2 ||w||²)

    with ``r = l1_ratio`` (1 = lasso, 0 = ridge). The intercept ``w0 = ȳ − x̄ᵀw`` is
    profiled out by centering.

    Method: an exact active-set method. Each outer iteration computes the correlations
    ``u = Xcᵀ(yc − Xc w)/n`` of all features (from the Gram matrix ``XcᵀXc/n`` when
    n ≥ p, from ``Xc`` otherwise), the duality gap, and the features violating the
    optimality condition ``|u_j| ≤ alpha·r``, which join the working set. On the working
    set the minimizer for a fixed sign pattern ``σ`` solves
    ``(G_AA + alpha(1 − r) I) w_A = c_A − alpha r σ_A`` by Cholesky; a coordinate whose
    sign would flip leaves at zero. The support is found exactly and the solution is
    accurate to rounding. With p ≥ 200 columns read from the design (n < p, or p too
    large for the Gram matrix) the passes run over a working set of columns — the
    support and the columns of largest violation ``|u_j| − alpha·r`` — solved exactly,
    then one pass over all columns computes the certificate of the full problem and
    enlarges the working set by the violators found (at least doubling the new
    columns each round), until none is left. On a scipy.sparse X whose support
    outgrows 250 columns the working sets are solved by coordinate descent over their
    non-zeros (Anderson-accelerated, compiled with numba), stopped at half the gap
    threshold: the certificate is the same duality gap, but the support is exact only
    as far as ``tol`` resolves it (the exact method takes over again if the descent
    stalls on a support of at most 1000 columns).

    Certificate: the duality gap ``F(w) − D(θ) ≥ F(w) − min F`` at the dual point made
    from the residual (rescaled onto the dual-feasible set of the augmented-design
    lasso, or the Fenchel dual when ``r < 1``, whichever is tighter), computed from the
    correlations ``u``, whose rounding ``δ_j ≈ eps·√p·a_j`` (``a_j`` the size of the
    terms summed into ``u_j``, e.g. ``|c_j| + (|G||w|)_j``) bounds what it resolves
    (``bayesreg.core._duality.certify_enet``, one rule for every elastic-net solver):

    1. ``gap ≤ max(tol·F(0), e)``, ``e = eps·√p·(|w|ᵀa + (yy + |w|ᵀ(|c| + a))/2)`` the
       rounding of the gap's own terms: converged, ``certificate = "duality gap"``;
    2. else, if the gap is at most ``e`` plus the gap an exact minimizer shows with
       correlations off by ``δ`` — ``t²(rr/2 + l2/2||w||²) + 2 l1 t ||w||₁`` with
       ``t = δ∞/(l1 + δ∞)`` (the augmented point's scaling ``s = l1/||g||∞``), or
       ``Σ δ_j²/(2 l2)`` (Fenchel), whichever is smaller, ``l1 = alpha·r``,
       ``l2 = alpha(1 − r)``, both unbounded as alpha → 0 — the gap is unresolvable and
       the KKT residual ``max_j dist(u_j, alpha·∂P_j(w_j))`` decides: converged iff it is
       ``≤ max(tol·||c||∞, 16·δ∞)``, ``certificate = "kkt residual"``;
    3. otherwise not converged (duality gap).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or SufficientStats
        Design matrix (a DataFrame works), or its sufficient statistics (then ``y=None``).
        From statistics the solver reads ``G = XcᵀXc/n``, ``c = Xcᵀyc/n``, ``ycᵀyc/n``
        directly, with ``a = |c| + |G||w|`` in the floors of the certificate (below).
    y : array-like of shape (n_samples,), or None with SufficientStats
        Target.
    alpha : float
        Penalty strength, > 0.
    l1_ratio : float
        Mix ``r`` in [0, 1].
    fit_intercept : bool, default True
        Fit the unpenalized intercept ``w0``; otherwise ``w0 = 0``.
    tol : float, default 1e-12
        Relative tolerance: of the duality gap to ``F(0) = ||yc||²/(2n)``, or, where the
        gap is within its rounding floor, of the KKT residual to ``||Xcᵀyc||∞/n``
        (see :func:`elastic_net`).
    max_iter : int, default 1000
        Maximum number of outer iterations (passes over all features, or over the working
        set and the passes over all features that check it); when n < p at
        each point of the short warm-start path from alpha_max down to ``alpha`` that
        the solver then follows, and ``n_iter`` reports the passes summed over that path.
        A coordinate-descent solve of a sparse working set counts as one iteration; its
        epochs have their own bound (100000).
    penalty_factor : array-like of shape (n_features,), optional
        glmnet's ``penalty.factor``, finite ``v_j ≥ 0`` not all 0: the penalty becomes
        ``alpha Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]`` (``v_j = 0``: unpenalized), **not**
        rescaled to sum to p as glmnet does. None: all ones, bit for bit the same
        computation. Solved and certified exactly as a uniform problem (module
        docstring, "Penalty factors").
    positive : bool, default False
        Constrain every coefficient to ``w_j ≥ 0`` (scikit-learn's ``positive=True``,
        glmnet's ``lower.limits = 0``; the intercept stays free): the MAP under the prior
        truncated to ``w ≥ 0`` (module docstring, "Sign constraints"). A zero coefficient
        is optimal iff ``u_j ≤ alpha·r·v_j``; the certificate is the duality gap of the
        constrained problem, or its KKT residual (``|u_j − l1_j − l2 w_j|`` where
        ``w_j > 0``, ``max(u_j − l1_j, 0)`` where ``w_j = 0``) by the same rule.
        ``l1_ratio = 0`` gives non-negative ridge. With ``penalty_factor`` every factor
        must then be > 0 (a zero factor's column is profiled out by an unconstrained
        least-squares fit, which cannot keep its sign).
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0`` (finite, not all 0; scikit-learn's
        ``sample_weight``, Gaussian noise of variance ``σ²/s_i``): the data term becomes
        ``1/(2Σs) Σ_i s_i (y_i − w0 − x_iᵀw)²``, solved and certified as the ordinary
        problem in the weighted rows (:func:`~bayesreg.core.data.least_squares_data`).
        None or constant weights: the unweighted fit, bit for bit. Weighted
        SufficientStats carry the weights already
        (``SufficientStats.from_arrays(..., sample_weight=s)``).

    Returns
    -------
    PenalizedFit
        See :func:`lasso`.

    Warns
    -----
    ConvergenceWarning
        When the gap did not reach the threshold (the fit has ``converged=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import elastic_net, ridge
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> fit = elastic_net(X, y, 0.05, 0.5)
    >>> fit.converged, fit.coef.shape
    (True, (10,))

    ``l1_ratio = 0`` is ridge:

    >>> bool(np.allclose(elastic_net(X, y, 0.05, 0.0).coef, ridge(X, y, 0.05).coef))
    True
    """
    alpha = _check_alpha(alpha)
    l1_ratio = check_l1_ratio(l1_ratio)
    tol = check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    inputs = least_squares_inputs(
        X,
        y,
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
    )
    return solve_elastic_net(inputs.elastic_net(l1_ratio, tol=tol, max_iter=max_iter), alpha)


@dataclass(frozen=True)
class EnetProblem:
    """An elastic net at one ``l1_ratio`` on validated data, solved at one alpha or more.

    The solver works on the uniform ``problem``: ``data`` itself, or with penalty factors
    its reduction by :func:`~bayesreg.core._penalty_factor.factor_problem` (``factored``:
    L1 weights ``alpha·r·l1_scale_j``), whose coefficients :meth:`coefs` maps back to the
    columns of ``data``. ``positive`` (with every factor > 0, :func:`least_squares_inputs`)
    constrains ``w ≥ 0``, which the scaling ``u_j = √v_j w_j`` preserves.
    """

    data: CenteredProblem
    l1_ratio: float
    tol: float = DEFAULT_TOL
    max_iter: int = DEFAULT_MAX_ITER
    positive: bool = False
    factored: FactoredProblem | None = None

    @property
    def problem(self) -> CenteredProblem:
        """The uniform problem the solver works on."""
        return self.data if self.factored is None else self.factored.problem

    @property
    def l1_scale(self) -> FloatArray | None:
        """The L1 multipliers ``√v`` of the reduced problem (None: no penalty factors)."""
        return None if self.factored is None else self.factored.l1_scale

    def alpha_max(self) -> float:
        """The smallest alpha whose solution is all zeros (``inf`` for ``l1_ratio = 0``).

        ``max_j |Xcᵀyc|_j / (n·r·l1_scale_j)`` of the uniform problem, i.e.
        ``max_j |Xcᵀyc|_j / (n·r·v_j)`` of the original columns. With ``positive`` (``w ≥ 0``,
        where ``w = 0`` is optimal iff every ``(Xcᵀyc)_j/n ≤ alpha·r·v_j``) the positive parts
        ``(Xcᵀyc)_j⁺`` replace ``|Xcᵀyc|_j``: 0 when no column is positively correlated with
        y (then every alpha > 0 gives w = 0).
        """
        if self.l1_ratio == 0.0:
            return math.inf
        xty, l1_scale = self.problem.xty, self.l1_scale
        if self.positive:
            xty = np.maximum(xty, 0.0)
        largest = np.max(np.abs(xty) if l1_scale is None else np.abs(xty) / l1_scale)
        return float(largest) / (self.problem.n_samples * self.l1_ratio)

    def penalty(self, alpha: float) -> EnetPenalty:
        """The penalty at ``alpha`` of the uniform problem (L1 multipliers ``l1_scale``)."""
        return EnetPenalty(alpha, self.l1_ratio, self.l1_scale, self.positive)

    def solutions(
        self, grid: Iterable[float], expected_passes: int, *, warm_starts: bool = False
    ) -> Iterator[ActiveSetSolution]:
        """The solutions at each alpha of ``grid`` in turn, each warm-started at the previous.

        Each stops at ``tol·F(0)`` of the uniform problem (:func:`gap_threshold`); whether
        it is certified is for :meth:`certify` to say. ``warm_starts``: only the last
        alpha is wanted (a single fit's continuation), the others stop at
        ``max(tol, WARM_START_TOL)·F(0)`` — which only the working sets' coordinate
        descent reads; the exact method solves every point exactly.
        """
        problem = self.problem
        scale = problem.yty / problem.n_samples
        threshold = gap_threshold(scale, self.tol)
        solver_data = problem.solver_form(expected_passes=expected_passes)
        wide = problem.n_features >= WORKING_SET_MIN_FEATURES
        if wide and isinstance(solver_data, DesignData | SparseDesignData):
            solver = WorkingSetSolver(solver_data, kkt_slack(solver_data.xty))
            alphas = list(grid)
            loose = gap_threshold(scale, max(self.tol, WARM_START_TOL)) if warm_starts else None
            for position, alpha in enumerate(alphas):
                last = position == len(alphas) - 1
                target = threshold if loose is None or last else loose
                penalty = self.penalty(float(alpha))
                yield solver.solve(penalty, threshold=target, max_iter=self.max_iter)
            return
        active = ActiveSet()
        for alpha in grid:
            penalty = self.penalty(float(alpha))
            yield solve_enet(
                solver_data, active, penalty, threshold=threshold, max_iter=self.max_iter
            )

    @cached_property
    def _certificate_data(self) -> LeastSquaresData:
        return self.problem.certificate_form()

    def certify(self, solution: ActiveSetSolution, alpha: float) -> EnetCertificate:
        """The certificate of ``solution`` at ``alpha`` (:func:`certify_enet`)."""
        return certify_enet(
            self._certificate_data,
            solution.coef,
            solution.gap,
            self.penalty(alpha),
            tol=self.tol,
        )

    def coefs(self, solved: FloatArray) -> FloatArray:
        """The coefficients of the columns of ``data`` from the solver's (rows, shape (k, ·))."""
        return solved if self.factored is None else self.factored.coefs(solved)


@dataclass(frozen=True)
class LeastSquaresInputs:
    """A validated least-squares problem with its penalty factors and sign constraint."""

    problem: CenteredProblem
    factor: FloatArray | None
    positive: bool

    def elastic_net(
        self, l1_ratio: float, *, tol: float = DEFAULT_TOL, max_iter: int = DEFAULT_MAX_ITER
    ) -> EnetProblem:
        """The elastic net at ``l1_ratio`` on these data (penalty factors reduced here)."""
        factored = None if self.factor is None else factor_problem(self.problem, self.factor)
        return EnetProblem(self.problem, l1_ratio, tol, max_iter, self.positive, factored)


def least_squares_inputs(
    X: Any,
    y: Any,
    *,
    fit_intercept: Any,
    sample_weight: Any,
    penalty_factor: Any,
    positive: Any,
) -> LeastSquaresInputs:
    """Validate the data and the options the elastic-net fit, path and alpha_max share.

    Raises
    ------
    InputValueError
        If ``positive`` and some ``penalty_factor[j] == 0``: an unpenalized column is
        profiled out by an unconstrained least-squares fit, which cannot keep its
        coefficient ≥ 0.
    """
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    positive = check_bool(positive, "positive")
    problem = least_squares_data(X, y, fit_intercept=fit_intercept, sample_weight=sample_weight)
    factor = check_penalty_factor(penalty_factor, problem.n_features)
    if positive and factor is not None and not np.all(factor > 0.0):
        zeros = np.flatnonzero(factor == 0.0)
        raise InputValueError(
            f"positive=True with penalty_factor[{int(zeros[0])}] = 0.0 ({zeros.size} zero "
            "factors) is not supported: an unpenalized column is profiled out by an "
            "unconstrained least-squares fit, which cannot keep its coefficient ≥ 0. Give "
            "every factor > 0 (a small factor is nearly unpenalized), or positive=False."
        )
    return LeastSquaresInputs(problem, factor, positive)


def solve_elastic_net(problem: EnetProblem, alpha: float) -> PenalizedFit:
    """:func:`elastic_net` on validated data (arguments already checked).

    From a cold start when n ≥ p, else through warm starts along a geometric grid from
    alpha_max (:func:`_continuation_grid`); ``n_iter`` counts the passes over the whole
    grid, and the last solution is certified.
    """
    grid, expected_passes = _continuation_grid(problem, alpha)
    n_iter = 0
    for solution in problem.solutions(grid, expected_passes, warm_starts=True):
        n_iter += solution.n_iter
    certificate = problem.certify(solution, alpha)
    if not certificate.converged:
        warn(
            f"elastic_net(alpha={alpha:.6g}, l1_ratio={problem.l1_ratio:.6g}) stopped after "
            f"{n_iter} iterations with {certificate.describe()}; the fit has "
            "converged=False. Increase max_iter, or loosen tol if the certificate is at the "
            "rounding level of the data.",
            ConvergenceWarning,
        )
    coef = problem.coefs(solution.coef[np.newaxis])[0]
    return PenalizedFit(
        coef=coef,
        intercept=problem.data.intercept(coef),
        alpha=alpha,
        l1_ratio=problem.l1_ratio,
        objective=solution.objective,
        n_iter=n_iter,
        **certificate.fit_fields(),
    )


def _continuation_grid(problem: EnetProblem, alpha: float) -> tuple[list[float], int]:
    """The alphas to solve at on the way to ``alpha``, and the passes they are expected to take.

    When n < p, started cold far below alpha_max, many (numerically dependent) features
    violate the optimality condition at once and most of those tried first leave again.
    Following the path from ``alpha_max = ||c||∞ / r`` (where w = 0) with
    ``CONTINUATION_PER_DECADE`` points per decade keeps the support changes small, so
    each point costs about two passes. With ``l1_scale`` alpha_max is
    ``max_j |c_j|/(r·l1_scale_j)``; with ``positive``, ``max_j c_j⁺/(r·l1_scale_j)``.

    When n ≥ p the working set, grown at most geometrically per pass, reaches the support
    from the cold start in fewer passes (7 to 10 at alpha_max/100, against 2 per point
    of the ~12 of the grid) and fewer Cholesky updates, so the grid is not followed.
    """
    uniform = problem.problem
    if problem.l1_ratio == 0.0 or uniform.n_samples >= uniform.n_features:
        return [alpha], COLD_START_PASSES
    grid = [alpha]
    top = problem.alpha_max()
    if alpha < top:
        n_points = math.ceil(CONTINUATION_PER_DECADE * math.log10(top / alpha))
        grid = list(np.geomspace(top, alpha, n_points + 1)[1:])
        grid[-1] = alpha
    return grid, 2 * len(grid) + 2


def _check_alpha(alpha: Any) -> float:
    """A finite alpha > 0; alpha = 0 (least squares) is ridge's job."""
    number = check_finite_nonneg(alpha, "alpha")
    if number == 0.0:
        raise InputValueError(
            "alpha must be a finite number > 0; got 0.0. For least squares (alpha = 0) "
            "use ridge(X, y, 0.0)."
        )
    return number
