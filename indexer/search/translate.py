"""Query translation: a query searched in an index of another language, through the generation's mined lexicon.

Each word of the query becomes its best few translations, weighted (indexer.align.lexicon), voted
by the direct pair and by every third language aligned with both (bn → en → ko). A word the lexicon has never
seen may be a name: it becomes the target language's words that sound alike once both are
transliterated (ফোর্ড → 포드). Months and weekdays become the target's names for them
(CLDR: 11월 → November). Numbers, and Latin-script words in a query of another script,
are searched as written. Operators (phrases, OR, exclusions) are not translated:
their words are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from indexer.analysis import QUERY, STEM, WORD, Token, word_forms
from indexer.analysis.calendar import CalendarName, calendar_name_forms, calendar_names
from indexer.analysis.names import loose_name_key, name_key, name_similarity, spelling_similarity
from indexer.analysis.stopwords import stop_words
from indexer.languages import SCRIPT_LANGUAGE, detect_language, dominant_script
from indexer.search.plan import QueryPlan, plan_query, text_clause, translated_plan
from indexer.search.query import ParsedQuery
from indexer.search.readable import readable_word
from indexer.search.routing import Route

# Translations searched per word: its strongest ones, weights summing to one.
TRANSLATIONS_SEARCHED = 3
# How much a translation that does not translate back counts (of its mined weight).
ONE_WAY_WEIGHT = 0.5
# How alike a name and a word of the other language must sound (indexer.analysis.names.name_similarity).
NAME_MIN_SIMILARITY = 0.8
# Syllables a Korean word must have to be read in Han characters (see _through_han).
MIN_HAN_SYLLABLES = 2
# Spellings of one name searched at most: the most alike.
NAMES_SEARCHED = 2
# How much a word matched by sound alone counts beside one the lexicon translates: sounding alike is weaker
# evidence (화산 "volcano" sounds like asian), so a query's translated words outweigh it.
NAME_WEIGHT = 0.5
# Shortest loose name key matched: a single consonant class matches nearly any short word.
MIN_NAME_KEY = 2
# A spelling that differs in its l/r class or a last consonant (Ford, 포드) counts for this much of one that
# matches fully.
LOOSE_NAME_WEIGHT = 0.7
# How much the spelling's likeness (vowels included) adds, to rank words that sound alike (Kanye before can).
SPELLING_WEIGHT = 0.5

Weighted = tuple[tuple[str, float], ...]
# A translation held by more than this share of the target language's passages is left out: aligned text pairs a
# function word's stem (Hindi क of के/की/का, Vietnamese người, English said) with everything, and it matches
# nearly every passage, telling nothing and costing the search a pass over them all (as MoreLikeThis's
# maxDocFreqPct leaves out terms); on seeds/ every term past it is such a word.
MAX_TRANSLATION_SHARE = 0.1
# ... once it is held by more than this many passages: in a small index a share says little.
MIN_COMMON_PASSAGES = 50
_NUMBER = re.compile(r"\d")
_CJK = {"Hira": "Hani", "Kana": "Hani"}
_stop_words = lru_cache(maxsize=None)(stop_words)  # read once per language: asked for every query word


@dataclass(frozen=True)
class WordTranslation:
    """One query word (as written) and the target language's terms searched for it, with their weights."""

    source: str
    lang: str
    to: Weighted
    written: bool = False  # `to` is the target language's text (a month's names), searched as its own words are

    def as_dict(self, index_set) -> dict:
        """The translation as the API shows it, each term also as the word a reader reads (indexer.search.readable)."""
        words = [term if self.written else readable_word(index_set, self.lang, term) for term, _ in self.to]
        to = [[term, weight] for term, weight in self.to]
        return {"from": self.source, "lang": self.lang, "to": to, "words": words}


