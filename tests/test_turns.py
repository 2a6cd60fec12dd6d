"""The turn-taking state machine, driven by scripted events on a virtual clock."""

import pytest

from samantha.config import TurnSettings
from samantha.core.messages import (
    Binding, CancelReply, CheckIn, Dictating, FallAsleep, PausePlayback, ReplyFinished, ReplyStarted, Respond, ResumePlayback, SpeechEnded,
    SpeechLikely, SpeechStarted, SpeechUnlikely, Speakers, TalkKey, Tick, Transcribe, TranscriptReady,
)
from samantha.core.turns import State, TurnTaker

S = TurnSettings(end_silence_s=0.25, wake_name="Samantha")  # quarter seconds read easier


class Clock:
    """Feeds events at their times, with a Tick every 10 ms in between; records every action."""

    def __init__(self, settings: TurnSettings = S):
        self.machine = TurnTaker(settings)
        self.t = 0.0
        self.actions: list[tuple[float, object]] = []

    def until(self, t: float) -> "Clock":
        while self.t + 0.01 <= t + 1e-9:
            self.t = round(self.t + 0.01, 3)
            self._record(self.machine.handle(Tick(self.t)))
        return self

    def at(self, t: float, make) -> "Clock":
        self.until(t)
        self.t = t
        self._record(self.machine.handle(make(t)))
        return self

    def _record(self, actions):
        self.actions += [(self.t, a) for a in actions]

    def of(self, kind) -> list[tuple[float, object]]:
        return [(t, a) for t, a in self.actions if isinstance(a, kind)]

    # scripted moves
    def says(self, start: float, end: float, text: str, transcribed_after: float = 0.05,
             complete: float | None = None) -> "Clock":
        """The user speaks from start to end; the transcript of that pause is ready shortly after
        (with the end-of-turn model's verdict, ``complete``, when there is one)."""
        self.at(start, SpeechStarted).at(end, SpeechEnded)
        turn, pause = self.machine.turn, self.machine._pause
        return self.at(end + transcribed_after, lambda t: TranscriptReady(t, turn, pause, text, complete))

    def replies(self, start: float, end: float, asked: bool = False) -> "Clock":
        turn = self.machine.turn
        return self.at(start, lambda t: ReplyStarted(t, turn)).at(
            end, lambda t: ReplyFinished(t, turn, asked=asked))


def test_a_finished_sentence_ends_the_turn_after_a_short_silence():
    c = Clock().says(0.5, 2.0, "See you tomorrow.").until(3)
    assert c.of(Transcribe) == [(2.0, Transcribe(1, 1, 0.5))]
    assert c.of(Respond) == [(2.25, Respond(1, "See you tomorrow."))]
    assert c.machine.state is State.THINKING


def test_a_trailing_turn_waits_longer_and_speaking_again_continues_it():
    c = Clock().says(0.5, 2.0, "I went to the shop and").until(2.9)
    assert c.of(Respond) == []  # a short silence is not enough after "and"
    c.says(2.9, 4.0, "I went to the shop and bought bread.").until(5)
    assert c.of(Respond) == [(4.25, Respond(1, "I went to the shop and bought bread."))]
    assert [a.pause for _, a in c.of(Transcribe)] == [1, 2]


@pytest.mark.parametrize("text", ["Well, um", "So I was thinking...", "My favourite colour is,", "and the"])
def test_trailing_off_ends_after_the_long_silence(text):
    c = Clock().says(0.5, 2.0, text).until(4)
    assert c.of(Respond) == [(3.0, Respond(1, text))]


@pytest.mark.parametrize("complete, ends_at", [(0.9, 2.25), (0.5, 2.25), (None, 2.25), (0.2, 2.7)])
def test_finished_words_in_a_voice_that_does_not_sound_finished_wait_a_middling_silence(complete, ends_at):
    c = Clock().says(0.5, 2.0, "Can you remind me tomorrow morning?", complete=complete).until(4)
    assert c.of(Respond) == [(ends_at, Respond(1, "Can you remind me tomorrow morning?"))]


