"""What goes wrong with a chat server, said in one paragraph: which URL, what happened, and the
setting that fixes it. ``spoken`` is what she says out loud instead of the usual "lost my train
of thought" (too slow, turned away); ``transient`` marks a server away or busy, whose work
(notes) waits for another time instead of being given up.
"""

from __future__ import annotations

import json

import httpx

from samantha.config import LlmSettings
from samantha.errors import SamanthaError

SPOKEN_SLOW = "Sorry, my thoughts are slow to come right now: the server is taking too long. Could you say that again?"
SPOKEN_REFUSED = "Sorry, I can't reach my thoughts: the server turned me away. The screen says why."


class ServerProblem(SamanthaError):
    """The server failed in a way the user can fix or wait out; ``spoken`` is what she says by voice;
    ``transient``: the server is away or busy, so what needed it (notes) is tried again later."""

    def __init__(self, message: str, spoken: str = "", status: int = 0, transient: bool = False):
        super().__init__(message)
        self.spoken, self.status, self.transient = spoken, status, transient


def problem(exc: httpx.HTTPError, url: str, mid_reply: bool = False) -> ServerProblem:
    """One paragraph for a connection that failed: which URL, what happened, what to do."""
    if isinstance(exc, httpx.ConnectError):
        cause = str(exc) or type(exc).__name__
        return ServerProblem(f"Cannot reach the chat server at {url} ({cause}). Start the server, or fix [llm] url "
                             "(--llm-url) in the config file; [llm] backend = \"local\" uses the model on this machine.",
                             transient=True)
    if isinstance(exc, httpx.TimeoutException):
        return ServerProblem(f"The chat server at {url} did not answer in time ({type(exc).__name__}). It may be busy "
                             "or loading the model; try again, or raise [llm] timeout_s in the config file.", SPOKEN_SLOW,
                             transient=True)
    where = "in the middle of her reply" if mid_reply else "before answering"
    return ServerProblem(f"The connection to the chat server at {url} broke {where} ({exc or type(exc).__name__}). "
                         "What she had said is kept; the next turn tries again.", transient=True)


def status_problem(status: int, detail: str, url: str, settings: LlmSettings) -> ServerProblem:
    """One paragraph for an HTTP error answer, naming the setting that fixes it."""
    said = f"The chat server at {url} answered {status}"
    if status in (401, 403):
        key = (f"the environment variable {settings.api_key_env} ([llm] api_key_env)" if settings.api_key_env
               else "[llm] api_key_env (the name of an environment variable holding the key; none is set)")
        text = f"{said}: it does not accept the API key ({detail}). Check {key}."
    elif status == 404:
        text = (f"{said}: not found ({detail}). Check [llm] url (--llm-url), the API base that usually ends in /v1, "
                f"and [llm] model ({settings.model or 'not set: the first the server lists'}).")
    elif status == 429:
        text = f"{said}: too many requests, or the account's quota is used up ({detail}). Wait a little and try again."
    elif status in (400, 413):
        text = (f"{said}: it refused the request ({detail}). If it speaks of the context, set [llm] context_tokens "
                "no higher than the server's context size.")
    else:
        text = f"{said} ({detail}): the server failed; its own log says why. The next turn tries again."
    return ServerProblem(text, SPOKEN_REFUSED if status in (401, 403, 404, 429) else "", status,
                         transient=status == 429 or status >= 500)


def error_text(body: str) -> str:
    """The server's own words for an error, short: OpenAI's {"error": {"message"}}, or the start of the body."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        return body.strip()[:200] or "no details"
    error = data.get("error", data) if isinstance(data, dict) else data
    message = error.get("message") or error.get("detail") if isinstance(error, dict) else error
    return str(message or data).strip().splitlines()[0][:200]


def not_chat(data: str, url: str) -> ServerProblem:
    return ServerProblem(f"The server at {url} does not answer like an OpenAI-compatible chat server (it sent "
                         f"{data[:80]!r}). Check [llm] url (--llm-url): it should be the API base, usually ending in /v1.")
