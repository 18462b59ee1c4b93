"""Sheet templates: the built-in ones (``resources/templates/*.json``) and the user's.

A template is a named set of :class:`~mgis.render.sheet.SheetSpec` settings
(paper, orientation, margins, scale, elements). User templates live in the
project, as JSON text under the metadata key :data:`METADATA_KEY`, so they
travel with the project file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from mgis.render.sheet import SheetSpec

if TYPE_CHECKING:
    from mgis.project import Project

METADATA_KEY = "print_templates"
"""Project metadata key holding the user templates as a JSON object."""

SHEET_ONLY = ("center", "extent", "table", "chart", "title", "subtitle")
"""Settings of one sheet that a template does not keep."""


@dataclass(frozen=True)
class SheetTemplate:
    """A named set of sheet settings.

    Parameters
    ----------
    name : str
        Identifier used by the CLI (``a3-plan``).
    label : str
        Name shown to users (English).
    settings : dict
        :class:`SheetSpec` fields.
    builtin : bool
        True for the templates shipped with mgis.
    label_pl : str
        Polish name shown to users.
    """

    name: str
    label: str
    settings: dict[str, Any] = field(default_factory=dict)
    builtin: bool = False
    label_pl: str = ""

    def spec(self, **overrides: Any) -> SheetSpec:
        """Return a sheet of this template, with ``overrides`` applied (None values ignored)."""
        data = dict(self.settings)
        data.update({k: v for k, v in overrides.items() if v is not None})
        return SheetSpec.from_dict(data)

    def display(self, language: str = "en") -> str:
        """Return the name to show in ``language``."""
        return self.label_pl if language == "pl" and self.label_pl else self.label


@cache
def _builtin() -> tuple[SheetTemplate, ...]:
    """Read the shipped templates once."""
    folder = files("mgis") / "resources" / "templates"
    found = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name.endswith(".json"):
            data = json.loads(item.read_text(encoding="utf-8"))
            found.append(_from_json(data, builtin=True))
    return tuple(found)


def _from_json(data: dict[str, Any], *, builtin: bool) -> SheetTemplate:
    """Build a template from its JSON form."""
    return SheetTemplate(
        name=str(data["name"]),
        label=str(data.get("label", data["name"])),
        settings=dict(data.get("sheet", {})),
        builtin=builtin,
        label_pl=str(data.get("label_pl", "")),
    )


def builtin_templates() -> dict[str, SheetTemplate]:
    """Return the built-in templates by name: ``a4-note``, ``a3-plan``, ``a1-wall``."""
    return {t.name: t for t in _builtin()}


def user_templates(project: Project) -> dict[str, SheetTemplate]:
    """Return the templates saved in ``project`` by name (empty when there are none)."""
    text = project.metadata.get(METADATA_KEY, "")
    if not text:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return {
        str(name): SheetTemplate(
            str(name), str(entry.get("label", name)), dict(entry.get("sheet", {}))
        )
        for name, entry in data.items()
        if isinstance(entry, dict)
    }


def all_templates(project: Project | None = None) -> dict[str, SheetTemplate]:
    """Return built-in templates followed by the project's (which win on equal names)."""
    found = builtin_templates()
    if project is not None:
        found.update(user_templates(project))
    return found


def find_template(name: str, project: Project | None = None) -> SheetTemplate:
    """Return the template called ``name`` (its name or label, any case).

    Raises
    ------
    KeyError
        With the names of the known templates.
    """
    templates = all_templates(project)
    wanted = name.strip().lower()
    for template in templates.values():
        if wanted in (template.name.lower(), template.label.lower(), template.label_pl.lower()):
            return template
    raise KeyError(f"No sheet template {name!r}; the templates are: {', '.join(templates)}")


def template_from_spec(name: str, spec: SheetSpec, label: str | None = None) -> SheetTemplate:
    """Return a user template keeping the settings of ``spec`` (not its place, texts or table)."""
    settings = spec.to_dict()
    for key in SHEET_ONLY:
        settings.pop(key, None)
    return SheetTemplate(name, label or name, settings)


def templates_metadata(project: Project, template: SheetTemplate | None, remove: str = "") -> str:
    """Return the new value of the project's :data:`METADATA_KEY` with ``template`` added.

    The caller stores it (in the UI, through an undoable command).
    """
    current = {
        name: {"label": t.label, "sheet": t.settings}
        for name, t in user_templates(project).items()
        if name != remove
    }
    if template is not None:
        current[template.name] = {"label": template.label, "sheet": template.settings}
    return json.dumps(current, ensure_ascii=False, sort_keys=True)


def save_user_template(project: Project, name: str, spec: SheetSpec) -> SheetTemplate:
    """Store the settings of ``spec`` in ``project`` as the template ``name`` and return it."""
    template = template_from_spec(name, spec)
    project.metadata[METADATA_KEY] = templates_metadata(project, template)
    return template
