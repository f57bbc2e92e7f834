"""Which per-language indexes a query goes to: an explicit code, the query's `lang:` filter, or detection."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.languages import SCRIPT_LANGUAGE, UnknownLanguage, canonical_language, detect_language, dominant_script
from indexer.search.query import ParsedQuery


@dataclass(frozen=True)
class Route:
    """Which indexes a query goes to, and why: `used` is a code or "all"."""

    langs: tuple[str, ...]
    used: str
    detected: str | None
    how: str

    def as_dict(self) -> dict:
        return {"used": self.used, "detected": self.detected, "how": self.how}


def route_query(text: str, requested: str, available: list[str]) -> Route:
    """Pick the indexes for a query: an explicit code wins; `auto` trusts the script, then langdetect.

    A query whose language is unclear (`ANH PHUONG`, `12`, `shark`) goes to every index, and its
    `detected` is None: langdetect's guess for one word (`so` for `shark`) is noise. With a language
    requested, `detected` is the script's language only: langdetect (a third of an English
    query's time) runs only where it decides the route.
    """
    if requested != "auto":
        detected = SCRIPT_LANGUAGE.get(dominant_script(text))
        if requested == "all":
            return Route(tuple(available), "all", detected, "requested")
        lang = canonical_language(requested)
        return Route((lang,) if lang in available else (), lang, detected, "requested")
    detection = detect_language(text, guess_when_unsure=False)  # an unsure route goes to every index
    sure = detection.how == "statistics" or (detection.how == "script" and dominant_script(text) in SCRIPT_LANGUAGE)
    if sure and detection.lang in available:
        return Route((detection.lang,), detection.lang, detection.lang, detection.how)
    return Route(tuple(available), "all", detection.lang if sure else None, detection.how)


def requested_language(parsed: ParsedQuery, lang: str) -> str:
    """A `lang:` filter in the query text wins over the request's language, unless it names none."""
    if parsed.lang:
        try:
            return canonical_language(parsed.lang)
        except UnknownLanguage:
            parsed.notice = f"lang:{parsed.lang} names no language; ignored"
    return lang
