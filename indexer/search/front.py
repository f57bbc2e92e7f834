"""Searching the per-language indexes: query routing, matching, ranking, highlighting → plain dicts.

Whoosh stays inside this module and `index.py`; callers get JSON-ready dicts
in the shape the JSON API returns. Each query word becomes "the exact word, or
all of its stems, or all of its character grams" (the analysis roles), so base
forms find inflected text while exact forms rank first.
"""

from __future__ import annotations

import time
import weakref
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cached_property

from whoosh import query as q

from indexer.analysis import GRAM, QUERY, STEM, WORD, Token
from indexer.documents import reject_unpaired_surrogates
from indexer.highlight import Highlighter
from indexer.index import HEADLINE_ONLY, IndexSet
from indexer.languages import SCRIPT_LANGUAGE, UnknownLanguage, canonical_language, detect_language, dominant_script
from indexer.query import Clause, ParsedQuery, Unit, parse_query

MAX_LIMIT = 100
MAX_OFFSET = 10_000
SEARCH_FIELDS = ("title", "text", "byline")
# How much an exact surface-word match outweighs a match on stems or grams alone.
EXACT_WORD_BOOST = 2.0
# Fewer articles than this matching every query word, and documents matching most words are added after them.
MIN_FULL_MATCHES = 1

