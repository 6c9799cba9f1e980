"""The lasso's λ chosen three ways, side by side.

1. K-fold cross-validation of the lasso penalty ``alpha`` (prediction error).
2. Empirical Bayes: Park & Casella's marginal maximum likelihood λ by Monte Carlo EM.
3. A full hyperprior ``λ² ~ Gamma(r, δ)`` in the Bayesian lasso: the posterior of λ.

Scales: the Bayesian lasso prior ``w_j | σ ~ Laplace(0, σ/λ)`` has, with σ fixed, the
MAP of the lasso at ``alpha = σ λ / n`` (DESIGN §1), so ``λ = n alpha / σ``. Each row
converts with its own σ: the posterior mean of σ at the empirical-Bayes λ, the
posterior median of σ under the hyperprior, and the least-squares residual sd
``σ̂² = ||yc − Xc ŵ_LS||² / (n − p − 1)`` for cross-validation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bayesreg.core.results import CVResult
from bayesreg.posterior._data import prepare_linear_data
from bayesreg.posterior._front import RunOptions
from bayesreg.posterior._stats_data import least_squares_noise
from bayesreg.posterior.empirical_bayes import LassoMCEM, lasso_mcem
from bayesreg.posterior.gibbs import GibbsPrior, run_gibbs
from bayesreg.validation import (
    check_gamma_hyperprior,
    check_positive_int,
    check_probability,
    check_seed,
)

__all__ = ["LambdaChoice", "LambdaRow", "choose_lambda"]


@dataclass(frozen=True)
class LambdaRow:
    """One way of choosing λ and what it implies.

    Attributes
    ----------
    method : str
    lam : float
        λ of the Bayesian lasso (the posterior median for the hyperprior row).
    lam_lower, lam_upper : float
        Equal-tailed posterior interval of λ (NaN where λ is a point estimate).
    noise : float
        The σ used to convert between λ and alpha.
    alpha : float
        ``σ λ / n``, the lasso penalty on the package's scale.
    n_nonzero : int
        Non-zero coefficients of the lasso at ``alpha``.

    Examples
    --------
    The rows of :func:`choose_lambda`'s result:

    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import choose_lambda
    >>> X, y = load_diabetes()
    >>> choice = choose_lambda(X, y, draws=500, chains=2, random_seed=0)
    >>> row = choice.rows[2]
    >>> row.method, row.lam == choice.mcem.lam
    ('empirical Bayes (MCEM)', True)
    >>> abs(row.alpha - row.noise * row.lam / len(y)) < 1e-12
    True
    >>> hyper = choice.rows[3]
    >>> hyper.method, hyper.lam_lower < hyper.lam < hyper.lam_upper
    ('hyperprior (median)', True)
    """

    method: str
    lam: float
    lam_lower: float
    lam_upper: float
    noise: float
    alpha: float
    n_nonzero: int


@dataclass(frozen=True)
class LambdaChoice:
    """λ by cross-validation, empirical Bayes and a hyperprior.

    Attributes
    ----------
    rows : tuple of LambdaRow
        CV (min), CV (1-SE), empirical Bayes, hyperprior.
    cv : CVResult
    mcem : LassoMCEM
    hyperprior : (float, float)
        ``(r, δ)`` of ``λ² ~ Gamma(r, δ)``.
    interval_prob : float
    n_samples : int

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import choose_lambda
    >>> X, y = load_diabetes()
    >>> choice = choose_lambda(X, y, draws=500, chains=2, random_seed=0)
    >>> table = choice.to_frame()
    >>> table.index.tolist()
    ['cross-validation (min)', 'cross-validation (1-SE)', 'empirical Bayes (MCEM)',
     'hyperprior (median)']
    >>> np.allclose(table["alpha"], table["noise"] * table["lam"] / choice.n_samples)
    True
    >>> choice.hyperprior[0], choice.interval_prob, choice.n_samples
    (1.0, 0.95, 442)
    """

    rows: tuple[LambdaRow, ...]
    cv: CVResult
    mcem: LassoMCEM
    hyperprior: tuple[float, float]
    interval_prob: float
    n_samples: int

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame indexed by method."""
        return pd.DataFrame([row.__dict__ for row in self.rows]).set_index("method")

    def __str__(self) -> str:
        percent = f"{100 * self.interval_prob:g}%"
        header = (
            f"λ of the Bayesian lasso three ways (alpha = σλ/n, n = {self.n_samples}); "
            f"hyperprior λ² ~ Gamma({self.hyperprior[0]:g}, {self.hyperprior[1]:.4g})"
        )
        columns = (
            f"{'method':<28}{'λ':>9}  {percent + ' interval':<20}"
            f"{'σ':>9}{'alpha':>12}{'non-zeros':>11}"
        )
        lines = [header, columns, "-" * len(columns)]
        for row in self.rows:
            interval = (
                f"[{row.lam_lower:.3f}, {row.lam_upper:.3f}]"
                if math.isfinite(row.lam_lower)
                else "—"
            )
            lines.append(
                f"{row.method:<28}{row.lam:>9.4f}  {interval:<20}{row.noise:>9.3f}"
                f"{row.alpha:>12.4g}{row.n_nonzero:>11d}"
            )
        return "\n".join(lines)


def _lasso_nonzero(X: Any, y: Any, alphas: list[float], fit_intercept: bool) -> list[int]:
    """Non-zero coefficients of the lasso at each of ``alphas``, from one path."""
    from bayesreg.core.enet_path import lasso_path

    grid = sorted(set(alphas), reverse=True)
    path = lasso_path(X, y, grid, fit_intercept=fit_intercept)
    counts = {
        alpha: int(np.count_nonzero(coef)) for alpha, coef in zip(grid, path.coefs, strict=True)
    }
    return [counts[alpha] for alpha in alphas]


