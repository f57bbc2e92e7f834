"""A parsed query turned into one language's plan: engine queries per clause, stop words dropped.

Each query word becomes "the exact word (boosted), or all of its stems, or all of
its character grams" in any searched field, so base forms find inflected text
while exact forms rank first. A plan is built once per language and pickles, so
a cluster sends the same plan to every shard.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.analysis import GRAM, QUERY, STEM, WORD, Token
from indexer.analysis.stopwords import stop_words
from indexer.engine import queries as eq
from indexer.engine.queries import Query
from indexer.search.query import Clause, ParsedQuery, Unit

SEARCH_FIELDS = ("title", "text", "byline")
# How much an exact surface-word match outweighs a match on stems or grams alone.
EXACT_WORD_BOOST = 2.0
# Languages whose stop list is written in base forms (Kiwi's lemmas): a word whose stems are all listed is a
# stop word too (누가 → 누구). Elsewhere only the surface word counts, as in Lucene, since a stem can equal a
# listed word by chance (Bengali কাজের → কাজ).
BASE_FORM_STOP_LISTS = frozenset({"ko"})
_NORMALIZED_STOP_WORDS: dict[tuple[str, str, bool], frozenset[str]] = {}


@dataclass(frozen=True)
class ClausePlan:
    """One clause: its engine query, the ways it can match (term groups, each all needed) and whether it is
    a plain word (scored for coordination and proximity) or an operator clause (phrase, prefix, OR)."""

    query: Query
    options: tuple[tuple[str, ...], ...]
    word: bool


@dataclass(frozen=True)
class QueryPlan:
    """One language's query: its clauses (a passage matches any), exclusions, filters, and its stop words:
    never matched on (`stopped`, as written in `ignored`), they only add their score to passages the
    other words found, so a query's exact wording still tells two such passages apart."""

    lang: str
    clauses: tuple[ClausePlan, ...]
    excluded: Query | None
    restriction: Query | None
    ignored: tuple[str, ...]
    stopped: tuple[ClausePlan, ...] = ()
    translated: bool = False  # searched in words the lexicon gave, not the reader's own

    def query(self) -> Query | None:
        """Every clause as one disjunction, less the excluded passages; None when nothing can match."""
        if not self.clauses:
            return None
        return self._less_excluded(eq.any_of([clause.query for clause in self.clauses]))

    def every_clause_query(self) -> Query | None:
        """The passages matching every clause, less the excluded ones; None when nothing can match."""
        if not self.clauses:
            return None
        return self._less_excluded(eq.all_of([clause.query for clause in self.clauses]))

    def _less_excluded(self, combined: Query) -> Query:
        return eq.excluding(combined, self.excluded) if self.excluded is not None else combined


def plan_query(parsed: ParsedQuery, lang: str, analyzer) -> QueryPlan:
    """Build one language's plan for `parsed` with that language's analyzer."""
    builder = _ClauseBuilder(analyzer, lang)
    clauses, stopped = builder.content_clauses(parsed.clauses)
    excluded = [clause.query for clause, _ in builder.clauses(parsed.excluded)]
    return QueryPlan(
        lang,
        tuple(clauses),
        eq.any_of(excluded) if excluded else None,
        _restriction(parsed),
        tuple(word for word, _ in stopped),
        tuple(clause for _, clause in stopped),
    )


def translated_plan(
    parsed: ParsedQuery, lang: str, words: list[tuple[tuple[str, float], ...]], written: tuple[ClausePlan, ...] = ()
) -> QueryPlan:
    """A plan for a query translated into `lang`: per source word, any of its weighted target terms (already
    analyzed, as the lexicon holds them) in any searched field, and the `written` clauses (text_clause); a word
    with no translation is left out."""
    clauses = list(written)
    for targets in words:
        if targets:
            terms = [eq.term(field, term, weight) for field in SEARCH_FIELDS for term, weight in targets]
            query = eq.any_of(terms)
            clauses.append(ClausePlan(query, tuple((term,) for term, _ in targets), True))
    return QueryPlan(lang, tuple(clauses), None, _restriction(parsed), (), translated=True)


def text_clause(forms: list[str], lang: str, analyzer) -> ClausePlan | None:
    """A clause matching any of `forms`, text of the index's own language each searched as a phrase would be
    (11월 as 11 then 월, not 6월's 월; 十一月 by its grams, as 十一月份 holds them)."""
    builder = _ClauseBuilder(analyzer, lang)
    units = [unit for unit in (builder.unit_query(Unit("phrase", form)) for form in forms) if unit is not None]
    if not units:
        return None
    return ClausePlan(eq.any_of([query for query, _ in units]), tuple(o for _, options in units for o in options), True)


