"""Turn-taking: who speaks when. A pure state machine: timestamped events in, actions out.

No threads, audio or models here; the session feeds it what happened and carries out what
it asks, and tests drive it with a virtual clock. Decisions it makes:

- *End of turn* is not a fixed silence. At each pause the session transcribes what was said
  so far and, unless the words trail off, asks the end-of-turn model whether the voice
  sounds finished too. Both finished: the turn ends after a short silence; words finished but the voice
  not (a pause for thought that Whisper punctuated like a sentence): after a middling one;
  words trailing off ("and...", "um", a comma): after a longer one. Words with no end mark
  that do not trail off ("...what's called a liner": Whisper often leaves the full stop out)
  end after the middling one if the voice sounds finished, else the longer one. Any turn ends
  at a cap.
- *Barge-in*: speech while Samantha talks pauses her at once, on the first frame that may be
  speech (within one output block after it). If the VAD does not confirm it, or it stops
  before ``min_interrupt_s``, it was a click, a cough or an "mm-hmm" and she resumes; if it
  goes on, the reply is cancelled and the speech becomes the user's new turn.
- *Going on*: a turn ended by its silence may have been a pause ("Permission is hereby granted,"
  [0.43 s] "free of charge..." sounds finished to both Whisper and the voice). Speech over her
  reply that starts within ``go_on_s`` of the end of the user's words, or before the user could
  have heard her (``UNHEARD_S`` after her first sound; on a slow machine that can be long after:
  nothing was interrupted, and as a new turn the words before would stay unanswered and these
  be transcribed without them), once it lasts
  ``go_on_min_s`` (shorter than ``min_interrupt_s``: an added word can be one syllable, and a
  backchannel is not said to one's own words; in practice any sound the VAD confirms, since it
  hears an end ~0.1 s late, and a cough there costs a second answer, never words; not with
  ``Speakers`` while she plays, where it may be her echo), is the same turn going on: her reply is cancelled and withdrawn (the
  exchange is taken back), and a new turn id (so late work of the old one is dropped) starts
  at the old turn's first speech, so its transcript covers all of it. Waiting longer for every
  turn instead would cost every answer that wait. Not after a turn the talk key, the cap or a
  lost microphone ended (nothing was mistaken there), nor after a reply that acted at once
  (``Binding``: a command cannot be taken back), nor for the key pressed over her.
- *Silence*: after her question, one gentle check-in; after a long quiet, sleep until she is
  called by name or the push-to-talk key is pressed. While a letter is open (``Dictating``,
  sent by the shell) the quiet is the user thinking what to write: no check-in, and sleep only
  after ``dictating_sleep_after_s`` (0: not until the letter is closed), so a long think does
  not cost the next sentence (asleep, only her name is heard).
- *The talk key*: while it is down, everything heard is the user's turn, whatever the VAD
  says; letting go ends the turn at once, with no silence to wait for. Pressed while she
  talks, it interrupts her exactly as speech does (pause at once, cancel if held). In
  push-to-talk mode (``hands_free`` off) voice alone starts nothing.
"""

from __future__ import annotations

from enum import Enum

from samantha.config import TurnSettings
from samantha.core.finished import sounds_finished, trails_off
from samantha.core.messages import (
    Action,
    Binding,
    CancelReply,
    CheckIn,
    Dictating,
    Event,
    FallAsleep,
    MicrophoneLost,
    PausePlayback,
    ReplyFinished,
    ReplyStarted,
    Respond,
    ResumePlayback,
    Speakers,
    SpeechEnded,
    SpeechLikely,
    SpeechPausing,
    SpeechStarted,
    SpeechUnlikely,
    TalkKey,
    Tick,
    Transcribe,
    TranscriptReady,
)


class State(Enum):
    LISTENING = "listening"
    USER_SPEAKING = "hearing"
    THINKING = "thinking"
    SPEAKING = "speaking"
    SLEEPING = "asleep"


UNHEARD_S = 0.2  # speech that starts within this of her first sound was begun before she was heard
# (her sound reaches the user after the output's latency; a person takes ~0.2 s more to react to it)

_VOICE = (SpeechStarted, SpeechEnded, SpeechPausing, SpeechLikely, SpeechUnlikely)

def _waited(since: float, now: float, seconds: float) -> bool:
    return now - since >= seconds - 1e-6  # clocks are floats: 5.1 - 5.0 < 0.1


