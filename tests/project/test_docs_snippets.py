"""The installation page shows the very files the installation test applies (docs/snippets/)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "docs" / "snippets"
INCLUDE = re.compile(r'^--8<-- "(docs/snippets/[^"]+)"$', re.M)


def test_every_snippet_is_included_by_the_installation_page_as_written():
    page = (ROOT / "docs" / "installation.md").read_text()
    included = set(INCLUDE.findall(page))
    files = {str(path.relative_to(ROOT)) for path in SNIPPETS.rglob("*") if path.is_file()}

    assert files <= included, sorted(files - included)
    assert all((ROOT / name).is_file() for name in included), sorted(included)
    # A formatter that rewrites `--8<--` inside a code block silently turns the include into text.
    assert "--8 <" not in page
