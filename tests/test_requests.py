"""Requests for her skills, read from typed sentences at a fixed "now" in a named zone: the
exact time, repeat and text of each, and sentences that must reach the LLM untouched.
The score is printed at the end of the run (``test_the_score``)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from samantha.day.agenda import AskAgenda
from samantha.day.lists import AddItems, AddNote, ClearList, ReadList, RemoveItems, TickItems
from samantha.day.requests import CancelReminder, ListReminders, SetReminder, Snooze, recognise
from samantha.day.when import Past, Unclear, When

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = datetime(2025, 3, 28, 15, 0, tzinfo=BERLIN)  # the clocks go forward on Sunday the 30th, 2:00 -> 3:00
LATE = datetime(2025, 3, 28, 22, 0, tzinfo=BERLIN)  # "at 9" is then tomorrow morning
AUTUMN = datetime(2025, 10, 25, 20, 0, tzinfo=BERLIN)  # the clocks go back in the night, 3:00 -> 2:00
R, T, A = "reminder", "timer", "alarm"

CASES = [  # (text, now, what it must be read as)
    ("remind me at five to call my sister", FRIDAY, (R, "call your sister", "unclear", "2025-03-29T05:00:00+01:00",
                                                     "2025-03-28T17:00:00+01:00")),
    ("remind me at 5 pm to call my sister", FRIDAY, (R, "call your sister", "2025-03-28T17:00:00+01:00", None)),
    ("in twenty minutes, tell me to take the bread out", FRIDAY, (R, "take the bread out", "2025-03-28T15:20:00+01:00", None)),
    ("set a timer for ten minutes", FRIDAY, (T, "", "2025-03-28T15:10:00+01:00", None)),
    ("wake me at 7:30 tomorrow", FRIDAY, (A, "", "2025-03-29T07:30:00+01:00", None)),
    ("every Monday at nine remind me about the team call", FRIDAY,
     (R, "about the team call", "2025-03-31T09:00:00+02:00", "FREQ=WEEKLY;BYDAY=MO")),
    ("what reminders do I have?", FRIDAY, ListReminders()),
    ("cancel the bread one", FRIDAY, CancelReminder("bread")),
    ("snooze that for ten minutes", FRIDAY, Snooze(timedelta(minutes=10))),
    ("remind me in an hour and a half to stretch", FRIDAY, (R, "stretch", "2025-03-28T16:30:00+01:00", None)),
    ("remind me at 9 to water the plants", FRIDAY, (R, "water the plants", "2025-03-28T21:00:00+01:00", None)),
    ("remind me at 9 to water the plants", LATE, (R, "water the plants", "2025-03-29T09:00:00+01:00", None)),
    ("remind me at 2 pm to water the plants", FRIDAY, (R, "water the plants", "2025-03-29T14:00:00+01:00", None)),
    ("remind me at midnight to lock the door", FRIDAY, (R, "lock the door", "2025-03-29T00:00:00+01:00", None)),
    ("remind me at noon tomorrow to eat lunch", FRIDAY, (R, "eat lunch", "2025-03-29T12:00:00+01:00", None)),
    ("remind me tomorrow at noon to eat lunch", FRIDAY, (R, "eat lunch", "2025-03-29T12:00:00+01:00", None)),
    ("remind me on March 3rd at 8 pm to pay the rent", FRIDAY, (R, "pay the rent", "2026-03-03T20:00:00+01:00", None)),
    ("remind me on April 2nd at 8 am to pay the rent", FRIDAY, (R, "pay the rent", "2025-04-02T08:00:00+02:00", None)),
    ("remind me on the 3rd to pay the rent", FRIDAY, (R, "pay the rent", "2025-04-03T09:00:00+02:00", None)),
    ("remind me every weekday at 7:15 am to take my pills", FRIDAY,
     (R, "take your pills", "2025-03-31T07:15:00+02:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")),
    ("remind me at half past six to cook", FRIDAY, (R, "cook", "unclear", "2025-03-29T06:30:00+01:00",
                                                    "2025-03-28T18:30:00+01:00")),
    ("remind me at seven thirty pm to go running", FRIDAY, (R, "go running", "2025-03-28T19:30:00+01:00", None)),
    ("remind me today at 9 am to go", FRIDAY, (R, "go", "past", "2025-03-28T09:00:00+01:00")),
    ("remind me at 17:45 to leave work", FRIDAY, (R, "leave work", "2025-03-28T17:45:00+01:00", None)),
    ("every two hours remind me to drink water", FRIDAY,
     (R, "drink water", "2025-03-28T17:00:00+01:00", "FREQ=HOURLY;INTERVAL=2")),
    ("remind me on Sunday at 2:30 am to check the clocks", FRIDAY,  # 2:30 does not exist that night
     (R, "check the clocks", "2025-03-30T03:30:00+02:00", None)),
    ("remind me in 3 hours to check the oven", FRIDAY, (R, "check the oven", "2025-03-28T18:00:00+01:00", None)),
    ("Samantha, can you remind me tomorrow morning to call the bank", FRIDAY,
     (R, "call the bank", "2025-03-29T09:00:00+01:00", None)),
    ("please remind me tonight to take out the trash", FRIDAY, (R, "take out the trash", "2025-03-28T21:00:00+01:00", None)),
    ("could you remind me at 10 pm to feed the cat", FRIDAY, (R, "feed the cat", "2025-03-28T22:00:00+01:00", None)),
    ("remind me this evening about the package", FRIDAY, (R, "about the package", "2025-03-28T18:00:00+01:00", None)),
    ("remind me next Friday at 8 am to renew my passport", FRIDAY,
     (R, "renew your passport", "2025-04-04T08:00:00+02:00", None)),
    ("remind me to call mom", FRIDAY, (R, "call mom", None)),
    ("remind me in 90 seconds to flip the pancake", FRIDAY, (R, "flip the pancake", "2025-03-28T15:01:30+01:00", None)),
    ("remind me in half an hour to check the laundry", FRIDAY, (R, "check the laundry", "2025-03-28T15:30:00+01:00", None)),
    ("remind me every day at 8 pm to journal", FRIDAY, (R, "journal", "2025-03-28T20:00:00+01:00", "FREQ=DAILY")),
    ("remind me every morning to stretch", FRIDAY, (R, "stretch", "2025-03-29T09:00:00+01:00", "FREQ=DAILY")),
    ("remind me daily at 6 am to meditate", FRIDAY, (R, "meditate", "2025-03-29T06:00:00+01:00", "FREQ=DAILY")),
    ("remind me every Tuesday and Thursday at 6 pm to go to yoga", FRIDAY,
     (R, "go to yoga", "2025-04-01T18:00:00+02:00", "FREQ=WEEKLY;BYDAY=TU,TH")),
    ("set a reminder for 4 pm to pick up the kids", FRIDAY, (R, "pick up the kids", "2025-03-28T16:00:00+01:00", None)),
    ("tomorrow at 8 remind me to call the plumber", FRIDAY, (R, "call the plumber", "2025-03-29T08:00:00+01:00", None)),
    ("at 11 tell me to take a break", FRIDAY, (R, "take a break", "2025-03-28T23:00:00+01:00", None)),
    ("remind me tomorrow at 2:30 am to check the clocks", AUTUMN,  # 2:30 happens twice that night: the first
     (R, "check the clocks", "2025-10-26T02:30:00+02:00", None)),
    ("remind me in 8 hours to sleep", AUTUMN, (R, "sleep", "2025-10-26T03:00:00+01:00", None)),  # eight real hours
    ("remind me every day at 9 am to water the garden", AUTUMN,
     (R, "water the garden", "2025-10-26T09:00:00+01:00", "FREQ=DAILY")),
    ("set an alarm for 6:45 am", FRIDAY, (A, "", "2025-03-29T06:45:00+01:00", None)),
    ("set an alarm for 7", FRIDAY, (A, "", "2025-03-29T07:00:00+01:00", None)),
    ("wake me up in 20 minutes", FRIDAY, (A, "", "2025-03-28T15:20:00+01:00", None)),
    ("wake me at 6", FRIDAY, (A, "", "2025-03-29T06:00:00+01:00", None)),
    ("set a 5 minute timer", FRIDAY, (T, "", "2025-03-28T15:05:00+01:00", None)),
    ("start a timer for 25 minutes for the pasta", FRIDAY, (T, "the pasta", "2025-03-28T15:25:00+01:00", None)),
    ("a ten-minute timer please", FRIDAY, (T, "", "2025-03-28T15:10:00+01:00", None)),
    ("timer for 3 minutes", FRIDAY, (T, "", "2025-03-28T15:03:00+01:00", None)),
    ("set a timer for an hour and 15 minutes", FRIDAY, (T, "", "2025-03-28T16:15:00+01:00", None)),
    ("set a timer", FRIDAY, (T, "", None)),
    ("what timers do I have", FRIDAY, ListReminders("timer")),
    ("do I have any alarms?", FRIDAY, ListReminders("alarm")),
    ("list my reminders", FRIDAY, ListReminders()),
    ("any reminders?", FRIDAY, ListReminders()),
    ("how long is left on the timer?", FRIDAY, ListReminders("timer")),
    ("cancel my alarm", FRIDAY, CancelReminder("", "alarm")),
    ("cancel all my reminders", FRIDAY, CancelReminder("", "reminder", every=True)),
    ("delete the reminder about the team call", FRIDAY, CancelReminder("the team call", "reminder")),
    ("cancel that", FRIDAY, CancelReminder("")),
    ("never mind the pasta timer", FRIDAY, CancelReminder("pasta", "timer")),
    ("snooze", FRIDAY, Snooze(timedelta(minutes=10))),
    ("remind me again in 15 minutes", FRIDAY, Snooze(timedelta(minutes=15))),
]
NOT_REQUESTS = [  # conversation: the LLM answers these
    "I need to remember to be kinder to myself",
    "remind me what we talked about yesterday",
    "my sister called me at five",
    "I set a timer yesterday and still burned the bread",
    "what time is it?",
    "every Monday I go to the gym at nine",
    "tomorrow I have a meeting at 9",
    "do you remember my sister?",
    "the alarm went off at 7 this morning",
    "in twenty minutes I'll be home",
    "I'm going to cancel my gym membership",
    "that reminds me of my grandmother",
    "can you remind me why you said that",
    "I snoozed my alarm three times this morning",
    "stop it",
    "what reminders of home do you like?",
    "cancel the plans, I think we should stay in",
    "tell me a story about a timer",
    "remind me of the name of that song",
    "wake me up inside",
    "I want to remember to call my mom more often",
    "every time I call you tell me to relax",
]
DAY_CASES = [  # notes, lists and the agenda (day/lists.py, day/agenda.py), at FRIDAY (March 28, 2025)
    ("note that the plumber comes Thursday", AddNote("the plumber comes Thursday")),
    ("make a note that Ana likes tulips", AddNote("Ana likes tulips")),
    ("Samantha, take a note: my sister's birthday is May 3", AddNote("my sister's birthday is May 3")),
    ("note to self, buy stamps", AddNote("buy stamps")),
    ("jot down the wifi password is on the fridge", AddNote("the wifi password is on the fridge")),
    ("take a note", AddNote("")),
    ("add buy stamps to my notes", AddNote("buy stamps")),
    ("add milk and eggs to my shopping list", AddItems(("milk", "eggs"), "shopping")),
    ("please put bread, butter and some apples on the grocery list", AddItems(("bread", "butter", "apples"), "shopping")),
    ("add call the bank to my to do list", AddItems(("call the bank",), "to-do")),
    ("can you add sunscreen to the packing list", AddItems(("sunscreen",), "packing")),
    ("add cheese to the list too", AddItems(("cheese",), None)),
    ("what's on my shopping list?", ReadList("shopping")),
    ("what is on the list", ReadList(None)),
    ("read me my to-do list", ReadList("to-do")),
    ("read me my notes", ReadList("notes")),
    ("what notes do I have?", ReadList("notes")),
    ("what lists do I have?", ReadList("*")),
    ("I got the milk", TickItems(("milk",), None, only_if_listed=True)),
    ("okay, I bought the eggs and the bread", TickItems(("eggs", "bread"), None, only_if_listed=True)),
    ("tick off milk", TickItems(("milk",), None)),
    ("cross eggs off my shopping list", TickItems(("eggs",), "shopping")),
    ("mark call the bank as done", TickItems(("call the bank",), None)),
    ("take eggs off the list", RemoveItems(("eggs",), None)),
    ("remove butter from my shopping list", RemoveItems(("butter",), "shopping")),
    ("delete the note about the plumber", RemoveItems(("the plumber",), "notes")),
    ("clear my shopping list", ClearList("shopping")),
    ("delete all my notes", ClearList("notes")),
    ("start the list over", ClearList(None)),
    ("what's my day like?", AskAgenda(date(2025, 3, 28))),
    ("what's on tomorrow?", AskAgenda(date(2025, 3, 29))),
    ("what do I have on Friday?", AskAgenda(date(2025, 4, 4))),  # the coming Friday, never today (as reminders)
    ("what's on my calendar?", AskAgenda(date(2025, 3, 28))),
    ("how does tomorrow look?", AskAgenda(date(2025, 3, 29))),
    ("am I free on Sunday?", AskAgenda(date(2025, 3, 30))),
    ("hey Samantha, what's my schedule for Tuesday", AskAgenda(date(2025, 4, 1))),
    ("do I have anything on the day after tomorrow?", AskAgenda(date(2025, 3, 30))),
    ("what's on my calendar on April 3rd?", AskAgenda(date(2025, 4, 3))),
]
DAY_NOT_REQUESTS = [  # conversation about notes, lists and days: the LLM answers these
    "I need to note how I feel",
    "my shopping list is long today",
    "note how the light changes in the evening",
    "I wrote a list of reasons to move",
    "I keep a to-do list on paper",
    "do you like making lists?",
    "what's on your mind?",
    "what's on TV tonight?",
    "what's happening?",
    "how was your day?",
    "what's your schedule like?",
    "my day was long",
    "am I free to be myself here?",
    "what do I have to lose",
    "clear my head, tell me something nice",
    "add some spice to my life",
    "I made a note of it in my diary",
    "what's today's date?",
    "remind me to add milk to my shopping list",  # a reminder, not a list item (read as one above)
]
score = {"right": 0, "tried": 0}


def read(text: str, now: datetime):
    """A request as comparable values: (kind, what, due, rule) for a reminder set."""
    r = recognise(text, now)
    if not isinstance(r, SetReminder):
        return r
    match r.when:
        case When():
            return (r.kind, r.what, r.when.due.isoformat(), r.when.rule)
        case Unclear():
            return (r.kind, r.what, "unclear", r.when.morning.due.isoformat(), r.when.afternoon.due.isoformat())
        case Past():
            return (r.kind, r.what, "past", r.when.due.isoformat())
    return (r.kind, r.what, None)


@pytest.mark.parametrize(("text", "now", "expected"), CASES, ids=[c[0][:48] for c in CASES])
def test_a_request_is_read_exactly(text, now, expected):
    score["tried"] += 1
    assert read(text, now) == expected
    score["right"] += 1


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_conversation_is_not_a_request(text):
    score["tried"] += 1
    assert recognise(text, FRIDAY) is None
    score["right"] += 1


@pytest.mark.parametrize(("text", "expected"), DAY_CASES, ids=[c[0][:48] for c in DAY_CASES])
def test_a_note_list_or_agenda_request_is_read_exactly(text, expected):
    score["tried"] += 1
    assert recognise(text, FRIDAY) == expected
    score["right"] += 1


@pytest.mark.parametrize("text", DAY_NOT_REQUESTS)
def test_talk_about_notes_lists_and_days_is_not_a_request(text):
    score["tried"] += 1
    if text.startswith("remind me"):
        assert isinstance(recognise(text, FRIDAY), SetReminder)
    else:
        assert recognise(text, FRIDAY) is None
    score["right"] += 1


def test_requests_are_recognised_in_well_under_five_milliseconds():
    texts = [c[0] for c in CASES] + NOT_REQUESTS + [c[0] for c in DAY_CASES] + DAY_NOT_REQUESTS
    started = time.perf_counter()
    for text in texts:
        recognise(text, FRIDAY)
    mean_ms = (time.perf_counter() - started) * 1000 / len(texts)
    print(f"\nrecognition: {mean_ms:.2f} ms a sentence on average")
    assert mean_ms <= 5.0


def test_the_score():
    print(f"\nrequests read exactly: {score['right']}/{score['tried']} "
          f"({len(CASES)} reminders, {len(NOT_REQUESTS)} that must not be; {len(DAY_CASES)} notes, lists and agendas, "
          f"{len(DAY_NOT_REQUESTS)} that must not be)")
    assert len(CASES) >= 45 and len(NOT_REQUESTS) >= 15 and len(DAY_CASES) >= 30 and len(DAY_NOT_REQUESTS) >= 10
    assert score["right"] == score["tried"] == len(CASES) + len(NOT_REQUESTS) + len(DAY_CASES) + len(DAY_NOT_REQUESTS)
