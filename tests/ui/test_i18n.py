import ast
import json
from pathlib import Path

import mgis
from mgis.ui import i18n

UI = Path(mgis.__file__).parent / "ui"
PL = Path(mgis.__file__).parent / "resources" / "translations" / "pl.json"


def tr_literals() -> set[str]:
    found: set[str] = set()
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_tr_string_has_polish() -> None:
    catalogue = json.loads(PL.read_text(encoding="utf-8"))
    literals = tr_literals()
    assert len(literals) > 10
    missing = sorted(s for s in literals if not catalogue.get(s))
    assert not missing, f"missing Polish translations: {missing}"


def test_tr_switches_language() -> None:
    try:
        i18n.set_language("pl")
        assert i18n.tr("Layers") == "Warstwy"
        assert i18n.tr("no such text") == "no such text"
        i18n.set_language("en")
        assert i18n.tr("Layers") == "Layers"
    finally:
        i18n.set_language("en")
