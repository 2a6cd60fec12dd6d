"""Time phrases looking back ("last month", "in October", "on Monday") read as spans of days,
seen from a fixed today: Monday 30 November 2026."""

from datetime import date

import pytest

from samantha.day.past import span

TODAY = date(2026, 11, 30)  # a Monday
D = date


@pytest.mark.parametrize(("said", "first", "last"), [
    ("today", D(2026, 11, 30), D(2026, 11, 30)),
    ("yesterday", D(2026, 11, 29), D(2026, 11, 29)),
    ("the day before yesterday", D(2026, 11, 28), D(2026, 11, 28)),
    ("on Monday", D(2026, 11, 23), D(2026, 11, 23)),  # the one gone by, never today
    ("last Friday", D(2026, 11, 27), D(2026, 11, 27)),
    ("on Sunday", D(2026, 11, 29), D(2026, 11, 29)),
    ("this week", D(2026, 11, 30), D(2026, 11, 30)),
    ("last week", D(2026, 11, 23), D(2026, 11, 29)),
    ("the past week", D(2026, 11, 24), D(2026, 11, 30)),
    ("this month", D(2026, 11, 1), D(2026, 11, 30)),
    ("last month", D(2026, 10, 1), D(2026, 10, 31)),
    ("this year", D(2026, 1, 1), D(2026, 11, 30)),
    ("last year", D(2025, 1, 1), D(2025, 12, 31)),
    ("in October", D(2026, 10, 1), D(2026, 10, 31)),
    ("in December", D(2025, 12, 1), D(2025, 12, 31)),  # not yet begun this year: last year's
    ("back in October 2025", D(2025, 10, 1), D(2025, 10, 31)),
    ("in November", D(2026, 11, 1), D(2026, 11, 30)),  # under way: up to today
    ("on 3 September", D(2026, 9, 3), D(2026, 9, 3)),
    ("on September 3rd", D(2026, 9, 3), D(2026, 9, 3)),
    ("on the 3rd of December", D(2025, 12, 3), D(2025, 12, 3)),
    ("on 2026-09-03", D(2026, 9, 3), D(2026, 9, 3)),
    ("on the 31st", D(2026, 10, 31), D(2026, 10, 31)),  # November has no 31st
    ("three days ago", D(2026, 11, 27), D(2026, 11, 27)),
    ("two weeks ago", D(2026, 11, 16), D(2026, 11, 22)),  # that week, Monday to Sunday
    ("a month ago", D(2026, 10, 1), D(2026, 10, 31)),
    ("a year ago", D(2025, 1, 1), D(2025, 12, 31)),
])
def test_a_phrase_looking_back_is_the_days_it_means(said, first, last):
    found = span(said, TODAY)
    assert found is not None and (found.first, found.last) == (first, last)
    assert found.words == said and found.holds(first) and found.holds(last)
    assert not found.holds(first.replace(day=1) - (D(2000, 1, 2) - D(2000, 1, 1)))


@pytest.mark.parametrize("said", ["recently", "the other day", "earlier", "", "at noon", "on the 32nd",
                                  "on 2027-01-05"])
def test_what_names_no_past_days_is_no_span(said):
    assert span(said, TODAY) is None


def test_a_month_boundary_in_a_leap_year():
    found = span("last month", date(2028, 3, 15))
    assert found is not None and (found.first, found.last) == (date(2028, 2, 1), date(2028, 2, 29))
