"""λ three ways on the diabetes data: CV, empirical Bayes and a hyperprior, side by side."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bayesreg.core.enet_solver import lasso
from bayesreg.datasets import load_diabetes
from bayesreg.errors import InputValueError
from bayesreg.posterior.choose import LambdaChoice, choose_lambda


@pytest.fixture(scope="module")
def choice() -> LambdaChoice:
    X, y = load_diabetes()
    return choose_lambda(X, y, n_folds=5, draws=1500, random_seed=2008)


def test_rows_convert_between_lambda_and_alpha(choice: LambdaChoice) -> None:
    X, y = load_diabetes()
    n = X.shape[0]
    assert [row.method for row in choice.rows] == [
        "cross-validation (min)",
        "cross-validation (1-SE)",
        "empirical Bayes (MCEM)",
        "hyperprior (median)",
    ]
    for row in choice.rows:
        # the Bayesian lasso's λ and the lasso's alpha: alpha = σλ/n (DESIGN §1)
        assert row.alpha == pytest.approx(row.noise * row.lam / n, rel=1e-12)
        assert row.n_nonzero == lasso(X, y, row.alpha).n_nonzero
    cv_min, cv_1se, empirical, _ = choice.rows
    assert cv_min.alpha == choice.cv.alpha_min
    assert cv_1se.alpha == choice.cv.alpha_1se
    assert cv_1se.alpha >= cv_min.alpha
    assert cv_1se.n_nonzero <= cv_min.n_nonzero
    assert empirical.lam == choice.mcem.lam
    assert math.isnan(empirical.lam_lower)


def test_empirical_bayes_and_hyperprior_agree_with_park_and_casella(choice: LambdaChoice) -> None:
    """Park & Casella (2008): marginal maximum likelihood λ = 0.237 (rounded to 3 decimals)."""
    _, _, empirical, hyper = choice.rows
    assert abs(empirical.lam - 0.237) <= 0.0005 + 4.0 * choice.mcem.lam_se
    # the default rate δ = 1/(10 λ̂²) is Park & Casella's 1.78 on these data
    assert choice.hyperprior[0] == 1.0
    assert choice.hyperprior[1] == pytest.approx(1.78, abs=0.03)
    # the posterior of λ covers the marginal-likelihood estimate and is centered near it
    assert hyper.lam_lower < empirical.lam < hyper.lam_upper
    assert hyper.lam_lower < hyper.lam < hyper.lam_upper
    assert hyper.lam == pytest.approx(empirical.lam, rel=0.25)


def test_table_and_frame_show_the_three_choices(choice: LambdaChoice) -> None:
    text = str(choice)
    assert "alpha = σλ/n, n = 442" in text
    for row in choice.rows:
        assert row.method in text
    assert "95% interval" in text
    frame = choice.to_frame()
    assert list(frame.index) == [row.method for row in choice.rows]
    assert {"lam", "lam_lower", "lam_upper", "noise", "alpha", "n_nonzero"} <= set(frame.columns)


def test_bad_arguments_are_named() -> None:
    X, y = load_diabetes()
    with pytest.raises(InputValueError, match="interval_prob"):
        choose_lambda(X, y, interval_prob=1.5)
    with pytest.raises(InputValueError, match="n_folds"):
        choose_lambda(X, y, n_folds=0)
    assert np.isfinite(X).all()
