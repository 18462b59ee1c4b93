"""Link wizard: collects the parcel layer, identifiers, register and columns; previews the link."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from mgis.demo import build_demo
from mgis.io.register import read_register
from mgis.layers.link_ids import build_spec
from mgis.layers.links import link_register
from mgis.layers.register import Register
from mgis.project import Project
from mgis.ui.link_wizard import LinkWizard
from mgis.ui.register_state import LinkOutcome


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return build_demo(tmp_path_factory.mktemp("demo"), parcels=1500, seed=3)


@pytest.fixture(scope="module")
def project(demo) -> Project:  # type: ignore[no-untyped-def]
    return Project.open(demo.project_path)


def _read(qtbot, wizard: LinkWizard, path) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(wizard.register_page.readDone, timeout=20_000):
        wizard.register_page.read(path)


def _preview(qtbot, wizard: LinkWizard) -> LinkOutcome:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(wizard.preview_page.previewDone, timeout=20_000) as blocker:
        wizard.preview_page.run()
    assert wizard.preview_page.isComplete()
    outcome = blocker.args[0]
    assert isinstance(outcome, LinkOutcome)
    return outcome


def test_layer_page_preselects_parcels_and_id_field(qtbot, project) -> None:  # type: ignore[no-untyped-def]
    wizard = LinkWizard(project)
    qtbot.addWidget(wizard)
    page = wizard.layer_page
    assert page.layer_box.currentText() == "parcels"
    assert page.field_box.currentText() == "id_dzialki"
    assert page.id_field() == "id_dzialki"
    assert page.isComplete()
    page.build_radio.setChecked(True)
    assert page.unit_box.currentText() == "301001_1"  # from the project's TERYT
    assert page.obreb_box.currentText() == "obreb"
    assert page.number_box.currentText() == "numer"
    assert page.id_field() == build_spec("301001_1", "obreb", "numer")


def test_register_page_detects_columns_and_collects_parameters(qtbot, demo, project) -> None:  # type: ignore[no-untyped-def]
    wizard = LinkWizard(project)
    qtbot.addWidget(wizard)
    page = wizard.register_page
    assert not page.isComplete()
    _read(qtbot, wizard, demo.files[0])
    assert page.isComplete()
    assert page.sheet_box.currentText() == "Rejestr inwestycji"
    assert page.role_boxes["parcels"].currentData() == "Działki"
    assert page.role_boxes["obreb"].currentData() == "Obręb"
    assert page.role_boxes["total_cost"].currentData() == "Łączne nakłady"
    page.set_role("funding", None)
    params = wizard.parameters()
    assert params.layer == "parcels"
    assert params.id_field == "id_dzialki"
    assert params.register_path == demo.files[0]
    assert params.sheet == "Rejestr inwestycji"
    assert params.mapping is not None
    assert params.mapping.funding is None
    assert params.mapping.name == "Nazwa zadania"
    assert [y for y, _ in params.mapping.limits] == [2025, 2026, 2027, 2028]
    page.set_role("parcels", None)
    assert not page.isComplete()


def test_preview_counts_match_link_register(qtbot, demo, project) -> None:  # type: ignore[no-untyped-def]
    wizard = LinkWizard(project)
    qtbot.addWidget(wizard)
    _read(qtbot, wizard, demo.files[0])
    outcome = _preview(qtbot, wizard)
    table = read_register(demo.files[0])
    expected = link_register(
        project.layer("parcels").frame, "id_dzialki", Register.from_table(table)
    )
    assert outcome.result.summary == expected.summary
    assert outcome.result.summary.unmatched > 0
    text = wizard.preview_page.text.toPlainText()
    assert f"{expected.summary.matched}" in text
    typo = expected.problems[expected.problems["kind"] == "unmatched"].iloc[0]
    assert typo["value"] in text


def test_preview_with_ids_built_from_columns(qtbot, demo, project) -> None:  # type: ignore[no-untyped-def]
    wizard = LinkWizard(project)
    qtbot.addWidget(wizard)
    wizard.layer_page.build_radio.setChecked(True)
    _read(qtbot, wizard, demo.files[0])
    built = _preview(qtbot, wizard)
    assert built.link.id_field == build_spec("301001_1", "obreb", "numer")
    table = read_register(demo.files[0])
    expected = link_register(
        project.layer("parcels").frame, "id_dzialki", Register.from_table(table)
    )
    assert built.result.summary == expected.summary


def test_unreadable_register_shows_the_reason(qtbot, project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wizard = LinkWizard(project)
    qtbot.addWidget(wizard)
    bad = tmp_path / "rejestr.ods"
    bad.write_text("x")
    worker = wizard.register_page.read(bad)
    assert worker is not None
    qtbot.waitUntil(lambda: ".xlsx" in wizard.register_page.status.text(), timeout=10_000)
    assert not wizard.register_page.isComplete()