def test_the_voice_cannot_end_a_turn_whose_words_trail_off():
    c = Clock().says(0.5, 2.0, "I think that", complete=0.99).until(4)
    assert c.of(Respond) == [(3.0, Respond(1, "I think that"))]


@pytest.mark.parametrize("complete, ends_at", [(0.9, 2.7), (0.2, 3.0), (None, 3.0)])
def test_words_without_an_end_mark_wait_the_middling_silence_only_if_the_voice_sounds_finished(complete, ends_at):
    """Whisper leaves the full stop out of "montreal forced what's called a liner" one run in two."""
    c = Clock().says(0.5, 2.0, "Montreal forced what's called a liner", complete=complete).until(4)
    assert c.of(Respond) == [(ends_at, Respond(1, "Montreal forced what's called a liner"))]


def test_a_pause_for_thought_the_voice_gives_away_is_not_a_cut_off():
    c = Clock().says(0.5, 2.0, "So the thing is.", complete=0.1).until(2.6)  # 0.6 s: still her turn to wait
    c.says(2.6, 4.0, "So the thing is, I never learned to swim.", complete=0.8).until(5)
    assert c.of(Respond) == [(4.25, Respond(1, "So the thing is, I never learned to swim."))]


def test_a_slow_transcript_ends_the_turn_as_soon_as_it_is_ready():
    c = Clock().says(0.5, 2.0, "Yes.", transcribed_after=0.6).until(3)
    assert c.of(Respond) == [(2.6, Respond(1, "Yes."))]


def test_a_stale_transcript_of_an_earlier_pause_is_ignored():
    c = Clock().at(0.5, SpeechStarted).at(1.0, SpeechEnded).at(1.1, SpeechStarted)
    c.at(1.2, lambda t: TranscriptReady(t, 1, 1, "Hi."))  # pause 1, but the user is talking again
    c.at(2.0, SpeechEnded).until(3)
    assert c.of(Respond) == [] and c.machine.state is State.USER_SPEAKING


def test_nothing_heard_returns_to_listening_silently():
    c = Clock().says(0.5, 1.0, "").until(2)
    assert c.of(Respond) == [] and c.machine.state is State.LISTENING


def test_the_hard_cap_ends_a_monologue_and_its_tail_is_not_an_interruption():
    settings = TurnSettings(end_silence_s=0.25, max_turn_s=10)
    c = Clock(settings).at(0.5, SpeechStarted).until(10.5)
    assert c.of(Transcribe) == [(10.5, Transcribe(1, 1, 0.5))]
    c.at(11.0, lambda t: TranscriptReady(t, 1, 1, "A very long story, and"))
    assert c.of(Respond) == [(11.0, Respond(1, "A very long story, and"))]
    c.until(13).at(13, SpeechEnded).until(14)
    assert c.of(CancelReply) == [] and c.machine.state is State.THINKING


def reply_in_progress(settings: TurnSettings = S) -> Clock:
    """The user asked something; her reply is playing from t=3 on."""
    return Clock(settings).says(0.5, 2.0, "Tell me a story.").at(3.0, lambda t: ReplyStarted(t, 1))


def test_a_pause_after_the_cap_does_not_make_the_capped_transcript_stale():
    settings = TurnSettings(end_silence_s=0.25, max_turn_s=10)
    c = Clock(settings).at(0.5, SpeechStarted).until(10.6)  # capped at 10.5: transcribing
    c.at(10.7, SpeechEnded).at(10.8, SpeechStarted)  # a quick breath while it is transcribed
    c.at(11.0, lambda t: TranscriptReady(t, 1, 1, "so I went on and on and"))
    assert c.of(Transcribe) == [(10.5, Transcribe(1, 1, 0.5))]
    assert c.of(Respond) == [(11.0, Respond(1, "so I went on and on and"))]


