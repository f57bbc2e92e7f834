"""One language table: canonical codes, names, scripts, and language detection.

Codes are normalized once, where data enters (`ben` → `bn`, `zh-cn` → `zh`,
`arb` → `ar`); everything inward passes canonical BCP 47 language subtags.
ICU's locale data supplies the aliases and names, so any language ICU knows
works without a hand-kept list.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import icu
import numpy
from langdetect import DetectorFactory, LangDetectException
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import ErrorCode

# langdetect is random by default; a fixed seed makes detection repeatable.
DetectorFactory.seed = 0

# Scripts that name their language outright (ISO 15924 short name → language).
# Bengali script is also Assamese's, but only the input can say so.
SCRIPT_LANGUAGE = {
    "Hang": "ko",
    "Beng": "bn",
    "Thai": "th",
    "Laoo": "lo",
    "Khmr": "km",
    "Mymr": "my",
    "Hira": "ja",
    "Kana": "ja",
    "Grek": "el",
    "Geor": "ka",
    "Armn": "hy",
    "Taml": "ta",
    "Telu": "te",
    "Gujr": "gu",
    "Guru": "pa",
    "Knda": "kn",
    "Mlym": "ml",
    "Sinh": "si",
    "Orya": "or",
    "Ethi": "am",
    "Tibt": "bo",
}

# Scripts shared by several languages: langdetect chooses among these, and a
# guess outside the list falls back to the first.
SCRIPT_CANDIDATES = {
    "Hani": ("zh", "ja"),
    "Arab": ("ar", "fa", "ur"),
    "Deva": ("hi", "mr", "ne"),
    "Hebr": ("he", "yi"),
    "Cyrl": ("ru", "uk", "bg", "mk", "sr"),
}

# Texts shorter than this many letters are too short for langdetect to trust.
MIN_LETTERS_FOR_STATISTICS = 12
# langdetect's probability below which a guess counts as unsure.
MIN_CONFIDENCE = 0.80


class UnknownLanguage(ValueError):
    """Raised when a language code names no language ICU knows."""


def canonical_language(code: str) -> str:
    """Return the canonical BCP 47 language subtag for any code.

    >>> [canonical_language(c) for c in ("ben", "zho-CN", "eng-US", "arb", "zh-cn")]
    ['bn', 'zh', 'en', 'ar', 'zh']
    """
    cleaned = (code or "").strip().replace("_", "-")
    if not cleaned:
        raise UnknownLanguage("empty language code")
    language = _canonical_subtag(cleaned.lower())
    if not language or english_name(language) == language:
        raise UnknownLanguage(f"unknown language code {code!r}")
    return language


@lru_cache(maxsize=1024)
def _canonical_subtag(code: str) -> str:
    return icu.Locale.createCanonical(code).getLanguage()


@lru_cache(maxsize=256)
def english_name(code: str) -> str:
    """Return the language's English name (`bn` → `Bangla`)."""
    return icu.Locale(code).getDisplayLanguage(icu.Locale("en"))


@lru_cache(maxsize=256)
def native_name(code: str) -> str:
    """Return the language's name in itself (`bn` → `বাংলা`)."""
    locale = icu.Locale(code)
    return locale.getDisplayLanguage(locale)


@dataclass(frozen=True)
class Detection:
    """A detected language and how it was decided.

    `how` is "script" (the script names one language), "statistics" (langdetect
    is confident) or "unsure" (`lang` is a best guess, or None: always None for a text
    too short for statistics when no guess was asked for).
    """

    lang: str | None
    how: str


def dominant_script(text: str) -> str | None:
    """Return the ISO 15924 code of the script most letters of `text` use.

    Kana anywhere makes Han text Japanese, so it counts for Japanese first.
    """
    counts: Counter[str] = Counter()
    for char in text:
        if unicodedata.category(char)[0] not in "LM":
            continue
        counts[_script_of(char)] += 1
    counts.pop("Zyyy", None)
    counts.pop("Zinh", None)
    if not counts:
        return None
    if counts.get("Hira", 0) + counts.get("Kana", 0) > 0 and "Hani" in counts:
        return "Hira"
    return counts.most_common(1)[0][0]


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str:
    return icu.Script.getScript(char).getShortName()


