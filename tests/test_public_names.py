"""Public names stay where callers import them from, and one name has one meaning.

``ordermgmt.messages`` and ``ordermgmt.ports`` are packages with one module per area or role;
callers import from the package, so everything public in those modules must be re-exported
there. And no two public classes of the library share a name: ``Message`` once meant both the
base of commands and an outgoing notification.
"""

from __future__ import annotations

import collections
import importlib
import inspect
import pkgutil
import warnings
from types import ModuleType

import pytest

import ordermgmt
from ordermgmt import messages, ports

#: Modules of ``ordermgmt.ports`` that callers import by their own path.
OWN_PATH = {"ordermgmt.ports.guard", "ordermgmt.ports.queries"}


def submodules(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}.")
        if info.name not in OWN_PATH
    ]


def defined_names(module: ModuleType) -> set[str]:
    """The public classes and functions a module defines itself."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module.__name__
    }


@pytest.mark.parametrize("package", [messages, ports], ids=lambda p: p.__name__)
def test_the_package_re_exports_every_public_name_of_its_modules(package: ModuleType) -> None:
    modules = submodules(package)
    assert len(modules) >= 7  # one per area or role, not one big module
    for module in modules:
        for name in defined_names(module):
            assert name in package.__all__, f"{module.__name__}.{name} is not in __all__"
            assert getattr(package, name) is getattr(module, name)


@pytest.mark.parametrize("package", [messages, ports], ids=lambda p: p.__name__)
def test_everything_in_all_can_be_imported(package: ModuleType) -> None:
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == []


def test_the_old_name_of_the_outgoing_message_still_imports_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="OutgoingMessage"):
        from ordermgmt.ports import Message  # type: ignore[attr-defined]

    assert Message is ports.OutgoingMessage
    assert "Message" not in ports.__all__


def test_an_unknown_name_of_ports_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="Nothing"):
        ports.Nothing  # type: ignore[attr-defined]  # noqa: B018


def test_no_two_public_classes_of_the_library_share_a_name() -> None:
    where: dict[str, set[str]] = collections.defaultdict(set)
    for info in pkgutil.walk_packages(ordermgmt.__path__, "ordermgmt."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            own = inspect.isclass(value) and value.__module__ == module.__name__
            if own and not name.startswith("_"):
                where[name].add(module.__name__)
    assert len(where) > 100  # the walk saw the library
    assert {name: sorted(found) for name, found in where.items() if len(found) > 1} == {}
