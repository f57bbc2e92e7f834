"""Suggestions for the word being typed: completions from each language's vocabulary, most articles first.

Hangul is matched on its 2-set keystrokes, so a syllable typed midway (사회복ㅈ)
completes to 사회복지, consonants alone (ㅅㅎㅂㅈ) complete on initials, and Latin
letters no word begins with are read as Korean typed in Latin mode; every
suggestion is a whole word of the index, so none splits a Bengali cluster.
"""

from __future__ import annotations

import time

import icu

from indexer.analysis import QUERY
from indexer.analysis.bengali import normalize_bengali
from indexer.analysis.hangul import keys_from_latin
from indexer.documents import reject_unpaired_surrogates
from indexer.engine import queries as eq
from indexer.engine.collect import articles_matching
from indexer.engine.vocabulary import typed_form, vocabulary_of
from indexer.languages import SCRIPT_LANGUAGE, canonical_language, dominant_script
from indexer.search.plan import is_stop_word, plan_query
from indexer.search.query import parse_query

# Suggestions returned unless `limit` says otherwise, and at most.
DEFAULT_SUGGESTIONS = 10
MAX_SUGGESTIONS = 50
# Passages read per word to count the articles holding every word of a suggestion of several words.
MAX_PASSAGES_COUNTED = 1000
# Completions looked at per suggestion asked for after other words: many are not held with them.
CANDIDATES_PER_SUGGESTION = 5
# The fields a completed word is looked for in as written (the vocabulary's words are the index's word terms).
WORD_FIELDS = ("title", "text")
_NFKC_CASEFOLD = icu.Normalizer2.getNFKCCasefoldInstance()


def normalized_typing(lang: str, text: str) -> str:
    """Typed text as the index writes its words: Bengali's normalization, NFKC with case folding elsewhere;
    Hangul is only lower-cased, since NFKC would turn a typed compatibility jamo (ㅅ) into a conjoining one."""
    if lang == "ko":
        return text.lower()
    if lang == "bn":
        return normalize_bengali(text)
    return _NFKC_CASEFOLD.normalize(text)


def suggest(index_set, text: str, lang: str = "auto", limit: int = DEFAULT_SUGGESTIONS) -> dict:
    """Complete the last word of `text` from the vocabularies: `{"suggestions": [{text, lang, count}], "took_ms"}`.

    `count` is how many articles hold the completed word; `text` is the whole input with its last word
    completed. The phrases several articles hold that the last two words begin ("social wo" → "social
    work") come first. After other words, only completions some article writes beside all of them are
    suggested, counted by the articles holding them all, most first (see _held_together). A language with
    no index gives no suggestions; text holding an unpaired surrogate raises UnpairedSurrogate (a ValueError).
    """
    started = time.perf_counter()
    reject_unpaired_surrogates(text)
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    head, _, last = text.lstrip().rpartition(" ")  # a text ending in a space has no word being typed
    before, _, first = head.rstrip().rpartition(" ")
    phrases, words = [], []
    if last and first:
        phrases = [
            ((f"{before} " if before.strip() else "") + phrase, code, count)
            for count, phrase, code in _phrase_completions(index_set, f"{first} {last}", lang, limit)
        ]
    if last:
        prefix = f"{head} " if head.strip() else ""
        wanted = limit * CANDIDATES_PER_SUGGESTION if head.strip() else limit  # some will not be held together
        words = [(prefix + word, code, count) for count, word, code in _completions(index_set, last, lang, wanted)]
    if head.strip():
        heads: dict[str, set[str] | None] = {}  # each language's articles holding every word typed before
        phrases = _held_together(index_set, head, phrases, limit, heads)
        words = _held_together(index_set, head, words, limit, heads)
    found = phrases + words
    unique: dict[str, dict] = {}  # a phrase that is also a completed word is listed once, as the phrase
    for text, code, count in found:
        unique.setdefault(text, {"text": text, "lang": code, "count": count})
    return {
        "suggestions": list(unique.values())[:limit],
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def _held_together(
    index_set, head: str, found: list[tuple[str, str, int]], limit: int, heads: dict[str, set[str] | None]
) -> list[tuple[str, str, int]]:
    """The first `limit` suggestions (`head` and a completed word) some article holds every word of, the
    completed one as written, each counted by the articles holding them all, most first (among the first
    MAX_PASSAGES_COUNTED passages of each word). The last word's completions alone pair it with any word
    (화산 폭 → 화산 포기, "volcano give up", which no article says); a completion that is a stop word is none,
    since the search leaves it out. `heads` keeps each language's articles holding the head's words, found
    once per suggestion asked for."""
    held = []
    for text, code, _ in found:
        analyzer, completed = index_set.analyzer(code), text.rpartition(" ")[2]
        if is_stop_word(analyzer, code, analyzer.tokens(completed, QUERY)):
            continue
        with index_set.searcher(code) as searcher:
            if code not in heads:
                heads[code] = _articles_holding(searcher, plan_query(parse_query(head), code, analyzer).clauses)
            as_written = eq.any_of([eq.term(field, completed) for field in WORD_FIELDS])  # a vocabulary word
            articles = articles_matching(searcher, as_written, MAX_PASSAGES_COUNTED)
        if heads[code] is not None:
            articles &= heads[code]
        if articles:
            held.append((text, code, len(articles)))
            if len(held) == limit:
                break
    return sorted(held, key=lambda item: -item[2])


def _articles_holding(searcher, clauses) -> set[str] | None:
    """The articles holding a passage matching each clause (None for no clause: stop words alone)."""
    held = None
    for clause in clauses:
        articles = articles_matching(searcher, clause.query, MAX_PASSAGES_COUNTED)
        held = articles if held is None else held & articles
    return held


def _completions(index_set, word: str, lang: str, limit: int) -> list[tuple[int, str, str]]:
    """(articles, completion, language) of `word`, most articles first; Latin letters no word begins with are
    read as Korean typed with the keyboard left in Latin mode (tkghlqhr → 사회복…)."""
    vocabulary = vocabulary_of(index_set)
    found = []
    for code in _languages(index_set, word, lang):
        typed = typed_form(code, normalized_typing(code, word))
        found.extend((count, text, code) for text, count in vocabulary.completions(code, typed, limit))
    found.sort(key=lambda item: (-item[0], len(item[1]), item[1]))
    keys = keys_from_latin(word)
    if not found and keys and "ko" in index_set.languages and lang in ("auto", "all", "ko"):
        found = [(count, text, "ko") for text, count in vocabulary.completions("ko", keys, limit)]
    return found


def _phrase_completions(index_set, words: str, lang: str, limit: int) -> list[tuple[int, str, str]]:
    """(articles, phrase, language) of the phrases that two words typed (the second midway) begin."""
    vocabulary = vocabulary_of(index_set)
    found = []
    for code in _languages(index_set, words, lang):
        typed = typed_form(code, normalized_typing(code, words))
        found.extend((count, text, code) for text, count in vocabulary.phrases(code, typed, limit))
    return sorted(found, key=lambda item: (-item[0], len(item[1]), item[1]))


def _languages(index_set, word: str, lang: str) -> list[str]:
    """The requested language if it has an index; with `auto`, the word's script's language, or every one."""
    available = index_set.languages
    if lang not in ("auto", "all"):
        code = canonical_language(lang)
        return [code] if code in available else []
    by_script = SCRIPT_LANGUAGE.get(dominant_script(word) or "")
    if lang == "auto" and by_script in available:
        return [by_script]
    return list(available)
