"""The day's agenda put together from events already read and her reminders, pure: which
events fall on the day (in the user's zone, across midnight and clock changes), in what order,
and the sentence she says."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from samantha.day import agenda
from samantha.day.agenda import Event, Item

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
NOW = datetime(2025, 3, 28, 15, 0, tzinfo=BERLIN)  # a Friday


def at(day: int, hour: int, minute: int = 0, zone=BERLIN) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=zone)


EVENTS = [
    Event("Night shift", at(28, 22), at(29, 6)),  # under way since the day before
    Event("Brunch", at(29, 11), at(29, 12, 30)),
    Event("Call with Tokyo", at(29, 7, 0, UTC), at(29, 8, 0, UTC)),  # 8 am in Berlin
    Event("Ana's birthday", date(2025, 3, 29), date(2025, 3, 30)),
    Event("Conference", date(2025, 3, 27), date(2025, 3, 31)),  # several days, all day
    Event("Yesterday", at(28, 9), at(28, 10)),
]


def test_the_events_of_a_day_in_order_all_day_first():
    assert agenda.of_day(EVENTS, date(2025, 3, 29), BERLIN) == [
        Item(None, "Ana's birthday"), Item(None, "Conference"),
        Item(None, "Night shift", until=at(29, 6)),
        Item(at(29, 8), "Call with Tokyo"), Item(at(29, 11), "Brunch")]


def test_the_sentence_she_says():
    items = agenda.of_day(EVENTS, date(2025, 3, 29), BERLIN)
    assert agenda.say(date(2025, 3, 29), items, NOW) == (
        "Tomorrow you have 5 things: all day, Ana's birthday; all day, Conference; until 6 am, Night shift; "
        "at 8 am, Call with Tokyo; at 11 am, Brunch.")
    assert agenda.say(date(2025, 4, 1), [], NOW) == "On Tuesday you have nothing on your calendar and no reminders."


def test_today_from_now_on():
    kept = agenda.of_day(EVENTS, date(2025, 3, 28), BERLIN, NOW)
    assert kept == [Item(None, "Conference"), Item(at(28, 22), "Night shift")]  # the 9 am one is over
    assert agenda.say(date(2025, 3, 28), kept, NOW, left_out=True) == \
        "For the rest of today you have 2 things: all day, Conference; at 10 pm, Night shift."


def test_a_repeating_reminder_falls_on_every_day_it_repeats_on_through_the_clock_change():
    monday = at(24, 9)
    assert agenda.reminder_times(monday, "FREQ=WEEKLY;BYDAY=MO", date(2025, 3, 31), BERLIN) == [
        datetime(2025, 3, 31, 9, 0, tzinfo=BERLIN)]
    assert agenda.reminder_times(monday, "FREQ=WEEKLY;BYDAY=MO", date(2025, 3, 30), BERLIN) == []
    hourly = agenda.reminder_times(at(28, 20), "FREQ=HOURLY;INTERVAL=2", date(2025, 3, 30), BERLIN)
    assert [t.hour for t in hourly] == [0, 3, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]  # on the wall clock; 2 am is skipped
    assert agenda.reminder_times(at(28, 17), None, date(2025, 3, 28), BERLIN) == [at(28, 17)]


def test_many_things_are_counted_not_all_read():
    items = [Item(at(29, 8) + timedelta(minutes=10 * i), f"meeting {i}") for i in range(10)]
    said = agenda.say(date(2025, 3, 29), items, NOW)
    assert said.startswith("Tomorrow you have 10 things: at 8 am, meeting 0;") and said.endswith("meeting 7, and 2 more.")
