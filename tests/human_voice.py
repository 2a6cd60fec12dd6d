"""``samantha voice`` with her voice swapped for a recorded person (``HUMAN_VOICE`` = a speech
file). The tiny random-weight piper voice is noise to a VAD, so its echo could never be taken
for the user; a test of the echo gate needs her to sound like speech. Everything else is real.

Run as: python tests/human_voice.py voice [flags]
"""

import os
import sys
from pathlib import Path

import numpy as np

from samantha import cli, engines
from samantha.audio_files import load_audio
from samantha.engines.base import AudioChunk

RATE = 16000
PIECE_S = 2.5


class HumanVoice:
    """Each piece of text 'said' as the next 2.5 s of the recording, at her usual -20 dBFS."""

    sample_rate = RATE

    def __init__(self, path: Path):
        speech = load_audio(path)
        self.speech = speech / np.sqrt(np.mean(speech[np.abs(speech) > 0.01] ** 2)) * 0.1
        self.next = 0

    def synthesize(self, text: str):
        n = int(PIECE_S * RATE)
        start = self.next * n % max(1, len(self.speech) - n)
        self.next += 1
        yield AudioChunk(np.clip(self.speech[start:start + n], -1, 1).astype(np.float32), RATE)


if __name__ == "__main__":
    voice = HumanVoice(Path(os.environ["HUMAN_VOICE"]))
    engines.load_synthesizer = lambda settings: voice
    sys.exit(cli.main(sys.argv[1:]))
