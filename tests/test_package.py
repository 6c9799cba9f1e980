"""Package-level properties: fast import, layering, public names, README and CI in step."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import bayesreg

ROOT = Path(__file__).resolve().parents[1]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_import_bayesreg_does_not_import_pymc_or_matplotlib() -> None:
    loaded = _modules_after("import bayesreg")
    assert "pymc" not in loaded
    assert "pytensor" not in loaded
    assert "matplotlib" not in loaded


def test_core_never_imports_pymc() -> None:
    loaded = _modules_after("import bayesreg.core, bayesreg.datasets; import bayesreg as br")
    assert "pymc" not in loaded
    core_sources = (ROOT / "bayesreg" / "core").rglob("*.py")
    for path in core_sources:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(pymc|pytensor|arviz)", text, re.M), path


@pytest.mark.parametrize("name", sorted(bayesreg.__all__))
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(bayesreg, name) is not None


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        _ = bayesreg.nonexistent  # type: ignore[attr-defined]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Three commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, re.S)


def test_readme_shows_exactly_three_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 3, commands
    assert "venv" in commands[0]
    assert "bayesreg demo" in commands[1]
    assert "pytest" in commands[2]


def test_ci_runs_the_readme_setup_and_test_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup, _, tests = _readme_commands()
    assert setup in ci.splitlines()
    assert tests in ci.splitlines()


@pytest.mark.parametrize("page", ["README.md", "docs/getting_started.md"])
def test_python_examples_in_the_readme_and_getting_started_run(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.+?)\n```", text, re.S)
    assert blocks, page
    # a page is read top to bottom: later blocks use what earlier ones defined
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, page, "exec"), namespace)
