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

from dataclasses import dataclass
from typing import Any

import scipy.sparse
from scipy.special import logit

from bayesreg.core.datafits import Bernoulli
from bayesreg.core.glm import (
    DEFAULT_TOL,
    Design,
    GLMData,
    WeightedRows,
    as_glm_design,
    kkt_floor,
    sample_gradient,
)
from bayesreg.core.glm_fit import (
    Bounds,
    fit_glm,
    glm_family_alpha_max,
    separating_direction_found,
)
from bayesreg.core.results import PenalizedFit
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError
from bayesreg.validation import check_binary_target, is_sparse

__all__ = [
    "LOGISTIC",
    "LogisticFamily",
    "as_logistic_design",
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
    positive: bool = False,
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
    X : array-like, scipy.sparse CSR/CSC matrix or Dask array of shape (n_samples, n_features)
        Design matrix (finite numbers). A Dask array (with y, and an offset, as Dask
        arrays or anything ``dask.array.asarray`` takes) is read block by block and never
        gathered: each Newton step is one pass over the rows, memory O(p² + block)
        (``bayesreg.core.glm_stream``); ``alpha > 0``, no ``sample_weight``.
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
    positive : bool, default False
        Constrain every coefficient to ``w_j ≥ 0`` (the intercept stays free): the MAP
        under an Exponential (l1_ratio = 1) or half-normal (l1_ratio = 0) prior, glmnet's
        ``lower.limits = 0``. The KKT residual then measures the one-sided conditions
        ``∂L/∂w_j + alpha·v_j·(1 − r)·w_j + alpha·r·v_j = 0`` where ``w_j > 0`` and
        ``≥ 0`` where ``w_j = 0``.

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

    **Algorithm.** The proximal Newton engine :func:`bayesreg.core.newton.minimize` with the
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
    return fit_glm(
        LOGISTIC,
        X,
        y,
        alpha,
        l1_ratio,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
    )


def logistic_alpha_max(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    fit_intercept: bool = True,
    sample_weight: Any = None,
    penalty_factor: Any = None,
    positive: bool = False,
) -> float:
    """Smallest alpha whose penalized logistic solution is w = 0.

    At w = 0 the best intercept gives μ = ȳ (μ = 1/2 without an intercept), and
    w = 0 satisfies the KKT conditions iff ||∇_w L||_∞ ≤ alpha · r, so::

        alpha_max = ||Xᵀ(y − ȳ)||_∞ / (n r)       (with an intercept)
        alpha_max = ||Xᵀ(y − 1/2)||_∞ / (n r)     (without)

    and ``inf`` for r = 0 (a ridge penalty never sets coefficients to zero).

    Parameters
    ----------
    X : array-like, scipy.sparse CSR/CSC matrix or Dask array of shape (n_samples, n_features)
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
        (``bayesreg.core.glm.glm_alpha_max``).
    positive : bool, default False
        Under ``w ≥ 0`` only coefficients that would grow leave 0: ``max_j (−g_j)⁺/(r·v_j)``
        with ``g = Xᵀ(μ0 − y)/n`` (0 when no column is positively correlated with y).

    Returns
    -------
    float

    Examples
    --------
    >>> from bayesreg import logistic, logistic_alpha_max
    >>> from bayesreg.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(standardize=True)
    >>> a = logistic_alpha_max(X, y)
    >>> logistic(X, y, a).n_nonzero, logistic(X, y, 0.9 * a).n_nonzero > 0
    (0, True)
    """
    return glm_family_alpha_max(
        LOGISTIC,
        X,
        y,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
    )


def logistic_data(
    design: Design, target: FloatArray, fit_intercept: bool, weights: FloatArray | None = None
) -> GLMData:
    """The Bernoulli problem on validated data, with its null model.

    At w = 0 the best intercept has mean(expit(w0)) = ȳ, i.e. ``w0* = logit(ȳ)`` (0
    without an intercept, μ = 1/2); the KKT floor is the rounding level of ``Xᵀ(μ − y)/n``,
    ``eps·√n·max_j mean_i |x_ij|`` times :data:`~bayesreg.core.glm.ROUNDING_FLOOR_ULPS`
    (``|μ − y| ≤ 1``).
    """
    null_mean = float(target.mean()) if weights is None else float(weights @ target)
    return GLMData(
        design=design,
        datafit=Bernoulli(target, weights),
        fit_intercept=fit_intercept,
        null_intercept=float(logit(null_mean)) if fit_intercept else 0.0,
        null_gradient=null_gradient(design, target, fit_intercept, weights),
        floor=kkt_floor(design, fit_intercept, weights=weights),
        target=target,
    )


def null_gradient(
    X: Design, y: FloatArray, fit_intercept: bool, weights: FloatArray | None = None
) -> FloatArray:
    """``∇_w L(0, w0*) = Xᵀ(μ0 − y)/n`` with μ0 = ȳ (intercept) or 1/2.

    With weights ``c`` (summing to 1): ``Xᵀ c(μ0 − y)``, μ0 the weighted mean.
    """
    if not fit_intercept:
        null_prob = 0.5
    else:
        null_prob = float(y.mean()) if weights is None else float(weights @ y)
    return sample_gradient(X, null_prob - y, weights)


@dataclass(frozen=True)
class LogisticFamily:
    """The Bernoulli likelihood in the shared GLM recipe (:mod:`bayesreg.core.glm_fit`)."""

    name: str = "logistic"
    likelihood: str = "bernoulli"
    no_signal: str = "Xᵀ(y − ȳ) = 0: no column of X is correlated with y"
    no_estimate: str = "separates the y = 0 and y = 1 samples"

    def response(self, y: FloatArray, offset: FloatArray | None, fit_intercept: bool) -> FloatArray:
        """Binary outcomes, coded 0 and 1 (the logistic solvers take no offset)."""
        return check_binary_target(y)

    def check_null(self, n_samples: int, target_sum: float, fit_intercept: bool) -> None:
        """Refused when a single class is left and an intercept is fitted (w0 → ±∞)."""
        if fit_intercept and target_sum in (0.0, float(n_samples)):
            raise DataError(
                f"y holds only the class {1.0 if target_sum else 0.0:g}; with an unpenalized "
                "intercept the objective has no minimizer (w0 runs off to ±∞). Pass data with "
                "both classes, or fit_intercept=False."
            )

    def data(self, rows: WeightedRows, fit_intercept: bool) -> GLMData:
        """The Bernoulli problem on the rows kept, with its null model (:func:`logistic_data`)."""
        return logistic_data(rows.design, rows.target, fit_intercept, rows.weights)

    def separable(self, design: Design, target: FloatArray, bounds: Bounds) -> bool:
        """Whether a direction v ≠ 0 within ``bounds`` has (2y_i − 1) z_iᵀ v ≥ 0 for every row.

        Such a (quasi-)separating direction exists iff the likelihood has no maximizer
        (Albert & Anderson 1984). With full column rank it is found by the linear program

            maximize Σ_i m_i  subject to  m = diag(2y − 1) Z v ≥ 0,  v within the bounds
            (|v_j| ≤ 1; 0 ≤ v_j ≤ 1 for a coefficient held ≥ 0),

        whose optimum is 0 (at v = 0) exactly when the classes overlap (Konis 2007).
        """
        labels = 2.0 * target - 1.0
        signed = (
            scipy.sparse.diags(labels) @ design if is_sparse(design) else labels[:, None] * design
        )
        return separating_direction_found(signed, design, bounds)


#: The logistic family, shared by :func:`logistic`, its path and its alpha_max.
LOGISTIC = LogisticFamily()
