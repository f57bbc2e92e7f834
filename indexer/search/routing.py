"""Which per-language indexes a query goes to: an explicit code, the query's `lang:` filter, or detection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from indexer.analysis import QUERY, STEM, WORD
from indexer.languages import SCRIPT_LANGUAGE, UnknownLanguage, canonical_language, detect_language, dominant_script
from indexer.search.plan import SEARCH_FIELDS
from indexer.search.query import ParsedQuery

# How a query is routed whose language neither its script nor statistics tell, when one language's index holds
# more of its words than any other's.
VOCABULARY = "vocabulary"


@dataclass(frozen=True)
class Route:
    """Which indexes a query goes to, and why: `used` is a code or "all"."""

    langs: tuple[str, ...]
    used: str
    detected: str | None
    how: str

    def as_dict(self) -> dict:
        return {"used": self.used, "detected": self.detected, "how": self.how}


def route_query(
    text: str, requested: str, available: list[str], indexed: Callable[[str, str], bool] | None = None
) -> Route:
    """Pick the indexes for a query: an explicit code wins; `auto` trusts the script, then langdetect, then
    which index holds the words (`indexed(lang, word)`, when given: see `index_holds`).

    A query whose language statistics cannot tell (`shark`, `ANH PHUONG`) goes to the one language
    whose index holds more of its words than any other's (`shark`: English alone, eight searches fewer, and
    no other language's best partial match scaled up beside it); when none holds any, or several hold as many
    (`ANH PHUONG`, a byline in three languages), it goes to every index and its `detected` is None:
    langdetect's guess for one word (`so` for `shark`) is noise. With a language requested, `detected` is
    the script's language only: langdetect runs only where it decides the route.
    """
    if requested != "auto":
        detected = SCRIPT_LANGUAGE.get(dominant_script(text))
        if requested == "all":
            return Route(tuple(available), "all", detected, "requested")
        lang = canonical_language(requested)
        return Route((lang,) if lang in available else (), lang, detected, "requested")
    detection = detect_language(text, guess_when_unsure=False)  # an unsure route has no use for a guess
    sure = detection.how == "statistics" or (detection.how == "script" and dominant_script(text) in SCRIPT_LANGUAGE)
    if sure and detection.lang in available:
        return Route((detection.lang,), detection.lang, detection.lang, detection.how)
    holder = None if sure or indexed is None else _holding_most(text.split(), indexed, available)
    if holder is not None:
        return Route((holder,), holder, holder, VOCABULARY)
    return Route(tuple(available), "all", detection.lang if sure else None, detection.how)


def _holding_most(words: list[str], indexed: Callable[[str, str], bool], available: list[str]) -> str | None:
    """The one language whose index holds more of `words` than any other's does, or None."""
    held = {lang: sum(indexed(lang, word) for word in words) for lang in available}
    most = max(held.values(), default=0)
    holders = [lang for lang, count in held.items() if count == most]
    return holders[0] if most and len(holders) == 1 else None


def index_holds(index_set) -> Callable[[str, str], bool]:
    """Whether a language's index holds a word in a searched field (a byline too): its own form, or all of
    its stems (`sharks` by `shark`), as the language's analyzer reads it; a term lookup per field."""

    def holds(lang: str, word: str) -> bool:
        by_role: dict[str, list[str]] = {}
        for token in index_set.analyzer(lang).tokens(word, QUERY):
            by_role.setdefault(token.role, []).append(token.text)
        with index_set.searcher(lang) as searcher:

            def found(term: str) -> bool:
                return any(searcher.doc_frequency(field, term) for field in SEARCH_FIELDS)

            return any(found(term) for term in by_role.get(WORD, [])) or (
                bool(by_role.get(STEM)) and all(found(term) for term in by_role[STEM])
            )

    return holds


def requested_language(parsed: ParsedQuery, lang: str) -> str:
    """A `lang:` filter in the query text wins over the request's language, unless it names none."""
    if parsed.lang:
        try:
            return canonical_language(parsed.lang)
        except UnknownLanguage:
            parsed.notice = f"lang:{parsed.lang} names no language; ignored"
    return lang
