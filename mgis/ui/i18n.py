"""Translations: English source strings looked up in ``resources/translations/<lang>.json``."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib.resources import files

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "pl")

_state = {"lang": ""}


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """Return the translation table of ``lang`` (empty for English)."""
    if lang == SOURCE_LANGUAGE:
        return {}
    resource = files("mgis") / "resources" / "translations" / f"{lang}.json"
    data: dict[str, str] = json.loads(resource.read_text(encoding="utf-8"))
    return data


def system_language() -> str:
    """Return ``MGIS_LANG`` if set to a known language, else ``pl`` for a Polish system locale."""
    wanted = os.environ.get("MGIS_LANG", "").strip().lower()[:2]
    if wanted in LANGUAGES:
        return wanted
    try:
        from PySide6.QtCore import QLocale

        name = QLocale.system().name()
    except ImportError:  # pragma: no cover - Qt is a dependency
        name = ""
    return "pl" if name.lower().startswith("pl") else SOURCE_LANGUAGE


def set_language(lang: str) -> None:
    """Use ``lang`` (``"pl"`` or ``"en"``) for all later :func:`tr` calls.

    Raises
    ------
    ValueError
        For a language without a translation file.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}.")
    _state["lang"] = lang


def use_system_language() -> None:
    """Forget the chosen language: the next :func:`tr` follows ``MGIS_LANG`` or the system."""
    _state["lang"] = ""


def current_language() -> str:
    """Return the language in use, choosing it from the system on first use."""
    if not _state["lang"]:
        _state["lang"] = system_language()
    return _state["lang"]


def tr(text: str) -> str:
    """Return ``text`` (an English source string) in the current language.

    Strings missing from the catalogue are shown in English.
    """
    return _catalogue(current_language()).get(text, text)


_qt_translators: list[object] = []  # installed translators must stay alive


def install_qt_translations() -> bool:
    """Translate Qt's own texts (OK, Cancel, Save, Discard …) to the current language.

    Call after the ``QApplication`` exists. Returns True when Qt's catalogue was found.
    """
    lang = current_language()
    if lang == SOURCE_LANGUAGE:
        return False
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

    app = QCoreApplication.instance()
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if app is None or not translator.load(f"qtbase_{lang}", folder):
        return False
    app.installTranslator(translator)
    _qt_translators.append(translator)
    return True
