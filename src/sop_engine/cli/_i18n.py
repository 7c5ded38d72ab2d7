"""The ``sop`` command line in the reader's language: help, usage, click's own messages.

The language is chosen once per invocation, before click parses anything (``--help`` is eager):
``--lang id|en`` anywhere on the command line, else ``SOP_LANG``, else the POSIX locale (English
only for an ``en_*`` locale). Commands that read one SOP may let that SOP's ``language`` win over
the locale (:func:`sop_engine.cli._common.choose_lang`).

Help texts stay plain English strings in the command modules (docstrings and ``help=``): the
extraction (``tools/catalogues.py``) walks the live command tree, and the formatter here looks each
text up in the catalogue when it prints it. click's own texts (``Usage:``, ``Options``, ``Error:
...``) go through the same catalogue by replacing the ``gettext`` functions click's modules
imported. A new command or option therefore needs no marker: ``make catalogues`` finds its help.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.shell_completion
import click.termui
import click.types
import click.utils

from sop_engine._core.i18n import env_lang, gettext, locale_lang
from sop_engine._core.text import Lang

__all__ = ["CLI_LANG", "SopGroup", "explicit_lang", "help_texts", "install", "tr"]

CLI_LANG: ContextVar[Lang | None] = ContextVar("sop_cli_lang", default=None)
"""The language of the running ``sop`` invocation (None outside one)."""

_EXPLICIT: ContextVar[bool] = ContextVar("sop_cli_lang_explicit", default=False)
_EXTRAS = re.compile(r"(?s)^(.*?)(\s\s\[[^\[\]]*\])?$")
_CLICK_MODULES = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.types,
    click.termui,
    click.utils,
    click.shell_completion,
)


def tr(text: str) -> str:
    """``text`` in the language of the running invocation (unchanged outside one)."""
    lang = CLI_LANG.get()
    return gettext(text, lang) if lang else text


def _ngettext(singular: str, plural: str, n: int) -> str:
    return tr(singular if n == 1 else plural)


def explicit_lang() -> bool:
    """Whether ``--lang`` or ``SOP_LANG`` chose the language (then it beats the SOP's own)."""
    return _EXPLICIT.get()


def _scan(args: Sequence[str]) -> tuple[Lang, bool]:
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in ("id", "en"):
            return value, True  # type: ignore[return-value]
    env = env_lang()
    if env is not None:
        return env, True
    return locale_lang(), False


def _tr_help(text: str) -> str:
    """A help text in the invocation's language, without recording a miss.

    The formatter also sees texts click has already translated (its own option help) and rows
    that are only ``[default: ...]`` extras; the catalogue's completeness for help texts is
    checked on the extracted ids instead (tests/test_catalogue.py).
    """
    lang = CLI_LANG.get()
    return gettext(text, lang, record=False) if lang else text


class _Formatter(click.HelpFormatter):
    """Looks every help text up in the catalogue as it is written."""

    def write_text(self, text: str) -> None:
        super().write_text(_tr_help(text))

    def write_dl(self, rows: Iterable[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        translated = []
        for term, text in rows:
            match = _EXTRAS.match(text)
            assert match is not None  # the pattern matches every string
            help_text = match[1] if match[1] and not match[1].startswith("[") else ""
            translated.append((term, _tr_help(help_text) + (match[2] or "") if help_text else text))
        super().write_dl(translated, *args, **kwargs)


class _Context(click.Context):
    formatter_class = _Formatter


class SopGroup(click.Group):
    """The ``sop`` group: chooses the language before click parses the command line."""

    context_class = _Context

    def main(self, args: Sequence[str] | None = None, *more: Any, **options: Any) -> Any:
        import sys

        argv = list(sys.argv[1:] if args is None else args)
        lang, explicit = _scan(argv)
        token = CLI_LANG.set(lang)
        flag = _EXPLICIT.set(explicit)
        try:
            return super().main(argv, *more, **options)
        finally:
            CLI_LANG.reset(token)
            _EXPLICIT.reset(flag)


def _first_sentence(text: str) -> str:
    paragraph = " ".join(text.split("\n\n")[0].split())
    head, dot, _rest = paragraph.partition(". ")
    return head if dot else paragraph.removesuffix(".")


def install(group: click.Group) -> None:
    """Give every command of ``group`` the translating formatter and an explicit short help."""
    for mod in _CLICK_MODULES:
        if hasattr(mod, "_"):
            mod._ = tr  # type: ignore[attr-defined]
        if hasattr(mod, "ngettext"):
            mod.ngettext = _ngettext  # type: ignore[attr-defined]
    for command in _walk(group):
        command.context_class = _Context
        if command.help and not command.short_help:
            command.short_help = _first_sentence(_clean(command.help))


def _clean(text: str) -> str:
    import inspect

    return inspect.cleandoc(text).partition("\f")[0]


def _walk(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _walk(sub)


def help_texts(group: click.Group) -> Iterator[str]:
    """Every help text the command tree prints: the message ids of ``--help``."""
    import inspect

    for command in _walk(group):
        if command.help:
            yield _clean(command.help)
        if command.short_help:
            yield inspect.cleandoc(command.short_help)
        if command.epilog:
            yield inspect.cleandoc(command.epilog)
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                yield param.help
