"""Test-wide settings.

Property tests draw fresh random examples on a developer's machine (that is how they find
bugs); with SOHOA_TEST_PROFILE=ci, as `.ci/run` sets it, they draw the same examples every
run, so a CI verdict depends on the code alone.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("dev")
settings.load_profile(os.environ.get("SOHOA_TEST_PROFILE", "dev"))