def query_languages(text: str, lexicon, index_set, targets: list[str]) -> list[str]:
    """The languages a query may be written in, likeliest first: its script's; in a script several languages
    share (Latin), those whose vocabulary holds most of its words, langdetect's guess first (alone, it
    calls `tsunami death toll` Estonian); none when no vocabulary holds any, or its words are in several
    scripts.

    When the `targets` (the languages to search) hold equally many of the words and no other language
    could hold more, they are among the likeliest and are returned alone: nothing is translated then, and
    the other languages' vocabularies and langdetect need not be asked (an English search asked eight).
    """
    if _in_several_scripts(text):
        return []  # ferry OR ফেরি OR 여객선: the reader wrote the words of each language already
    by_script = SCRIPT_LANGUAGE.get(dominant_script(text))
    if by_script:
        return [by_script]
    terms = {
        lang: [term for _, tokens in _words(text, index_set.analyzer(lang)) for term in _base_terms(tokens)]
        for lang in index_set.languages
    }

    def held(lang: str) -> int:
        return sum(lexicon.knows(lang, term) for term in terms[lang])

    known = {lang: held(lang) for lang in targets if lang in terms}
    counts = set(known.values())
    floor = counts.pop() if len(counts) == 1 else 0
    if floor and all(len(terms[lang]) <= floor for lang in terms.keys() - known):
        return sorted(known)
    known.update((lang, held(lang)) for lang in terms.keys() - known)
    most = max(known.values(), default=0)
    if most == 0:
        return []  # words no vocabulary holds (zq*): nothing says what language to translate from
    tied = sorted(lang for lang, count in known.items() if count == most)
    if len(tied) == 1:
        return tied  # langdetect (most of a translated English search's time) only breaks a tie
    guess = detect_language(text).lang
    return sorted(tied, key=lambda lang: lang != guess)


def _in_several_scripts(text: str) -> bool:
    """Whether the query's words are written in more than one script other than Latin (which names and acronyms
    use in any language); kana and Han count as one, as Japanese mixes them."""
    scripts = {_CJK.get(script, script) for script in map(dominant_script, text.split())}
    return len(scripts - {None, "Latn"}) > 1


def plan_languages(
    index_set, parsed: ParsedQuery, route: Route, translate: bool | None = None
) -> tuple[dict[str, QueryPlan], list[dict]]:
    """Each routed language's plan, translated where the query's language is not the index's and translation
    was asked for (a language or `all` requested, `translate` not False); and the translations made.

    A query that may be in the index's own language (an English word is also Vietnamese) is not translated.
    """
    lexicon = getattr(index_set, "lexicon", None)
    asked = translate is not False and route.how == "requested" and lexicon is not None
    sources = query_languages(parsed.text, lexicon, index_set, route.langs) if asked else []
    source_words, dates = [], []
    if sources and set(route.langs) - set(sources):  # to translate: analyzed once, as its source's index would
        source_analyzer = index_set.analyzer(sources[0])
        source_words = _words(parsed.text, source_analyzer)
        dates = _named_dates(parsed.text, sources[0], source_analyzer, source_words)
    plans, translated = {}, []
    for code in route.langs:
        if not sources or code in sources:
            plans[code] = plan_query(parsed, code, index_set.analyzer(code))
            continue
        words = translate_words(parsed.text, source_words, sources[0], code, lexicon, dates)
        words = specific_translations(index_set, code, words)
        analyzer = index_set.analyzer(code)
        written = [text_clause([form for form, _ in word.to], code, analyzer) for word in words if word.written]
        lexical = [word.to for word in words if not word.written]
        plans[code] = translated_plan(parsed, code, lexical, tuple(clause for clause in written if clause))
        translated.extend(word.as_dict(index_set) for word in words)
    return plans, translated


def specific_translations(index_set, lang: str, words: list[WordTranslation]) -> list[WordTranslation]:
    """The translations less the terms too common in the target language to tell anything (MAX_TRANSLATION_SHARE,
    MIN_COMMON_PASSAGES)."""
    with index_set.searcher(lang) as searcher:
        most = max(MIN_COMMON_PASSAGES, MAX_TRANSLATION_SHARE * searcher.doc_count())
        return [
            word
            if word.written
            else replace(word, to=tuple((term, weight) for term, weight in word.to if _held_by(searcher, term) <= most))
            for word in words
        ]


def _held_by(searcher, term: str) -> int:
    """How many passages hold a term in their headline or text (the fields the lexicon was mined from)."""
    return max(searcher.doc_frequency(field, term) for field in ("title", "text"))


