"""What the search box forgives: a word the index does not hold is searched as what the reader meant.

A word of the vocabulary (a surface word of some article) is searched as typed; only when it matches very little
beside a far more common word one slip away, which its articles write right too (쓰나비 beside 쓰나미: see
POPULAR_NEIGHBOUR_RATIO), is that word searched beside it, scoring less. Any other word:
  1. the query's last word is taken as typed midway: its completions (Hangul on keystrokes, so 사회복ㅈ →
     사회복지); whatever the word matched itself (a Bengali stem, say) stays searched beside them;
and a word that matches nothing at all is read, the first reading that finds vocabulary words winning, as
  2. Latin letters typed with the keyboard left in Latin mode: the Korean word of those 2-set keys (dkssud → 안녕);
  3. a misspelling: the words one slip away (indexer.analysis.spelling: ি/ী, শ/স … in Bengali, one jamo
     in Korean, one letter elsewhere);
  4. Latin letters as romanized Bengali (Avro phonetic, `avro-py`): the Bengali words it spells, or that meet it
     once the letters lower-case romanization cannot tell apart are folded (t: ট/ত, ch: চ/ছ …), or one slip away;
  5. a long Latin word two slips off (dissarmamant): the words two edits away, most alike first.
The revised word is searched as its candidates joined by OR, most common first. A word of the language's dictionary
(Kiwi's, for Korean) is a real word, not a slip: it is revised only to its other spellings (랍스타 → 랍스터).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import avro

from indexer.analysis import QUERY, STEM, WORD
from indexer.analysis.bengali import normalize_bengali
from indexer.analysis.hangul import has_hangul, keys_from_latin
from indexer.analysis.korean import kiwi_analyzer
from indexer.analysis.names import name_key
from indexer.analysis.spelling import romanized_key, sound
from indexer.engine import queries as eq
from indexer.engine.collect import articles_matching, count_matching
from indexer.engine.vocabulary import nominal_part, typed_form, vocabulary_of
from indexer.search.plan import SEARCH_FIELDS, is_stop_word
from indexer.search.query import Clause, ParsedQuery, Unit
from indexer.search.suggest import normalized_typing

PREFIX, KEYBOARD, SPELLING, ROMANIZED, RARE = "prefix", "keyboard", "spelling", "romanized", "rare"
# Completions a word typed midway is searched as, most common first.
MAX_COMPLETIONS = 10
# Corrections a misspelled word is searched as, most common first.
MAX_CORRECTIONS = 3
# Languages whose stems vouch for a word only when they spell its start and what follows is an ending the index
# has seen (국호를 = 국호 + 를), or when they are a predicate's base form (맡은 → 맡다, never revised): Kiwi
# reads a misspelled Korean word as a known stem plus leftovers (청소뇬 → 청소 + 뇬), which would hide the slip.
OWN_FORM_ONLY = frozenset({"ko"})
# How Kiwi writes a verb's or adjective's base form (its lemma): 맡다.
PREDICATE_ENDING = "다"
# Shortest stem that vouches for a Korean word: Kiwi cuts an unknown word into one-syllable pieces (화선 → 화 + 선).
MIN_VOUCHING_STEM = 2
# A word typed midway needs at least this many keys (Hangul keystrokes) to be completed.
MIN_PREFIX_KEYS = 2
# A word of the vocabulary "matches very little" when it is held by at most this share of its language's articles
# (at least one), as Lucene's DirectSpellChecker leaves words above its maxQueryFrequency (1%) alone ...
MAX_RARE_SHARE = 0.01
# ... and a word one slip away is held by this many times as many articles and written in at least
# MIN_PLACES_BESIDE places (the headline, a paragraph) of an article holding the rare word, as a writer's slip
# stands beside the word it spoils: then the rare word may be a slip the corpus holds too (쓰나비, once in the
# NTREX Korean text, whose headline and a paragraph write 쓰나미), and the neighbour is searched beside it.
# Lucene's SUGGEST_MORE_POPULAR asks only for more; a real word with a commoner one a slip away is common, so
# this asks for more evidence.
POPULAR_NEIGHBOUR_RATIO = 4
MIN_PLACES_BESIDE = 2
# What a popular neighbour searched beside a rare word scores, against the word itself: exact matches rank first.
BESIDE_WORD = 0.25
# Neighbours looked at for a popular one.
MAX_NEIGHBOURS_SEEN = 10
# Languages whose sound already folds the letters readers confuse (Bengali ি/ী, শ/স …): a vocabulary word is
# second-guessed only for a word of the same sound, since one edit more reaches real words (জাহাজ → সাহায্য,
# সমীক্ষা → শিক্ষা on the judged questions).
SAME_SOUND_ONLY = frozenset({"bn"})
# Passages of a rare word read for the articles holding it.
MAX_PASSAGES_READ = 1000


def _known(vocabulary, word: str, langs: tuple[str, ...]) -> bool:
    """Whether some language's vocabulary holds the word: an English word asked of the Korean index (to be
    translated) is no misspelling of the Latin names Korean articles write (counter → poulter). The languages
    searched (`langs`) are asked first: a word is likeliest theirs, and each ask is a query of its vocabulary."""
    languages = vocabulary.languages
    ordered = dict.fromkeys([*(lang for lang in langs if lang in languages), *languages])
    return any(vocabulary.has(lang, normalized_typing(lang, word)) for lang in ordered)


@dataclass(frozen=True)
class Revision:
    """One revised word: as typed, the words searched in its place, why, in which language, and its clause."""

    word: str
    searched_as: tuple[str, ...]
    because: str
    lang: str
    clause: int = 0

    def as_dict(self) -> dict:
        return {"word": self.word, "searched_as": list(self.searched_as), "because": self.because, "lang": self.lang}


def revise_query(index_set, parsed: ParsedQuery, langs: tuple[str, ...], requested: str):
    """`parsed` with each plain word no vocabulary holds replaced by what it was likely meant as in `langs` (see
    the module's docstring), and the revisions made; the same query and [] when every word is known or nothing
    better is."""
    vocabulary = vocabulary_of(index_set)
    if not vocabulary.languages:
        return parsed, []
    words, unknown = {}, {}  # clause number → plain word; → (a word the vocabulary lacks, whether it matches)
    for number, clause in enumerate(parsed.clauses):
        if len(clause.alternatives) == 1 and clause.alternatives[0].kind == "words":
            words[number] = word = clause.alternatives[0].text
            if not _known(vocabulary, word, langs):
                unknown[number] = word, any(_matches(index_set, vocabulary, lang, word) for lang in langs)
    # Another language is guessed (dkssud → 안녕) only for a query of which no word matches: an English word the
    # index lacks (probe) in an English question is no romanized Bengali.
    lost = len(unknown) == len(parsed.clauses) and not any(matched for _, matched in unknown.values())
    guessed = _guessed_languages(index_set, requested) if lost else set()
    clauses, revisions = list(parsed.clauses), []
    for number, word in words.items():
        if number in unknown:
            matched = unknown[number][1]
            revision = _completion(vocabulary, word, langs) if number == len(parsed.clauses) - 1 else None
            if revision is None and not matched:
                revision = _correction(vocabulary, word, langs, guessed)
            weight = 1.0
        else:
            matched, revision, weight = True, _popular_correction(index_set, vocabulary, word, langs), BESIDE_WORD
        if revision is not None and revision.because != PREFIX and _dictionary_word(word):
            revision = _spellings_only(revision)
        if revision is not None:
            revision = replace(revision, clause=number)
            kept = (Unit("words", word),) if matched else ()  # what the word matched itself stays searched, first
            clauses[number] = Clause(kept + tuple(Unit("words", text, weight) for text in revision.searched_as))
            revisions.append(revision)
    return (replace(parsed, clauses=clauses), revisions) if revisions else (parsed, [])


def _dictionary_word(word: str) -> bool:
    """Whether the dictionary of the word's language holds it (Kiwi's, for Korean): a real word, not a slip."""
    return has_hangul(word) and kiwi_analyzer().is_dictionary_word(word)


def _spellings_only(revision: Revision) -> Revision | None:
    """A dictionary word's revision kept to its other spellings, words of its consonant skeleton (랍스타 and 랍스터:
    a loanword's vowels vary), never another word (폭발 "explosion" is not searched as 포괄 "inclusion")."""
    key = name_key(revision.word)
    kept = tuple(word for word in revision.searched_as if name_key(word) == key)
    return replace(revision, searched_as=kept) if kept else None


