"""The architecture's import rules, checked by import-linter, and the tests of that check.

The contracts belong in pyproject.toml under ``[tool.importlinter]``; until they are there, they
are the ``CONTRACTS`` block below (the same text). The tests read pyproject.toml when it has the
section, else this block, so they work before and after the move.

* The real tree keeps the contracts.
* A planted violation of each rule, in a copy of the packages, is reported as the right
  contract broken — so the contracts would catch what they are meant to.
* No module imports the project's own packages inside a function (an AST check; the
  application factory excepted), so that dependencies are visible at the top of each module.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "blueprints", "models")

CONTRACTS = """\
[tool.importlinter]
root_packages = ["app", "blueprints", "models"]
exclude_type_checking_imports = true

[[tool.importlinter.contracts]]
name = "Models import only the database and the clock"
type = "forbidden"
source_modules = ["models"]
forbidden_modules = ["app", "blueprints"]
ignore_imports = ["models.** -> app.extensions", "models.** -> app.clock"]

[[tool.importlinter.contracts]]
name = "The core imports no feature (only the factory does)"
type = "forbidden"
source_modules = ["app"]
forbidden_modules = ["blueprints"]
ignore_imports = ["app -> blueprints"]

[[tool.importlinter.contracts]]
name = "No import cycles between features, nor between the modules of one"
type = "acyclic_siblings"
ancestors = ["app", "blueprints", "models"]
"""

MODELS = "Models import only the database and the clock"
CORE = "The core imports no feature (only the factory does)"
ACYCLIC = "No import cycles between features, nor between the modules of one"


def contracts_text() -> str:
    """pyproject.toml once it holds the contracts, else the block above."""
    pyproject = ROOT / "pyproject.toml"
    if "importlinter" in tomllib.loads(pyproject.read_text()).get("tool", {}):
        return pyproject.read_text()
    return CONTRACTS


LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
_VERDICT = re.compile(r"^(?P<name>.+?) (?P<verdict>KEPT|BROKEN)\b", re.MULTILINE)


class Report:
    def __init__(self, completed: subprocess.CompletedProcess):
        self.code = completed.returncode
        self.output = completed.stdout + completed.stderr
        self.verdicts = {m["name"]: m["verdict"] for m in _VERDICT.finditer(self.output)}

    @property
    def broken(self) -> set[str]:
        return {name for name, verdict in self.verdicts.items() if verdict == "BROKEN"}


def lint(root: Path, config: Path) -> Report:
    """Run lint-imports on the packages under ``root`` (first on the path), without a cache."""
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1", "COLUMNS": "200"}
    completed = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Report(completed)


def test_the_tree_keeps_the_contracts(tmp_path):
    config = tmp_path / "contracts.toml"
    config.write_text(contracts_text())
    report = lint(ROOT, config)
    assert set(report.verdicts) >= {MODELS, CORE, ACYCLIC}, report.output
    assert report.code == 0 and not report.broken, report.output


# --- the contracts catch what they are meant to ------------------------------------------------


def _python_only(directory: str, names: list[str]) -> list[str]:
    """copytree's ignore: keep the packages' .py files only (no templates, static, data)."""
    return [
        name
        for name in names
        if name == "__pycache__"
        or (not name.endswith(".py") and not Path(directory, name).is_dir())
        or name in ("templates", "static", "data")
    ]


@pytest.fixture
def copy(tmp_path) -> Path:
    root = tmp_path / "tree"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=_python_only)
    (tmp_path / "contracts.toml").write_text(contracts_text())
    return root


def plant(root: Path, module: str, code: str, *, after: str | None = None) -> None:
    """Add ``code`` to a module: after the line ``after``, else at the end."""
    path = root / module
    source = path.read_text()
    assert code not in source
    if after is None:
        path.write_text(source.rstrip("\n") + "\n\n\n" + code)
    else:
        assert after in source, f"{module} no longer has {after!r}: choose another anchor"
        path.write_text(source.replace(after, after + "\n" + code, 1))


FUTURE = "from __future__ import annotations"


def test_a_model_importing_a_feature_breaks_the_models_contract(copy):
    plant(copy, "models/audit.py", "import blueprints.projects.services\n", after=FUTURE)
    report = lint(copy, copy.parent / "contracts.toml")
    # The core imports the models, so it now reaches a feature through them as well.
    assert report.broken == {MODELS, CORE}, report.output
    assert "models.audit -> blueprints.projects.services" in report.output, report.output


def test_the_core_importing_a_feature_breaks_the_core_contract(copy):
    plant(copy, "app/mail/outbox.py", "import blueprints.certificates.services\n", after=FUTURE)
    report = lint(copy, copy.parent / "contracts.toml")
    assert report.broken == {CORE}, report.output
    assert "app.mail.outbox -> blueprints.certificates.services" in report.output, report.output


def test_a_function_level_import_between_features_is_a_cycle(copy):
    # Surveillance imports certificates; certificates now imports surveillance, late.
    plant(
        copy,
        "blueprints/certificates/services.py",
        "def _planted():\n"
        "    from blueprints.surveillance import services\n\n"
        "    return services\n",
    )
    report = lint(copy, copy.parent / "contracts.toml")
    assert report.broken == {ACYCLIC}, report.output
    assert "No cycles are allowed in blueprints." in report.output, report.output


def test_a_cycle_inside_a_feature_is_reported(copy):
    # services imports schedule; schedule now imports services.
    plant(copy, "blueprints/certificates/schedule.py", "import blueprints.certificates.services\n")
    report = lint(copy, copy.parent / "contracts.toml")
    assert report.broken == {ACYCLIC}, report.output
    assert "No cycles are allowed in blueprints.certificates." in report.output, report.output


# --- no hidden imports inside functions --------------------------------------------------------

# The application factory imports inside its functions on purpose. ``app/__init__.py`` runs on
# every ``import app.x`` (a package's __init__ runs before any of its modules), and the models
# import ``app.extensions``: top-level feature imports there would load every blueprint whenever
# a model is imported, and close a cycle models → app → blueprints → models. Importing in
# create_app's helpers keeps "app" a light package; only building the app loads the features.
LAZY_ON_PURPOSE = frozenset({"app/__init__.py"})


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _own(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        if node.level:  # a relative import is always the project's own
            return ["." * node.level + (node.module or "")]
        names = [node.module or ""]
    else:
        names = [alias.name for alias in node.names]
    return [name for name in names if name.split(".")[0] in PACKAGES]


def function_level_imports(source: str, filename: str = "<source>") -> list[str]:
    """``line: function imports module`` for each import of the project's own packages in the
    body of a function (methods and nested functions included; not under TYPE_CHECKING)."""
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child, function)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            function = getattr(node, "name", "<lambda>")
        if function and isinstance(node, ast.Import | ast.ImportFrom):
            found.extend(f"{node.lineno}: {function} imports {name}" for name in _own(node))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source, filename), None)
    return found


def test_no_module_imports_its_dependencies_inside_a_function():
    offenders = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in LAZY_ON_PURPOSE:
                continue
            found = function_level_imports(path.read_text(encoding="utf-8"), relative)
            if found:
                offenders[relative] = found
    assert not offenders, (
        "import the project's modules at the top of the module (an import cycle is a design "
        f"problem to solve, not to hide):\n{offenders}"
    )


def test_the_check_finds_a_planted_function_level_import():
    source = textwrap.dedent(
        """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        import sqlalchemy as sa

        from app.extensions import db

        if TYPE_CHECKING:
            from models import Project


        def fine():
            import json

            return json


        def hidden(project: Project):
            from blueprints.certificates import services

            return services


        class Service:
            async def method(self):
                if True:
                    import models.audit
                from . import sibling
                return models.audit, sibling
        """
    )
    assert function_level_imports(source) == [
        "21: hidden imports blueprints.certificates",
        "29: method imports models.audit",
        "30: method imports .",
    ]