def detect_language(text: str, guess_when_unsure: bool = True) -> Detection:
    """Detect the language of `text`: the script first, langdetect where scripts are shared.

    Hangul text is Korean, Bengali script Bengali; a statistical guess that
    contradicts the script is overruled by it. Without `guess_when_unsure`, a text too
    short for statistics is answered unsure at once: a search routed as unsure has no use
    for its guess.
    """
    script = dominant_script(text)
    if script is None:
        return Detection(None, "unsure")
    if script in SCRIPT_LANGUAGE:
        return Detection(SCRIPT_LANGUAGE[script], "script")
    if not guess_when_unsure and _letters(text) < MIN_LETTERS_FOR_STATISTICS:
        return Detection(None, "unsure")
    guess = _statistical_guess(text)
    confident = guess is not None and guess[1] >= MIN_CONFIDENCE and _letters(text) >= MIN_LETTERS_FOR_STATISTICS
    candidates = SCRIPT_CANDIDATES.get(script)
    if candidates:
        if guess and guess[0] in candidates:
            return Detection(guess[0], "statistics" if confident else "unsure")
        return Detection(candidates[0], "unsure")
    if confident:
        return Detection(guess[0], "statistics")
    return Detection(guess[0] if guess else None, "unsure")


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


class ArrayDetector(Detector):
    """langdetect's detector, each trial's update done on arrays: the same random draws and the same arithmetic
    element by element (its sums still Python's, left to right), so the same answer in a fraction of the time:
    its loop over 55 languages per n-gram drawn was most of an English search's time."""

    def _detect_block(self) -> None:
        self.cleaning_text()
        ngrams = self._extract_ngrams()  # each one held by word_lang_prob_map
        if not ngrams:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        row_of = {ngram: row for row, ngram in enumerate(dict.fromkeys(ngrams))}
        table = numpy.array([self.word_lang_prob_map[ngram] for ngram in row_of], dtype=numpy.float64)
        drawn_rows = [row_of[ngram] for ngram in ngrams]  # drawn as the n-grams are: the same draws
        langprob = numpy.zeros(len(self.langlist))
        self.random.seed(self.seed)
        choice, multiply = self.random.choice, numpy.multiply
        for _ in range(self.n_trial):
            prob = numpy.array(self._init_probability(), dtype=numpy.float64)
            factors = list((self.alpha + self.random.gauss(0.0, 1.0) * self.ALPHA_WIDTH) / self.BASE_FREQ + table)
            drawn = [factors[row] for row in drawn_rows]  # one row per n-gram, so choice() draws as langdetect's
            iteration = 0
            while True:
                multiply(prob, choice(drawn), out=prob)
                if iteration % 5 == 0:
                    numpy.divide(prob, sum(prob.tolist()), out=prob)
                    if prob.max() > self.CONV_THRESHOLD or iteration >= self.ITERATION_LIMIT:
                        break
                iteration += 1
            langprob = langprob + prob / self.n_trial
        self.langprob = langprob.tolist()


@lru_cache(maxsize=1)
def _profiles() -> DetectorFactory:
    """langdetect's language profiles, loaded once (as its own `detect_langs` does)."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def detect_langs(text: str) -> list:
    """langdetect's `detect_langs` (its languages, likeliest first), through ArrayDetector."""
    detector = ArrayDetector(_profiles())
    detector.append(text)
    return detector.get_probabilities()


def _statistical_guess(text: str) -> tuple[str, float] | None:
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None
    try:
        return canonical_language(best.lang), best.prob
    except UnknownLanguage:
        return None
