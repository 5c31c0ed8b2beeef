"""Test-wide settings.

Property tests draw fresh random examples on a developer's machine (that is how they find
bugs); with SOHOA_TEST_PROFILE=ci, as `.ci/run` sets it, they draw the same examples every
run, so a CI verdict depends on the code alone.

`@pytest.mark.shipped_model` marks a test of the restorer model shipped in the package: it is
skipped where that model file is absent (a checkout that has not fetched it).
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("dev")
settings.load_profile(os.environ.get("SOHOA_TEST_PROFILE", "dev"))


@pytest.fixture(scope="session", autouse=True)
def _model_cache(tmp_path_factory):
    """The restorer's model cache of this test session (sohoa.diacritics.restore.model_cache),
    not the user's: the commands the tests run inherit it."""
    if "SOHOA_CACHE_DIR" not in os.environ:
        os.environ["SOHOA_CACHE_DIR"] = str(tmp_path_factory.mktemp("model-cache"))
    yield


def pytest_runtest_setup(item):
    if item.get_closest_marker("shipped_model"):
        from sohoa.diacritics.restore import DEFAULT_MODEL_PATH

        if not DEFAULT_MODEL_PATH.exists():
            pytest.skip("no shipped restorer model")
