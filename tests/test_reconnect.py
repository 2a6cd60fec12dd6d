"""Devices that come and go: the keeper on a virtual clock, then a microphone and a speaker
pulled out of a running ``samantha voice`` (PulseAudio modules unloaded) and put back."""

import time

import pytest

from samantha.reconnect import FIRST_CALL_S, RETRY_S, STALL_S, Keeper, Liveness


class Device:
    """A stand-in stream: ``calls`` says whether callbacks come; ``opens`` whether reopening works."""

    name = "Test Headset"

    def __init__(self):
        self.life, self.now = Liveness(), 0.0
        self.life.opened_at = self.life.last_call = 0.0
        self.calls, self.opens, self.reopened, self.dropped = True, True, 0, 0

    def tick(self, now: float) -> None:
        self.now = now
        if self.calls and self.is_open:
            self.life.call(now)

    is_open = True

    def alive(self, now):
        return self.is_open and self.life.alive(now)

    def calling(self):
        return self.is_open and self.life.called

    def drop(self):
        self.dropped += 1
        self.is_open = False

    def reopen(self):
        self.reopened += 1
        if self.opens:
            self.is_open = True
            self.life.opened_at, self.life.called = self.now, False
        return self.opens


def run(keeper: Keeper, device: Device, since: float, until: float, step: float = 0.05) -> None:
    t = since
    while t < until:
        device.tick(t)
        keeper.check(t)
        t = round(t + step, 6)


def test_a_device_that_stops_is_reported_once_retried_every_few_seconds_and_welcomed_back():
    device, news = Device(), []
    keeper = Keeper("microphone", device, lambda k, back: news.append((k.kind, back)))
    run(keeper, device, 0.0, 5.0)
    assert news == [] and device.reopened == 0  # a live device is left alone
    device.calls, device.opens = False, False  # pulled out
    run(keeper, device, 5.0, 5.0 + STALL_S + 0.2)
    assert news == [("microphone", False)] and device.dropped == 1 and keeper.lost
    run(keeper, device, 6.2, 6.2 + 5 * RETRY_S)
    assert news == [("microphone", False)]  # said once, not at every try
    assert 4 <= device.reopened <= 6  # every RETRY_S
    device.calls = device.opens = True  # plugged back in
    run(keeper, device, 16.2, 16.2 + RETRY_S + 0.5)
    assert news == [("microphone", False), ("microphone", True)] and not keeper.lost


def test_a_stream_that_opens_but_never_calls_back_is_not_welcomed_and_is_tried_again():
    device, news = Device(), []
    keeper = Keeper("speaker", device, lambda k, back: news.append(back))
    run(keeper, device, 0.0, 1.0)
    device.calls = False
    run(keeper, device, 1.0, 1.0 + STALL_S + 0.1)
    assert news == [False]
    run(keeper, device, 2.1, 2.1 + RETRY_S + FIRST_CALL_S + RETRY_S + 0.5)  # opens, silent, dropped, reopened
    assert news == [False] and device.reopened >= 2 and device.dropped >= 2


def test_a_new_stream_gets_time_to_start_calling_back():
    life = Liveness()
    assert life.alive(life.opened_at + FIRST_CALL_S - 0.1)
    assert not life.alive(life.opened_at + FIRST_CALL_S + 0.1)
    life.call(life.opened_at + 0.5)
    assert not life.alive(life.opened_at + 0.5 + STALL_S + 0.01)


def module_of(env, sink: str) -> str:
    from pulse import pactl

    return next(line.split("\t")[0] for line in pactl(env, "list", "short", "modules").splitlines()
                if f"sink_name={sink}" in line)


@pytest.mark.audio
def test_the_microphone_pulled_out_mid_conversation_is_reported_and_listening_resumes_when_it_is_back(
        pulse, model_flags, testdata, tmp_path, heard_text):
    from pulse import as_device_wav, pactl, play_into, room_tone
    from samantha.audio_files import load_audio
    from samantha.memory import Memory
    from test_voice_loop import samantha_voice

    speech = as_device_wav(load_audio(testdata / "jfk.flac")[: int(2.4 * 16000)], tmp_path / "speech.wav")
    met = Memory(tmp_path / "data" / "memory.sqlite3")
    met.set_profile("name", "Theo")
    met.close()
    with samantha_voice(pulse, *model_flags) as out:
        out.wait_for("· listening", 60)
        time.sleep(2.0)
        play_into(pulse, "mic", speech).wait(timeout=30)
        assert heard_text in out.wait_for("you ›", 30)
        out.wait_for("samantha ›", 30)
        out.wait_for("· listening", 30)
        pactl(pulse, "unload-module", module_of(pulse, "mic"))  # pulled out
        out.wait_for(r"\(the microphone is gone: .*Trying again every 2 s; nothing is lost", 10)
        out.wait_for("samantha › I can't hear you any more", 5)  # out loud too: her speaker still works
        assert not [line for line in out.collect(5.0) if "back" in line]  # a few tries, while it is away
        assert out.proc.poll() is None
        pactl(pulse, "load-module", "module-null-sink", "sink_name=mic", "rate=48000")  # plugged back in
        with room_tone(pulse, "mic"):
            out.wait_for(r"\(the microphone is back", 15)
            out.wait_for("samantha › I can hear you again", 5)
            time.sleep(2.0)
            play_into(pulse, "mic", speech).wait(timeout=30)
            assert heard_text in out.wait_for("you ›", 30)  # heard again
            out.wait_for("samantha ›", 30)
    memory = Memory(tmp_path / "data" / "memory.sqlite3")
    conversations = memory.export()["conversations"]
    memory.close()
    said = [m["content"] for m in conversations[-1]["messages"] if m["role"] == "user"]
    assert len(conversations) == 1 and said == [heard_text, heard_text]  # one conversation, carried on
