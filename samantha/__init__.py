"""Samantha: an offline, voice-first desktop companion.

Offline by default: the Hugging Face hub is switched off before any engine library is
imported, so nothing reaches the network except ``samantha models download``, which
switches it back on explicitly for its own process (telemetry stays off even then).
"""

import os

os.environ["HF_HUB_OFFLINE"] = "1"  # forced, not defaulted: a stray HF_HUB_OFFLINE=0 must not leak
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
