"""The layers of docs/architecture.md hold: each package imports only those below it ([tool.importlinter])."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_each_package_imports_only_the_layers_below_it(monkeypatch):
    monkeypatch.chdir(ROOT)  # the contract is in pyproject.toml
    assert lint_imports(no_cache=True) == 0  # exit status; the broken contract is printed above
