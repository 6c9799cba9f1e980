"""Assertions for tests: the MAP is the penalized estimate; a solution is certified."""

from __future__ import annotations

import math
from typing import Any, Unpack

from bayesreg.core.results import PenalizedFit
from bayesreg.errors import InputTypeError
from bayesreg.priors import Prior
from bayesreg.pymc.equivalence import EquivalenceReport, check_equivalence
from bayesreg.pymc.map import MapEstimate
from bayesreg.pymc.model import ModelKeywords
from bayesreg.validation import check_positive

__all__ = ["assert_certified", "assert_map_matches_penalty"]


def assert_map_matches_penalty(
    X: Any, y: Any, prior: Prior, *, rtol: float = 1e-8, **options: Unpack[ModelKeywords]
) -> EquivalenceReport:
    """Assert that the MAP under ``prior`` equals the penalized estimate, zeros included.

    Runs :func:`bayesreg.pymc.equivalence.check_equivalence` with the same arguments, so the
    defaults are the same: ``noise=None`` makes σ a free variable of the Gaussian model
    and compares the joint MAP's coefficients with the penalized estimate at
    ``prior.penalty(n, σ̂)``; pass ``noise=σ`` to fix it; omit it for the Bernoulli
    likelihood, which has no noise. ``weights=s`` (Gaussian likelihood) compares the MAP of
    the weighted model with ``prior.penalized_fit(X, y, noise=σ, sample_weight=s)`` at
    ``prior.penalty(Σs, σ)``. The verdict is relative to the scales of the data
    (``ok`` of :class:`~bayesreg.EquivalenceReport`): the MAP's KKT residual for the
    penalized problem relative to the gradient scale, the coefficients relative to
    ``max(||coef||∞, ||yc|| / max_j ||Xc_j||)``, the intercepts relative to the scale of y,
    each at ``rtol``, and the same exact zeros. It does not depend on the units of y or X.

    Returns
    -------
    EquivalenceReport
        The report, when it is ``ok``.

    Raises
    ------
    AssertionError
        If the report is not ``ok``; the message holds the side-by-side table.

    Examples
    --------
    The MAP under a Laplace prior (found by PyMC) is the lasso estimate; the report is
    returned when it passes:

    >>> import numpy as np
    >>> from bayesreg import LaplacePrior
    >>> from bayesreg.testing import assert_map_matches_penalty
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 3))
    >>> y = X @ np.array([1.0, 0.0, -0.5]) + rng.standard_normal(50)
    >>> report = assert_map_matches_penalty(X, y, LaplacePrior(scale=0.5), noise=1.0)
    >>> report.ok, round(report.alpha, 6), report.l1_ratio
    (True, 0.04, 1.0)
    """
    report = check_equivalence(X, y, prior, rtol=rtol, **options)
    if not report.ok:
        raise AssertionError(
            f"the MAP under {prior!r} is not the penalized estimate at alpha = "
            f"{report.alpha:.6g}, l1_ratio = {report.l1_ratio:.6g}:\n{report}"
        )
    return report


def assert_certified(fit: PenalizedFit | MapEstimate, *, tol: float | None = None) -> None:
    """Assert that a solution's certificate is at most ``tol`` (default: its own ``tol``).

    Parameters
    ----------
    fit : PenalizedFit or MapEstimate
    tol : float, optional
        Threshold for ``fit.gap``, in the units of the certificate. Without it the fit
        must report ``converged`` and ``gap ≤ fit.tol``.

    Raises
    ------
    AssertionError
        If the certificate is above the threshold (or not converged).

    Examples
    --------
    A converged fit passes silently; one stopped early fails:

    >>> import warnings
    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.testing import assert_certified
    >>> X, y = load_diabetes()
    >>> assert_certified(lasso(X, y, 0.5))
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     early = lasso(X, y, 0.001, max_iter=1)
    >>> assert_certified(early)
    Traceback (most recent call last):
    ...
    AssertionError: the PenalizedFit is flagged converged=False: duality gap ...
    """
    if not isinstance(fit, PenalizedFit | MapEstimate):
        raise InputTypeError(
            f"fit must be a PenalizedFit or a MapEstimate; got {type(fit).__name__}."
        )
    if tol is None:
        threshold = fit.tol
        if math.isnan(threshold):
            raise AssertionError(
                f"the {type(fit).__name__} records no tolerance (tol is nan); pass tol."
            )
        if not fit.converged:
            raise AssertionError(
                f"the {type(fit).__name__} is flagged converged=False: {fit.certificate} "
                f"{fit.gap:.3e} (threshold {threshold:.3e})."
            )
    else:
        threshold = check_positive(tol, "tol")
    if not fit.gap <= threshold:
        raise AssertionError(
            f"the {type(fit).__name__} is not certified: {fit.certificate} {fit.gap:.3e} > "
            f"{threshold:.3e}."
        )