def describe(parsed: ParsedQuery, revisions: list[Revision]) -> dict:
    """The response's account of revisions: the query as searched, the corrected query, and each revised word."""
    if not revisions:
        return {}
    shown = [" OR ".join(unit.text for unit in clause.alternatives) for clause in parsed.clauses]
    answer = {"searched_for": " ".join(shown), "revised_words": [revision.as_dict() for revision in revisions]}
    corrected = {r.clause: r.searched_as[0] for r in revisions if r.because != PREFIX}
    if corrected:
        answer["did_you_mean"] = " ".join(corrected.get(number, text) for number, text in enumerate(shown))
    return answer


def _guessed_languages(index_set, requested: str) -> set[str]:
    """The languages a Latin word may be typed for by mistake: Korean (keyboard) and Bengali (romanized)."""
    return {lang for lang in ("ko", "bn") if lang in index_set.languages and requested in ("auto", "all", lang)}


def _completion(vocabulary, word: str, langs: tuple[str, ...]) -> Revision | None:
    """The word typed midway: its most common completions in the first language that has any, or None."""
    for lang in langs:
        typed = typed_form(lang, normalized_typing(lang, word))
        if len(typed) >= MIN_PREFIX_KEYS:
            completions = vocabulary.completions(lang, typed, MAX_COMPLETIONS)
            if completions:
                return Revision(word, tuple(w for w, _ in completions), PREFIX, lang)
    return None


