"""scikit-learn estimators whose fit is the exact MAP under a prior.

``PriorRegressor`` and ``PriorClassifier`` take a prior object (``GaussianPrior``,
``LaplacePrior``, ``ElasticNetPrior``, ...) and fit the MAP estimate, which is the
penalized solution at ``prior.penalty(n, σ)``::

    F(w, w0) = L(w, w0) + alpha · [l1_ratio ||w||₁ + (1 − l1_ratio)/2 ||w||²]

computed by the certified core solvers (the PyMC model's exact MAP when the noise is
a free variable). On request they also sample the posterior, which gives predictive
standard deviations (regressor) and posterior-averaged probabilities (classifier).

The prior's parameters are nested scikit-learn parameters: ``get_params()`` lists
``prior__scale`` (``prior__l1``, ...) and ``set_params(prior__scale=2.0)`` replaces the
prior by a new one (priors are immutable), so ``GridSearchCV`` can search them.

This module needs scikit-learn (``pip install "bayesreg[sklearn]"``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from bayesreg.core.types import FloatArray
from bayesreg.errors import InputValueError
from bayesreg.priors import Prior, check_prior
from bayesreg.validation import check_choice, check_positive, feature_names_of

__all__ = ["PriorClassifier", "PriorRegressor"]


REGRESSOR_POSTERIORS = (None, "exact", "gibbs", "nuts")
CLASSIFIER_POSTERIORS = (None, "nuts")


def _weights(sample_weight: Any, X: FloatArray) -> FloatArray | None:
    """scikit-learn's ``_check_sample_weight`` (None stays None)."""
    if sample_weight is None:
        return None
    weights: FloatArray = _check_sample_weight(sample_weight, X, dtype=np.float64)
    return weights


def _check_posterior(posterior: Any, allowed: tuple[str | None, ...]) -> str | None:
    if posterior is None:
        return None
    names = [a for a in allowed if a is not None]
    return check_choice(posterior, "posterior", names)


def _coef_draws(tree: Any) -> tuple[FloatArray, FloatArray]:
    """Stacked posterior draws of ``coef`` (S, p) and ``intercept`` (S,)."""
    posterior = tree["posterior"]
    coef = np.asarray(posterior["coef"].values, dtype=np.float64)
    coef = coef.reshape(-1, coef.shape[-1])
    if "intercept" in posterior:
        intercept = np.asarray(posterior["intercept"].values, dtype=np.float64).reshape(-1)
    else:
        intercept = np.zeros(coef.shape[0])
    return coef, intercept


class _PriorEstimator(BaseEstimator):  # type: ignore[misc]
    """An estimator whose ``prior`` parameter is an immutable prior with nested parameters."""

    prior: Prior

    def __init__(
        self,
        prior: Prior,
        *,
        fit_intercept: bool = True,
        posterior: str | None = None,
        draws: int = 1000,
        chains: int = 2,
        random_seed: int | None = None,
    ) -> None:
        self.prior = prior
        self.fit_intercept = fit_intercept
        self.posterior = posterior
        self.draws = draws
        self.chains = chains
        self.random_seed = random_seed

    def _store_fit(self, fit: Any) -> None:
        """Copy a certified fit's ``coef``, ``intercept``, ``gap`` and ``converged``."""
        self.coef_ = np.array(fit.coef)
        self.intercept_ = 0.0 if fit.intercept is None else fit.intercept
        self.gap_ = fit.gap
        self.converged_ = fit.converged

    def _draw_posterior(
        self,
        method: str | None,
        X: FloatArray,
        y: FloatArray,
        names: tuple[str, ...],
        **options: Any,
    ) -> None:
        """Set ``posterior_``: draws by ``method`` (None: no draws), features named."""
        self.posterior_ = None
        if method is None:
            return
        from bayesreg.posterior import sample_posterior

        self.posterior_ = sample_posterior(
            _named_frame(X, names),
            y,
            self.prior,
            method=method,
            draws=self.draws,
            chains=self.chains,
            random_seed=self.random_seed,
            fit_intercept=self.fit_intercept,
            progressbar=False,
            **options,
        )

    def set_params(self, **params: Any) -> Any:
        """Set parameters; ``prior__<name>`` replaces the prior by an updated copy.

        scikit-learn would call ``prior.set_params``, changing the prior in place; priors
        are immutable, so the new prior is ``dataclasses.replace(prior, name=value)``,
        checked by the prior's own constructor. ``prior=`` and ``prior__<name>=``
        together update the given prior.
        """
        changes = {
            key.removeprefix("prior__"): params.pop(key)
            for key in list(params)
            if key.startswith("prior__")
        }
        if changes:
            params["prior"] = _updated_prior(params.get("prior", self.prior), changes)
        return super().set_params(**params)


