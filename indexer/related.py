"""Related coverage for editors: other stories on an article's subject in any language, and translations lacking.

An article's relatedness to another is the sum of its evidence, each part between 0 and 1:

- `text`: more-like-this within one language. The article's most distinctive terms (tf·idf
  after that language's analysis) are searched in its own index, and each translation's terms
  in that translation's index, so the story's translations bridge into their languages. A
  candidate's score is its passages' summed BM25 over the score of the searched article itself.
- `numbers`, `anchors`, `names`: keys that need no translation, from the alignment store:
  numbers (digits folded), Latin-script names, acronyms and URLs (`align.anchors_of`), and
  name keys (`names.name_key`: ওয়েলশ, 웨일스 and Welsh all become `ls`). Each is a cosine
  of idf-weighted key sets between the story (the article and its translations) and the candidate.

A story's score is its best article's; each story is one entry, its articles grouped.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache

from indexer.align.store import MAX_ANCHOR_ARTICLES, KeyReader
from indexer.analysis import GRAM, SETU
from indexer.analysis.names import KEY_PREFIX
from indexer.engine import queries as eq
from indexer.engine.index_set import IndexSet
from indexer.engine.schema import HEADLINE_ONLY

# Distinctive terms searched for an article's more-like-this.
MLT_TERMS = 30
# How much each kind of evidence counts in an article's score (each part is between 0 and 1).
EVIDENCE_WEIGHTS = {"text": 1.0, "numbers": 1.0, "anchors": 1.0, "names": 1.0}
KEY_CHANNELS = ("numbers", "anchors", "names")
# Stories scoring below this are not shown as related: half of one kind of evidence, or a little of several.
MIN_RELATED_SCORE = 0.5
# Shared anchors shown per related article, rarest first, so an editor sees why it is listed.
SHARED_SHOWN = 5
# Generations whose catalogue and key weights are kept in memory (the served one and the one before).
CACHED_GENERATIONS = 2


@dataclass(frozen=True)
class Card:
    """What an editor sees of an article in a list: enough to recognize and open it."""

    doc_id: str
    lang: str
    group: str
    title: str
    url: str
    source: str
    published: str | None


@lru_cache(maxsize=CACHED_GENERATIONS)
def catalogue(index_set: IndexSet) -> dict[str, Card]:
    """Every article of the generation as a Card, read once from each index's first passages."""
    cards = {}
    for lang in index_set.languages:
        with index_set.searcher(lang) as searcher:
            firsts = searcher.search(eq.numeric_between("position", HEADLINE_ONLY, 0), limit=None)
            for fields in (searcher.stored_fields(docnum) for docnum in firsts.docs()):
                cards.setdefault(fields["doc_id"], _card(fields))
    return cards


def _card(fields: dict) -> Card:
    names = ("doc_id", "lang", "group", "title", "url", "source")
    return Card(**{name: fields[name] for name in names}, published=fields["published"] or None)


@lru_cache(maxsize=CACHED_GENERATIONS)
def stories(index_set: IndexSet) -> dict[str, list[Card]]:
    """The generation's stories (translation groups), each article in it by language."""
    grouped = defaultdict(list)
    for card in catalogue(index_set).values():
        grouped[card.group].append(card)
    return {group: sorted(cards, key=lambda c: (c.lang, c.doc_id)) for group, cards in grouped.items()}


def key_channel(key: str) -> str:
    """Which kind of evidence a key is: a number, a name key, or another anchor (Latin name, acronym, URL)."""
    if key.startswith(KEY_PREFIX):
        return "names"
    return "numbers" if key.isdigit() else "anchors"


@dataclass(frozen=True)
class KeyIndex:
    """The generation's keys in memory: each key's idf and articles, each article's keys and idf total per channel."""

    idf: dict[str, float]
    articles: dict[str, list[str]]
    keys: dict[str, list[str]]
    norms: dict[str, dict[str, float]]


@lru_cache(maxsize=CACHED_GENERATIONS)
def key_index(index_set: IndexSet) -> KeyIndex:
    """Read and weigh every key by its rarity: one pass over the store, once per generation."""
    articles: dict[str, list[str]] = defaultdict(list)
    keys: dict[str, list[str]] = defaultdict(list)
    for key, doc_id in KeyReader(index_set.links.path.parent).all_keys():
        articles[key].append(doc_id)
        keys[doc_id].append(key)
    idf = {
        key: math.log(len(keys) / len(found)) for key, found in articles.items() if len(found) <= MAX_ANCHOR_ARTICLES
    }
    norms: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(KEY_CHANNELS, 0.0))
    for doc_id, own in keys.items():
        for key in own:
            if key in idf:
                norms[doc_id][key_channel(key)] += idf[key]
    return KeyIndex(idf, dict(articles), dict(keys), dict(norms))


