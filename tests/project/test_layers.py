"""The layers of docs/architecture.md hold: each package imports only those below it ([tool.importlinter])."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_each_package_imports_only_the_layers_below_it():
    # In a process of its own: import-linter configures logging, which would silence the app's loggers here.
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