def test_barge_in_pauses_her_at_once_then_cancels_the_reply_and_starts_a_new_turn():
    c = reply_in_progress().at(5.0, SpeechStarted)
    assert c.of(PausePlayback) == [(5.0, PausePlayback())]  # silent within the output block
    c.until(5.5)
    assert c.of(CancelReply) == [(5.3, CancelReply(1))]
    assert c.machine.state is State.USER_SPEAKING and c.machine.turn == 2
    c.at(5.6, lambda t: ReplyFinished(t, 1))  # late audio of the cancelled reply
    assert c.machine.state is State.USER_SPEAKING
    c.at(6.0, SpeechEnded).at(6.05, lambda t: TranscriptReady(t, 2, 1, "Wait, a different one.")).until(7)
    assert c.of(Transcribe)[-1] == (6.0, Transcribe(2, 1, 5.0))  # from the onset of the interruption
    assert c.of(Respond)[-1] == (6.25, Respond(2, "Wait, a different one."))
    assert c.of(ResumePlayback) == []


@pytest.mark.parametrize("blip", [0.05, 0.15, 0.29])
def test_a_cough_or_mm_hmm_pauses_her_briefly_but_does_not_interrupt(blip):
    c = reply_in_progress().at(5.0, SpeechStarted).at(5.0 + blip, SpeechEnded).until(6)
    assert c.of(PausePlayback) == [(5.0, PausePlayback())]
    assert c.of(ResumePlayback) == [(5.0 + blip, ResumePlayback())]
    assert c.of(CancelReply) == [] and c.machine.state is State.SPEAKING and c.machine.turn == 1


def test_min_interrupt_is_a_setting():
    c = reply_in_progress(TurnSettings(end_silence_s=0.25, min_interrupt_s=0.1)).at(5.0, SpeechStarted).until(5.2)
    assert c.of(CancelReply) == [(5.1, CancelReply(1))]


def test_talking_while_she_is_still_thinking_goes_on_the_turn_however_late():
    """She has said nothing yet (a slow machine): nothing is interrupted, and the words before
    are not left unanswered; all of it is one turn."""
    c = Clock().says(0.5, 2.0, "What's the time?").until(3.2).at(3.2, SpeechStarted).until(4)
    assert c.of(PausePlayback) == []  # nothing is playing yet
    assert c.of(CancelReply) == [(3.35, CancelReply(1, withdraw=True))] and c.machine.turn == 2
    c.at(4.5, SpeechEnded)
    assert c.of(Transcribe)[-1] == (4.5, Transcribe(2, 1, 0.5))  # from the first word


def test_talking_once_she_could_be_heard_is_a_new_turn_and_without_going_on_thinking_is_no_exception():
    c = Clock().says(0.5, 2.0, "What's the time?").at(2.9, lambda t: ReplyStarted(t, 1)).at(3.2, SpeechStarted)
    assert c.until(4).of(CancelReply) == [(3.5, CancelReply(1))]
    c = Clock().says(0.5, 2.0, "What's the time?").at(3.1, lambda t: ReplyStarted(t, 1)).at(3.2, SpeechStarted)
    assert c.until(4).of(CancelReply) == [(3.35, CancelReply(1, withdraw=True))]  # begun before she was heard
    c = Clock(TurnSettings(end_silence_s=0.25, go_on_s=0)).says(0.5, 2.0, "What's the time?")
    assert c.at(3.2, SpeechStarted).until(4).of(CancelReply) == [(3.5, CancelReply(1))]
    c = Clock().says(0.5, 2.0, "What's the time?").at(3.2, SpeechStarted).at(3.25, lambda t: ReplyStarted(t, 1))
    assert c.until(4).of(CancelReply) == [(3.35, CancelReply(1, withdraw=True))]  # she started paused, unheard


# --- the user goes on: a pause taken for the end of the turn ---
def granted(settings: TurnSettings = S) -> Clock:
    """A reader pauses 0.43 s after "Permission is hereby granted," and the turn ends at 2.25."""
    return Clock(settings).says(0.5, 2.0, "Permission is hereby granted.", complete=0.98)


