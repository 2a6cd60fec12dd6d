"""The voice loop's decisions on a virtual clock: which audio is transcribed, one transcription
at a time, the talk key's tail, a microphone that went away, and echo false alarms. No
threads, no sleeps: messages in, commands out."""

import numpy as np

from samantha.config import Settings
from samantha.core.frames import FRAME, RATE, Frame
from samantha.core.messages import EchoFalseAlarm, KeyEndedTurn, TranscribeAudio
from samantha.core.loop import FALSE_ALARM_S, KEY_TAIL_S, PREROLL_S, VoiceLoop
from samantha.core.messages import (
    Dictating, FallAsleep,
    MicrophoneLost, PausePlayback, ReplyFinished, ReplyStarted, Respond, ResumePlayback, SpeechEnded, SpeechLikely, SpeechPausing,
    SpeechStarted, SpeechUnlikely, TalkKey, Tick, TranscriptReady,
)

FRAME_S = FRAME / RATE


class Clock:
    """Feeds the loop frames of a steady tone (so every sample is countable) and collects commands."""

    def __init__(self, loop: VoiceLoop):
        self.loop, self.t, self.commands, self.stream = loop, 0.0, [], 0

    def run(self, seconds: float, at: float = 0.0) -> list:
        got = []
        for _ in range(round(seconds / FRAME_S)):
            got += self.loop.handle(Frame(np.full(FRAME, 0.1, np.float32), self.t, at=at or self.t, stream=self.stream))
            self.t += FRAME_S
            got += self.loop.handle(Tick(self.t))
        self.commands += got
        return got

    def say(self, message) -> list:
        got = self.loop.handle(message)
        self.commands += got
        return got


def of(kind, commands) -> list:
    return [c for c in commands if isinstance(c, kind)]


def test_a_transcription_holds_the_turn_from_just_before_its_first_speech():
    clock = Clock(VoiceLoop(Settings()))
    clock.run(1.0)
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    [job] = of(TranscribeAudio, clock.say(SpeechEnded(clock.t)))
    assert (job.turn, job.pause) == (1, 1)
    assert abs(len(job.audio) - (1.0 + PREROLL_S) * RATE) <= FRAME  # the pre-roll keeps the first syllable


def test_one_transcription_at_a_time_and_only_the_newest_waiting_one_runs_next():
    clock = Clock(VoiceLoop(Settings()))
    clock.say(SpeechStarted(clock.t))
    jobs = []
    for _ in range(3):  # three pauses while the first is still being transcribed
        clock.run(0.5)
        jobs += of(TranscribeAudio, clock.say(SpeechEnded(clock.t)))
        clock.run(0.1)
        clock.say(SpeechStarted(clock.t))
    assert [j.pause for j in jobs] == [1]
    next_jobs = of(TranscribeAudio, clock.say(TranscriptReady(clock.t, 1, 1, "and")))
    assert [j.pause for j in next_jobs] == [3]  # pause 2 went stale while it waited
    assert of(TranscribeAudio, clock.say(TranscriptReady(clock.t, 1, 3, "and so"))) == []


def test_letting_go_of_the_talk_key_ends_the_turn_at_once_and_transcribes_once_its_last_audio_is_in():
    clock = Clock(VoiceLoop(Settings()))
    clock.say(TalkKey(clock.t, True))
    clock.run(1.5)
    let_go = clock.t
    commands = clock.say(TalkKey(let_go, False))
    assert of(KeyEndedTurn, commands) == [KeyEndedTurn(1)] and of(TranscribeAudio, commands) == []
    tail = clock.run(KEY_TAIL_S + 2 * FRAME_S)
    [job] = of(TranscribeAudio, tail)
    assert job.turn == 1 and len(job.audio) >= (let_go + KEY_TAIL_S - 0.1) * RATE


def test_after_the_microphone_goes_its_late_frames_are_not_heard_and_a_waiting_tail_is_transcribed_at_once():
    loop = VoiceLoop(Settings())
    clock = Clock(loop)
    clock.say(TalkKey(clock.t, True))
    clock.run(1.0)
    clock.say(TalkKey(clock.t, False))
    [job] = of(TranscribeAudio, clock.say(MicrophoneLost(clock.t)))
    assert job.turn == 1
    assert not loop.listening(Frame(np.zeros(FRAME, np.float32), clock.t, stream=0))  # the dead stream
    assert loop.listening(Frame(np.zeros(FRAME, np.float32), clock.t, stream=1))  # a new one is heard


