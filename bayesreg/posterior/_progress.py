"""Progress display for long NumPy sampling runs.

Uses ``rich``, a declared dependency of PyMC (so no new dependency), when it is
importable; otherwise a plain line on standard error.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

__all__ = ["SamplingProgress"]


class SamplingProgress:
    """A context manager counting iterations of a sampler: ``advance(k)`` after k more."""

    def __init__(self, total: int, description: str, *, enabled: bool) -> None:
        self.total = total
        self.description = description
        self.enabled = enabled
        self.done = 0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> SamplingProgress:
        if not self.enabled:
            return self
        try:
            from rich.console import Console
            from rich.progress import Progress
        except ImportError:
            print(f"{self.description}: {self.total} iterations", file=sys.stderr)
            return self
        self._bar = Progress(console=Console(stderr=True), transient=False)
        self._bar.__enter__()
        self._task = self._bar.add_task(self.description, total=self.total)
        return self

    def advance(self, steps: int) -> None:
        """Record ``steps`` more iterations."""
        self.done += steps
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(exc_type, exc, traceback)
        elif self.enabled:
            print(f"{self.description}: done ({self.done} iterations)", file=sys.stderr)
