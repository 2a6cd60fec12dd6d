"""Chat on llama-cpp-python: streamed deltas, the model's own chat template, cancellable.

The whole history is re-sent each turn; llama.cpp keeps the KV cache of the longest
common token prefix, so an unchanged system prompt and past turns cost nothing to
re-read. llama.cpp only computes a token when the stream is pulled, so cancelling sets an
event checked before each token is handed out: generation ends within one token. Starting a
new stream closes the previous one, so a reader that simply stopped reading (a barge-in)
never blocks the next turn; a lock, taken with a bounded wait, keeps two streams from
interleaving inside llama.cpp.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from samantha.config import LlmSettings
from samantha.engines.base import GaveWay, Message
from samantha.errors import SamanthaError, model_problem

LARGE_CONTEXT = 16384  # tokens: above this a failed load is more likely the context's memory than the file
PREFILL_BATCH = 32  # tokens read at a time while prefilling: a reply waits at most this many
LOCK_WAIT_S = 30.0  # a reply on another thread stops within one token of cancel(); this is ample


def threads(configured: int) -> int:
    """``[llm] threads``, never more than the machine's cores (more only queue up: 64 threads on
    two cores wrote 6x slower, 100000 crashed llama.cpp); 0: half the cores (llama.cpp's own
    choice, one per physical core), but at least two, since on a two-core machine one thread
    writes her first words ~40 % slower (measured)."""
    cores = os.cpu_count() or 2
    return min(configured, cores) if configured else min(cores, max(2, cores // 2))


def _as_dicts(messages: Sequence[Message]) -> Any:
    """Our messages as llama-cpp-python's chat messages (its own TypedDicts)."""
    return [{"role": m.role, "content": m.content} for m in messages]


