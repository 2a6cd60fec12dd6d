"""Loaded by every Python subprocess the tests start (via PYTHONPATH): offline means offline.

Any connection beyond this machine raises, so a command that quietly reached for the
network fails its test instead of passing on a machine that happens to be online.
"""

import socket

_connect = socket.socket.connect


def _guarded(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not (
        str(host).startswith("127.") or host in ("::1", "localhost")
    ):
        raise ConnectionRefusedError(f"offline test guard: refused a connection to {address}")
    return _connect(self, address)


socket.socket.connect = _guarded
