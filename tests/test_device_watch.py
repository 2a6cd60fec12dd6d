"""What the voice loop does as devices come, go and move: stand-in streams (test_kept_stream's)
and sound-server reports, on the loop's side; the real thing is in test_kept_stream and tests/real/test_echo_real."""

import time

import pytest
from test_kept_stream import Device

from samantha.audio.device_watch import DeviceWatch
from samantha.audio.played_levels import PlayedLevels
from samantha.audio.sound_server import Placement


class Speaker(Device):
    name = "default"

    def __init__(self):
        super().__init__()
        self.levels = PlayedLevels()


@pytest.fixture
def watched(monkeypatch):
    monkeypatch.setattr("samantha.audio.device_watch.ServerWatch.start", lambda report: None)  # reports come from the test
    log = {"notes": [], "said": [], "deaf": 0}
    speaker, mic = Speaker(), Device()
    watch = DeviceWatch("auto", speaker, log["notes"].append, log["said"].append,
                        lambda: log.__setitem__("deaf", log["deaf"] + 1))
    watch.watch(mic, report=None)
    for device in (speaker, mic):
        device.tick(time.monotonic())  # both calling back
    return watch, log


HEADSET = Placement("usb-mic", "USB Headset Mic", None, "usb-sink", "USB Headset", ("analog-output-headphones",),
                    "usb-mic")


def test_a_microphone_moved_onto_her_own_speaker_is_gone_and_said_to_be(watched):
    watch, log = watched
    watch.placed(HEADSET)
    watch.placed(Placement("usb-sink.monitor", "Monitor of USB Headset", "usb-sink", "usb-sink", "USB Headset",
                           (), "usb-sink.monitor"))
    watch.check()
    assert log["notes"] == ["(the microphone is gone: USB Headset Mic. Trying again every 2 s; nothing is lost.)"]
    assert log["deaf"] == 1 and log["said"][0].startswith("I can't hear you any more")
    assert not watch._input_ready()  # the server would only give her own speaker again: not yet


def test_her_output_moved_to_laptop_speakers_turns_the_echo_gate_on(watched):
    watch, log = watched
    watch.placed(HEADSET)
    assert watch.kind == "headset" and watch.echo is None
    watch.placed(Placement("usb-mic", "USB Headset Mic", None, "pci-sink", "Built-in Audio Analog Stereo",
                           ("analog-output-speaker", "internal"), "usb-mic"))
    assert watch.kind == "speakers" and watch.echo is not None
    assert log["notes"] == ["(the speaker is now Built-in Audio Analog Stereo, as speakers: detected from "
                            "'analog-output-speaker / internal / default')"]


def test_a_chosen_output_kind_is_kept_whatever_the_device(watched, monkeypatch):
    monkeypatch.setattr("samantha.audio.device_watch.ServerWatch.start", lambda report: None)
    watch = DeviceWatch("headset", Speaker(), print, print, lambda: None)
    watch.placed(HEADSET)
    watch.placed(Placement(None, "", None, "pci-sink", "Speakers", ("analog-output-speaker",), ""))
    assert watch.kind == "headset" and watch.echo is None


def test_with_speakers_her_echo_is_cancelled_unless_told_not_to(monkeypatch):
    """``[audio] aec``'s default, ``auto``: the canceller in front of the gate whenever livekit is
    there (``pip install`` brings it); ``off``: the gate alone."""
    pytest.importorskip("livekit.rtc")
    from samantha.audio.echo_canceller import EchoCanceller
    from samantha.config import AudioSettings

    monkeypatch.setattr("samantha.audio.device_watch.ServerWatch.start", lambda report: None)
    aec = AudioSettings().aec  # as the session passes it
    default = DeviceWatch("speakers", Speaker(), print, print, lambda: None, aec=aec)
    gate_alone = DeviceWatch("speakers", Speaker(), print, print, lambda: None, aec="off")
    assert isinstance(default.canceller, EchoCanceller) and default.echo is not None and default.echo.least > 0
    assert gate_alone.canceller is None and gate_alone.echo is not None and gate_alone.echo.least == 0


def test_a_canceller_that_will_not_start_is_said_once_and_the_gate_works_alone_unless_it_was_asked_for(monkeypatch):
    from samantha.audio.echo_canceller import EchoCanceller
    from samantha.errors import SamanthaError

    def broken(cls):
        raise SamanthaError("The echo canceller (livekit) would not start: no such library.")

    monkeypatch.setattr("samantha.audio.device_watch.ServerWatch.start", lambda report: None)
    monkeypatch.setattr("samantha.audio.echo_canceller.available", lambda: True)
    monkeypatch.setattr(EchoCanceller, "load", classmethod(broken))
    notes: list[str] = []
    watch = DeviceWatch("speakers", Speaker(), notes.append, print, lambda: None, aec="auto")
    assert watch.canceller is None and watch.echo is not None and watch.echo.least == 0
    watch._redetect(())  # another device: not tried, nor said, again
    assert len(notes) == 1 and "would not start" in notes[0] and "echo gate alone" in notes[0]
    with pytest.raises(SamanthaError, match="would not start"):
        DeviceWatch("speakers", Speaker(), notes.append, print, lambda: None, aec="on")
