"""The intersphinx inventories shipped in docs/_inventories: readable, complete, relative."""

from __future__ import annotations

import importlib.util
import io
import posixpath
import runpy
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

inventory = pytest.importorskip("sphinx.util.inventory")

DOCS = Path(__file__).resolve().parents[1] / "docs"
INVENTORIES = DOCS / "_inventories"

#: Objects the documentation links to, by inventory (a subset of each).
EXPECTED = {
    "python": {"None", "True", "False", "bool", "int", "float", "str", "tuple", "warnings.warn"},
    "numpy": {"numpy.ndarray", "numpy.random.Generator", "array_like"},
    "scipy": {"scipy.sparse"},
    "sklearn": {
        "sklearn.linear_model.Ridge",
        "sklearn.linear_model.Lasso",
        "sklearn.linear_model.ElasticNet",
        "sklearn.linear_model.LogisticRegression",
    },
    "pandas": {"pandas.DataFrame", "pandas.Series"},
    "xarray": {"xarray.DataTree", "xarray.Dataset"},
    "pymc": {"pymc.Model", "pymc.find_MAP"},
    "arviz": {"arviz.hdi"},
    "matplotlib": {"matplotlib.axes.Axes", "matplotlib.figure.Figure"},
    "dask": {"dask.array.Array", "dask.dataframe.DataFrame"},
}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_inventories", INVENTORIES / "make_inventories.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # NamedTuple classes look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _load(raw: bytes) -> dict[str, dict[str, str]]:
    """``{role: {name: uri}}`` of an inventory, read by Sphinx with an empty base URI."""
    data: dict[str, dict[str, Any]] = inventory.InventoryFile.load(
        io.BytesIO(raw), "", posixpath.join
    )
    # Sphinx >= 8.2 gives items with a ``uri``; earlier versions 4-tuples.
    return {
        role: {name: item.uri if hasattr(item, "uri") else item[2] for name, item in items.items()}
        for role, items in data.items()
    }


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_inventory_loads_and_names_the_linked_objects(key: str) -> None:
    raw = (INVENTORIES / f"{key}.inv").read_bytes()
    assert raw.startswith(b"# Sphinx inventory version 2\n")
    loaded = _load(raw)
    names = {name for items in loaded.values() for name in items}
    assert EXPECTED[key] <= names
    for items in loaded.values():
        for name, uri in items.items():
            assert "://" not in uri, (name, uri)
            assert not uri.startswith("/"), (name, uri)
            assert ".." not in uri.split("#")[0].split("/"), (name, uri)
            assert uri.split("#")[0].endswith(".html"), (name, uri)


def test_shipped_inventories_match_the_script() -> None:
    script = _script()
    shipped = {path.stem for path in INVENTORIES.glob("*.inv")}
    assert shipped == set(script.INVENTORIES) == set(EXPECTED)
    for key, project in script.INVENTORIES.items():
        regenerated = _load(script.inventory_bytes(project))
        assert _load((INVENTORIES / f"{key}.inv").read_bytes()) == regenerated, key


def test_conf_maps_every_inventory_to_its_site() -> None:
    conf = runpy.run_path(str(DOCS / "conf.py"))
    mapping = conf["intersphinx_mapping"]
    assert set(mapping) == set(EXPECTED)
    for key, (url, location) in mapping.items():
        assert url.startswith("https://"), key
        assert url.endswith("/"), key
        assert (DOCS / location).resolve() == (INVENTORIES / f"{key}.inv").resolve()


def test_readme_docs_command_is_the_nitpicky_one_ci_runs() -> None:
    root = DOCS.parent
    command = ".venv/bin/sphinx-build -n -W -q -b html docs docs/_build/html"
    assert command in (root / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert f"`{command}`" in (root / "README.md").read_text(encoding="utf-8")