def _correction(vocabulary, word: str, langs: tuple[str, ...], guessed: set[str]) -> Revision | None:
    """The first of keyboard, spelling and romanized readings that finds vocabulary words for `word`, or None."""
    keys = keys_from_latin(word)
    if keys and "ko" in guessed:
        typed = vocabulary.with_typed("ko", keys)
        if typed:
            return Revision(word, (typed[0][0],), KEYBOARD, "ko")
    for lang in langs:
        corrections = vocabulary.neighbours(lang, normalized_typing(lang, word), MAX_CORRECTIONS)
        if corrections:
            return Revision(word, tuple(w for w, _ in corrections), SPELLING, lang)
    if keys and "bn" in guessed:
        spelled = normalize_bengali(avro.parse(word.lower()))
        found = [spelled] if vocabulary.has("bn", spelled) else []
        found = found or [w for w, _ in vocabulary.with_romanized("bn", romanized_key(spelled), MAX_CORRECTIONS)]
        found = found or [w for w, _ in vocabulary.neighbours("bn", spelled, MAX_CORRECTIONS)]
        if found:
            return Revision(word, tuple(found), ROMANIZED, "bn")
    for lang in langs:  # a long Latin word two slips off (dissarmamant), once no closer reading has found one
        corrections = vocabulary.two_edits_away(lang, normalized_typing(lang, word), MAX_CORRECTIONS)
        if corrections:
            return Revision(word, tuple(w for w, _ in corrections), SPELLING, lang)
    return None


def _popular_correction(index_set, vocabulary, word: str, langs: tuple[str, ...]) -> Revision | None:
    """The popular words one slip from a vocabulary word that matches very little (MAX_RARE_SHARE,
    POPULAR_NEIGHBOUR_RATIO), or None; never for a stop word or a Korean predicate's form (잇는 beside 있는),
    nor as a stop word or a word the rare one's own stems already find."""
    for lang in langs:
        typed = normalized_typing(lang, word)
        held = vocabulary.articles(lang, typed)
        if not held or held > max(1, MAX_RARE_SHARE * vocabulary.article_count(lang)):
            continue
        neighbours = vocabulary.neighbours(lang, typed, MAX_NEIGHBOURS_SEEN)
        if lang in SAME_SOUND_ONLY:
            neighbours = [(text, articles) for text, articles in neighbours if sound(lang, text) == sound(lang, typed)]
        popular = [text for text, articles in neighbours if articles >= POPULAR_NEIGHBOUR_RATIO * held]
        if not popular:
            continue
        reading = _reading(index_set, lang, typed)
        if reading.unsure:
            continue
        popular = [text for text in popular if _is_slip_of(index_set, lang, reading, _reading(index_set, lang, text))]
        if popular:
            return Revision(word, tuple(popular[:MAX_CORRECTIONS]), RARE, lang)
    return None