def test_going_on_after_a_short_pause_withdraws_her_reply_and_one_turn_covers_it_all():
    c = granted().at(2.43, SpeechStarted)
    assert c.of(Respond) == [(2.25, Respond(1, "Permission is hereby granted."))]
    c.at(2.5, lambda t: ReplyStarted(t, 1))  # her first audio: she starts paused, not over the user
    assert c.of(PausePlayback) == [(2.5, PausePlayback())]
    c.until(2.8)
    assert c.of(CancelReply) == [(2.58, CancelReply(1, withdraw=True))]  # after go_on_min_s, not min_interrupt_s
    assert c.machine.state is State.USER_SPEAKING and c.machine.turn == 2
    c.at(2.9, lambda t: TranscriptReady(t, 1, 1, "Permission is hereby granted."))  # late work of turn 1: dropped
    c.at(4.0, SpeechEnded)
    assert c.of(Transcribe)[-1] == (4.0, Transcribe(2, 1, 0.5))  # from the first word, pauses counted afresh
    c.at(4.05, lambda t: TranscriptReady(t, 2, 1, "Permission is hereby granted, free of charge.")).until(5)
    assert c.of(Respond)[-1] == (4.25, Respond(2, "Permission is hereby granted, free of charge."))
    assert c.of(ResumePlayback) == []


def test_going_on_is_also_over_her_voice_and_over_a_blip_in_between():
    c = granted().at(2.35, lambda t: ReplyStarted(t, 1)).at(2.5, SpeechStarted).at(2.6, SpeechEnded)  # "um"
    assert c.of(ResumePlayback) == [(2.6, ResumePlayback())] and c.of(CancelReply) == []
    c.at(2.9, SpeechStarted).until(3.3)  # 0.9 s after the words ended: still going on
    assert c.of(CancelReply) == [(3.05, CancelReply(1, withdraw=True))] and c.machine._began == 0.5


def test_speech_after_a_longer_pause_is_an_ordinary_interruption():
    c = granted().at(3.0, lambda t: ReplyStarted(t, 1)).at(3.5, SpeechStarted).until(4)
    assert c.of(CancelReply) == [(3.8, CancelReply(1))]
    c.at(4.5, SpeechEnded)
    assert c.of(Transcribe)[-1] == (4.5, Transcribe(2, 1, 3.5))  # the new speech only


def test_go_on_s_zero_keeps_every_speech_over_her_a_new_turn():
    c = granted(TurnSettings(end_silence_s=0.25, go_on_s=0)).at(2.43, SpeechStarted).until(2.8)
    assert c.of(CancelReply) == [(2.73, CancelReply(1))]
    c.at(3.0, SpeechEnded)
    assert c.of(Transcribe)[-1] == (3.0, Transcribe(2, 1, 2.43))


def test_a_blip_after_a_short_pause_is_not_going_on_and_she_resumes():
    c = granted().at(2.35, lambda t: ReplyStarted(t, 1)).at(2.43, SpeechStarted).at(2.55, SpeechEnded).until(3.5)
    assert c.of(PausePlayback) == [(2.43, PausePlayback())] and c.of(ResumePlayback) == [(2.55, ResumePlayback())]
    assert c.of(CancelReply) == [] and c.machine.state is State.SPEAKING and c.machine.turn == 1


def test_one_syllable_added_soon_after_goes_on_though_as_a_new_turn_it_would_be_a_blip():
    """"...forced aligner, I hardly know [0.5 s] 'er": 0.2 s of speech, under min_interrupt_s."""
    c = granted().at(2.35, lambda t: ReplyStarted(t, 1)).at(2.43, SpeechStarted).at(2.63, SpeechEnded)
    assert c.of(CancelReply) == [(2.58, CancelReply(1, withdraw=True))] and c.machine._began == 0.5
    late = granted().at(2.35, lambda t: ReplyStarted(t, 1)).at(3.5, SpeechStarted).at(3.7, SpeechEnded).until(4)
    assert late.of(CancelReply) == [] and late.of(ResumePlayback) == [(3.7, ResumePlayback())]  # not going on: a blip


