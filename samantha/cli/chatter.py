"""Keep the sound libraries' chatter off her terminal.

ALSA ("ALSA lib pcm.c:8570:(snd_pcm_recover) underrun occurred"), PortAudio ("Expression
'…' failed in 'src/hostapi/alsa/pa_linux_alsa.c'") and JACK probing write straight to the
process's standard error from C. On her terminal those lines land inside what she and the
user are saying, and nothing in them is the user's to act on: what matters (a device lost,
a stream that cannot open) she says herself. So standard error becomes a pipe read by a
thread that passes every other line on to the real one; Python's own messages go there
directly. ``--debug`` keeps it all.
"""

from __future__ import annotations

import atexit
import io
import os
import re
import sys
import threading

CHATTER = re.compile(rb"^(ALSA lib |Expression '.*' failed in '|PaAlsa|Cannot connect to server (socket|request)|"
                     rb"jack server is not running|JackShmReadWritePtr)")


def keep_off_terminal() -> None:
    """From now on, the sound libraries' lines are dropped from standard error (fd 2)."""
    try:
        terminal = os.dup(2)
        reading, writing = os.pipe()
    except OSError:  # no standard error to speak of: nothing to keep clean
        return
    sys.stderr.flush()
    os.dup2(writing, 2)
    os.close(writing)
    sys.stderr = io.TextIOWrapper(io.FileIO(terminal, "w"), line_buffering=True, errors="backslashreplace")
    passing = threading.Thread(target=_pass_on, args=(reading, terminal), name="stderr", daemon=True)
    passing.start()
    atexit.register(_drain, passing, terminal)


def _drain(passing: threading.Thread, terminal: int) -> None:
    """At exit: the pipe closed, so what is left in it still reaches the terminal."""
    os.dup2(terminal, 2)
    passing.join(timeout=0.5)


def _pass_on(reading: int, terminal: int) -> None:
    with io.FileIO(reading, "r") as lines:
        for line in io.BufferedReader(lines):
            if not CHATTER.match(line):
                os.write(terminal, line)
