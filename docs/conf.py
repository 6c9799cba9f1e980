"""Sphinx configuration for the bayesreg documentation."""

from __future__ import annotations

import re

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
exclude_patterns = ["_build", "**.ipynb_checkpoints", "figures"]
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

intersphinx_mapping: dict[str, tuple[str, None]] = {}

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


def setup(app: object) -> None:
    app.connect("autodoc-process-docstring", _escape_docstring_bars)  # type: ignore[attr-defined]
