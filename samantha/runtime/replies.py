"""Her replies, each on its own thread: the model's words streamed to the screen and, clause
by clause, to her voice; a reply prepared during a pause and held back until the turn is
over; what was heard of a reply that was cut off; a reply withdrawn because the user went on
with their turn (nothing of that exchange is kept: it comes again, whole).

The session (``session.py``) decides when (it carries out the loop's ``Respond``,
``Prepare``, ``DropPrepared``, ``CancelReply`` and ``CheckIn``); this module does the
replying. Everything reported back (her first audio, the end of a reply) carries the turn
it was for, so the loop drops what is late.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Protocol

from samantha.audio.speaker import Queued
from samantha.conversation.dialogue import Conversation, Hold
from samantha.core.chunker import Chunker
from samantha.core.latency import TurnTimes
from samantha.core.messages import Message, ReplyFinished, ReplyStarted
from samantha.runtime.voice_out import VoiceOut

CHECK_INS = ("Still there? No rush.", "Take your time. I'm here.", "Hmm, did I lose you?")
LOST_THREAD = "Sorry, I lost my train of thought. Could you say that again?"
FIRST_AUDIO_WAIT_S = 2.0  # the longest the model waits for her first clause's audio
HOLD_WAIT_S = 120.0  # a prepared reply's longest wait for the turn to be over (it is decided long before)


class Display(Protocol):
    def assistant(self, delta: str) -> None: ...
    def note(self, text: str) -> None: ...
    def latency(self, times: TurnTimes) -> None: ...


class Replies:
    def __init__(self, conversation: Conversation, display: Display, report: Callable[[Message], None],
                 clock: Callable[[], float]):
        """``report`` takes what the loop must hear of (her reply started, finished); ``clock``
        is the loop's stream time. ``voice`` is set once it exists (it calls ``first_audio``)."""
        self.conversation, self.display, self._report, self._clock = conversation, display, report, clock
        self.voice: VoiceOut
        self._voicing = (-1, -1)  # (voice generation, turn) of the reply being spoken
        self._first_chunk: tuple[int, Queued | None] = (-1, None)  # (generation, its first audio)
        self._heard: dict[int, str] = {}  # turn -> what was heard of its reply when cut off
        self._cut = threading.Lock()  # makes "silence the reply" and "note what was heard" one step
        self._words: dict[int, str] = {}  # turn -> the user's words its reply answers
        self._withdrawn: set[int] = set()  # turns whose exchange is taken back when their reply winds up
        self._done = -1  # the turn whose reply wound up last (past withdrawing on its own thread)
        self.replying: threading.Thread | None = None
        self.held: tuple[int, str, Hold, TurnTimes] | None = None  # (turn, words, ...) of a prepared reply

    def check_in(self, turn: int) -> None:
        self.start(turn, None, TurnTimes(turn))

    def announce(self, turn: int, words: str) -> None:
        """Words of her own as her reply of ``turn`` (a reminder due): shown, said, kept in the history."""
        self.display.assistant(words + "\n")
        self.start(turn, None, TurnTimes(turn), own=words)

    def cancel(self, turn: int, withdraw: bool = False) -> str:
        """Talked over: silence first, then stop the thinking; returns what was heard. ``withdraw``:
        the user went on with their turn, so the exchange is taken back, once the reply has wound up
        (its thread may still record it), or now if it already has."""
        with self._cut:
            heard = self._heard[turn] = self.voice.stop()
            if withdraw and self._done == turn:
                self.conversation.withdraw(self._words.get(turn, ""))
            elif withdraw:
                self._withdrawn.add(turn)
        self.conversation.cancel()
        return heard

    def close(self, patience: float = 2.0) -> None:
        """A reply cut short by leaving keeps what was heard of it, as any interrupted reply does
        (if it winds up within ``patience`` seconds: a model deep in a prompt may not)."""
        self.drop_held()
        with self._cut:
            heard = self.voice.stop()
            if self.replying is not None and self.replying.is_alive():
                self._heard[self._voicing[1]] = heard
        self.conversation.cancel()
        if self.replying is not None and self.replying.ident is not None:
            self.replying.join(timeout=patience)

    def first_audio(self, generation: int, item: Queued) -> None:
        current, turn = self._voicing
        self._first_chunk = (generation, item)
        self._report(ReplyStarted(self._clock(), turn if generation == current else -1))

    def prepare(self, turn: int, text: str) -> None:
        """Start the reply now with her voice paused and nothing shown or stored (``Hold``)."""
        self.drop_held()
        if not self.conversation.can_prepare(text):
            return
        hold, times = Hold(), TurnTimes(turn)
        self.held = (turn, text, hold, times)
        self.start(turn, text, times, hold)

    def drop_held(self) -> None:
        """The user went on: the prepared reply stops, unheard and unstored."""
        if self.held is None:
            return
        hold, self.held = self.held[2], None
        hold.drop()
        with self._cut:
            self.voice.stop()
        self.conversation.cancel()
        self.voice.resume()

    def release_held(self, turn: int, text: str, times: TurnTimes) -> bool:
        """The turn is over: if its reply was prepared for these very words, it goes on, out loud."""
        if self.held is None:
            return False
        if self.held[:2] != (turn, text):
            self.drop_held()
            return False
        hold, held_times, self.held = self.held[2], self.held[3], None
        held_times.speech_end, held_times.turn_end = times.speech_end, times.turn_end
        held_times.transcript, held_times.noticed = times.transcript, times.noticed
        self.conversation.confirm(text)  # before the release: her reply is recorded after the user's words
        hold.release()
        self.voice.resume()
        if self._first_chunk[0] == self._voicing[0]:  # its first audio is ready: she is speaking now
            self._report(ReplyStarted(self._clock(), turn))
        return True

    def start(self, turn: int, text: str | None, times: TurnTimes, hold: Hold | None = None, own: str = "") -> None:
        self.voice.stop()  # nothing of an earlier reply may follow; also resets what was heard
        if hold is not None:
            self.voice.pause()  # prepared: its audio waits in the speaker until the turn is over
        generation = self.voice.generation
        self._voicing = (generation, turn)
        if text is not None:  # the newest reply's words, and those of any still to be withdrawn
            self._words = {t: w for t, w in self._words.items() if t in self._withdrawn} | {turn: text}
        times.reply_start = time.monotonic()
        previous = self.replying
        replying = threading.Thread(target=self._speak_reply, args=(times, generation, text, previous, hold, own),
                                    name="reply", daemon=True)
        replying.start()
        self.replying = replying  # only once started: Ctrl+C may land on any line, and close() joins it

    def _speak_reply(self, times: TurnTimes, generation: int, text: str | None,
                     previous: threading.Thread | None, hold: Hold | None = None, own: str = "") -> None:
        if previous is not None:  # a cancelled reply winds up within a token; keep history in order
            previous.join(timeout=30)
        said: list[str] = []
        try:
            if text is None:
                said.append(own or random.choice(CHECK_INS))  # her own words, or a check-in
                self.conversation.add_reply(said[0])
                self.voice.say(said[0], generation)
            elif not self._stream_reply(text, generation, times, said, hold):
                return  # prepared, and the user went on: nothing of it happened
            self.voice.finish()
        except Exception as exc:  # an engine failed mid-turn: say so, keep listening
            self.display.note(f"(reply failed: {exc})")
            if self.voice.generation == generation:
                sorry = getattr(exc, "spoken", "") or LOST_THREAD  # a server's failure may say more (too slow...)
                self.conversation.add_reply(sorry)
                self.voice.say(sorry, generation)
                try:
                    self.voice.finish()
                except Exception:
                    pass
        self._finish_reply(times, generation, text, said)

    def _stream_reply(self, text: str, generation: int, times: TurnTimes, said: list[str], hold: Hold | None) -> bool:
        """The model's words to the screen and, clause by clause, to her voice; after the first
        clause the model waits until its audio is made (the two share the CPU). A prepared
        reply (``hold``) then waits for the turn to be over: False if it never was."""
        chunker, unshown = Chunker(released=True), []
        for delta in self.conversation.respond(text, hold):
            times.first_token = times.first_token or self.conversation.first_token or time.monotonic()
            said.append(delta)
            unshown.append(delta)
            for piece in chunker.feed(delta):
                self.voice.say(piece, generation)
                self.voice.wait_first(generation, FIRST_AUDIO_WAIT_S)
                if hold is not None and not hold.wait(HOLD_WAIT_S):
                    return False
            if hold is None or hold.released:
                self.display.assistant("".join(unshown))
                unshown.clear()
        if hold is not None and not hold.wait(HOLD_WAIT_S):  # all written before the turn was over
            return False
        if not "".join(said):  # an empty reply (dictation into a letter): nothing shown or said, she listens on
            return True
        self.display.assistant("".join(unshown))
        for piece in chunker.flush():
            self.voice.say(piece, generation)
        self.display.assistant("\n")  # the text is complete; her voice may go on
        return True

    def _finish_reply(self, times: TurnTimes, generation: int, text: str | None, said: list[str]) -> None:
        turn = times.turn
        voiced, item = self._first_chunk
        times.first_audio = item.started if voiced == generation and item is not None else None
        times.interrupted = self.voice.generation != generation
        if text is not None:
            self.display.latency(times)
        with self._cut:
            self._done = turn
            if turn in self._withdrawn:  # the user went on: nothing of this exchange is kept
                self._withdrawn.discard(turn)
                self.conversation.withdraw(self._words.get(turn, ""))
                self._heard.pop(turn, None)
            elif times.interrupted:  # keep only what was heard
                self.conversation.interrupted(self._heard.pop(turn, ""))
        if not times.interrupted:
            asked = "".join(said).rstrip().endswith("?")
            self._report(ReplyFinished(self._clock(), turn, asked=asked))
        self.prefill()

    def prefill(self) -> None:
        """The model reads the conversation so far while the user speaks: a warm-up, so any
        failure is only a slower next reply."""
        try:
            self.conversation.prefill()
        except Exception:
            pass
