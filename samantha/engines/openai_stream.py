"""One reply from a chat server in progress, as server-sent events (see openai_chat.py)."""

from __future__ import annotations

import json
import queue
import socket
import threading
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import httpx

from samantha.engines.openai_problems import ServerProblem, error_text, not_chat, problem, status_problem

if TYPE_CHECKING:
    from samantha.engines.openai_chat import OpenAIChat

_END = object()  # the stream is over (finished, failed or cancelled)


class OpenAIStream:
    """One reply in progress, as server-sent events: iterate for text deltas; ``cancel()`` from any thread.

    The HTTP exchange runs on a thread of its own that hands the deltas over a queue, so a
    cancel wakes the reader at once even while the server has not answered at all (a reader
    blocked inside the HTTP call could not be woken); that thread hangs up as soon as it can."""

    def __init__(self, model: OpenAIChat, payload: dict):
        self._model, self._payload = model, payload
        self._cancelled = threading.Event()
        self._response: httpx.Response | None = None
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._deltas = self._generate()

    def __iter__(self) -> Iterator[str]:
        return self._deltas

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Hang up: the reader wakes now, and the server sees the client gone and stops."""
        self._cancelled.set()
        self._queue.put(_END)
        response = self._response
        stream = response.extensions.get("network_stream") if response is not None else None
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: nothing left to stop

    def close(self) -> None:
        self.cancel()
        try:
            self._deltas.close()
        except ValueError:
            pass  # being read on another thread right now: the cancel wakes it

    def _generate(self) -> Generator[str, None, None]:
        if self.cancelled:
            return
        threading.Thread(target=self._pump, name="chat-server", daemon=True).start()
        try:
            while (item := self._queue.get()) is not _END and not self.cancelled:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            self.cancel()  # a reader that stopped early: the exchange ends too

    def _pump(self) -> None:
        try:
            for delta in self._exchange():
                self._queue.put(delta)
        except Exception as exc:  # raised on the reader's thread
            self._queue.put(exc)
        finally:
            self._queue.put(_END)

    def _exchange(self) -> Iterator[str]:
        model, url = self._model, self._model.url
        try:
            with model.client.stream("POST", f"{url}/chat/completions", json=self._payload) as response:
                self._response = response
                if self.cancelled:
                    return
                if response.status_code != 200:
                    raise status_problem(response.status_code, error_text(response.read().decode("utf-8", "replace")),
                                         url, model.settings)
                yield from _deltas(response, url, self._cancelled)
                model.reached()
        except httpx.HTTPError as exc:
            if not self.cancelled:
                raise problem(exc, url, mid_reply=self._response is not None) from exc
        finally:
            self._response = None


def _deltas(response: httpx.Response, url: str, cancelled: threading.Event) -> Iterator[str]:
    """The text in each event; an answer that is not an event stream is read whole (a server that does not stream)."""
    if "text/event-stream" not in response.headers.get("content-type", ""):
        yield _content(_parse(response.read().decode("utf-8", "replace"), url), "message", url)
        return
    finished = False
    for line in response.iter_lines():
        if cancelled.is_set():
            return
        if not line.startswith("data:"):
            continue  # comments, event names, keep-alives, blank separators
        data = line[5:].strip()
        if data == "[DONE]":
            return
        event = _parse(data, url)
        finished = finished or bool((event.get("choices") or [{}])[0].get("finish_reason"))
        if delta := _content(event, "delta", url):
            yield delta
    if not finished and not cancelled.is_set():
        raise ServerProblem(f"The chat server at {url} stopped in the middle of her reply (the stream ended unfinished). "
                            "What she had said is kept; the next turn tries again.", transient=True)


def _parse(data: str, url: str) -> dict:
    try:
        event = json.loads(data)
    except json.JSONDecodeError:
        event = None
    if not isinstance(event, dict):
        raise not_chat(data, url)
    if "error" in event:
        raise ServerProblem(f"The chat server at {url} failed mid-reply: {error_text(json.dumps(event))}. "
                            "What she had said is kept; the next turn tries again.", transient=True)
    return event


def _content(event: dict, key: str, url: str) -> str:
    try:
        return (event["choices"][0][key] if event["choices"] else {}).get("content") or ""
    except (KeyError, IndexError, TypeError, AttributeError):
        raise not_chat(json.dumps(event), url) from None
