"""Bad input: every mistake a user can make is one clear exception with a helpful message.

Each row of the table is a call, the bayesreg exception it must raise (a subclass of
ValueError or TypeError) and a regular expression the message must match: the message
names the argument, the value or shape received and what is allowed. The command line
rows run ``bayesreg.cli.main.main`` and check exit status 2 and one sentence on stderr.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bayesreg.cli.main import main
from bayesreg.core.cv import cross_validate
from bayesreg.core.enet_path import lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.logistic import logistic
from bayesreg.core.objective import objective
from bayesreg.core.penalties import soft_threshold
from bayesreg.core.ridge import ridge, ridge_path
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.posterior.empirical_bayes import empirical_bayes
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.posterior.summary import check_diagnostics, shrinkage_summary
from bayesreg.priors import (
    BayesianLassoPrior,
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    prior_from_penalty,
)
from bayesreg.pymc.equivalence import check_equivalence
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model

_rng = np.random.default_rng(0)
X = _rng.normal(size=(20, 3))
Y = X @ np.array([1.0, -0.5, 0.0]) + _rng.normal(size=20)
Y_BINARY = (Y > 0).astype(float)
X_NAN = X.copy()
X_NAN[0, 0] = np.nan
X_INF = X.copy()
X_INF[3, 1] = np.inf
Y_NAN = Y.copy()
Y_NAN[5] = np.nan
PRIOR = GaussianPrior(1.0)

NUMBER_GE_0 = r"must be a finite number ≥ 0"
NUMBER_GT_0 = r"must be a finite number > 0"
BINARY = r"y must hold only 0 and 1 for the Bernoulli likelihood; got the values \{.*\}"
NO_BERNOULLI_NOISE = (
    r"noise={noise} was given with likelihood='bernoulli', but the Bernoulli likelihood has "
    r"no noise; omit noise"
)


def wrong(value: object) -> Any:
    """A value of a type the signature does not allow (typed ``Any`` for the checker)."""
    return value


# (id, call, exception class, message pattern)
Row = tuple[str, Callable[[], Any], type[Exception], str]

ROWS: list[Row] = [
    # --- data: non-finite, shape, type ---
    ("nan_in_X", lambda: ridge(X_NAN, Y, 1.0), DataError, r"X contains 1 NaN and 0 infinite"),
    ("inf_in_X", lambda: lasso(X_INF, Y, 0.1), DataError, r"X contains 0 NaN and 1 infinite"),
    ("nan_in_y", lambda: elastic_net(X, Y_NAN, 0.1, 0.5), DataError, r"y contains 1 NaN"),
    ("inf_in_y", lambda: ridge(X, np.full(20, np.inf), 1.0), DataError, r"y contains 0 NaN and 20"),
    ("ragged_X", lambda: ridge([[1.0, 2.0], [3.0]], [1.0, 2.0], 1.0), DataError, r"X is ragged"),
    (
        "X_1d",
        lambda: lasso(np.arange(5.0), np.arange(5.0), 0.1),
        DataError,
        r"X must be 2-D \(n_samples, n_features\); got 1-D with shape \(5,\)\. "
        r"Use X\.reshape\(-1, 1\)",
    ),
    (
        "X_3d",
        lambda: ridge(np.zeros((2, 2, 2)), [1.0, 2.0], 1.0),
        DataError,
        r"X must be 2-D .*got 3-D with shape \(2, 2, 2\)",
    ),
    (
        "X_empty",
        lambda: ridge(np.zeros((0, 3)), np.zeros(0), 1.0),
        DataError,
        r"X is empty \(shape \(0, 3\)\); at least one sample and one feature",
    ),
    (
        "X_no_columns",
        lambda: lasso(np.zeros((4, 0)), np.zeros(4), 0.1),
        DataError,
        r"X is empty \(shape \(4, 0\)\)",
    ),
    (
        "length_mismatch",
        lambda: ridge(X, Y[:-1], 1.0),
        DataError,
        r"y has 19 entries but X has 20 rows; they must have the same number",
    ),
    (
        "y_two_columns",
        lambda: lasso(X, np.c_[Y, Y], 0.1),
        DataError,
        r"y must be 1-D \(n_samples,\); got shape \(20, 2\)",
    ),
    (
        "strings_in_X",
        lambda: ridge([["a", "b"], ["c", "d"]], [1.0, 2.0], 1.0),
        InputTypeError,
        r"X must hold numbers; got dtype <U1\. Convert it",
    ),
    (
        "objects_in_X",
        lambda: ridge(np.array([[object(), 1.0]], dtype=object), [1.0], 1.0),
        InputTypeError,
        r"X must hold only numbers; got an array of Python objects",
    ),
    (
        "complex_X",
        lambda: lasso(X + 1j, Y, 0.1),
        InputTypeError,
        r"X must be real-valued; got dtype complex128",
    ),
    ("X_none", lambda: ridge(None, Y, 1.0), InputTypeError, r"X is None; pass an array-like"),
    # --- Bernoulli likelihood needs y in {0, 1} ---
    ("logistic_non_binary", lambda: logistic(X, Y, 0.1), DataError, BINARY),
    (
        "logistic_labels_1_2",
        lambda: logistic(X, Y_BINARY + 1.0, 0.1),
        DataError,
        r"y must hold only 0 and 1 .*got the values \{1, 2\}\. Encode the two classes",
    ),
    (
        "build_model_non_binary",
        lambda: build_model(X, Y, PRIOR, likelihood="bernoulli"),
        DataError,
        BINARY,
    ),
    (
        "check_equivalence_non_binary",
        lambda: check_equivalence(X, Y, PRIOR, likelihood="bernoulli"),
        DataError,
        BINARY,
    ),
    (
        "sample_posterior_non_binary",
        lambda: sample_posterior(X, Y, PRIOR, likelihood="bernoulli", draws=5, chains=1),
        DataError,
        BINARY,
    ),
    (
        "cross_validate_non_binary",
        lambda: cross_validate(X, Y, likelihood="bernoulli"),
        DataError,
        BINARY,
    ),
    # --- penalty strength and mixing ---
    (
        "alpha_negative",
        lambda: ridge(X, Y, -1.0),
        InputValueError,
        rf"alpha {NUMBER_GE_0}; got -1\.0",
    ),
    ("alpha_nan", lambda: lasso(X, Y, np.nan), InputValueError, rf"alpha {NUMBER_GE_0}; got nan"),
    ("alpha_inf", lambda: ridge(X, Y, np.inf), InputValueError, rf"alpha {NUMBER_GE_0}; got inf"),
    (
        "alpha_string",
        lambda: ridge(X, Y, wrong("1")),
        InputTypeError,
        r"alpha must be a real number; got '1' of type str",
    ),
    (
        "lasso_alpha_zero",
        lambda: lasso(X, Y, 0.0),
        InputValueError,
        r"alpha must be a finite number > 0; got 0\.0\. For least squares .* use ridge",
    ),
    (
        "logistic_alpha_negative",
        lambda: logistic(X, Y_BINARY, -0.1),
        InputValueError,
        rf"alpha {NUMBER_GE_0}; got -0\.1",
    ),
    (
        "path_alpha_zero",
        lambda: lasso_path(X, Y, [1.0, 0.0]),
        InputValueError,
        r"alphas must all be > 0; got 1 value\(s\) equal to 0",
    ),
    (
        "path_alpha_negative",
        lambda: lasso_path(X, Y, [1.0, -1.0]),
        InputValueError,
        r"alphas must hold finite numbers ≥ 0; got \[-1\.0\]",
    ),
    (
        "ridge_path_alpha_nan",
        lambda: ridge_path(X, Y, [1.0, np.nan]),
        InputValueError,
        r"alphas must hold finite numbers ≥ 0; got \[nan\]",
    ),
    (
        "path_alphas_empty",
        lambda: lasso_path(X, Y, []),
        DataError,
        r"alphas must be a non-empty 1-D sequence .*got shape \(0,\)",
    ),
    (
        "l1_ratio_above_1",
        lambda: elastic_net(X, Y, 0.1, 1.5),
        InputValueError,
        r"l1_ratio must lie in \[0, 1\] \(0 = ridge, 1 = lasso\); got 1\.5",
    ),
    (
        "l1_ratio_negative",
        lambda: logistic(X, Y_BINARY, 0.1, l1_ratio=-0.1),
        InputValueError,
        r"l1_ratio must lie in \[0, 1\] .*got -0\.1",
    ),
    (
        "l1_ratio_nan",
        lambda: lasso_path(X, Y, l1_ratio=np.nan),
        InputValueError,
        r"l1_ratio must lie in \[0, 1\] .*got nan",
    ),
    # --- prior parameters (each family) ---
    (
        "gaussian_scale_zero",
        lambda: GaussianPrior(0.0),
        InputValueError,
        rf"scale {NUMBER_GT_0}; got 0\.0",
    ),
    (
        "gaussian_scale_nan",
        lambda: GaussianPrior(np.nan),
        InputValueError,
        rf"scale {NUMBER_GT_0}; got nan",
    ),
    (
        "laplace_scale_negative",
        lambda: LaplacePrior(-2.0),
        InputValueError,
        rf"scale {NUMBER_GT_0}; got -2\.0",
    ),
    (
        "laplace_scale_inf",
        lambda: LaplacePrior(np.inf),
        InputValueError,
        rf"scale {NUMBER_GT_0}; got inf",
    ),
    (
        "elastic_net_l1_negative",
        lambda: ElasticNetPrior(-1.0, 1.0),
        InputValueError,
        rf"l1 {NUMBER_GE_0}; got -1\.0",
    ),
    (
        "elastic_net_l2_inf",
        lambda: ElasticNetPrior(1.0, np.inf),
        InputValueError,
        rf"l2 {NUMBER_GE_0}; got inf",
    ),
    (
        "elastic_net_flat",
        lambda: ElasticNetPrior(0.0, 0.0),
        InputValueError,
        r"ElasticNetPrior needs l1 > 0 or l2 > 0; got l1=0\.0 and l2=0\.0.*improper",
    ),
    (
        "bayesian_lasso_lam_zero",
        lambda: BayesianLassoPrior(0.0),
        InputValueError,
        rf"lam {NUMBER_GT_0}; got 0\.0",
    ),
    (
        "bayesian_lasso_rate_nan",
        lambda: BayesianLassoPrior(hyperprior=(1.0, np.nan)),
        InputValueError,
        r"hyperprior rate must be a finite number > 0; got nan",
    ),
    (
        "prior_from_penalty_alpha_zero",
        lambda: prior_from_penalty(0.0, 0.0, 10),
        InputValueError,
        rf"alpha {NUMBER_GT_0}; got 0\.0",
    ),
    # --- noise ---
    (
        "noise_zero_build_model",
        lambda: build_model(X, Y, PRIOR, noise=0.0),
        InputValueError,
        rf"noise {NUMBER_GT_0}; got 0\.0",
    ),
    (
        "noise_negative_equivalence",
        lambda: check_equivalence(X, Y, PRIOR, noise=-1.0),
        InputValueError,
        rf"noise {NUMBER_GT_0}; got -1\.0",
    ),
    (
        "noise_nan_penalty",
        lambda: PRIOR.penalty(10, noise=np.nan),
        InputValueError,
        rf"noise {NUMBER_GT_0}; got nan",
    ),
    # --- names ---
    (
        "unknown_likelihood",
        lambda: build_model(X, Y, PRIOR, likelihood="gamma"),
        InputValueError,
        r"likelihood must be one of 'gaussian', 'bernoulli', 'poisson'; got 'gamma'",
    ),
    (
        "unknown_likelihood_objective",
        lambda: objective(X, Y, np.zeros(3), 0.0, 0.1, 0.5, likelihood="gamma"),
        InputValueError,
        r"likelihood must be one of 'gaussian', 'bernoulli', 'poisson'; got 'gamma'",
    ),
    (
        "offset_without_poisson_objective",
        lambda: objective(X, Y, np.zeros(3), 0.0, 0.1, 0.5, offset=np.zeros(len(Y))),
        InputValueError,
        r"offset is a term of the Poisson likelihood.*likelihood='gaussian'",
    ),
    (
        "unknown_method",
        lambda: sample_posterior(X, Y, PRIOR, method="hmc"),
        InputValueError,
        r"method must be one of 'nuts', 'gibbs', 'exact'; got 'hmc'",
    ),
    (
        "unknown_empirical_bayes_prior",
        lambda: empirical_bayes(X, Y, prior=wrong("horseshoe")),
        InputValueError,
        r"prior must be one of 'gaussian', 'laplace'; got 'horseshoe'",
    ),
    (
        "unknown_empirical_bayes_option",
        lambda: empirical_bayes(X, Y, prior="gaussian", draws=10),
        InputTypeError,
        r"empirical_bayes\(prior='gaussian'\) got unknown option\(s\) draws; "
        r"its options are fit_intercept",
    ),
    (
        "exact_needs_gaussian_prior",
        lambda: sample_posterior(X, Y, LaplacePrior(1.0), method="exact", noise=1.0),
        InputValueError,
        r"method='exact' needs a Gaussian prior and a fixed noise; got LaplacePrior",
    ),
    # --- sampler sizes and seeds ---
    (
        "draws_zero",
        lambda: sample_posterior(X, Y, PRIOR, noise=1.0, method="exact", draws=0),
        InputValueError,
        r"draws must be an integer ≥ 1; got 0",
    ),
    (
        "chains_negative",
        lambda: sample_posterior(X, Y, PRIOR, noise=1.0, method="exact", chains=-2),
        InputValueError,
        r"chains must be an integer ≥ 1; got -2",
    ),
    (
        "draws_float",
        lambda: sample_posterior(X, Y, PRIOR, noise=1.0, method="exact", draws=wrong(10.5)),
        InputTypeError,
        r"draws must be an integer ≥ 1; got 10\.5 of type float",
    ),
    (
        "seed_string",
        lambda: sample_posterior(X, Y, PRIOR, noise=1.0, method="exact", random_seed=wrong("a")),
        InputTypeError,
        r"random_seed must be None, an integer ≥ 0 or a numpy\.random\.Generator; got 'a'",
    ),
    # --- a prior that is not a prior ---
    (
        "prior_float",
        lambda: build_model(X, Y, wrong(1.0)),
        InputTypeError,
        r"prior must be a bayesreg prior such as GaussianPrior\(1\.0\).*; got 1\.0 of type float",
    ),
    (
        "prior_string",
        lambda: check_equivalence(X, Y, wrong("gaussian")),
        InputTypeError,
        r"prior must be a bayesreg prior .*; got 'gaussian' of type str",
    ),
    (
        "prior_dict",
        lambda: sample_posterior(X, Y, wrong({"scale": 1.0}), method="exact"),
        InputTypeError,
        r"prior must be a bayesreg prior .*; got \{'scale': 1\.0\} of type dict",
    ),
    # --- tolerances, counts, folds ---
    (
        "tol_zero",
        lambda: lasso(X, Y, 0.1, tol=0.0),
        InputValueError,
        rf"tol {NUMBER_GT_0}; got 0\.0",
    ),
    (
        "tol_negative_logistic",
        lambda: logistic(X, Y_BINARY, 0.1, tol=-1e-8),
        InputValueError,
        rf"tol {NUMBER_GT_0}; got -1e-08",
    ),
    (
        "tol_nan_path",
        lambda: lasso_path(X, Y, tol=np.nan),
        InputValueError,
        rf"tol {NUMBER_GT_0}; got nan",
    ),
    (
        "max_iter_zero",
        lambda: lasso(X, Y, 0.1, max_iter=0),
        InputValueError,
        r"max_iter must be an integer ≥ 1; got 0",
    ),
    (
        "n_folds_one",
        lambda: cross_validate(X, Y, n_folds=1),
        InputValueError,
        r"n_folds must lie between 2 and n_samples = 20; got 1",
    ),
    (
        "n_folds_above_n",
        lambda: cross_validate(X, Y, n_folds=21),
        InputValueError,
        r"n_folds must lie between 2 and n_samples = 20; got 21",
    ),
    # --- other arguments of the wrong kind ---
    (
        "fit_intercept_string",
        lambda: ridge(X, Y, 1.0, fit_intercept=wrong("yes")),
        InputTypeError,
        r"fit_intercept must be True or False; got 'yes' of type str",
    ),
    (
        "find_map_not_a_model",
        lambda: find_map(X),
        InputTypeError,
        r"model must be a pymc\.Model \(e\.g\. from build_model\); got ndarray",
    ),
    (
        "summary_not_a_tree",
        lambda: shrinkage_summary(wrong(X), X, Y, PRIOR),
        InputTypeError,
        r"tree must be an xarray\.DataTree with a 'posterior' group.*; got ndarray",
    ),
    (
        "diagnostics_not_a_tree",
        lambda: check_diagnostics(wrong({"posterior": 1})),
        InputTypeError,
        r"tree must be an xarray\.DataTree .*; got dict",
    ),
    (
        "objective_coef_shape",
        lambda: objective(X, Y, np.zeros(4), 0.0, 0.1, 0.5),
        DataError,
        r"X, y and coef must have shapes \(n, p\), \(n,\) and \(p,\); got \(20, 3\), "
        r"\(20,\) and \(4,\)",
    ),
    # one policy for the noise with the Bernoulli likelihood: refused wherever it is given
    (
        "bernoulli_noise_build_model",
        lambda: build_model(X, Y_BINARY, PRIOR, noise=1.0, likelihood="bernoulli"),
        InputValueError,
        NO_BERNOULLI_NOISE.format(noise=r"1\.0"),
    ),
    (
        "bernoulli_noise_check_equivalence",
        lambda: check_equivalence(X, Y_BINARY, PRIOR, noise=2.0, likelihood="bernoulli"),
        InputValueError,
        NO_BERNOULLI_NOISE.format(noise=r"2\.0"),
    ),
    (
        "bernoulli_noise_sample_posterior",
        lambda: sample_posterior(X, Y_BINARY, PRIOR, noise=1.0, likelihood="bernoulli"),
        InputValueError,
        NO_BERNOULLI_NOISE.format(noise=r"1\.0"),
    ),
    (
        "bernoulli_noise_penalized_fit",
        lambda: PRIOR.penalized_fit(X, Y_BINARY, noise=1.0, likelihood="bernoulli"),
        InputValueError,
        NO_BERNOULLI_NOISE.format(noise=r"1\.0"),
    ),
    (
        "gaussian_penalized_fit_without_noise",
        lambda: PRIOR.penalized_fit(X, Y),
        InputValueError,
        r"noise=None: penalized_fit needs the fixed noise standard deviation σ .*; pass "
        r"noise=σ > 0",
    ),
    (
        "soft_threshold_negative",
        lambda: soft_threshold([1.0, -2.0], -0.5),
        InputValueError,
        r"threshold must be ≥ 0 .*; got -0\.5",
    ),
]


def test_table_is_large_and_ids_are_unique() -> None:
    ids = [row[0] for row in ROWS]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("call", "error", "pattern"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS]
)
def test_bad_input_raises_a_clear_error(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error) as caught:
        call()
    # the package's own class (never a NumPy/SciPy/PyMC exception leaking out), and
    # still catchable as the built-in ValueError or TypeError
    assert type(caught.value).__module__ == "bayesreg.errors"
    assert isinstance(caught.value, ValueError | TypeError)
    message = str(caught.value)
    assert re.search(pattern, message), message
    # one readable sentence (or a few), not a dump
    assert "\n" not in message
    assert len(message) < 400


# --- the command line: exit status 2 and one sentence on stderr ---

CSV_ROWS: list[tuple[str, str | None, list[str], str]] = [
    (
        "missing_file",
        None,
        ["--target", "y", "--prior", "laplace", "--scale", "1"],
        r"no such file '.*missing\.csv'",
    ),
    (
        "empty_file",
        "",
        ["--target", "y", "--prior", "laplace", "--scale", "1"],
        r"is empty; it needs a header and rows",
    ),
    (
        "header_only",
        "a,y\n",
        ["--target", "y", "--prior", "laplace", "--scale", "1"],
        r"has a header but no rows",
    ),
    (
        "missing_target",
        "a,b\n1,2\n3,4\n",
        ["--target", "y", "--prior", "laplace", "--scale", "1"],
        r"--target: no column 'y' in .*; its columns are 'a', 'b'",
    ),
    (
        "non_numeric_column",
        "a,name,y\n1,u,2\n3,v,5\n",
        ["--target", "y", "--prior", "laplace", "--scale", "1"],
        r"column\(s\) 'name' are not numeric; encode or drop them",
    ),
    (
        "non_binary_bernoulli",
        "a,y\n1,0.5\n3,2\n",
        ["--target", "y", "--prior", "gaussian", "--scale", "1", "--likelihood", "bernoulli"],
        r"--target: column 'y' must hold only 0 and 1",
    ),
    (
        "scale_negative",
        "a,y\n1,2\n3,5\n4,4\n",
        ["--target", "y", "--prior", "laplace", "--scale", "-1"],
        r"scale must be a finite number > 0; got -1\.0",
    ),
    (
        "noise_zero",
        "a,y\n1,2\n3,5\n4,4\n",
        ["--target", "y", "--prior", "gaussian", "--scale", "1", "--noise", "0"],
        r"noise must be a finite number > 0; got 0\.0",
    ),
    (
        "noise_with_bernoulli",
        "a,y\n1,0\n3,1\n4,1\n",
        [
            *("--target", "y", "--prior", "laplace", "--scale", "1"),
            *("--likelihood", "bernoulli", "--noise", "1"),
        ],
        r"--noise: got 1, but the Bernoulli likelihood has no noise; omit --noise",
    ),
    (
        "alpha_without_noise",
        "a,y\n1,2\n3,5\n4,4\n",
        ["--target", "y", "--prior", "laplace", "--alpha", "0.1"],
        r"--alpha: a penalty is a prior only at a given noise σ .*give --noise σ",
    ),
]


def _cli_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    message = captured.err.strip()
    assert "Traceback" not in message
    assert message.count("\n") == 0, message
    return message


@pytest.mark.parametrize(
    ("content", "options", "pattern"),
    [row[1:] for row in CSV_ROWS],
    ids=[row[0] for row in CSV_ROWS],
)
def test_cli_check_errors_exit_two_with_one_sentence(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    options: list[str],
    pattern: str,
) -> None:
    path = tmp_path / ("missing.csv" if content is None else "data.csv")
    if content is not None:
        path.write_text(content, encoding="utf-8")
    message = _cli_error(["check", str(path), *options], capsys)
    assert message.startswith("bayesreg check: error: ")
    assert re.search(pattern, message), message


def test_cli_demo_out_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    message = _cli_error(["demo", "--quick", "--out", str(blocker / "report")], capsys)
    assert re.search(
        r"--out: cannot create '.*report': '.*a_file' is a file, not a folder", message
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]
