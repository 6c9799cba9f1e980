"""Extract one figure from each notebook's stored outputs as a thumbnail for the gallery.

Run from the repository's root::

    python docs/figures/make_gallery.py

The notebooks are not executed: the script reads (as JSON) the base64 ``image/png``
outputs that the committed notebooks carry, takes the figure chosen in :data:`CHOICES`,
crops it to one panel where the figure has several, scales it to :data:`WIDTH` pixels wide
and writes ``docs/_static/gallery/NN.png``, where ``NN`` is the notebook's two-digit
number. The gallery page ``docs/notebooks.md`` shows these files. Run the script again
after a notebook's figures change.

Notes
-----
A figure is named by the id of the code cell that draws it and the position of the image
among that cell's outputs. Cell ids survive re-execution, so the choice stays valid when
the outputs are refreshed; if a chosen cell disappears, the script stops with an error
rather than pick another figure.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
GALLERY = ROOT / "docs" / "_static" / "gallery"
WIDTH = 320


@dataclass(frozen=True)
class Choice:
    """The figure of one notebook that becomes its thumbnail.

    Attributes
    ----------
    cell_id : str
        Id of the code cell whose output holds the figure.
    image : int
        Position of the figure among the cell's ``image/png`` outputs (0 = first).
    box : tuple of float
        Region kept, as fractions ``(left, top, right, bottom)`` of the image's width and
        height; ``(0, 0, 1, 1)`` keeps the whole figure.
    """

    cell_id: str
    image: int = 0
    box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)


CHOICES: dict[str, Choice] = {
    "01": Choice("cell-03"),  # prior densities and penalties
    "02": Choice("cell-05", box=(0.0, 0.06, 0.362, 1.0)),  # errors under Laplace(0, 2)
    "03": Choice("cell-12", box=(0.5, 0.0, 1.0, 1.0)),  # posterior intervals (forest)
    "04": Choice("cell-03", box=(0.0, 0.0, 1.0, 0.5)),  # the diamond and the disc
    "05": Choice("cell-03", box=(0.5, 0.0, 1.0, 1.0)),  # training and test error
    "06": Choice("cell-11"),  # joint posterior draws of two collinear features
    "07": Choice("9fc2ab1b"),  # Poisson lasso path
    "08": Choice("b935a11e"),  # the 10-fold CV curve
    "09": Choice("cell-17"),  # bias² and variance along the ridge path
    "10": Choice("bc7001b2", box=(0.5, 0.0, 1.0, 1.0)),  # what each prior takes away
}


def notebook_path(number: str) -> Path:
    """Return the path of the notebook whose file name starts with ``number``.

    Parameters
    ----------
    number : str
        Two-digit notebook number, e.g. ``"03"``.

    Returns
    -------
    pathlib.Path
        The notebook file.

    Raises
    ------
    FileNotFoundError
        If no notebook, or more than one, starts with ``number``.
    """
    matches = sorted(NOTEBOOKS.glob(f"{number}_*.ipynb"))
    if len(matches) != 1:
        raise FileNotFoundError(f"expected one notebook {number}_*.ipynb, found {len(matches)}")
    return matches[0]


def stored_figure(path: Path, choice: Choice) -> Image.Image:
    """Decode the chosen PNG figure from a notebook's stored outputs.

    Parameters
    ----------
    path : pathlib.Path
        The notebook file.
    choice : Choice
        Which cell and which of its figures.

    Returns
    -------
    PIL.Image.Image
        The figure, in RGB.

    Raises
    ------
    LookupError
        If the cell does not exist or has fewer figures than ``choice.image + 1``.
    """
    notebook: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code" or cell.get("id") != choice.cell_id:
            continue
        figures: list[str] = [
            output["data"]["image/png"]
            for output in cell["outputs"]
            if "image/png" in output.get("data", {})
        ]
        if choice.image >= len(figures):
            raise LookupError(
                f"{path.name}: cell {choice.cell_id} has {len(figures)} figure(s), "
                f"not {choice.image + 1}"
            )
        data = base64.b64decode(figures[choice.image])
        return Image.open(io.BytesIO(data)).convert("RGB")
    raise LookupError(f"{path.name}: no code cell with id {choice.cell_id}")


def thumbnail(figure: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    """Crop a figure to ``box`` and scale it to :data:`WIDTH` pixels wide.

    Parameters
    ----------
    figure : PIL.Image.Image
        The full figure.
    box : tuple of float
        ``(left, top, right, bottom)`` as fractions of the width and height.

    Returns
    -------
    PIL.Image.Image
        The thumbnail, ``WIDTH`` pixels wide with the cropped region's aspect ratio.
    """
    left, top, right, bottom = box
    width, height = figure.size
    region = figure.crop(
        (round(left * width), round(top * height), round(right * width), round(bottom * height))
    )
    scaled_height = max(1, round(region.height * WIDTH / region.width))
    return region.resize((WIDTH, scaled_height), Image.Resampling.LANCZOS)


def main() -> None:
    """Write every notebook's thumbnail to ``docs/_static/gallery``."""
    GALLERY.mkdir(parents=True, exist_ok=True)
    for number, choice in CHOICES.items():
        path = notebook_path(number)
        image = thumbnail(stored_figure(path, choice), choice.box)
        target = GALLERY / f"{number}.png"
        image.save(target, optimize=True)
        print(f"wrote {target.relative_to(ROOT)} ({image.width} × {image.height}) from {path.name}")


if __name__ == "__main__":
    main()
