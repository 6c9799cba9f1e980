"""Bootstrap selection frequencies: how stable is the lasso's choice of features?

Refit the penalized estimate at one fixed ``alpha`` on bootstrap resamples of the rows
and count how often each coefficient is non-zero. With correlated features the L1
penalty (the MAP under a Laplace prior) picks one member of a correlated group almost
arbitrarily, and the picked set changes from resample to resample; ridge never sets a
coefficient to zero. This is the resampling step of stability selection (Meinshausen &
Bühlmann 2010), at a single alpha.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from bayesreg.core.cv import _rng
from bayesreg.core.solve import LIKELIHOODS, penalized_solve
from bayesreg.core.types import FloatArray, freeze_fields
from bayesreg.errors import ConvergenceWarning, InputValueError, warn
from bayesreg.validation import (
    as_design,
    as_target,
    check_binary_target,
    check_bool,
    check_choice,
    check_finite_nonneg,
    check_l1_ratio,
    check_positive_int,
    feature_names_of,
)

__all__ = ["SelectionFrequencies", "bootstrap_selection"]


@dataclass(frozen=True)
class SelectionFrequencies:
    """Per-feature selection frequencies of a penalized fit over bootstrap resamples.

    Attributes
    ----------
    frequency : ndarray of shape (n_features,)
        Fraction of resamples in which coefficient j is non-zero, in [0, 1].
    coefs : ndarray of shape (n_bootstrap, n_features)
        The coefficients fitted on each resample (exact zeros where the L1 term sets them).
    sd : ndarray of shape (n_features,)
        Bootstrap standard deviation of each coefficient (``ddof = 1``).
    converged : ndarray of bool, shape (n_bootstrap,)
        Whether each fit reached its certificate's tolerance.
    alpha, l1_ratio : float
        The penalty of every fit.
    likelihood : str
        ``"gaussian"`` or ``"bernoulli"``.
    feature_names : tuple of str

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import bootstrap_selection
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 4))
    >>> y = 3.0 * X[:, 0] + rng.standard_normal(100)
    >>> result = bootstrap_selection(X, y, 0.1, n_bootstrap=20, random_seed=1)
    >>> result.n_bootstrap, result.coefs.shape, bool(result.converged.all())
    (20, (20, 4), True)
    >>> float(result.frequency[0])
    1.0
    >>> bool(np.array_equal(result.frequency, result.selected.mean(axis=0)))
    True
    >>> result.to_frame().columns.tolist()
    ['frequency', 'sd']
    """

    frequency: FloatArray
    coefs: FloatArray
    sd: FloatArray
    converged: NDArray[np.bool_]
    alpha: float
    l1_ratio: float
    likelihood: str
    feature_names: tuple[str, ...]

    def __post_init__(self) -> None:
        freeze_fields(self, "frequency", "coefs", "sd")
        freeze_fields(self, "converged", dtype=np.bool_)
        object.__setattr__(self, "feature_names", tuple(self.feature_names))

    @property
    def n_bootstrap(self) -> int:
        """Number of resamples."""
        return int(self.coefs.shape[0])

    @property
    def selected(self) -> NDArray[np.bool_]:
        """``coefs != 0``: which features each resample's fit keeps, shape (n_bootstrap, p)."""
        selected: NDArray[np.bool_] = self.coefs != 0.0
        return selected

    def to_frame(self) -> pd.DataFrame:
        """Columns ``frequency`` and ``sd``, indexed by feature."""
        return pd.DataFrame(
            {"frequency": self.frequency, "sd": self.sd},
            index=pd.Index(list(self.feature_names), name="feature"),
        )


