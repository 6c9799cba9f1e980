"""Every public name has a numpydoc "Examples" section with a runnable ``>>>`` example.

The public names are those of tests/test_api_docs.py (the ``__all__`` of ``bayesreg``,
of its public subpackages and of ``bayesreg.estimators``); the examples themselves are
run by tests/test_docstring_examples.py.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
from test_api_docs import _public_names

#: a numpydoc section header: the title, then a line of dashes as long as the title
SECTION = re.compile(r"^(\S[^\n]*)\n-+$", re.MULTILINE)

NAMES: dict[str, Any] = dict(_public_names())


def _examples_section(obj: Any) -> str | None:
    """The text of the docstring's "Examples" section (up to the next section), or None."""
    doc = inspect.getdoc(obj) or ""
    headers = [m for m in SECTION.finditer(doc) if len(m.group(0)) == 2 * len(m.group(1)) + 1]
    for index, header in enumerate(headers):
        if header.group(1) == "Examples":
            end = headers[index + 1].start() if index + 1 < len(headers) else len(doc)
            return doc[header.end() : end]
    return None


def test_there_are_public_names() -> None:
    assert len(NAMES) > 50


@pytest.mark.parametrize("name", sorted(NAMES))
def test_public_name_has_examples(name: str) -> None:
    section = _examples_section(NAMES[name])
    assert section is not None, f"the docstring of {name} has no numpydoc 'Examples' section"
    assert ">>>" in section, f"the 'Examples' section of {name} has no '>>>' example"
