"""Search on a cluster: shard searchers held by workers, a query analyzed once and scored with global statistics.

As Elasticsearch's dfs_query_then_fetch: a first round asks one replica of every
shard for the document frequencies of the query's terms; a second scores with
their sums and the manifest's collection totals, so a passage scores as in one
index of the whole language, and returns each shard's best. The merged page is
then highlighted and given its translations here, from the shared generation.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from math import log
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as q
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.searching import Searcher

from indexer.cluster import CallFailed, Cluster
from indexer.documents import reject_unpaired_surrogates
from indexer.index import LiveIndexSet
from indexer.query import ParsedQuery, parse_query
from indexer.search import (
    MAX_LIMIT,
    MAX_OFFSET,
    MIN_FULL_MATCHES,
    Route,
    _best_per_article,
    _hit,
    _LanguageSearch,
    _Match,
    _query_terms,
    _QueryBuilder,
    _requested_language,
    route_query,
)
from indexer.shards import ShardedIndexSet, shard_folder

# Searchers per shard when the cluster has the workers: one can die while another answers.
REPLICAS = 2
# Seconds a replica may take to answer one round of a query before it is dropped and another one asked.
SHARD_DEADLINE = 5.0
# How often the pending calls to shards are looked at: the answer's added latency at most.
POLL_SECONDS = 0.001
# Statistics a query is scored with: the whole language's (the default), or each shard's own (to compare).
GLOBAL, LOCAL = "global", "local"
# The two rounds of matching: every query word required, then (when that finds too little) most of them.
STRICT, RELAXED = "strict", "relaxed"

ShardKey = tuple[str, int]


def _term_key(fieldname: str, text: str | bytes) -> tuple[str, str]:
    return fieldname, text.decode("utf-8") if isinstance(text, bytes) else text


class GlobalBM25F(BM25F):
    """BM25F scoring one shard with its language's statistics: IDF and average field length over every shard."""

    def __init__(self, statistics: dict):
        super().__init__()
        self.doc_count = statistics["doc_count"]
        self.field_length = statistics["field_length"]
        self.doc_frequencies = statistics["doc_frequencies"]

    def idf(self, searcher, fieldname, text) -> float:
        frequency = self.doc_frequencies.get(_term_key(fieldname, text))
        if frequency is None:  # a term the first round did not see: this shard's own is all there is
            return super().idf(searcher, fieldname, text)
        return log(self.doc_count / (frequency + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer) and fieldname in self.field_length:
            scorer.avgfl = self.field_length[fieldname] / (self.doc_count or 1) or 1
        return scorer


@dataclass(frozen=True)
class LanguageQuery:
    """A query built once for one language (Whoosh queries pickle), sent to each of its shards."""

    clauses: list
    excluded: object
    restriction: object


@dataclass(frozen=True)
class ShardAnswer:
    """One shard's part of a query: its counts, each round's best score, and its best matches in order."""

    articles: int  # articles matching every query word
    total: int  # what matches: passages, or articles with per="article"
    best: dict[str, float]  # each round's top score here, for normalizing across languages
    top: list[tuple]  # (round, score, words matched, doc_id, docnum), best first


class ShardSearcher:
    """One shard of one language opened for searching, held on a worker as an actor (one per replica)."""

    def __init__(self, folder: str, lang: str):
        self.lang = lang
        self.reader = whoosh_index.open_dir(folder).reader()

    def term_statistics(self, clauses: list) -> tuple[dict, set[str]]:
        """The shard's document frequency of every term the query can match (prefixes expanded), and those terms."""
        frequencies = {}
        for clause in clauses:
            for leaf in clause.leaves():
                for fieldname, text in leaf.expanded_terms(self.reader, phrases=True):
                    frequencies[_term_key(fieldname, text)] = self.reader.doc_frequency(fieldname, text)
        return frequencies, _query_terms(clauses, self.reader)

    def best_matches(self, query: LanguageQuery, statistics: dict | None, relaxed: bool, depth: int, per: str):
        """Score the shard (with `statistics`, or its own when None) and return its best `depth` as a ShardAnswer."""
        weighting = BM25F() if statistics is None else GlobalBM25F(statistics)
        searcher = Searcher(self.reader, weighting=weighting, closereader=False)
        search = _LanguageSearch(self.lang, searcher, None, query.clauses, query.excluded, query.restriction, set())
        strict = search.run(relaxed=False, normalize=False)
        rounds, best = [(STRICT, m) for m in strict], {STRICT: max((m.score for m in strict), default=None)}
        if relaxed:
            full = {m.docnum for m in strict}
            everything = search.run(relaxed=True, normalize=False)
            rounds += [(RELAXED, m) for m in everything if m.docnum not in full]
            best[RELAXED] = max((m.score for m in everything), default=None)
        rounds.sort(key=lambda pair: (-pair[1].clauses_matched, -pair[1].score, pair[1].doc_id, pair[1].docnum))
        if per == "article":
            kept = {id(m) for m in _best_per_article([m for _, m in rounds])}
            rounds = [(run, m) for run, m in rounds if id(m) in kept]
        return ShardAnswer(
            articles=len({m.doc_id for m in strict}),
            total=len(rounds),
            best={run: score for run, score in best.items() if score is not None},
            top=[(run, m.score, m.clauses_matched, m.doc_id, m.docnum) for run, m in rounds[:depth]],
        )


@dataclass
class Ranking:
    """A query's merged matches (best first), how many there are, and what the answer lacks."""

    matches: list[_Match] = field(default_factory=list)
    total: int = 0
    matching: str = "all words"
    terms: dict[str, set] = field(default_factory=dict)
    builders: dict[str, _QueryBuilder] = field(default_factory=dict)
    missing: set[ShardKey] = field(default_factory=set)


class ClusterIndexSet(ShardedIndexSet):
    """A sharded generation searched by shard searchers on a cluster, `replicas` of each when it has the workers.

    Documents, translations and highlighting read the generation's files here (shared storage).
    """

    def __init__(self, index_dir: Path, cluster: Cluster, replicas: int = REPLICAS, deadline: float = SHARD_DEADLINE):
        super().__init__(index_dir)
        self.cluster = cluster
        self.deadline = deadline
        self._lock = threading.Lock()
        self._turn = itertools.count()
        self.replicas = self._place(replicas)

    def _place(self, replicas: int) -> dict[ShardKey, list]:
        """Spread each shard's replicas over distinct workers, shard after shard round the workers."""
        workers = self.cluster.workers()
        shards = [(lang, k) for lang in self.languages for k in range(self.shards(lang))]
        copies = max(1, min(replicas, len(workers)))
        placements = [
            ((str(shard_folder(self.folder, *shard)), shard[0]), workers[(number + copy) % len(workers)])
            for number, shard in enumerate(shards)
            for copy in range(copies)
        ]
        handles = iter(self.cluster.place_actors(ShardSearcher, placements))
        return {shard: [next(handles) for _ in range(copies)] for shard in shards}

    def search(self, query: str, lang="auto", limit=10, offset=0, per="article", statistics=GLOBAL) -> dict:
        """What `indexer.search.search` returns, searched on the cluster; `partial` names shards that did not answer."""
        started = time.perf_counter()
        reject_unpaired_surrogates(query)
        parsed = parse_query(query)
        route = route_query(parsed.text, _requested_language(parsed, lang), self.languages)
        limit = max(1, min(limit, MAX_LIMIT))
        offset = max(0, min(offset, MAX_OFFSET))
        ranking = self.rank(parsed, route, offset + limit, per, statistics)
        page = [self._page_hit(ranking, match) for match in ranking.matches[offset : offset + limit]]
        answer = {
            "query": query,
            "lang": route.as_dict(),
            "syntax": parsed.syntax,
            "notice": parsed.notice,
            "matching": ranking.matching,
            "total": ranking.total,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "hits": page,
        }
        if ranking.missing:
            answer["partial"] = {
                "missing_shards": [shard_folder(Path(), *s).as_posix() for s in sorted(ranking.missing)]
            }
        return answer

    def rank(self, parsed: ParsedQuery, route: Route, depth: int, per: str, statistics: str = GLOBAL) -> Ranking:
        """The query's best `depth` matches over every shard of the routed languages, merged as one index ranks them."""
        ranking = Ranking()
        queries = {}
        for lang in route.langs:
            builder = ranking.builders[lang] = _QueryBuilder(self.analyzer(lang))
            excluded = builder.clauses(parsed.excluded)
            clauses = builder.clauses(parsed.clauses)
            if clauses:
                queries[lang] = LanguageQuery(
                    clauses, q.Or(excluded) if excluded else None, builder.restriction(parsed)
                )
        shards = [(lang, k) for lang in queries for k in range(self.shards(lang))]
        found = self._ask(shards, "term_statistics", lambda s: (queries[s[0]].clauses,), ranking.missing)
        scoring = {lang: self._language_statistics(lang, found, statistics, ranking) for lang in queries}
        answers = self._ask(shards, "best_matches", lambda s: (queries[s[0]], scoring[s[0]], False, depth, per))
        too_few = sum(a.articles for a in answers.values()) < MIN_FULL_MATCHES
        if too_few and max((len(query.clauses) for query in queries.values()), default=0) > 1:
            answers = self._ask(shards, "best_matches", lambda s: (queries[s[0]], scoring[s[0]], True, depth, per))
            if any(RELAXED in a.best for a in answers.values()):
                ranking.matching = "most words"
        ranking.missing.update(s for s in shards if s not in answers)
        ranking.total = sum(a.total for a in answers.values())
        ranking.matches = self._merge(answers, normalize=len(route.langs) > 1, per=per)[:depth]
        return ranking

    def _language_statistics(self, lang: str, found: dict, statistics: str, ranking: Ranking) -> dict | None:
        """A language's statistics from the first round: document frequencies summed over its shards."""
        frequencies: Counter = Counter()
        ranking.terms[lang] = set()
        for (shard_lang, _), (shard_frequencies, terms) in found.items():
            if shard_lang == lang:
                frequencies.update(shard_frequencies)
                ranking.terms[lang] |= terms
        if statistics == LOCAL:
            return None
        return {**self.manifest["statistics"][lang], "doc_frequencies": dict(frequencies)}

    def _merge(self, answers: dict[ShardKey, ShardAnswer], normalize: bool, per: str) -> list[_Match]:
        """Every shard's best as one list, ordered as a single index orders them (ties by article id, passage)."""
        tops: dict[tuple[str, str], float] = {}
        for (lang, _), answer in answers.items():
            for run, score in answer.best.items():
                tops[lang, run] = max(tops.get((lang, run), score), score)
        merged = []
        for (lang, shard), answer in answers.items():
            base = self.shard_base(lang, shard)
            for run, score, words, doc_id, docnum in answer.top:
                score = score / (tops[lang, run] or 1.0) if normalize else score
                merged.append(_Match(score, words, lang, base + docnum, doc_id))
        merged.sort(key=lambda m: (-m.clauses_matched, -m.score, m.lang, m.doc_id, m.docnum))
        return _best_per_article(merged) if per == "article" else merged

    def _page_hit(self, ranking: Ranking, match: _Match) -> dict:
        """A hit of the final page, highlighted and given its translations as a single index gives them."""
        with self.searcher(match.lang) as searcher:
            shown = _LanguageSearch(
                match.lang, searcher, ranking.builders[match.lang], [], None, None, ranking.terms[match.lang]
            )
            return _hit(self, shown, match)

    def _ask(self, shards: list[ShardKey], method: str, arguments_of, missing: set | None = None) -> dict:
        """Ask one replica of each shard at once; one that fails or is late is dropped and the next one asked.

        The pending calls are looked at together, every POLL_SECONDS against one clock, so a
        shard looked at last gets no more time than the first (a late answer is a failure).
        """
        pending = {shard: self._send(shard, method, arguments_of(shard)) for shard in shards}
        answers = {}
        while True:
            for shard in [shard for shard, attempt in pending.items() if attempt is None]:
                del pending[shard]  # no live replica left
                if missing is not None:
                    missing.add(shard)
            if not pending:
                return answers
            now = time.monotonic()
            failed = []
            for shard, (replica, call, deadline) in pending.items():
                if call.done():
                    try:
                        answers[shard] = call.result(timeout=0)
                        continue
                    except CallFailed:
                        failed.append((shard, replica))
                elif now >= deadline:
                    failed.append((shard, replica))
            for shard in answers:
                pending.pop(shard, None)
            for shard, replica in failed:
                self._drop(shard, replica)
                pending[shard] = self._send(shard, method, arguments_of(shard))
            if pending and not failed:
                time.sleep(POLL_SECONDS)

    def _send(self, shard: ShardKey, method: str, arguments: tuple):
        """Call the shard's next live replica: (replica, pending call, deadline), or None when none is left."""
        while True:
            with self._lock:
                live = self.replicas[shard]
                if not live:
                    return None
                replica = live[next(self._turn) % len(live)]
            try:
                return replica, self.cluster.call(replica, method, *arguments), time.monotonic() + self.deadline
            except Exception:  # the replica's worker is gone before the call even left
                self._drop(shard, replica)

    def _drop(self, shard: ShardKey, replica) -> None:
        with self._lock:
            if replica in self.replicas[shard]:
                self.replicas[shard].remove(replica)


class LiveClusterIndexSet(LiveIndexSet):
    """The served sharded generation on a cluster: its searchers placed again when a build swaps a new one in."""

    def __init__(self, index_dir: Path, cluster: Cluster, replicas: int = REPLICAS, deadline: float = SHARD_DEADLINE):
        super().__init__(index_dir, partial(ClusterIndexSet, cluster=cluster, replicas=replicas, deadline=deadline))