def translate_words(
    text: str, words: list[tuple[str, list[Token]]], source: str, target: str, lexicon, dates: list[CalendarName]
):
    """Each of the `words` of `text` (in language `source`, analyzed by `_words`) as weighted terms of `target`;
    the months and weekdays it names (`dates`, see `_named_dates`) as the target writes them."""
    found: list[WordTranslation] = []
    latin_query = dominant_script(text) == "Latn"
    for surface, tokens in words:
        date = next((date for date in dates if date.start <= tokens[0].start < date.end), None)
        if date is not None:
            if date.start == min(token.start for token in tokens):  # the name's first word brings it once
                found.append(_calendar_translation(text[date.start : date.end], date, target))
            continue
        if surface.lower() in _stop_words(source):
            continue  # a stop word carries no meaning to translate (and is not matched on at home either)
        kept = [token.text for token in tokens if _NUMBER.search(token.text)]
        if not kept and not latin_query and dominant_script(surface) == "Latn":
            kept = [token.text for token in tokens if token.role == WORD]
        if kept:
            found.append(WordTranslation(surface, target, tuple((term, 1.0) for term in kept)))
            continue
        for term in _base_terms(tokens):
            weighted = _lexicon_translations(lexicon, source, term, target)
            if not weighted and (not latin_query or surface[:1].isupper()):
                weighted = tuple(
                    (name, round(weight * NAME_WEIGHT, 2)) for name, weight in _names(lexicon, surface, term, target)
                )
            found.append(WordTranslation(surface, target, weighted))
    return found


def _named_dates(text: str, lang: str, analyzer, words: list[tuple[str, list[Token]]]) -> list[CalendarName]:
    """The months and weekdays a query names as words of their own: a name inside a longer word is none (মে in
    মেয়র, জুন in জুনিয়র); one that an ending follows is when the word is an inflection of the name, both analyzed
    to a common stem (নভেম্বরে, 11월에)."""
    spans = [(token.start, token.end, tokens) for _, tokens in words for token in tokens if token.role == WORD]
    named = []
    for date in calendar_names(text, lang):
        starts = any(start == date.start for start, _, _ in spans)
        last = next(((start, end, tokens) for start, end, tokens in spans if start < date.end <= end), None)
        if not starts or last is None:
            continue
        start, end, tokens = last
        if end == date.end or word_forms(analyzer.tokens(text[start : date.end], QUERY)) & word_forms(tokens):
            named.append(date)
    return named


def _calendar_translation(written: str, date: CalendarName, target: str) -> WordTranslation:
    """A month or weekday as the target language writes it (CLDR), at full weight as a number is: 11월 → November
    or Nov; November → 11월."""
    forms = calendar_name_forms(date.kind, date.number, target)
    return WordTranslation(written, target, tuple((form, 1.0) for form in forms), written=True)


def _words(text: str, analyzer) -> list[tuple[str, list[Token]]]:
    """The query's words as written, each with the tokens of the analyzer its index was built with (as the
    lexicon's terms were)."""
    groups: dict[int, list[Token]] = {}
    for token in analyzer.tokens(text, QUERY):
        groups.setdefault(token.pos, []).append(token)
    words = []
    for pos in sorted(groups):
        tokens = groups[pos]
        first = next((t for t in tokens if t.role == WORD), tokens[0])
        words.append((text[first.start : first.end], tokens))
    return words


def _base_terms(tokens: list[Token]) -> list[str]:
    """The terms a word is looked up by, as the lexicon was mined: its stems, or the word itself."""
    stems = list(dict.fromkeys(t.text for t in tokens if t.role == STEM))
    return stems or [next((t.text for t in tokens if t.role == WORD), tokens[0].text)]


def _lexicon_translations(lexicon, source: str, term: str, target: str) -> Weighted:
    """A term's translations, voted by every way the lexicon goes from one language to the other: directly,
    through a Korean word's Han spellings (_through_han), and through each third language aligned with both
    (bn → en → ko), each way's weights summing to one. A
    word rare on one side gets near-ties from its few aligned pairs, which the other languages' aligned text
    breaks (체포: Londonderry, rammed and arrest share its one aligned headline; through the others, arrest
    comes first)."""
    paths = [_translations(lexicon, source, term, target), _through_han(lexicon, source, term, target)]
    for pivot in lexicon.pivots(source, target):
        through: dict[str, float] = defaultdict(float)
        for middle, first in _translations(lexicon, source, term, pivot):
            for term_there, second in _translations(lexicon, pivot, middle, target):
                through[term_there] += first * second
        paths.append(_normalized(list(through.items())))
    votes: dict[str, float] = defaultdict(float)
    for path in paths:
        for term_there, weight in path:
            votes[term_there] += weight
    return _strongest(list(votes.items()))


