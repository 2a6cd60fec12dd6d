"""Runs at start-up of every Python subprocess the tests start: see offline_guard."""

import offline_guard

offline_guard.install()