def speaking(clock: Clock) -> None:
    """Through one turn to her reply playing."""
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    clock.say(SpeechEnded(clock.t))
    clock.say(TranscriptReady(clock.t, 1, 1, "What time is it?"))
    clock.run(1.0)
    assert of(Respond, clock.commands)
    clock.say(ReplyStarted(clock.t, 1))


def test_a_pause_for_speech_that_comes_to_nothing_at_once_is_an_echo_false_alarm():
    clock = Clock(VoiceLoop(Settings()))
    speaking(clock)
    assert of(PausePlayback, clock.say(SpeechLikely(clock.t)))
    clock.run(FALSE_ALARM_S / 2, at=123.0)
    commands = clock.say(SpeechUnlikely(clock.t))
    assert of(ResumePlayback, commands) and of(EchoFalseAlarm, commands) == [EchoFalseAlarm(123.0)]


def test_a_pause_that_lasted_longer_is_no_false_alarm():
    clock = Clock(VoiceLoop(Settings()))
    speaking(clock)
    clock.say(SpeechLikely(clock.t))
    clock.say(SpeechStarted(clock.t))
    clock.run(FALSE_ALARM_S + 0.1)
    commands = clock.say(SpeechEnded(clock.t))
    assert of(EchoFalseAlarm, commands) == []


def answer(job: TranscribeAudio, t: float, text: str) -> TranscriptReady:
    return TranscriptReady(t, job.turn, job.pause, text, job=job.job)


def test_a_pause_is_transcribed_from_its_first_quiet_frame_and_once_confirmed_not_again():
    clock = Clock(VoiceLoop(Settings()))
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    quiet = clock.t
    [guess] = of(TranscribeAudio, clock.say(SpeechPausing(quiet)))
    assert (guess.turn, guess.pause) == (1, 1)
    clock.run(2 * FRAME_S)
    assert of(TranscribeAudio, clock.say(SpeechEnded(quiet))) == []  # the VAD confirms: already under way
    respond = of(Respond, clock.say(answer(guess, clock.t, "What time is it?")) + clock.run(0.3))
    assert respond == [Respond(1, "What time is it?")]


def test_a_guess_answered_before_the_pause_is_confirmed_waits_for_it():
    clock = Clock(VoiceLoop(Settings()))
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    quiet = clock.t
    [guess] = of(TranscribeAudio, clock.say(SpeechPausing(quiet)))
    assert clock.say(answer(guess, clock.t, "Good morning!")) == []  # held: the speech may go on
    clock.run(2 * FRAME_S)
    commands = clock.say(SpeechEnded(quiet)) + clock.run(0.3)
    assert of(Respond, commands) == [Respond(1, "Good morning!")] and of(TranscribeAudio, commands) == []


def test_when_the_speech_goes_on_the_guess_is_dropped_and_the_real_pause_transcribed():
    clock = Clock(VoiceLoop(Settings()))
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    [guess] = of(TranscribeAudio, clock.say(SpeechPausing(clock.t)))  # a dip between two words
    clock.run(1.0)
    later = clock.t
    assert of(TranscribeAudio, clock.say(SpeechPausing(later))) == []  # busy with the guess: no second one
    clock.run(2 * FRAME_S)
    assert of(TranscribeAudio, clock.say(SpeechEnded(later))) == []  # waits for the running one
    [real] = of(TranscribeAudio, clock.say(answer(guess, clock.t, "Can you remind me")))  # stale: dropped
    assert (real.turn, real.pause) == (1, 1) and real.job != guess.job and len(real.audio) > len(guess.audio)
    assert of(Respond, clock.run(1.5)) == []  # the dropped words never ended the turn
    commands = clock.say(answer(real, clock.t, "Can you remind me to call my sister?")) + clock.run(0.3)
    assert of(Respond, commands) == [Respond(1, "Can you remind me to call my sister?")]


