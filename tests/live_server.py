"""The live-server harness moved to bench/live.py; this name stays for existing imports."""

import sys

from bench import live

sys.modules[__name__] = live