def _updated_prior(prior: Any, changes: dict[str, Any]) -> Prior:
    """``prior`` with the parameters ``changes`` replaced, checked by its constructor."""
    current = check_prior(prior).get_params()
    unknown = sorted(set(changes) - set(current))
    if unknown:
        raise InputValueError(
            f"Invalid parameter prior__{unknown[0]} for the prior {prior!r}: its parameters "
            f"are {', '.join(f'prior__{name}' for name in current)}."
        )
    updated: Prior = dataclasses.replace(prior, **changes)
    return updated


class PriorRegressor(RegressorMixin, _PriorEstimator):  # type: ignore[misc]
    """Linear regression fitted as the exact MAP under a prior on the coefficients.

    Model: ``y_i ~ Normal(w0 + x_iᵀw, σ)``, ``w_j ~ prior``, flat prior on ``w0``. With σ
    fixed the MAP minimizes ``1/(2n)||y − w0 − Xw||² + alpha·P(w)`` at
    ``(alpha, l1_ratio) = prior.penalty(n, σ)``.

    Parameters
    ----------
    prior : Prior
        The prior on each coefficient, e.g. ``LaplacePrior(scale=2.0)``. Its parameters
        are nested parameters (``prior__scale``), searchable with ``GridSearchCV``.
    noise : float or None, default None
        Fixed noise standard deviation σ; None makes σ a free variable (its prior is the one
        of :func:`bayesreg.build_model`) and the fit is the joint MAP of ``(w, w0, σ)``. With
        a fixed-scale prior that posterior has no mode when the coefficients can fit the
        data exactly (n ≤ p): ``fit`` then raises
        :class:`~bayesreg.errors.ModelStructureError` (see :func:`bayesreg.find_map`).
    fit_intercept : bool, default True
    posterior : {None, "exact", "gibbs", "nuts"}, default None
        Also sample the posterior with this method (see :func:`bayesreg.sample_posterior`);
        needed for ``predict(X, return_std=True)``.
    draws, chains : int, default 1000, 2
        Posterior draws per chain and number of chains.
    random_seed : int or None, default None
        Seed of the posterior sampler.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The MAP coefficients (exact zeros under L1).
    intercept_ : float
    noise_ : float
        σ used (the fixed value, or its joint MAP).
    alpha_, l1_ratio_ : float
        The penalty the MAP minimizes.
    gap_ : float
        The certificate of the fit (duality gap, or KKT residual of the joint MAP).
    converged_ : bool
        Whether ``gap_`` reached the solver's tolerance (a ``ConvergenceWarning`` is
        issued otherwise).
    posterior_ : xarray.DataTree or None
        Posterior draws when ``posterior`` is set.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Present when X was a DataFrame with string column names.

    Examples
    --------
    >>> import bayesreg as br
    >>> from bayesreg.estimators import PriorRegressor
    >>> X, y = br.datasets.load_diabetes()
    >>> model = PriorRegressor(br.LaplacePrior(scale=20.0), noise=54.0).fit(X, y)
    >>> int((model.coef_ == 0.0).sum())  # the MAP under a Laplace prior has exact zeros
    6
    """

    def __init__(
        self,
        prior: Prior,
        *,
        noise: float | None = None,
        fit_intercept: bool = True,
        posterior: str | None = None,
        draws: int = 1000,
        chains: int = 2,
        random_seed: int | None = None,
    ) -> None:
        super().__init__(
            prior,
            fit_intercept=fit_intercept,
            posterior=posterior,
            draws=draws,
            chains=chains,
            random_seed=random_seed,
        )
        self.noise = noise

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> PriorRegressor:
        """Fit the exact MAP (and the posterior when ``posterior`` is set).

        ``sample_weight`` (s_i ≥ 0, optional): the likelihood ``N(y_i | w0 + x_iᵀw, σ²/s_i)``,
        whose MAP minimizes ``1/(2Σs) Σ s_i r_i² + alpha·P(w)`` with
        ``alpha = σ²(l1 + l2)/Σs`` (``prior.penalty(n=Σs, σ)``); with ``noise=None`` the
        joint MAP of ``(w, w0, σ)`` of ``build_model(..., weights=sample_weight)``, and the
        posterior (when ``posterior`` is set) is drawn from that weighted model.
        """
        prior = check_prior(self.prior)
        method = _check_posterior(self.posterior, REGRESSOR_POSTERIORS)
        X_arr, y_arr = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        names = feature_names_of(X, X_arr.shape[1])
        n = X_arr.shape[0]
        weights = _weights(sample_weight, X_arr)
        if weights is not None and self.noise is None:
            self._fit_joint_map(X_arr, y_arr, prior, weights)
        elif weights is not None:
            self.noise_ = check_positive(self.noise, "noise")
            unit_alpha, self.l1_ratio_ = prior.penalty(1, self.noise_)
            self.alpha_ = unit_alpha / float(weights.sum())
            fit = prior.penalized_fit(
                X_arr,
                y_arr,
                noise=self.noise_,
                fit_intercept=self.fit_intercept,
                sample_weight=weights,
            )
            self._store_fit(fit)
        elif self.noise is None:
            self._fit_joint_map(X_arr, y_arr, prior)
        else:
            self.noise_ = check_positive(self.noise, "noise")
            self.alpha_, self.l1_ratio_ = prior.penalty(n, self.noise_)
            fit = prior.penalized_fit(
                X_arr, y_arr, noise=self.noise_, fit_intercept=self.fit_intercept
            )
            self._store_fit(fit)
        weighted = {} if weights is None else {"sample_weight": weights}
        self._draw_posterior(method, X_arr, y_arr, names, noise=self.noise, **weighted)
        return self

    def _fit_joint_map(
        self, X: FloatArray, y: FloatArray, prior: Prior, weights: FloatArray | None = None
    ) -> None:
        from bayesreg.pymc.map import find_map
        from bayesreg.pymc.model import build_model

        model = build_model(
            X, y, prior, noise=None, fit_intercept=self.fit_intercept, weights=weights
        )
        estimate = find_map(model)
        self._store_fit(estimate)
        # build_model with noise=None always has a free "noise" variable.
        self.noise_ = float(estimate.values["noise"])
        # the penalty the joint MAP's coefficients minimize: alpha at n = Σs
        total = float(X.shape[0] if weights is None else weights.sum())
        unit_alpha, self.l1_ratio_ = prior.penalty(1, self.noise_)
        self.alpha_ = unit_alpha / total

    def predict(self, X: Any, return_std: bool = False) -> Any:
        """Predict ``w0 + Xw`` at the MAP, or the posterior predictive mean and sd.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        return_std : bool, default False
            Also return the posterior predictive standard deviation of a new observation,
            ``sqrt(Var[w0 + xᵀw | data] + σ²)`` (σ² averaged over the posterior when σ is
            free). Needs ``posterior`` set at construction.

        Returns
        -------
        mean : ndarray of shape (n_samples,)
            The MAP prediction, or the posterior predictive mean when a posterior was drawn.
        std : ndarray of shape (n_samples,)
            Only with ``return_std=True``.
        """
        check_is_fitted(self, "coef_")
        X_arr = validate_data(self, X, reset=False, dtype=np.float64)
        if self.posterior_ is None:
            if return_std:
                raise InputValueError(
                    "return_std=True needs posterior draws; construct the estimator with "
                    "posterior='exact', 'gibbs' or 'nuts' and fit again."
                )
            prediction: FloatArray = X_arr @ self.coef_ + self.intercept_
            return prediction
        coef, intercept = _coef_draws(self.posterior_)
        linear = X_arr @ coef.T + intercept  # (n_new, S) draws of the regression line
        mean: FloatArray = linear.mean(axis=1)
        if not return_std:
            return mean
        posterior = self.posterior_["posterior"]
        if "noise" in posterior:
            noise_var = float(np.mean(np.asarray(posterior["noise"].values) ** 2))
        else:
            noise_var = self.noise_**2
        std: FloatArray = np.sqrt(linear.var(axis=1) + noise_var)
        return mean, std


