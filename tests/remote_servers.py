"""Servers for the remote chat backend's tests, all on 127.0.0.1: llama-cpp-python's own
OpenAI-compatible server on a real GGUF, and a tiny scripted one for what a real server
will not do on demand (die mid-reply, answer 500 or garbage, refuse the key, dawdle).
Every wait is bounded."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

START_S = 60.0  # llama_cpp.server loads a tiny model in ~2 s; a busy two-core machine may need far more


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` on ``model``, its output in ``log``; start() waits until it answers."""

    def __init__(self, model: Path, log: Path, port: int | None = None, netguard: Path | None = None):
        self.model, self.log, self.port = model, log, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.env = dict(os.environ, PYTHONPATH=str(netguard) if netguard else os.environ.get("PYTHONPATH", ""),
                        PYTHONUNBUFFERED="1")
        self.process: subprocess.Popen | None = None

    def start(self, *extra: str) -> LlamaServer:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model), "--host", "127.0.0.1",
                 "--port", str(self.port), "--n_ctx", "2048", *extra], stdout=out, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"llama_cpp.server exited:\n{self.log.read_text()[-2000:]}"
            try:
                if httpx.get(f"{self.url}/models", timeout=2, trust_env=False).status_code < 500:  # 401: up, wants a key
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()  # never left running behind a failed test
        raise AssertionError(f"llama_cpp.server did not answer within {START_S} s:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


class Scripted(ThreadingHTTPServer):
    """An OpenAI-compatible server that answers chats as ``mode`` says; ``hung_up`` is set when a
    client leaves an endless reply, ``requests`` counts chat requests."""

    daemon_threads = True

    def __init__(self, mode: str = "ok"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode, self.requests = mode, 0
        self.hung_up = threading.Event()
        self.url = f"http://127.0.0.1:{self.server_address[1]}/v1"
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


WORDS = ["Hello", " there", ",", " friend", "."]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Scripted

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._json(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if not self.path.endswith("/chat/completions"):
            return self._json(404, {"detail": "Not Found"})
        self.server.requests += 1
        mode = self.server.mode
        if mode.isdigit():
            return self._json(int(mode), {"error": {"message": f"scripted failure {mode}", "type": "scripted"}})
        if mode == "slow":
            time.sleep(3)
        if mode == "garbage":
            return self._raw(200, "text/html", b"<html><body>It works!</body></html>")
        if mode == "json" and b"json_schema" in body:
            return self._json(400, {"error": {"message": "response_format json_schema is not supported"}})
        self._events(mode)

    def _events(self, mode: str) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        words = ['{"summary": "A chat.", "facts": []}'] if mode == "json" else WORDS
        try:
            for i in range(10**6 if mode == "endless" else len(words)):
                self._chunk({"choices": [{"index": 0, "delta": {"content": words[i % len(words)]}, "finish_reason": None}]})
                if mode == "die" and i == 1:
                    self.connection.shutdown(socket.SHUT_RDWR)  # killed: no end of the stream
                    return
                time.sleep(0.02 if mode == "endless" else 0)
            self._chunk({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            self._line(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.server.hung_up.set()

    def _chunk(self, event: dict) -> None:
        self._line(f"data: {json.dumps(event)}\n\n".encode())

    def _line(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _json(self, status: int, data: dict) -> None:
        self._raw(status, "application/json", json.dumps(data).encode())

    def _raw(self, status: int, kind: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