# Each open reader's column readers: opening one reads an offset for every passage, which a search did per
# hit and language (py-spy: a third of a Bengali query); weak, so a swapped-out generation's readers can go.
_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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

    A query whose language is unclear (`ANH PHUONG`, `12`) goes to every index.
    """
    detection = detect_language(text)
    if requested == "all":
        return Route(tuple(available), "all", detection.lang, "requested")
    if requested != "auto":
        lang = canonical_language(requested)
        return Route((lang,) if lang in available else (), lang, detection.lang, "requested")
    sure = detection.how == "statistics" or (detection.how == "script" and dominant_script(text) in SCRIPT_LANGUAGE)
    if sure and detection.lang in available:
        return Route((detection.lang,), detection.lang, detection.lang, detection.how)
    return Route(tuple(available), "all", detection.lang, detection.how)


class _QueryBuilder:
    """Turns a ParsedQuery into Whoosh queries for one language's index, with that index's analyzer."""

    def __init__(self, analyzer):
        self.analyzer = analyzer

    def word_groups(self, text: str) -> list[list[Token]]:
        """The analyzed tokens of `text`, one list per surface word (tokens sharing a position)."""
        groups: dict[int, list[Token]] = {}
        for token in self.analyzer.tokens(text, QUERY):
            groups.setdefault(token.pos, []).append(token)
        return [groups[pos] for pos in sorted(groups)]

    def word_query(self, tokens: list[Token]) -> q.Query:
        """The exact word (boosted), or all its stems, or all its grams, in any searched field."""
        by_role: dict[str, list[str]] = {}
        for token in tokens:
            by_role.setdefault(token.role, []).append(token.text)
        options = []
        for field in SEARCH_FIELDS:
            for word in by_role.get(WORD, []):
                options.append(q.Term(field, word, boost=EXACT_WORD_BOOST))
            for role in (STEM, GRAM):
                if by_role.get(role):
                    options.append(q.And([q.Term(field, text) for text in dict.fromkeys(by_role[role])]))
        return q.Or(options)

    def clauses(self, parsed_clauses: list[Clause]) -> list[q.Query]:
        """One query per clause; a clause of plain words splits into one clause per analyzed word."""
        built = []
        for clause in parsed_clauses:
            if len(clause.alternatives) == 1 and clause.alternatives[0].kind == "words":
                built.extend(self.word_query(group) for group in self.word_groups(clause.alternatives[0].text))
            else:
                options = [self.unit_query(unit) for unit in clause.alternatives]
                options = [option for option in options if option is not None]
                if options:
                    built.append(q.Or(options))
        return built

    def unit_query(self, unit: Unit) -> q.Query | None:
        groups = self.word_groups(unit.text)
        if not groups:
            return None
        if unit.kind == "prefix":
            prefix = groups[0][0].text if len(groups) == 1 else unit.text.lower()
            return q.Or([q.Prefix(field, prefix) for field in SEARCH_FIELDS])
        if unit.kind == "phrase" and len(groups) > 1:
            return q.Or([q.Sequence([self._slot(field, group) for group in groups]) for field in SEARCH_FIELDS])
        return q.And([self.word_query(group) for group in groups])

    @staticmethod
    def _slot(field: str, tokens: list[Token]) -> q.Query:
        """One position of a phrase: the word itself, or its base form when it has exactly one.

        A compound's several parts are left out, so "사회복지 서비스" does not match
        "사회 복지 서비스"; grams are left out as they would match parts of other words.
        """
        words = [t.text for t in tokens if t.role == WORD]
        stems = list(dict.fromkeys(t.text for t in tokens if t.role == STEM))
        texts = list(dict.fromkeys(words + (stems if len(stems) == 1 else [])))
        return q.Or([q.Term(field, text) for text in texts]) if len(texts) > 1 else q.Term(field, texts[0])

    def restriction(self, parsed: ParsedQuery) -> q.Query | None:
        """The filters (source, published) as one query, or None."""
        parts = []
        if parsed.source:
            parts.append(q.Term("source", parsed.source.lower()))
        if parsed.published:
            start, end = parsed.published
            parts.append(q.TermRange("published", start or "0000-00-00", end or "9999-99-99"))
        return q.And(parts) if parts else None


@dataclass
class _Match:
    score: float
    clauses_matched: int
    lang: str
    docnum: int
    doc_id: str


@dataclass
class _LanguageSearch:
    """One language's part of a search: its searcher, built clauses, and the terms to highlight."""

    lang: str
    searcher: object
    builder: _QueryBuilder
    clauses: list
    excluded: q.Query | None
    restriction: q.Query | None
    terms: set

    @cached_property
    def highlighter(self) -> Highlighter:
        """Marks the query's terms in this language's shown passages."""
        return Highlighter(self.searcher.reader(), self.builder.analyzer, self.terms)

    def run(self, relaxed: bool, normalize: bool) -> list[_Match]:
        """Score matching passages: all clauses required, or (relaxed) ranked by how many match."""
        if not self.clauses:
            return []
        combined = q.Or(self.clauses) if relaxed else q.And(self.clauses)
        if self.excluded is not None:
            combined = q.AndNot(combined, self.excluded)
        scored = list(self.searcher.search(combined, limit=None, filter=self.restriction).items())
        if not scored:
            return []
        counts = self._clause_counts(scored) if relaxed else None
        top = scored[0][1] or 1.0
        doc_ids = _column(self.searcher.reader(), "doc_id")
        return [
            _Match(
                score / top if normalize else score,
                counts[docnum] if counts else len(self.clauses),
                self.lang,
                docnum,
                doc_ids[docnum],
            )
            for docnum, score in scored
        ]

    def _clause_counts(self, scored) -> dict[int, int]:
        counts = dict.fromkeys((docnum for docnum, _ in scored), 0)
        for clause in self.clauses:
            for docnum in self.searcher.docs_for_query(clause):
                if docnum in counts:
                    counts[docnum] += 1
        return counts


