import io
import threading

import numpy as np
from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.engines.base import Message
from samantha.runtime.voice_out import VoiceOut, reply_aloud


class RecordingSpeaker:
    """Stands in for the sound device here; the real one is tested on PulseAudio (test_audio_devices)."""

    def __init__(self):
        self.played, self.first_audio = [], threading.Event()

    def play(self, chunk, text=""):
        self.played.append(chunk)
        self.first_audio.set()

    def wait(self, timeout=None):
        return True

    def flush(self):
        return ""

    def close(self):
        pass


class PausingModel:
    """The real tiny LLM, but once its first sentence is complete it waits to see whether speech has begun.

    A sentence is complete when the delta after its full stop has arrived (the chunker must
    see that "." is not "3.5"), so the wait comes after that delta.
    """

    def __init__(self, model, speaker):
        self.model, self.speaker, self.spoke_mid_reply = model, speaker, None

    def count_tokens(self, text):
        return self.model.count_tokens(text)

    def prefill(self, messages):
        pass

    def stream(self, messages, max_tokens=None):
        parent = self

        class Stream:
            def __iter__(self):
                sentence_ended = False
                for delta in parent.model.stream(messages, max_tokens):
                    yield delta
                    if sentence_ended and parent.spoke_mid_reply is None:
                        parent.spoke_mid_reply = parent.speaker.first_audio.wait(10)
                    sentence_ended = sentence_ended or "." in delta

            def cancel(self):
                pass

            def close(self):
                pass

        return Stream()


def test_speech_starts_before_the_reply_is_finished(chat_model, synthesizer, reply_text):
    speaker = RecordingSpeaker()
    model = PausingModel(chat_model, speaker)
    voice = VoiceOut(synthesizer, speaker)
    out = io.StringIO()
    reply_aloud(Conversation(model, LlmSettings(context_tokens=512), persona=BRIEF), voice, "Hello", out)
    voice.close()
    assert model.spoke_mid_reply is True
    assert out.getvalue().strip() == reply_text
    assert len(speaker.played) >= 2  # one chunk per piece: the reply has two sentences


def test_history_keeps_both_sides_and_the_prompt_fits_the_context(chat_model):
    settings = LlmSettings(context_tokens=512, max_reply_tokens=64)
    conversation = Conversation(chat_model, settings, persona=BRIEF)
    for i in range(30):
        "".join(conversation.respond(f"This is message number {i}, with a few words to take up room."))
    assert len(conversation.history) == 60
    assert [m.role for m in conversation.history[:2]] == ["user", "assistant"]
    prompt = conversation.prompt()
    assert prompt[0] == Message("system", "You are Samantha (she/her). Be brief.")
    assert prompt[-1] == conversation.history[-1]  # the newest turns are kept...
    assert len(prompt) < 61  # ...the oldest dropped
    used = sum(chat_model.count_tokens(m.content) + 8 for m in prompt)
    assert used <= settings.context_tokens - settings.max_reply_tokens
    "".join(conversation.respond("And one more?"))  # the real model accepts the trimmed prompt


def test_a_cancelled_reply_keeps_what_was_said(chat_model, reply_text):
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512), persona=BRIEF)
    parts = []
    for delta in conversation.respond("Hello"):
        parts.append(delta)
        if len(parts) == 3:
            conversation.cancel()
    assert len(parts) == 3
    assert conversation.history[-1] == Message("assistant", "".join(parts).strip())
    assert reply_text.startswith(conversation.history[-1].content)


class GatedSynthesizer:
    """The real tiny voice, held back on its first piece until the test lets it go."""

    def __init__(self, synthesizer):
        self.synthesizer, self.started, self.release = synthesizer, threading.Event(), threading.Event()

    def synthesize(self, text):
        self.started.set()
        assert self.release.wait(10)
        yield from self.synthesizer.synthesize(text)


def test_voice_out_stop_drops_what_was_said_before_it_and_keeps_what_comes_after(synthesizer):
    speaker, gated = RecordingSpeaker(), GatedSynthesizer(synthesizer)
    voice = VoiceOut(gated, speaker)
    for sentence in ("One.", "Two.", "Three."):
        voice.say(sentence)
    assert gated.started.wait(10)  # "One." is being synthesized right now
    voice.stop()
    voice.say("Four.")
    gated.release.set()
    voice.finish(timeout=10)
    voice.close()
    assert len(speaker.played) == 1  # only "Four.": nothing from before stop() reached the speaker
    expected = np.concatenate([c.audio for c in synthesizer.synthesize("Four.")])
    assert (speaker.played[0].audio == expected).all()


