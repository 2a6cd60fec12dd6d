import numpy as np
import pytest

from samantha.audio.vad import FRAME, SURE_FRAMES, SURE_REST, SileroVad, SpeechDetector
from samantha.config import VadSettings


def events(audio: np.ndarray, detector: SpeechDetector | None = None,
           kinds=("start", "end")) -> list[tuple[str, float]]:
    detector = detector or SpeechDetector(VadSettings())
    out = []
    for i in range(len(audio) // FRAME):
        if (event := detector.feed(audio[i * FRAME : (i + 1) * FRAME])) and event.kind in kinds:
            out.append((event.kind, event.time_s))
    return out


@pytest.fixture(scope="module")
def jfk():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "jfk.flac"
    if not path.is_file():
        pytest.skip(f"shared test audio not found at {path}")
    from faster_whisper import decode_audio

    return decode_audio(str(path))


def test_real_speech_gives_alternating_starts_and_ends_at_the_right_times(jfk):
    found = events(jfk)
    kinds = [k for k, _ in found]
    assert kinds == ["start", "end"] * (len(kinds) // 2)
    assert 0.1 < found[0][1] < 0.6  # "And so..." begins about 0.3 s in
    assert 10.0 < found[-1][1] < 10.9  # "...your country." ends about 10.5 s in, then silence
    pauses = [b - a for (_, a), (_, b) in zip(found[1::2], found[2::2])]
    assert any(p > 0.9 for p in pauses)  # the long pause after "fellow Americans,"


def test_state_is_carried_across_frames_and_reset_clears_it(jfk):
    frames = [jfk[i * FRAME : (i + 1) * FRAME] for i in range(40)]
    vad = SileroVad()
    warm = [vad(f) for f in frames][-1]
    cold = SileroVad()(frames[-1])
    assert warm != pytest.approx(cold, abs=1e-3)  # memory of earlier frames changes the judgement
    vad.reset()
    assert vad(frames[-1]) == pytest.approx(cold)


@pytest.mark.parametrize("audio", [
    np.zeros(16000 * 3, np.float32),
    np.random.default_rng(0).normal(0, 0.1, 16000 * 3).astype(np.float32),
    np.random.default_rng(1).normal(0, 0.5, 16000 * 3).clip(-1, 1).astype(np.float32),
])
def test_silence_and_noise_are_not_speech(audio):
    assert events(audio) == []


class Scripted:
    """Stands in for the model's judgement, to test the hysteresis logic alone."""

    def __init__(self, probabilities):
        self.probabilities = iter(probabilities)

    def __call__(self, frame):
        return next(self.probabilities)


def run_script(probabilities, kinds=("start", "end"), **settings):
    detector = SpeechDetector(VadSettings(**settings), vad=Scripted(probabilities))
    frame = np.zeros(FRAME, np.float32)
    return [(e.kind, round(e.time_s, 3)) for p in probabilities if (e := detector.feed(frame)) and e.kind in kinds]


def test_one_loud_frame_does_not_start_speech():
    assert run_script([0, 0.9, 0, 0, 0.9, 0.2], start_frames=2) == []


def test_start_and_end_are_dated_where_they_began():
    probs = [0, 0, 0.9, 0.8, 0.9, 0.1, 0.1, 0.1, 0]
    assert run_script(probs, start_frames=2, end_frames=3) == [("start", 0.064), ("end", 0.16)]


def test_a_short_dip_does_not_end_speech():
    probs = [0.9, 0.9, 0.2, 0.2, 0.9, 0.9, 0.4, 0.9]  # 0.4 is between the thresholds: still speech
    assert run_script(probs, start_frames=2, end_frames=3) == [("start", 0.0)]


ALL = ("maybe", "start", "no", "pausing", "end")


def test_the_first_frame_that_may_be_speech_is_announced_and_so_is_a_false_alarm():
    probs = [0, 0.9, 0.1, 0, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1]
    assert run_script(probs, kinds=ALL, start_frames=2, end_frames=3) == [
        ("maybe", 0.032), ("no", 0.064), ("maybe", 0.128), ("start", 0.128), ("pausing", 0.224), ("end", 0.224)]


def test_the_first_quiet_frame_of_speech_is_announced_and_a_pause_that_lasts_is_dated_to_it():
    probs = [0.9, 0.9, 0.2, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1]  # a dip between words, then a real pause
    assert run_script(probs, kinds=ALL, start_frames=2, end_frames=3) == [
        ("maybe", 0.0), ("start", 0.0), ("pausing", 0.064), ("pausing", 0.16), ("end", 0.16)]


def run_sure(probabilities, sure_at):
    """As ``run_script``, the echo gate sure of the frames numbered in ``sure_at``."""
    detector = SpeechDetector(VadSettings(start_frames=2, end_frames=3), vad=Scripted(probabilities))
    frame = np.zeros(FRAME, np.float32)
    return [(i, e.kind) for i in range(len(probabilities)) if (e := detector.feed(frame, sure=i in sure_at))]


def test_a_frame_the_echo_gate_is_sure_of_says_maybe_and_silero_decides_within_the_window():
    # the user's first words, mangled by the canceller over her: Silero scores them low until she pauses
    heard = [0.1, 0.1, 0.1, 0.1, 0.6, 0.3, 0.9, 0.9]  # and wavers as her echo fades: no "no" meanwhile
    assert run_sure(heard, sure_at={1, 2, 3}) == [(1, "maybe"), (7, "start")]
    said = [0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1]  # while the user speaks, nothing changes
    assert run_sure(said, sure_at={2, 3, 4}) == [(0, "maybe"), (1, "start"), (3, "pausing"), (5, "end")]
    rising = [0.1] * SURE_FRAMES + [0.9, 0.9]  # at the window's end Silero is above its threshold: its own verdict
    assert run_sure(rising, sure_at={0}) == [(0, "maybe"), (SURE_FRAMES + 1, "start")]


def test_a_loud_sound_that_is_no_voice_pauses_her_once_then_not_again_for_a_while():
    vacuum = [0.1] * (SURE_FRAMES + SURE_REST + 5)  # loud, and Silero never calls it speech
    events = run_sure(vacuum, sure_at=set(range(len(vacuum))))
    assert events == [(0, "maybe"), (SURE_FRAMES, "no"), (SURE_FRAMES + SURE_REST, "maybe")]


def test_with_one_start_frame_speech_starts_without_a_maybe():
    assert run_script([0, 0.9, 0.9], kinds=ALL, start_frames=1) == [("start", 0.032)]


class Counting(SileroVad):
    """The real Silero, counting how often the model itself runs."""

    def __init__(self, silence_rms):
        super().__init__(silence_rms)
        self.runs, real = 0, self._session.run

        def run(*args):
            self.runs += 1
            return real(*args)

        self._session = type("Session", (), {"run": staticmethod(run)})()


def test_a_cleared_memory_is_that_of_having_heard_silence_not_blank():
    """From blank, Silero is slow to hear a quiet first word (tests/real/test_people_real.py)."""
    vad, blank = SileroVad(), SileroVad()
    blank._h, blank._c = np.zeros((1, 1, 128), np.float32), np.zeros((1, 1, 128), np.float32)
    silence = np.zeros(FRAME, np.float32)
    for _ in range(3):
        blank(silence)
    vad.reset()
    assert np.abs(vad._h).max() > 0 and np.allclose(vad._h, blank._h) and np.allclose(vad._c, blank._c)
    vad.blank_after_silence = True  # speakers: a first sound after silence may be her echo's flare
    vad.reset()
    assert not np.any(vad._h) and not np.any(vad._c)


def test_quiet_frames_skip_the_model_and_speech_after_them_is_judged_as_after_a_pause(jfk):
    vad = Counting(silence_rms=0.001)
    quiet = np.random.default_rng(0).normal(0, 1e-4, FRAME * 50).astype(np.float32)  # a quiet room
    assert [vad(quiet[i * FRAME : (i + 1) * FRAME]) for i in range(50)] == [0.0] * 50
    assert vad.runs == 0
    speech = jfk[int(0.3 * 16000):][: FRAME * 20]
    gated = [vad(speech[i * FRAME : (i + 1) * FRAME]) for i in range(20)]
    fresh = SileroVad()
    assert vad.runs == 20 and max(gated) > 0.5
    assert gated == pytest.approx([fresh(speech[i * FRAME : (i + 1) * FRAME]) for i in range(20)], abs=0.02)


def test_when_the_microphone_goes_the_detector_starts_afresh(jfk):
    detector = SpeechDetector(VadSettings())
    for i in range(int(1.5 * 16000) // FRAME):  # well into "And so my fellow..."
        detector.feed(jfk[i * FRAME : (i + 1) * FRAME])
    assert detector.speaking
    detector.lost()
    assert not detector.speaking
    fresh = SpeechDetector(VadSettings())
    after = jfk[int(0.3 * 16000): int(1.3 * 16000)]
    offset = int(1.5 * 16000) // FRAME * FRAME / 16000  # its clock goes on: the stream's time
    resumed = [(kind, round(t - offset, 3)) for kind, t in events(after, detector, ("maybe", "start"))]
    assert resumed and resumed == [(kind, round(t, 3)) for kind, t in events(after, fresh, ("maybe", "start"))]