def key_evidence(index_set: IndexSet, story_ids: list[str], channels=KEY_CHANNELS) -> dict[str, dict]:
    """Cosine of idf-weighted keys between a story's articles and every other article sharing one, per channel.

    Also lists each article's shared anchors (not name keys, which read as nothing), rarest first.
    """
    index = key_index(index_set)
    mine = {key for doc_id in story_ids for key in index.keys.get(doc_id, ()) if key in index.idf}
    mine = {key for key in mine if key_channel(key) in channels}
    own = dict.fromkeys(KEY_CHANNELS, 0.0)
    for key in mine:
        own[key_channel(key)] += index.idf[key]
    shared: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(KEY_CHANNELS, 0.0))
    readable: dict[str, list[str]] = defaultdict(list)
    for key in mine:
        channel, weight = key_channel(key), index.idf[key]
        for doc_id in index.articles[key]:
            shared[doc_id][channel] += weight
            if channel != "names":
                readable[doc_id].append(key)
    evidence = {}
    for doc_id, sums in shared.items():
        if doc_id in story_ids:
            continue
        theirs = index.norms[doc_id]
        scores = {c: sums[c] / math.sqrt(own[c] * theirs[c]) if sums[c] else 0.0 for c in channels}
        ordered = sorted(set(readable[doc_id]), key=lambda k: (-index.idf[k], k))
        evidence[doc_id] = {**scores, "shared": ordered[:SHARED_SHOWN]}
    return evidence


def distinctive_terms(index_set: IndexSet, searcher, doc_id: str, lang: str) -> dict[str, float]:
    """The article's terms weighted tf·idf in its language's index, the MLT_TERMS highest (grams left out).

    The terms were counted at build time, with Setu's analysis; an index built with a baseline analysis
    (or before they were stored) has its article analyzed again here.
    """
    counts = KeyReader(index_set.links.path.parent).term_counts(doc_id) if _setu_analysis(index_set) else {}
    if not counts:
        passages = [searcher.stored_fields(docnum) for docnum in searcher.document_numbers(doc_id=doc_id)]
        text = "\n".join([passages[0]["title"], *(p["text"] for p in passages)]) if passages else ""
        counts = Counter(t.text for t in index_set.analyzer(lang).tokens(text) if t.role != GRAM)
    reader = searcher.reader()
    total = reader.doc_count() or 1
    weighted = {}
    for term, count in counts.items():
        frequency = reader.doc_frequency("text", term)
        if frequency:
            weighted[term] = count * math.log(1 + total / frequency)
    return dict(sorted(weighted.items(), key=lambda item: (-item[1], item[0]))[:MLT_TERMS])


def _setu_analysis(index_set: IndexSet) -> bool:
    return index_set.manifest.get("analysis", SETU) == SETU


def text_evidence(index_set: IndexSet, doc_id: str, lang: str) -> dict[str, float]:
    """More-like-this in one language: each article's passages' summed score over the searched article's own."""
    with index_set.searcher(lang) as searcher:
        terms = distinctive_terms(index_set, searcher, doc_id, lang)
        if not terms:
            return {}
        query = eq.any_of([eq.term("text", term, boost=weight) for term, weight in terms.items()])
        doc_ids = searcher.reader().column_reader("doc_id")
        sums: dict[str, float] = defaultdict(float)
        # Every matching passage counts toward its article; unlimited, Whoosh also skips its costlier top-k pruning.
        for docnum, score in searcher.search(query, limit=None).items():
            sums[doc_ids[docnum]] += score
    itself = sums.pop(doc_id, 0.0) or max(sums.values(), default=1.0)
    return {other: min(1.0, score / itself) for other, score in sums.items()}


