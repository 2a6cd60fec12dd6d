"""The sound libraries' chatter is kept off her terminal; everything else still reaches it."""

import subprocess
import sys

import pytest

PROGRAM = """
import os, sys
from samantha.cli import chatter
chatter.keep_off_terminal()
os.write(2, b"ALSA lib pcm.c:8570:(snd_pcm_recover) underrun occurred\\n")
os.write(2, b"Expression 'PaAlsaStream_WaitForFrames( stream, &framesAvail, &xrun )' failed in "
            b"'src/hostapi/alsa/pa_linux_alsa.c', line: 4285\\n")
os.write(2, b"a C library's own warning\\n")
print("samantha: a message of her own", file=sys.stderr)
os.write(2, b"the last words before exit\\n")
"""


@pytest.mark.fault("message")
def test_alsa_and_portaudio_lines_are_dropped_and_the_rest_is_kept():
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "ALSA" not in result.stderr and "pa_linux_alsa" not in result.stderr
    lines = result.stderr.splitlines()
    assert "a C library's own warning" in lines and "samantha: a message of her own" in lines
    assert "the last words before exit" in lines