def test_with_speakers_going_on_needs_as_long_as_any_interruption_since_it_may_be_her_echo():
    c = granted().at(2.1, lambda t: Speakers(t, True)).at(2.35, lambda t: ReplyStarted(t, 1))
    c.at(2.43, SpeechStarted).at(2.63, SpeechEnded).until(3.0)  # a flare of her echo past the gate
    assert c.of(CancelReply) == [] and c.of(ResumePlayback) == [(2.63, ResumePlayback())]
    headset = granted().at(2.1, lambda t: Speakers(t, True)).at(2.2, lambda t: Speakers(t, False))
    headset.at(2.35, lambda t: ReplyStarted(t, 1)).at(2.43, SpeechStarted).at(2.63, SpeechEnded)
    assert headset.of(CancelReply) == [(2.58, CancelReply(1, withdraw=True))]  # a headset again: no echo
    silent = granted().at(2.1, lambda t: Speakers(t, True)).at(2.43, SpeechStarted).until(2.8)  # nothing played yet
    assert silent.of(CancelReply) == [(2.58, CancelReply(1, withdraw=True))]


def test_go_on_min_s_is_a_setting_and_never_longer_than_min_interrupt_s():
    c = granted(TurnSettings(end_silence_s=0.25, go_on_min_s=0.25)).at(2.43, SpeechStarted).until(2.8)
    assert c.of(CancelReply) == [(2.68, CancelReply(1, withdraw=True))]
    c = granted(TurnSettings(end_silence_s=0.25, go_on_min_s=0.25, min_interrupt_s=0.1)).at(2.43, SpeechStarted)
    assert c.until(2.8).of(CancelReply) == [(2.53, CancelReply(1, withdraw=True))]


def test_a_reply_that_acted_at_once_is_never_taken_back():
    c = granted().at(2.3, lambda t: Binding(t, 1)).at(2.43, SpeechStarted).until(2.8)
    assert c.of(CancelReply) == [(2.73, CancelReply(1))]


@pytest.mark.parametrize("ended_by", ["key", "cap"])
def test_a_turn_the_key_or_the_cap_ended_does_not_go_on(ended_by):
    if ended_by == "key":
        c = Clock().at(0.4, down).at(0.5, SpeechStarted).at(2.0, SpeechEnded).at(2.05, up)
        c.at(2.1, lambda t: TranscriptReady(t, 1, 1, "Permission is hereby granted."))
    else:  # capped at 2.0, as the speech ends
        c = Clock(TurnSettings(end_silence_s=0.25, max_turn_s=1.5)).at(0.5, SpeechStarted).until(2.0).at(2.0, SpeechEnded)
        c.at(2.1, lambda t: TranscriptReady(t, 1, 1, "Permission is hereby granted."))
    assert [a.turn for _, a in c.of(Respond)] == [1]
    c.at(2.43, SpeechStarted).until(2.8)
    assert c.of(CancelReply) == [(2.73, CancelReply(1))]


def test_the_talk_key_pressed_soon_after_is_a_new_turn_not_going_on():
    c = granted().at(2.35, lambda t: ReplyStarted(t, 1)).at(2.43, down).until(2.8)
    assert c.of(CancelReply) == [(2.73, CancelReply(1))]


def test_she_finishes_while_being_talked_over_and_that_speech_becomes_a_turn():
    c = reply_in_progress().at(5.0, SpeechStarted).at(5.1, lambda t: ReplyFinished(t, 1))
    assert c.machine.state is State.USER_SPEAKING and c.machine.turn == 2
    c.at(6.0, SpeechEnded).at(6.05, lambda t: TranscriptReady(t, 2, 1, "Thanks.")).until(7)
    assert c.of(Respond)[-1] == (6.25, Respond(2, "Thanks."))


def test_one_gentle_check_in_after_her_question_then_sleep():
    c = Clock().says(0.5, 2.0, "Hi.").replies(3.0, 4.0, asked=True)
    c.until(13.99)
    assert c.of(CheckIn) == []
    c.until(14.0)
    assert c.of(CheckIn) == [(14.0, CheckIn(1))] and c.machine.state is State.THINKING
    c.replies(14.5, 15.5, asked=True)  # "Still there?" is a question too, but there is only one check-in
    c.until(15.5 + S.sleep_after_s - 0.01)
    assert len(c.of(CheckIn)) == 1 and c.of(FallAsleep) == []
    c.until(15.5 + S.sleep_after_s)
    assert c.of(FallAsleep) == [(135.5, FallAsleep())] and c.machine.state is State.SLEEPING


