"""Speakers: her own voice comes back through the microphone and must not be taken for the
user's. The gate on synthetic levels (a virtual clock); the whole loop with her output looped
back into the virtual microphone, in her real voice, is tests/real/test_echo_real.py."""

import numpy as np
import pytest

from samantha.audio.output_kind import classify, detect
from samantha.audio.played_levels import PlayedLevels
from samantha.core.echo_gate import HOLD_S, EchoGate
from samantha.core.frames import FRAME_S

RATE = 16000
FRAME = 512


def voice(rms: float, seconds: float, seed: int = 0) -> np.ndarray:
    """Speech-like loudness: noise at ``rms``, with a 4 Hz syllable envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = 0.2 + 0.8 * np.abs(np.sin(2 * np.pi * 2 * t))
    noise = rng.standard_normal(len(t)) * envelope
    return (noise / np.sqrt(np.mean(noise**2)) * rms).astype(np.float32)


class Room:
    """She plays in 10 ms blocks; the microphone hears her ``coupling`` times as loud,
    ``delay_s`` later, plus whatever the user says. Frames come out with their arrival time."""

    def __init__(self, coupling: float, delay_s: float = 0.15):
        self.coupling, self.delay = coupling, delay_s
        self.played = PlayedLevels()
        self.gate = EchoGate(self.played)

    def run(self, her: np.ndarray, user: np.ndarray | None = None, t0: float = 100.0) -> list[bool]:
        """Admitted or not, frame by frame; her blocks are logged as they go out."""
        block = RATE // 100
        blocks = [(t0 + i / RATE, float(np.sqrt(np.mean(her[i:i + block] ** 2))))
                  for i in range(0, len(her) - block + 1, block)]
        blocks = [b for b in blocks if b[1] > 0]  # paused or done: the speaker logs nothing
        lag = int(self.delay * RATE)
        mic = np.zeros(len(her) + lag, np.float32)
        mic[lag:] += self.coupling * her
        if user is not None:
            mic[: len(user)] += user[: len(mic)]
        admitted = []
        for i in range(0, len(mic) - FRAME + 1, FRAME):
            at = t0 + (i + FRAME) / RATE
            while blocks and blocks[0][0] <= at:
                self.played.add(*blocks.pop(0))
            admitted.append(self.gate.admit(mic[i:i + FRAME], at))
        return admitted


def test_her_echo_is_never_taken_for_the_user_and_its_level_is_learned():
    room = Room(coupling=0.3)
    admitted = room.run(voice(0.1, 6.0))
    assert not any(admitted)
    assert 0.2 <= room.gate.coupling <= 0.35  # measured from her own speech, not the cautious prior


def test_before_the_level_is_known_even_an_echo_as_loud_as_her_is_held_back():
    room = Room(coupling=0.9)
    assert not any(room.run(voice(0.1, 0.8)))  # under a second of her speech: the prior (1.0) holds


def test_the_user_clearly_louder_than_her_echo_is_heard_over_her_and_held_through_their_syllables():
    room = Room(coupling=0.2)
    room.run(voice(0.1, 3.0), t0=100.0)  # the gate has learned her echo
    her, user = voice(0.1, 2.0, seed=1), np.zeros(int(2.0 * RATE), np.float32)
    user[RATE // 2: RATE] = voice(0.15, 0.5, seed=2)  # 0.5 s of speech, 7.5 times her echo, from 0.5 s
    admitted = room.run(her, user, t0=200.0)
    start = int(0.5 / FRAME_S) + 1
    assert all(admitted[start: start + 12])  # heard at once, and through its quieter moments
    assert not any(admitted[start + int((0.5 + HOLD_S) / FRAME_S) + 2:])  # then her echo alone again


def test_a_user_about_as_loud_as_her_echo_is_not_enough():
    room = Room(coupling=0.2)
    room.run(voice(0.1, 3.0))
    her, user = voice(0.1, 2.0, seed=1), voice(0.02, 2.0, seed=2)  # the echo's own level
    assert sum(room.run(her, user, t0=200.0)) <= 3


def test_when_she_is_silent_everything_is_heard():
    gate = EchoGate(PlayedLevels())
    assert gate.admit(np.full(FRAME, 1e-3, np.float32), 5.0)


def test_a_slightly_louder_setup_is_followed_and_a_much_louder_one_is_learned_from_false_alarms():
    room = Room(coupling=0.1)
    room.run(voice(0.1, 3.0), t0=100.0)
    quiet = room.gate.coupling
    room.coupling = 0.17  # a little louder: still under the bar, so learned
    assert not any(room.run(voice(0.1, 12.0, seed=3), t0=200.0))
    assert room.gate.coupling > 1.5 * quiet
    room.coupling = 0.8  # turned right up: she pauses for her own echo...
    alarms, t0 = 0, 300.0
    while any(admitted := room.run(voice(0.1, 1.0, seed=alarms), t0=t0)) and alarms < 5:
        room.gate.false_alarm(t0 + len(admitted) * FRAME / RATE)  # ...and nobody was there
        alarms, t0 = alarms + 1, t0 + 10.0
    assert 1 <= alarms <= 3  # the echo is learned after a false alarm or two


@pytest.mark.parametrize("texts, kind", [
    (["analog-output-speaker", "internal", "Built-in Audio Analog Stereo"], "speakers"),
    (["analog-output-headphones", "internal", "Built-in Audio Analog Stereo"], "headset"),
    (["Jabra EVOLVE 20 MS Mono (USB headset)"], "headset"),
    (["HDA Intel PCH: ALC256 Analog (hw:0,0)"], None),
])
def test_the_kind_of_output_is_told_from_what_names_it(texts, kind):
    assert classify(texts) == kind


def test_a_chosen_kind_is_kept_and_an_unknown_device_counts_as_a_headset():
    assert detect("speakers", "USB headset") == ("speakers", "as set")
    kind, why = detect("auto", "HDA Intel PCH: ALC256 Analog (hw:0,0)")
    assert kind == "headset" and "--output-kind speakers" in why


def test_while_she_is_paused_for_the_user_their_voice_is_not_learned_as_her_echo():
    room = Room(coupling=0.2)
    room.run(voice(0.1, 3.0), t0=100.0)
    learned = room.gate.coupling
    her = np.concatenate([voice(0.1, 0.5, seed=4), np.zeros(int(1.5 * RATE), np.float32)])  # she pauses at 0.5 s
    user = np.zeros(len(her), np.float32)
    user[int(0.45 * RATE):] = voice(0.3, 1.55, seed=5)  # the user, loud, from just before her pause on
    for k in range(5):  # again and again: still not her echo
        room.run(her, user, t0=200.0 + 10 * k)
    assert room.gate.coupling == pytest.approx(learned, rel=0.1)


def test_where_the_sound_server_has_her_streams_is_read_from_pactl():
    from samantha.audio.sound_server import Placement, _blocks

    listing = ("Source #3\n\tName: speaker.monitor\n\tDescription: Monitor of Headset\n\tMonitor of Sink: speaker\n"
               "\tProperties:\n\t\tdevice.class = \"monitor\"\n\nSource #4\n\tName: usb-mic\n"
               "\tDescription: USB Microphone\n\tMonitor of Sink: n/a\n")
    blocks = _blocks(listing)
    assert [b["index"] for b in blocks] == ["3", "4"]
    assert blocks[0]["Monitor of Sink"] == "speaker" and blocks[0]["device.class"] == "monitor"
    assert Placement("speaker.monitor", "", "speaker", "speaker").hears_herself
    assert not Placement("usb-mic", "", None, "speaker").hears_herself


def test_while_the_sound_server_moves_a_stream_only_a_voice_louder_than_hers_is_heard_over_her():
    played = PlayedLevels(seconds=10)
    for i in range(400):  # 4 s of her speech, heard at 0.1
        played.add(100.0 + i * 0.01, 0.1)
    gate = EchoGate(played, least=0.03)
    residue = np.full(FRAME, 0.001, np.float32)
    for k in range(1, 40):  # the canceller's residue learned: the bar is low
        gate.admit(residue, 100.0 + k * FRAME_S)
    echo = np.full(FRAME, 0.07, np.float32)  # her echo, back by a path the canceller has not learned
    gate.wary(102.0)
    assert not any(gate.admit(echo, 102.0 + k * FRAME_S) for k in range(1, 15))  # held back: not the user
    assert gate.coupling < 0.05  # nor learned as her residue
    assert gate.admit(np.full(FRAME, 0.25, np.float32), 102.5)  # clearly louder than her: the user
    assert gate.admit(echo, 103.5)  # the wary moment over: the bar is the residue's again


def test_behind_the_canceller_one_false_alarm_may_be_the_user_and_only_a_second_raises_the_floor():
    played = PlayedLevels(seconds=10)
    for i in range(1000):  # 10 s of her speech
        played.add(100.0 + i * 0.01, 0.1)
    gate = EchoGate(played, least=0.03)
    for k in range(1, 40):  # the canceller's residue learned: the bar is the least (2 x 0.03 x her 0.1)
        gate.admit(np.full(FRAME, 0.001, np.float32), 100.0 + k * FRAME_S)
    first_syllable = np.full(FRAME, 0.01, np.float32)  # the user at a tenth of her level: over the bar (0.006)
    assert gate.admit(first_syllable, 101.0)
    gate.false_alarm(101.3)  # cut short: she paused, and the VAD said no
    assert gate.admit(first_syllable, 102.0)  # their next words are still heard
    gate.false_alarm(102.3)  # again, within ALARMS_APART_S: her echo, fooling it
    assert gate.coupling == pytest.approx(0.1)  # the level that fooled it
    assert not gate.admit(first_syllable, 103.0)
    forgiving = EchoGate(played, least=0.03)
    for k in range(1, 40):
        forgiving.admit(np.full(FRAME, 0.001, np.float32), 100.0 + k * FRAME_S)
    for at in (102.0, 108.0):  # a false alarm now and then, each alone: each forgiven
        forgiving.admit(first_syllable, at)
        forgiving.false_alarm(at + 0.3)
    assert forgiving.coupling == pytest.approx(0.03)


def behind_the_canceller() -> tuple[PlayedLevels, EchoGate]:
    """4 s of her speech at 0.1, and a gate that has learned the canceller's residue: its bar
    is 2 x 0.03 x 0.1 = 0.006."""
    played = PlayedLevels(seconds=10)
    for i in range(400):
        played.add(100.0 + i * 0.01, 0.1)
    gate = EchoGate(played, least=0.03)
    for k in range(1, 40):
        gate.admit(np.full(FRAME, 0.001, np.float32), 100.0 + k * FRAME_S)
    return played, gate


def test_behind_the_canceller_a_frame_near_her_own_level_is_sure_not_to_be_her_echo():
    played, gate = behind_the_canceller()
    assert gate.admit(np.full(FRAME, 0.03, np.float32), 102.0) and not gate.sure  # 5 x the bar: maybe the user
    assert gate.admit(np.full(FRAME, 0.06, np.float32), 102.1) and gate.sure  # over half her level, while held open
    assert gate.admit(np.full(FRAME, 0.06, np.float32), 110.0) and not gate.sure  # she is silent: nothing to be sure of
    played.add(110.0, 0.005)  # she is barely playing (a quiet tail): the room's noise is not "sure"
    gate.admit(np.full(FRAME, 0.004, np.float32), 110.02)
    assert not gate.sure
    alone = EchoGate(played)  # the gate alone: her echo is in every frame, and Silero judges the whole of it
    assert alone.admit(np.full(FRAME, 0.5, np.float32), 103.0) and not alone.sure


def test_behind_the_canceller_what_came_through_when_the_microphone_heard_only_her_is_held_back():
    _, gate = behind_the_canceller()
    asked: list[float] = []

    def mine(share: float):
        return lambda: asked.append(share) or share

    flare = np.full(FRAME, 0.06, np.float32)  # over half her level: "sure", if it were not hers
    assert not gate.admit(flare, 102.0, mine(0.99)) and not gate.sure  # the microphone heard only her: her echo
    assert gate.coupling == pytest.approx(0.03)  # and not learned as its level
    assert gate.admit(flare, 102.1, mine(0.1)) and gate.sure  # nothing like her: the user
    assert gate.admit(flare, 102.2, mine(0.99))  # held open through their syllables: not asked
    assert asked == [0.99, 0.1]
    assert not gate.admit(np.full(FRAME, 0.001, np.float32), 103.0, mine(0.0))  # under the bar: not asked
    assert asked == [0.99, 0.1]