class TurnTaker:
    def __init__(self, settings: TurnSettings, now: float = 0.0):
        self.s = settings
        self.hands_free = settings.mode == "hands-free"  # else only the talk key starts a turn
        self._holding = False  # the talk key is down
        self.state = State.LISTENING
        self.turn = 0  # the current user turn; her reply to it carries the same id
        self._talking = False  # the user is speaking right now (by the VAD)
        self._speech_since = 0.0  # onset of the current turn, or of a possible interruption
        self._began = 0.0  # onset of the current turn (its first speech)
        self._said_until: float | None = None  # the end of the answered turn's words, while it may go on
        self._audible_from = float("inf")  # from when the user could hear her reply to the answered turn
        self._quiet_since = now  # when the current silence began (meaningful when not talking)
        self._pause = 0  # pauses so far in this turn
        self._heard: str | None = None  # transcript of the latest pause, once ready
        self._complete: float | None = None  # ...and how finished the voice sounded then
        self._forced = False  # the turn hit the cap: end it on the next transcript
        self._paused_reply = False  # her playback is paused by speech that may be a blip
        self._asked = False  # her last reply ended with a question
        self._checked_in = False  # the one check-in since the user last spoke is used up
        self.dictating = False  # a letter is open: a long quiet is the user thinking
        self.speakers = False  # her voice may come back through the microphone (``Speakers``)

    def handle(self, event: Event) -> list[Action]:
        if not self.hands_free and isinstance(event, _VOICE):
            return []  # push-to-talk: the voice is heard only while the key is down
        match event:
            case SpeechStarted():
                return self._on_SpeechStarted(event)
            case SpeechEnded():
                return self._on_SpeechEnded(event)
            case SpeechLikely():
                return self._on_SpeechLikely(event)
            case SpeechUnlikely():
                return self._on_SpeechUnlikely(event)
            case SpeechPausing():
                return []  # only a pause that lasts counts (SpeechEnded); the loop may guess ahead
            case TranscriptReady():
                return self._on_TranscriptReady(event)
            case ReplyStarted():
                return self._on_ReplyStarted(event)
            case ReplyFinished():
                return self._on_ReplyFinished(event)
            case TalkKey():
                return self._on_TalkKey(event)
            case MicrophoneLost():
                return self._on_MicrophoneLost(event)
            case Tick():
                return self._on_Tick(event)
            case Dictating():
                self.dictating = event.on
                return []
            case Speakers():
                self.speakers = event.on
                return []
            case Binding():
                if event.turn == self.turn:
                    self._said_until = None  # her reply acts at once: what follows is a new turn
                return []
        raise TypeError(f"not an event: {event!r}")

    def awaiting(self) -> str | None:
        """The words of a turn that may be over: heard at this pause, the silence not yet long
        enough to end it, and nobody talking. None otherwise."""
        if self.state is State.USER_SPEAKING and not (self._talking or self._holding or self._forced) and self._heard:
            return self._heard
        return None

    def take_floor(self) -> int | None:
        """She speaks up unprompted (a reminder due), only when the floor is free: listening or
        asleep (it wakes her), nobody talking. Returns the turn her words belong to, else None."""
        if self.state not in (State.LISTENING, State.SLEEPING) or self._talking or self._holding:
            return None
        self.state = State.THINKING
        self._said_until = None
        return self.turn

    def next_pause(self) -> Transcribe | None:
        """What a pause in the speech under way would be transcribed as, or None where a pause
        would not be transcribed (no turn under way, or the talk key or the cap decides its end)."""
        if self.state is not State.USER_SPEAKING or not self._talking or self._forced or self._holding:
            return None
        return Transcribe(self.turn, self._pause + 1, self._speech_since)

    # --- the talk key ---
    def _on_TalkKey(self, e: TalkKey) -> list[Action]:
        if e.down == self._holding:
            return []
        self._holding = e.down
        if e.down:
            if self.state in (State.LISTENING, State.SLEEPING):  # the key addresses her, asleep or not
                self.state = State.LISTENING
                return self._new_turn(e.t)
            if self.state is State.USER_SPEAKING:
                return []  # the turn under way is now the key's: it ends when the key is let go
            self._speech_since = e.t  # over her: pause now, cancel if it is held
            return self._on_SpeechLikely(e)
        if self.state is State.USER_SPEAKING:  # let go: the turn is over, whatever it sounded like
            self._pause += 1
            self._heard, self._forced = None, True
            return [Transcribe(self.turn, self._pause, self._speech_since)]
        if self._paused_reply and not self._talking:  # a tap on it while she talked: carry on
            self._paused_reply = False
            return [ResumePlayback()]
        return []

    # --- speech ---
    def _on_SpeechStarted(self, e: SpeechStarted) -> list[Action]:
        self._talking = True
        if self.state is State.SLEEPING and self._pause and e.t - self._quiet_since <= self.s.trailing_silence_s:
            self._heard = None  # "Samantha, ... what time is it?": a short pause does not split it
            return []
        if self.state in (State.LISTENING, State.SLEEPING):
            return self._new_turn(e.t)
        if self.state is State.USER_SPEAKING:  # speaking again after a pause: same turn
            self._heard = None
            return []
        self._speech_since = e.t  # over her (THINKING or SPEAKING): maybe an interruption
        return self._on_SpeechLikely(e)

    def _on_SpeechLikely(self, e: SpeechLikely | SpeechStarted | TalkKey) -> list[Action]:
        if self.state is State.SPEAKING and not self._paused_reply:  # fall silent now, decide later
            self._paused_reply = True
            return [PausePlayback()]
        return []

    def _on_SpeechUnlikely(self, e: SpeechUnlikely) -> list[Action]:
        if self._paused_reply and not self._talking:  # a click, not speech: carry on
            self._paused_reply = False
            return [ResumePlayback()]
        return []

    def _on_SpeechEnded(self, e: SpeechEnded) -> list[Action]:
        self._talking = False
        self._quiet_since = e.t
        if self.state is State.USER_SPEAKING and (self._forced or self._holding):
            return []  # the capped turn's transcript is coming, or the key decides the end
        if self.state in (State.USER_SPEAKING, State.SLEEPING):
            self._pause += 1
            self._heard = None
            return [Transcribe(self.turn, self._pause, self._speech_since)]
        if self._paused_reply:  # it stopped before it could interrupt (_interrupts_after): a blip, carry on
            self._paused_reply = False
            return [ResumePlayback()]
        return []

    def _on_TranscriptReady(self, e: TranscriptReady) -> list[Action]:
        if e.turn != self.turn or e.pause != self._pause:
            return []  # stale: the user spoke again since, or the turn is over
        if self.state is State.SLEEPING:  # talking again: the next pause's transcript decides
            return [] if self._talking else self._maybe_wake(e.text)
        if self.state is not State.USER_SPEAKING:
            return []
        self._heard, self._complete = e.text.strip(), e.complete
        if self._forced:
            return self._end_turn()
        return self._maybe_end_turn(e.t)

    def _on_MicrophoneLost(self, e: MicrophoneLost) -> list[Action]:
        """What was being said is all there will be: a turn under way ends with it, at once (no
        silence will come to end it), and a pause over her is lifted."""
        talking, self._talking, self._holding = self._talking, False, False
        self._quiet_since = e.t
        if self.state is State.USER_SPEAKING and not self._forced:
            self._pause += 1
            self._heard, self._forced = None, True
            return [Transcribe(self.turn, self._pause, self._speech_since)]
        if self.state is State.SLEEPING and talking:  # perhaps her name: it is checked as usual
            return self._on_SpeechEnded(SpeechEnded(e.t))
        if self._paused_reply:
            self._paused_reply = False
            return [ResumePlayback()]
        return []

    # --- her reply ---
    def _on_ReplyStarted(self, e: ReplyStarted) -> list[Action]:
        if e.turn != self.turn or self.state not in (State.THINKING, State.SPEAKING):
            return []  # late audio of a cancelled reply
        self._paused_reply = False  # a new reply starts unpaused
        self.state = State.SPEAKING
        self._audible_from = min(self._audible_from, e.t + UNHEARD_S)
        if self._talking or self._holding:  # the user is talking already: she starts paused, not over them
            self._paused_reply = True
            return [PausePlayback()]
        return []

    def _on_ReplyFinished(self, e: ReplyFinished) -> list[Action]:
        if e.turn != self.turn or self.state not in (State.THINKING, State.SPEAKING):
            return []  # the end of a cancelled reply
        self._paused_reply = False  # a finished reply needs no pause
        self._asked, self._said_until = e.asked, None
        talking = self._talking or self._holding
        self.state = State.USER_SPEAKING if talking else State.LISTENING
        if talking:  # she finished while being talked over: that speech is a new turn
            return self._new_turn(self._speech_since)
        self._quiet_since = e.t
        return []

    # --- time ---
    def _on_Tick(self, e: Tick) -> list[Action]:
        if self.state in (State.THINKING, State.SPEAKING):
            if (self._talking or self._holding) and _waited(self._speech_since, e.t, self._interrupts_after()):
                return self._interrupt()
            return []
        if self.state is State.USER_SPEAKING:
            if not self._forced and _waited(self._speech_since, e.t, self.s.max_turn_s):
                self._forced, self._holding = True, False  # the cap lets go of the key for the user
                self._pause += 1
                self._heard = None
                return [Transcribe(self.turn, self._pause, self._speech_since)]
            return self._maybe_end_turn(e.t)
        if self.state is State.LISTENING and not self._talking:
            if (sleep_after := self._sleep_after()) and _waited(self._quiet_since, e.t, sleep_after):
                self.state = State.SLEEPING
                return [FallAsleep()]
            if (self._asked and not self._checked_in and not self.dictating
                    and _waited(self._quiet_since, e.t, self.s.check_in_after_s)):
                self._checked_in, self._said_until = True, None
                self.state = State.THINKING
                return [CheckIn(self.turn)]
        return []

    def _sleep_after(self) -> float:
        """The quiet she sleeps after (0: never, for now)."""
        return self.s.dictating_sleep_after_s if self.dictating else self.s.sleep_after_s

    # --- decisions ---
    def _new_turn(self, t: float) -> list[Action]:
        self.turn += 1
        self._speech_since, self._pause, self._heard, self._forced = t, 0, None, False
        self._began, self._said_until = t, None
        self._checked_in = False
        if self.state is not State.SLEEPING:  # asleep, speech is only checked for her name
            self.state = State.USER_SPEAKING
        return []

    def _interrupt(self) -> list[Action]:
        cancelled, went_on = self.turn, self._goes_on()
        self._paused_reply = False
        self.state = State.LISTENING  # so the new turn starts as any other
        self._new_turn(self._began if went_on else self._speech_since)  # going on: all of it, pauses afresh
        return [CancelReply(cancelled, withdraw=went_on)]

    def _interrupts_after(self) -> float:
        """How long speech over her lasts before it interrupts her: less if it goes on the turn,
        unless it may be her own echo (speakers, while she plays: the gate lets a flare through
        now and then). Its end is heard ``end_frames`` late (~0.1 s), so the least, 0.15 s, takes
        any sound the VAD confirms as speech."""
        least = self.s.min_interrupt_s
        echo = self.speakers and self.state is State.SPEAKING
        return min(least, self.s.go_on_min_s) if self._goes_on() and not echo else least

    def _goes_on(self) -> bool:
        """Is the speech over her the answered turn going on (it started soon after the user's words
        ended, or before her reply could be heard), rather than a new turn? Never for the talk key:
        pressing it is a new turn."""
        until = self._said_until
        if self.s.go_on_s <= 0 or until is None or self._holding:
            return False
        return self._speech_since - until <= self.s.go_on_s + 1e-6 or self._speech_since < self._audible_from

    def _maybe_end_turn(self, t: float) -> list[Action]:
        if self._heard is None or self._talking or self._holding:
            return []  # still talking, or the transcript of this pause is not ready
        if not self._heard:
            if _waited(self._quiet_since, t, self.s.end_silence_s):  # nothing heard: back to listening
                self.state = State.LISTENING
            return []
        return self._end_turn() if _waited(self._quiet_since, t, self._silence_needed()) else []

    def _silence_needed(self) -> float:
        """How long a silence ends the turn heard so far: the words and the voice both decide."""
        assert self._heard is not None
        voice = None if self._complete is None else self._complete >= self.s.complete_threshold
        if not sounds_finished(self._heard):  # unmarked words the voice finished: the middling one
            return self.s.unsure_silence_s if voice and not trails_off(self._heard) else self.s.trailing_silence_s
        return self.s.end_silence_s if voice in (None, True) else self.s.unsure_silence_s

    def _end_turn(self) -> list[Action]:
        if not self._heard:  # the cap hit a turn with nothing intelligible in it
            self.state = State.LISTENING
            return []
        self.state = State.THINKING
        self._said_until = None if self._forced else self._quiet_since  # a silence ended it: it may go on
        self._audible_from = float("inf")
        self._speech_since = float("inf") if self._talking else self._speech_since  # a capped monologue
        return [Respond(self.turn, self._heard)]  # that goes on is not an interruption

    def _maybe_wake(self, text: str) -> list[Action]:
        name = self.s.wake_name.lower()
        if name and name in text.lower():
            self.state = State.THINKING
            self._said_until, self._audible_from = self._quiet_since, float("inf")
            return [Respond(self.turn, text.strip())]
        return []  # overheard, not addressed to her: stay asleep
