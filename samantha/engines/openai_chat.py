"""Chat on an OpenAI-compatible server (llama-server, Ollama, vLLM, LM Studio, llama_cpp.server).

Only the conversation's text leaves the machine, and only to ``[llm] url``: the client takes
no proxy or credentials from the environment (``trust_env=False``), follows no redirect,
and verifies TLS certificates. The messages are sent as a list, the same ones the local
model reads, and the server applies its own chat template, so the persona and past turns
stay a byte-identical prefix and the server's prompt cache reuses them.

Decisions where the API is silent:

- **Cancel** shuts the stream's socket down from the cancelling thread: the reader wakes at
  once, and the server sees the client gone and stops generating (llama-server and
  llama_cpp.server check between tokens). A cancel while the server has not answered yet
  frees her at once (the exchange runs on its own thread); that connection is hung up as soon
  as the server answers, and the next reply goes out on a new one meanwhile.
- **prefill** does nothing: after each reply the server's cache already holds the whole
  conversation, so the next reply reads only the new words; a warm-up request would take the
  server's slot from the reply itself, and cannot be withdrawn once the server reads it.
- **count_tokens** asks the server (``/tokenize`` of llama-server and vLLM, ``/extras/tokenize``
  of llama_cpp.server) when it has one, found at load; otherwise, or while the server does not
  answer, it estimates one token per 3 characters, rounded up: English runs ~4 characters a
  token, so the estimate errs on the long side and the prompt still fits the context.
- **complete_json** asks for ``response_format`` ``json_schema`` (OpenAI's form), then
  ``json_object`` with the schema (llama_cpp.server's form), then plain ``json_object``; the
  first the server accepts is kept, and the answer is checked against the schema.
- **Timeouts**: ``[llm] timeout_s`` bounds the wait for the first words and for each next ones;
  notes stream too, so a long answer is never cut by it.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx

from samantha.config import LlmSettings
from samantha.engines.base import GaveWay, Message
from samantha.engines.openai_problems import ServerProblem, error_text, problem, status_problem
from samantha.engines.openai_stream import OpenAIStream
from samantha.engines.schema_check import mismatch
from samantha.errors import SamanthaError

CONNECT_S = 5.0  # a server on the desk or the LAN answers a connection in milliseconds
CHARS_PER_TOKEN = 3  # the estimate's ratio, on the long side of English's ~4
TOKEN_CACHE = 4096  # texts whose count is kept (the persona and past turns are counted again and again)
FORMATS: tuple[dict[str, Any], ...] = (  # response_format, with "SCHEMA" where the schema goes; best first
    {"type": "json_schema", "json_schema": {"name": "notes", "schema": "SCHEMA"}},
    {"type": "json_object", "schema": "SCHEMA"},
    {"type": "json_object"},
)


def estimate_tokens(text: str) -> int:
    """Tokens ``text`` takes at most, roughly, when the server cannot count them."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def api_key(settings: LlmSettings) -> str:
    """The API key from the environment variable ``[llm] api_key_env`` names ('' when none is named)."""
    if not settings.api_key_env:
        return ""
    key = os.environ.get(settings.api_key_env, "").strip()
    if not key:
        raise SamanthaError(f"[llm] api_key_env names the environment variable {settings.api_key_env}, but it is not set. "
                            f"Set it to the server's API key (export {settings.api_key_env}=...), or set api_key_env = \"\" "
                            "if the server needs no key.")
    return key


