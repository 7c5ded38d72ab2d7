"""``sop plugins``: the installed plugins and what each registers."""

from __future__ import annotations

import click

from sop_engine._core.i18n import N_, gettext
from sop_engine._core.text import Lang
from sop_engine._spec.specs import KINDS
from sop_engine.cli._common import FORMAT, LANG, json_text, registry

__all__ = ["plugins"]

_KIND_WORDS = {
    "guards": N_("guards"),
    "actions": N_("actions"),
    "sections": N_("sections"),
    "calendars": N_("calendars"),
    "ethics_checks": N_("ethics checks"),
    "intake_channels": N_("intake channels"),
    "notifiers": N_("notifiers"),
    "event_listeners": N_("event listeners"),
    "lint_rules": N_("lint rules"),
    "exporters": N_("exporters"),
}
"""What a plugin registers, as the text listing says it (JSON keeps the kind)."""


@click.command()
@FORMAT
@LANG
def plugins(fmt: str, lang: Lang) -> None:
    """List the installed plugins and what each registers (guards, actions, channels, ...)."""
    installed = registry()
    by_plugin: dict[str, list[tuple[str, str]]] = {}
    for (kind, name), owner in sorted(installed.owners.items()):
        by_plugin.setdefault(owner, []).append((kind, name))
    if fmt == "json":
        click.echo(
            json_text(
                {
                    "plugins": [
                        {
                            "name": owner,
                            "package": installed.packages.get(owner),
                            "registers": {
                                kind: [n for k, n in items if k == kind]
                                for kind in KINDS
                                if any(k == kind for k, _ in items)
                            },
                        }
                        for owner, items in by_plugin.items()
                    ]
                }
            )
        )
        return
    for owner, items in by_plugin.items():
        package = installed.packages.get(owner)
        click.echo(f"{owner} ({package})" if package else owner)
        for kind in KINDS:
            names = [n for k, n in items if k == kind]
            if names:
                said = gettext(_KIND_WORDS.get(kind, kind.replace("_", " ")), lang, record=False)
                click.echo(f"  {said}: {', '.join(names)}")
