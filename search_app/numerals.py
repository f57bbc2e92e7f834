"""Numbers and dates in the interface language's own digits: ১২৩ in Bengali, as Koreans write them in Korean.

Babel (2.19) formats with each locale's symbols but always with Latin digits ("2টি নিবন্ধ" beside article
text in ১২৩), so the interface formats with ICU, which uses the locale's default numbering system
(CLDR's `beng` for Bengali, `latn` for Korean and English). Formatters are made once per locale.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

import icu
from flask_babel import get_locale

# Patterns (CLDR skeletons) of a publication date and of a month, each locale ordering them its way.
DAY_SKELETON, MONTH_SKELETON = "yMMMd", "yMMM"


@cache
def _number_format(locale: str) -> icu.NumberFormat:
    return icu.NumberFormat.createInstance(icu.Locale(locale))


@cache
def _date_format(locale: str, skeleton: str) -> icu.SimpleDateFormat:
    pattern = icu.DateTimePatternGenerator.createInstance(icu.Locale(locale)).getBestPattern(skeleton)
    formatter = icu.SimpleDateFormat(pattern, icu.Locale(locale))
    formatter.setTimeZone(icu.TimeZone.getGMT())  # a date has no time zone: shown as written
    return formatter


def _interface_locale() -> str:
    return str(get_locale() or "en")


def local_number(number: int) -> str:
    """`number` written as the interface language writes it: ১২৩ in Bengali."""
    return _number_format(_interface_locale()).format(number)


def local_date(day: date, skeleton: str = DAY_SKELETON) -> str:
    """A date as the interface language writes it (its digits, month names and order)."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return _date_format(_interface_locale(), skeleton).format(moment.timestamp())


def reader_date(published: str | None) -> str | None:
    """A publication date in the reader's language; text that is not a date is shown as it is."""
    if not published:
        return None
    try:
        return local_date(date.fromisoformat(published[:10]))
    except ValueError:
        return published


def reader_month(month: str) -> str:
    """A `YYYY-MM` facet value as the reader's language names the month."""
    try:
        return local_date(date.fromisoformat(f"{month}-01"), MONTH_SKELETON)
    except ValueError:
        return month