def check_url(url: str) -> str:
    """``url`` without a trailing slash, or a message naming the setting when it cannot be a server's."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SamanthaError(f"[llm] url must be the server's address, such as http://127.0.0.1:8080/v1, got {url!r}. "
                            "Fix it in the config file or with --llm-url.")
    return url.strip().rstrip("/")


def _client(settings: LlmSettings, key: str) -> httpx.Client:
    """A client that talks to ``[llm] url`` only: no proxies or .netrc from the environment, no redirects."""
    verify: Any = True
    if settings.ca_file:
        import ssl

        import certifi

        verify = ssl.create_default_context(cafile=certifi.where())
        try:
            verify.load_verify_locations(settings.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise SamanthaError(f"[llm] ca_file {settings.ca_file} cannot be used as a CA certificate ({exc}). "
                                "Point it at a PEM certificate file, or set it to \"\".") from exc
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(headers=headers, verify=verify, trust_env=False, follow_redirects=False,
                        timeout=httpx.Timeout(settings.timeout_s, connect=CONNECT_S))


class OpenAIChat:
    def __init__(self, client: httpx.Client, settings: LlmSettings, url: str, model: str, tokenizer: str | None):
        """Cheap: a client and what ``load`` found out (the model's name, the server's tokenizer route)."""
        self.client, self.settings, self.url, self.model = client, settings, url, model
        self.tokenizer = tokenizer  # "/tokenize", "/extras/tokenize", or None: estimated
        self._tokenizer_ok = tokenizer is not None
        self._counts: dict[str, int] = {}
        self._format = 0  # the first of FORMATS not refused yet
        self._active: OpenAIStream | None = None

    @classmethod
    def load(cls, settings: LlmSettings) -> OpenAIChat:
        """Check the settings and that the server answers (so a wrong URL is said at start, not mid-sentence)."""
        url = check_url(settings.url)
        client = _client(settings, api_key(settings))
        try:
            response = client.get(f"{url}/models")
        except httpx.HTTPError as exc:
            client.close()
            raise problem(exc, url) from exc
        if response.status_code != 200:
            client.close()
            raise status_problem(response.status_code, error_text(response.text), url, settings)
        model = settings.model or _first_model(response)
        return cls(client, settings, url, model, _find_tokenizer(client, url, model))

    def describe(self) -> str:
        counted = f"tokens counted by its {self.tokenizer}" if self.tokenizer else "tokens estimated (no tokenizer there)"
        return f"{self.model or 'its default model'} at {self.url} answers; {counted}"

    def count_tokens(self, text: str) -> int:
        if text in self._counts:
            return self._counts[text]
        if not self._tokenizer_ok or self.tokenizer is None:
            return estimate_tokens(text)
        try:
            count = _tokenize(self.client, _root(self.url) + self.tokenizer, self.model, text)
        except (httpx.HTTPError, ValueError):
            self._tokenizer_ok = False  # estimated until a reply gets through again: no wait per message
            return estimate_tokens(text)
        if len(self._counts) >= TOKEN_CACHE:
            self._counts.clear()
        self._counts[text] = count
        return count

    def prefill(self, messages: Sequence[Message]) -> None:
        """Nothing to do: the server's prompt cache already holds the conversation (see the module's notes)."""

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> OpenAIStream:
        if self._active is not None:
            self._active.close()
        self._active = OpenAIStream(self, self._payload(messages, max_tokens or self.settings.max_reply_tokens,
                                                        self.settings.temperature))
        return self._active

    def complete_json(self, messages: Sequence[Message], schema: dict, max_tokens: int = 512,
                      give_way: Callable[[], bool] | None = None) -> dict:
        """JSON under the schema where the server can constrain it, checked against it here either way.
        ``give_way``: a reply wants the server; the notes stop (``GaveWay``) and are taken again later."""
        while True:
            response_format = json.loads(json.dumps(FORMATS[self._format]).replace('"SCHEMA"', json.dumps(schema)))
            payload = self._payload(messages, max_tokens, 0.0, response_format=response_format)
            try:
                text = _gathered(OpenAIStream(self, payload), give_way)
                break
            except ServerProblem as exc:
                if exc.status not in (400, 422, 500) or self._format == len(FORMATS) - 1:
                    raise
                self._format += 1  # this server does not take that form: the next one
        try:
            notes = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SamanthaError(f"The server's notes were not JSON ({exc}); they were cut off or the model "
                                "ignored the format. Nothing of them was stored; the conversation itself is kept.") from exc
        if (wrong := mismatch(notes, schema)) is not None:
            raise SamanthaError(f"The server's notes did not follow the format ({wrong}). Nothing of them was stored; "
                                "the conversation itself is kept.")
        return notes

    def reached(self) -> None:
        """A reply got through: the server's tokenizer is worth asking again."""
        self._tokenizer_ok = self.tokenizer is not None

    def _payload(self, messages: Sequence[Message], max_tokens: int, temperature: float, **extra: Any) -> dict:
        payload: dict[str, Any] = {"messages": [{"role": m.role, "content": m.content} for m in messages],
                                   "stream": True, "max_tokens": max_tokens, "temperature": temperature, **extra}
        if self.model:
            payload["model"] = self.model
        if self.settings.seed >= 0:
            payload["seed"] = self.settings.seed
        return payload


def _first_model(response: httpx.Response) -> str:
    """The first model ``/models`` lists ('' if it lists none: the server picks)."""
    try:
        listed = response.json().get("data") or []
        return str(listed[0].get("id") or "") if listed else ""
    except (ValueError, AttributeError, TypeError):
        return ""


def _root(url: str) -> str:
    """The server's root, where the tokenizers live: the API base without its /v1."""
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _tokenize(client: httpx.Client, endpoint: str, model: str, text: str) -> int:
    """Tokens of ``text`` by the server; one body fits all three (llama-server: content, vLLM: prompt, llama_cpp: input)."""
    body = {"content": text, "prompt": text, "input": text, "add_special": False, "add_special_tokens": False}
    if model:
        body["model"] = model
    response = client.post(endpoint, json=body, timeout=CONNECT_S)
    response.raise_for_status()
    tokens = response.json().get("tokens")
    if not isinstance(tokens, list):
        raise ValueError("no tokens in the answer")
    return len(tokens)


def _find_tokenizer(client: httpx.Client, url: str, model: str) -> str | None:
    """Which tokenizer route the server has, if any (tried once, at load)."""
    for route in ("/tokenize", "/extras/tokenize"):
        try:
            if _tokenize(client, _root(url) + route, model, "Hello there") > 0:
                return route
        except (httpx.HTTPError, ValueError, AttributeError):
            continue
    return None


def _gathered(stream: OpenAIStream, give_way: Callable[[], bool] | None) -> str:
    """The whole answer, unless ``give_way`` says stop first (then the server is told, by closing)."""
    parts = []
    for delta in stream:
        if give_way is not None and give_way():
            stream.cancel()
            raise GaveWay("a reply wants the chat server")
        parts.append(delta)
    return "".join(parts)
