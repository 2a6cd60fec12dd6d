"""Samantha: an offline, voice-first desktop companion.

Offline by default: the Hugging Face hub is switched off before any engine library is
imported, so nothing reaches the network except ``samantha models download``, which
switches it back on explicitly for its own process.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"
