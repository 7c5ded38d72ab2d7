"""Read-only containers for case data and payloads.

Case data, event payloads and notification payloads are handed to guards, actions, ethics checks,
listeners, notifiers and API callers. Any of them mutating a shared dict would change a case with
no audit event, no validation and no confidentiality check (and, on the memory store, rewrite the
trail itself). So every such value is deep-frozen when a record is built: dicts become
:class:`FrozenDict`, lists become :class:`FrozenList`.

They subclass ``dict`` and ``list`` on purpose: they compare equal to plain dicts and lists, encode
to JSON unchanged and pass ``isinstance`` checks, so stores and callers need no special case.
Every mutating method raises ``TypeError`` naming the way out (copy it: ``dict(value)``). A caller
determined to bypass this through ``dict.__setitem__`` can; the point is that no ordinary code path
changes a case by accident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NoReturn, SupportsIndex

__all__ = ["FrozenDict", "FrozenList", "freeze", "frozen_dict"]

_ATOMS = frozenset({str, int, float, bool, type(None)})
_new_dict = dict.__new__
_fill = dict.update


def _refuse(self: object, *args: object, **kwargs: object) -> NoReturn:
    kind = "dict(value)" if isinstance(self, dict) else "list(value)"
    raise TypeError(
        "case data and payloads are read-only: change a case only by firing an event; "
        f"to work on a copy, make one with {kind}"
    )


class FrozenDict(dict[str, Any]):
    """A dict that refuses changes; its values are frozen too."""

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        dict.__init__(self, *args, **kwargs)
        # the usual case (only atoms, or values frozen already) is checked at C speed
        if not _all_atoms(map(type, dict.values(self))):
            for k, v in dict.items(self):
                if type(v) not in _ATOMS:
                    dict.__setitem__(self, k, freeze(v))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self

    def __hash__(self) -> int:  # type: ignore[override]
        raise TypeError("unhashable type: 'FrozenDict'")

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse
    clear = _refuse
    pop = _refuse
    popitem = _refuse
    setdefault = _refuse
    update = _refuse


class FrozenList(list[Any]):
    """A list that refuses changes; its items are frozen too."""

    __slots__ = ()

    def __init__(self, items: Iterable[Any] = ()) -> None:
        list.__init__(self, (v if type(v) in _ATOMS else freeze(v) for v in items))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenList:
        return self

    def __hash__(self) -> int:  # type: ignore[override]
        raise TypeError("unhashable type: 'FrozenList'")

    def __setitem__(self, index: SupportsIndex | slice, value: Any) -> NoReturn:
        _refuse(self)

    def __delitem__(self, index: SupportsIndex | slice) -> NoReturn:
        _refuse(self)

    __iadd__ = _refuse
    __imul__ = _refuse
    append = _refuse
    clear = _refuse
    extend = _refuse
    insert = _refuse
    pop = _refuse
    remove = _refuse
    reverse = _refuse
    sort = _refuse


_all_atoms = frozenset({*_ATOMS, FrozenDict, FrozenList}).issuperset
"""Whether every value's type is an atom or frozen already: such a mapping is copied as it is
(a notification's message holds frozen labels and parts; freezing them again changes nothing)."""


def freeze(value: Any) -> Any:
    """``value`` with every dict and list in it replaced by a read-only copy (once)."""
    t = type(value)
    if t in _ATOMS or t is FrozenDict or t is FrozenList:
        return value
    if isinstance(value, Mapping):
        return FrozenDict(value)
    if isinstance(value, list | tuple):
        return FrozenList(value) if t is not tuple else tuple(freeze(v) for v in value)
    return value


def frozen_dict(value: Mapping[str, Any]) -> FrozenDict:
    """``FrozenDict(value)`` without running Python code when every value is an atom.

    This is the constructor of the command path (payloads and case data are built on every
    event): a dict of strings, numbers and booleans is copied by ``dict.update`` alone; anything
    else goes through :class:`FrozenDict`, which freezes the nested values.
    """
    if type(value) is FrozenDict:
        return value
    if _all_atoms(map(type, value.values())):
        out: FrozenDict = _new_dict(FrozenDict)
        _fill(out, value)
        return out
    return FrozenDict(value)


def freeze_mapping(value: Mapping[str, Any]) -> FrozenDict:
    """``freeze`` for a record's mapping field (attrs converter)."""
    return value if type(value) is FrozenDict else frozen_dict(value)
