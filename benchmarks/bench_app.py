"""App start benchmark: process start to a usable main window, and to the first map.

Usage: ``python3 benchmarks/bench_app.py [--sizes 20000,300000] [--runs 5]``.
Target (desktop app issue): app start to a usable window <= 2 s. The second figure
is the time until the demo town project is opened (in the background) and drawn.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Result, emit, print_table

CACHE = Path(tempfile.gettempdir()) / "mgis-bench"
CHILD = """
import sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from mgis.ui.main_window import MainWindow
from mgis.ui.settings import AppSettings
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
app = QApplication([])
window = MainWindow(settings=AppSettings())
window.resize(1600, 1000)
window.show()
app.processEvents()
print("shown", flush=True)
def drawn(_seconds):
    if window.project.layers:
        print("rendered", flush=True)
        app.quit()
window.canvas.rendered.connect(drawn)
window.files.open_path(Path(sys.argv[1]), background=True, ask=False)
app.exec()
"""


def _demo(size: int) -> Path:
    from mgis.demo import build_demo

    return build_demo(CACHE / f"town_{size}", parcels=size, seed=1).project_path


def run_once(project: Path) -> tuple[float, float]:
    """Start the app in a child process; return seconds to the window and to the map."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MGIS_LANG": "pl"}
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as settings:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(project), settings],
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
            env=env,
        )
        assert child.stdout is not None
        marks: dict[str, float] = {}
        for line in child.stdout:
            marks[line.strip()] = time.perf_counter() - start
        child.wait(timeout=600)
    return marks["shown"], marks["rendered"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,300000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: list[Result] = []
    for size in (int(s) for s in args.sizes.split(",")):
        project = _demo(size)
        runs = [run_once(project) for _ in range(args.runs)]
        shown = statistics.median(r[0] for r in runs)
        drawn = statistics.median(r[1] for r in runs)
        emit(Result("app", "start to usable window", size, shown, 2.0), results)
        emit(Result("app", "start to demo town drawn", size, drawn, None), results)
    print_table(results)


if __name__ == "__main__":
    main()
