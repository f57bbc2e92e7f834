"""What a reader is shown: hits highlighted from stored spans, translations and articles read by key.

Each shown hit costs the same whatever the corpus size: its stored fields, its
terms' spans, and its story's other articles looked up by group in the alignment
store and by id in each language's table of passages (never a scan of an index).
"""

from __future__ import annotations

import threading

from indexer.analysis import QUERY
from indexer.engine.collect import column, stored_fields
from indexer.engine.schema import HEADLINE_ONLY
from indexer.generations import per_index_set
from indexer.search.highlight import Highlighter, mark
from indexer.search.ranking import Candidate
from indexer.search.snippets import marked_snippet

# Each open index set's tables of articles' passages by language (see _passage_table); weak, so a swapped-out
# generation's go with it.
_passage_tables = per_index_set(lambda index_set: {})
_TABLE_LOCK = threading.Lock()


def warm(index_set) -> None:
    """Load what a first search would before a reader waits for it: each language's analyzer, run once on a
    headline of its own index (Kiwi's model takes about 2 s), and its table of articles' passages."""
    for lang in index_set.languages:
        docnums = next(iter(_passage_table(index_set, lang).values()), None)
        if docnums:
            with index_set.searcher(lang) as searcher:
                index_set.analyzer(lang).tokens(searcher.stored_fields(docnums[0])["title"], QUERY)


def page_hits(index_set, page: list[tuple[str, Candidate, float]], terms: dict[str, set[str]]) -> list[dict]:
    """The hit dicts of one page of (language, candidate, shown score), highlighted with each language's terms."""
    stored = PageReads(index_set)
    highlighters = {}
    for lang in {lang for lang, _, _ in page}:
        highlighters[lang] = Highlighter(stored.reader(lang), index_set.analyzer(lang), terms.get(lang, set()))
        may_hold = {c.docnum: c.terms for code, c, _ in page if code == lang}
        highlighters[lang].read(list(may_hold), may_hold)
    hits = [_hit(stored(lang, c.docnum), highlighters[lang], c, score) for lang, c, score in page]
    shown = [(hit["group"], hit["doc_id"], hit["passage"]["index"]) for hit in hits]
    for hit, translations in zip(hits, page_translations(index_set, shown, stored), strict=True):
        hit["translations"] = translations
    return hits


class PageReads:
    """The stored passages one page reads, each decoded once: hits of one story share their translations."""

    def __init__(self, index_set):
        self.index_set = index_set
        self.readers: dict[str, object] = {}
        self.columns: dict[str, object] = {}
        self.fields: dict[tuple[str, int], dict] = {}

    def reader(self, lang: str):
        """This thread's reader of one language's index."""
        if lang not in self.readers:
            with self.index_set.searcher(lang) as searcher:
                self.readers[lang] = searcher.reader()
        return self.readers[lang]

    def positions(self, lang: str):
        """The position column of one language's passages, looked up once a page (a page has ~60 translations)."""
        if lang not in self.columns:
            self.columns[lang] = column(self.reader(lang), "position")
        return self.columns[lang]

    def __call__(self, lang: str, docnum: int) -> dict:
        """A passage's stored fields, read on first ask."""
        if (lang, docnum) not in self.fields:
            self.fields[lang, docnum] = stored_fields(self.reader(lang), docnum)
        return self.fields[lang, docnum]


def _hit(fields: dict, marked: Highlighter, candidate: Candidate, score: float) -> dict:
    """A hit's dict from its passage's stored `fields`; its translations are added by the page."""
    text_spans = marked.spans("text", candidate.docnum, fields["text"])
    title_highlight = marked("title", candidate.docnum, fields["title"])
    if text_spans:
        passage = {
            "index": fields["position"],
            "text": fields["text"],
            "highlight": mark(fields["text"], text_spans),
            "snippet": marked_snippet(fields["text"], text_spans, fields["lang"]),
        }
    else:
        passage = {"index": None, "text": fields["title"], "highlight": title_highlight, "snippet": title_highlight}
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
        "byline_highlight": marked("byline", candidate.docnum, fields["byline"]),
        "score": round(score, 4),
        "words_matched": candidate.words_matched,
        "passage": passage,
    }


def find_translations(index_set, group: str, doc_id: str, passage_index: int | None = None) -> list[dict]:
    """Return the other articles of a translation group, by language, each with its passage linked to ours.

    The linked passage comes from the alignment stored with the index; for a hit in the
    headline (`passage_index` None) it is the translation's headline.
    """
    return page_translations(index_set, [(group, doc_id, passage_index)], PageReads(index_set))[0]


