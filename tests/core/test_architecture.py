"""Architecture rules that import-linter cannot express."""

from __future__ import annotations

import subprocess
import sys


def test_renderer_loads_without_qtwidgets() -> None:
    # Printing and exports must work headless: mgis.render may use QtGui, never QtWidgets.
    code = (
        "import sys, mgis.render, mgis.render.renderer; "
        "print('PySide6.QtWidgets' in sys.modules, 'PySide6.QtGui' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