@dataclass(frozen=True)
class _Reading:
    """One word as `lang`'s analyzer reads it: its tokens, the terms it is found by (its stems, else itself), and
    whether it is never taken for a slip (a stop word; a Korean predicate's form, Kiwi's 잇는 → 잇다)."""

    tokens: tuple
    found_by: frozenset[str]
    unsure: bool


def _reading(index_set, lang: str, word: str) -> _Reading:
    analyzer = index_set.analyzer(lang)
    tokens = tuple(analyzer.tokens(word, QUERY))
    stems = [token.text for token in tokens if token.role == STEM]
    surface = next((token.text for token in tokens if token.role == WORD), word)
    predicate = lang in OWN_FORM_ONLY and _is_predicate_form(surface, stems)
    stop = not tokens or is_stop_word(analyzer, lang, list(tokens))
    return _Reading(tokens, frozenset(stems or [surface]), stop or predicate)


def _is_slip_of(index_set, lang: str, rare: _Reading, popular: _Reading) -> bool:
    """Whether a rare word may be a slip for a popular one: the popular word is no stop word or predicate, is
    not what the rare one's own stems find (school of schools), and stands in an article beside the rare one, as
    a writer's slip does beside the word it spoils."""
    if popular.unsure or popular.found_by & rare.found_by:
        return False
    words = [token.text for token in rare.tokens if token.role == WORD]
    with index_set.searcher(lang) as searcher:
        exact = eq.any_of([eq.term(field, text) for field in SEARCH_FIELDS for text in words])
        held = articles_matching(searcher, exact, MAX_PASSAGES_READ)
        if not held:
            return False
        articles = eq.any_of([eq.term("doc_id", article) for article in held])
        in_headline = count_matching(searcher, eq.all_of([_in_field("title", popular.tokens), articles]), 1)
        paragraphs = eq.all_of([_in_field("text", popular.tokens), articles])  # the headline is in every passage
        return in_headline + count_matching(searcher, paragraphs, MIN_PLACES_BESIDE) >= MIN_PLACES_BESIDE


def _in_field(field: str, tokens: tuple) -> eq.Query:
    """Passages whose `field` holds a word: itself, or all of its stems."""
    options = [eq.term(field, token.text) for token in tokens if token.role == WORD]
    stems = [eq.term(field, token.text) for token in tokens if token.role == STEM]
    return eq.any_of(options + ([eq.all_of(stems)] if stems else []))


def _is_predicate_form(surface: str, stems: list[str]) -> bool:
    """Whether Kiwi reads a word as a verb's or adjective's form (맡은 → 맡다): no nominal part, a base form."""
    return not nominal_part(surface, stems) and any(stem.endswith(PREDICATE_ENDING) for stem in stems)


def _matches(index_set, vocabulary, lang: str, word: str) -> bool:
    """Whether `word` matches in `lang`'s index: its exact form, or all its stems, or all its grams (Korean: see
    OWN_FORM_ONLY). A stop word counts as matching: it is never revised."""
    analyzer = index_set.analyzer(lang)
    tokens = analyzer.tokens(word, QUERY)
    if not tokens or is_stop_word(analyzer, lang, tokens):
        return True
    by_role: dict[str, list[str]] = {}
    for token in tokens:
        by_role.setdefault(token.role, []).append(token.text)
    with index_set.searcher(lang) as searcher:

        def indexed(terms: list[str]) -> bool:
            return bool(terms) and all(any(searcher.doc_frequency(f, term) for f in SEARCH_FIELDS) for term in terms)

        if lang not in OWN_FORM_ONLY:
            return any(indexed(terms) for terms in by_role.values())
        if indexed(by_role.get(WORD, [])):
            return True
        stems = by_role.get(STEM, [])
        surface = by_role[WORD][0] if WORD in by_role else word
        if _is_predicate_form(surface, stems):
            return True  # read as a predicate's form (맡은 → 맡다): well formed, though the index lacks it
        part = nominal_part(surface, stems)
        if not indexed(stems) or any(len(stem) < MIN_VOUCHING_STEM for stem in stems):
            return False
        return part == surface or vocabulary.is_ending(lang, surface[len(part) :])
