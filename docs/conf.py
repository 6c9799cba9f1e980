"""Sphinx configuration for the bayesreg documentation."""

from __future__ import annotations

import bayesreg

project = "bayesreg"
author = "The bayesreg developers"
copyright = "2026, the bayesreg developers"  # noqa: A001
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
exclude_patterns = ["_build", "**.ipynb_checkpoints", "figures"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]

# The notebooks are executed by the test suite (pytest --nbmake); the docs execute them
# again so that every rendered figure comes from the current code.
nb_execution_mode = "auto"
nb_execution_timeout = 600
nb_execution_raise_on_error = True

autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_validation_checks: set[str] = set()

intersphinx_mapping: dict[str, tuple[str, None]] = {}

html_theme = "pydata_sphinx_theme"
html_title = "bayesreg"
html_static_path = ["_static"]
html_theme_options = {"navigation_with_keys": False}
