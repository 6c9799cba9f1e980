"""Sphinx configuration for the bayesreg documentation."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path
from typing import Any

import bayesreg

project = "bayesreg"
author = "The bayesreg developers"
copyright = "2026, the bayesreg developers"
release = bayesreg.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_nb",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "figures", "_inventories"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]

# The notebooks are executed by the test suite (pytest --nbmake, in CI) and committed with
# their outputs; the docs render those outputs rather than executing them a second time.
nb_execution_mode = "off"
nb_execution_timeout = 600
nb_execution_raise_on_error = True

autosummary_generate = True
templates_path = ["_templates"]
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_validation_checks: set[str] = set()

# Links to other projects. The builds run without network access, so each project's
# inventory is read from docs/_inventories/, written by make_inventories.py there: a
# reference the build cannot resolve is added to that script's table.
intersphinx_mapping = {
    key: (url, f"_inventories/{key}.inv")
    for key, url in {
        "python": "https://docs.python.org/3/",
        "numpy": "https://numpy.org/doc/stable/",
        "scipy": "https://docs.scipy.org/doc/scipy/",
        "sklearn": "https://scikit-learn.org/stable/",
        "pandas": "https://pandas.pydata.org/docs/",
        "xarray": "https://docs.xarray.dev/en/stable/",
        "pymc": "https://www.pymc.io/projects/docs/en/stable/",
        "arviz": "https://python.arviz.org/projects/stats/en/stable/",
        "matplotlib": "https://matplotlib.org/stable/",
        "dask": "https://docs.dask.org/en/stable/",
    }.items()
}

# Parameter types ("ndarray of shape (n_samples, n_features)", "int, default 0") link the
# words numpydoc_xref_aliases names (plus numpydoc's own: ndarray, array-like, float,
# None, ...) and leave every other word as plain text, so shapes, "optional" and
# "default" never become references.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"


def _api_class_aliases() -> dict[str, str]:
    """Each class of the API reference (api.md) by its short and dotted names."""
    api = (Path(__file__).parent / "api.md").read_text()
    entries = re.findall(r"^   ([A-Za-z_][\w.]*)$", api, re.MULTILINE)
    aliases: dict[str, str] = {}
    for entry in entries:
        full = f"bayesreg.{entry}"
        try:
            obj = pkgutil.resolve_name(full)
        except (ImportError, AttributeError, ValueError):
            continue  # not an object of the package: autosummary reports it
        if not isinstance(obj, type):
            continue
        role = f":class:`~{full}`"
        # The public path of its defining module: bayesreg.priors._base -> bayesreg.priors.
        public = []
        for part in obj.__module__.split("."):
            if part.startswith("_"):
                break
            public.append(part)
        for name in (entry, full, obj.__qualname__, ".".join([*public, obj.__qualname__])):
            aliases[name] = role
    return aliases


numpydoc_xref_aliases = {
    "bool": ":class:`python:bool`",
    "boolean": ":class:`python:bool`",
    "mapping": ":term:`python:mapping`",
    "AssertionError": ":exc:`python:AssertionError`",
    "numpy.ndarray": ":class:`numpy.ndarray`",
    "Generator": ":class:`~numpy.random.Generator`",
    "numpy.random.Generator": ":class:`numpy.random.Generator`",
    "scipy.sparse": ":mod:`scipy.sparse`",
    "DataFrame": ":class:`~pandas.DataFrame`",
    "pandas.DataFrame": ":class:`pandas.DataFrame`",
    "Series": ":class:`~pandas.Series`",
    "xarray.DataTree": ":class:`xarray.DataTree`",
    "xarray.Dataset": ":class:`xarray.Dataset`",
    "pymc.Model": ":class:`pymc.Model`",
    "Axes": ":class:`~matplotlib.axes.Axes`",
    "matplotlib.axes.Axes": ":class:`matplotlib.axes.Axes`",
    "Figure": ":class:`~matplotlib.figure.Figure`",
    "matplotlib.figure.Figure": ":class:`matplotlib.figure.Figure`",
    "dask.array.Array": ":class:`dask.array.Array`",
    "dask.dataframe.DataFrame": ":class:`dask.dataframe.DataFrame`",
    "dask.dataframe.Series": ":class:`dask.dataframe.Series`",
    **_api_class_aliases(),
}

html_theme = "pydata_sphinx_theme"
html_title = "bayesreg"
html_static_path = ["_static"]
html_theme_options = {"navigation_with_keys": False}


# Docstrings write absolute values and norms in plain text (|w|, ||w||₁). In
# reStructuredText a bare "|x|" is a substitution reference, so escape the bars outside
# inline literals and literal blocks before the docstring is parsed.
_LITERAL_SPANS = re.compile(r"(``.+?``|`[^`]+`)")


def _escape_bars(line: str) -> str:
    # Odd-indexed parts are ``inline literals`` and `roles` (e.g. :math:`|w|`): kept as is.
    parts = _LITERAL_SPANS.split(line)
    return "".join(p.replace("|", r"\|") if i % 2 == 0 else p for i, p in enumerate(parts))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _escape_docstring_bars(
    app: object, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    literal_indent: int | None = None
    for index, line in enumerate(lines):
        if literal_indent is not None:
            if not line.strip() or _indent(line) > literal_indent:
                continue
            literal_indent = None
        stripped = line.strip()
        if stripped.endswith("::") or stripped.startswith(".. "):
            # A literal block or a directive (e.g. ".. math::"): its own line and the
            # indented block after it are left alone.
            literal_indent = _indent(line)
            continue
        if stripped.startswith((">>>", "...")):
            continue
        lines[index] = _escape_bars(line)


_DOCUMENTED: dict[int, str] = {}


def _documented_name(env: Any, obj: object) -> str | None:
    """The name the API reference documents ``obj`` under, if it does."""
    domain = env.get_domain("py")
    if not _DOCUMENTED:
        for name in domain.objects:
            if not name.startswith("bayesreg."):
                continue
            try:
                documented = pkgutil.resolve_name(name)
            except (ImportError, AttributeError, ValueError):
                continue
            if callable(documented):
                _DOCUMENTED.setdefault(id(documented), name)
    return _DOCUMENTED.get(id(obj))


def _resolve_by_documented_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a reference to a bayesreg object by the name the API reference uses.

    Docstrings name objects where they are defined (``bayesreg.core.logistic.logistic``)
    while the API reference documents them where users import them
    (``bayesreg.logistic``): a full name that imports to a documented object links to
    that object's page. A bare name of the top-level namespace (``adaptive_lasso`` in a
    docstring of ``bayesreg.core``) is read as ``bayesreg.<name>``.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py":
        return None
    if target in bayesreg.__all__:
        target = f"bayesreg.{target}"
    if not target.startswith("bayesreg."):
        return None
    try:
        obj = pkgutil.resolve_name(target)
    except (ImportError, AttributeError, ValueError):
        return None
    name = _documented_name(env, obj)
    if name is None or name == node.get("reftarget"):
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], name, node, contnode
    )


def setup(app: Any) -> None:
    app.connect("autodoc-process-docstring", _escape_docstring_bars)
    app.connect("missing-reference", _resolve_by_documented_name)