def test_no_guess_while_the_talk_key_decides_the_end():
    clock = Clock(VoiceLoop(Settings()))
    clock.say(TalkKey(clock.t, True))
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    assert of(TranscribeAudio, clock.say(SpeechPausing(clock.t))) == []


def test_a_reply_is_prepared_while_the_turn_may_be_over_and_dropped_when_the_user_goes_on():
    from samantha.core.messages import DropPrepared, Prepare

    clock = Clock(VoiceLoop(Settings()))
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    [job] = of(TranscribeAudio, clock.say(SpeechEnded(clock.t)))
    assert of(Prepare, clock.say(answer(job, clock.t, "I was thinking,"))) == [Prepare(1, "I was thinking,")]
    assert of(Prepare, clock.run(0.3)) == []  # once
    assert of(DropPrepared, clock.say(SpeechStarted(clock.t))) == [DropPrepared(1)]
    clock.run(1.0)
    [job] = of(TranscribeAudio, clock.say(SpeechEnded(clock.t)))
    words = "I was thinking, maybe a walk?"
    assert of(Prepare, clock.say(answer(job, clock.t, words))) == [Prepare(1, words)]  # 0.2 s of silence to go
    commands = clock.run(0.3)
    assert of(Respond, commands) == [Respond(1, words)] and of(DropPrepared, commands) == []


def test_a_prepared_reply_stands_until_the_turn_ends_with_its_words():
    from samantha.core.messages import DropPrepared, Prepare

    clock = Clock(VoiceLoop(Settings()))
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    [job] = of(TranscribeAudio, clock.say(SpeechEnded(clock.t)))
    clock.say(answer(job, clock.t, "So the thing is"))
    commands = clock.run(1.5)
    assert of(Respond, commands) == [Respond(1, "So the thing is")] and of(DropPrepared, commands) == []


def test_nothing_is_prepared_when_preparing_is_off():
    import dataclasses

    from samantha.config import TurnSettings
    from samantha.core.messages import Prepare

    clock = Clock(VoiceLoop(dataclasses.replace(Settings(), turns=TurnSettings(prepare=False))))
    clock.say(SpeechStarted(clock.t))
    clock.run(1.0)
    [job] = of(TranscribeAudio, clock.say(SpeechEnded(clock.t)))
    assert of(Prepare, clock.say(answer(job, clock.t, "I was thinking,")) + clock.run(1.5)) == []


def test_a_letter_open_reaches_the_turn_taker_and_a_long_quiet_does_not_put_her_to_sleep():
    settings = Settings()
    clock = Clock(VoiceLoop(settings))
    assert clock.say(Dictating(0.0, True)) == [] and clock.loop.turns.dictating
    assert of(FallAsleep, clock.say(Tick(settings.turns.sleep_after_s + 1))) == []
    assert of(FallAsleep, clock.say(Tick(settings.turns.dictating_sleep_after_s))) == [FallAsleep()]


def test_when_the_user_goes_on_her_reply_is_withdrawn_and_the_next_transcription_holds_all_their_words():
    from samantha.core.messages import CancelReply

    clock = Clock(VoiceLoop(Settings()))
    clock.run(1.0)
    clock.say(SpeechStarted(clock.t))  # "Permission is hereby granted,"
    clock.run(1.5)
    [job] = of(TranscribeAudio, clock.say(SpeechEnded(clock.t)))
    clock.say(answer(job, clock.t, "Permission is hereby granted."))
    assert of(Respond, clock.run(0.4)) == [Respond(1, "Permission is hereby granted.")]  # a pause, taken for the end
    clock.say(SpeechStarted(clock.t))  # "...free of charge"
    assert of(CancelReply, clock.run(0.4)) == [CancelReply(1, withdraw=True)]
    clock.run(0.6)
    [job] = of(TranscribeAudio, clock.say(SpeechEnded(clock.t)))
    assert (job.turn, job.pause) == (2, 1)
    assert abs(len(job.audio) - (1.5 + 0.4 + 1.0 + PREROLL_S) * RATE) <= 2 * FRAME  # both parts and the pause
