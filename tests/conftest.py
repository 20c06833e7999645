"""The two tiers of the suite.

``python -m pytest`` runs everything (CI does). ``python -m pytest -m "not slow"`` is the
fast tier for the edit-test loop: the core, the URL checks and one AppTest per page
(``test_app_pages.py::test_defaults_render``), without what takes minutes. A test is slow
when

* it drives a real browser (marked ``browser``: the browser, load, soak and replica
  tests), marked here so that no browser test can be forgotten;
* it is in an AppTest module other than ``test_app_pages.py`` (a page's own
  ``test_app_<page>.py``, and ``test_app_share.py``, ``test_app_upload.py``): each trains
  pages' networks for several settings; marked here so that a new page's module starts
  in the right tier;
* or it is marked ``@pytest.mark.slow`` where it is written: fuzzers, sweeps over every
  control or chart of every page, and long trainings.

``tests/test_tiers.py`` checks the fast tier still holds what it promises.

The slow tests are collected first, the longest modules (:data:`LONGEST`) ahead of them:
xdist's workers then start on the tests of a minute or more and finish on short ones,
instead of one worker running a long test alone at the end while the other idles.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: The AppTest module that stays fast: every page opened once with its defaults.
FAST_APP_MODULE = "test_app_pages.py"
#: Modules with tests of a minute or more on 2 cores (load and soak, readings on another
#: processor, replicas, first screens, deep links, the Cures section's trainings).
LONGEST = ("test_load.py", "test_readings_stable.py", "test_replicas.py",
           "test_browser_firstlook.py", "test_browser.py", "test_app_cures.py",
           "test_browser_links.py", "test_repo_refs.py")
#: Every collected test's node id -> whether it is slow (read by ``test_tiers.py``).
TIERS = pytest.StashKey[dict[str, bool]]()


def is_page_module(path: Path) -> bool:
    """An AppTest module of one page or feature: ``test_app_*.py`` but ``test_app_pages.py``."""
    return path.name.startswith("test_app_") and path.name != FAST_APP_MODULE


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") is not None or is_page_module(item.path):
            item.add_marker(pytest.mark.slow)
    config.stash[TIERS] = {item.nodeid: item.get_closest_marker("slow") is not None for item in items}
    items.sort(key=_order)


def _order(item: pytest.Item) -> int:
    """Where `item` runs: the longest modules, then the other slow tests, then the rest
    (a stable sort keeps the collection order within each)."""
    if item.path.name in LONGEST:
        return 0
    return 1 if item.get_closest_marker("slow") is not None else 2


@pytest.fixture(autouse=True)
def _fresh_timelines():
    """Every test starts with an empty store of shared Playground chunks, so what one test
    trained never changes what another is charged (tests/test_play_timelines.py tests the
    sharing itself)."""
    from sections.playground.timeline import TIMELINES

    TIMELINES.clear()
    yield
