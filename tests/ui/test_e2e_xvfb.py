"""End to end: the real ``mgis gui`` process on a virtual X display (Xvfb)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

import mgis
from mgis.demo import build_demo

REPO = Path(mgis.__file__).resolve().parent.parent
PARCEL_FILL = (0xF7, 0xF4, 0xEA)


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("MGIS_REQUIRE_TOOLS"):
            pytest.fail(f"{tool} is required (MGIS_REQUIRE_TOOLS is set) but not installed")
        pytest.skip(f"{tool} not installed")
    return found


def _free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X{number}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{number}").exists()
        ):
            return number
    pytest.fail("no free X display number")


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    xvfb = _need("Xvfb")
    number = _free_display()
    proc = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 10
    while not socket.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if not socket.exists():
        proc.kill()
        pytest.fail("Xvfb did not start")
    yield f":{number}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3).project_path


def distinct_colours(image: QImage, step: int = 3) -> set[tuple[int, int, int]]:
    found: set[tuple[int, int, int]] = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            c = image.pixelColor(x, y)
            found.add((c.red(), c.green(), c.blue()))
    return found


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_gui_starts_and_draws_the_demo_town(
    display: str, demo_project: Path, tmp_path: Path, lang: str
) -> None:
    shot = tmp_path / f"mgis-{lang}.png"
    env = dict(os.environ)
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        MGIS_LANG=lang,
        MGIS_SCREENSHOT=str(shot),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
    )
    log = tmp_path / "gui.log"
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mgis.cli", "gui", str(demo_project)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            windows = Path(f"{shot}.windows.txt")
            deadline = started + 20
            while time.monotonic() < deadline and proc.poll() is None and not windows.exists():
                time.sleep(0.1)
            assert proc.poll() is None, log.read_text()
            assert windows.exists(), f"no screenshot after 20 s\n{log.read_text()}"
            if shutil.which("import"):
                subprocess.run(
                    ["import", "-display", display, "-window", "root", str(tmp_path / "root.png")],
                    check=False,
                    timeout=30,
                )
        finally:
            proc.terminate()
            proc.wait(10)
    shown = windows.read_text(encoding="utf-8").splitlines()
    assert len(shown) == 1, f"unexpected windows: {shown}"  # no error dialog
    assert shown[0].startswith("MainWindow\tmgis — ")
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() >= 800
    colours = distinct_colours(image)
    assert len(colours) > 200
    assert any(
        all(abs(a - b) <= 2 for a, b in zip(c, PARCEL_FILL, strict=True)) for c in colours
    ), "parcel fill colour not found"
    if "Traceback" in log.read_text():
        pytest.fail(log.read_text())