def bootstrap_selection(
    X: Any,
    y: Any,
    alpha: float,
    *,
    l1_ratio: float = 1.0,
    n_bootstrap: int = 200,
    likelihood: str = "gaussian",
    fit_intercept: bool = True,
    random_seed: int | np.random.Generator | None = None,
) -> SelectionFrequencies:
    """How often each feature is selected when the rows are resampled.

    For b = 1, ..., B draw n rows with replacement, ``(X_b, y_b)``, and solve at the fixed
    ``alpha``::

        w_b = argmin_w  L(w, w0; X_b, y_b) + alpha · (r ||w||₁ + (1 − r)/2 ||w||²)

    with ``L`` the averaged Gaussian loss ``1/(2n) ||y − w0 − X w||²`` or the averaged
    Bernoulli loss; then report ``frequency_j = (1/B) Σ_b 1[w_bj ≠ 0]`` and the bootstrap
    standard deviation of ``w_bj``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Design matrix (a DataFrame's column names become the feature names).
    y : array-like of shape (n_samples,)
        Target (0/1 outcomes for ``likelihood="bernoulli"``).
    alpha : float
        Penalty strength, ≥ 0, the same for every resample.
    l1_ratio : float, default 1.0
        Mix ``r`` in [0, 1] (1 = lasso, 0 = ridge, whose coefficients are never zero).
    n_bootstrap : int, default 200
        Number of resamples B (≥ 2, for the standard deviation).
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
    fit_intercept : bool, default True
        Fit the unpenalized intercept on each resample.
    random_seed : int, numpy.random.Generator or None
        Seed of the resampling. The same seed gives the same resamples — for any
        ``alpha``, ``l1_ratio`` and likelihood with the same n (and, for Bernoulli, the
        same y) — so two estimators can be compared on identical resamples. No global
        random state is used.

    Returns
    -------
    SelectionFrequencies
        ``frequency``, ``coefs`` (B, p), ``sd``, ``converged``, and the settings.

    Raises
    ------
    DataError
        If X and y do not match, or y is not binary for the Bernoulli likelihood.
    InputValueError, InputTypeError
        If an option is not allowed.

    Warns
    -----
    ConvergenceWarning
        Once, if some resample's fit did not reach its certificate's tolerance (its
        ``converged`` entry is then False).

    Notes
    -----
    For the Bernoulli likelihood the rows are resampled **within each class** (a
    stratified bootstrap keeping the numbers of 0s and 1s), so every resample holds both
    classes and the penalized problem has a minimizer. Each fit is certified by the
    package's solver (duality gap for the Gaussian loss, KKT residual for the Bernoulli
    loss), so an exact zero is a property of the minimizer, not of a stopping rule.

    References
    ----------
    N. Meinshausen, P. Bühlmann (2010). Stability selection. J. R. Stat. Soc. B 72(4),
    417-473.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.stability import bootstrap_selection
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 4))
    >>> y = 3.0 * X[:, 0] + rng.standard_normal(100)
    >>> result = bootstrap_selection(X, y, 0.1, n_bootstrap=20, random_seed=1)
    >>> float(result.frequency[0])
    1.0
    """
    design = as_design(X)
    target = as_target(y, design.shape[0])
    likelihood = check_choice(likelihood, "likelihood", LIKELIHOODS)
    if likelihood == "bernoulli":
        target = check_binary_target(target)
    strength = check_finite_nonneg(alpha, "alpha")
    ratio = check_l1_ratio(l1_ratio)
    n_bootstrap = check_positive_int(n_bootstrap, "n_bootstrap")
    if n_bootstrap < 2:
        raise InputValueError(
            f"n_bootstrap must be ≥ 2 (a standard deviation needs two resamples); got "
            f"{n_bootstrap}."
        )
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    generator = _rng(random_seed)
    names = feature_names_of(X, design.shape[1])
    # the rows are drawn from these groups, each keeping its size: all rows (Gaussian),
    # or the 0s and the 1s separately (Bernoulli, so that both classes are always present;
    # Gaussian and Poisson rows are drawn from all rows)
    strata = (
        [np.arange(design.shape[0])]
        if likelihood != "bernoulli"
        else [np.flatnonzero(target == label) for label in np.unique(target)]
    )

    coefs = np.empty((n_bootstrap, design.shape[1]))
    converged = np.empty(n_bootstrap, dtype=bool)
    for b in range(n_bootstrap):
        rows = np.concatenate(
            [members[generator.integers(0, members.size, members.size)] for members in strata]
        )
        # one summary warning below replaces the warning of each resample's fit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit = penalized_solve(
                design[rows],
                target[rows],
                strength,
                ratio,
                likelihood=likelihood,
                fit_intercept=fit_intercept,
            )
        coefs[b], converged[b] = fit.coef, fit.converged
    if not converged.all():
        warn(
            f"bootstrap_selection: {int((~converged).sum())} of {n_bootstrap} resample fits "
            f"at alpha = {strength:.6g} did not reach their certificate's tolerance; their "
            "converged entry is False and their zeros are not certified.",
            ConvergenceWarning,
        )
    return SelectionFrequencies(
        frequency=(coefs != 0.0).mean(axis=0),
        coefs=coefs,
        sd=coefs.std(axis=0, ddof=1),
        converged=converged,
        alpha=strength,
        l1_ratio=ratio,
        likelihood=likelihood,
        feature_names=names,
    )
