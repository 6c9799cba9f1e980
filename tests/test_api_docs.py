"""The API reference (docs/api.md) lists every public name of the package.

A public name is one in the ``__all__`` of ``bayesreg`` or of one of its public
subpackages; it is documented when an ``autosummary`` entry of docs/api.md (relative to
``bayesreg``) resolves to the same object, so a function exported both at the top level
and from ``bayesreg.core`` needs one entry.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import bayesreg

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.md"
#: modules whose ``__all__`` is public besides the subpackages in ``bayesreg.__all__``
EXTRA_MODULES = ("bayesreg.estimators",)
AUTOSUMMARY = re.compile(r"^\.\. autosummary::\n((?:[ ]{3}.*\n|\n)+)", re.MULTILINE)


def _entries() -> list[str]:
    """The names listed in the page's autosummary blocks (options skipped)."""
    text = API_PAGE.read_text(encoding="utf-8")
    assert ".. currentmodule:: bayesreg" in text
    names = []
    for block in AUTOSUMMARY.findall(text):
        for line in block.splitlines():
            entry = line.strip()
            if entry and not entry.startswith(":"):
                names.append(entry)
    return names


def _resolve(dotted: str) -> Any:
    """``bayesreg.<dotted>``, importing submodules on the way."""
    obj: Any = bayesreg
    prefix = "bayesreg"
    for part in dotted.split("."):
        prefix = f"{prefix}.{part}"
        obj = getattr(obj, part) if hasattr(obj, part) else importlib.import_module(prefix)
    return obj


def _public_modules() -> list[ModuleType]:
    """``bayesreg``, the subpackages in its ``__all__``, and ``EXTRA_MODULES``."""
    modules = [bayesreg]
    modules += [
        getattr(bayesreg, name)
        for name in bayesreg.__all__
        if inspect.ismodule(getattr(bayesreg, name))
    ]
    modules += [importlib.import_module(name) for name in EXTRA_MODULES]
    return modules


def _public_names() -> list[tuple[str, Any]]:
    """Every ``module.name`` of a public ``__all__`` with its object (modules and dunders
    excepted: a subpackage is documented through its names)."""
    names = []
    for module in _public_modules():
        for name in module.__all__:
            obj = getattr(module, name)
            if name.startswith("__") or inspect.ismodule(obj):
                continue
            names.append((f"{module.__name__}.{name}", obj))
    return names


def test_every_api_entry_resolves() -> None:
    for entry in _entries():
        try:
            _resolve(entry)
        except (AttributeError, ImportError) as error:  # pragma: no cover - the failure
            pytest.fail(f"docs/api.md lists {entry!r}, which is not bayesreg.{entry}: {error}")


def test_api_reference_lists_every_public_name() -> None:
    documented = {id(_resolve(entry)) for entry in _entries()}
    missing = [name for name, obj in _public_names() if id(obj) not in documented]
    assert not missing, (
        f"docs/api.md does not list {missing}; add each to an autosummary block "
        "(as its top-level name or e.g. core.<name>)."
    )


def test_api_reference_lists_no_name_twice() -> None:
    entries = _entries()
    assert len(entries) == len(set(entries))
