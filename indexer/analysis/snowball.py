"""Snowball stemmers for the languages that have one (English, Arabic, Hindi, Russian …)."""

from __future__ import annotations

import threading

import snowballstemmer

from indexer.analysis.filters import StemFilter

# Canonical language code → Snowball algorithm. Vietnamese, Thai, Bengali and the CJK languages have none.
SNOWBALL_ALGORITHMS = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "eo": "esperanto",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nb": "norwegian",
    "no": "norwegian",
    "fa": "persian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "st": "sesotho",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}


class SnowballStemFilter(StemFilter):
    """Adds the Snowball stem of each word as a STEM token (`elections` → `elect`).

    Snowball stemmer objects keep state while stemming, so each thread has its own.

    >>> SnowballStemFilter("en").stem("elections")
    'elect'
    """

    def __init__(self, lang: str):
        self.algorithm = SNOWBALL_ALGORITHMS[lang]
        self._local = threading.local()
        super().__init__(self._stem)

    def _stem(self, word: str) -> str:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = snowballstemmer.stemmer(self.algorithm)
        return stemmer.stemWord(word)