def search(
    index_set: IndexSet,
    query: str,
    lang: str = "auto",
    limit: int = 10,
    offset: int = 0,
    per: str = "article",
) -> dict:
    """Return ranked, highlighted passages for `query`: one per article, or every one with `per="passage"`.

    Every query word is required when that finds something; otherwise passages
    are ranked by how many query words they match, then by BM25F. A query holding
    an unpaired surrogate (not text) raises UnpairedSurrogate, a ValueError.
    """
    own_search = getattr(index_set, "search", None)
    if own_search is not None:  # an index set searched elsewhere (shards on a cluster) answers for itself
        return own_search(query, lang, limit, offset, per)
    started = time.perf_counter()
    reject_unpaired_surrogates(query)
    parsed = parse_query(query)
    route = route_query(parsed.text, _requested_language(parsed, lang), index_set.languages)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    with ExitStack() as stack:
        searches = [_prepare(index_set, code, parsed, stack) for code in route.langs]
        normalize = len(searches) > 1
        matches = [m for s in searches for m in s.run(relaxed=False, normalize=normalize)]
        matching = "all words"
        if _articles(matches) < MIN_FULL_MATCHES and max((len(s.clauses) for s in searches), default=0) > 1:
            relaxed = [m for s in searches for m in s.run(relaxed=True, normalize=normalize)]
            if relaxed:
                full = {(m.lang, m.docnum) for m in matches}
                matches += [m for m in relaxed if (m.lang, m.docnum) not in full]
                matching = "most words"
        matches.sort(key=lambda m: (-m.clauses_matched, -m.score, m.lang, m.doc_id, m.docnum))
        if per == "article":
            matches = _best_per_article(matches)
        by_lang = {s.lang: s for s in searches}
        shown = matches[offset : offset + limit]
        for s in searches:
            s.highlighter.read([m.docnum for m in shown if m.lang == s.lang])
        page = [_hit(index_set, by_lang[m.lang], m) for m in shown]
    return {
        "query": query,
        "lang": route.as_dict(),
        "syntax": parsed.syntax,
        "notice": parsed.notice,
        "matching": matching,
        "total": len(matches),
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
        "hits": page,
    }


def _requested_language(parsed: ParsedQuery, lang: str) -> str:
    """A `lang:` filter in the query text wins over the request's language, unless it names none."""
    if parsed.lang:
        try:
            return canonical_language(parsed.lang)
        except UnknownLanguage:
            parsed.notice = f"lang:{parsed.lang} names no language; ignored"
    return lang


def _prepare(index_set: IndexSet, lang: str, parsed: ParsedQuery, stack: ExitStack) -> _LanguageSearch:
    searcher = stack.enter_context(index_set.searcher(lang))
    builder = _QueryBuilder(index_set.analyzer(lang))
    clauses = builder.clauses(parsed.clauses)
    excluded = builder.clauses(parsed.excluded)
    terms = _query_terms(clauses, searcher.reader())
    return _LanguageSearch(
        lang, searcher, builder, clauses, q.Or(excluded) if excluded else None, builder.restriction(parsed), terms
    )


def _column(reader, name: str):
    """The reader's column reader for a sortable field, opened once per reader."""
    columns = _COLUMNS.get(reader)
    if columns is None:
        columns = _COLUMNS[reader] = {}
    if name not in columns:
        columns[name] = reader.column_reader(name)
    return columns[name]


def _articles(matches: list[_Match]) -> int:
    return len({(m.lang, m.doc_id) for m in matches})


def _query_terms(clauses: list[q.Query], reader) -> set[str]:
    """Return the indexed terms the query can match (prefixes expanded), for highlighting."""
    terms = set()
    for clause in clauses:
        for leaf in clause.leaves():
            for field, text in leaf.expanded_terms(reader, phrases=True):
                if field in SEARCH_FIELDS:
                    terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return terms


def _best_per_article(matches: list[_Match]) -> list[_Match]:
    seen, best = set(), []
    for match in matches:
        key = (match.lang, match.doc_id)
        if key not in seen:
            seen.add(key)
            best.append(match)
    return best


