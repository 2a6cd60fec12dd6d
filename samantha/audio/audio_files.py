"""Reading any audio file PyAV can decode, and writing wav files."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from samantha.errors import SamanthaError


def load_audio(path: Path, sample_rate: int = 16000) -> np.ndarray:
    """Mono float32 at ``sample_rate``, whatever the file's format, rate or channel count."""
    if not path.is_file():
        raise SamanthaError(f"No such audio file: {path}")
    if path.stat().st_size == 0:
        raise SamanthaError(f"{path} is empty (0 bytes): there is no audio in it.")
    from faster_whisper import decode_audio

    try:
        audio = decode_audio(str(path), sampling_rate=sample_rate)
    except Exception as exc:  # PyAV raises a family of av.error.* for anything undecodable
        raise SamanthaError(f"{path} is not an audio file that can be read ({type(exc).__name__}: {exc}).") from exc
    if len(audio) == 0:
        raise SamanthaError(f"{path} contains no audio samples.")
    return audio.astype(np.float32)


def write_wav(path: Path, audio: np.ndarray, sample_rate: int) -> None:
    """16-bit mono PCM, the format every player understands."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    try:
        with open(path, "wb") as file, wave.open(file, "wb") as out:  # opened first: a failed open
            out.setnchannels(1)  # leaves no half-made wave writer to complain at exit
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            out.writeframes(pcm.tobytes())
    except OSError as exc:
        raise SamanthaError(f"Cannot write {path} ({exc.strerror or exc}); choose a folder that exists and that "
                            "you can write to.") from exc
