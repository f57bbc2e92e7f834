"""Month and weekday names in every language ICU knows (CLDR), so a date written in one language meets another's.

News is dated in words: 11월, নভেম্বরে, November, 11月 name one month. No aligned text needs
to teach that; CLDR's calendar data (ICU's DateFormatSymbols) lists each language's names
in their standard and stand-alone forms. A query's names are found in full and as written
there (Latin-script ones capitalized: not the modal may; no abbreviations: Sat and Sun are
English words); a month is searched for in its full and abbreviated forms. Pure functions; no index.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import icu

from indexer.languages import dominant_script

MONTH, WEEKDAY = "month", "weekday"
_KINDS = {MONTH: "getMonths", WEEKDAY: "getWeekdays"}
_CONTEXTS = (icu.DateFormatSymbols.FORMAT, icu.DateFormatSymbols.STANDALONE)


@dataclass(frozen=True)
class CalendarName:
    """A month or weekday named in a text: which one (month 1-12, weekday 1-7 from Sunday) and where."""

    kind: str
    number: int
    start: int
    end: int


@cache
def _names(lang: str) -> dict[str, tuple[str, int]]:
    """Each full month and weekday name of a language, as CLDR writes it, with what it names."""
    symbols = icu.DateFormatSymbols(icu.Locale(lang))
    names = {}
    for kind, getter in _KINDS.items():
        for context in _CONTEXTS:
            for number, name in enumerate(getattr(symbols, getter)(context, icu.DateFormatSymbols.WIDE)):
                if name and kind == WEEKDAY:
                    names[name] = (kind, number)  # getWeekdays() leaves index 0 empty: 1 is Sunday
                elif name:
                    names[name] = (kind, number + 1)
    return names


@cache
def _pattern(lang: str) -> re.Pattern:
    """A language's names, longest first (11월 before 1월), none part of a longer number (the 1월 of 11월). In
    Latin script a name is a whole word (not the May of Mayor); elsewhere it may carry an ending (নভেম্বরে) and,
    in scripts without spaces, follow a word (和一月)."""
    names = sorted(_names(lang), key=len, reverse=True)
    latin = dominant_script(" ".join(names)) == "Latn"
    before, after = (r"(?<!\w)", r"(?!\w)") if latin else (r"(?<!\d)", r"(?!\d)")
    return re.compile(before + "(?:" + "|".join(map(re.escape, names)) + ")" + after)


def calendar_names(text: str, lang: str) -> list[CalendarName]:
    """Where `text` (in language `lang`) writes a month's or weekday's full name, in order. Outside Latin script a
    name found may stand inside a longer word (মে in মেয়র): a caller holding the text's words tells
    (indexer.search.translate keeps a name that is a word, or one its ending inflects)."""
    names = _names(lang)
    found = []
    for match in _pattern(lang).finditer(text):
        kind, number = names[match.group()]
        found.append(CalendarName(kind, number, match.start(), match.end()))
    return found


@cache
def calendar_name_forms(kind: str, number: int, lang: str) -> tuple[str, ...]:
    """How a language writes a month or weekday: its full name (September, 9월, সেপ্টেম্বর) and, for a month, its
    abbreviation where it is a word of its own (Sep; 11月 beside 十一月, as Chinese news writes it), not one
    ending in a dot (พ.ย.). A weekday's abbreviations are left out (Sun, Sat)."""
    symbols = icu.DateFormatSymbols(icu.Locale(lang))
    if kind == WEEKDAY:
        return (symbols.getWeekdays(icu.DateFormatSymbols.FORMAT, icu.DateFormatSymbols.WIDE)[number],)
    full, abbreviated = (
        symbols.getMonths(icu.DateFormatSymbols.FORMAT, width)[number - 1]
        for width in (icu.DateFormatSymbols.WIDE, icu.DateFormatSymbols.ABBREVIATED)
    )
    dotted = any(unicodedata.category(character).startswith("P") for character in abbreviated)
    return (full,) if dotted or abbreviated == full else (full, abbreviated)