class _ClauseBuilder:
    """Turns parsed clauses into ClausePlans for one language's index, with that index's analyzer."""

    def __init__(self, analyzer, lang: str):
        self.analyzer = analyzer
        self.lang = lang

    def word_groups(self, text: str) -> list[list[Token]]:
        """The analyzed tokens of `text`, one list per surface word (tokens sharing a position)."""
        groups: dict[int, list[Token]] = {}
        for token in self.analyzer.tokens(text, QUERY):
            groups.setdefault(token.pos, []).append(token)
        return [groups[pos] for pos in sorted(groups)]

    def content_clauses(self, parsed_clauses: list[Clause]) -> tuple[list[ClausePlan], list[tuple[str, ClausePlan]]]:
        """The clauses less their stop words, and the stop words (as written, and their clauses); a query of
        stop words alone keeps them as its clauses."""
        base_forms = self.lang in BASE_FORM_STOP_LISTS
        stops = _normalized_stop_words(self.analyzer, self.lang, base_forms)
        built = self.clauses(parsed_clauses)
        kept, stopped = [], []
        for clause, tokens in built:
            if tokens and _is_stop_word(tokens, stops, base_forms):
                stopped.append((next((t.text for t in tokens if t.role == WORD), tokens[0].text), clause))
            else:
                kept.append(clause)
        if not kept:
            return [clause for clause, _ in built], []
        return kept, stopped

    def clauses(self, parsed_clauses: list[Clause]) -> list[tuple[ClausePlan, list[Token] | None]]:
        """One plan per clause (with its word's tokens for a plain word); plain words split into one clause each."""
        built: list[tuple[ClausePlan, list[Token] | None]] = []
        for clause in parsed_clauses:
            if len(clause.alternatives) == 1 and clause.alternatives[0].kind == "words":
                for group in self.word_groups(clause.alternatives[0].text):
                    built.append((ClausePlan(word_query(group), _options(group), True), group))
            else:
                units = [self.unit_query(unit) for unit in clause.alternatives]
                units = [unit for unit in units if unit is not None]
                if units:
                    options = tuple(option for _, unit_options in units for option in unit_options)
                    built.append((ClausePlan(eq.any_of([query for query, _ in units]), options, False), None))
        return built

    def unit_query(self, unit: Unit) -> tuple[Query, tuple[tuple[str, ...], ...]] | None:
        """A phrase, prefix or word group of an operator clause, with the term groups it matches by."""
        groups = self.word_groups(unit.text)
        if not groups:
            return None
        if unit.kind == "prefix":
            prefix = groups[0][0].text if len(groups) == 1 else unit.text.lower()
            return eq.any_of([eq.prefix(field, prefix) for field in SEARCH_FIELDS]), ()
        joined = (tuple(t for group in groups for t in _slot_terms(group)),)
        if unit.kind == "phrase" and len(groups) > 1:
            sequences = [eq.in_sequence([_slot(field, group) for group in groups]) for field in SEARCH_FIELDS]
            return eq.any_of(sequences), joined
        return eq.all_of([word_query(group) for group in groups], unit.weight), joined


def word_query(tokens: list[Token]) -> Query:
    """The exact word (boosted), or all its stems, or all its grams, in any searched field."""
    by_role = _by_role(tokens)
    options = []
    for field in SEARCH_FIELDS:
        for word in by_role.get(WORD, []):
            options.append(eq.term(field, word, boost=EXACT_WORD_BOOST))
        for role in (STEM, GRAM):
            if by_role.get(role):
                options.append(eq.all_of([eq.term(field, text) for text in by_role[role]]))
    return eq.any_of(options)


def _by_role(tokens: list[Token]) -> dict[str, list[str]]:
    by_role: dict[str, list[str]] = {}
    for token in tokens:
        if token.text not in by_role.setdefault(token.role, []):
            by_role[token.role].append(token.text)
    return by_role


def _options(tokens: list[Token]) -> tuple[tuple[str, ...], ...]:
    """The term groups a word matches by: its exact form alone, all of its stems, all of its grams."""
    by_role = _by_role(tokens)
    return tuple(tuple(by_role[role]) for role in (WORD, STEM, GRAM) if by_role.get(role))


def _slot_terms(tokens: list[Token]) -> list[str]:
    """The terms one phrase position matches: the word itself, or its base form when it has exactly one."""
    words = [t.text for t in tokens if t.role == WORD]
    stems = list(dict.fromkeys(t.text for t in tokens if t.role == STEM))
    return list(dict.fromkeys(words + (stems if len(stems) == 1 else [])))


def _slot(field: str, tokens: list[Token]) -> Query:
    """One position of a phrase: a compound's several parts are left out, so "사회복지 서비스" does not match
    "사회 복지 서비스"; grams are left out as they would match parts of other words."""
    texts = _slot_terms(tokens)
    return eq.any_of([eq.term(field, text) for text in texts]) if len(texts) > 1 else eq.term(field, texts[0])


def _restriction(parsed: ParsedQuery) -> Query | None:
    """The filters (source, published) as one query, or None."""
    parts = []
    if parsed.source:  # the source field is indexed word by word: "Harbour Times" needs both
        parts.extend(eq.term("source", word) for word in parsed.source.lower().split())
    if parsed.published:
        start, end = parsed.published
        parts.append(eq.between("published", start or "0000-00-00", end or "9999-99-99"))
    return eq.all_of(parts) if parts else None


def is_stop_word(analyzer, lang: str, tokens: list[Token]) -> bool:
    """Whether one word's tokens are a stop word of `lang`, as its plan would read them."""
    base_forms = lang in BASE_FORM_STOP_LISTS
    return _is_stop_word(tokens, _normalized_stop_words(analyzer, lang, base_forms), base_forms)


def _normalized_stop_words(analyzer, lang: str, base_forms: bool) -> frozenset[str]:
    """The language's stop words as its analyzer writes them (its normalization and folding applied).

    Kept per language and analysis, not per analyzer object: each opened generation has its own.
    """
    key = (lang, analyzer.analysis, base_forms)
    if key not in _NORMALIZED_STOP_WORDS:
        roles = (WORD, STEM) if base_forms else (WORD,)
        words = {t.text for word in stop_words(lang) for t in analyzer.tokens(word, QUERY) if t.role in roles}
        _NORMALIZED_STOP_WORDS[key] = frozenset(words)
    return _NORMALIZED_STOP_WORDS[key]


def _is_stop_word(tokens: list[Token], stops: frozenset[str], base_forms: bool) -> bool:
    """A word is a stop word when its surface form is listed, or (`base_forms`) all of its stems are."""
    if any(t.role == WORD and t.text in stops for t in tokens):
        return True
    stems = [t.text for t in tokens if t.role == STEM]
    return base_forms and bool(stems) and all(stem in stops for stem in stems)
