"""Shared helpers of the plotting functions: axes, colours, labels."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from bayesreg.core.results import PathFit
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.validation import as_target, check_positive_int, feature_names_of

__all__ = [
    "axes_or_new",
    "checked_features",
    "checked_on_log_axis",
    "checked_path",
    "draw_panels",
    "feature_labels",
    "feature_styles",
    "figure_or_new",
    "vector",
    "with_panel_docs",
]


def axes_or_new(ax: Axes | None, *, figsize: tuple[float, float] = (6.4, 4.8)) -> Axes:
    """``ax`` itself, or the Axes of a new figure."""
    if ax is None:
        _, new_ax = plt.subplots(figsize=figsize, layout="constrained")
        return new_ax
    if not isinstance(ax, Axes):
        raise InputTypeError(
            f"ax must be a matplotlib Axes or None; got {type(ax).__name__}. Pass e.g. "
            "the result of matplotlib.pyplot.subplots()[1]."
        )
    return ax


def figure_or_new(fig: Figure | None, size: tuple[float, float]) -> Figure:
    """``fig`` itself, or a new figure of ``size`` inches."""
    if fig is None:
        return plt.figure(figsize=size, layout="constrained")
    if not isinstance(fig, Figure):
        raise InputTypeError(
            f"fig must be a matplotlib Figure or None; got {type(fig).__name__}. Pass e.g. "
            "matplotlib.pyplot.figure()."
        )
    return fig


#: The parameters and the Returns section of the plots drawn by :func:`draw_panels`.
PANEL_DOCS = """\
ncols : int, default 5
    Panels per row.
fig : matplotlib Figure, optional
    Where to draw (an empty figure: the panels fill it); a new figure when None.

Returns
-------
matplotlib.figure.Figure
    ``fig`` (or the new figure) with one Axes per chosen feature."""


def with_panel_docs[F: Callable[..., Any]](function: F) -> F:
    """``function`` with the line ``{panel docs}`` of its docstring replaced by
    :data:`PANEL_DOCS`, indented as that line."""
    lines = (function.__doc__ or "").split("\n")
    for index, line in enumerate(lines):
        if line.strip() == "{panel docs}":
            indent = line[: len(line) - len(line.lstrip())]
            lines[index] = textwrap.indent(PANEL_DOCS, indent)
    function.__doc__ = "\n".join(lines)
    return function


def draw_panels(
    names: Sequence[str],
    draw: Callable[[Axes, str], None],
    *,
    ncols: int,
    fig: Figure | None,
    panel_size: tuple[float, float],
) -> Figure:
    """One small panel per entry of ``names``, ``ncols`` to a row, on a shared alpha axis.

    ``draw(axes, name)`` fills each panel, which is titled ``name``; the lowest panel of
    each column is labelled ``alpha (log scale)``. The panels fill ``fig``, or a new
    figure of ``panel_size`` inches per panel and 0.7 inch more for a legend below.
    """
    columns = min(check_positive_int(ncols, "ncols"), len(names))
    n_rows = math.ceil(len(names) / columns)
    width, height = panel_size
    figure = figure_or_new(fig, (width * columns, height * n_rows + 0.7))
    grid = figure.add_gridspec(n_rows, columns)
    first_axes = None
    for panel, name in enumerate(names):
        axes = figure.add_subplot(grid[divmod(panel, columns)], sharex=first_axes)
        first_axes = first_axes or axes
        draw(axes, name)
        axes.set_title(name, fontsize=10)
        # the x label goes on the lowest panel of each column
        if panel + columns >= len(names):
            axes.set_xlabel("alpha (log scale)")
    return figure


def checked_features(features: Sequence[str] | None, available: Sequence[str]) -> list[str]:
    """The requested feature names, each one of ``available`` (all of them when None)."""
    if features is None:
        return list(available)
    if isinstance(features, str) or len(features) == 0:
        raise InputValueError(
            f"features must be a non-empty sequence of feature names; got {features!r}."
        )
    unknown = [name for name in features if name not in available]
    if unknown:
        raise InputValueError(
            f"features contains {unknown}, not in the features ({', '.join(available)})."
        )
    return [str(name) for name in features]


def feature_styles(n_features: int) -> list[tuple[str, str]]:
    """A (colour, line style) per feature: the ten tab10 colours, then the same colours
    dashed, dotted and dash-dotted, so up to 40 lines stay distinguishable."""
    palette = plt.get_cmap("tab10")
    line_styles = ("-", "--", ":", "-.")
    return [
        (to_hex(palette(j % 10)), line_styles[(j // 10) % len(line_styles)])
        for j in range(n_features)
    ]


def feature_labels(feature_names: Sequence[str] | None, n_features: int) -> tuple[str, ...]:
    """``feature_names`` checked against the number of features, else ``x0, x1, ...``."""
    if feature_names is None:
        return feature_names_of(None, n_features)
    if isinstance(feature_names, str) or len(feature_names) != n_features:
        raise DataError(
            f"feature_names must be a sequence of {n_features} names (one per feature); "
            f"got {feature_names!r}."
        )
    return tuple(str(name) for name in feature_names)


def vector(value: Any, name: str, length: int | None = None) -> FloatArray:
    """``value`` as a fresh finite 1-D float64 array, of ``length`` entries if given."""
    array = as_target(value, int(np.size(value)), name)
    if length is not None and array.shape[0] != length:
        raise DataError(
            f"{name} has {array.shape[0]} entries but {length} are needed (one per "
            "coefficient); pass arrays of the same length."
        )
    return array


class _AlphaGrid(Protocol):
    """A result computed over penalty strengths ``alphas`` (a CV curve, error curves)."""

    @property
    def alphas(self) -> FloatArray: ...


def checked_on_log_axis[Grid: _AlphaGrid](
    value: Any, kind: type[Grid], name: str, source: str
) -> Grid:
    """``value`` if it is a ``kind`` (made by ``source``) whose alphas a log axis can show.

    Parameters
    ----------
    value : object
        The argument ``name`` of a plotting function.
    kind : type
        The result class it must be, with an ``alphas`` attribute.
    name : str
        The argument's name, for the messages.
    source : str
        The function that makes a ``kind``, named in the message of a wrong type.

    Returns
    -------
    kind
        ``value`` itself.

    Raises
    ------
    InputTypeError
        If ``value`` is not a ``kind``.
    DataError
        If one of its alphas is ≤ 0 (``log α`` undefined).
    """
    if not isinstance(value, kind):
        raise InputTypeError(
            f"{name} must be a {kind.__name__} (from {source}); got {type(value).__name__}."
        )
    if np.any(value.alphas <= 0.0):
        raise DataError(f"{name}.alphas contains alpha ≤ 0, which a log axis cannot show.")
    return value


def checked_path(path: Any, *, log_axis: bool = True) -> PathFit:
    """``path`` if it is a PathFit whose alphas a (log) alpha axis can show."""
    if not isinstance(path, PathFit):
        raise InputTypeError(
            f"path must be a PathFit (from lasso_path, ridge_path or logistic_path); got "
            f"{type(path).__name__}."
        )
    if log_axis and np.any(path.alphas <= 0.0):
        raise InputValueError(
            "the path contains alpha ≤ 0, which a log axis cannot show; drop those alphas "
            "(plot_path also takes log_alpha=False)."
        )
    return path
