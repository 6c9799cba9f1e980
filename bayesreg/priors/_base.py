"""What every prior is: a log-density with an L1 and an L2 weight, and the penalty it implies.

Every prior in bayesreg has, up to a constant, the log-density

    log p(w) = −l1 · |w| − (l2 / 2) · w²      (per coefficient, given the noise σ)

so that with n samples and the Gaussian noise standard deviation σ fixed (σ = 1 for the
Bernoulli and Poisson likelihoods) the negative log posterior is (n/σ²) · F(w) + const with

    F(w) = L(w) + alpha · [r ||w||₁ + (1 − r)/2 ||w||²],
    alpha = σ² (l1 + l2) / n,    r = l1 / (l1 + l2).

This module holds that conversion, once, in both directions.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from typing import Any, ClassVar, cast

from numpy.typing import ArrayLike

from bayesreg.core.data import check_sample_weight
from bayesreg.core.enet_solver import elastic_net
from bayesreg.core.logistic import logistic
from bayesreg.core.penalties import enet_prox, penalty_value
from bayesreg.core.poisson import poisson
from bayesreg.core.results import PenalizedFit
from bayesreg.core.ridge import ridge
from bayesreg.core.solve import LIKELIHOODS, check_noise, penalized_solve
from bayesreg.core.types import FloatArray
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.validation import (
    as_design_or_sparse,
    check_choice,
    check_offset_likelihood,
    check_positive,
    check_positive_int,
)

__all__ = ["Prior", "check_prior", "penalty_from_weights", "weights_from_penalty"]


def penalty_from_weights(l1: float, l2: float, n_samples: int, noise: float) -> tuple[float, float]:
    """``(alpha, l1_ratio) = (σ² (l1 + l2) / n, l1 / (l1 + l2))``.

    Examples
    --------
    A Laplace prior of scale 0.5 (``l1 = 2``) with n = 100 and σ = 1 is the lasso at
    alpha = 0.02:

    >>> from bayesreg.priors import penalty_from_weights
    >>> penalty_from_weights(2.0, 0.0, 100, 1.0)
    (0.02, 1.0)
    """
    total = l1 + l2
    return noise**2 * total / n_samples, l1 / total


def weights_from_penalty(
    alpha: float, l1_ratio: float, n_samples: int, noise: float
) -> tuple[float, float]:
    """``(l1, l2) = (n alpha r / σ², n alpha (1 − r) / σ²)``, the inverse of the above.

    Examples
    --------
    >>> from bayesreg.priors import penalty_from_weights, weights_from_penalty
    >>> weights_from_penalty(0.02, 1.0, 100, 1.0)
    (2.0, 0.0)
    >>> weights_from_penalty(*penalty_from_weights(1.0, 3.0, 100, 2.0), 100, 2.0)
    (1.0, 3.0)
    """
    total = n_samples * alpha / noise**2
    return total * l1_ratio, total * (1.0 - l1_ratio)


class Prior(ABC):
    """A prior on each coefficient with two faces: a penalty and a distribution.

    A subclass states its log-density through :meth:`l1_weight` and :meth:`l2_weight`
    (``log p(w) = −l1|w| − (l2/2) w² + const``) and implements the distribution face
    (``logpdf``, ``rvs``, ``variance``, ``to_pymc``); the penalty face follows here.

    Examples
    --------
    Every prior of the package is a ``Prior``; its penalty face gives the penalized
    problem whose solution is its MAP (here with n = 442 and σ = 54 fixed):

    >>> import numpy as np
    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import LaplacePrior, Prior
    >>> X, y = load_diabetes()
    >>> prior = LaplacePrior(100.0)
    >>> isinstance(prior, Prior)
    True
    >>> alpha, l1_ratio = prior.penalty(len(y), noise=54.0)
    >>> round(alpha, 4), l1_ratio
    (0.066, 1.0)
    >>> fit = prior.penalized_fit(X, y, noise=54.0)
    >>> fit.converged, np.allclose(fit.coef, lasso(X, y, alpha).coef)
    (True, True)
    """

    #: Whether the prior on w is stated conditionally on the noise σ (Park & Casella's
    #: Bayesian lasso); models with a free σ then use the reference prior p(σ²) ∝ 1/σ².
    conditions_on_noise: ClassVar[bool] = False
    #: Whether the prior is supported on ``w ≥ 0`` (a prior truncated to the positive
    #: half-line): its MAP is then the penalized fit constrained to ``w ≥ 0``
    #: (``positive=True`` of the core solvers), the log-density ``−l1 w − (l2/2) w²`` on
    #: ``w ≥ 0`` and ``−inf`` below.
    positive: ClassVar[bool] = False

    @abstractmethod
    def l1_weight(self, noise: float = 1.0) -> float:
        """Weight of ``|w|`` in ``−log p(w)`` (0 for a Gaussian prior)."""

    @abstractmethod
    def l2_weight(self, noise: float = 1.0) -> float:
        """Weight of ``w²/2`` in ``−log p(w)`` (0 for a Laplace prior)."""

    @abstractmethod
    def logpdf(self, w: ArrayLike) -> FloatArray:
        """Normalized log-density at ``w`` (elementwise)."""

    @abstractmethod
    def rvs(self, size: Any = None, random_seed: Any = None) -> FloatArray:
        """Independent draws of shape ``size``."""

    @abstractmethod
    def variance(self) -> float:
        """Prior variance of one coefficient, about its mean (0 for the priors on the whole
        line; a sign-constrained prior says its own)."""

    @abstractmethod
    def to_pymc(
        self,
        name: str,
        *,
        dims: Any = None,
        shape: Any = None,
        noise: Any = 1.0,
    ) -> Any:
        """Create the coefficient random variable in the current PyMC model context."""

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The prior's parameters (its dataclass fields), by name.

        With scikit-learn's estimators they appear as nested parameters
        (``PriorRegressor(...).get_params()["prior__scale"]``), so that
        ``GridSearchCV`` can search ``prior__scale``. A prior is immutable: the
        estimators' ``set_params(prior__scale=...)`` builds a new prior.

        Parameters
        ----------
        deep : bool, default True
            Accepted for scikit-learn; a prior holds no nested objects.

        Returns
        -------
        dict
            E.g. ``{"scale": 2.0}`` for ``LaplacePrior(2.0)``.
        """
        fields = dataclasses.fields(cast(Any, self))
        return {field.name: getattr(self, field.name) for field in fields}

    def __sklearn_clone__(self) -> Prior:
        """The prior itself: it is immutable, so a clone would be an equal copy."""
        return self

    def penalty_factor(self) -> FloatArray | None:
        """Per-coefficient penalty factors ``v`` that go with :meth:`penalty`, or None.

        None (the default): the same prior on every coefficient, penalty ``alpha·P(w)``.
        A prior with per-coefficient scales returns ``v`` (``v_j ≥ 0``, 0 for a flat
        entry): its MAP minimizes ``L + alpha Σ_j v_j P(w_j)``, the core solvers'
        ``penalty_factor`` (Gaussian likelihood).
        """
        return None

    def penalty(self, n_samples: int, noise: float = 1.0) -> tuple[float, float]:
        """The penalty ``(alpha, l1_ratio)`` whose minimizer is this prior's MAP.

        Parameters
        ----------
        n_samples : int
            Number of observations n.
        noise : float, default 1.0
            Noise standard deviation σ of the Gaussian likelihood (1 for Bernoulli).

        Returns
        -------
        alpha, l1_ratio : float
            ``alpha = σ² (l1 + l2) / n`` and ``l1_ratio = l1 / (l1 + l2)``.
        """
        n = check_positive_int(n_samples, "n_samples")
        sigma = check_positive(noise, "noise")
        return penalty_from_weights(self.l1_weight(sigma), self.l2_weight(sigma), n, sigma)

    def _check_penalty_face(self, what: str) -> None:
        """Nothing: the prior has a penalty face (a prior without a finite MAP refuses
        ``what``, e.g. "penalized fit", with a ``ModelStructureError``)."""
        return None

    def penalized_fit(
        self,
        X: Any,
        y: Any,
        *,
        noise: float | None = None,
        likelihood: str = "gaussian",
        fit_intercept: bool = True,
        offset: Any = None,
        sample_weight: Any = None,
    ) -> PenalizedFit:
        """The MAP under this prior with σ fixed, computed as the certified penalized fit.

        ``−log p(w, w0 | y) = (n/σ²) F(w, w0) + const`` with ``F`` the objective at
        ``(alpha, l1_ratio) = self.penalty(n, σ)``, so the MAP is the core solver's
        solution (ridge, elastic net / lasso; logistic for ``likelihood="bernoulli"`` and
        Poisson regression for ``likelihood="poisson"``, where the conversion takes
        σ = 1). For the Poisson likelihood ``F(w, w0) = 1/n Σ_i [exp(η_i) − y_i η_i] +
        alpha·[r ||w||₁ + (1 − r)/2 ||w||²]`` with ``η = offset + w0 + Xw``.

        Parameters
        ----------
        X : array-like or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
            A sparse X is passed on to the solver as it is (never densified).
        y : array-like of shape (n_samples,)
            0/1 for the Bernoulli likelihood, counts (integers ≥ 0) for the Poisson one.
        noise : float, optional
            The fixed noise standard deviation σ of the Gaussian likelihood, required
            there (a free σ has no penalized counterpart without its estimate: see
            :func:`bayesreg.pymc.equivalence.check_equivalence`). The Bernoulli and
            Poisson likelihoods have no noise: omit it.
        likelihood : {"gaussian", "bernoulli", "poisson"}, default "gaussian"
        fit_intercept : bool, default True
        offset : array-like of shape (n_samples,), optional
            The known term of the Poisson log-rate (e.g. log exposure), passed to
            :func:`~bayesreg.core.poisson.poisson`. Poisson likelihood only.
        sample_weight : array-like of shape (n_samples,), optional
            Observation weights ``s_i ≥ 0``: the Gaussian likelihood ``N(y_i | η_i, σ²/s_i)``
            (Bernoulli/Poisson: ``log p(y_i)`` counted ``s_i`` times), so
            ``−log p = (Σs/σ²)·[1/(2Σs) Σ s_i r_i² + (σ²/Σs)·(−log prior)]`` and the penalty
            is ``self.penalty(n=Σs, σ)``: ``alpha = σ²(l1 + l2)/Σs``, with the prior's
            penalty factors (per-coefficient scales) and sign constraint as without
            weights.

        Returns
        -------
        PenalizedFit
            The solution with its certificate.

        Raises
        ------
        InputValueError
            If ``noise`` is missing with the Gaussian likelihood, or given with the
            Bernoulli or Poisson likelihood, or ``offset`` is given with another
            likelihood than Poisson.
        ModelStructureError
            If the prior has no finite MAP (the horseshoe priors), before any check of
            the data.
        """
        self._check_penalty_face("penalized fit")
        kind = check_choice(likelihood, "likelihood", LIKELIHOODS)
        design = as_design_or_sparse(X)
        check_offset_likelihood(offset, kind)
        sigma = check_noise(noise, kind)
        if sigma is None and kind == "gaussian":
            raise InputValueError(
                "noise=None: penalized_fit needs the fixed noise standard deviation σ of the "
                "Gaussian likelihood, since alpha = σ²(l1 + l2)/n; pass noise=σ > 0."
            )
        weights = (
            None if sample_weight is None else check_sample_weight(sample_weight, design.shape[0])
        )
        alpha, l1_ratio = _alpha_for(
            self, design.shape[0], weights, 1.0 if sigma is None else sigma
        )
        factor = self.penalty_factor()
        if self.positive or factor is not None:
            return _constrained_fit(
                design,
                y,
                (alpha, l1_ratio),
                kind,
                fit_intercept,
                factor=factor,
                positive=self.positive,
                weights=weights,
                offset=offset,
            )
        return penalized_solve(
            design,
            y,
            alpha,
            l1_ratio,
            likelihood=kind,
            fit_intercept=fit_intercept,
            offset=offset,
            sample_weight=weights,
        )

    def penalty_value(self, w: ArrayLike, n_samples: int, noise: float = 1.0) -> float:
        """``alpha · P(w)`` for the penalty of :meth:`penalty`."""
        alpha, l1_ratio = self.penalty(n_samples, noise)
        return penalty_value(w, alpha, l1_ratio)

    def prox(self, z: ArrayLike, step: float, n_samples: int, noise: float = 1.0) -> FloatArray:
        """Proximal operator of ``step · alpha · P`` at ``z``."""
        alpha, l1_ratio = self.penalty(n_samples, noise)
        return enet_prox(z, check_positive(step, "step"), alpha, l1_ratio)


