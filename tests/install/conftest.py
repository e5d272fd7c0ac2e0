"""The installation test runs only when asked for: `make install-test` (`pytest tests/install -m install`).
It builds the package and a whole new site, which takes minutes, so `make test` leaves it out."""

import pytest

from tests.install.host_site import HostSite


def pytest_collection_modifyitems(config, items):
    if "install" in (config.option.markexpr or ""):
        return
    deselected = [item for item in items if "install" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if "install" not in item.keywords]


@pytest.fixture(scope="session")
def host_site():
    """A site made with `wagtail start` from the wheel and docs/snippets/, served by runserver."""
    site = HostSite()
    site.build()
    yield site
    site.stop()
