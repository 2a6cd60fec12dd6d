"""Devices that come and go: the keeper on a virtual clock, then a microphone and a speaker
pulled out of a running ``samantha voice`` (PulseAudio modules unloaded) and put back."""

import time

import pytest

from samantha.audio.kept_stream import FIRST_CALL_S, RETRY_S, STALL_S, Keeper, Liveness


class Device:
    """A stand-in stream: ``calls`` says whether callbacks come; ``opens`` whether reopening works."""

    name = "Test Headset"

    def __init__(self):
        self.life, self.now = Liveness(), 0.0
        self.life.opened_at = self.life.last_call = -10.0
        self.calls, self.opens, self.reopened, self.dropped = True, True, 0, 0

    def tick(self, now: float) -> None:
        self.now = now
        if self.calls and self.is_open:
            self.life.call(now)

    is_open = True

    def alive(self, now):
        return self.is_open and self.life.alive(now)

    def calling(self):
        return self.is_open and self.life.flowing

    def drop(self):
        self.dropped += 1
        self.is_open = False

    def reopen(self):
        self.reopened += 1
        if self.opens:
            self.is_open = True
            self.life.opened_at, self.life.calls = self.now, 0
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
    run(keeper, device, 5.0, t := 5.0 + STALL_S + 0.2)
    assert news == [("microphone", False)] and device.dropped == 1 and keeper.lost
    run(keeper, device, t, t := t + 5 * RETRY_S)
    assert news == [("microphone", False)]  # said once, not at every try
    assert 4 <= device.reopened <= 6  # every RETRY_S
    device.calls = device.opens = True  # plugged back in
    run(keeper, device, t, t + RETRY_S + 0.5)
    assert news == [("microphone", False), ("microphone", True)] and not keeper.lost


def test_a_stream_that_opens_but_never_calls_back_is_not_welcomed_and_is_tried_again():
    device, news = Device(), []
    keeper = Keeper("speaker", device, lambda k, back: news.append(back))
    run(keeper, device, 0.0, 4.0)
    device.calls = False
    run(keeper, device, 4.0, t := 4.0 + STALL_S + 0.1)
    assert news == [False]
    run(keeper, device, t, t + RETRY_S + FIRST_CALL_S + RETRY_S + 0.5)  # opens, silent, dropped, reopened
    assert news == [False] and 2 <= device.reopened <= 3 and device.dropped == device.reopened  # lost, silent: dropped


@pytest.mark.fault("kept")
def test_a_late_callback_or_a_starved_watcher_is_not_a_lost_device():
    """A busy machine: an output underrun silences ALSA's PulseAudio plugin for ~2 s, and the
    loop that checks may itself be late. Neither is the device going away."""
    device, news = Device(), []
    keeper = Keeper("speaker", device, lambda k, back: news.append(back))
    run(keeper, device, 0.0, 5.0)
    device.calls = False
    run(keeper, device, 5.0, 7.0)  # an underrun's stall
    device.calls = True
    run(keeper, device, 7.0, 10.0)
    device.calls = False  # silent for longer than STALL_S, but the watcher slept through most of it
    run(keeper, device, 10.0, 10.2)
    run(keeper, device, 10.0 + STALL_S + 1.0, 10.0 + STALL_S + 1.2)
    device.calls = True
    run(keeper, device, 10.0 + STALL_S + 1.2, 20.0)
    assert news == [] and device.dropped == 0


def test_a_new_stream_gets_time_to_start_calling_back_and_one_call_is_not_yet_flowing_audio():
    life = Liveness()
    life.call(life.opened_at)  # PortAudio's first call, filling the buffer
    assert life.alive(life.opened_at + FIRST_CALL_S - 0.1) and not life.flowing  # then a quiet start-up
    assert not life.alive(life.opened_at + max(FIRST_CALL_S, STALL_S) + 0.1)
    for i in range(Liveness.FLOWING):
        life.call(life.opened_at + 3.0 + i * 0.01)
    assert life.flowing and life.alive(life.opened_at + 3.0 + STALL_S)
    assert not life.alive(life.opened_at + 3.1 + STALL_S)