def _hit(index_set: IndexSet, language_search: _LanguageSearch, match: _Match) -> dict:
    fields = language_search.searcher.stored_fields(match.docnum)
    marked = language_search.highlighter
    text_highlight = marked("text", match.docnum, fields["text"])
    title_highlight = marked("title", match.docnum, fields["title"])
    if "<mark>" in text_highlight:
        passage = {"index": fields["position"], "text": fields["text"], "highlight": text_highlight}
    else:
        passage = {"index": None, "text": fields["title"], "highlight": title_highlight}
    return {
        "doc_id": fields["doc_id"],
        "group": fields["group"],
        "lang": fields["lang"],
        "title": fields["title"],
        "title_highlight": title_highlight,
        "url": fields["url"],
        "published": fields["published"] or None,
        "source": fields["source"],
        "byline": fields["byline"],
        "score": round(match.score, 4),
        "words_matched": match.clauses_matched,
        "passage": passage,
        "translations": find_translations(index_set, fields["group"], fields["doc_id"], passage["index"]),
    }


def find_translations(index_set: IndexSet, group: str, doc_id: str, passage_index: int | None = None) -> list[dict]:
    """Return the other articles of a translation group, by language, each with its passage linked to ours.

    The linked passage comes from the alignment stored with the index; for a hit in the
    headline (`passage_index` None) it is the translation's headline.
    """
    linked = {} if passage_index is None else index_set.links.passage_links(doc_id, passage_index)
    found = []
    for lang in index_set.languages:
        with index_set.searcher(lang) as searcher:
            # Passages by article and position from the columns: only the passages shown are loaded.
            reader = searcher.reader()
            doc_ids, positions = _column(reader, "doc_id"), _column(reader, "position")
            articles: dict[str, dict[int, int]] = {}
            for docnum in searcher.document_numbers(group=group):
                if doc_ids[docnum] != doc_id:
                    articles.setdefault(doc_ids[docnum], {})[positions[docnum]] = docnum
            for other_id, docnums in articles.items():
                fields = searcher.stored_fields(next(iter(docnums.values())))
                if passage_index is None:
                    passage = {"indexes": [HEADLINE_ONLY], "text": fields["title"]}
                else:
                    indexes = linked.get(other_id, [])
                    texts = (searcher.stored_fields(docnums[i])["text"] for i in indexes)
                    passage = {"indexes": indexes, "text": "\n\n".join(texts)}
                entry = {"doc_id": other_id, "lang": lang, "title": fields["title"], "url": fields["url"]}
                found.append({**entry, "passage": passage})
    return found


def get_article(index_set: IndexSet, doc_id: str) -> dict | None:
    """Return an article rebuilt from its passages, paragraphs in order with their links, or None when unknown."""
    for lang in index_set.languages:
        with index_set.searcher(lang) as searcher:
            docnums = list(searcher.document_numbers(doc_id=doc_id))
            if not docnums:
                continue
            passages = sorted((searcher.stored_fields(d) for d in docnums), key=lambda f: f["position"])
            first = passages[0]
            links = index_set.links.paragraph_links(doc_id)
            return {
                "doc_id": doc_id,
                "lang": lang,
                "group": first["group"],
                "title": first["title"],
                "url": first["url"],
                "byline": first["byline"],
                "published": first["published"] or None,
                "source": first["source"],
                "paragraphs": [
                    {"index": p["position"], "text": p["text"], **_links_of(links, p["position"])}
                    for p in passages
                    if p["position"] != HEADLINE_ONLY
                ],
                "translations": _ranked_translations(index_set, first["group"], doc_id),
                "candidates": index_set.links.candidates(doc_id),
            }
    return None


def _links_of(links: dict[int, list[dict]], position: int) -> dict:
    """A paragraph's `links` when its article has aligned translations; an article alone has none to list."""
    return {"links": links[position]} if position in links else {}


def _ranked_translations(index_set: IndexSet, group: str, doc_id: str) -> list[dict]:
    """The group's other articles, best aligned first, with the alignment's confidence when it has one."""
    aligned = {t["doc_id"]: t for t in index_set.links.translations(doc_id)}
    order = {other: rank for rank, other in enumerate(aligned)}
    found = [
        {**{key: t[key] for key in ("doc_id", "lang", "title", "url")}, **aligned.get(t["doc_id"], {})}
        for t in find_translations(index_set, group, doc_id)
    ]
    return sorted(found, key=lambda t: order.get(t["doc_id"], len(order)))
