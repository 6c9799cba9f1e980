"""Plots: what each draws, that it respects ax/fig, and the exact geometry behind them."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon
from matplotlib.text import Text
from scipy import integrate, stats
from sklearn.linear_model import lasso_path as sklearn_lasso_path

from bayesreg.core.geometry import constraint_geometry
from bayesreg.core.model_selection import TrainTestError
from bayesreg.core.results import CVResult, PathFit
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.plots import (
    matched_variance_priors,
    plot_bayesian_path,
    plot_constraint_geometry,
    plot_cv_curve,
    plot_map_vs_posterior,
    plot_path,
    plot_path_panels,
    plot_prior_densities,
    plot_shrinkage_forest,
    plot_train_test_error,
)
from bayesreg.posterior.bands import PosteriorBands
from bayesreg.priors import Prior


def _x(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_xdata(), dtype=np.float64)


def _y(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_ydata(), dtype=np.float64)


def _legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [text.get_text() for text in legend.get_texts()]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _vertex_example() -> tuple[np.ndarray, np.ndarray]:
    """Two correlated features, the second with a small effect: the lasso hits a corner."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
    y = X @ np.array([2.0, 0.4]) + 0.5 * rng.standard_normal(200)
    return X, y


def _centered(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return X - X.mean(axis=0), y - y.mean()


# --------------------------------------------------------------------------- geometry


def test_plot_constraint_geometry_draws_regions_and_solutions() -> None:
    X, y = _vertex_example()
    ax = plot_constraint_geometry(X, y, budget=1.0)
    assert isinstance(ax, Axes)
    geometry = constraint_geometry(X, y, budget=1.0)
    diamonds = [p for p in ax.patches if isinstance(p, Polygon)]
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert diamonds
    assert circles
    np.testing.assert_allclose(diamonds[0].get_xy()[:4], [[1, 0], [0, 1], [-1, 0], [0, -1]])
    assert all(c.get_radius() == pytest.approx(1.0) for c in circles)
    markers = np.array(
        [[_x(line)[0], _y(line)[0]] for line in ax.get_lines() if _x(line).size == 1]
    )
    for solution in (geometry.least_squares, geometry.l1_solution, geometry.l2_solution):
        assert np.any(np.all(markers == solution, axis=1))
    assert any("exactly 0" in text.get_text() for text in ax.texts)
    assert ax.get_aspect() == 1.0


@pytest.mark.parametrize("fraction", [0.2, 0.4, 0.5, 0.7])
def test_constraint_geometry_note_covers_no_solution(fraction: float) -> None:
    from bayesreg.datasets import load_diabetes

    X, y = load_diabetes(as_frame=True)
    problems = [(X[["bmi", "s3"]], y), (X[["bp", "s5"]], y), _vertex_example()]
    for X_pair, y_pair in problems:
        least_squares = constraint_geometry(X_pair, y_pair).least_squares
        budget = fraction * float(np.abs(least_squares).sum())
        ax = plot_constraint_geometry(X_pair, y_pair, budget=budget)
        ax.figure.canvas.draw()
        notes = [text for text in ax.texts if "exactly 0" in text.get_text()]
        if not notes:  # no corner solution at this budget: nothing to place
            continue
        (note,) = notes
        box = note.get_bbox_patch().get_window_extent()
        for line in ax.get_lines():
            if _x(line).size != 1:
                continue
            x, y_point = ax.transData.transform((_x(line)[0], _y(line)[0]))
            assert not box.contains(x, y_point), line.get_label()
        plt.close("all")


def test_plot_constraint_geometry_respects_ax() -> None:
    X, y = _vertex_example()
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_constraint_geometry(X, y, alpha=0.3, ax=right) is right
    assert not left.has_data()
    with pytest.raises(InputTypeError, match="ax must be a matplotlib Axes"):
        plot_constraint_geometry(X, y, ax=fig)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- priors


@pytest.mark.parametrize("variance", [0.3, 1.0, 4.0])
@pytest.mark.parametrize("l1_fraction", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_matched_priors_have_the_requested_variance(variance: float, l1_fraction: float) -> None:
    gaussian, laplace, mixed = matched_variance_priors(variance=variance, l1_fraction=l1_fraction)
    assert gaussian.scale**2 == pytest.approx(variance, rel=1e-14)
    assert 2.0 * laplace.scale**2 == pytest.approx(variance, rel=1e-14)
    # independent check: integrate the normalized density and its second moment
    for prior in (gaussian, laplace, mixed):

        def density(w: float, prior: Prior = prior) -> float:
            return float(np.exp(prior.logpdf(np.array(w))))

        def second_moment_density(w: float, prior: Prior = prior) -> float:
            return w * w * density(w, prior)

        mass, _ = integrate.quad(density, -np.inf, np.inf, epsabs=1e-13)
        second, _ = integrate.quad(second_moment_density, -np.inf, np.inf, epsabs=1e-13)
        assert mass == pytest.approx(1.0, abs=1e-8)
        assert second == pytest.approx(variance, rel=1e-7)
    if 0.0 < l1_fraction < 1.0:
        assert mixed.l1 / (mixed.l1 + mixed.l2) == pytest.approx(l1_fraction, rel=1e-14)  # type: ignore[attr-defined]


def test_plot_prior_densities_draws_both_faces() -> None:
    variance = 2.0
    fig = plot_prior_densities(variance=variance, l1_fraction=0.5)
    assert isinstance(fig, Figure)
    density_ax, penalty_ax = fig.axes
    assert len(density_ax.get_lines()) == 3
    assert len(penalty_ax.get_lines()) == 3
    gaussian_line, laplace_line, _ = density_ax.get_lines()
    grid = _x(gaussian_line)
    # the left panel is the density itself
    np.testing.assert_allclose(
        _y(gaussian_line), stats.norm.pdf(grid, scale=math.sqrt(variance)), rtol=1e-12
    )
    np.testing.assert_allclose(
        _y(laplace_line),
        stats.laplace.pdf(grid, scale=math.sqrt(variance / 2.0)),
        rtol=1e-12,
    )
    # the right panel is the penalty: w²/(2τ²) and |w|/b
    gaussian_penalty, laplace_penalty, _ = penalty_ax.get_lines()
    np.testing.assert_allclose(_y(gaussian_penalty), grid**2 / (2 * variance), atol=1e-12)
    np.testing.assert_allclose(
        _y(laplace_penalty), np.abs(grid) / math.sqrt(variance / 2.0), atol=1e-12
    )
    assert density_ax.get_xlabel()
    assert penalty_ax.get_ylabel().startswith("−log p(w)")


def test_plot_prior_densities_respects_fig_and_validates() -> None:
    fig = plt.figure()
    assert plot_prior_densities(fig=fig) is fig
    assert len(fig.axes) == 2
    with pytest.raises(InputValueError, match="variance must be a finite number > 0"):
        plot_prior_densities(variance=0.0)
    with pytest.raises(InputValueError, match="l1_fraction must lie in"):
        plot_prior_densities(l1_fraction=1.5)
    with pytest.raises(InputTypeError, match="fig must be a matplotlib Figure"):
        plot_prior_densities(fig=plt.gca())  # type: ignore[arg-type]


# --------------------------------------------------------------------------- paths


def _lasso_path_fit(n_features: int = 5, seed: int = 0) -> tuple[PathFit, tuple[np.ndarray, ...]]:
    """A lasso path from scikit-learn on a train split, as a PathFit."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((80, n_features))
    y = X[:, 0] * 2.0 - X[:, 1] + rng.standard_normal(80)
    X_train, y_train, X_test, y_test = X[:50], y[:50], X[50:], y[50:]
    Xc, yc = _centered(X_train, y_train)
    alphas, coefs, _ = sklearn_lasso_path(Xc, yc, alphas=30, eps=1e-3, tol=1e-12)
    coefs = coefs.T
    path = PathFit(
        alphas=alphas,
        coefs=coefs,
        intercepts=y_train.mean() - coefs @ X_train.mean(axis=0),
        gaps=np.zeros(alphas.size),
        l1_ratio=1.0,
        objectives=np.zeros(alphas.size),
        converged=np.ones(alphas.size, dtype=bool),
        n_iters=np.ones(alphas.size, dtype=np.int64),
        alpha_max=float(np.abs(Xc.T @ yc).max() / len(yc)),
    )
    return path, (X_train, y_train, X_test, y_test)


def test_plot_path_draws_one_line_per_coefficient() -> None:
    path, _ = _lasso_path_fit(5)
    ax = plot_path(path, feature_names=["a", "b", "c", "d", "e"])
    coefficient_lines = [line for line in ax.get_lines() if str(line.get_label()) in "abcde"]
    assert len(coefficient_lines) == 5
    order = np.argsort(path.alphas)
    for j, line in enumerate(coefficient_lines):
        np.testing.assert_array_equal(_x(line), path.alphas[order])
        np.testing.assert_array_equal(_y(line), path.coefs[order, j])
    assert len({line.get_color() for line in coefficient_lines}) == 5
    assert ax.get_xscale() == "log"
    assert "alpha" in ax.get_xlabel()
    assert _legend_texts(ax) == ["alpha_max (all w = 0)"]
    legend_ax = plot_path(path, feature_names=["a", "b", "c", "d", "e"], labels="legend")
    assert _legend_texts(legend_ax)[:5] == ["a", "b", "c", "d", "e"]
    with pytest.raises(InputValueError, match="labels must be one of"):
        plot_path(path, labels="inline")


def test_plot_path_labels_each_line_at_its_left_end_without_overlap() -> None:
    path, _ = _lasso_path_fit(25)
    names = [f"feature {j}" for j in range(25)]
    ax = plot_path(path, feature_names=names)
    ax.figure.canvas.draw()
    labels = {text.get_text(): text for text in ax.texts if text.get_text() in names}
    assert set(labels) == set(names)
    lines = {str(line.get_label()): line for line in ax.get_lines()}
    low, high = ax.get_ylim()
    for name, text in labels.items():
        # the label points at its line's value at the smallest alpha, in its colour
        assert text.xy[0] == 0.0
        start = _y(lines[name])[0]
        assert text.xy[1] == pytest.approx((start - low) / (high - low))
        assert text.get_color() == lines[name].get_color()
    # the text's own box (an Annotation's extent includes its leader line)
    boxes = sorted(
        (Text.get_window_extent(text) for text in labels.values()), key=lambda box: box.y0
    )
    for below, above in itertools.pairwise(boxes):
        assert below.y1 <= above.y0 + 0.5


def test_plot_path_keeps_many_coefficients_apart() -> None:
    path, _ = _lasso_path_fit(25)
    ax = plot_path(path)
    coefficient_lines = ax.get_lines()[:25]
    # ten colours times line styles: no two coefficients share colour and style
    styles = {(line.get_color(), line.get_linestyle()) for line in coefficient_lines}
    assert len(styles) == 25


def test_plot_path_posterior_bands() -> None:
    path, _ = _lasso_path_fit(4)
    bands = PosteriorBands(path.coefs - 0.1, path.coefs + 0.2, prob=0.9)
    _, ax = plt.subplots()
    assert plot_path(path, posterior_bands=bands, ax=ax, log_alpha=False) is ax
    filled = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_paths()]
    assert len(filled) == 4
    assert ax.get_xscale() == "linear"
    assert any("90% credible band" in text for text in _legend_texts(ax))
    with pytest.raises(DataError, match="one band per alpha"):
        plot_path(path, posterior_bands=PosteriorBands(path.coefs[1:], path.coefs[1:]))
    with pytest.raises(DataError, match="lower bound must be ≤"):
        PosteriorBands(path.coefs + 1.0, path.coefs)


def test_plot_path_rejects_bad_input() -> None:
    path, _ = _lasso_path_fit(3)
    with pytest.raises(DataError, match="feature_names must be a sequence of 3"):
        plot_path(path, feature_names=["a", "b"])
    with pytest.raises(InputTypeError, match="path must be a PathFit"):
        plot_path(path.coefs)  # type: ignore[arg-type]
    zero_alpha = PathFit(
        alphas=np.array([1.0, 0.0]),
        coefs=np.zeros((2, 3)),
        intercepts=np.zeros(2),
        gaps=np.zeros(2),
        l1_ratio=0.0,
        objectives=np.zeros(2),
        converged=np.ones(2, dtype=bool),
        n_iters=np.ones(2, dtype=np.int64),
        alpha_max=math.inf,
    )
    with pytest.raises(InputValueError, match="log_alpha=False"):
        plot_path(zero_alpha)
    assert isinstance(plot_path(zero_alpha, log_alpha=False), Axes)


def test_plot_train_test_error_marks_the_cv_choice_not_the_test_minimum() -> None:
    alphas = np.geomspace(1e-3, 1e2, 25)
    train = 1.0 - 0.9 / (1.0 + alphas)
    test = train + 0.3 / (1.0 + 10.0 * alphas)
    cv = train + 0.4 / (1.0 + alphas)
    errors = TrainTestError(
        alphas=alphas[::-1],
        train_error=train[::-1],
        cv_error=cv[::-1],
        cv_std_error=np.full(25, 0.01),
        test_error=test[::-1],
        alpha_cv=float(alphas[5]),
        metric="mean squared error",
    )
    _, ax = plt.subplots()
    assert plot_train_test_error(errors, ax=ax) is ax
    train_line, cv_line, test_line, chosen_line, chosen_marker = ax.get_lines()
    np.testing.assert_array_equal(_x(train_line), alphas)
    np.testing.assert_array_equal(_y(train_line), train)
    np.testing.assert_array_equal(_y(cv_line), cv)
    np.testing.assert_array_equal(_y(test_line), test)
    # the marked alpha is the CV choice, and the marker is the test error there
    assert _x(chosen_line)[0] == alphas[5]
    assert _x(chosen_marker)[0] == alphas[5]
    assert _y(chosen_marker)[0] == test[5]
    assert int(np.argmin(test)) != 5
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "overfitting" in texts
    assert "underfitting" in texts
    assert ax.get_xscale() == "log"
    assert any("CV choice" in text for text in _legend_texts(ax))
    with pytest.raises(InputTypeError, match="errors must be a TrainTestError"):
        plot_train_test_error(alphas)  # type: ignore[arg-type]


def _cv_result() -> CVResult:
    """A U-shaped CV curve on a decreasing grid, as cross_validate returns it."""
    alphas = np.geomspace(1e-3, 1e1, 41)
    rng = np.random.default_rng(0)
    fold_errors = 1.0 + np.log10(alphas / 0.05) ** 2 / 4 + 0.2 * rng.standard_normal((5, 41))
    mean, spread = fold_errors.mean(axis=0), fold_errors.std(axis=0, ddof=1) / np.sqrt(5)
    best = int(np.argmin(mean))
    inside = np.flatnonzero(mean <= mean[best] + spread[best])
    return CVResult(
        alphas=alphas[::-1],
        mean_error=mean[::-1],
        std_error=spread[::-1],
        fold_errors=fold_errors[:, ::-1],
        alpha_min=float(alphas[best]),
        alpha_1se=float(alphas[inside.max()]),
        l1_ratio=1.0,
        scoring="mse",
    )


def test_plot_cv_curve_marks_each_choice_at_its_alpha() -> None:
    from bayesreg.plots import role

    cv = _cv_result()
    choices = {"empirical Bayes": 0.02, "hyperprior (median)": 0.5, "far away": 50.0}
    _, ax = plt.subplots()
    assert plot_cv_curve(cv, choices=choices, ax=ax) is ax
    marks = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    expected = {"cross-validation (min)": cv.alpha_min, "cross-validation (1-SE)": cv.alpha_1se}
    assert {gid: _x(line)[0] for gid, line in marks.items()} == expected | choices
    for line in marks.values():  # vertical lines: one alpha, the whole height
        assert _x(line)[0] == _x(line)[1]
    assert marks["cross-validation (min)"].get_color() == role("cv_error").color
    assert marks["empirical Bayes"].get_color() == role("posterior_mean").color
    assert marks["empirical Bayes"].get_marker() != marks["hyperprior (median)"].get_marker()
    # the mean curve in increasing alpha, its ± 1 SE band, and the 1-SE rule's bar
    curve = ax.get_lines()[0]
    np.testing.assert_array_equal(_x(curve), cv.alphas[::-1])
    np.testing.assert_array_equal(_y(curve), cv.mean_error[::-1])
    assert curve.get_color() == role("cv_error").color
    (band,) = ax.collections
    vertices = np.concatenate([path.vertices for path in band.get_paths()])
    upper = (cv.mean_error + cv.std_error).max()
    assert vertices[:, 1].max() == pytest.approx(upper)
    best = int(np.argmin(cv.mean_error))
    bar = ax.get_lines()[1]
    assert _y(bar)[0] == pytest.approx(cv.mean_error[best] + cv.std_error[best])
    # the choices inside the grid sit on the curve; one outside it widens the axis
    on_curve = [line for line in ax.get_lines() if _x(line).size == 1]
    assert {float(_x(line)[0]) for line in on_curve} == {cv.alpha_min, cv.alpha_1se, 0.02, 0.5}
    minimum = next(line for line in on_curve if _x(line)[0] == cv.alpha_min)
    assert _y(minimum)[0] == pytest.approx(cv.mean_error[best])
    assert ax.get_xscale() == "log"
    assert ax.get_xlim()[1] > 50.0
    assert any("alpha_1se" in text for text in _legend_texts(ax))


def test_plot_cv_curve_rejects_bad_input() -> None:
    cv = _cv_result()
    with pytest.raises(InputTypeError, match="cv must be a CVResult"):
        plot_cv_curve(cv.alphas)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="choices must be a mapping"):
        plot_cv_curve(cv, choices=[0.1])  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="choices"):
        plot_cv_curve(cv, choices={"zero": 0.0})
    with pytest.raises(InputValueError, match="drawn from cv itself"):
        plot_cv_curve(cv, choices={"cross-validation (min)": 0.1})
    ax = plot_cv_curve(cv)
    assert len([line for line in ax.get_lines() if line.get_gid()]) == 2


# --------------------------------------------------------------------------- posterior


def test_plot_map_vs_posterior_positions_and_exact_zeros() -> None:
    map_coef = np.array([0.8, 0.0, -0.3, 0.0])
    mean = np.array([0.7, 0.05, -0.25, -0.02])
    median = np.array([0.72, 0.03, -0.27, -0.01])
    _, ax = plt.subplots()
    assert plot_map_vs_posterior(map_coef, mean, median, ax=ax) is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(_x(lines["posterior mean"]), mean)
    np.testing.assert_array_equal(_x(lines["posterior median"]), median)
    np.testing.assert_array_equal(_x(lines["MAP"]), [0.8, -0.3])
    np.testing.assert_array_equal(_x(lines["MAP exactly 0"]), [0.0, 0.0])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x0", "x1", "x2", "x3"]
    assert "MAP 2 of 4" in ax.get_title()
    with pytest.raises(DataError, match="posterior_median has 3 entries but 4"):
        plot_map_vs_posterior(map_coef, mean, median[:3])


def _normal_posterior(
    means: np.ndarray, sds: np.ndarray, draws: int = 2500, chains: int = 4
) -> xr.DataTree:
    rng = np.random.default_rng(7)
    values = means + sds * rng.standard_normal((chains, draws, means.size))
    posterior = xr.Dataset(
        {
            "coef": (("chain", "draw", "feature"), values),
            "intercept": (("chain", "draw"), rng.standard_normal((chains, draws))),
        },
        coords={"feature": [f"f{j}" for j in range(means.size)]},
    )
    return xr.DataTree.from_dict({"posterior": posterior})


def test_forest_intervals_match_the_normal_posterior() -> None:
    means = np.array([1.0, 0.0, -0.5])
    sds = np.array([0.3, 0.1, 0.5])
    tree = _normal_posterior(means, sds)
    reference = {"least squares": [1.2, 0.1, -0.7], "MAP": [0.9, 0.0, -0.4]}
    ax = plot_shrinkage_forest(tree, hdi_prob=0.9, reference=reference)
    wide, narrow = [c for c in ax.collections if isinstance(c, LineCollection)][-2:]
    # For a normal posterior the HDI is mean ± z·sd. A sample quantile of N = 10 000 draws
    # near the 5 % tail has standard error sqrt(p(1−p)/N)/φ(z) ≈ 0.021 sd; allow 6 of them.
    for collection, probability in ((wide, 0.9), (narrow, 0.5)):
        z = stats.norm.ppf(0.5 + probability / 2.0)
        segments = np.array([segment[:, 0] for segment in collection.get_segments()])
        np.testing.assert_allclose(segments[:, 0], means - z * sds, atol=0.13 * sds.max())
        np.testing.assert_allclose(segments[:, 1], means + z * sds, atol=0.13 * sds.max())
    lines = {line.get_gid(): line for line in ax.get_lines()}
    # median of N draws has standard error 1.25·sd/sqrt(N) = 0.0125 sd; allow 6 of them
    np.testing.assert_allclose(_x(lines["posterior median"]), means, atol=0.075 * sds.max())
    np.testing.assert_array_equal(_x(lines["least squares"]), reference["least squares"])
    np.testing.assert_array_equal(_x(lines["MAP"]), reference["MAP"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["f0", "f1", "f2"]
    legend = _legend_texts(ax)
    assert legend[:3] == ["90% HDI", "50% HDI", "posterior median"]
    assert legend[3:] == ["least squares", "MAP"]


def test_forest_several_variables_and_ax() -> None:
    tree = _normal_posterior(np.zeros(2), np.ones(2), draws=200)
    _, ax = plt.subplots()
    assert plot_shrinkage_forest(tree, var_names=("coef", "intercept"), ax=ax) is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["coef[f0]", "coef[f1]", "intercept"]
    # a Dataset (the posterior group itself) is accepted too
    assert isinstance(plot_shrinkage_forest(tree["posterior"].to_dataset()), Axes)


def test_forest_rejects_bad_input() -> None:
    tree = _normal_posterior(np.zeros(2), np.ones(2), draws=50)
    with pytest.raises(InputValueError, match="'beta', which is not in the posterior"):
        plot_shrinkage_forest(tree, var_names=("beta",))
    with pytest.raises(DataError, match="no 'posterior' group"):
        plot_shrinkage_forest(xr.DataTree.from_dict({"prior": tree["posterior"].to_dataset()}))
    with pytest.raises(InputTypeError, match=r"posterior must be an xarray\.DataTree"):
        plot_shrinkage_forest(np.zeros((2, 3)))
    with pytest.raises(InputValueError, match="hdi_prob must lie in"):
        plot_shrinkage_forest(tree, hdi_prob=1.0)
    with pytest.raises(DataError, match="has 3 entries but 2"):
        plot_shrinkage_forest(tree, reference={"MAP": [0.0, 0.0, 0.0]})


@pytest.mark.parametrize("n_references", [1, 2, 3, 4, 5])
def test_forest_reference_markers_stay_inside_their_row(n_references: int) -> None:
    tree = _normal_posterior(np.array([1.0, 0.0, -0.5]), np.full(3, 0.2), draws=200)
    reference = {f"estimate {k}": [0.1 * k, 0.0, -0.1 * k] for k in range(n_references)}
    ax = plot_shrinkage_forest(tree, reference=reference)
    lines = {line.get_gid(): line for line in ax.get_lines()}
    offsets = np.array([_y(lines[name]) - np.arange(3) for name in reference])  # (references, rows)
    # every row gets the same offsets, evenly spaced below the interval line
    assert np.allclose(offsets, offsets[:, :1])
    spacing = np.diff(np.r_[0.0, offsets[:, 0]])
    np.testing.assert_allclose(spacing, spacing[0], rtol=1e-12)
    # inside the row's band (row ± 0.5) with a margin of 0.05 to the next row, and the
    # last row's markers inside the axes
    assert offsets.min() > 0.0
    assert offsets.max() <= 0.45
    bottom = ax.get_ylim()[0]  # the y axis points down: rows 0..k−1 from the top
    assert np.all(_y(lines[f"estimate {n_references - 1}"]) < bottom)
    # up to two references keep the spacing of 0.18 rows; more share the band
    assert spacing[0] == pytest.approx(0.18 if n_references <= 2 else 0.42 / n_references)


# --------------------------------------------------------------------------- Bayesian path


def _bayesian_path_problem() -> tuple[PathFit, pd.DataFrame]:
    from bayesreg.core.ridge import ridge_path
    from bayesreg.posterior.summary import bayesian_path
    from bayesreg.priors import GaussianPrior

    rng = np.random.default_rng(21)
    X = pd.DataFrame(rng.standard_normal((40, 4)), columns=["a", "b", "c", "d"])
    y = X.to_numpy() @ np.array([1.0, -0.5, 0.0, 0.3]) + rng.standard_normal(40)
    bands = bayesian_path(
        X, y, [GaussianPrior(s) for s in (0.05, 0.2, 1.0, 5.0)], noise=1.0, hdi_prob=0.9
    )
    alphas = np.geomspace(bands["alpha"].min(), bands["alpha"].max(), 30)
    return ridge_path(X, y, alphas), bands


def test_plot_bayesian_path_draws_path_band_and_mean_per_feature() -> None:
    path, bands = _bayesian_path_problem()
    fig = plot_bayesian_path(path, bands, ncols=3)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", "d"]
    order = np.argsort(path.alphas)
    for j, ax in enumerate(fig.axes):
        lines = {line.get_gid(): line for line in ax.get_lines()}
        np.testing.assert_array_equal(_x(lines["penalized path"]), path.alphas[order])
        np.testing.assert_array_equal(_y(lines["penalized path"]), path.coefs[order, j])
        rows = bands[bands["feature"] == "abcd"[j]].sort_values("alpha")
        np.testing.assert_array_equal(_x(lines["posterior mean"]), rows["alpha"])
        np.testing.assert_array_equal(_y(lines["posterior mean"]), rows["mean"])
        # the band's polygon runs along the lower bounds and back along the upper ones
        (band,) = [c for c in ax.collections if c.get_gid() == "posterior band"]
        vertices = np.asarray(band.get_paths()[0].vertices, dtype=np.float64)
        for alpha, lower, upper in rows[["alpha", "hdi_lower", "hdi_upper"]].to_numpy():
            at_alpha = vertices[np.isclose(vertices[:, 0], alpha, rtol=1e-12)][:, 1]
            assert lower == pytest.approx(at_alpha.min(), rel=1e-12)
            assert upper == pytest.approx(at_alpha.max(), rel=1e-12)
        assert ax.get_xscale() == "log"
    # 4 panels in rows of 3: the x label sits on the lowest panel of each column
    assert [bool(ax.get_xlabel()) for ax in fig.axes] == [False, True, True, True]
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "penalized path (MAP)",
        "90% posterior HDI",
        "posterior mean",
    ]


def test_plot_bayesian_path_features_and_fig() -> None:
    path, bands = _bayesian_path_problem()
    fig = plt.figure()
    assert plot_bayesian_path(path, bands, features=["d", "b"], fig=fig) is fig
    assert [ax.get_title() for ax in fig.axes] == ["d", "b"]
    # panel "d" shows column 3 of the path
    line = next(line for line in fig.axes[0].get_lines() if line.get_gid() == "penalized path")
    np.testing.assert_array_equal(_y(line), path.coefs[np.argsort(path.alphas), 3])


def test_plot_bayesian_path_rejects_bad_input() -> None:
    path, bands = _bayesian_path_problem()
    with pytest.raises(InputTypeError, match="path must be a PathFit"):
        plot_bayesian_path(bands, bands)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="bands must be the pandas DataFrame"):
        plot_bayesian_path(path, bands.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"lacks the column\(s\) \['hdi_upper'\]"):
        plot_bayesian_path(path, bands.drop(columns="hdi_upper"))
    with pytest.raises(DataError, match="bands holds 3 features but the path has 4"):
        plot_bayesian_path(path, bands[bands["feature"] != "a"])
    with pytest.raises(InputValueError, match=r"features contains \['z'\]"):
        plot_bayesian_path(path, bands, features=["a", "z"])
    with pytest.raises(DataError, match="l1_ratio"):
        plot_bayesian_path(path, bands.assign(l1_ratio=1.0))
    with pytest.raises(InputValueError, match="ncols"):
        plot_bayesian_path(path, bands, ncols=0)
    with pytest.raises(InputTypeError, match="fig must be a matplotlib Figure"):
        plot_bayesian_path(path, bands, fig=plt.gca())  # type: ignore[arg-type]


# --------------------------------------------------------------------------- small multiples


def test_plot_path_panels_one_panel_per_feature_with_its_band() -> None:
    path, _ = _lasso_path_fit(4)
    bands = PosteriorBands(path.coefs - 0.1, path.coefs + 0.2, prob=0.9)
    fig = plot_path_panels(path, posterior_bands=bands, feature_names=list("abcd"), ncols=3)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", "d"]
    order = np.argsort(path.alphas)
    for j, ax in enumerate(fig.axes):
        (line,) = [line for line in ax.get_lines() if line.get_gid() == "penalized path"]
        np.testing.assert_array_equal(_x(line), path.alphas[order])
        np.testing.assert_array_equal(_y(line), path.coefs[order, j])
        (band,) = [c for c in ax.collections if c.get_gid() == "credible band"]
        vertices = np.asarray(band.get_paths()[0].vertices, dtype=np.float64)
        assert vertices[:, 1].min() == pytest.approx((path.coefs[:, j] - 0.1).min())
        assert ax.get_xscale() == "log"
    assert [bool(ax.get_xlabel()) for ax in fig.axes] == [False, True, True, True]
    (legend,) = fig.legends
    assert "90% credible band" in [t.get_text() for t in legend.get_texts()]


def test_plot_path_panels_features_fig_and_bad_input() -> None:
    path, _ = _lasso_path_fit(3)
    fig = plt.figure()
    assert plot_path_panels(path, features=["x2", "x0"], fig=fig) is fig
    assert [ax.get_title() for ax in fig.axes] == ["x2", "x0"]
    with pytest.raises(InputValueError, match=r"features contains \['z'\]"):
        plot_path_panels(path, features=["z"])
    with pytest.raises(DataError, match="one band per alpha"):
        plot_path_panels(path, posterior_bands=PosteriorBands(path.coefs[1:], path.coefs[1:]))
    with pytest.raises(InputValueError, match="ncols"):
        plot_path_panels(path, ncols=0)


# --------------------------------------------------------------------------- one style


def test_every_figure_draws_each_role_in_its_colour() -> None:
    from bayesreg.plots import role

    roles = {name: role(name) for name in ("map", "least_squares", "posterior_mean")}
    roles |= {name: role(name) for name in ("gaussian", "laplace", "elastic_net")}
    with pytest.raises(InputValueError, match="name must be one of"):
        role("mode")
    X, y = _vertex_example()
    ax = plot_constraint_geometry(X, y, budget=1.0)
    colours = {line.get_markerfacecolor() for line in ax.get_lines() if _x(line).size == 1}
    assert {roles["laplace"].color, roles["gaussian"].color} <= colours
    ax = plot_map_vs_posterior([1.0, 0.0], [0.9, 0.1], [0.95, 0.05])
    line_colours = {str(line.get_label()): line.get_color() for line in ax.get_lines()}
    assert line_colours["MAP"] == roles["map"].color
    assert line_colours["posterior mean"] == roles["posterior_mean"].color
    draws = np.random.default_rng(0).normal([1.0, 0.0], 0.3, size=(2, 200, 2))
    tree = xr.DataTree.from_dict(
        {"posterior": xr.Dataset({"coef": (("chain", "draw", "feature"), draws)})}
    )
    reference = {"least squares": [1.1, 0.1], "MAP (lasso)": [0.9, 0.0], "other": [1, 0]}
    ax = plot_shrinkage_forest(tree, reference=reference)
    by_gid = {line.get_gid(): line for line in ax.get_lines()}
    assert by_gid["least squares"].get_marker() == roles["least_squares"].marker
    assert by_gid["MAP (lasso)"].get_color() == roles["map"].color
    assert by_gid["MAP (lasso)"].get_marker() == roles["map"].marker
    assert by_gid["other"].get_color() not in {roles["map"].color, roles["least_squares"].color}
    # maximum likelihood (the GLM's least squares) takes that role; an unnamed estimate takes
    # no colour that the package gives a role
    reference = {"maximum likelihood": [1.1, 0.1], "a": [1, 0], "b": [1, 0], "c": [1, 0]}
    ax = plot_shrinkage_forest(tree, reference=reference)
    by_gid = {line.get_gid(): line for line in ax.get_lines()}
    assert by_gid["maximum likelihood"].get_marker() == roles["least_squares"].marker
    from bayesreg.plots._style import ROLES

    role_colours = {mcolors.to_hex(style.color) for style in ROLES.values()}
    for name in "abc":
        assert mcolors.to_hex(by_gid[name].get_color()) not in role_colours
    fig = plot_prior_densities()
    colours = {str(line.get_label()).split(" ")[0]: line.get_color() for line in fig.axes[0].lines}
    assert colours["Gaussian"] == roles["gaussian"].color
    assert colours["Laplace"] == roles["laplace"].color
    assert colours["elastic"] == roles["elastic_net"].color
