"""Reminders said when due, on a virtual clock: never over the user or over her own reply,
waking her from sleep, said again once if nobody answered. No threads, no sleeps."""

from samantha.config import Settings
from samantha.core.announcer import AGAIN, REPEAT_AFTER_S
from samantha.core.loop import VoiceLoop
from samantha.core.messages import (
    Announce, Due, FallAsleep, ReplyFinished, ReplyStarted, Respond, Schedule, SpeechEnded, SpeechStarted, Tick, Told,
    TranscriptReady,
)
from samantha.core.turns import State

STEP = 0.1


class Clock:
    def __init__(self):
        self.loop, self.t, self.commands = VoiceLoop(Settings()), 0.0, []

    def run(self, seconds: float) -> list:
        got = []
        for _ in range(round(seconds / STEP)):
            self.t += STEP
            got += self.loop.handle(Tick(self.t))
        self.commands += got
        return got

    def say(self, message) -> list:
        got = self.loop.handle(message)
        self.commands += got
        return got

    def due_in(self, seconds: float, id: int = 7, words: str = "Just a reminder to call your sister.") -> None:
        self.say(Schedule(self.t, (Due(id, 1000.0 + id, self.t + seconds, words),)))


def of(kind, commands) -> list:
    return [c for c in commands if isinstance(c, kind)]


def user_turn(clock: Clock, turn: int, words: str = "What time is it?") -> None:
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    clock.say(SpeechEnded(clock.t))
    clock.say(TranscriptReady(clock.t, turn, 1, words))
    clock.run(0.5)


def test_due_while_she_talks_it_waits_for_her_reply_to_end():
    clock = Clock()
    user_turn(clock, 1)
    assert of(Respond, clock.commands)
    clock.say(ReplyStarted(clock.t, 1))
    clock.due_in(0.5)
    assert of(Announce, clock.run(3.0)) == []  # due, but she is talking
    clock.say(ReplyFinished(clock.t, 1))
    [announce] = of(Announce, clock.run(STEP))
    assert announce == Announce(1, (7,), "Just a reminder to call your sister.")
    assert clock.loop.turns.state is State.THINKING


def test_due_while_the_user_talks_it_waits_for_the_turn_and_the_answer():
    clock = Clock()
    clock.due_in(0.5)
    clock.say(SpeechStarted(clock.t))
    assert of(Announce, clock.run(2.0)) == []  # never over the user's words
    clock.say(SpeechEnded(clock.t))
    clock.say(TranscriptReady(clock.t, 1, 1, "I was saying something."))
    clock.run(0.5)
    assert of(Respond, clock.commands) and not of(Announce, clock.commands)  # her answer first
    clock.say(ReplyStarted(clock.t, 1))
    clock.run(2.0)
    clock.say(ReplyFinished(clock.t, 1))
    assert [a.ids for a in of(Announce, clock.run(STEP))] == [(7,)]


def test_due_while_asleep_it_wakes_her_and_she_says_it():
    clock = Clock()
    clock.run(Settings().turns.sleep_after_s + 1)
    assert of(FallAsleep, clock.commands) and clock.loop.turns.state is State.SLEEPING
    clock.due_in(1.0)
    [announce] = of(Announce, clock.run(1.5))
    clock.say(ReplyStarted(clock.t, announce.turn))
    assert clock.loop.turns.state is State.SPEAKING
    clock.say(ReplyFinished(clock.t, announce.turn))
    assert clock.loop.turns.state is State.LISTENING  # awake: the user can answer without her name


def test_unanswered_it_is_said_once_more_and_then_let_be():
    clock = Clock()
    clock.due_in(0.0)
    [first] = of(Announce, clock.run(STEP))
    clock.say(ReplyStarted(clock.t, first.turn))
    assert clock.say(ReplyFinished(clock.t, first.turn)) == [Told((7,))]  # said: the store marks it at once
    assert of(Announce, clock.run(REPEAT_AFTER_S - 1)) == []
    [again] = of(Announce, clock.run(1.5))
    assert again.again and again.words == f"{AGAIN} Just a reminder to call your sister."
    clock.say(ReplyStarted(clock.t, again.turn))
    assert clock.say(ReplyFinished(clock.t, again.turn)) == []  # already told
    clock.due_in(-100.0)  # the store, not yet caught up, still lists it: not said a third time
    assert of(Announce, clock.run(REPEAT_AFTER_S * 3)) == []


def test_answered_it_is_not_repeated():
    clock = Clock()
    clock.due_in(0.0)
    [first] = of(Announce, clock.run(STEP))
    clock.say(ReplyStarted(clock.t, first.turn))
    clock.say(ReplyFinished(clock.t, first.turn))
    clock.run(5.0)
    clock.say(SpeechStarted(clock.t))  # "thanks!"
    clock.run(1.0)
    clock.say(SpeechEnded(clock.t))
    assert of(Announce, clock.run(REPEAT_AFTER_S * 2)) == []


def test_talked_over_it_counts_as_told():
    clock = Clock()
    clock.due_in(0.0)
    [first] = of(Announce, clock.run(STEP))
    clock.say(ReplyStarted(clock.t, first.turn))
    assert of(Told, clock.say(SpeechStarted(clock.t))) == [Told((7,))]


def test_several_due_together_are_said_together_and_later_ones_wait_their_time():
    clock = Clock()
    clock.say(Schedule(clock.t, (Due(1, 1.0, clock.t + 1, "One."), Due(2, 2.0, clock.t + 1, "Two."),
                                 Due(3, 3.0, clock.t + 60, "Three."))))
    [announce] = of(Announce, clock.run(1.5))
    assert announce.ids == (1, 2) and announce.words == "One. Two."
