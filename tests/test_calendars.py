"""The user's calendars, read from .ics files and vdir folders generated here: a weekly event in
another zone (TZID) with a date taken out (EXDATE), an all-day event, one in the user's zone;
the agenda for given days is exact. A file that is not iCalendar and a path that does not
exist are each one sentence, and the rest is still read."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from samantha.conversation.agenda_skill import AgendaSkill
from samantha.conversation.calendars import read_day
from samantha.conversation.memory import Memory
from samantha.conversation.reminders import ReminderBook
from samantha.day.agenda import AskAgenda

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK_TZ = """BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:STANDARD
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
END:DAYLIGHT
END:VTIMEZONE
"""
TEAM_CALL = """BEGIN:VEVENT
UID:team-call@example.org
DTSTAMP:20250101T000000Z
DTSTART;TZID=America/New_York:20250303T090000
DTEND;TZID=America/New_York:20250303T100000
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE;TZID=America/New_York:20250317T090000
SUMMARY:Team call
END:VEVENT
"""
BIRTHDAY = """BEGIN:VEVENT
UID:birthday@example.org
DTSTAMP:20250101T000000Z
DTSTART;VALUE=DATE:20250318
DTEND;VALUE=DATE:20250319
SUMMARY:Ana's birthday
END:VEVENT
"""
DENTIST = """BEGIN:VEVENT
UID:dentist@example.org
DTSTAMP:20250101T000000Z
DTSTART;TZID=Europe/Berlin:20250318T103000
DTEND;TZID=Europe/Berlin:20250318T110000
SUMMARY:Dentist
END:VEVENT
"""


def calendar(*events: str, zones: str = NEW_YORK_TZ) -> str:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//samantha tests//EN\r\n" + zones
            + "".join(events) + "END:VCALENDAR\r\n").replace("\r\n", "\n").replace("\n", "\r\n")


@pytest.fixture
def one_file(tmp_path):
    path = tmp_path / "personal.ics"
    path.write_text(calendar(TEAM_CALL, BIRTHDAY, DENTIST))
    return str(path)


@pytest.fixture
def vdir(tmp_path):
    """A vdir as vdirsyncer keeps it: a folder per calendar, one event per file."""
    folder = tmp_path / "calendars" / "work"
    folder.mkdir(parents=True)
    for name, event in (("team-call", TEAM_CALL), ("birthday", BIRTHDAY), ("dentist", DENTIST)):
        (folder / f"{name}.ics").write_text(calendar(event, zones=NEW_YORK_TZ if "TZID=America" in event else ""))
    return str(tmp_path / "calendars")


def agenda_on(tmp_path, paths, day: date, now: datetime = datetime(2025, 3, 1, 8, 0, tzinfo=BERLIN)) -> str:
    book = ReminderBook(Memory.open(tmp_path / "memory.sqlite3").db)
    return AgendaSkill(book, tuple(paths), BERLIN).answer(AskAgenda(day), now)


EXPECTED = {  # New York changes its clocks on March 9, Berlin on March 30: the call moves in Berlin time
    date(2025, 3, 3): "On Monday you have one thing: at 3 pm, Team call.",  # within the week: its name
    date(2025, 3, 10): "On March 10 you have one thing: at 2 pm, Team call.",
    date(2025, 3, 17): "On March 17 you have nothing on your calendar and no reminders.",  # taken out (EXDATE)
    date(2025, 3, 18): "On March 18 you have 2 things: all day, Ana's birthday; at 10:30 am, Dentist.",
    date(2025, 3, 31): "On March 31 you have one thing: at 3 pm, Team call.",
}


@pytest.mark.parametrize("day", list(EXPECTED))
def test_the_agenda_of_a_file_is_exact_in_the_users_zone(tmp_path, one_file, day):
    assert agenda_on(tmp_path, [one_file], day) == EXPECTED[day]


@pytest.mark.parametrize("day", list(EXPECTED))
def test_a_vdir_folder_reads_the_same(tmp_path, vdir, day):
    assert agenda_on(tmp_path, [vdir], day) == EXPECTED[day]


def test_today_is_what_is_still_to_come(tmp_path, one_file):
    at_noon = datetime(2025, 3, 18, 12, 0, tzinfo=BERLIN)
    assert agenda_on(tmp_path, [one_file], date(2025, 3, 18), at_noon) == \
        "For the rest of today you have one thing: all day, Ana's birthday."


def test_a_home_relative_path_is_expanded(tmp_path, one_file, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert read_day(("~/personal.ics",), date(2025, 3, 18), BERLIN).events


@pytest.mark.fault("message")
def test_a_file_that_is_not_a_calendar_is_one_sentence_and_the_rest_is_read(tmp_path, one_file):
    broken = tmp_path / "broken.ics"
    broken.write_text("this is my shopping list, not a calendar\n")
    said = agenda_on(tmp_path, [str(broken), one_file], date(2025, 3, 10))
    assert said == ("On March 10 you have one thing: at 2 pm, Team call. Your calendar file broken.ics isn't an "
                    "iCalendar file I can read, so I left it out; fix it, or take it out of [calendar] paths in my settings.")
    assert broken.read_text() == "this is my shopping list, not a calendar\n"  # read, never written


@pytest.mark.fault("message")
def test_a_calendar_path_that_does_not_exist_is_one_sentence_naming_it(tmp_path, one_file):
    said = agenda_on(tmp_path, ["~/no/such/calendar.ics", one_file], date(2025, 3, 10))
    assert said == ("On March 10 you have one thing: at 2 pm, Team call. I can't find your calendar at "
                    "~/no/such/calendar.ics; correct it under [calendar] paths in my settings, or take it out.")


def test_no_calendar_set_up_is_said_once_with_the_setting(tmp_path):
    skill = AgendaSkill(ReminderBook(Memory.open(tmp_path / "m.sqlite3").db), (), BERLIN)
    now = datetime(2025, 3, 1, 8, 0, tzinfo=BERLIN)
    assert "[calendar] paths" in skill.answer(AskAgenda(date(2025, 3, 3)), now)
    assert skill.answer(AskAgenda(date(2025, 3, 3)), now) == "On Monday you have nothing on your calendar and no reminders."
