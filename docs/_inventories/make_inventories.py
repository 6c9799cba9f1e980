"""Write the intersphinx inventories the documentation links other projects with.

The documentation is built without network access, so ``docs/conf.py`` cannot download
each project's ``objects.inv``. Instead it reads the inventories in this directory,
which this script writes: for every external object the documentation refers to, its
name, its Sphinx role and the path of its page relative to the project's documentation
root (the first element of the project's ``intersphinx_mapping`` entry in
``docs/conf.py``).

The files follow Sphinx's inventory format, version 2: four header lines, then zlib-
compressed lines ``name domain:role priority uri dispname`` (``dispname`` ``-`` shows the
name itself). A reference that the build reports as unresolved
(``sphinx-build -n``) is added to ``INVENTORIES`` below; then run, from the repository
root::

    python docs/_inventories/make_inventories.py

and commit the ``.inv`` files with this script. The paths follow each project's
published URL layout (e.g. NumPy's ``reference/generated/numpy.ndarray.html``).
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent


class Entry(NamedTuple):
    """One inventory line.

    Attributes
    ----------
    name : str
        The name references use, e.g. ``"numpy.ndarray"``.
    role : str
        ``domain:role``, e.g. ``"py:class"``, ``"py:function"``, ``"std:term"``.
    uri : str
        Page and anchor relative to the project's documentation root.
    dispname : str
        Text shown for the link, ``"-"`` for the name itself.
    """

    name: str
    role: str
    uri: str
    dispname: str = "-"


class Project(NamedTuple):
    """The inventory of one project.

    Attributes
    ----------
    title : str
        The project's name, as its own inventory states it.
    entries : tuple of Entry
        The objects the documentation refers to.
    """

    title: str
    entries: tuple[Entry, ...]


def _api(name: str, role: str, page: str) -> Entry:
    """An object documented on ``page`` under the anchor of its full ``name``."""
    return Entry(name, role, f"{page}#{name}")


def _generated(name: str, role: str, prefix: str) -> Entry:
    """An object with a page of its own, ``{prefix}{name}.html``."""
    return _api(name, role, f"{prefix}{name}.html")


_NUMPY = "reference/generated/"
_SKLEARN = "modules/generated/"
_PANDAS = "reference/api/"
_XARRAY = "generated/"
_PYMC = "api/generated/"
_ARVIZ_STATS = "api/generated/"
_MATPLOTLIB = "api/_as_gen/"
_DASK = "generated/"

#: Keyed by the file name (without ``.inv``), which is also the ``intersphinx_mapping``
#: key in ``docs/conf.py``.
INVENTORIES: dict[str, Project] = {
    # list, dict and callable: numpydoc links these words of parameter types here.
    "python": Project(
        "Python",
        (
            _api("None", "py:data", "library/constants.html"),
            _api("True", "py:data", "library/constants.html"),
            _api("False", "py:data", "library/constants.html"),
            _api("bool", "py:class", "library/functions.html"),
            _api("int", "py:class", "library/functions.html"),
            _api("float", "py:class", "library/functions.html"),
            _api("str", "py:class", "library/stdtypes.html"),
            _api("tuple", "py:class", "library/stdtypes.html"),
            _api("list", "py:class", "library/stdtypes.html"),
            _api("dict", "py:class", "library/stdtypes.html"),
            _api("callable", "py:function", "library/functions.html"),
            _api("AssertionError", "py:exception", "library/exceptions.html"),
            _api("warnings.warn", "py:function", "library/warnings.html"),
            Entry("iterable", "std:term", "glossary.html#term-iterable"),
            Entry("mapping", "std:term", "glossary.html#term-mapping"),
            Entry("sequence", "std:term", "glossary.html#term-sequence"),
        ),
    ),
    "numpy": Project(
        "NumPy",
        (
            _generated("numpy.ndarray", "py:class", _NUMPY),
            _api("numpy.random.Generator", "py:class", "reference/random/generator.html"),
            Entry("array_like", "std:term", "glossary.html#term-array_like"),
        ),
    ),
    "scipy": Project(
        "SciPy",
        (Entry("scipy.sparse", "py:module", "reference/sparse.html#module-scipy.sparse"),),
    ),
    "sklearn": Project(
        "scikit-learn",
        (
            _generated("sklearn.linear_model.Ridge", "py:class", _SKLEARN),
            _generated("sklearn.linear_model.Lasso", "py:class", _SKLEARN),
            _generated("sklearn.linear_model.ElasticNet", "py:class", _SKLEARN),
            _generated("sklearn.linear_model.LogisticRegression", "py:class", _SKLEARN),
            _generated("sklearn.linear_model.PoissonRegressor", "py:class", _SKLEARN),
        ),
    ),
    "pandas": Project(
        "pandas",
        (
            _generated("pandas.DataFrame", "py:class", _PANDAS),
            _generated("pandas.Series", "py:class", _PANDAS),
        ),
    ),
    "xarray": Project(
        "xarray",
        (
            _generated("xarray.DataTree", "py:class", _XARRAY),
            _generated("xarray.Dataset", "py:class", _XARRAY),
        ),
    ),
    "pymc": Project(
        "PyMC",
        (
            _generated("pymc.Model", "py:class", _PYMC),
            _generated("pymc.find_MAP", "py:function", _PYMC),
        ),
    ),
    # ArviZ 1 documents its statistics in the arviz-stats subproject, where ``arviz.hdi``
    # (a re-export) has the page of ``arviz_stats.hdi``.
    "arviz": Project(
        "arviz-stats",
        (Entry("arviz.hdi", "py:function", f"{_ARVIZ_STATS}arviz_stats.hdi.html#arviz_stats.hdi"),),
    ),
    "matplotlib": Project(
        "Matplotlib",
        (
            _generated("matplotlib.axes.Axes", "py:class", _MATPLOTLIB),
            _generated("matplotlib.figure.Figure", "py:class", _MATPLOTLIB),
        ),
    ),
    "dask": Project(
        "Dask",
        (
            _generated("dask.array.Array", "py:class", _DASK),
            _generated("dask.dataframe.DataFrame", "py:class", _DASK),
            _generated("dask.dataframe.Series", "py:class", _DASK),
        ),
    ),
}


def _priority(role: str) -> int:
    """Sphinx's search priority: 1 for Python objects, 0 for modules, -1 otherwise."""
    if role == "py:module":
        return 0
    return 1 if role.startswith("py:") else -1


def inventory_bytes(project: Project) -> bytes:
    """Return the contents of ``project``'s inventory file.

    Parameters
    ----------
    project : Project
        The project's title and entries.

    Returns
    -------
    bytes
        A Sphinx inventory, version 2, with the entries sorted by name and role.
    """
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project.title}\n"
        "# Version: stable\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    lines = "".join(
        f"{e.name} {e.role} {_priority(e.role)} {e.uri} {e.dispname}\n"
        for e in sorted(project.entries, key=lambda e: (e.name, e.role))
    )
    return header.encode() + zlib.compress(lines.encode(), 9)


def write_inventories(directory: Path = HERE) -> list[Path]:
    """Write every inventory of ``INVENTORIES`` to ``directory/<key>.inv``.

    Parameters
    ----------
    directory : Path, default: this script's directory
        Where to write the files.

    Returns
    -------
    list of Path
        The files written.
    """
    paths = []
    for key, project in INVENTORIES.items():
        path = directory / f"{key}.inv"
        path.write_bytes(inventory_bytes(project))
        paths.append(path)
    return paths


def main() -> int:
    """Write the inventories next to this script and list them."""
    for path in write_inventories():
        print(path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
