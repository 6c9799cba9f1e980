"""The MAP next to the posterior: sparse point estimates versus posterior summaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.plots._common import axes_or_new, feature_labels, vector
from bayesreg.plots._style import (
    CREDIBLE_INTERVAL,
    LEAST_SQUARES,
    MAP,
    POSTERIOR_MEAN,
    POSTERIOR_MEDIAN,
    TRUTH,
    Role,
)
from bayesreg.validation import check_positive

if TYPE_CHECKING:
    import xarray

__all__ = ["plot_map_vs_posterior", "plot_shrinkage_forest"]


MAP_COLOR = MAP.color
MEAN_COLOR = POSTERIOR_MEAN.color
MEDIAN_COLOR = POSTERIOR_MEDIAN.color
#: reference estimates named like these words take the package's style for them
NAMED_REFERENCES = (
    (
        ("least squares", "least-squares", "ols", "maximum likelihood", "maximum-likelihood"),
        LEAST_SQUARES,
    ),
    (("map", "lasso", "ridge", "penalized", "elastic net"), MAP),
    (("true", "truth"), TRUTH),
)
#: the styles of the other reference estimates, in turn: greys with their own markers, so
#: that no other estimate borrows a colour the package gives a role (priors, truth, errors)
REFERENCE_STYLES = (
    ("s", "#4D4D4D"),
    ("^", "#7F7F7F"),
    ("v", "#A6A6A6"),
    ("P", "#262626"),
    ("h", "#000000"),
)
SAMPLE_DIMS = ("chain", "draw")
#: gap between reference markers (in rows) when few, and the farthest one from the line
REFERENCE_SPACING = 0.18
REFERENCE_REACH = 0.42


def _reference_offsets(n_references: int) -> FloatArray:
    """Vertical offsets of the reference markers below a row's interval line.

    Row i spans (i − 0.5, i + 0.5) with the interval line at i (the y axis points down).
    The k references sit at ``i + s, i + 2s, ..., i + ks`` with ``s = min(0.18, 0.42/k)``:
    evenly spaced, never more than 0.42 below the line, so they stay inside the row for
    any k (at least 0.08 from the next row's band).
    """
    spacing = min(REFERENCE_SPACING, REFERENCE_REACH / max(n_references, 1))
    offsets: FloatArray = spacing * np.arange(1, n_references + 1, dtype=np.float64)
    return offsets


def _reference_styles(names: Sequence[str]) -> list[Role]:
    """A style per reference estimate: its named role if free, else the next other style."""
    spare = iter(REFERENCE_STYLES)
    taken: set[Role] = set()
    styles = []
    for name in names:
        lowered = str(name).lower()
        named = next(
            (role for words, role in NAMED_REFERENCES if any(w in lowered for w in words)),
            None,
        )
        if named is None or named in taken:
            marker, color = next(spare)
            named = Role(color, marker, "-", str(name))
        taken.add(named)
        styles.append(named)
    return styles


def _rows_axes(axes: Axes, labels: Sequence[str]) -> None:
    """Rows 0..k−1 from top to bottom, labelled, with a faint guide line each."""
    rows = np.arange(len(labels))
    axes.hlines(
        rows, 0.0, 1.0, transform=axes.get_yaxis_transform(), color="0.92", lw=0.8, zorder=0
    )
    axes.set_yticks(rows, labels)
    axes.set_ylim(len(labels) - 0.5, -0.5)
    axes.axvline(0.0, color="black", lw=0.7)


def plot_map_vs_posterior(
    map_coef: Any,
    posterior_mean: Any,
    posterior_median: Any,
    *,
    feature_names: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """Per coefficient, the MAP estimate next to the posterior mean and median.

    Under a Laplace (or elastic-net) prior the MAP — the lasso solution — sets some
    coefficients exactly to 0, because the log-prior has a kink at 0. The posterior
    mean and median average over the whole posterior, which has no point mass at 0,
    so they are never exactly 0: the sparsity belongs to the mode, not to the
    posterior. Coefficients whose MAP is exactly 0 are drawn as hollow diamonds.

    Parameters
    ----------
    map_coef : array-like of shape (n_features,)
        The exact MAP (e.g. the lasso solution at the matching alpha).
    posterior_mean, posterior_median : array-like of shape (n_features,)
        Posterior summaries of the same coefficients.
    feature_names : sequence of str, optional
        One name per coefficient (default ``x0, x1, ...``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new Axes) with one row per coefficient, the first at the top.

    Examples
    --------
    >>> from bayesreg.plots import plot_map_vs_posterior
    >>> ax = plot_map_vs_posterior(
    ...     [0.8, 0.0, -0.3], [0.7, 0.05, -0.25], [0.72, 0.03, -0.27],
    ...     feature_names=["a", "b", "c"],
    ... )
    """
    map_values = vector(map_coef, "map_coef")
    n_features = map_values.size
    mean_values = vector(posterior_mean, "posterior_mean", n_features)
    median_values = vector(posterior_median, "posterior_median", n_features)
    names = feature_labels(feature_names, n_features)
    axes = axes_or_new(ax, figsize=(7.0, 1.2 + 0.45 * n_features))
    _rows_axes(axes, names)

    rows = np.arange(n_features)
    zero = map_values == 0.0
    axes.plot(mean_values, rows, **POSTERIOR_MEAN.point(ms=7, zorder=3), label="posterior mean")
    axes.plot(
        median_values,
        rows + 0.22,
        **POSTERIOR_MEDIAN.point(ms=7, zorder=3),
        label="posterior median",
    )
    axes.plot(map_values[~zero], rows[~zero] - 0.22, **MAP.point(ms=7, zorder=3), label="MAP")
    axes.plot(
        map_values[zero],
        rows[zero] - 0.22,
        **MAP.point(mfc="white", mew=1.5, ms=7, zorder=3),
        label="MAP exactly 0",
    )
    axes.set_title(
        f"Exact zeros: MAP {int(zero.sum())} of {n_features}, posterior mean "
        f"{int(np.count_nonzero(mean_values == 0.0))}, "
        f"median {int(np.count_nonzero(median_values == 0.0))}"
    )
    axes.set_xlabel("coefficient value")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return axes


def _posterior_dataset(posterior: Any) -> xarray.Dataset:
    """The posterior group of a DataTree, or a Dataset given directly."""
    import xarray

    if isinstance(posterior, xarray.DataTree):
        if "posterior" not in posterior.children:
            groups = ", ".join(posterior.children) or "none"
            raise DataError(
                f"posterior has no 'posterior' group (groups: {groups}); pass the DataTree "
                "returned by sample_posterior."
            )
        return posterior["posterior"].to_dataset()
    if isinstance(posterior, xarray.Dataset):
        return posterior
    raise InputTypeError(
        "posterior must be an xarray.DataTree with a 'posterior' group (or that group as an "
        f"xarray.Dataset); got {type(posterior).__name__}."
    )


def _flat_variable(
    dataset: xarray.Dataset, name: str, with_prefix: bool
) -> tuple[xarray.DataArray, list[str]]:
    """Variable ``name`` with its non-sample dims stacked into one dim ``row``, and row labels."""
    if name not in dataset.data_vars:
        available = ", ".join(str(v) for v in dataset.data_vars)
        raise InputValueError(
            f"var_names contains {name!r}, which is not in the posterior (variables: {available})."
        )
    array = dataset[name]
    missing = [dim for dim in SAMPLE_DIMS if dim not in array.dims]
    if missing:
        raise DataError(
            f"posterior variable {name!r} has dims {array.dims}; the sample dims "
            f"{SAMPLE_DIMS} are needed (ArviZ layout)."
        )
    other_dims = [dim for dim in array.dims if dim not in SAMPLE_DIMS]
    if not other_dims:
        return array.expand_dims(row=[0]), [name]
    stacked = array.stack(row=other_dims)
    labels = []
    for index in stacked.indexes["row"]:
        parts = index if isinstance(index, tuple) else (index,)
        text = ", ".join(str(part) for part in parts)
        labels.append(f"{name}[{text}]" if with_prefix else text)
    return stacked, labels


def plot_shrinkage_forest(
    posterior: Any,
    *,
    var_names: Sequence[str] = ("coef",),
    hdi_prob: float = 0.95,
    ax: Axes | None = None,
    reference: Mapping[str, Any] | None = None,
) -> Axes:
    """Forest plot of posterior intervals per coefficient, with reference estimates.

    Each row shows the highest-density interval (HDI) of one coefficient at
    ``hdi_prob`` (thin line) and at 50 % (thick line), and the posterior median (dot),
    computed with :func:`arviz.hdi` over the chain and draw dimensions. Points from
    ``reference`` (e.g. least squares and the MAP) show how far the prior shrinks each
    coefficient towards 0 and how the posterior spreads around the MAP.

    Parameters
    ----------
    posterior : xarray.DataTree or xarray.Dataset
        Draws in the ArviZ layout: a ``posterior`` group whose variables have dims
        ``(chain, draw, ...)``, e.g. ``coef`` with dims ``(chain, draw, feature)``.
    var_names : sequence of str, default ("coef",)
        Variables to show; every element of each is one row (labels from its
        coordinates).
    hdi_prob : float, default 0.95
        Probability of the wide interval, in (0, 1).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    reference : mapping of str to array-like, optional
        Named point estimates, each with one value per row (in row order), drawn as
        markers. A name containing "least squares", "MAP" (or "lasso", "ridge"), or
        "true" gets the package's style for that estimate (black cross, blue diamond,
        purple star); other names get the remaining styles in turn.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new Axes) with one row per element of the chosen variables.

    Examples
    --------
    Normal draws standing in for a posterior, two chains of 500:

    >>> import numpy as np
    >>> import xarray as xr
    >>> from bayesreg.plots import plot_shrinkage_forest
    >>> draws = np.random.default_rng(0).normal([1.0, 0.0], 0.3, size=(2, 500, 2))
    >>> tree = xr.DataTree.from_dict({"posterior": xr.Dataset(
    ...     {"coef": (("chain", "draw", "feature"), draws)}, coords={"feature": ["a", "b"]})})
    >>> ax = plot_shrinkage_forest(tree, reference={"least squares": [1.1, 0.1]})
    """
    import arviz

    prob = check_positive(hdi_prob, "hdi_prob")
    if prob >= 1.0:
        raise InputValueError(f"hdi_prob must lie in (0, 1); got {prob!r}.")
    if isinstance(var_names, str) or len(var_names) == 0:
        raise InputValueError(
            f"var_names must be a non-empty sequence of variable names, e.g. ('coef',); got "
            f"{var_names!r}."
        )
    dataset = _posterior_dataset(posterior)
    flat = [_flat_variable(dataset, name, len(var_names) > 1) for name in var_names]
    labels = [label for _, variable_labels in flat for label in variable_labels]

    def summary(statistic: str, interval_prob: float = 0.5) -> FloatArray:
        parts = []
        for array, _ in flat:
            if statistic == "median":
                parts.append(array.median(SAMPLE_DIMS).transpose("row").to_numpy())
            else:
                interval = arviz.hdi(array, prob=interval_prob, dim=list(SAMPLE_DIMS))
                parts.append(interval.transpose("row", "ci_bound").to_numpy())
        return np.concatenate(parts).astype(np.float64)

    wide = summary("hdi", prob)
    narrow = summary("hdi", 0.5)
    median = summary("median")

    references = dict(reference or {})
    if len(references) > len(REFERENCE_STYLES):
        raise InputValueError(
            f"reference holds {len(references)} estimates; at most {len(REFERENCE_STYLES)} "
            "can be told apart."
        )
    styles = _reference_styles(list(references))
    offsets = _reference_offsets(len(references))
    # a new figure gives each row room for its reference markers (0.45 in with up to two)
    row_height = max(0.45, 0.15 * (len(references) + 1))
    axes = axes_or_new(ax, figsize=(7.0, 1.2 + row_height * len(labels)))
    _rows_axes(axes, labels)
    rows = np.arange(len(labels))
    interval_color = CREDIBLE_INTERVAL.color
    axes.hlines(rows, wide[:, 0], wide[:, 1], color=interval_color, lw=1.2, zorder=2)
    axes.hlines(rows, narrow[:, 0], narrow[:, 1], color=interval_color, lw=4.0, zorder=2)
    axes.plot(median, rows, **POSTERIOR_MEDIAN.point(ms=6, zorder=3), gid="posterior median")
    handles: list[Line2D] = [
        Line2D([], [], color=interval_color, lw=1.2, label=f"{prob:.0%} HDI"),
        Line2D([], [], color=interval_color, lw=4.0, label="50% HDI"),
        Line2D([], [], **POSTERIOR_MEDIAN.point(), label="posterior median"),
    ]
    for offset, (name, values), style in zip(offsets, references.items(), styles, strict=False):
        points = vector(values, f"reference[{name!r}]", len(labels))
        axes.plot(points, rows + offset, **style.point(ms=6, zorder=4), gid=str(name))
        handles.append(Line2D([], [], **style.point(), label=str(name)))
    axes.set_xlabel("coefficient value")
    axes.set_title("Posterior intervals and point estimates")
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return axes
