"""The panel layout and the docstring section shared by the small-multiple plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes

from bayesreg.errors import InputValueError
from bayesreg.plots import plot_bayesian_path, plot_path_panels
from bayesreg.plots._common import PANEL_DOCS, draw_panels, with_panel_docs


def test_draw_panels_fills_one_titled_panel_per_name_with_x_labels_on_the_last_row() -> None:
    drawn: list[str] = []

    def draw(axes: Axes, name: str) -> None:
        drawn.append(name)
        axes.plot([1.0, 10.0], [0.0, 1.0])

    names = ["a", "b", "c", "d", "e"]
    figure = draw_panels(names, draw, ncols=2, fig=None, panel_size=(2.0, 1.5))
    assert drawn == names
    assert [axes.get_title() for axes in figure.axes] == names
    labelled = [axes.get_title() for axes in figure.axes if axes.get_xlabel()]
    assert labelled == ["d", "e"]  # the lowest panel of each of the two columns
    assert tuple(figure.get_size_inches()) == pytest.approx((4.0, 3 * 1.5 + 0.7))
    plt.close(figure)


def test_draw_panels_uses_at_most_as_many_columns_as_names_and_checks_ncols() -> None:
    figure = draw_panels(["a"], lambda axes, name: None, ncols=5, fig=None, panel_size=(2.0, 1.5))
    assert tuple(figure.get_size_inches()) == pytest.approx((2.0, 1.5 + 0.7))
    plt.close(figure)
    with pytest.raises(InputValueError, match="ncols"):
        draw_panels(["a"], lambda axes, name: None, ncols=0, fig=None, panel_size=(2.0, 1.5))


def test_with_panel_docs_writes_the_section_at_the_placeholder_indent() -> None:
    def indented() -> None:
        """Summary.

        Parameters
        ----------
        {panel docs}
        """

    def flush() -> None:
        pass

    flush.__doc__ = "Summary.\n\n{panel docs}\n"
    lines = (with_panel_docs(indented).__doc__ or "").splitlines()
    placeholder = lines.index(next(line for line in lines if "ncols" in line))
    indent = len(lines[placeholder - 1]) - len(lines[placeholder - 1].lstrip())
    assert lines[placeholder] == " " * indent + "ncols : int, default 5"
    assert lines[placeholder + 1] == " " * (indent + 4) + "Panels per row."
    assert with_panel_docs(flush).__doc__ == f"Summary.\n\n{PANEL_DOCS}\n"


@pytest.mark.parametrize("function", [plot_bayesian_path, plot_path_panels])
def test_the_panel_plots_document_ncols_fig_and_returns(function: object) -> None:
    doc = function.__doc__ or ""
    assert "{panel docs}" not in doc
    assert "    ncols : int, default 5\n" in doc
    assert "    Returns\n    -------\n    matplotlib.figure.Figure\n" in doc
