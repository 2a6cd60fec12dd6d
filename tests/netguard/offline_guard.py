"""Offline means offline: refuse every connection beyond this machine.

Installed in the test process by conftest, and in every Python subprocess the tests start
through ``netguard/sitecustomize.py`` (on their PYTHONPATH), so a command that quietly
reached for the network fails its test instead of passing on a machine that is online.
"""

import socket

MESSAGE = "offline test guard: refused a connection to"
_connect = socket.socket.connect


def _guarded(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not (
        str(host).startswith("127.") or host in ("::1", "localhost")
    ):
        raise ConnectionRefusedError(f"{MESSAGE} {address}")
    return _connect(self, address)


def install() -> None:
    socket.socket.connect = _guarded


def uninstall() -> None:
    socket.socket.connect = _connect
