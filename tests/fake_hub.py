"""A fake Hugging Face hub on 127.0.0.1, for testing downloads with no network.

It answers what ``huggingface_hub.hf_hub_download`` (2.x, plain HTTP) asks for:

* ``HEAD /{repo}/resolve/{revision}/{path}`` gives the metadata: ``X-Repo-Commit``, ``ETag``
  (git blob sha1) and, for a small file, ``Content-Length``. A large ("LFS") file is
  answered ``302`` to the fake CDN (a second server, another port, so a different origin, as
  on the real hub) with ``X-Linked-Etag`` (its sha256) and ``X-Linked-Size``.
* ``GET`` on the same URL (small file) or on the CDN's ``/blobs/{sha256}`` returns the
  bytes; ``Range: bytes=N-`` is answered ``206`` with ``Content-Range``.
* No ``X-Xet-*`` header and no ``Link: xet-auth``, so hf_xet is never used.

Faults: ``corrupt`` paths are served with one byte flipped (the metadata still describes
the right file); ``cut_off`` paths have their first GET stop half way and close the
connection, and the next ``dead_after_cut`` GETs of them close without answering.
Every request is recorded in ``hub.requests``.

    with FakeHub({(repo, revision, path): data}, cut_off={"model.bin"}) as hub:
        env["HF_ENDPOINT"] = hub.url
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


@dataclass(frozen=True)
class Request:
    server: str  # "hub" or "cdn"
    method: str
    path: str  # the repo file path (or sha256 on the CDN)
    range: str | None
    host: str | None


class FakeHub:
    def __init__(self, files: dict[tuple[str, str, str], bytes], *, corrupt=(), cut_off=(),
                 dead_after_cut: int = 0, lfs_min_size: int = 100_000):
        self.files, self.corrupt, self.cut_off = dict(files), set(corrupt), set(cut_off)
        self.dead_after_cut, self.lfs_min_size = dead_after_cut, lfs_min_size
        self.blobs = {hashlib.sha256(d).hexdigest(): (p, d) for (_, _, p), d in self.files.items()}
        self.requests: list[Request] = []
        self.gets: Counter[str] = Counter()  # GETs per file path
        self._lock = threading.Lock()
        # two origins, as on the real hub: the hub answers /resolve, the "CDN" serves LFS blobs
        # (ThreadingHTTPServer's request threads are daemons: nothing can hang a test run)
        self._servers = {name: ThreadingHTTPServer(("127.0.0.1", 0), self._handler(name)) for name in ("hub", "cdn")}
        self.url = self._url("hub")

    def _url(self, name: str) -> str:
        return f"http://127.0.0.1:{self._servers[name].server_address[1]}"

    def __enter__(self) -> FakeHub:
        self._threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
                         for s in self._servers.values()]
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for t in self._threads:
            t.join(timeout=10)

    def ranges(self, path: str) -> list[str | None]:
        """The Range header of every GET that served ``path``'s bytes, in order (None: no Range).

        A large file's GET on the hub is only the redirect to the CDN, so it does not count."""
        redirected = any(len(d) >= self.lfs_min_size for (_, _, p), d in self.files.items() if p == path)
        return [r.range for r in self.requests
                if r.method == "GET" and r.path == path and not (redirected and r.server == "hub")]

    def _handler(self, name: str):
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects; every answer has a length

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def do_GET(self) -> None:
                self._answer(body=True)

            def _answer(self, body: bool) -> None:
                parts = [unquote(p) for p in self.path.split("?")[0].lstrip("/").split("/", 4)]
                if name == "cdn" and len(parts) == 2 and parts[0] == "blobs" and parts[1] in hub.blobs:
                    path, data = hub.blobs[parts[1]]
                    self._record(path)
                    return self._send_bytes(path, data, {}, body)
                if name != "hub" or len(parts) < 5 or parts[2] != "resolve":
                    self._record(self.path)
                    return self._send(404, {"X-Error-Code": "RepoNotFound"})
                repo, revision, path = f"{parts[0]}/{parts[1]}", parts[3], parts[4]
                self._record(path)
                if (repo, revision, path) not in hub.files:
                    code = "EntryNotFound" if any(k[:2] == (repo, revision) for k in hub.files) else "RevisionNotFound"
                    return self._send(404, {"X-Error-Code": code, "X-Repo-Commit": revision})
                data = hub.files[(repo, revision, path)]
                git_sha1 = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
                headers = {"X-Repo-Commit": revision, "ETag": f'"{git_sha1}"'}
                if len(data) >= hub.lfs_min_size:  # LFS: the metadata is on the redirect itself
                    sha256 = hashlib.sha256(data).hexdigest()
                    return self._send(302, {**headers, "X-Linked-Etag": f'"{sha256}"', "X-Linked-Size": str(len(data)),
                                            "Location": f"{hub._url('cdn')}/blobs/{sha256}"})
                self._send_bytes(path, data, headers, body)

            def _record(self, path: str) -> None:
                with hub._lock:
                    hub.requests.append(Request(name, self.command, path, self.headers.get("Range"),
                                                self.headers.get("Host")))

            def _send(self, status: int, headers: dict[str, str], payload: bytes = b"", length: int | None = None):
                self.send_response(status)
                for key, value in {**headers, "Content-Length": str(len(payload) if length is None else length)}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _send_bytes(self, path: str, data: bytes, headers: dict[str, str], body: bool) -> None:
                if path in hub.corrupt:
                    data = bytes([data[0] ^ 0xFF]) + data[1:]
                if not body:
                    return self._send(200, headers, length=len(data))
                with hub._lock:
                    hub.gets[path] += 1
                    nth = hub.gets[path]
                if path in hub.cut_off and nth == 1:  # promise it all, send half, hang up
                    self._send(200, headers, data[: len(data) // 2], length=len(data))
                    self.close_connection = True
                    return
                if path in hub.cut_off and nth <= 1 + hub.dead_after_cut:  # the line is down
                    self.close_connection = True
                    return
                start = 0
                if (rng := self.headers.get("Range", "")).startswith("bytes=") and rng.endswith("-"):
                    start = int(rng[len("bytes="):-1])
                if start:
                    headers = {**headers, "Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}
                    return self._send(206, headers, data[start:])
                self._send(200, headers, data)

        return Handler
