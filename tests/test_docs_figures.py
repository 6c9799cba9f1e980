"""The figures in docs/figures are each shown by a page and drawn by make_figures.py."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
FIGURES = DOCS / "figures"


def _referenced() -> set[str]:
    """The figure file names that the documentation pages show."""
    pattern = re.compile(r"\]\(figures/([^)]+\.png)\)")
    return {name for page in DOCS.glob("*.md") for name in pattern.findall(page.read_text("utf-8"))}


def test_every_figure_is_shown_and_every_shown_figure_exists() -> None:
    stored = {path.name for path in FIGURES.glob("*.png")}
    referenced = _referenced()
    assert stored - referenced == set(), "figures no page shows: delete them or show them"
    assert referenced - stored == set(), "pages show figures that docs/figures lacks"


def test_every_figure_is_drawn_by_the_script() -> None:
    script = (FIGURES / "make_figures.py").read_text("utf-8")
    drawn = {f"{name}.png" for name in re.findall(r'"([a-z_]+)"\)\n', script)}
    assert {path.name for path in FIGURES.glob("*.png")} <= drawn
