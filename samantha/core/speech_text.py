"""Turn an LLM's written reply into text a voice can say.

Small models slip into markdown, emoji and URLs even when told not to; read out, those are
noise ("asterisk asterisk"). Numbers are left to espeak-ng, which already says digits well,
except for forms it reads badly: clock times, currency and common abbreviations.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(p, f), r) for p, r, f in [
    (r"```.*?(```|$)", " ", re.S),                                  # code blocks: not speakable
    (r"!\[([^\]]*)\]\([^)]*\)", r"\1", 0),                          # images: keep alt text
    (r"\[([^\]]+)\]\([^)]*\)", r"\1", 0),                           # links: keep link text
    (r"https?://(?:www\.)?([^/\s]+)\S*", r"\1", 0),                 # bare URLs: say the host
    (r"`([^`]*)`", r"\1", 0),                                       # inline code
    (r"^\s{0,3}(#{1,6}|>|[-*+•]|\d+[.)])\s+", "", re.M),            # headings, quotes, bullets
    (r"(\*{1,3}|_{2,3})(\S(?:.*?\S)?)\1", r"\2", 0),                # bold / italic
    (r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]", "", 0),   # emoji
    (r"\b(\d{1,2}):00\s*([ap])\.?m(?!\w)", r"\1 \2 m", re.I),     # 3:00 pm -> 3 p m
    (r"\b(\d{1,2}):0(\d)\s*([ap])\.?m(?!\w)", r"\1 oh \2 \3 m", re.I),
    (r"\b(\d{1,2}):(\d{2})\s*([ap])\.?m(?!\w)", r"\1 \2 \3 m", re.I),
    (r"\b(\d{1,2}):00\b", r"\1 o'clock", 0),
    (r"\b(\d{1,2}):0(\d)\b", r"\1 oh \2", 0),
    (r"\b(\d{1,2}):(\d{2})\b", r"\1 \2", 0),
    (r"\b(\d{1,2})\s*([ap])\.?m(?!\w)", r"\1 \2 m", re.I),       # 7pm -> 7 p m
    (r"\$(\d+)\.(\d\d)\b", r"\1 dollars \2", 0),
    (r"\$(\d+(?:,\d{3})*)", r"\1 dollars", 0),
    (r"€(\d+(?:[.,]\d+)?)", r"\1 euros", 0),
    (r"£(\d+(?:[.,]\d+)?)", r"\1 pounds", 0),
    (r"(\d)\s*%", r"\1 percent", 0),
    (r"°\s*C\b", " degrees Celsius", 0),
    (r"°\s*F\b", " degrees Fahrenheit", 0),
    (r"°", " degrees", 0),
    (r"\s&\s", " and ", 0),
]]

_ABBREVIATIONS = {
    "Dr.": "Doctor", "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Prof.": "Professor",
    "St.": "Saint", "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera",
    "vs.": "versus", "approx.": "about", "min.": "minutes", "hrs.": "hours", "w/": "with",
}
_ABBREVIATION = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?!\w)", re.I)
_CASEFOLD = {k.lower(): v for k, v in _ABBREVIATIONS.items()}


def clean_for_speech(text: str) -> str:
    """Speakable text: markup and symbols removed, times/money/abbreviations spelled out."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = _ABBREVIATION.sub(lambda m: _CASEFOLD[m.group(1).lower()], text)
    text = re.sub(r"[*_#|~^<>\[\]{}\\]", " ", text)  # stray markup characters
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # A line break is a pause; give lines without end punctuation one so piper pauses too.
    text = " ".join(line if line[-1] in ".!?,;:" else line + "." for line in lines)
    return re.sub(r"\s+", " ", text).strip()