def test_no_check_in_when_she_did_not_ask():
    c = Clock().says(0.5, 2.0, "Hi.").replies(3.0, 4.0, asked=False)
    c.until(30)
    assert c.of(CheckIn) == []


def test_while_a_letter_is_open_a_long_quiet_is_the_user_thinking_not_gone():
    c = Clock().says(0.5, 2.0, "Let's write a letter to Amy.").replies(2.5, 4.0)
    c.at(4.0, lambda t: Dictating(t, True))  # the shell: a letter is open now
    c.says(5.0, 7.0, "Dear Amy, thank you for the tea.").at(7.3, lambda t: ReplyFinished(t, 2))  # silent: no audio
    assert c.machine.state is State.LISTENING
    c.says(8.0, 9.0, "How does it sound?").replies(9.5, 12.0, asked=True)  # her answer ends with a question
    c.until(12.0 + S.sleep_after_s + 60)
    assert c.of(CheckIn) == [] and c.of(FallAsleep) == []  # no check-in, no sleep: the user is thinking
    c.says(300.0, 302.0, "I think of you often.").at(302.3, lambda t: ReplyFinished(t, 4))
    c.until(302.3 + S.dictating_sleep_after_s - 0.01)
    assert c.of(FallAsleep) == [] and c.machine.state is State.LISTENING
    c.until(302.3 + S.dictating_sleep_after_s)  # a letter left open that long: she rests after all
    assert c.of(FallAsleep) == [(2102.3, FallAsleep())]


def test_once_the_letter_is_closed_she_sleeps_after_the_usual_quiet():
    c = Clock()
    c.at(0.1, lambda t: Dictating(t, True)).says(1.0, 2.0, "That's it, save it.").replies(2.5, 4.0)
    c.at(4.1, lambda t: Dictating(t, False))
    c.until(4.0 + S.sleep_after_s)
    assert c.of(FallAsleep) == [(124.0, FallAsleep())]


def test_with_no_sleep_while_dictating_she_stays_awake_as_long_as_the_letter_is_open():
    c = Clock(TurnSettings(end_silence_s=0.25, dictating_sleep_after_s=0))
    c.at(0.1, lambda t: Dictating(t, True))
    assert c.machine.handle(Tick(86400.0)) == [] and c.machine.state is State.LISTENING
    assert c.machine.handle(Dictating(86400.5, False)) == []
    assert c.machine.handle(Tick(86401.0)) == [FallAsleep()]


def test_asleep_she_answers_only_when_called_by_name():
    c = Clock().until(S.sleep_after_s)
    assert c.machine.state is State.SLEEPING
    c.says(130, 131, "What's for dinner?").until(133)
    assert c.of(Respond) == [] and c.machine.state is State.SLEEPING
    c.says(140, 142, "Samantha, what's for dinner?").until(143)
    assert c.of(Respond) == [(142.05, Respond(c.machine.turn, "Samantha, what's for dinner?"))]
    assert c.machine.state is State.THINKING


def test_asleep_a_short_pause_after_her_name_does_not_lose_it():
    c = Clock().until(S.sleep_after_s)
    c.at(140.0, SpeechStarted).at(140.6, SpeechEnded)  # "Samantha,"
    c.at(141.0, SpeechStarted)  # ...the transcript of "Samantha," arrives only now: stale
    c.at(141.05, lambda t: TranscriptReady(t, c.machine.turn, 1, "Samantha,"))
    c.at(142.0, SpeechEnded).at(142.05, lambda t: TranscriptReady(t, c.machine.turn, 2, "Samantha, what's for dinner?"))
    assert c.of(Transcribe)[-1][1].since == 140.0  # the audio still starts with her name
    assert c.of(Respond) == [(142.05, Respond(c.machine.turn, "Samantha, what's for dinner?"))]


