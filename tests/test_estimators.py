"""scikit-learn estimators: the API contract, MAP = core solution, pipelines and grid search."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from bayesreg.core.conventions import to_sklearn_lasso, to_sklearn_logistic, to_sklearn_ridge
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.estimators import PriorClassifier, PriorRegressor
from bayesreg.priors import GaussianPrior, LaplacePrior


@pytest.fixture(scope="module")
def regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6))
    y = X @ np.array([2.0, -1.0, 0.0, 0.0, 0.5, 0.0]) + 1.5 + rng.standard_normal(80)
    return X, y


@pytest.fixture(scope="module")
def classification_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    X = rng.standard_normal((120, 5))
    p = 1.0 / (1.0 + np.exp(-(X @ np.array([1.5, -1.0, 0.0, 0.5, 0.0]) - 0.3)))
    return X, np.where(rng.random(120) < p, "yes", "no")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
def test_regressor_passes_sklearn_estimator_checks() -> None:
    check_estimator(PriorRegressor(GaussianPrior(1.0), noise=1.0))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
def test_classifier_passes_sklearn_estimator_checks() -> None:
    check_estimator(PriorClassifier(LaplacePrior(1.0)))


@pytest.mark.parametrize("prior", [GaussianPrior(0.3), LaplacePrior(0.05)])
def test_regressor_map_equals_sklearn(prior, regression_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    n, noise = X.shape[0], 1.3
    model = PriorRegressor(prior, noise=noise).fit(X, y)
    alpha, l1_ratio = prior.penalty(n, noise)
    if l1_ratio == 0.0:
        oracle = Ridge(**to_sklearn_ridge(alpha, n), tol=1e-14).fit(X, y)
    else:
        oracle = Lasso(**to_sklearn_lasso(alpha), tol=1e-14, max_iter=100_000).fit(X, y)
    # Oracle: scikit-learn at tol 1e-14; the MAP agrees to 1e-8 relative.
    scale = max(1.0, float(np.abs(oracle.coef_).max()))
    assert np.max(np.abs(model.coef_ - oracle.coef_)) <= 1e-8 * scale
    assert model.intercept_ == pytest.approx(oracle.intercept_, rel=1e-8, abs=1e-8)
    assert (model.alpha_, model.l1_ratio_) == (alpha, l1_ratio)
    assert model.gap_ >= 0.0


def test_classifier_map_equals_sklearn(classification_data) -> None:  # type: ignore[no-untyped-def]
    X, labels = classification_data
    prior = GaussianPrior(0.5)
    model = PriorClassifier(prior).fit(X, labels)
    alpha, _ = prior.penalty(X.shape[0], 1.0)
    oracle = LogisticRegression(
        **to_sklearn_logistic(alpha, X.shape[0]), solver="newton-cholesky", tol=1e-12
    ).fit(X, labels)
    assert list(model.classes_) == ["no", "yes"]
    np.testing.assert_allclose(model.coef_, oracle.coef_[0], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(
        model.predict_proba(X), oracle.predict_proba(X), rtol=1e-6, atol=1e-8
    )
    assert np.array_equal(model.predict(X), oracle.predict(X))


def test_regressor_exact_posterior_gives_predictive_std(regression_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    noise = 1.0
    model = PriorRegressor(
        GaussianPrior(1.0), noise=noise, posterior="exact", draws=4000, chains=2, random_seed=3
    ).fit(X, y)
    mean, std = model.predict(X[:5], return_std=True)
    # The posterior mean of the line is the MAP (Gaussian posterior): within Monte Carlo
    # error of 8000 draws, and the predictive sd exceeds the noise sd.
    np.testing.assert_allclose(mean, X[:5] @ model.coef_ + model.intercept_, atol=0.05)
    assert np.all(std > noise)
    assert np.all(std < noise * 1.5)


def test_regressor_return_std_without_posterior_is_a_clear_error(regression_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    model = PriorRegressor(GaussianPrior(1.0), noise=1.0).fit(X, y)
    with pytest.raises(InputValueError, match="posterior="):
        model.predict(X, return_std=True)


def test_regressor_free_noise_is_the_joint_map(regression_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    prior = LaplacePrior(0.2)
    model = PriorRegressor(prior).fit(X, y)
    # The joint MAP's coefficients solve the penalized problem at alpha = σ̂²/(n b).
    fixed = PriorRegressor(prior, noise=model.noise_).fit(X, y)
    np.testing.assert_allclose(model.coef_, fixed.coef_, rtol=1e-7, atol=1e-9)
    assert model.noise_ > 0.0


def test_pipeline_and_grid_search(regression_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    pipeline = make_pipeline(StandardScaler(), PriorRegressor(LaplacePrior(1.0), noise=1.0))
    grid = GridSearchCV(
        pipeline,
        {"priorregressor__prior": [LaplacePrior(0.01), LaplacePrior(0.1), LaplacePrior(10.0)]},
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["priorregressor__prior"] in (LaplacePrior(0.1), LaplacePrior(10.0))
    assert grid.best_score_ > 0.5


def test_dataframe_feature_names_reach_the_posterior(regression_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    model = PriorRegressor(
        GaussianPrior(1.0), noise=1.0, posterior="exact", draws=50, chains=1, random_seed=0
    ).fit(frame, y)
    assert list(model.feature_names_in_) == list(frame.columns)
    assert list(model.posterior_["posterior"]["coef"].coords["feature"].values) == list(
        frame.columns
    )


def test_bad_prior_and_posterior_are_clear_errors(regression_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    with pytest.raises(InputTypeError, match="prior must be a bayesreg prior"):
        PriorRegressor("laplace").fit(X, y)  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="posterior"):
        PriorRegressor(GaussianPrior(1.0), noise=1.0, posterior="mcmc").fit(X, y)
    with pytest.raises(InputValueError, match="posterior"):
        PriorClassifier(GaussianPrior(1.0), posterior="gibbs").fit(X, y > 0)


def test_classifier_rejects_more_than_two_classes(classification_data) -> None:  # type: ignore[no-untyped-def]
    X, _ = classification_data
    three = np.arange(X.shape[0]) % 3
    with pytest.raises(InputValueError, match="Only binary classification"):
        PriorClassifier(GaussianPrior(1.0)).fit(X, three)
