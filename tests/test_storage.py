"""Files she writes for the user: private, whole or not at all, never over a file unasked."""

import os
import stat
from pathlib import Path

import pytest

from samantha.errors import SamanthaError
from samantha.storage import write_private


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_is_private_and_whole(tmp_path):
    out = tmp_path / "memory.json"
    write_private(out, '{"facts": []}')
    assert out.read_text() == '{"facts": []}' and mode(out) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["memory.json"]  # no temporary file left behind


@pytest.mark.fault("kept")
def test_an_existing_file_is_kept_unless_forced_and_a_world_readable_one_becomes_private(tmp_path):
    out = tmp_path / "memory.json"
    out.write_text("old")
    os.chmod(out, 0o644)
    with pytest.raises(SamanthaError, match="already exists; nothing was written.*--force"):
        write_private(out, "new")
    assert out.read_text() == "old"
    write_private(out, "new", force=True)
    assert out.read_text() == "new" and mode(out) == 0o600


@pytest.mark.fault("message")
def test_a_folder_a_missing_folder_and_a_read_only_one_are_named_with_their_fix(tmp_path):
    with pytest.raises(SamanthaError, match="is a folder; give a file name inside it"):
        write_private(tmp_path, "x")
    with pytest.raises(SamanthaError, match="does not exist; create it first"):
        write_private(tmp_path / "nowhere" / "m.json", "x")
    with pytest.raises(SamanthaError, match="Cannot write in /proc"):  # a folder nobody may write in, root too
        write_private(Path("/proc/memory.json"), "x")