def test_her_first_audio_starts_paused_if_the_user_is_already_talking():
    c = Clock().says(0.5, 2.0, "Hello.").until(2.3).at(2.4, SpeechStarted)
    c.at(2.45, lambda t: ReplyStarted(t, 1))
    assert c.of(PausePlayback) == [(2.45, PausePlayback())]
    c.at(2.5, SpeechEnded)  # a blip: she carries on
    assert c.of(ResumePlayback) == [(2.5, ResumePlayback())] and c.of(CancelReply) == []


def test_a_frame_that_may_be_speech_pauses_her_at_once_and_a_false_alarm_resumes_her():
    c = reply_in_progress().at(5.0, SpeechLikely)
    assert c.of(PausePlayback) == [(5.0, PausePlayback())]
    c.at(5.032, SpeechUnlikely).until(6)  # a click: the VAD never confirmed it
    assert c.of(ResumePlayback) == [(5.032, ResumePlayback())] and c.of(CancelReply) == []
    assert c.machine.state is State.SPEAKING and c.machine.turn == 1


def test_confirmed_speech_keeps_her_paused_and_then_interrupts():
    c = reply_in_progress().at(5.0, SpeechLikely).at(5.032, SpeechStarted).until(5.5)
    assert c.of(PausePlayback) == [(5.0, PausePlayback())]  # once: she is paused already
    assert c.of(ResumePlayback) == [] and c.of(CancelReply) == [(5.332, CancelReply(1))]


@pytest.mark.parametrize("setup", [lambda: Clock(), lambda: Clock().says(0.5, 2.0, "Hello.").until(2.3)])
def test_a_maybe_while_she_is_silent_changes_nothing(setup):
    c = setup()
    state = c.machine.state
    c.at(c.t + 0.01, SpeechLikely).at(c.t + 0.04, SpeechUnlikely)
    assert c.machine.state is state and c.of(PausePlayback) == [] and c.of(ResumePlayback) == []


def test_a_pause_as_her_reply_ends_does_not_carry_over_to_the_next_reply():
    c = reply_in_progress().at(5.0, SpeechLikely).at(5.01, lambda t: ReplyFinished(t, 1))
    c.at(5.02, SpeechStarted).at(6.0, SpeechEnded).at(6.05, lambda t: TranscriptReady(t, 2, 1, "And you?"))
    c.until(6.4).at(6.5, lambda t: ReplyStarted(t, 2))  # her next reply is playing
    c.at(7.0, SpeechLikely)
    assert c.of(PausePlayback)[-1] == (7.0, PausePlayback())


@pytest.mark.parametrize("setup, expected_state, cancels", [
    (lambda: Clock(), State.USER_SPEAKING, False),
    (lambda: Clock().at(0.5, SpeechStarted), State.USER_SPEAKING, False),
    (lambda: Clock().says(0.5, 2.0, "Hello.").until(2.3), State.USER_SPEAKING, True),  # thinking
    (lambda: reply_in_progress(), State.USER_SPEAKING, True),
    (lambda: Clock().until(S.sleep_after_s), State.SLEEPING, False),
])
def test_speech_in_every_state(setup, expected_state, cancels):
    c = setup()
    if c.machine._talking:  # already talking: keep talking
        c.until(c.t + 1)
    else:
        c.at(c.t + 0.01, SpeechStarted).until(c.t + 1)
    assert c.machine.state is expected_state
    assert bool(c.of(CancelReply)) is cancels



def down(t):
    return TalkKey(t, True)


def up(t):
    return TalkKey(t, False)


def test_while_the_key_is_down_pauses_do_not_end_the_turn_and_letting_go_ends_it_at_once():
    c = Clock().at(1.0, down).at(1.2, SpeechStarted).at(2.0, SpeechEnded).until(4.0)  # a long pause, key still down
    c.at(4.1, SpeechStarted).at(4.5, SpeechEnded)
    assert c.of(Transcribe) == [] and c.machine.state is State.USER_SPEAKING
    c.at(4.6, up)
    assert c.of(Transcribe) == [(4.6, Transcribe(1, 1, 1.0))]  # from the key's press, at its release
    c.at(4.65, lambda t: TranscriptReady(t, 1, 1, "so I was thinking"))  # trailing off: no matter
    assert c.of(Respond) == [(4.65, Respond(1, "so I was thinking"))]


