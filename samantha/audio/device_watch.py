"""The voice loop's devices over time: which are lost, where the sound server moved them, and
whether she now plays through a headset or speakers (and so needs the echo gate, and with
``[audio] aec`` the echo canceller in front of it: both start afresh on every new device).

All of it runs on the session's loop thread: ``check`` after every frame or report, ``placed``
when the sound server says her streams moved. What only the session can do (end the user's
speech when the microphone goes, speak the news) it asks through two callbacks.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from samantha.audio import echo_canceller, output_kind
from samantha.audio.echo_canceller import EchoCanceller
from samantha.audio.kept_stream import RETRY_S, Keeper, Kept
from samantha.audio.sound_server import Placement, ServerWatch, Stirring
from samantha.audio.speaker import Speaker
from samantha.core.echo_gate import CANCELLED, EchoGate
from samantha.core.frames import Frame
from samantha.errors import SamanthaError

NEWS = {  # (kind, back): what she says out loud, if she can
    ("microphone", False): "I can't hear you any more. Your microphone seems to be gone; I'll keep trying.",
    ("microphone", True): "I can hear you again.",
}


class DeviceWatch:
    def __init__(self, setting: str, speaker, note: Callable[[str], None], say: Callable[[str], None],
                 deaf: Callable[[], None], aec: str = "auto"):
        """``setting`` is ``[audio] output_kind``, ``aec`` is ``[audio] aec``; ``note`` prints,
        ``say`` speaks, ``deaf`` tells the session the microphone just went."""
        self.setting, self.speaker, self.note, self.say, self.deaf = setting, speaker, note, say, deaf
        self.aec = aec
        self.kind, self.why = output_kind.detect(setting, getattr(speaker, "name", ""))
        self.echo: EchoGate | None = None
        self.canceller: EchoCanceller | None = None
        self._microphone = None
        self._fresh_gate()
        self.keepers = [Keeper("speaker", speaker, self._news)] if isinstance(speaker, Kept) else []
        self.place = Placement()  # where the sound server has her streams (when there is one)
        self._names: dict[str, str] = {}  # what the server calls her devices, when it says
        self._server: ServerWatch | None = None

    def watch(self, microphone, report: Callable[[Placement | Stirring], None]) -> None:
        """Watch the microphone too, and the sound server (its news goes to ``report``, from
        another thread: hand it back to ``placed`` on the loop thread)."""
        self._microphone = microphone
        if isinstance(microphone, Kept):
            self._server = ServerWatch.start(report)
            self.keepers.append(Keeper("microphone", microphone, self._news, self._input_ready))

    def check(self, quiet: bool = False) -> None:
        """Often, from the loop; ``quiet``: she is neither speaking nor about to, so a speaker
        that underran may be reopened with a larger buffer now (see speaker.py)."""
        for keeper in self.keepers:
            try:
                keeper.check(time.monotonic())
                if quiet and keeper.kind == "speaker" and not keeper.lost and isinstance(self.speaker, Speaker):
                    self.speaker.grow()
            except Exception as exc:  # a device's trouble must not end the conversation
                self.note(f"(trouble with the {keeper.kind}: {exc})")

    def stirring(self, news: Stirring) -> None:
        """The sound server is changing something, maybe her speaker or microphone: until the gate
        learns what (``placed``), her echo may come back by a path the canceller has not learned,
        nearly whole, so the gate holds back what is not clearly louder than her own voice."""
        if self.echo is not None:
            self.echo.wary(news.at)

    def placed(self, now: Placement) -> None:
        """The sound server moved her streams: to a new default (say so), or the microphone onto
        her own speaker's monitor (it is gone: its keeper takes it from there)."""
        before, self.place = self.place, now
        for keeper in self.keepers:
            if keeper.kind == "microphone":
                keeper.misplaced = now.hears_herself
        if now.source and not now.hears_herself:
            self._names["microphone"] = now.source_about or now.source
            if now.source != before.source:
                self._fresh_gate()  # another microphone hears her at another level
                if before.source:
                    self.note(f"(the microphone is now {self._names['microphone']})")
        if now.sink:
            self._names["speaker"] = now.sink_about or now.sink
            if now.sink != before.sink:
                self._redetect(now.sink_texts)
                if before.sink:
                    self.note(f"(the speaker is now {self._names['speaker']}, as {self.kind}: {self.why})")

    def close(self) -> None:
        if self._server is not None:
            self._server.close()

    def _redetect(self, server_says: tuple[str, ...]) -> None:
        """Her output changed: maybe from a headset to speakers, where her echo needs the gate
        (and a new device means her echo's level is to be learned again)."""
        self.kind, self.why = output_kind.detect(self.setting, getattr(self.speaker, "name", ""), server_says)
        self._fresh_gate()

    def clean(self, frame: Frame) -> Frame:
        """``frame`` without her echo, when the canceller is on; else as it is."""
        if self.canceller is None:
            return frame
        return self.canceller.clean(frame, getattr(self._microphone, "latency", 0.0))

    @property
    def mine(self) -> Callable[[], float] | None:
        """With the canceller on: how much of what the microphone just heard is her voice (for the gate)."""
        return self.canceller.mine if self.canceller is not None else None

    def _fresh_gate(self) -> None:
        wanted = self.kind == "speakers" and (self.aec == "on" or (self.aec == "auto" and echo_canceller.available()))
        self.canceller = self._fresh_canceller() if wanted else None
        least = CANCELLED if self.canceller is not None else 0.0  # the gate judges what the canceller leaves
        self.echo = EchoGate(self.speaker.levels, least) if self.kind == "speakers" else None
        if hasattr(self.speaker, "tap"):
            self.speaker.tap = self.canceller.played if self.canceller is not None else None

    def _fresh_canceller(self) -> EchoCanceller | None:
        """A canceller for a new path from her voice to the microphone. One that will not start
        is an error with ``aec = on``; with ``auto`` it is said once, and the gate works alone."""
        try:
            if self.canceller is None:
                return EchoCanceller.load()
            self.canceller.reset()
            return self.canceller
        except SamanthaError as exc:
            if self.aec == "on":
                raise
            self.aec = "off"
            self.note(f"({exc} For now the echo gate alone keeps her voice out: over her, speak up.)")
            return None

    def _input_ready(self) -> bool:
        """Would a new microphone stream hear something other than her own speaker? (Always
        yes without a sound server to ask.)"""
        return self.place.sink is None or self.place.default_source != f"{self.place.sink}.monitor"

    def _news(self, keeper: Keeper, back: bool) -> None:
        """A device went away or came back (from its keeper)."""
        kind, name = keeper.kind, self._names.get(keeper.kind, keeper.device.name)
        if back:
            self.note(f"(the {kind} is back: {name})")
            if self._server is None:  # perhaps on another device (the system default); with a
                self._redetect(())  # sound server, its report on the new stream does this
            else:
                self._fresh_gate()
        elif kind == "microphone":
            self.note(f"(the microphone is gone: {name}. Trying again every {RETRY_S:.0f} s; nothing is lost.)")
            self.deaf()
        else:
            self.note(f"(the speaker is gone: {name}. Replies are shown here until it is back; "
                      f"trying again every {RETRY_S:.0f} s.)")
        if (words := NEWS.get((kind, back))) and not any(k.lost for k in self.keepers if k.kind == "speaker"):
            self.say(words)
