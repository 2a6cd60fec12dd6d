"""Numbers as people say them ("twenty five", "an", "1.5"), for the time patterns.

The regular expressions here are pieces of the patterns in ``when.py``; ``number`` reads what
they matched. Up to fifty-nine is enough for clock minutes and everyday durations.
"""

from __future__ import annotations

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
WORDS = {w: i for i, w in enumerate(_ONES)} | _TENS | {"a": 1, "an": 1, "a couple of": 2, "a few": 3}

_DIGIT = "one|two|three|four|five|six|seven|eight|nine"
ONES = "|".join(sorted(_ONES, key=len, reverse=True))
TENS = rf"(?:twenty|thirty|forty|fifty)(?:[- ](?:{_DIGIT}))?"
NUM = rf"(?:\d+(?:\.\d+)?|{TENS}|{ONES}|a couple of|a few|an?)"  # a count: of minutes, hours, days
HOUR = r"(?:1[0-2]|0?\d|twelve|eleven|ten|nine|eight|seven|six|five|four|three|two|one)"
MINUTE = rf"(?:oh[- ](?:{_DIGIT})|{TENS}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"


def number(text: str) -> float:
    """The value of a count matched by ``NUM``, ``HOUR`` or ``MINUTE`` ("twenty-five", "oh five", "2")."""
    text = text.strip().lower()
    if text in WORDS:
        return float(WORDS[text])
    if text[:1].isdigit():
        return float(text)
    first, _, rest = text.replace("-", " ").partition(" ")
    if first == "oh":
        return float(WORDS[rest])
    return float(WORDS[first] + (WORDS[rest] if rest else 0))
