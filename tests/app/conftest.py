"""Fixtures the command line tests share."""

import pytest

from cli_runner import TINY_ENTRY
from minitorch_mnist.data.datasets import catalog


@pytest.fixture
def tiny(monkeypatch):
    """The dataset `tiny` (tests/cli_runner.py) in the catalog, for cli.main run in this process."""
    monkeypatch.setitem(catalog.DATASETS, "tiny", TINY_ENTRY)