class PriorClassifier(ClassifierMixin, _PriorEstimator):  # type: ignore[misc]
    """Binary logistic regression fitted as the exact MAP under a prior.

    Model: ``y_i ~ Bernoulli(sigmoid(w0 + x_iᵀw))``, ``w_j ~ prior``, flat prior on ``w0``.
    The MAP minimizes ``1/n Σ[log(1 + e^η) − yη] + alpha·P(w)`` at
    ``(alpha, l1_ratio) = prior.penalty(n, 1.0)``.

    Parameters
    ----------
    prior : Prior
        The prior on each coefficient; its parameters are nested parameters
        (``prior__scale``), searchable with ``GridSearchCV``.
    fit_intercept : bool, default True
    posterior : {None, "nuts"}, default None
        Also sample the posterior with PyMC's NUTS; ``predict_proba`` then averages the
        probability over the posterior draws.
    draws, chains : int, default 1000, 2
    random_seed : int or None

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two class labels; ``classes_[1]`` is coded 1.
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    alpha_, l1_ratio_, gap_ : float
    converged_ : bool
        Whether ``gap_`` reached the solver's tolerance.
    posterior_ : xarray.DataTree or None
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> import bayesreg as br
    >>> from bayesreg.estimators import PriorClassifier
    >>> X, y = br.datasets.load_breast_cancer(standardize=True)
    >>> prior = br.LaplacePrior(scale=0.3)
    >>> model = PriorClassifier(prior).fit(X, y)
    >>> model.converged_, model.classes_, model.predict_proba(X[:2]).shape
    (True, array([0., 1.]), (2, 2))

    The MAP is the L1-penalized logistic regression at ``prior.penalty(n, 1.0)``:

    >>> alpha, l1_ratio = prior.penalty(len(y), 1.0)
    >>> bool(np.allclose(model.coef_, br.logistic(X, y, alpha, l1_ratio).coef))
    True
    """

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> PriorClassifier:
        """Fit the exact MAP (and the posterior when ``posterior`` is set).

        ``sample_weight`` (s_i ≥ 0, optional): ``log p(y_i)`` counted s_i times, the MAP of
        ``1/Σs Σ s_i ℓ_i + alpha·P(w)`` with ``alpha = (l1 + l2)/Σs``. Supported with
        ``posterior=None``; refused otherwise.
        """
        prior = check_prior(self.prior)
        method = _check_posterior(self.posterior, CLASSIFIER_POSTERIORS)
        X_arr, y_raw = validate_data(self, X, y, dtype=np.float64)
        names = feature_names_of(X, X_arr.shape[1])
        check_classification_targets(y_raw)
        self.classes_, codes = np.unique(y_raw, return_inverse=True)
        if self.classes_.shape[0] != 2:
            raise InputValueError(
                "Only binary classification is supported. The type of the target is "
                f"{type_of_target(y_raw)}: y holds {self.classes_.shape[0]} classes "
                f"({self.classes_[:5]!r}); PriorClassifier needs exactly two."
            )
        y01 = codes.astype(np.float64)
        n = X_arr.shape[0]
        weights = _weights(sample_weight, X_arr)
        if weights is not None and method is not None:
            raise InputValueError(
                f"sample_weight with posterior={method!r}: the Bernoulli model's sampler takes "
                "no observation weights (weighted PyMC models are Gaussian only); pass "
                "posterior=None for the weighted MAP."
            )
        total = n if weights is None else float(weights.sum())
        unit_alpha, self.l1_ratio_ = prior.penalty(1, 1.0)
        self.alpha_ = unit_alpha / total if weights is not None else prior.penalty(n, 1.0)[0]
        fit = prior.penalized_fit(
            X_arr,
            y01,
            likelihood="bernoulli",
            fit_intercept=self.fit_intercept,
            sample_weight=weights,
        )
        self._store_fit(fit)
        self._draw_posterior(method, X_arr, y01, names, likelihood="bernoulli")
        return self

    def decision_function(self, X: Any) -> FloatArray:
        """The linear predictor ``w0 + Xw`` at the MAP (log-odds of ``classes_[1]``)."""
        check_is_fitted(self, "coef_")
        X_arr = validate_data(self, X, reset=False, dtype=np.float64)
        scores: FloatArray = X_arr @ self.coef_ + self.intercept_
        return scores

    def predict_proba(self, X: Any) -> FloatArray:
        """Class probabilities, shape (n_samples, 2).

        At the MAP: ``sigmoid(w0 + xᵀw)``; with a posterior: its average over the draws.
        """
        from scipy.special import expit

        check_is_fitted(self, "coef_")
        X_arr = validate_data(self, X, reset=False, dtype=np.float64)
        if self.posterior_ is None:
            p1 = expit(X_arr @ self.coef_ + self.intercept_)
        else:
            coef, intercept = _coef_draws(self.posterior_)
            p1 = expit(X_arr @ coef.T + intercept).mean(axis=1)
        proba: FloatArray = np.column_stack([1.0 - p1, p1])
        return proba

    def predict(self, X: Any) -> NDArray[Any]:
        """The class with the larger probability."""
        proba = self.predict_proba(X)
        labels: NDArray[Any] = self.classes_[(proba[:, 1] > 0.5).astype(int)]
        return labels


def _named_frame(X: FloatArray, names: tuple[str, ...]) -> Any:
    """Pass feature names on to the posterior's ``feature`` coordinate."""
    import pandas as pd

    return pd.DataFrame(X, columns=list(names))
