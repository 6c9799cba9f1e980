"""Penalized logistic regression: the MAP estimate under a Bernoulli likelihood.

    F(w, w0) = 1/n Σ_i [log(1 + exp(η_i)) − y_i η_i] + alpha · P(w),   η = w0 + X w,
    P(w) = r ||w||₁ + (1 − r)/2 ||w||²,   y_i ∈ {0, 1},   r = l1_ratio.

F is minimized by the proximal Newton engine of :mod:`bayesreg.core.newton` with the
Bernoulli datafit: with a Gaussian prior on w (r = 0) F is smooth and strictly convex
and the steps are Newton's; with a Laplace or elastic-net prior (r > 0) they are
proximal Newton steps on working sets. The intercept w0 is never penalized (a flat
prior). Every solution carries its KKT residual, which is zero exactly at the
minimizer. X may be a scipy.sparse CSR/CSC matrix, never densified.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import scipy.optimize
import scipy.sparse
from scipy.special import logit

from bayesreg.core._penalty_factor import check_penalty_factor
from bayesreg.core.datafits import Bernoulli
from bayesreg.core.glm import (
    DEFAULT_TOL,
    Design,
    GLMData,
    as_glm_design,
    check_ml_design,
    clear_margin,
    glm_alpha_max,
    kkt_floor,
    solve_glm,
    warn_not_converged,
    weighted_rows,
)
from bayesreg.core.results import PenalizedFit
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError
from bayesreg.validation import (
    as_target,
    check_binary_target,
    check_bool,
    check_finite_nonneg,
    check_l1_ratio,
    check_positive_int,
    check_tol,
    is_sparse,
)

__all__ = [
    "as_logistic_design",
    "check_logistic_minimizer",
    "logistic",
    "logistic_alpha_max",
    "logistic_data",
    "null_gradient",
]

#: The design's validation, shared with the Poisson solver (:mod:`bayesreg.core.glm`).
as_logistic_design = as_glm_design


def logistic(
    X: Any,
    y: Any,
    alpha: float,
    l1_ratio: float = 1.0,
    *,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    max_iter: int = 200,
    sample_weight: Any = None,
    penalty_factor: Any = None,
) -> PenalizedFit:
    """Penalized logistic regression with a KKT certificate.

    Minimizes over the coefficients w and the intercept w0::

        F(w, w0) = 1/n Σ_i [log(1 + exp(η_i)) − y_i η_i]
                   + alpha · (l1_ratio ||w||₁ + (1 − l1_ratio)/2 ||w||²),   η = w0 + X w.

    This is −(1/n) times the log posterior of a Bernoulli model with a Gaussian
    (l1_ratio = 0), Laplace (l1_ratio = 1) or elastic-net prior on w and a flat
    prior on w0, so the minimizer is the MAP estimate.

    Parameters
    ----------
    X : array-like or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
        Design matrix (finite numbers).
    y : array-like of shape (n_samples,)
        Binary outcomes, coded 0 and 1.
    alpha : float
        Penalty strength, ≥ 0. ``alpha = 0`` gives the maximum-likelihood estimate,
        which exists only when the classes overlap and the columns of X (with the
        intercept column) are linearly independent.
    l1_ratio : float, default 1.0
        Mix r ∈ [0, 1] of the L1 and L2 terms (0 = ridge, 1 = lasso), given by position
        or keyword as in :func:`~bayesreg.elastic_net`. The default, the L1 penalty of a
        Laplace prior, is also :func:`~bayesreg.core.logistic_path.logistic_path`'s;
        pass ``l1_ratio=0.0`` for the L2 penalty of a Gaussian prior.
    fit_intercept : bool, default True
        Fit the unpenalized intercept w0; otherwise w0 = 0.
    tol : float, default 1e-10
        Relative tolerance on the KKT residual, see Notes.
    max_iter : int, default 200
        Most Newton (or proximal Newton) steps.
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0`` (finite, not all 0): the loss becomes
        ``L = 1/Σs Σ_i s_i [log(1 + exp(η_i)) − y_i η_i]`` (for integer s, row i repeated
        s_i times). scikit-learn's ``LogisticRegression(C=1/(alpha·Σs)).fit(X, y,
        sample_weight=s)`` for the L2 penalty. Rows of weight 0 are dropped. None or
        constant weights: the unweighted fit.
    penalty_factor : array-like of shape (n_features,), optional
        Per-coefficient factors ``v_j ≥ 0`` (finite, not all 0) of the penalty
        ``alpha Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]`` (glmnet's ``penalty.factor``, not
        rescaled; glum's ``P1 = P2 = v``): the MAP under independent priors with one scale
        per coefficient. ``v_j = 0`` leaves ``w_j`` unpenalized (a flat prior); the data
        must then determine it (with classes or zero counts separable along it the fit does
        not converge, and says so). None: all 1.

    Returns
    -------
    PenalizedFit
        ``coef``, ``intercept``, ``objective`` = F(coef, intercept), ``gap`` = the
        KKT residual, ``tol`` = the absolute threshold it was checked against,
        ``certificate = "kkt residual"``, ``converged`` and ``n_iter``.

    Raises
    ------
    DataError
        If y is not binary, X and y do not match, y holds a single class while an
        intercept is fitted (w0 would run off to ±∞), or ``alpha = 0`` and the
        maximum-likelihood estimate does not exist or is not unique.
    InputValueError, InputTypeError
        If ``alpha``, ``l1_ratio``, ``tol``, ``max_iter`` or ``fit_intercept`` is
        not allowed.

    Warns
    -----
    ConvergenceWarning
        If the KKT residual did not reach the threshold; ``converged`` is then False.

    Notes
    -----
    **Certificate.** (w, w0) minimizes F if and only if 0 ∈ ∇L + alpha ∂P(w) and
    ∂L/∂w0 = 0. The KKT residual is

        ρ = max( max_j dist(−∂L/∂w_j, alpha ∂P_j(w_j)), |∂L/∂w0| ),

    with ∇_w L = Xᵀ(μ − y)/n, ∂L/∂w0 = mean(μ − y), μ = expit(η). The solver stops
    once ρ ≤ max(tol · ρ₀, ρ_min), where ρ₀ = ||∇_w L(0, w0*)||_∞ is the gradient
    at w = 0 with the best intercept w0* = logit(ȳ) (w0* = 0 without an intercept),
    and ρ_min = 16 · eps · √n · max_j mean_i |z_ij| over the columns z of X (and
    the intercept's column of ones), about 3.6e-15 √n for standardized columns, is
    the rounding level of the gradient, below which no residual can be certified.

    **Algorithm.** The proximal Newton engine of :mod:`bayesreg.core.newton` with the
    Bernoulli datafit, with an Armijo line search. For l1_ratio = 0 (and for alpha = 0)
    its steps are Newton steps, the system solved by Cholesky of the (p+1)×(p+1)
    Hessian when p ≤ n and through n×n matrices (Woodbury identity) when p > n. For
    l1_ratio > 0 it works on working sets, and each quadratic subproblem is solved
    exactly by an active-set method (a linear solve per sign pattern, violating
    coordinates brought in with their signs), so coefficients outside the support are
    exactly zero.

    **Sparse X.** A scipy.sparse CSR or CSC ``X`` is never densified: the solver uses
    only ``X v``, ``Xᵀ r`` and the Hessian's block on the working columns (X is read
    in CSC form, converted once from CSR). With ``alpha = 0`` the rank check behind the
    maximum-likelihood estimate uses the (p+1)×(p+1) Gram matrix of ``[1, X]``.

    References
    ----------
    J. D. Lee, Y. Sun, M. A. Saunders (2014). Proximal Newton-type methods for
    minimizing composite functions. SIAM J. Optim. 24(3), 1420-1443.

    J. Friedman, T. Hastie, R. Tibshirani (2010). Regularization paths for
    generalized linear models via coordinate descent. J. Stat. Softw. 33(1).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.logistic import logistic
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 5))
    >>> y = (X[:, 0] + rng.standard_normal(200) > 0).astype(float)
    >>> fit = logistic(X, y, alpha=0.05, l1_ratio=1.0)
    >>> fit.converged, fit.certificate, fit.gap <= fit.tol
    (True, 'kkt residual', True)
    """
    design = as_logistic_design(X)
    target = check_binary_target(as_target(y, design.shape[0]))
    rows = weighted_rows(design, target, sample_weight)
    alpha = check_finite_nonneg(alpha, "alpha")
    l1_ratio = check_l1_ratio(l1_ratio)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    tol = check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    check_logistic_minimizer(rows.design, rows.target, alpha, fit_intercept)
    data = logistic_data(rows.design, rows.target, fit_intercept, rows.weights)
    factor = check_penalty_factor(penalty_factor, rows.design.shape[1])
    solved = solve_glm(
        replace(data, penalty_factor=factor), alpha, l1_ratio, tol=tol, max_iter=max_iter
    )
    if not solved.fit.converged:
        warn_not_converged("logistic", solved.result, solved.threshold, max_iter)
    return solved.fit


def logistic_alpha_max(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    fit_intercept: bool = True,
    sample_weight: Any = None,
    penalty_factor: Any = None,
) -> float:
    """Smallest alpha whose penalized logistic solution is w = 0.

    At w = 0 the best intercept gives μ = ȳ (μ = 1/2 without an intercept), and
    w = 0 satisfies the KKT conditions iff ||∇_w L||_∞ ≤ alpha · r, so::

        alpha_max = ||Xᵀ(y − ȳ)||_∞ / (n r)       (with an intercept)
        alpha_max = ||Xᵀ(y − 1/2)||_∞ / (n r)     (without)

    and ``inf`` for r = 0 (a ridge penalty never sets coefficients to zero).

    Parameters
    ----------
    X : array-like or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Binary outcomes, coded 0 and 1.
    l1_ratio : float, default 1.0
        Mix r ∈ [0, 1] of the L1 and L2 terms.
    fit_intercept : bool, default True
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights, as in :func:`logistic`: ``||Xᵀ c(μ0 − y)||_∞ / r`` with
        ``c = s/Σs`` and μ0 the weighted mean of y.
    penalty_factor : array-like of shape (n_features,), optional
        As in :func:`logistic`: ``max_j |g_j|/(r·v_j)``; refused with a zero factor
        (:func:`~bayesreg.core.glm.glm_alpha_max`).

    Returns
    -------
    float
    """
    design = as_logistic_design(X)
    target = check_binary_target(as_target(y, design.shape[0]))
    rows = weighted_rows(design, target, sample_weight)
    l1_ratio = check_l1_ratio(l1_ratio)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    factor = check_penalty_factor(penalty_factor, rows.design.shape[1])
    if l1_ratio == 0.0:
        return float("inf")
    gradient = null_gradient(rows.design, rows.target, fit_intercept, rows.weights)
    return glm_alpha_max(gradient, l1_ratio, factor)


def logistic_data(
    design: Design, target: FloatArray, fit_intercept: bool, weights: FloatArray | None = None
) -> GLMData:
    """The Bernoulli problem on validated data, with its null model.

    At w = 0 the best intercept has mean(expit(w0)) = ȳ, i.e. ``w0* = logit(ȳ)`` (0
    without an intercept, μ = 1/2); the KKT floor is the rounding level of ``Xᵀ(μ − y)/n``,
    ``eps·√n·max_j mean_i |x_ij|`` times :data:`~bayesreg.core.glm.ROUNDING_FLOOR_ULPS`
    (``|μ − y| ≤ 1``).
    """
    if weights is None:
        null_mean, scale = float(target.mean()), None
    else:
        null_mean, scale = float(weights @ target), target.size * weights
    return GLMData(
        design=design,
        datafit=Bernoulli(target, weights),
        fit_intercept=fit_intercept,
        null_intercept=float(logit(null_mean)) if fit_intercept else 0.0,
        null_gradient=null_gradient(design, target, fit_intercept, weights),
        floor=kkt_floor(design, fit_intercept, scale),
    )


def null_gradient(
    X: Design, y: FloatArray, fit_intercept: bool, weights: FloatArray | None = None
) -> FloatArray:
    """``∇_w L(0, w0*) = Xᵀ(μ0 − y)/n`` with μ0 = ȳ (intercept) or 1/2.

    With weights ``c`` (summing to 1): ``Xᵀ c(μ0 − y)``, μ0 the weighted mean.
    """
    if weights is not None:
        weighted_prob = float(weights @ y) if fit_intercept else 0.5
        weighted: FloatArray = np.asarray(X.T @ (weights * (weighted_prob - y)))
        return weighted
    null_prob = float(y.mean()) if fit_intercept else 0.5
    gradient: FloatArray = np.asarray(X.T @ (null_prob - y)) / len(y)
    return gradient


def check_logistic_minimizer(X: Design, y: FloatArray, alpha: float, fit_intercept: bool) -> None:
    """Raise DataError where F has no minimizer (or, for alpha = 0, no unique one)."""
    if fit_intercept and y.min() == y.max():
        raise DataError(
            f"y holds only the class {y[0]:g}; with an unpenalized intercept the "
            "objective has no minimizer (w0 runs off to ±∞). Pass data with both "
            "classes, or fit_intercept=False."
        )
    if alpha > 0.0:
        # alpha·P(w) is coercive in w and, with both classes present, L is coercive
        # in w0 for bounded w: F has a minimizer.
        return
    design, with_intercept = check_ml_design(X, fit_intercept)
    if _classes_separable(design, y):
        raise DataError(
            "alpha=0 asks for the maximum-likelihood estimate, which does not exist: "
            f"a linear function of the columns of X{with_intercept} separates the y = 0 "
            "and y = 1 samples, so the likelihood increases without bound as ||w|| → ∞. "
            "Pass alpha > 0 (a prior on w) to get a finite MAP estimate."
        )


def _classes_separable(design: Design, y: FloatArray) -> bool:
    """Whether a direction v ≠ 0 has (2y_i − 1) z_iᵀ v ≥ 0 for every row z_i.

    Such a (quasi-)separating direction exists iff the likelihood has no maximizer
    (Albert & Anderson 1984). With full column rank it is found by the linear program

        maximize Σ_i m_i  subject to  m = diag(2y − 1) Z v ≥ 0,  −1 ≤ v_j ≤ 1,

    whose optimum is 0 (at v = 0) exactly when the classes overlap (Konis 2007).
    """
    labels = 2.0 * y - 1.0
    signed = scipy.sparse.diags(labels) @ design if is_sparse(design) else labels[:, None] * design
    program = scipy.optimize.linprog(
        -np.asarray(signed.sum(axis=0)).ravel(),
        A_ub=-signed,
        b_ub=np.zeros(signed.shape[0]),
        bounds=(-1.0, 1.0),
        method="highs",
    )
    if program.x is None:
        return False
    return clear_margin(signed @ program.x, design)