def page_translations(index_set, shown: list[tuple[str, str, int | None]], stored: PageReads) -> list[list[dict]]:
    """find_translations for each (group, doc_id, passage index) of a page: the alignment store asked once for
    the page's groups and once for its passages' links, each stored passage read once."""
    members = index_set.links.groups_members(list(dict.fromkeys(group for group, _, _ in shown)))
    links = index_set.links.passages_links([(doc_id, index) for _, doc_id, index in shown if index is not None])
    tables = {lang: _passage_table(index_set, lang) for lang in index_set.languages}  # once a page, not a translation
    found = []
    for group, doc_id, index in shown:
        linked = links[doc_id, index] if index is not None else {}
        translations = []
        for other_id, lang in members[group]:
            docnums = tables[lang].get(other_id, []) if lang in tables and other_id != doc_id else []
            if docnums:
                shown_at = linked.get(other_id, []) if index is not None else None
                translations.append(_translation(stored, other_id, lang, docnums, shown_at))
        found.append(translations)
    return found


def _translation(stored: PageReads, doc_id: str, lang: str, docnums: list[int], linked: list[int] | None) -> dict:
    """One translation, with its passages at the `linked` positions, or its headline when `linked` is None (a hit
    in the headline): its stored passages read by document number."""
    positions = stored.positions(lang)
    shown = {i: docnum for i in linked or () if (docnum := _passage_at(positions, docnums, i)) is not None}
    passages = [stored(lang, docnum) for docnum in shown.values()]
    head = passages[0] if passages else stored(lang, docnums[0])  # every passage holds the headline
    if linked is None:
        passage = {"indexes": [HEADLINE_ONLY], "text": head["title"]}
    else:
        passage = {"indexes": list(shown), "text": "\n\n".join(fields["text"] for fields in passages)}
    return {"doc_id": doc_id, "lang": lang, "title": head["title"], "url": head["url"], "passage": passage}


def article_passages(index_set, lang: str, doc_id: str) -> list[int]:
    """An article's passages in order: a dictionary lookup in its language's table (see _passage_table)."""
    return _passage_table(index_set, lang).get(doc_id, [])


def _passage_table(index_set, lang: str) -> dict[str, list[int]]:
    """Each article's passages (document numbers in order) in one language, read once from its id column.

    A generation never changes, so the table lasts as long as its index set, shared by every
    thread's reader (the numbers are the same in each); Whoosh's postings for an id cost more
    than the rest of a hit (eight translations a hit, ten hits a page).
    """
    tables = _passage_tables(index_set)
    if lang not in tables:
        with _TABLE_LOCK, index_set.searcher(lang) as searcher:
            if lang not in tables:
                reader, table = searcher.reader(), {}
                doc_ids = column(reader, "doc_id")
                for docnum in reader.all_doc_ids():  # live passages only, in order
                    table.setdefault(doc_ids[docnum], []).append(docnum)
                tables[lang] = table
    return tables[lang]


def _passage_at(positions, docnums: list[int], position: int) -> int | None:
    """The document number of an article's passage at `position`, given its passages' numbers in order and the
    index's position column.

    An article's passages are written one after another, so the n-th is at position n; a
    look at the position column confirms it, and the whole article is read only if not.
    """
    if 0 <= position < len(docnums) and positions[docnums[position]] == position:
        return docnums[position]
    return _passages_by_position(positions, docnums).get(position)


def _passages_by_position(positions, docnums: list[int]) -> dict[int, int]:
    """An article's passages (position → document number), read from the index's position column."""
    return {positions[docnum]: docnum for docnum in docnums}


def get_article(index_set, doc_id: str) -> dict | None:
    """Return an article rebuilt from its passages, paragraphs in order with their links, or None when unknown."""
    for lang in index_set.languages:
        with index_set.searcher(lang) as searcher:
            positions = column(searcher.reader(), "position")
            docnums = _passages_by_position(positions, article_passages(index_set, lang, doc_id))
            if not docnums:
                continue
            passages = [searcher.stored_fields(docnums[position]) for position in sorted(docnums)]
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


def _ranked_translations(index_set, group: str, doc_id: str) -> list[dict]:
    """The group's other articles, best aligned first, with the alignment's confidence when it has one."""
    aligned = {t["doc_id"]: t for t in index_set.links.translations(doc_id)}
    order = {other: rank for rank, other in enumerate(aligned)}
    found = [
        {**{key: t[key] for key in ("doc_id", "lang", "title", "url")}, **aligned.get(t["doc_id"], {})}
        for t in find_translations(index_set, group, doc_id)
    ]
    return sorted(found, key=lambda t: order.get(t["doc_id"], len(order)))