def _through_han(lexicon, source: str, term: str, target: str) -> list[tuple[str, float]]:
    """A Korean word's translations through its spellings in Han characters that the lexicon's other languages
    write (화산: Chinese and Japanese 火山), each spelling one vote: its translations, or itself in a target
    written in Han. A word of one syllable has too many (재: 再, 在, 災, 才 ...)."""
    if len(term) < MIN_HAN_SYLLABLES or dominant_script(term) != "Hang":
        return []
    spellings = [(lang, han) for lang, han in lexicon.written_in_han(term) if lang != source]
    through: dict[str, float] = defaultdict(float)
    for lang, han in spellings:
        for term_there, weight in [(han, 1.0)] if lang == target else _translations(lexicon, lang, han, target):
            through[term_there] += weight / len(spellings)
    return _normalized(list(through.items()))


def _translations(lexicon, source: str, term: str, target: str) -> list[tuple[str, float]]:
    """A term's mined translations into one language, weights summing to one; one that does not translate back
    into the term counts for ONE_WAY_WEIGHT of its association (a word met beside it, more than its meaning)."""
    found = []
    for translation, dice in lexicon.translations(source, term, target):
        if translation in _stop_words(target):
            continue  # met beside every word, the target's stop words translate none
        back = {word for word, _ in lexicon.translations(target, translation, source)}
        found.append((translation, dice if term in back else dice * ONE_WAY_WEIGHT))
    return _normalized(found)


def _names(lexicon, surface: str, term: str, target: str) -> Weighted:
    """The target language's words sounding like a word the lexicon does not know: a name's other spellings.

    Among words that sound alike, the one spelled most alike wins, its spellings in the lexicon's other
    scripts counted too: 카페인 is spelled less like caffeine (0.62) than like Kevin (0.73), but its Japanese
    カフェイン most alike (0.83)."""
    key = name_key(surface)  # a name as written: a stemmer may cut it (গাইগার → গাইগ)
    loose = loose_name_key(key)
    if len(key) < MIN_NAME_KEY:
        return ()
    short = len(loose) < MIN_NAME_KEY  # গাইগার, Geiger: kl, loosely k; only the full key is telling
    # The other spelling may lack a last consonant: a stem's (Sims → sim) or one Korean adds (심스).
    keys = [loose] if short else [loose, loose[:-1]]
    alike = []
    for candidate, candidate_key, _ in [row for k in keys for row in lexicon.spelled_alike(target, k)]:
        if (short and candidate_key != key) or candidate in _stop_words(target):
            continue  # a stop word sounding like a name (about, 하버드) translates it no more than it translates words
        similarity = max(name_similarity(surface, candidate), name_similarity(term, candidate))
        if similarity >= NAME_MIN_SIMILARITY:
            exactness = 1.0 if candidate_key == key else LOOSE_NAME_WEIGHT
            spelling = max(
                spelling_similarity(word, spelled)
                for word in (surface, term)
                for spelled in {candidate, *lexicon.translated_anywhere(target, candidate)}
            )
            alike.append((candidate, similarity * exactness + SPELLING_WEIGHT * spelling))
    alike.sort(key=lambda pair: (-pair[1], pair[0]))
    return _strongest(alike[:NAMES_SEARCHED])


def _normalized(weighted) -> list[tuple[str, float]]:
    total = sum(weight for _, weight in weighted)
    return [(term, weight / total) for term, weight in weighted] if total else []


def _strongest(weighted) -> Weighted:
    """The TRANSLATIONS_SEARCHED heaviest terms, their weights rescaled to sum to one and rounded."""
    best = sorted(weighted, key=lambda pair: (-pair[1], pair[0]))[:TRANSLATIONS_SEARCHED]
    return tuple((term, round(weight, 2)) for term, weight in _normalized(best))
