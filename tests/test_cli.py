"""The ``bayesreg`` command line: help, ``check`` against scikit-learn, clear errors.

Every call runs in-process through ``bayesreg.cli.main.main`` (no interpreter start-up).
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression

from bayesreg.cli.main import main
from bayesreg.core.enet_solver import lasso
from bayesreg.pymc.equivalence import EquivalenceReport

N_SAMPLES = 80
FEATURES = ("x1", "x2", "x3")


@pytest.fixture
def data_frame() -> pd.DataFrame:
    """Correlated features, a sparse linear signal ``y`` and a 0/1 outcome ``label``."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((N_SAMPLES, 3)) @ np.array(
        [[1.0, 0.4, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 1.0]]
    )
    y = 1.0 + X @ np.array([1.5, 0.0, -2.0]) + 0.7 * rng.standard_normal(N_SAMPLES)
    frame = pd.DataFrame(X, columns=list(FEATURES))
    frame["y"] = y
    frame["label"] = (y + 0.8 * rng.standard_normal(N_SAMPLES) > 1.0).astype(int)
    return frame


@pytest.fixture
def regression_csv(tmp_path: Path, data_frame: pd.DataFrame) -> Path:
    path = tmp_path / "regression.csv"
    data_frame.drop(columns=["label"]).to_csv(path, index=False)
    return path


