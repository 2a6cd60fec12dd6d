"""The first meeting: her questions, the answers in the profile, and when it happens at all."""

import os
import pty
import select
import sys
import time

import pytest
from conftest import run_cli

from samantha.conversation.memory import Memory
from samantha.conversation.onboarding import Onboarding, a_name


def meet(onboarding, *answers):
    said = [onboarding.opening()]
    for answer in answers:
        said += list(onboarding.respond(answer))
    return said


@pytest.mark.parametrize("answer, name", [
    ("Call me Theo.", "Theo"), ("theo", "theo"), ("My name is Theo Twombly", "Theo Twombly"), ("I'm Ana!", "Ana"),
    ("I'm Theo and you?", "Theo"), ("Call me Theo please", "Theo"), ("How about Ava?", "Ava"),
    ("I think Ava would be nice", ""), ("Hmm, I don't really mind", ""), ("This is the tiny test transcript.", "")])
def test_a_name_is_found_in_what_people_say(answer, name):
    assert a_name(answer) == name


def test_the_answers_land_in_the_profile_and_she_may_take_a_new_name(memory):
    onboarding = Onboarding(memory, "Samantha")
    said = meet(onboarding, "I'm Theo.", "Keep it short, please.", "I write letters for a living.", "Call me Ava")
    assert onboarding.done and said[-1] == "Ava it is. So, Theo, what's on your mind?"
    assert memory.profile() == {"name": "Theo", "likes_to_talk": "briefly", "her_name": "Ava"}
    assert [f.text for f in memory.facts()] == ["Theo said about themselves: I write letters for a living."]


def test_a_name_she_cannot_make_out_is_asked_again_once(memory):
    onboarding = Onboarding(memory, "Samantha")
    said = meet(onboarding, "Well, it's complicated, you know", "Uh, hard to say really")
    assert said[1].startswith("Sorry, I didn't quite catch that") and said[2].startswith("Nice to meet you, friend.")
    assert memory.profile() == {"name": "friend"}


def test_nothing_to_add_and_keeping_her_name_store_nothing_more(memory):
    onboarding = Onboarding(memory, "Samantha")
    said = meet(onboarding, "Theo", "I love a long chat", "No, nothing.", "Samantha is fine")
    assert said[-1] == "Samantha it is. So, Theo, what's on your mind?"
    assert memory.profile() == {"name": "Theo", "likes_to_talk": "at length"} and memory.facts() == []


def test_with_several_voices_the_user_hears_each_and_picks_one(memory):
    heard = []
    onboarding = Onboarding(memory, "Samantha", ["jenny-medium", "lessac-medium"], preview=heard.append)
    said = meet(onboarding, "Theo", "short", "nothing")
    assert heard == ["jenny-medium", "lessac-medium"] and "Which did you like: the first, the second?" in said[-1]
    meet(onboarding, "The second one", "keep it")
    assert memory.profile()["voice"] == "lessac-medium" and onboarding.done


def test_setup_runs_the_first_meeting_by_keyboard(cli_env, model_flags, tmp_path, reply_text):
    answers = "Theo\nshort\nI like tea\nno\nHow are you?\n"
    done = run_cli(["setup", "--no-audio", *model_flags], cli_env, input=answers)
    assert done.returncode == 0, done.stderr
    assert "what should I call you?" in done.stdout and "Samantha it is. So, Theo" in done.stdout
    assert reply_text not in done.stdout  # setup ends with the meeting
    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    assert memory.profile() == {"name": "Theo", "likes_to_talk": "briefly"}
    memory.close()


def test_scripted_chat_never_meets_her_first(cli_env, model_flags, tmp_path, reply_text):
    done = run_cli(["chat", "--no-audio", *model_flags], cli_env, input="Hello\n")
    assert done.returncode == 0 and reply_text in done.stdout and "call you" not in done.stdout
    assert run_cli(["setup", "--incognito", *model_flags], cli_env).returncode == 2


def test_chat_on_a_terminal_begins_with_the_first_meeting_once(cli_env, model_flags, tmp_path):
    def session(*lines: str) -> str:
        pid, fd = pty.fork()
        if pid == 0:  # the child: samantha on a terminal
            os.execve(sys.executable, [sys.executable, "-m", "samantha", "chat", "--no-audio", *model_flags], cli_env)
        seen, deadline = b"", time.monotonic() + 60
        try:
            for answered, line in enumerate((*lines, "\x04")):  # answers, then Ctrl+D
                while seen.count("you ›".encode()) <= answered:  # wait for the prompt
                    assert time.monotonic() < deadline, seen.decode(errors="replace")
                    if select.select([fd], [], [], 0.5)[0]:
                        seen += os.read(fd, 4096)
                os.write(fd, line.encode() + (b"\n" if line != "\x04" else b""))
            os.waitpid(pid, 0)
        finally:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.close(fd)
        return seen.decode(errors="replace")

    first = session("Theo", "short", "nothing", "keep it")
    assert "what should I call you?" in first and "Samantha it is. So, Theo" in first
    again = session("Hello")
    assert "what should I call you" not in again and "is here. Type and press Enter" in again