def module_of(env, sink: str) -> str:
    from pulse import pactl

    return next(line.split("\t")[0] for line in pactl(env, "list", "short", "modules").splitlines()
                if f"sink_name={sink}" in line)


def test_a_speaker_or_microphone_built_alone_touches_no_device(monkeypatch):
    """Only ``open`` (and ``reopen``) reach PortAudio: building one is cheap and safe anywhere."""
    from samantha.audio import devices
    from samantha.audio.microphone import Microphone
    from samantha.audio.speaker import Speaker

    monkeypatch.setattr(devices, "sounddevice", lambda: pytest.fail("a device was touched"))
    speaker, microphone = Speaker("headset"), Microphone("headset")
    assert not speaker.alive(time.monotonic()) and not microphone.alive(time.monotonic())
    assert speaker.device == microphone.device == "headset"


@pytest.mark.audio
def test_the_microphone_pulled_out_mid_conversation_is_reported_and_listening_resumes_when_it_is_back(
        pulse, met_before, model_flags, phrase_wav, tmp_path, heard_text):
    from pulse import pactl, play_into, room_tone
    from test_voice_loop import samantha_voice

    from samantha.conversation.memory import Memory

    with samantha_voice(pulse, *model_flags) as out:
        out.wait_for("· listening", 60)
        time.sleep(2.0)
        play_into(pulse, "mic", phrase_wav).wait(timeout=30)
        assert heard_text in out.wait_for("you ›", 30)
        out.wait_for("samantha ›", 30)
        out.wait_for("· listening", 30)
        pactl(pulse, "unload-module", module_of(pulse, "mic"))  # pulled out
        out.wait_for(r"\(the microphone is gone: .*Trying again every 2 s; nothing is lost", 10)
        out.wait_for("samantha › I can't hear you any more", 5)  # out loud too: her speaker still works
        assert not [line for line in out.collect(5.0) if "(the microphone is back" in line]  # tries, while away
        assert out.proc.poll() is None
        pactl(pulse, "load-module", "module-null-sink", "sink_name=mic", "rate=48000")  # plugged back in
        with room_tone(pulse, "mic"):
            out.wait_for(r"\(the microphone is back", 15)
            out.wait_for("samantha › I can hear you again", 5)
            time.sleep(2.0)
            play_into(pulse, "mic", phrase_wav).wait(timeout=30)
            assert heard_text in out.wait_for("you ›", 30)  # heard again
            out.wait_for("samantha ›", 30)
    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    conversations = memory.export()["conversations"]
    memory.close()
    said = [m["content"] for m in conversations[-1]["messages"] if m["role"] == "user"]
    assert len(conversations) == 1 and said == [heard_text, heard_text]  # one conversation, carried on


@pytest.mark.audio
def test_the_speaker_pulled_out_moves_her_to_the_laptop_speakers_where_her_echo_is_kept_out(
        cli_env, met_before, model_flags, phrase_wav, tmp_path, heard_text):
    from pulse import load_recording, pactl, play_into, pulse_server, recording
    from test_voice_loop import loud, samantha_voice

    cli_env.pop("PULSE_SERVER", None)
    with pulse_server(tmp_path / "pulse", sinks=("speaker", "laptop", "mic"),  # "laptop": the server's fallback
                      about={"laptop": "Laptop-Speakers"}) as env:
        env = dict(cli_env, **{k: env[k] for k in ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH", "PULSE_SERVER")})
        heard = tmp_path / "laptop.f32"
        with samantha_voice(env, *model_flags) as out, recording(env, "laptop.monitor", heard):
            assert "as headset (assumed" in out.wait_for("speaking on", 60)
            out.wait_for("· listening", 30)
            time.sleep(2.0)
            pactl(env, "unload-module", module_of(env, "speaker"))  # the headset is pulled out
            out.wait_for(r"\(the speaker is now Laptop-Speakers, as speakers: detected", 10)
            play_into(env, "mic", phrase_wav).wait(timeout=30)
            assert heard_text in out.wait_for("you ›", 30)
            out.wait_for("samantha ›", 30)
            out.wait_for("· listening", 30)
    assert loud(load_recording(heard)).sum() >= 5, "her reply was not heard from the laptop's speakers"