def _alpha_for(
    prior: Prior, n_samples: int, weights: FloatArray | None, sigma: float
) -> tuple[float, float]:
    """``prior.penalty(n, σ)``, with observation weights at n = Σs (not an integer in
    general: alpha = σ²(l1 + l2)/n is proportional to 1/n)."""
    if weights is None:
        return prior.penalty(n_samples, sigma)
    unit_alpha, l1_ratio = prior.penalty(1, sigma)
    return unit_alpha / float(weights.sum()), l1_ratio


def _constrained_fit(
    design: Any,
    y: Any,
    penalty: tuple[float, float],
    likelihood: str,
    fit_intercept: bool,
    *,
    factor: FloatArray | None,
    positive: bool,
    weights: FloatArray | None = None,
    offset: Any = None,
) -> PenalizedFit:
    """The penalized fit with per-coefficient factors and/or the sign constraint
    ``w ≥ 0``: ridge (unconstrained, l1_ratio = 0) or elastic net (Gaussian), logistic
    (Bernoulli) or Poisson regression (with its offset), weighted by ``weights``."""
    alpha, l1_ratio = penalty
    options: dict[str, Any] = {
        "fit_intercept": fit_intercept,
        "penalty_factor": factor,
        "positive": positive,
        "sample_weight": weights,
    }
    if likelihood == "bernoulli":
        return logistic(design, y, alpha, l1_ratio, **options)
    if likelihood == "poisson":
        return poisson(design, y, alpha, l1_ratio, offset=offset, **options)
    if l1_ratio == 0.0 and not positive:
        return ridge(design, y, alpha, **options)
    return elastic_net(design, y, alpha, l1_ratio, **options)


def check_prior(prior: Any) -> Prior:
    """Return ``prior`` if it is a bayesreg prior, else raise a clear ``InputTypeError``.

    Examples
    --------
    >>> from bayesreg.priors import GaussianPrior, check_prior
    >>> check_prior(GaussianPrior(1.0))
    GaussianPrior(scale=1.0)
    >>> check_prior(1.0)
    Traceback (most recent call last):
        ...
    bayesreg.errors.InputTypeError: prior must be a bayesreg prior such as ...
    """
    if not isinstance(prior, Prior):
        raise InputTypeError(
            "prior must be a bayesreg prior such as GaussianPrior(1.0), LaplacePrior(1.0), "
            "ElasticNetPrior(1.0, 1.0) or BayesianLassoPrior(0.5); got "
            f"{_describe_value(prior)} of type {type(prior).__name__}."
        )
    return prior


def _describe_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
