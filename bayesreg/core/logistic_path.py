"""The L1 / elastic-net path of penalized logistic regression.

Along a decreasing grid of ``alpha`` each point minimizes::

    F(w, w0) = 1/n Σ_i [log(1 + exp(η_i)) − y_i η_i] + alpha · (r ||w||₁ + (1 − r)/2 ||w||²),

``η = w0 + X w``, ``r = l1_ratio``: the MAP under a Bernoulli likelihood with a Laplace
(r = 1) or elastic-net prior of decreasing strength. Every point is a certified
:func:`~bayesreg.core.logistic.logistic` fit with its KKT residual.
"""

from __future__ import annotations

from typing import Any

from bayesreg.core.glm import DEFAULT_TOL
from bayesreg.core.glm_fit import fit_glm_path
from bayesreg.core.logistic import LOGISTIC
from bayesreg.core.results import PathFit

__all__ = ["logistic_path"]


def logistic_path(
    X: Any,
    y: Any,
    alphas: Any = None,
    l1_ratio: float = 1.0,
    *,
    n_alphas: int = 50,
    eps: float = 1e-3,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    sample_weight: Any = None,
    penalty_factor: Any = None,
    positive: bool = False,
) -> PathFit:
    """Penalized logistic regression along a decreasing grid of alphas.

    Each ``coefs[i]`` (with ``intercepts[i]``) minimizes::

        F(w, w0) = 1/n Σ_i [log(1 + exp(η_i)) − y_i η_i]
                   + alphas[i] · (r ||w||₁ + (1 − r)/2 ||w||²),   η = w0 + X w,

    ``r = l1_ratio``, and is certified by its KKT residual ``gaps[i]`` (the sup-norm
    distance of ``−∇L`` to ``alpha · ∂P(w)``, together with ``|∂L/∂w0|``).

    Parameters
    ----------
    X : array-like, scipy.sparse CSR/CSC matrix or Dask array of shape (n_samples, n_features)
        Design matrix (a DataFrame works; a sparse matrix is never densified; a Dask
        array is streamed by blocks, as in :func:`~bayesreg.core.logistic.logistic`).
    y : array-like of shape (n_samples,)
        Binary outcomes, coded 0 and 1.
    alphas : array-like of float > 0, optional
        Penalty strengths, **sorted in decreasing order** before solving;
        ``PathFit.alphas`` holds them in that order. Default: ``n_alphas`` values spaced
        geometrically from :func:`~bayesreg.core.logistic.logistic_alpha_max` down to
        ``eps · alpha_max``.
    l1_ratio : float, default 1.0
        Mix ``r`` in [0, 1], by position (after ``alphas``) or keyword, with the default of
        :func:`~bayesreg.core.logistic.logistic`. With ``r = 0`` (Gaussian prior) there is
        no alpha_max, so pass ``alphas``.
    n_alphas : int, default 50
        Length of the default grid (ignored when ``alphas`` is given).
    eps : float, default 1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    fit_intercept : bool, default True
        Fit the unpenalized intercept ``w0``.
    tol : float, default 1e-10
        Relative KKT tolerance of each fit, as in :func:`~bayesreg.core.logistic.logistic`.
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0``: the loss ``1/Σs Σ_i s_i ℓ_i``, as in
        :func:`~bayesreg.core.logistic.logistic`; the default grid starts at the weighted
        alpha_max.
    penalty_factor : array-like of shape (n_features,), optional
        Per-coefficient factors, as in :func:`~bayesreg.core.logistic.logistic`. The default
        grid starts at ``max_j |g_j|/(r·v_j)``; with a zero factor pass ``alphas`` (and
        ``PathFit.alpha_max`` is NaN).
    positive : bool, default False
        Constrain every coefficient to ``w_j ≥ 0``, as in
        :func:`~bayesreg.core.logistic.logistic`; the default grid starts at the one-sided
        alpha_max ``max_j (−g_j)⁺/(r·v_j)``.

    Returns
    -------
    PathFit
        ``alphas`` (decreasing), ``coefs`` (k, p) with exact zeros, ``intercepts``,
        ``gaps`` (KKT residuals), ``objectives``, ``converged``, ``n_iters`` and
        ``alpha_max`` (``inf`` for ``l1_ratio = 0``).

    Raises
    ------
    DataError
        If y is not binary or does not match X, or ``Xᵀ(y − ȳ) = 0`` so that the default
        grid from ``alpha_max = 0`` is empty.
    InputValueError
        If an alpha is ≤ 0, or the default grid is asked for with ``l1_ratio = 0``.

    Warns
    -----
    ConvergenceWarning
        Once, when some fit's KKT residual stayed above its threshold (its ``converged``
        is then False), naming the worst one.

    Notes
    -----
    Each alpha is solved from the previous alpha's solution (a warm start; the first
    from ``w = 0`` with the best intercept ``logit(ȳ)``), which changes only where the
    proximal Newton engine begins: every point is certified by its own KKT residual,
    exactly as :func:`~bayesreg.core.logistic.logistic` certifies a fit from the cold
    start, so the two agree within their certified tolerance.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.logistic_path import logistic_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 4))
    >>> y = (X[:, 0] - X[:, 1] + rng.standard_normal(200) > 0).astype(float)
    >>> path = logistic_path(X, y, n_alphas=10)
    >>> bool(path.converged.all()), int(np.count_nonzero(path.coefs[0]))
    (True, 0)
    """
    return fit_glm_path(
        LOGISTIC,
        X,
        y,
        alphas,
        l1_ratio,
        n_alphas=n_alphas,
        eps=eps,
        fit_intercept=fit_intercept,
        tol=tol,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
    )