def related_articles(index_set: IndexSet, doc_id: str, limit: int = 10, lang: str | None = None) -> dict | None:
    """Other stories on the article's subject, best first, one entry per story; None for an unknown article.

    `lang` keeps only stories covered in that language, ranked by their articles in it.
    The article's own translations are listed apart, under `translations`.
    """
    started = time.perf_counter()
    card = catalogue(index_set).get(doc_id)
    if card is None:
        return None
    story = stories(index_set)[card.group]
    evidence = score_articles(index_set, story)
    related = [
        _story_entry(index_set, group, found)
        for group, found in _by_story(index_set, evidence, lang).items()
        if max(f["score"] for f in found.values()) >= MIN_RELATED_SCORE
    ]
    related.sort(key=lambda entry: (-entry["score"], entry["group"]))
    return {
        "article": asdict(card),
        "translations": [asdict(member) for member in story if member.doc_id != doc_id],
        "related": related[:limit],
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def score_articles(index_set: IndexSet, story: list[Card]) -> dict[str, dict]:
    """Every article outside the story with some evidence, and that evidence, weighted into a `score`."""
    story_ids = [member.doc_id for member in story]
    evidence = key_evidence(index_set, story_ids)
    for member in story:
        for other, score in text_evidence(index_set, member.doc_id, member.lang).items():
            if other not in story_ids:
                found = evidence.setdefault(other, {"shared": []})
                found["text"] = max(found.get("text", 0.0), round(score, 4))
    for found in evidence.values():
        found["score"] = round(sum(weight * found.get(name, 0.0) for name, weight in EVIDENCE_WEIGHTS.items()), 4)
        for name in EVIDENCE_WEIGHTS:
            found[name] = round(found.get(name, 0.0), 4)
    return evidence


def _by_story(index_set: IndexSet, evidence: dict[str, dict], lang: str | None) -> dict[str, dict[str, dict]]:
    """The scored articles' evidence, grouped by their story; with `lang`, only articles in that language."""
    cards = catalogue(index_set)
    grouped: dict[str, dict[str, dict]] = defaultdict(dict)
    for doc_id, found in evidence.items():
        card = cards.get(doc_id)
        if card is not None and (lang is None or card.lang == lang):
            grouped[card.group][doc_id] = found
    return grouped


def _story_entry(index_set: IndexSet, group: str, evidence: dict[str, dict]) -> dict:
    """One related story: its best score, its languages, and every article of it, best related first."""
    members = stories(index_set)[group]
    unscored = {"score": 0.0, **dict.fromkeys(EVIDENCE_WEIGHTS, 0.0), "shared": []}
    articles = [{**asdict(member), **evidence.get(member.doc_id, unscored)} for member in members]
    articles.sort(key=lambda article: (-article["score"], article["lang"], article["doc_id"]))
    return {
        "group": group,
        "score": articles[0]["score"],
        "languages": sorted({member.lang for member in members}),
        "articles": articles,
    }


def coverage(
    index_set: IndexSet,
    source: str | None = None,
    start: str | None = None,
    end: str | None = None,
    missing: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """Stories with the languages they exist in and those they lack, newest first.

    A story matches `source` and the dates `start`..`end` (ISO, inclusive) when one of its
    articles does; `missing` keeps the stories without an article in that language.
    """
    languages = index_set.languages
    chosen = [
        members
        for members in stories(index_set).values()
        if _matches(members, source, start, end) and (missing is None or all(m.lang != missing for m in members))
    ]
    chosen.sort(key=lambda members: (_newest(members), members[0].group), reverse=True)
    return {
        "languages": languages,
        "total": len(chosen),
        "stories": [_coverage_entry(members, languages) for members in chosen[offset : offset + limit]],
    }


def _matches(members: list[Card], source: str | None, start: str | None, end: str | None) -> bool:
    """Whether one article of the story is from `source` and published within start..end."""
    for member in members:
        if source is not None and member.source.lower() != source.lower():
            continue
        if (start or end) and not (member.published and (start or "") <= member.published <= (end or "9999")):
            continue
        return True
    return False


def _newest(members: list[Card]) -> str:
    return max((member.published or "" for member in members), default="")


def _coverage_entry(members: list[Card], languages: list[str]) -> dict:
    """One story for the coverage view: its articles, the languages it has, and those it lacks."""
    present = sorted({member.lang for member in members})
    return {
        "group": members[0].group,
        "published": _newest(members) or None,
        "sources": sorted({member.source for member in members if member.source}),
        "languages": present,
        "missing": [lang for lang in languages if lang not in present],
        "articles": [{"doc_id": m.doc_id, "lang": m.lang, "title": m.title} for m in members],
    }
