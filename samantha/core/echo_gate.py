"""Speakers: her own voice leaks into the microphone, and she must not take it for the user's.

The choice is an *echo gate*, not an echo canceller. While she is playing (and for
``WINDOW_S`` after, the longest her sound takes to come back through the device buffers and
the room), a microphone frame counts as the user only if it is clearly louder, ``MARGIN``
times, than her echo could be: the loudest she played in that window times the *coupling*
(how loud her voice arrives at the microphone, relative to what she plays). The coupling is
measured as she talks, a high percentile of microphone/playback loudness over her last few
seconds of speech; until a second of it has been heard it is assumed to be 1, so a new
setup can only make her harder, never easier, to interrupt. Frames the gate holds back reach
the VAD as silence; the transcriber still gets the real audio.

With the echo canceller on (``audio/echo_canceller.py``, ``[audio] aec``) the gate is the
second stage: it sees what the canceller leaves of her voice and learns that residue the same
way, never below ``least`` (the residue flares for a moment when the echo path shifts), so a
user at a normal level, no louder than her echo, is heard over her. A frame loud enough to
open it there is asked one more question: did the microphone hear anything but her voice
(``mine``, from ``audio/echo_likeness.py``)? For her flares, no; with the user, yes.
Without it, the gate alone has its costs (README): over her voice the user must speak up (or
use the talk key, which always works); a quiet "mm-hmm" over her is not heard, and her echo
is part of the audio transcribed after an interruption.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np

from samantha.core.frames import FRAME_S

WINDOW_S = 0.5  # her sound is back in the microphone within this (output + input buffers, room)
MARGIN = 2.0  # the user must be this much louder than her echo could be (6 dB)
PRIOR_COUPLING = 1.0  # until measured: her echo as loud at the microphone as she plays it
LEARN_FRAMES = 30  # microphone frames of her speech before the measured coupling is used
HISTORY_FRAMES = 300  # ~10 s of her speech to measure it from
PERCENTILE = 90  # of the frames' microphone/playback ratios: near the loudest her echo gets
SILENT = 1e-4  # she is not playing (RMS)
SPEAKING = 0.01  # she is clearly playing: a frame to learn the coupling from
HOLD_S = 0.3  # once the user is heard over her, keep listening through their quieter syllables
LEARN_AFTER_OPEN_S = 1.0  # nor from the quieter end of what the user said over her
CANCELLED = 0.03  # with the echo canceller in front: its residue is never assumed below this (-30 dB)
WARY_S = 0.6  # after the sound server stirs: its report of what changed comes ~0.16 s later, and a new
# device's gate starts from the prior anyway
FLOOR_FADE = 0.995  # per frame of her echo learned: a false alarm's floor halves in ~4.5 s of her speech
SURE = 0.5  # behind the canceller, a frame this loud relative to what she plays is surely not her echo: its
# flares at her phrase starts reached 0.29 at most over 180 replies at couplings 0.3-1. She pauses for it (vad.py)
MINE = 0.9  # behind the canceller, a microphone this much hers holds nothing else: what came through is a misfit
# of her echo, however loud (her flares on the test devices: 0.99 and up; a user over her echo, on real speech:
# at most 0.68 at its level, 0.87 6 dB under it; only a user further under it than that is held back)
ALARMS_APART_S = 5.0  # behind the canceller, a false alarm raises the floor only if another came this soon before


class Played(Protocol):
    """What she played, as the speaker logs it (``audio/played_levels.py``)."""

    def playing(self, at: float, within: float = 0.05) -> bool: ...

    def loudest(self, since: float, until: float) -> float: ...


class EchoGate:
    """Is this microphone frame the user, or only her own voice coming back? Pure: frames and
    their arrival times in, yes/no out; what she played comes from the speaker's log (``Played``).

    The level is learned only from frames held back, so the user talking over her never
    teaches it (a small drift up is still followed: those frames stay under the bar). A jump
    too big for that (the speakers turned right up) shows as false alarms: she pauses for
    what she thinks is the user, and nobody is there. Each ``false_alarm()`` raises the
    coupling at once to the level that fooled it (so the bar, twice that, is well above it),
    and that floor fades as her speech is learned again. Behind the canceller only the second
    false alarm in ``ALARMS_APART_S`` does: one alone is as often the user's first syllable
    over her, cut short by the canceller (measured on the real devices at 30 % coupling:
    the floor raised to the user's own level held them back for a second, or for the rest
    of her reply), and a lasting change in her echo's path keeps fooling it.
    """

    def __init__(self, played: Played, least: float = 0.0):
        """``least``: the coupling is never taken to be below it (``CANCELLED`` behind the echo
        canceller, whose residue, measured at -60 dB on a steady path, flares for a moment when
        the path or a device's timing shifts)."""
        self.played, self.least = played, least
        self._ratios: deque[float] = deque(maxlen=HISTORY_FRAMES)
        self._open_until = float("-inf")
        self._opened = (float("-inf"), 0.0)  # (when, microphone/playback ratio) the gate last opened
        self._measured = PRIOR_COUPLING
        self._floor = 0.0  # from false alarms
        self._wary_until = float("-inf")  # her echo's path may be changing (``wary``)
        self._alarmed = float("-inf")  # when the last false alarm came
        self.sure = False  # the last frame admitted was far louder than her echo (``admit``)

    @property
    def coupling(self) -> float:
        """How loud her voice arrives at the microphone, relative to what she plays."""
        return max(self._measured, self._floor, self.least)

    def wary(self, at: float) -> None:
        """Her echo's path may be changing now (the sound server is moving a stream): for
        ``WARY_S`` the canceller may not cancel it, so the prior coupling holds (the user must be
        louder than her own voice to be heard over her, as with a new device)."""
        self._wary_until = at + WARY_S

    def admit(self, frame: np.ndarray, at: float, mine: Callable[[], float] | None = None) -> bool:
        """True if ``frame`` (arrived at monotonic time ``at``) may be the user speaking; ``sure``
        then says whether, behind the canceller, it is far louder than her echo could be (``SURE``).
        ``mine``, from the canceller, says how much of what the microphone heard is her voice
        (``audio/echo_likeness.py``): asked only of a frame loud enough to open the gate, as
        that is rare and costs a millisecond or two; more than ``MINE`` is her echo."""
        self.sure = False
        her = self.played.loudest(at - FRAME_S - WINDOW_S, at)
        if her < SILENT:
            return True
        mic = float(np.sqrt(np.mean(np.square(frame)))) if len(frame) else 0.0
        coupling = max(self.coupling, PRIOR_COUPLING) if at < self._wary_until else self.coupling
        bar = MARGIN * coupling * her
        self.sure = self.least > 0 and her >= SPEAKING and mic > max(SURE * her, bar)
        if at < self._open_until:  # the user is talking over her
            return True
        if mic > bar:  # clearly more than her echo: the user, unless the microphone heard only her
            if mine is not None and her >= SPEAKING and mine() > MINE:
                self.sure = False
                return False  # a flare of her echo, not learned as its level (it passes)
            self._open_until, self._opened = at + HOLD_S, (at, mic / her)
            return True
        learning = at - self._opened[0] > LEARN_AFTER_OPEN_S and at >= self._wary_until  # not the user's, not a new path
        if her >= SPEAKING and self.played.playing(at) and learning:  # her echo
            self._ratios.append(mic / her)
            self._floor *= FLOOR_FADE
            if len(self._ratios) >= LEARN_FRAMES and len(self._ratios) % 5 == 0:
                self._measured = float(np.percentile(self._ratios, PERCENTILE))
        return False

    def false_alarm(self, at: float) -> None:
        """What the gate let through just before ``at`` was not the user after all (she paused
        for it, and it came to nothing): from now on that level is her echo."""
        when, ratio = self._opened
        if 0 <= at - when <= 2 * HOLD_S + WINDOW_S:
            lone = self.least > 0 and at - self._alarmed > ALARMS_APART_S  # behind the canceller: maybe the user
            self._alarmed, self._open_until = at, float("-inf")
            if not lone:
                self._floor = max(self._floor, ratio)
