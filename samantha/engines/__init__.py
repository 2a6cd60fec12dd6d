"""Engine loading: settings in, ready engines out. One line per backend."""

from __future__ import annotations

from collections.abc import Callable

from samantha.config import Settings
from samantha.engines.base import AudioChunk, ChatModel, ChatStream, Message, Synthesizer, Transcriber, Transcript, TurnJudge
from samantha.errors import SamanthaError
from samantha.models import store

__all__ = [
    "AudioChunk",
    "ChatModel",
    "ChatStream",
    "Message",
    "Synthesizer",
    "Transcriber",
    "Transcript",
    "TurnJudge",
    "load_chat_model",
    "load_synthesizer",
    "load_transcriber",
    "load_turn_judge",
]


def load_transcriber(settings: Settings) -> Transcriber:
    from samantha.engines.whisper import WhisperTranscriber

    return WhisperTranscriber.load(store.resolve("stt", settings.models.stt), settings.stt)


def load_chat_model(settings: Settings) -> ChatModel:
    if settings.llm.backend == "openai":  # an OpenAI-compatible server at [llm] url; [models] llm is not read
        from samantha.engines.openai_chat import OpenAIChat

        return OpenAIChat.load(settings.llm)
    from samantha.engines.llama import LlamaChatModel

    return LlamaChatModel.load(store.resolve("llm", settings.models.llm), settings.llm)


def load_synthesizer(settings: Settings) -> Synthesizer:
    from samantha.engines.piper import PiperSynthesizer

    return PiperSynthesizer.load(store.resolve("voice", settings.models.voice), settings.tts)


def load_turn_judge(settings: Settings, note: Callable[[str], None] = lambda text: None) -> TurnJudge | None:
    """The end-of-turn model, or None when ``[models] turn`` is "" (words and silence only).
    It only refines timing, so a catalog model not downloaded yet is noted, not fatal."""
    if not settings.models.turn:
        return None
    from samantha.engines.smart_turn import SmartTurn

    try:
        path = store.resolve("turn", settings.models.turn)
    except SamanthaError as exc:
        if settings.models.turn not in store.load_catalog():
            raise
        note(f"({exc} Until then, the end of your turn is judged by your words and silence only.)")
        return None
    return SmartTurn.load(path)
