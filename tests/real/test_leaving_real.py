"""Leaving on the real small models: Ctrl+C while she takes notes of earlier conversations (a
135M model takes seconds for each) ends ``samantha voice`` at once, and loses nothing."""

import signal
import subprocess
import sys
import time

import pytest
from test_leaving import clean, leave
from test_voice_loop import Output

from samantha.conversation.memory import Memory

pytestmark = pytest.mark.audio

TALKS = [["My sister Ana lives in Lisbon and loves surfing.", "Lisbon and surfing! Do you visit her often?",
          "Every summer. We go to the beach together.", "That sounds like a lovely tradition."],
         ["I started learning the cello last month.", "How exciting! How is it going?",
          "Slowly, my fingers hurt, but I love the sound.", "It gets easier, and the sound is worth it."],
         ["My dog Rex is getting old.", "I'm sorry. How old is he now?", "Fourteen. He sleeps most of the day.",
          "Fourteen is a good long life for a dog."]]


@pytest.mark.fault("kept")
def test_ctrl_c_while_she_takes_notes_with_a_real_model_leaves_at_once_and_keeps_everything(
        pulse, met_before, real_flags, tmp_path):
    path = tmp_path / "data" / "memory.sqlite3"
    memory = Memory.open(path)
    for talk in TALKS:  # three conversations whose notes were never taken
        memory.begin()
        for i, text in enumerate(talk):
            memory.add_message("user" if i % 2 == 0 else "assistant", text)
    before = memory.export()["conversations"]
    memory.close()
    args = ["voice", *real_flags]
    proc = subprocess.Popen([sys.executable, "-m", "samantha", *args], env=pulse, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out = Output(proc)
        out.wait_for("listening", 90)  # she greets at once: the notes wait for a quiet moment
        time.sleep(2.5)  # quiet for over a second: the notes have the model now
        leave(proc, signal.SIGINT, "taking notes (real model)")
    finally:
        proc.kill()
    clean(args, proc.stderr.read())
    assert proc.returncode in (0, 130)
    memory = Memory.open(path)
    after = memory.export()["conversations"]
    unread = memory.unlearned()
    memory.close()
    assert [c["messages"] for c in after] == [c["messages"] for c in before]  # every message kept
    print(f"conversations still to read next time: {len(unread)} of {len(TALKS)}")
    assert unread, "the notes of three conversations were all done in 2.5 s: this probe no longer probes notes"