def choose_lambda(
    X: Any,
    y: Any,
    *,
    n_folds: int = 10,
    hyperprior: tuple[float, float] | None = None,
    interval_prob: float = 0.95,
    draws: int = 2000,
    chains: int = 4,
    fit_intercept: bool = True,
    random_seed: int | np.random.Generator | None = None,
) -> LambdaChoice:
    """Choose the lasso's λ by K-fold CV, by empirical Bayes and by a full hyperprior.

    Parameters
    ----------
    X : array-like of shape (n, p), or scipy.sparse CSR/CSC matrix
        A sparse X is read through ``XcᵀXc`` when n ≥ p (up to 10000 columns, never
        densified; the Gibbs samplers read nothing else) and copied densely when p > n
        if it has at most ``DENSE_COPY_LIMIT`` (10⁷) entries; otherwise it is refused
        with a :class:`~bayesreg.errors.DataError` naming its shape.
    y : array-like of shape (n,)
    n_folds : int, default 10
        Folds of :func:`bayesreg.core.cv.cross_validate` (l1_ratio = 1).
    hyperprior : (r, δ) or None
        ``λ² ~ Gamma(shape r, rate δ)``. Default: ``r = 1`` and ``δ = 1/(10 λ̂²)`` with λ̂
        the empirical-Bayes estimate, a prior mean of λ² ten times λ̂², diffuse around
        the data's scale (on the diabetes data δ ≈ 1.78, Park & Casella's choice).
    interval_prob : float, default 0.95
        Equal-tailed posterior interval of λ under the hyperprior.
    draws, chains : int
        Gibbs draws per chain for the hyperprior model (500 warm-up iterations).
    fit_intercept : bool, default True
    random_seed : int, Generator or None
        Seeds the folds, the MCEM and the Gibbs sampler (independent streams).

    Returns
    -------
    LambdaChoice
        ``print(choice)`` shows the table; ``choice.to_frame()`` returns it.

    Examples
    --------
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.posterior import choose_lambda
    >>> X, y = load_diabetes()
    >>> choice = choose_lambda(X, y, draws=500, chains=2, random_seed=0)
    >>> print(choice)
    λ of the Bayesian lasso three ways (alpha = σλ/n, n = 442); hyperprior λ² ~ Gamma(1, ...)
    method                              λ  95% interval                σ       alpha  non-zeros
    ---...
    cross-validation (min)  ...
    cross-validation (1-SE) ...
    empirical Bayes (MCEM)  ...
    hyperprior (median)     ...
    >>> 0.2 < choice.mcem.lam < 0.3, choice.cv.alpha_min <= choice.cv.alpha_1se
    (True, True)
    """
    from bayesreg.core.cv import cross_validate

    probability = check_probability(interval_prob, "interval_prob")
    n_draws = check_positive_int(draws, "draws")
    n_chains = check_positive_int(chains, "chains")
    data = prepare_linear_data(X, y, fit_intercept=fit_intercept, rows_when_wide="choose_lambda")
    n = data.n_samples
    cv_seed, em_seed, gibbs_seed = np.random.default_rng(check_seed(random_seed)).spawn(3)
    cv = cross_validate(
        X,
        y,
        l1_ratio=1.0,
        n_folds=check_positive_int(n_folds, "n_folds"),
        fit_intercept=fit_intercept,
        random_seed=cv_seed,
    )
    _, ls_noise = least_squares_noise(data)
    mcem = lasso_mcem(X, y, fit_intercept=fit_intercept, random_seed=em_seed)
    if hyperprior is None:
        hyper = (1.0, 1.0 / (10.0 * mcem.lam**2))
    else:
        hyper = check_gamma_hyperprior(hyperprior)
    full = run_gibbs(
        data,
        GibbsPrior.bayesian_lasso(hyperprior=hyper),
        noise=None,
        noise_prior=None,
        run=RunOptions(
            draws=n_draws,
            tune=500,
            chains=n_chains,
            random_seed=gibbs_seed,
            progressbar=False,
            fit_intercept=data.fit_intercept,
        ),
    )
    # the hyperprior model samples both λ and σ
    assert full.lam is not None
    assert full.noise is not None
    tail = (1.0 - probability) / 2.0
    lam_median = float(np.median(full.lam))
    lam_lower, lam_upper = (float(q) for q in np.quantile(full.lam, [tail, 1.0 - tail]))
    noise_median = float(np.median(full.noise))
    # (method, λ, interval, σ, alpha); alpha = σλ/n
    estimates = [
        ("cross-validation (min)", n * cv.alpha_min / ls_noise, None, ls_noise, cv.alpha_min),
        ("cross-validation (1-SE)", n * cv.alpha_1se / ls_noise, None, ls_noise, cv.alpha_1se),
        ("empirical Bayes (MCEM)", mcem.lam, None, mcem.noise, mcem.alpha),
        (
            "hyperprior (median)",
            lam_median,
            (lam_lower, lam_upper),
            noise_median,
            noise_median * lam_median / n,
        ),
    ]
    nonzero = _lasso_nonzero(X, y, [row[4] for row in estimates], fit_intercept)
    rows = [
        LambdaRow(label, lam, *(interval or (math.nan, math.nan)), noise, alpha, count)
        for (label, lam, interval, noise, alpha), count in zip(estimates, nonzero, strict=True)
    ]
    return LambdaChoice(
        rows=tuple(rows),
        cv=cv,
        mcem=mcem,
        hyperprior=hyper,
        interval_prob=probability,
        n_samples=n,
    )
