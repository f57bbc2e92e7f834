"""Reading matches out of an index: top-k collection, which candidates a query matches, where terms occur.

The ranking (indexer.search.ranking) decides what to score; this is how Whoosh is asked.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from whoosh import query as q
from whoosh import sorting
from whoosh.collectors import CollapseCollector, FilterCollector, SortingCollector, TopCollector
from whoosh.query.compound import DefaultOr

from indexer.engine.disjunction import MaxScoreUnion, flat_terms, leaf_matchers, leaf_matchers_and_terms
from indexer.engine.postings import dense_scores, scorer_of, skip_to
from indexer.engine.queries import CommonPrefix, Query, expanded_terms

# Matches between two of Whoosh's attempts to prune its matcher tree (its default is 10): each attempt walks the
# whole tree, which for a prefix's 150 completions cost more than the pruning saved (এক* at 100k: 355 -> 178 ms).
MATCHES_BETWEEN_PRUNING = 200

# Each open reader's column readers: opening one reads an offset for every passage, which a search did per
# hit and language (py-spy: a third of a Bengali query); weak, so a swapped-out generation's readers can go.
_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def column(reader, name: str):
    """The reader's column reader for a sortable field, opened once per reader."""
    columns = _COLUMNS.get(reader)
    if columns is None:
        columns = _COLUMNS[reader] = {}
    if name not in columns:
        columns[name] = reader.column_reader(name)
    return columns[name]


def stored_fields(reader, docnum: int) -> dict:
    """A passage's stored fields, read from its segment's stored column.

    Whoosh's `stored_fields` also checks each stored name against the schema, for fields a
    schema change removed; a generation's schema never changes, and that check was a third of
    the read (a page reads about 90 passages: its hits and their eight translations each).
    """
    for leaf, offset in reversed(reader.leaf_readers()):
        if docnum >= offset:
            per_document = getattr(leaf, "_perdoc", None)  # the reader behind SegmentReader's: a Whoosh internal
            if per_document is None:  # a Whoosh release without it: its own read, schema check and all
                return leaf.stored_fields(docnum - offset)
            return per_document.stored_fields(docnum - offset)
    raise KeyError(docnum)


class TopPassages(TopCollector):
    """Whoosh's top-k collector: a disjunction of terms searched by MaxScore, any other query pruned as Whoosh
    prunes, which waits until the heap is full.

    Whoosh's own sets its minimum score to the heap's lowest after a collapse removes a
    document, heap full or not, and then prunes every match below it: articles that
    belong in the top k were never seen (8 of 18 on a three-shard test index).
    """

    def prepare(self, top_searcher, q, context) -> None:
        super().prepare(top_searcher, q, context)
        self.leaves = flat_terms(q)  # None: not a disjunction of terms, searched by Whoosh's tree
        self.partial = False  # as MaxScoreUnion's, over every segment
        self.rejected: list[int] = []
        self.unions: list[tuple[int, MaxScoreUnion]] = []  # each segment's, by its first document number

    def remove(self, global_docnum: int) -> None:
        super().remove(global_docnum)
        if len(self.items) < self.limit:
            self.minscore = 0

    def set_subsearcher(self, subsearcher, offset: int) -> None:
        """A disjunction of terms is searched by MaxScore over its leaves; any other query by its Whoosh tree."""
        if self.leaves is None:
            super().set_subsearcher(subsearcher, offset)
            return
        self.subsearcher, self.offset = subsearcher, offset
        leaves, joined_terms = leaf_matchers_and_terms(self.leaves, subsearcher, self.context)
        self.matcher = MaxScoreUnion(leaves, subsearcher.reader(), joined_terms)
        self.unions.append((offset, self.matcher))

    def matches(self) -> Iterator[int]:
        """MaxScore's passages; else Whoosh's loop over the matches, its matcher tree pruned every `replace`
        matches only.

        Whoosh's also prunes at each rise of the heap's minimum, and each pruning walks the whole
        tree (recomputing each node's best score from its leaves): for a prefix's 150 completions
        that was most of the search. A rise still lets the matcher skip blocks that cannot reach it.
        """
        if isinstance(self.matcher, MaxScoreUnion):
            yield from self.matcher.competitive(lambda: self.minscore)
            self.partial = self.partial or self.matcher.partial
            self.rejected += [self.offset + docnum for docnum in self.matcher.rejected]
            return
        matcher, minscore, countdown, check_quality = self.matcher, self.minscore, 0, True
        use_quality = self._use_block_quality()
        while matcher.is_active():
            if countdown == 0:
                self.matcher = matcher = matcher.replace(self.minscore or 0)
                if not matcher.is_active():
                    break
                use_quality, countdown = self._use_block_quality(), self.replace
            countdown -= 1
            if self.minscore != minscore:
                check_quality, minscore = True, self.minscore
            if use_quality and check_quality and minscore is not None:
                self.skipped_times += matcher.skip_to_quality(minscore)
                if not matcher.is_active():
                    break
            yield matcher.id()
            check_quality = matcher.next()

    def terms_of(self, docnums: list[int]) -> dict[int, frozenset[tuple[str, str]]] | None:
        """The query's terms each passage it collected may hold (MaxScoreUnion.terms_of); None when Whoosh's
        tree searched (a phrase, a required word), which narrows nothing."""
        if self.leaves is None:
            return None
        found = {}
        for docnum in docnums:
            offset, union = next((offset, union) for offset, union in reversed(self.unions) if docnum >= offset)
            found[docnum] = union.terms_of(docnum - offset)
        return found

    def saw_every_match(self, counting_rejected: bool) -> bool:
        """Whether every match was counted: MaxScore drew every one (and those it rejected are counted, when
        `counting_rejected`); Whoosh's tree only prunes once the heap is full, and its count reached that."""
        if self.leaves is not None:
            return not self.partial and (counting_rejected or not self.rejected)
        return self.total < self.limit