class LlamaChatModel:
    def __init__(self, llama, settings: LlmSettings):
        """Cheap: a llama.cpp model already loaded (``load`` reads one from disk and checks it can chat)."""
        self._llama, self._settings = llama, settings
        self._lock = threading.Lock()
        self._wanted = threading.Event()  # a reply waits for the lock: a prefill gives it up
        self._formatter: Any = None  # the chat template, for prefilling (made on first use)
        self._active: LlamaStream | None = None

    @classmethod
    def load(cls, path: Path, settings: LlmSettings) -> LlamaChatModel:
        if path.is_dir() or not path.is_file():
            raise model_problem(path, "The chat model must be a .gguf file, this is not one")
        with path.open("rb") as fh:
            if fh.read(4) != b"GGUF":
                raise model_problem(path, "The chat model is not a GGUF file (corrupt or another format)")
        from llama_cpp import Llama

        try:
            llama = Llama(
                model_path=str(path), n_ctx=settings.context_tokens, n_threads=threads(settings.threads),
                seed=settings.seed if settings.seed >= 0 else random.SystemRandom().randrange(2**31), verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            if settings.context_tokens > LARGE_CONTEXT:  # the model may be fine: its memory for the context is not
                raise SamanthaError(
                    f"The chat model {path} could not be loaded with [llm] context_tokens = {settings.context_tokens} "
                    f"({exc}): a context that long needs more memory than this machine gave it. Lower context_tokens "
                    f"(the default is 4096) in the config file and try again; the model file itself was not checked."
                ) from exc
            raise model_problem(path, f"The chat model cannot be loaded, it looks truncated or corrupt ({exc})") from exc
        if not llama.metadata.get("tokenizer.chat_template"):
            raise SamanthaError(
                f"{path} is not a chat model: it has no chat template in its metadata. "
                "Use an instruct/chat GGUF, e.g. run: samantha models download llama-3.2-3b-instruct"
            )
        return cls(llama, settings)

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def complete_json(self, messages: Sequence[Message], schema: dict, max_tokens: int = 512,
                      give_way: Callable[[], bool] | None = None) -> dict:
        """One reply under a grammar made from the JSON ``schema``, parsed. It is background work
        (notes): it reads its prompt in small batches and writes token by token, and gives the
        model up (``GaveWay``) as soon as a reply wants it or ``give_way()`` says so."""
        import json

        stop = lambda: self._wanted.is_set() or bool(give_way and give_way())
        if not self._lock.acquire(timeout=LOCK_WAIT_S):  # quietly: a prefill need not stop for notes
            raise SamanthaError("The chat model is still busy with an earlier reply that did not stop.")
        try:
            with self._one_thread():
                text = self._json_under_lock(messages, schema, max_tokens, stop)
        finally:
            self._lock.release()
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:  # only if max_tokens cut it short
            raise SamanthaError(f"The model's notes were cut off before the JSON ended ({exc}).") from exc

    def _json_under_lock(self, messages: Sequence[Message], schema: dict, max_tokens: int,
                         stop: Callable[[], bool]) -> str:
        prompt = self._formatted(messages).prompt
        if not self._read_ahead(self._llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True), stop):
            raise GaveWay("a reply wanted the model while the notes' prompt was read")
        parts: list[str] = []
        try:
            chunks: Any = self._llama.create_chat_completion(
                messages=_as_dicts(messages), max_tokens=max_tokens, stream=True,
                temperature=0.0, response_format={"type": "json_object", "schema": schema})
            try:
                for chunk in chunks:
                    if stop():
                        raise GaveWay("a reply wanted the model while notes were written")
                    parts.append(chunk["choices"][0]["delta"].get("content") or "")
            finally:
                chunks.close()
        except ValueError as exc:
            raise SamanthaError(f"The notes to take no longer fit the model's context ({exc}).") from exc
        return "".join(parts)

    @contextmanager
    def _one_thread(self) -> Iterator[None]:
        """Background work on one thread: on two cores that leaves one to her ears and voice, so a
        turn that starts while the notes give way is not slowed (the notes take longer; nobody waits)."""
        context = getattr(self._llama, "_ctx", None)
        if context is None or not hasattr(context, "set_n_threads"):
            yield
            return
        context.set_n_threads(1, 1)
        try:
            yield
        finally:
            context.set_n_threads(self._llama.n_threads, self._llama.n_threads_batch)

    def _take_lock(self) -> bool:
        self._wanted.set()  # a prefill or notes holding it let go within a batch or a token
        try:
            return self._lock.acquire(timeout=LOCK_WAIT_S)
        finally:
            self._wanted.clear()

    def prefill(self, messages: Sequence[Message]) -> None:
        """Read ``messages`` and the opening of the user's next turn into the KV cache now, while
        nobody is waiting, so the next reply only reads the user's new words. Stops early (the
        cache keeps what was read) as soon as a reply wants the model."""
        if not self._lock.acquire(blocking=False):
            return  # busy replying: that reply's own cache is as good
        try:
            tokens = self._llama.tokenize(self._next_turn_opening(messages).encode("utf-8"), special=True)
            self._read_ahead(tokens, self._wanted.is_set)
        finally:
            self._lock.release()

    def _read_ahead(self, tokens: list[int], stop: Callable[[], bool]) -> bool:
        """Read ``tokens`` into the KV cache, keeping what it already holds of them, a batch at a
        time; False if ``stop()`` came first. Too long, or refused: left to the reply to find out."""
        try:
            cached = self._llama.input_ids[: self._llama.n_tokens].tolist()
            common = next((i for i, (a, b) in enumerate(zip(cached, tokens)) if a != b), min(len(cached), len(tokens)))
            self._llama.n_tokens = common
            for start in range(common, len(tokens), PREFILL_BATCH):
                if stop():
                    return False
                self._llama.eval(tokens[start : start + PREFILL_BATCH])
        except (ValueError, RuntimeError):
            pass
        return not stop()

    def _formatted(self, messages: Sequence[Message]) -> Any:
        """The chat template applied to ``messages``, ending where her reply begins."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        if self._formatter is None:
            special = lambda token: self._llama.detokenize([token], special=True).decode("utf-8", "replace")
            self._formatter = Jinja2ChatFormatter(self._llama.metadata["tokenizer.chat_template"],
                                                  eos_token=special(self._llama.token_eos()),
                                                  bos_token=special(self._llama.token_bos()))
        return self._formatter(messages=_as_dicts(messages))

    def _next_turn_opening(self, messages: Sequence[Message]) -> str:
        """The prompt text the next reply will start with: the chat template applied to
        ``messages`` and a user turn, cut where the user's words would begin."""
        words = "\ue000"  # a private-use character no message contains
        text = self._formatted([*messages, Message("user", words)]).prompt
        return text[: text.index(words)]

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> LlamaStream:
        if self._active is not None:
            self._active.close()
        self._active = LlamaStream(self, list(messages), max_tokens or self._settings.max_reply_tokens)
        return self._active


class LlamaStream:
    """One reply in progress: iterate for text deltas; ``cancel()`` from any thread."""

    def __init__(self, model: LlamaChatModel, messages: list[Message], max_tokens: int):
        self._model, self._messages, self._max_tokens = model, messages, max_tokens
        self._cancelled = threading.Event()
        self._deltas = self._generate()

    def cancel(self) -> None:
        self._cancelled.set()

    def close(self) -> None:
        """Cancel and, if the reader stopped mid-reply, end the generator now (frees the model)."""
        self.cancel()
        try:
            self._deltas.close()
        except ValueError:
            pass  # being read on another thread right now: it stops at its next token

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def __iter__(self) -> Iterator[str]:
        return self._deltas

    def _generate(self) -> Generator[str, None, None]:
        model = self._model
        if not model._take_lock():
            raise SamanthaError("The chat model is still busy with an earlier reply that did not stop.")
        try:
            if self.cancelled:
                return
            chunks: Any = model._llama.create_chat_completion(
                messages=_as_dicts(self._messages),
                stream=True, max_tokens=self._max_tokens, temperature=model._settings.temperature,
            )
            try:
                for chunk in chunks:  # the prompt is read on the first pull
                    if self.cancelled:
                        break
                    delta = chunk["choices"][0]["delta"].get("content")
                    if delta:
                        yield delta
            except ValueError as exc:  # the prompt is longer than the context window
                raise SamanthaError(f"The conversation no longer fits the model's context ({exc}).") from exc
            finally:
                chunks.close()
        finally:
            model._lock.release()
