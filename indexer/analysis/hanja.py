"""Hangul readings of words written in Han characters: 火山 is read 화산, so a Korean word that no aligned text
holds can still meet its Chinese and Japanese spellings (Sino-Korean words are most of a newspaper's).

The readings are Unihan's kHangul (readings/README.md). Pure functions; no index.
"""

from __future__ import annotations

import itertools
import threading
from functools import cache
from pathlib import Path

import icu

# Readings kept per word: each character may have two or three (樂: 락 악 요), and their combinations multiply.
MAX_READINGS = 8
_TABLE = Path(__file__).with_name("readings") / "hangul.tsv"


@cache
def _readings() -> dict[str, tuple[str, ...]]:
    """Each Han character's Hangul readings, the commonest first (as Unihan lists them)."""
    with _TABLE.open(encoding="utf-8") as table:
        return {char: tuple(readings.split()) for char, readings in (line.rstrip("\n").split("\t") for line in table)}


@cache
def _to_traditional():
    """ICU's Simplified-Traditional transliterator (Unihan reads the traditional forms: 鏡, not 镜), with the
    lock its callers share: an ICU transliterator is not safe to share between threads."""
    return icu.Transliterator.createInstance("Simplified-Traditional"), threading.Lock()


def _char_readings(char: str) -> tuple[str, ...]:
    readings = _readings()
    if char in readings:
        return readings[char]
    transliterator, lock = _to_traditional()
    with lock:
        traditional = transliterator.transliterate(char)
    return readings.get(traditional, ())


def hangul_readings(word: str) -> tuple[str, ...]:
    """The Hangul readings of a word written in Han characters only (its characters' readings combined, at
    most MAX_READINGS); none for a word with any other character.

    >>> hangul_readings("火山"), hangul_readings("眼镜"), hangul_readings("volcano")
    (('화산',), ('안경',), ())
    """
    if not word or any(not icu.Char.hasBinaryProperty(char, icu.UProperty.IDEOGRAPHIC) for char in word):
        return ()
    per_char = [_char_readings(char) for char in word]
    if not all(per_char):
        return ()
    return tuple("".join(combination) for combination in itertools.islice(itertools.product(*per_char), MAX_READINGS))