def test_the_last_words_of_a_cancelled_reply_are_not_spoken_in_the_next(synthesizer):
    speaker = RecordingSpeaker()
    voice = VoiceOut(synthesizer, speaker)
    generation = voice.generation  # a reply begins
    voice.stop()  # ...and is cancelled; its chunker still flushes its last piece:
    voice.say("the rest of the interrupted sentence.", generation)
    voice.say("A new reply.")
    voice.finish(timeout=10)
    voice.close()
    assert len(speaker.played) == 1  # only the new reply


def test_voice_out_finish_is_bounded(synthesizer):
    gated = GatedSynthesizer(synthesizer)
    voice = VoiceOut(gated, RecordingSpeaker())
    voice.say("Stuck.")
    import pytest

    from samantha.errors import SamanthaError

    with pytest.raises(SamanthaError, match="stalled"):
        voice.finish(timeout=0.3)
    gated.release.set()
    voice.close()


def test_heard_words_cuts_at_the_last_word_played():
    from samantha.audio.speaker import heard_words

    text = "one two three four five six seven eight nine ten"
    assert heard_words(text, 0.0) == ""
    assert heard_words(text, 0.35) == "one two three"
    assert heard_words(text, 1.0) == text
    assert heard_words(text, 1.5) == text


def test_a_prepared_reply_is_stored_only_once_the_turn_was_over_and_never_if_the_user_went_on(chat_model, memory,
                                                                                               reply_text):
    from samantha.conversation.dialogue import Hold

    memory.begin()
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512), memory=memory, persona=BRIEF)
    dropped = Hold()
    dropped.drop()
    assert "".join(conversation.respond("So the thing is", dropped)).strip() == reply_text  # written, then dropped
    assert conversation.history == [] and memory.messages() == []  # nothing of it kept, anywhere

    kept = Hold()
    reply = conversation.respond("So the thing is, I can't swim.", kept)
    first = next(reply)  # the model writes while the user may still go on
    assert memory.messages() == []
    conversation.confirm("So the thing is, I can't swim.")
    kept.release()
    assert (first + "".join(reply)).strip() == reply_text
    assert [(role, text) for role, text, _ in memory.messages()] == [
        ("user", "So the thing is, I can't swim."), ("assistant", reply_text)]


def test_requests_about_her_memory_are_never_prepared(chat_model, memory):
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512), memory=memory, persona=BRIEF)
    assert conversation.can_prepare("How was your day?")
    assert not conversation.can_prepare("forget that") and not conversation.can_prepare("What do you remember about me?")


def test_when_the_user_goes_on_their_words_and_her_reply_are_taken_back_from_history_and_memory(chat_model, memory,
                                                                                                 reply_text):
    memory.begin()
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512), memory=memory, persona=BRIEF)
    "".join(conversation.respond("Hello."))  # an earlier exchange, which stays
    parts = []
    for delta in conversation.respond("Permission is hereby granted."):  # a pause taken for the end
        parts.append(delta)
        conversation.cancel()  # the user goes on: her reply is cut, what she wrote is recorded...
    assert conversation.history[-1].role == "assistant" and len(memory.messages()) == 4
    conversation.withdraw("Permission is hereby granted.")  # ...and the exchange taken back
    assert [(m.role, m.content) for m in conversation.history] == [("user", "Hello."), ("assistant", reply_text)]
    assert [(role, text) for role, text, _ in memory.messages()] == [("user", "Hello."), ("assistant", reply_text)]
    "".join(conversation.respond("Permission is hereby granted, free of charge."))  # the turn, whole
    assert [text for role, text, _ in memory.messages() if role == "user"] == [
        "Hello.", "Permission is hereby granted, free of charge."]


def test_withdrawing_words_never_recorded_takes_back_nothing(chat_model, memory, reply_text):
    from samantha.conversation.dialogue import Hold

    memory.begin()
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512), memory=memory, persona=BRIEF)
    "".join(conversation.respond("Hello."))
    dropped = Hold()
    dropped.drop()
    "".join(conversation.respond("Permission is hereby granted.", dropped))  # prepared, never confirmed
    conversation.withdraw("Permission is hereby granted.")
    assert len(conversation.history) == 2 and len(memory.messages()) == 2  # the earlier exchange is untouched