@pytest.fixture
def classification_csv(tmp_path: Path, data_frame: pd.DataFrame) -> Path:
    path = tmp_path / "classes.csv"
    data_frame.drop(columns=["y"]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("command", [[], ["demo"], ["check"]])
def test_help_exits_zero(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main([*command, "--help"])
    assert stop.value.code == 0
    assert "usage: bayesreg" in capsys.readouterr().out


def test_check_prints_the_side_by_side_table(
    regression_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--target", "y", "--prior", "laplace", "--scale", "0.5", "--noise", "0.7"]
    code = main(["check", str(regression_csv), *options])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    assert "verdict: EQUIVALENT" in captured.out
    for name in (*FEATURES, "intercept", "objective F"):
        assert name in captured.out
    # the prior ⇔ penalty line: alpha = σ²/(n b)
    assert f"alpha = {0.7**2 / (N_SAMPLES * 0.5):.6g}" in captured.out


def test_check_without_noise_compares_at_the_joint_map_sigma(
    regression_csv: Path, data_frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    """No --noise: σ is free, as in check_equivalence; alpha is σ̂²/(n b) at the MAP σ̂."""
    options = ["--target", "y", "--prior", "laplace", "--scale", "0.5", "--json"]
    code = main(["check", str(regression_csv), *options])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert payload["ok"] is True
    assert payload["noise_estimated"] is True
    assert payload["alpha"] == pytest.approx(payload["noise"] ** 2 / (N_SAMPLES * 0.5), rel=1e-14)
    # the penalized side is the lasso at that alpha (scikit-learn's Lasso has our scaling)
    X = data_frame[list(FEATURES)].to_numpy()
    oracle = ElasticNet(alpha=payload["alpha"], l1_ratio=1.0, tol=1e-14, max_iter=100_000)
    oracle.fit(X, data_frame["y"])
    np.testing.assert_allclose(payload["coef_map"], oracle.coef_, rtol=0, atol=1e-7)


def test_check_json_has_every_report_field_and_matches_sklearn_elastic_net(
    regression_csv: Path, data_frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    options = [
        "--target",
        "y",
        "--prior",
        "elastic-net",
        "--alpha",
        "0.2",
        "--l1-ratio",
        "0.6",
        "--noise",
        "1.0",
        "--json",
    ]
    code = main(["check", str(regression_csv), *options])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert set(payload) == {field.name for field in dataclasses.fields(EquivalenceReport)}
    assert payload["ok"] is True
    assert payload["alpha"] == pytest.approx(0.2, rel=1e-12)
    assert payload["l1_ratio"] == pytest.approx(0.6, rel=1e-12)
    assert payload["feature_names"] == list(FEATURES)
    X = data_frame[list(FEATURES)].to_numpy()
    # scikit-learn's ElasticNet has the same objective scaling (DESIGN §1)
    oracle = ElasticNet(alpha=0.2, l1_ratio=0.6, tol=1e-14, max_iter=100_000)
    oracle.fit(X, data_frame["y"])
    np.testing.assert_allclose(payload["coef_penalized"], oracle.coef_, rtol=0, atol=1e-7)
    np.testing.assert_allclose(payload["coef_map"], oracle.coef_, rtol=0, atol=1e-7)
    assert payload["intercept_map"] == pytest.approx(oracle.intercept_, abs=1e-7)


def test_check_bernoulli_matches_sklearn_l1_logistic(
    classification_csv: Path, data_frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    X = data_frame[list(FEATURES)].to_numpy()
    scale = 0.5
    options = ["--target", "label", "--prior", "laplace", "--likelihood", "bernoulli", "--json"]
    code = main(["check", str(classification_csv), *options, "--scale", str(scale)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert payload["ok"] is True
    assert payload["feature_names"] == list(FEATURES)
    # Laplace(0, b) with σ = 1: alpha = 1/(n b); LogisticRegression(C) has alpha = 1/(n C)
    assert payload["alpha"] == pytest.approx(1.0 / (N_SAMPLES * scale), rel=1e-12)
    oracle = LogisticRegression(
        C=scale, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=200_000
    ).fit(X, data_frame["label"])
    # saga's own stopping rule limits the oracle's accuracy
    np.testing.assert_allclose(payload["coef_map"], oracle.coef_[0], rtol=0, atol=1e-5)
    assert payload["intercept_map"] == pytest.approx(oracle.intercept_[0], abs=1e-5)


def _check_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    code = main(["check", *argv, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_check_positive_is_the_nonnegative_lasso_of_sklearn(
    regression_csv: Path, data_frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    # --positive: the Laplace prior truncated to w ≥ 0 (Exponential), MAP = Lasso(positive)
    scale, noise = 0.5, 0.7
    options = ["--target", "y", "--prior", "laplace", "--scale", str(scale), "--noise", "0.7"]
    payload = _check_json([str(regression_csv), *options, "--positive"], capsys)
    assert payload["ok"] is True
    alpha = noise**2 / (N_SAMPLES * scale)
    assert payload["alpha"] == pytest.approx(alpha, rel=1e-12)
    X = data_frame[list(FEATURES)].to_numpy()
    oracle = Lasso(alpha=alpha, positive=True, tol=1e-14, max_iter=100_000)
    oracle.fit(X, data_frame["y"])
    assert min(payload["coef_map"]) == 0.0  # x3's coefficient is negative unconstrained
    np.testing.assert_allclose(payload["coef_map"], oracle.coef_, rtol=0, atol=1e-8)


def test_check_weights_column_is_weighted_lasso_at_n_sum_of_weights(
    tmp_path: Path, data_frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    # --weights COL: row i has noise σ/√s_i; the penalty is stated at n = Σs
    weights = np.random.default_rng(3).uniform(0.2, 3.0, N_SAMPLES)
    frame = data_frame.drop(columns=["label"]).assign(s=weights)
    path = tmp_path / "weighted.csv"
    frame.to_csv(path, index=False)
    scale, noise = 0.5, 0.7
    options = ["--target", "y", "--prior", "laplace", "--scale", str(scale), "--noise", "0.7"]
    payload = _check_json([str(path), *options, "--weights", "s"], capsys)
    assert payload["ok"] is True
    assert payload["feature_names"] == list(FEATURES)  # the weight column is no predictor
    alpha = noise**2 / (weights.sum() * scale)
    assert payload["alpha"] == pytest.approx(alpha, rel=1e-12)
    oracle = Lasso(alpha=alpha, tol=1e-14, max_iter=100_000)
    oracle.fit(frame[list(FEATURES)].to_numpy(), frame["y"], sample_weight=weights)
    np.testing.assert_allclose(payload["coef_map"], oracle.coef_, rtol=0, atol=1e-8)


def test_check_one_scale_per_column_is_the_lasso_with_penalty_factors(
    regression_csv: Path, data_frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    # Laplace(0, b_j): alpha = σ²/(n b_ref) at the smallest finite b_j, factors b_ref/b_j
    scales, noise = (0.5, math.inf, 0.2), 0.7
    options = ["--target", "y", "--prior", "laplace", "--noise", str(noise)]
    payload = _check_json([str(regression_csv), *options, "--scale", "0.5,inf,0.2"], capsys)
    assert payload["ok"] is True
    alpha = noise**2 / (N_SAMPLES * 0.2)
    assert payload["alpha"] == pytest.approx(alpha, rel=1e-12)
    factors = np.array([0.2 / b for b in scales])
    fit = lasso(
        data_frame[list(FEATURES)].to_numpy(), data_frame["y"], alpha, penalty_factor=factors
    )
    np.testing.assert_allclose(payload["coef_map"], fit.coef, rtol=0, atol=1e-8)
    assert payload["coef_map"][1] != 0.0  # the flat prior leaves x2 unpenalized


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run a failing command: exit status 2, nothing on stdout, one clean error line."""
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.startswith(f"bayesreg {argv[0]}: error: ")
    assert captured.err.count("\n") == 1
    return captured.err


@pytest.mark.parametrize(
    ("content", "options", "expected"),
    [
        (None, ["--target", "y", "--prior", "laplace", "--scale", "1"], "no such file"),
        ("", ["--target", "y", "--prior", "laplace", "--scale", "1"], "is empty"),
        ("a,b,y\n", ["--target", "y", "--prior", "laplace", "--scale", "1"], "no rows"),
        (
            "a,b\n1,2\n3,5\n",
            ["--target", "y", "--prior", "laplace", "--scale", "1"],
            "--target: no column 'y'",
        ),
        (
            "a,name,y\n1,u,2\n3,v,5\n",
            ["--target", "y", "--prior", "laplace", "--scale", "1"],
            "'name' are not numeric",
        ),
        (
            "a,b,y\n1,,2\n3,4,5\n",
            ["--target", "y", "--prior", "laplace", "--scale", "1"],
            "'b' have missing values",
        ),
        (
            "a,y\n1,0.5\n3,2\n",
            ["--target", "y", "--prior", "gaussian", "--scale", "1", "--likelihood", "bernoulli"],
            "--target: column 'y' must hold only 0 and 1",
        ),
        ("a,y\n1,2\n3,5\n", ["--target", "y", "--prior", "laplace"], "--scale: required"),
        (
            "a,y\n1,2\n3,5\n",
            ["--target", "y", "--prior", "laplace", "--scale", "1", "--alpha", "0.1"],
            "--alpha: give either",
        ),
        ("a,y\n1,2\n3,5\n", ["--target", "y", "--prior", "elastic-net", "--l1", "1"], "--l1/--l2"),
        (
            "a,y\n1,0\n3,1\n",
            [
                "--target",
                "y",
                "--prior",
                "laplace",
                "--scale",
                "1",
                "--likelihood",
                "bernoulli",
                "--noise",
                "2",
            ],
            "--noise: got 2, but the Bernoulli likelihood has no noise; omit --noise",
        ),
        (
            "a,y\n1,2\n3,5\n",
            ["--target", "y", "--prior", "laplace", "--alpha", "0.1"],
            "--alpha: a penalty is a prior only at a given noise σ",
        ),
        (
            "a,b,y\n1,2,2\n3,1,5\n4,4,1\n",
            ["--target", "y", "--prior", "laplace", "--scale", "1,2,3", "--noise", "1"],
            "--scale: 3 scales for 2 predictor columns ('a', 'b')",
        ),
        (
            "a,y\n1,2\n3,5\n",
            ["--target", "y", "--prior", "elastic-net", "--l1", "1", "--l2", "1", "--positive"],
            "--positive: --prior elastic-net has no sign-constrained form",
        ),
        (
            "a,y\n1,2\n3,5\n",
            ["--target", "y", "--prior", "laplace", "--scale", "1", "--weights", "s"],
            "--weights: no predictor column 's'",
        ),
    ],
)
def test_check_errors_are_one_clear_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    options: list[str],
    expected: str,
) -> None:
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    message = _error(["check", str(path), *options], capsys)
    assert expected in message


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "data.csv", "--prior", "laplace"],  # --target missing
        ["check", "data.csv", "--target", "y", "--prior", "cauchy"],
        ["check", "data.csv", "--target", "y", "--prior", "laplace", "--scale", "1,abc"],
        ["demo", "--unknown"],
        [],
    ],
)
def test_usage_errors_exit_two(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "usage: bayesreg" in capsys.readouterr().err


def test_demo_refuses_an_existing_out_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    message = _error(["demo", "--quick", "--out", str(out)], capsys)
    assert "already exists" in message
    assert "--force" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_demo_force_does_not_delete_a_folder_that_is_not_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    message = _error(["demo", "--quick", "--force", "--out", str(out)], capsys)
    assert "holds no bayesreg report" in message
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


@pytest.mark.parametrize("force", [False, True])
def test_demo_out_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    options = ["--force"] if force else []
    message = _error(["demo", "--quick", *options, "--out", str(blocker / "report")], capsys)
    assert "--out" in message
    assert "is a file, not a folder" in message
    message = _error(["demo", "--quick", *options, "--out", str(blocker)], capsys)
    assert "exists and is not a folder" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]
