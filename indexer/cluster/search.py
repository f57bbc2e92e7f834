"""Search on a cluster: shard searchers held by workers, a query analyzed once and scored with global statistics.

As Elasticsearch's dfs_query_then_fetch: a first round asks one replica of every
shard for the document frequencies of the query's terms; a second scores with
their sums and the manifest's collection totals, so a passage scores as in one
index of the whole language, and returns each shard's candidates. The search front
(indexer.search) orders the merged candidates and shows the page from the shared generation.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import replace
from functools import partial
from pathlib import Path

from indexer.cluster.client import CallFailed, Cluster
from indexer.engine.codec import one_search
from indexer.engine.index_set import LiveIndexSet
from indexer.engine.queries import expanded_terms
from indexer.engine.scoring import open_reader, searcher_of
from indexer.engine.shards import ShardedIndexSet, shard_folder
from indexer.search.plan import QueryPlan
from indexer.search.ranking import CandidateList, rank_passages

# Searchers per shard when the cluster has the workers: one can die while another answers.
REPLICAS = 2
# Seconds a replica may take to answer one round of a query before it is dropped and another one asked.
SHARD_DEADLINE = 5.0
# How often the pending calls to shards are looked at: the answer's added latency at most.
POLL_SECONDS = 0.001
# A dropped replica is health-checked again at most this often, and is re-admitted when it answers in
# HEALTH_CHECK_SECONDS: a late answer once (a busy worker) must not take a replica away for good.
RECHECK_SECONDS = 2.0
HEALTH_CHECK_SECONDS = 1.0
# Statistics a query is scored with: the whole language's (the default), or each shard's own (to compare).
GLOBAL, LOCAL = "global", "local"

ShardKey = tuple[str, int]


class ShardSearcher:
    """One shard of one language opened for searching, held on a worker as an actor (one per replica)."""

    def __init__(self, folder: str, lang: str):
        self.lang = lang
        self.reader = open_reader(folder)

    def ping(self) -> bool:
        """A health check: the replica's worker is alive and its event loop answers."""
        return True

    def term_statistics(self, plan: QueryPlan) -> dict:
        """The shard's document frequency of every term the plan can match (prefixes expanded)."""
        frequencies = {}
        for clause in (*plan.clauses, *plan.stopped):
            for fieldname, text in expanded_terms(clause.query, self.reader):
                frequencies[fieldname, text] = self.reader.doc_frequency(fieldname, text)
        return frequencies

    def best_candidates(
        self, plan: QueryPlan, statistics: dict | None, depth: int, per: str, newest: bool = False
    ) -> CandidateList:
        """The shard's candidates, ranked as one index ranks (with `statistics`, or its own when None)."""
        with one_search():
            return rank_passages(searcher_of(self.reader, statistics), plan, depth, per, newest)


