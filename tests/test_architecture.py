"""The hexagon's arrows point inward, proven on the source itself.

1. Every module of ``ordermgmt.domain`` imports only the standard library and the domain.
2. Use cases, the facade, ports and messages never import adapters or the bootstrap; the
   sanctioned exceptions are the lazy imports in the facade's constructors ``in_memory`` and
   ``from_url``, which hand over to the bootstrap.
3. import-linter's contracts from ``pyproject.toml`` hold (layers, a pure domain, adapters
   independent of each other, the demo, the command line and the test kit on the public
   API), so that ``pytest`` alone proves the layering too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import ordermgmt

PACKAGE_DIR = Path(ordermgmt.__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
PYPROJECT = PROJECT_DIR / "pyproject.toml"

#: (module, enclosing function, imported module) of the upward imports we accept.
SANCTIONED = {
    ("ordermgmt.facade", "in_memory", "ordermgmt.bootstrap"),
    ("ordermgmt.facade", "from_url", "ordermgmt.bootstrap"),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module, absolute
    line: int
    function: str  # the enclosing function, "" at module level


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_under(package: str) -> list[Path]:
    root = PACKAGE_DIR.joinpath(*package.split(".")[1:])
    if root.with_suffix(".py").is_file():
        return [root.with_suffix(".py")]
    return sorted(root.rglob("*.py"))


def resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an ``from ... import`` refers to."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path) -> list[Import]:
    """Every import in a module, at any depth, with the names it pulls in as modules."""
    module = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Import):
                found.extend(Import(module, a.name, child.lineno, function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = resolve(module, path.name == "__init__.py", child)
                found.append(Import(module, base, child.lineno, function))
                # ``from ordermgmt import bootstrap`` imports the module ordermgmt.bootstrap
                found.extend(
                    Import(module, f"{base}.{a.name}", child.lineno, function)
                    for a in child.names
                    if a.name != "*"
                )
            visit(child, inner)

    visit(tree, "")
    return found


def within(target: str, package: str) -> bool:
    return target == package or target.startswith(package + ".")


# -- 1. the domain is pure ---------------------------------------------------------------------


def test_the_scanner_sees_the_domain() -> None:
    domain = {module_name(p) for p in modules_under("ordermgmt.domain")}
    assert {"ordermgmt.domain.money", "ordermgmt.domain.order"} <= domain
    money_imports = {i.target for i in imports_of(PACKAGE_DIR / "domain" / "money.py")}
    assert "decimal" in money_imports
    assert "ordermgmt.domain.errors" in money_imports


@pytest.mark.parametrize("path", modules_under("ordermgmt.domain"), ids=lambda p: module_name(p))
def test_domain_imports_only_the_standard_library_and_itself(path: Path) -> None:
    offending = []
    for found in imports_of(path):
        top = found.target.split(".")[0]
        if within(found.target, "ordermgmt.domain"):
            continue
        if top in sys.stdlib_module_names and top != "ordermgmt":
            continue
        if found.target == "ordermgmt":  # ``from ordermgmt import x`` checked as ordermgmt.x
            continue
        offending.append(f"line {found.line}: {found.target}")
    assert offending == [], f"{module_name(path)} imports outside the domain: {offending}"


# -- 2. the inner layers never know adapters ---------------------------------------------------

INNER = ["ordermgmt.usecases", "ordermgmt.facade", "ordermgmt.ports", "ordermgmt.messages"]
OUTER = ["ordermgmt.adapters", "ordermgmt.bootstrap"]


def upward_imports() -> list[Import]:
    return [
        found
        for package in INNER
        for path in modules_under(package)
        for found in imports_of(path)
        if any(within(found.target, outer) for outer in OUTER)
    ]


def test_inner_layers_import_no_adapters_and_no_bootstrap() -> None:
    offending = [
        f"{i.module} line {i.line} ({i.function or 'module level'}): {i.target}"
        for i in upward_imports()
        if (i.module, i.function, i.target) not in SANCTIONED
    ]
    assert offending == []


def test_the_sanctioned_imports_are_lazy_and_one_per_constructor() -> None:
    sanctioned = [i for i in upward_imports() if (i.module, i.function, i.target) in SANCTIONED]
    assert ("ordermgmt.facade", "in_memory", "ordermgmt.bootstrap") in {
        (i.module, i.function, i.target) for i in sanctioned
    }
    assert len(sanctioned) == len({(i.module, i.function, i.target) for i in sanctioned})
    assert all(i.function for i in sanctioned)


def test_importing_the_package_wires_nothing() -> None:
    script = (
        "import sys, ordermgmt\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('ordermgmt.adapters',"
        " 'ordermgmt.bootstrap')))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


# -- 3. import-linter --------------------------------------------------------------------------


def lint_imports(*config: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("lint-imports")
    command = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]
    )
    return subprocess.run(
        [*command, "--no-cache", *map(str, config)],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=False,
    )


def test_import_linter_contracts_in_pyproject_pass() -> None:
    result = lint_imports(PYPROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
