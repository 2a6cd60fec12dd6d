"""``samantha letters``: list, show, export and the book. The book is read back as the user
sees it: its text extracted (pdftotext) is the letters', and its pages rendered
(pdftoppm) keep every mark inside the margins, one letter to a page. Bad input is one
paragraph, and nothing is lost."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli

from samantha.letters.draft import Draft
from samantha.letters.files import LetterFiles
from samantha.letters.front import Letter

GRANDMA = Letter("Grandma", date(2026, 11, 30), Draft((
    "Dear Grandma,", "Thank you for the scarf — it’s the “softest” thing I own. " * 6,
    "Naïve as it sounds, I miss the summers at the lake. Let’s go again in June?"), "With love,", "Theo"), favourite=True)
AMY = Letter("Amy", date(2026, 12, 3),
             Draft(("Dear Amy,", "Thank you for the flowers, they smell of spring."), "Warmly,", "Theo"))


@pytest.fixture
def letters(tmp_path, cli_env):
    folder = tmp_path / "letters"
    cli_env["SAMANTHA_LETTERS_DIR"] = str(folder)
    files = LetterFiles(folder)
    for letter in (GRANDMA, AMY):
        files.save(files.new_path(letter), letter)
    return folder


def words(text: str) -> str:
    return " ".join(text.split())


def needs(tool: str) -> None:
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed (scripts/test installs poppler-utils)")


def test_list_show_and_export(letters, cli_env, tmp_path):
    listed = run_cli(["letters", "list"], cli_env)
    assert listed.returncode == 0 and "to Grandma" in listed.stdout and "★" in listed.stdout
    shown = run_cli(["letters", "show", "Amy"], cli_env)
    assert "Dear Amy,\n\nThank you for the flowers" in shown.stdout
    out = tmp_path / "amy.txt"
    assert run_cli(["letters", "export", "2", "--to", "txt", "--out", str(out)], cli_env).returncode == 0
    assert out.read_text() == AMY.draft.text() + "\n"


def test_the_book_holds_the_letters_text_one_to_a_page_in_a_real_font(letters, cli_env, tmp_path):
    needs("pdftotext")
    out = tmp_path / "book.pdf"
    made = run_cli(["letters", "book", "--title", "Letters to the people I love", "1", "2", str(out)], cli_env)
    assert made.returncode == 0, made.stderr
    pages = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout.split("\f")
    assert "Letters to the people I love" in pages[0] and "Contents" in pages[1]
    for letter, page in ((GRANDMA, pages[2]), (AMY, pages[3])):
        body = re.sub(r"\s\d+\s*$", "", words(page))  # the page number at the foot
        assert body.startswith(f"To {letter.to} ")
        assert body.endswith(words(letter.draft.text())), body
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "Garamond" in fonts or "DejaVu" in fonts


def test_the_books_pages_keep_their_ink_inside_the_margins(letters, cli_env, tmp_path):
    needs("pdftoppm")
    from PIL import Image

    out = tmp_path / "book.pdf"
    assert run_cli(["letters", "book", str(out)], cli_env).returncode == 0  # no choice: the favourites
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True, capture_output=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3  # title, contents, Grandma's letter alone
    for path in pages:
        image = Image.open(path).convert("L")
        mm = image.width / 148
        ink = image.point(lambda v: 255 if v < 200 else 0).getbbox()
        assert ink is not None
        left, top, right, bottom = ink
        assert left >= 19 * mm and right <= image.width - 19 * mm and top >= 15 * mm and bottom <= image.height - 10 * mm


def assert_clean_error(result, *expected):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("samantha: ") and "\n" not in message, message
    for word in expected:
        assert word in message, message


def test_open_hands_the_letter_to_the_users_editor(letters, cli_env, tmp_path):
    import sys

    opened = tmp_path / "opened.txt"
    recorder = tmp_path / "editor.py"  # an editor that notes what it was asked to open
    recorder.write_text(f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n")
    result = run_cli(["letters", "open", "Amy"], dict(cli_env, EDITOR=f"{sys.executable} {recorder}"))
    assert result.returncode == 0, result.stderr
    assert opened.read_text().endswith("Amy.md") and opened.read_text().startswith(str(letters))


@pytest.mark.fault("message")
def test_open_without_an_editor_says_how_to_set_one(letters, cli_env):
    env = {k: v for k, v in cli_env.items() if k not in ("EDITOR", "VISUAL", "DISPLAY", "WAYLAND_DISPLAY")}
    result = run_cli(["letters", "open", "1"], env)
    assert result.returncode == 2 and "EDITOR" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.fault("message")
def test_a_letter_with_bad_front_matter_is_listed_with_its_problem_and_left_alone(letters, cli_env):
    bad = letters / "2026-12-24 Jo.md"
    bad.write_text("---\nto: Jo\nnot a field\n---\n\nDear Jo,\n")
    listed = run_cli(["letters", "list"], cli_env)
    assert listed.returncode == 0 and "cannot be read" in listed.stdout and "to Amy" in listed.stdout
    assert_clean_error(run_cli(["letters", "show", "2026-12-24 Jo"], cli_env), "key: value", "not changed")
    assert bad.read_text() == "---\nto: Jo\nnot a field\n---\n\nDear Jo,\n"


@pytest.mark.fault("message")
def test_a_letter_that_is_not_utf8_says_how_to_save_it(letters, cli_env):
    bad = letters / "2026-12-24 Jo.md"
    bad.write_bytes("Cher Jo, à bientôt".encode("latin-1"))
    assert_clean_error(run_cli(["letters", "show", "Jo"], cli_env), "UTF-8", "not changed")
    assert bad.read_bytes() == "Cher Jo, à bientôt".encode("latin-1")


@pytest.mark.fault("message")
def test_an_empty_letter_has_nothing_to_show_or_export(letters, cli_env):
    (letters / "2026-12-24 Jo.md").write_text("")
    assert_clean_error(run_cli(["letters", "show", "Jo"], cli_env), "empty")
    assert_clean_error(run_cli(["letters", "export", "Jo"], cli_env), "empty", "Nothing was written")


@pytest.mark.fault("message")
def test_a_book_with_no_letters_says_how_to_write_one(tmp_path, cli_env):
    cli_env["SAMANTHA_LETTERS_DIR"] = str(tmp_path / "none")
    assert_clean_error(run_cli(["letters", "book", str(tmp_path / "b.pdf")], cli_env), "no letters", "Nothing was written")
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.fault("kept")
def test_an_export_target_that_is_not_writable_is_one_paragraph_and_the_letter_is_kept(letters, cli_env, tmp_path):
    locked = tmp_path / "locked"  # a folder this user may not write in; /proc refuses even root
    locked.mkdir(mode=0o500)
    target = locked if os.geteuid() else Path("/proc")
    result = run_cli(["letters", "export", "Amy", "--to", "pdf", "--out", str(target / "amy.pdf")], cli_env)
    assert_clean_error(result, "choose a folder you can write to")
    blocked = run_cli(["letters", "export", "Amy", "--out", str(tmp_path / "no" / "such" / "amy.md")], cli_env)
    assert_clean_error(blocked, "does not exist")
    assert LetterFiles(letters).find("Amy").letter == AMY