class ClusterIndexSet(ShardedIndexSet):
    """A sharded generation searched by shard searchers on a cluster, `replicas` of each when it has the workers.

    Documents, translations and highlighting read the generation's files here (shared storage).
    """

    def __init__(
        self,
        index_dir: Path,
        cluster: Cluster,
        replicas: int = REPLICAS,
        deadline: float = SHARD_DEADLINE,
        statistics: str = GLOBAL,
    ):
        super().__init__(index_dir)
        self.cluster = cluster
        self.deadline = deadline
        self.statistics = statistics
        self._lock = threading.Lock()
        self._turn = itertools.count()
        self.replicas = self._place(replicas)
        self.dropped: dict[ShardKey, list] = {shard: [] for shard in self.replicas}
        self._checks: dict[int, tuple[float, object]] = {}  # id(replica) -> (when checked, pending ping)
        self._dropped_at: dict[int, float] = {}

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

    def rank_candidates(
        self, plans: dict[str, QueryPlan], depth: int, per: str, newest: bool = False
    ) -> tuple[list[CandidateList], list[str]]:
        """Each language's candidates over all its shards, as one index of the language ranks them, and the
        shards that did not answer (the search front orders them and shows the page)."""
        missing: set[ShardKey] = set()
        shards = [(lang, k) for lang, plan in plans.items() if plan.clauses for k in range(self.shards(lang))]
        found = self._ask(shards, "term_statistics", lambda s: (plans[s[0]],), missing)
        scoring = {lang: self._language_statistics(lang, found) for lang in plans}

        def ranking_arguments(shard: ShardKey) -> tuple:
            return plans[shard[0]], scoring[shard[0]], depth, per, newest

        answers = self._ask(shards, "best_candidates", ranking_arguments, missing)
        missing.update(s for s in shards if s not in answers)
        lists = [self._merge(lang, answers) for lang in plans]
        return lists, [shard_folder(Path(), *s).as_posix() for s in sorted(missing)]

    def _language_statistics(self, lang: str, found: dict) -> dict | None:
        """A language's statistics from the first round: document frequencies summed over its shards."""
        if self.statistics == LOCAL:
            return None
        frequencies: Counter = Counter()
        for (shard_lang, _), shard_frequencies in found.items():
            if shard_lang == lang:
                frequencies.update(shard_frequencies)
        return {**self.manifest["statistics"][lang], "doc_frequencies": dict(frequencies)}

    def _merge(self, lang: str, answers: dict[ShardKey, CandidateList]) -> CandidateList:
        """A language's shard answers as one list, numbered as in the language's combined reader."""
        merged = CandidateList(lang)
        for (shard_lang, shard), answer in sorted(answers.items()):
            if shard_lang != lang:
                continue
            base = self.shard_base(lang, shard)
            merged.candidates += [replace(c, docnum=base + c.docnum) for c in answer.candidates]
            merged.newest += [replace(c, docnum=base + c.docnum) for c in answer.newest]
            merged.total += answer.total
            merged.exact = merged.exact and answer.exact
            merged.terms |= answer.terms
            merged.cut = answer.cut  # every shard cuts a plan alike
        return merged

    def _ask(self, shards: list[ShardKey], method: str, arguments_of, missing: set | None = None) -> dict:
        """Ask one replica of each shard at once; one that fails or is late is dropped and the next one asked.

        The pending calls are looked at together, every POLL_SECONDS against one clock, so a
        shard looked at last gets no more time than the first (a late answer is a failure).
        """
        asked = time.monotonic()  # replicas dropped from now on are not health-checked back during this round
        pending = {shard: self._send(shard, method, arguments_of(shard), asked) for shard in shards}
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
                if now >= deadline:  # first: an answer seen after its deadline is late, however soon it came
                    failed.append((shard, replica))
                elif call.done():
                    try:
                        answers[shard] = call.result(timeout=0)
                    except CallFailed:
                        failed.append((shard, replica))
            for shard in answers:
                pending.pop(shard, None)
            for shard, replica in failed:
                self._drop(shard, replica)
                pending[shard] = self._send(shard, method, arguments_of(shard), asked)
            if pending and not failed:
                time.sleep(POLL_SECONDS)

    def _send(self, shard: ShardKey, method: str, arguments: tuple, asked: float):
        """Call the shard's next live replica: (replica, pending call, deadline), or None when none is left.

        Replicas dropped before `asked` (an earlier round) are health-checked on the way (see
        _readmit); with none live, the check is waited for, so a replica that was late once
        answers the next query.
        """
        while True:
            with self._lock:
                live = self.replicas[shard]
                replica = live[next(self._turn) % len(live)] if live else None
            if replica is None:
                if not self._readmit(shard, asked, wait=True):
                    return None
                continue
            self._readmit(shard, asked, wait=False)  # takes back the replicas whose check has answered meanwhile
            try:
                return replica, self.cluster.call(replica, method, *arguments), time.monotonic() + self.deadline
            except Exception:  # the replica's worker is gone before the call even left
                self._drop(shard, replica)

    def _readmit(self, shard: ShardKey, asked: float, wait: bool) -> bool:
        """Health-check the shard's replicas dropped before `asked` (each at most every RECHECK_SECONDS) and make
        the ones that answer live again; `wait` waits up to HEALTH_CHECK_SECONDS for them. Whether any came back."""
        with self._lock:
            dropped = [replica for replica in self.dropped[shard] if self._dropped_at[id(replica)] < asked]
        back = False
        for replica in dropped:
            checked, ping = self._checks.get(id(replica), (0.0, None))
            if ping is None:
                if time.monotonic() - checked < RECHECK_SECONDS:
                    continue
                try:
                    ping = self.cluster.call(replica, "ping")
                except Exception:  # its worker is gone: checked again later
                    self._checks[id(replica)] = (time.monotonic(), None)
                    continue
                self._checks[id(replica)] = (time.monotonic(), ping)
            if not (wait or ping.done()):
                continue
            try:
                ping.result(timeout=HEALTH_CHECK_SECONDS if wait else 0)
            except CallFailed:
                self._checks[id(replica)] = (time.monotonic(), None)
                continue
            with self._lock:
                if replica in self.dropped[shard]:
                    self.dropped[shard].remove(replica)
                    self.replicas[shard].append(replica)
            self._checks.pop(id(replica), None)
            back = True
        return back

    def _drop(self, shard: ShardKey, replica) -> None:
        """Take a replica that failed or was late out of service until a health check brings it back."""
        with self._lock:
            if replica in self.replicas[shard]:
                self.replicas[shard].remove(replica)
                self.dropped[shard].append(replica)
                self._dropped_at[id(replica)] = time.monotonic()
        self._checks[id(replica)] = (0.0, None)  # checked in the next round; after a failed check, rate-limited


class LiveClusterIndexSet(LiveIndexSet):
    """The served sharded generation on a cluster: its searchers placed again when a build swaps a new one in."""

    def __init__(self, index_dir: Path, cluster: Cluster, replicas: int = REPLICAS, deadline: float = SHARD_DEADLINE):
        super().__init__(index_dir, partial(ClusterIndexSet, cluster=cluster, replicas=replicas, deadline=deadline))
