"""BM25F with a whole language's statistics, so a shard scores a passage as one index of every shard would."""

from __future__ import annotations

from math import log

from whoosh.scoring import BM25F, BM25FScorer
from whoosh.searching import Searcher

from indexer.engine.schema import open_index


def term_key(fieldname: str, text: str | bytes) -> tuple[str, str]:
    """A (field, term) pair as text: the key document frequencies are summed by across shards."""
    return fieldname, text.decode("utf-8") if isinstance(text, bytes) else text


class GlobalBM25F(BM25F):
    """BM25F scoring one shard with its language's statistics: IDF and average field length over every shard."""

    def __init__(self, statistics: dict):
        super().__init__()
        self.doc_count = statistics["doc_count"]
        self.field_length = statistics["field_length"]
        self.doc_frequencies = statistics["doc_frequencies"]

    def idf(self, searcher, fieldname, text) -> float:
        frequency = self.doc_frequencies.get(term_key(fieldname, text))
        if frequency is None:  # a term the first round did not see: this shard's own is all there is
            return super().idf(searcher, fieldname, text)
        return log(self.doc_count / (frequency + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer) and fieldname in self.field_length:
            scorer.avgfl = self.field_length[fieldname] / (self.doc_count or 1) or 1
            # Whoosh set its bound (the best score a posting can get) with the shard's average length: MaxScore
            # skips by it, and a longer average elsewhere lets a passage score above a bound set here.
            info = searcher.term_info(fieldname, text)
            scorer._maxquality = scorer._score(info.max_weight(), info.min_length())
        return scorer


def open_reader(folder: str):
    """A reader of the Whoosh index in `folder`."""
    return open_index(folder).reader()


def searcher_of(reader, statistics: dict | None = None):
    """A searcher over `reader` scoring with BM25F: the language's `statistics` when given, else the reader's."""
    weighting = BM25F() if statistics is None else GlobalBM25F(statistics)
    return Searcher(reader, weighting=weighting, closereader=False)
