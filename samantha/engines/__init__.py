"""Engine loading: settings in, ready engines out. One line per backend."""

from __future__ import annotations

from samantha.config import Settings
from samantha.engines.base import AudioChunk, ChatModel, ChatStream, Message, Synthesizer, Transcriber, Transcript
from samantha.models import store

__all__ = [
    "AudioChunk",
    "ChatModel",
    "ChatStream",
    "Message",
    "Synthesizer",
    "Transcriber",
    "Transcript",
    "load_chat_model",
    "load_synthesizer",
    "load_transcriber",
]


def load_transcriber(settings: Settings) -> Transcriber:
    from samantha.engines.whisper import WhisperTranscriber

    return WhisperTranscriber.load(store.resolve("stt", settings.models.stt), settings.stt)


def load_chat_model(settings: Settings) -> ChatModel:
    from samantha.engines.llama import LlamaChatModel

    return LlamaChatModel.load(store.resolve("llm", settings.models.llm), settings.llm)


def load_synthesizer(settings: Settings) -> Synthesizer:
    from samantha.engines.piper import PiperSynthesizer

    return PiperSynthesizer.load(store.resolve("voice", settings.models.voice), settings.tts)
