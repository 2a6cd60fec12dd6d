"""The echo canceller (WebRTC's, through livekit) on a simulated room: her real recorded speech
played in 10 ms blocks at 48 kHz with jittery, sometimes late, stamps; the microphone hearing
it 80 ms later at 0.7, in 32 ms frames. The real devices are tests/real/test_echo_canceller_real.py."""

import numpy as np
import pytest

from samantha.audio.echo_canceller import Stamps
from samantha.core.frames import FRAME, RATE, AudioChunk, Frame

pytest.importorskip("livekit.rtc")


def db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(x)) + 1e-12))


def room(canceller, her: np.ndarray, user: np.ndarray | None = None, path_s: float = 0.08,
         coupling: float = 0.7, late_every: int = 0, resting: list | None = None,
         mine: list | None = None) -> np.ndarray:
    """What the canceller makes of the microphone; ``late_every``: every so many speaker
    callbacks and microphone frames, one comes 60 ms late (a busy machine); ``resting`` gets
    whether the canceller rested, frame by frame, and ``mine`` how much of its output is hers."""
    import soxr

    rng, t0, in_lat, out_lat = np.random.default_rng(1), 100.0, 0.03, 0.02
    her48 = soxr.resample(her, RATE, 48000).astype(np.float32)
    mic = np.zeros(len(her), np.float32)
    lag = int(path_s * RATE)
    mic[lag:] = coupling * her[: len(her) - lag]
    if user is not None:
        mic += user
    out, block = [], 0

    def late(i: int) -> float:
        return 0.06 if late_every and i % late_every == late_every - 1 else rng.uniform(0, 0.003)

    for k in range(len(her) // FRAME):
        arrived = t0 + (k + 1) * FRAME / RATE + in_lat + late(k)
        while t0 + block * 0.01 - out_lat <= arrived and (block + 1) * 480 <= len(her48):
            canceller.played(AudioChunk(her48[block * 480:(block + 1) * 480], 48000), t0 + block * 0.01 + late(block))
            block += 1
        out.append(canceller.clean(Frame(mic[k * FRAME:(k + 1) * FRAME], k * FRAME / RATE, arrived), in_lat).audio)
        if resting is not None:
            resting.append(canceller.resting)
        if mine is not None:
            mine.append(canceller.mine())
    return np.concatenate(out)


@pytest.fixture
def her(testdata):
    from samantha.audio.audio_files import load_audio

    return load_audio(testdata / "multilingual.mp3")[: 10 * RATE]


@pytest.mark.parametrize("late_every", [0, 7])
def test_her_echo_is_removed_and_late_callbacks_do_not_undo_it(her, late_every):
    from samantha.audio.echo_canceller import EchoCanceller

    canceller = EchoCanceller.load()
    out = room(canceller, her, late_every=late_every)
    echo = 0.7 * her[: len(out)]
    assert db(echo[3 * RATE:]) - db(out[3 * RATE:]) > 30  # after convergence (measured: ~60 dB)
    assert db(echo[RATE:3 * RATE]) - db(out[RATE:3 * RATE]) > 20  # and within its first second or two
    assert canceller.removed_db is not None and canceller.removed_db > 30


def test_a_user_as_loud_as_her_echo_is_kept(her, testdata):
    from samantha.audio.audio_files import load_audio
    from samantha.audio.echo_canceller import PRIMED, EchoCanceller

    voice = load_audio(testdata / "jfk.flac")[: 4 * RATE]
    user = np.zeros(len(her), np.float32)
    start = 5 * RATE
    echo = 0.7 * her[start - int(0.08 * RATE): start - int(0.08 * RATE) + len(voice)]
    user[start:start + len(voice)] = voice * np.sqrt(np.mean(echo**2) / np.mean(voice**2))  # 0 dB
    out = room(EchoCanceller.load(), her, user)
    kept = out[start + PRIMED: start + PRIMED + len(voice)]
    assert abs(db(kept) - db(user[start:start + len(voice)])) < 4  # the user, about as loud (measured: -2 dB)


def test_while_it_settles_a_timeline_follows_the_earliest_stamps_and_a_lasting_lateness():
    stamps = Stamps(10, 20)
    assert stamps.shift(0.08) == 0.0  # one late callback
    assert stamps.shift(-0.01) == -0.01  # a callback is never early: the timeline was late
    assert stamps.shift(-0.003) == -0.003  # to within 2 ms, while it settles (settled: only past 30 ms)
    late = Stamps(10, 20)
    assert [late.shift(0.005) for _ in range(10)][-1] == pytest.approx(0.005)  # its first stamps all 5 ms late


def test_a_run_of_late_stamps_while_it_settles_does_not_count_once_it_has_settled():
    stamps = Stamps(10, 20)
    stamps.shift(0.0)
    assert [stamps.shift(0.01) for _ in range(9)] == [0.0] * 9  # settling: late, but one stamp was not
    assert [stamps.shift(0.04) for _ in range(19)] == [0.0] * 19  # settled: 20 in a row are needed
    assert stamps.shift(0.04) == pytest.approx(0.04)  # by the least of them, not the settling's 10 ms


def test_once_settled_a_timeline_stays_put_through_the_stamps_wandering():
    stamps = Stamps(10, 20)
    for _ in range(10):
        stamps.shift(0.0)  # settled
    wander = [0.016, -0.016, 0.004, 0.025] * 20  # PulseAudio's microphone stamps, around the truth
    assert [stamps.shift(late) for late in wander] == [0.0] * len(wander)
    assert [stamps.shift(0.02) for _ in range(30)] == [0.0] * 30  # later for a while: a busy machine
    assert stamps.shift(-0.04) == -0.04  # but this far early: the timeline was late
    assert [stamps.shift(0.04) for _ in range(20)][-1] == pytest.approx(0.04)  # or the clocks drifted apart


def test_in_a_quiet_room_it_rests_and_her_first_words_after_are_still_removed(her):
    from samantha.audio.echo_canceller import EchoCanceller

    canceller = EchoCanceller.load()
    quiet = np.zeros(2 * RATE, np.float32)
    speech = np.concatenate([her[: 4 * RATE], quiet, her[4 * RATE: 7 * RATE]])
    rested: list[bool] = []
    out = room(canceller, speech, resting=rested)
    assert any(rested[int(4.5 * RATE / FRAME):int(6 * RATE / FRAME)])  # in the quiet
    assert not canceller.resting  # her echo was still coming at the end
    again = 6 * RATE + int(0.08 * RATE)  # her echo is back
    first = slice(again, again + RATE // 2)
    echo = 0.7 * speech[: len(out)]
    assert db(echo[first]) - db(out[first]) > 20  # her first words after the quiet (measured: ~60 dB)


def test_it_rests_only_when_the_room_and_she_are_quiet():
    from samantha.audio.echo_canceller import EchoCanceller

    canceller = EchoCanceller.load()
    room(canceller, np.zeros(RATE, np.float32))
    assert canceller.resting
    noise = np.random.default_rng(2).standard_normal(RATE).astype(np.float32) * 0.01
    room(canceller, np.zeros(RATE, np.float32), user=noise)  # a sound in the room
    assert not canceller.resting


def test_it_tells_a_microphone_with_only_her_echo_from_one_with_a_user_over_it(her, testdata):
    from samantha.audio.audio_files import load_audio
    from samantha.audio.echo_canceller import EchoCanceller
    from samantha.core.echo_gate import MINE

    alone: list[float] = []
    room(EchoCanceller.load(), her, mine=alone)
    speaking = [k for k in range(20, len(alone)) if np.sqrt(np.mean(her[(k - 3) * FRAME:(k - 1) * FRAME] ** 2)) > 0.03]
    assert len(speaking) > 100 and np.percentile([alone[k] for k in speaking], 5) > MINE  # her echo, nothing else
    voice = load_audio(testdata / "jfk.flac")[: 4 * RATE]
    user = np.zeros(len(her), np.float32)
    start = 5 * RATE
    echo = 0.7 * her[start - int(0.08 * RATE): start - int(0.08 * RATE) + len(voice)]
    user[start:start + len(voice)] = voice * np.sqrt(np.mean(echo**2) / np.mean(voice**2))  # 0 dB
    mine: list[float] = []
    out = room(EchoCanceller.load(), her, user, mine=mine)
    frames = range(start // FRAME, (start + len(voice)) // FRAME)
    through = [k for k in frames if np.sqrt(np.mean(out[k * FRAME:(k + 1) * FRAME] ** 2)) > 0.006]  # over the gate's bar
    assert len(through) > 30 and max(mine[k] for k in through) < MINE  # measured: 0.88 at most (a quiet syllable)
