"""Every key binding of the interface, by id: what `[keys]` in the config may move (R45), and
whether a move leaves two actions on one key."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from helpdesk_tui.i18n import _


@dataclass(frozen=True)
class BindingInfo:
    id: str
    keys: tuple[str, ...]
    description: str
    owner: str  # the class whose bindings it is: two bindings clash only within one owner
    action: str

    @property
    def app_action(self) -> str:
        """The action as the app names it: «quit» on the app is «app.quit» on a screen."""
        return self.action if "." in self.action or self.owner != "HelpdeskApp" else f"app.{self.action}"


def all_bindings() -> list[BindingInfo]:
    """The bindings of the app and of every screen and widget class (imported to read them)."""
    import helpdesk_tui.screens
    import helpdesk_tui.widgets
    from helpdesk_tui.app import HelpdeskApp

    classes: list[type] = [HelpdeskApp]
    for package in (helpdesk_tui.screens, helpdesk_tui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            classes += [c for c in vars(module).values()
                        if isinstance(c, type) and "BINDINGS" in vars(c) and c.__module__ == module.__name__]
    found = []
    for cls in classes:
        for binding in cls.BINDINGS:  # type: ignore[attr-defined]
            if binding.id:
                found.append(BindingInfo(binding.id, _split(binding.key), binding.description, cls.__name__,
                                         binding.action))
    return found


def _split(keys: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in keys.split(",") if k.strip())


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """What is wrong with a `[keys]` table, one line each: an id that is no binding (with the
    ids there are), or a key that another binding of the same screen already has."""
    bindings = all_bindings()
    ids = sorted({b.id for b in bindings})
    problems = []
    for binding_id in keymap:
        if binding_id not in ids:
            problems.append(_("[keys] «{id}» is no binding; the ids are: {ids}").format(id=binding_id, ids=", ".join(ids)))
    def keys_of(b: BindingInfo) -> tuple[str, ...]:
        return _split(keymap[b.id]) if b.id in keymap else b.keys

    # The app's own keys (Ctrl+Q, Ctrl+P) work on every screen: they clash with anyone's.
    app_keys = {key: b for b in bindings if b.owner == "HelpdeskApp" for key in keys_of(b)}
    by_owner: dict[str, dict[str, BindingInfo]] = {}
    for b in bindings:
        taken = by_owner.setdefault(b.owner, dict(app_keys) if b.owner != "HelpdeskApp" else {})
        for key in keys_of(b):
            other = taken.get(key)
            if other is not None and other.id != b.id and other.app_action != b.app_action:
                moved, kept = (b, other) if b.id in keymap else (other, b)
                problems.append(_("[keys] {id} = «{keys}»: {key} is already «{other}» ({other_id}); "
                                  "move that one too, or choose another key").format(
                    id=moved.id, keys=keymap.get(moved.id, key), key=key, other=_(kept.description),
                    other_id=kept.id))
            taken[key] = b
    return problems