@dataclass
class TopMatches:
    """The best-scored passages of a search, how many matched (passages, or articles when collapsed), whether
    that count is exact (False when Whoosh skipped blocks that could not reach the top), and the query's terms
    each passage may hold when the search narrowed them (TopPassages.terms_of)."""

    scored: list[tuple[int, float]]
    total: int
    exact: bool
    terms: dict[int, frozenset[tuple[str, str]]] | None


def top_matches(searcher, query: Query, limit: int, collapse_field: str | None, restriction: Query | None):
    """The `limit` best passages matching `query` (the best one per `collapse_field` value when given), among
    those matching `restriction` when given: a top-k search, never scoring every match."""
    top = TopPassages(limit, replace=MATCHES_BETWEEN_PRUNING)
    # The filter goes inside the collapse: outside, it hands matches straight to the collapse's child, past
    # its grouping (every passage of an article listed, and a total of 0).
    filtered = FilterCollector(top, restriction) if restriction is not None else top
    collapse = CollapseCollector(filtered, collapse_field) if collapse_field else None
    outer = collapse or filtered
    searcher.search_with_collector(query, outer)
    results = outer.results()
    counted = restriction is None  # else a passage MaxScore rejected might not have passed the filter
    exact = top.saw_every_match(counting_rejected=counted)
    if collapse is not None:
        keys = column(searcher.reader(), collapse_field)
        total = len(set(collapse.lists) | ({keys[docnum] for docnum in top.rejected} if counted else set()))
    else:
        total = top.total + (len(top.rejected) if counted else 0)
    if not exact and counted and collapse is None and not searcher.reader().has_deletions():
        total = max(total, most_passages_of_a_term(searcher, query))  # each term's passages all match the query
    scored = list(results.items())
    return TopMatches(scored, total, exact, top.terms_of([docnum for docnum, _ in scored]))


def most_passages_of_a_term(searcher, query: Query) -> int:
    """The most passages one of a disjunction's terms is in: a lower bound on how many passages it matches."""
    leaves = flat_terms(query) or []
    terms = [(leaf.fieldname, leaf.text) for leaf in leaves if isinstance(leaf, q.Term)]
    terms += [
        term for leaf in leaves if isinstance(leaf, CommonPrefix) for term in expanded_terms(leaf, searcher.reader())
    ]
    return max((searcher.doc_frequency(fieldname, text) for fieldname, text in terms), default=0)


def articles_matching(searcher, query: Query, limit: int) -> set[str]:
    """The articles (doc_id) of the first `limit` passages matching `query`, unscored."""
    ids = column(searcher.reader(), "doc_id")
    return {ids[docnum] for docnum in islice(searcher.docs_for_query(query), limit)}


def count_matching(searcher, query: Query, limit: int) -> int:
    """How many passages match `query`, counted up to `limit`."""
    return sum(1 for _ in islice(searcher.docs_for_query(query), limit))


class SortedPassages(SortingCollector):
    """Whoosh's sorting collector, removing in constant time: a collapse replaces an article's passage by a
    better one, and Whoosh's own remove scans every match collected so far (quadratic over a common word)."""

    def prepare(self, top_searcher, q, context) -> None:
        super().prepare(top_searcher, q, context)
        self.removed: set[int] = set()

    def remove(self, global_docnum: int) -> None:
        self.removed.add(global_docnum)
        self.docset.discard(global_docnum)

    def results(self):
        self.items = [item for item in self.items if item[1] not in self.removed]
        return super().results()