def test_the_key_pressed_while_she_talks_interrupts_like_speech_and_a_tap_does_not():
    c = reply_in_progress().at(5.0, down)
    assert c.of(PausePlayback) == [(5.0, PausePlayback())]
    c.at(5.1, up)  # a tap
    assert c.of(ResumePlayback) == [(5.1, ResumePlayback())] and c.of(CancelReply) == []
    c.at(6.0, down).until(6.5)
    assert c.of(CancelReply) == [(6.3, CancelReply(1))] and c.machine.state is State.USER_SPEAKING
    c.at(7.0, up)
    assert c.of(Transcribe)[-1] == (7.0, Transcribe(2, 1, 6.0))


def test_push_to_talk_mode_ignores_the_voice_and_the_key_wakes_her():
    c = Clock(TurnSettings(end_silence_s=0.25, mode="push-to-talk"))
    c.at(1.0, SpeechStarted).at(2.0, SpeechEnded).until(4)
    assert c.actions == [] and c.machine.state is State.LISTENING
    c.until(S.sleep_after_s + 5)
    assert c.machine.state is State.SLEEPING
    c.at(c.t + 0.01, down)
    assert c.machine.state is State.USER_SPEAKING
    t = c.t
    c.at(t + 1, up)
    assert c.of(Transcribe) == [(t + 1, Transcribe(1, 1, t))]


def test_a_repeated_press_or_a_stray_release_changes_nothing():
    c = Clock().at(1.0, up)
    assert c.actions == [] and c.machine.state is State.LISTENING
    c.at(1.1, down).at(1.2, down)
    assert c.machine.turn == 1 and c.actions == []


def test_the_cap_reached_with_the_key_still_down_ends_the_turn_once():
    settings = TurnSettings(end_silence_s=0.25, max_turn_s=10)
    c = Clock(settings).at(1.0, down).until(11.1)
    c.at(11.2, lambda t: TranscriptReady(t, 1, 1, "and so on and"))
    c.until(14).at(14.5, up)
    assert c.of(Respond) == [(11.2, Respond(1, "and so on and"))] and c.of(CancelReply) == []
    assert len(c.of(Transcribe)) == 1


def test_the_key_down_as_her_reply_ends_is_the_users_next_turn():
    c = reply_in_progress().at(5.0, down).at(5.1, lambda t: ReplyFinished(t, 1))
    assert c.machine.state is State.USER_SPEAKING and c.machine.turn == 2
    c.at(6.0, up)
    assert c.of(Transcribe)[-1] == (6.0, Transcribe(2, 1, 5.0))


def test_when_the_microphone_goes_mid_turn_what_was_said_is_the_turn_at_once():
    from samantha.core.messages import MicrophoneLost

    c = Clock().at(0.5, SpeechStarted).at(1.5, MicrophoneLost)  # "and so my..." and no more audio
    assert c.of(Transcribe) == [(1.5, Transcribe(1, 1, 0.5))]
    c.at(1.6, lambda t: TranscriptReady(t, 1, 1, "And so my fellow"))  # trailing off, yet no silence will come
    assert c.of(Respond) == [(1.6, Respond(1, "And so my fellow"))]


def test_when_the_microphone_goes_while_she_is_paused_for_a_maybe_she_carries_on():
    from samantha.core.messages import MicrophoneLost

    c = Clock().says(0.5, 1.5, "Hello.")
    turn = c.machine.turn
    c.at(2.0, lambda t: ReplyStarted(t, turn)).at(3.0, SpeechLikely).at(3.05, MicrophoneLost)
    assert [a for _, a in c.actions][-2:] == [PausePlayback(), ResumePlayback()]
    c.until(5.0)
    assert not c.of(CancelReply) and c.machine.state is State.SPEAKING


def test_when_the_microphone_goes_in_a_quiet_moment_nothing_happens():
    from samantha.core.messages import MicrophoneLost

    c = Clock().at(1.0, MicrophoneLost).until(3)
    assert c.actions == [] and c.machine.state is State.LISTENING
