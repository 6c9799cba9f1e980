"""scikit-learn estimators: the API contract, MAP = core solution, pipelines and grid search."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from bayesreg.core.conventions import to_sklearn_lasso, to_sklearn_logistic, to_sklearn_ridge
from bayesreg.errors import InputTypeError, InputValueError, ModelStructureError
from bayesreg.estimators import PriorClassifier, PriorRegressor
from bayesreg.priors import BayesianLassoPrior, ElasticNetPrior, GaussianPrior, LaplacePrior
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model


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


def test_nested_prior_parameters_replace_the_prior() -> None:
    prior = LaplacePrior(1.0)
    model = PriorRegressor(prior, noise=1.0)
    params = model.get_params(deep=True)
    assert params["prior__scale"] == 1.0
    assert "prior__scale" not in model.get_params(deep=False)
    assert model.set_params(prior__scale=2.0) is model
    assert model.prior == LaplacePrior(2.0)
    assert prior == LaplacePrior(1.0)  # the prior passed in is not changed
    # prior= and prior__ together: the given prior, updated
    model.set_params(prior=LaplacePrior(5.0), prior__scale=3.0, noise=2.0)
    assert (model.prior, model.noise) == (LaplacePrior(3.0), 2.0)
    classifier = PriorClassifier(ElasticNetPrior(1.0, 2.0)).set_params(prior__l2=4.0)
    assert classifier.prior == ElasticNetPrior(1.0, 4.0)
    assert classifier.get_params()["prior__l1"] == 1.0


def test_nested_prior_parameters_are_checked() -> None:
    with pytest.raises(InputValueError, match=r"prior__width.*prior__scale"):
        PriorRegressor(LaplacePrior(1.0)).set_params(prior__width=2.0)
    with pytest.raises(InputValueError, match="scale must be a finite number > 0"):
        PriorRegressor(LaplacePrior(1.0)).set_params(prior__scale=-1.0)
    with pytest.raises(InputValueError, match="exactly one of lam"):
        PriorRegressor(BayesianLassoPrior(hyperprior=(1.0, 1.0))).set_params(prior__lam=0.5)
    with pytest.raises(InputTypeError, match="prior must be a bayesreg prior"):
        PriorRegressor("laplace").set_params(prior__scale=1.0)  # type: ignore[arg-type]


def test_clone_keeps_the_prior(regression_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    prior = BayesianLassoPrior(hyperprior=(1.0, 2.0))
    model = PriorRegressor(prior, noise=1.0)
    copy = clone(model)
    assert copy is not model
    assert copy.get_params(deep=True) == model.get_params(deep=True)
    fitted = PriorRegressor(LaplacePrior(0.1), noise=1.0).fit(X, y)
    assert not hasattr(clone(fitted), "coef_")


def test_grid_search_over_the_prior_scale(regression_data) -> None:  # type: ignore[no-untyped-def]
    """The grid's best scale is the one whose MAP fits held-out folds best (checked here)."""
    X, y = regression_data
    scales = [0.001, 0.01, 1.0]
    grid = GridSearchCV(
        PriorRegressor(LaplacePrior(1.0), noise=1.0), {"prior__scale": scales}, cv=3
    ).fit(X, y)
    scores = [
        np.mean(
            [
                PriorRegressor(LaplacePrior(scale), noise=1.0)
                .fit(X[train], y[train])
                .score(X[test], y[test])
                for train, test in KFold(3).split(X)
            ]
        )
        for scale in scales
    ]
    assert grid.best_params_ == {"prior__scale": scales[int(np.argmax(scores))]}
    np.testing.assert_allclose(grid.cv_results_["mean_test_score"], scores, rtol=1e-12)
    assert grid.best_estimator_.prior == LaplacePrior(grid.best_params_["prior__scale"])
    classifier_grid = GridSearchCV(
        PriorClassifier(GaussianPrior(1.0)), {"prior__scale": [0.01, 1.0]}, cv=3
    ).fit(X, y > np.median(y))
    assert classifier_grid.best_params_["prior__scale"] in (0.01, 1.0)


def test_converged_is_a_fitted_attribute(regression_data, classification_data) -> None:  # type: ignore[no-untyped-def]
    X, y = regression_data
    for model in (
        PriorRegressor(LaplacePrior(0.2), noise=1.0),
        PriorRegressor(LaplacePrior(0.2)),
        PriorRegressor(LaplacePrior(0.2), fit_intercept=False),
    ):
        fitted = model.fit(X, y)
        assert fitted.converged_ is True
        assert fitted.gap_ >= 0.0
    no_intercept = PriorRegressor(LaplacePrior(0.2), fit_intercept=False).fit(X, y)
    assert no_intercept.intercept_ == 0.0
    X_c, labels = classification_data
    assert PriorClassifier(LaplacePrior(1.0)).fit(X_c, labels).converged_ is True


def test_free_noise_without_a_mode_is_refused_in_find_maps_words() -> None:
    """n ≤ p: the coefficients fit y exactly, log p → ∞ as σ → 0; no noise 1e-6 and R² = 1."""
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((5, 8)), rng.standard_normal(5)
    with pytest.raises(ModelStructureError) as from_find_map:
        find_map(build_model(X, y, LaplacePrior(1.0)))
    with pytest.raises(ModelStructureError) as from_estimator:
        PriorRegressor(LaplacePrior(1.0)).fit(X, y)
    assert str(from_estimator.value) == str(from_find_map.value)
    message = str(from_estimator.value)
    for fragment in ("no mode", "noise=σ", "BayesianLassoPrior", "InverseGamma"):
        assert fragment in message
    # each remedy works: a fixed noise, or the Bayesian lasso prior
    assert PriorRegressor(LaplacePrior(1.0), noise=0.5).fit(X, y).converged_
    assert PriorRegressor(BayesianLassoPrior(1.0)).fit(X, y).converged_