def newest_matches(searcher, query: Query, limit: int, collapse_field: str | None, restriction: Query | None):
    """The `limit` newest passages matching `query` (and `restriction`), by their `published` column, undated
    ones last and one date's best-scoring first; with `collapse_field`, each value's best-scoring passage.
    Every match is sorted, so none is missed the way a top-k search by score would; the score breaks ties so
    that shards keep the passages one index would."""
    newest = SortedPassages([sorting.FieldFacet("published", reverse=True), sorting.ScoreFacet()], limit=limit)
    filtered = FilterCollector(newest, restriction) if restriction is not None else newest  # inside, as top_matches
    outer = CollapseCollector(filtered, collapse_field, order=sorting.ScoreFacet()) if collapse_field else filtered
    searcher.search_with_collector(query, outer)
    return [docnum for docnum, _ in outer.results().items()]


def walk(matcher, docnums: list[int]) -> Iterator[int]:
    """The (sorted) passages `matcher` matches, in one pass skipping ahead; at each, it stands on that passage."""
    for docnum in docnums:
        if not matcher.is_active():
            return
        if matcher.id() < docnum:
            skip_to(matcher, docnum)
        if matcher.is_active() and matcher.id() == docnum:
            yield docnum


def matching(searcher, query: Query, docnums: list[int]) -> set[int]:
    """Which of the (sorted) passages `query` matches."""
    return set(walk(query.matcher(searcher, searcher.boolean_context()), docnums))


def scores_of(searcher, query: Query, docnums: list[int]) -> dict[int, float]:
    """The score `query` gives each of the (sorted) passages it matches: a disjunction's summed over its terms,
    each term's postings walked once in each segment."""
    leaves = flat_terms(query)
    if leaves is None:  # a phrase's matcher needs a context (Whoosh's own default is None)
        matcher = query.matcher(searcher, searcher.context(needs_current=True))
        return {docnum: matcher.score() for docnum in walk(matcher, docnums)}
    scores: dict[int, float] = {}
    for segment, offset in searcher.leaf_searchers():
        end = offset + segment.doc_count_all()
        inside = [docnum - offset for docnum in docnums if offset <= docnum < end]
        for matcher in leaf_matchers(leaves, segment, segment.context(needs_current=True)) if inside else ():
            found = dense_scores(matcher, segment.reader(), inside)
            if found is None:
                score = scorer_of(matcher, segment.reader())
                found = {docnum: score() for docnum in walk(matcher, inside)}
            for docnum, score in found.items():
                scores[docnum + offset] = scores.get(docnum + offset, 0.0) + score
    return scores


class CandidateTerms:
    """Which of a fixed list of (sorted) candidate passages each term occurs in, and where in `positions_field`:
    each term's postings walked once, for every clause asking (a word's exact form, stems and grams in each
    field are the leaves of its query, and proximity reads the same postings of the text field)."""

    def __init__(self, searcher, docnums: list[int], positions_field: str):
        self.searcher, self.docnums, self.positions_field = searcher, docnums, positions_field
        self._found: dict[tuple[str, str], dict[int, tuple[int, ...]]] = {}

    def occurrences(self, field: str, term: str) -> dict[int, tuple[int, ...]]:
        """The candidates holding `term` in `field`, with its positions there (empty outside `positions_field`)."""
        key = (field, term)
        if key not in self._found:
            reader, found = self.searcher.reader(), {}
            if key in reader:
                postings, positions = reader.postings(field, term), field == self.positions_field
                for docnum in walk(postings, self.docnums):
                    found[docnum] = tuple(postings.value_as("positions")) if positions else ()
            self._found[key] = found
        return self._found[key]

    def matching(self, query: Query) -> set[int]:
        """Which candidates `query` matches: from its terms' postings when it joins terms by AND and OR (a plain
        word's query), else by its own matcher."""
        matched = self._joined(query)
        return matching(self.searcher, query, self.docnums) if matched is None else matched

    def _joined(self, query: Query) -> set[int] | None:
        if type(query) is q.Term:
            return set(self.occurrences(query.fieldname, query.text))
        if type(query) not in (DefaultOr, q.And):
            return None
        parts = [self._joined(part) for part in query.subqueries]
        if any(part is None for part in parts):
            return None
        if not parts:
            return set()
        return set.union(*parts) if type(query) is DefaultOr else set.intersection(*parts)

    def positions(self, terms: set[str]) -> dict[int, set[int]]:
        """Where in each candidate's `positions_field` any of `terms` occurs (word positions)."""
        found: dict[int, set[int]] = {}
        for term in terms:
            for docnum, at in self.occurrences(self.positions_field, term).items():
                found.setdefault(docnum, set()).update(at)
        return found
