"""Two plain lexical baselines for bench/questions.py: Lucene BM25 (pyserini's jar) and Whoosh BM25F on ICU words.

Both index a passage's title and paragraph text as two searched fields, score with BM25 at its default
parameters and run a query as the OR of its distinct analyzed terms over both fields. One interface:
`Baseline.build(lang, passages, workdir)`, then `.search(query, k)` -> [(doc_id, position), ...].
Lucene is optional: `bench/install-lucene` installs it; without it `LuceneBM25.build` raises LuceneUnavailable.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Or, Term
from whoosh.scoring import BM25F

from indexer.analysis import ICU_ONLY, QUERY
from indexer.engine.schema import WhooshAnalyzer

# (doc_id, position, title, text): one passage, as Setu indexes it.
Passage = tuple[str, int, str, str]
Hit = tuple[str, int]
SEARCHED_FIELDS = ("title", "text")
# Lucene's analyzer for a language; any other language gets StandardAnalyzer.
LUCENE_ANALYZERS = {
    "bn": "org.apache.lucene.analysis.bn.BengaliAnalyzer",
    "ko": "org.apache.lucene.analysis.cjk.CJKAnalyzer",
    "en": "org.apache.lucene.analysis.en.EnglishAnalyzer",
}
LUCENE_DEFAULT_ANALYZER = "org.apache.lucene.analysis.standard.StandardAnalyzer"
# The Java runtime bench/install-lucene installs; jnius uses it unless JAVA_HOME names another.
DEBIAN_JAVA_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")
# The IndexSearcher constructor to call: jnius would otherwise pick the IndexReaderContext one.
INDEX_SEARCHER_OF_READER = "(Lorg/apache/lucene/index/IndexReader;)V"
LUCENE_CLASSES = {
    "Version": "org.apache.lucene.util.Version",
    "AnalyzerUtils": "io.anserini.analysis.AnalyzerUtils",
    "File": "java.io.File",
    "FSDirectory": "org.apache.lucene.store.FSDirectory",
    "IndexWriter": "org.apache.lucene.index.IndexWriter",
    "IndexWriterConfig": "org.apache.lucene.index.IndexWriterConfig",
    "OpenMode": "org.apache.lucene.index.IndexWriterConfig$OpenMode",
    "DirectoryReader": "org.apache.lucene.index.DirectoryReader",
    "IndexSearcher": "org.apache.lucene.search.IndexSearcher",
    "BM25Similarity": "org.apache.lucene.search.similarities.BM25Similarity",
    "Document": "org.apache.lucene.document.Document",
    "StringField": "org.apache.lucene.document.StringField",
    "TextField": "org.apache.lucene.document.TextField",
    "Store": "org.apache.lucene.document.Field$Store",
    "Term": "org.apache.lucene.index.Term",
    "TermQuery": "org.apache.lucene.search.TermQuery",
    "BooleanQueryBuilder": "org.apache.lucene.search.BooleanQuery$Builder",
    "Occur": "org.apache.lucene.search.BooleanClause$Occur",
}


class LuceneUnavailable(RuntimeError):
    """pyserini's jar, pyjnius or a Java runtime is missing: run bench/install-lucene."""


@functools.cache
def lucene() -> SimpleNamespace:
    """The Lucene and Java classes the baseline uses, loaded once; the JVM starts on first call."""
    if "JAVA_HOME" not in os.environ and DEBIAN_JAVA_HOME.is_dir():
        os.environ["JAVA_HOME"] = str(DEBIAN_JAVA_HOME)
    try:
        from pyserini.pyclass import autoclass  # sets the classpath to pyserini's Anserini fat jar
    except Exception as error:  # ImportError, or jnius failing to find or start a JVM
        raise LuceneUnavailable(f"{type(error).__name__}: {error}") from error
    classes = {name: autoclass(java_name) for name, java_name in LUCENE_CLASSES.items()}
    return SimpleNamespace(autoclass=autoclass, **classes)


def lucene_version() -> str:
    """The Lucene version in pyserini's jar, e.g. '9.5.0'."""
    return lucene().Version.LATEST.toString()


def distinct(terms: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(term for term in terms if term))


class LuceneBM25:
    """Lucene's own analyzer for the language, an FSDirectory index in `workdir`, BM25Similarity at its defaults."""

    def __init__(self, analyzer_class: str, analyzer: Any, searcher: Any):
        self.analyzer_class, self.analyzer, self.searcher = analyzer_class, analyzer, searcher

    @classmethod
    def build(cls, lang: str, passages: Sequence[Passage], workdir: Path) -> LuceneBM25:
        java = lucene()
        analyzer_class = LUCENE_ANALYZERS.get(lang, LUCENE_DEFAULT_ANALYZER)
        analyzer = java.autoclass(analyzer_class)()
        Path(workdir).mkdir(parents=True, exist_ok=True)
        directory = java.FSDirectory.open(java.File(str(workdir)).toPath())
        config = java.IndexWriterConfig(analyzer).setSimilarity(java.BM25Similarity())
        writer = java.IndexWriter(directory, config.setOpenMode(java.OpenMode.CREATE))
        for doc_id, position, title, text in passages:
            writer.addDocument(lucene_document(java, doc_id, position, title, text))
        writer.close()
        reader = java.DirectoryReader.open(directory)
        searcher = java.IndexSearcher(reader, signature=INDEX_SEARCHER_OF_READER)  # not its IndexReaderContext one
        searcher.setSimilarity(java.BM25Similarity())
        return cls(analyzer_class, analyzer, searcher)

    def terms(self, query: str) -> list[str]:
        """The query's distinct terms as the analyzer writes them into the index."""
        return distinct(list(lucene().AnalyzerUtils.analyze(self.analyzer, query).toArray()))

    def search(self, query: str, k: int) -> list[Hit]:
        java = lucene()
        terms = self.terms(query)
        if not terms:
            return []
        builder = java.BooleanQueryBuilder()
        for term in terms:
            for field in SEARCHED_FIELDS:
                builder.add(java.TermQuery(java.Term(field, term)), java.Occur.SHOULD)
        hits = []
        for score_doc in self.searcher.search(builder.build(), k).scoreDocs:
            stored = self.searcher.doc(score_doc.doc)
            hits.append((stored.get("doc_id"), int(stored.get("position"))))
        return hits


def lucene_document(java: SimpleNamespace, doc_id: str, position: int, title: str, text: str) -> Any:
    document = java.Document()
    document.add(java.StringField("doc_id", doc_id, java.Store.YES))
    document.add(java.StringField("position", str(position), java.Store.YES))
    document.add(java.TextField("title", title, java.Store.NO))
    document.add(java.TextField("text", text, java.Store.NO))
    return document


class WhooshIcuBM25:
    """Whoosh BM25F at its defaults over ICU words (the project's own ICU baseline analysis: word break, NFKC
    casefold, digit folding; no stems, no stop words): title and text fields, the query an Or of Terms on both."""

    def __init__(self, analyzer: WhooshAnalyzer, index: Any):
        self.analyzer, self.index = analyzer, index
        self.searcher = index.searcher(weighting=BM25F())

    @classmethod
    def build(cls, lang: str, passages: Sequence[Passage], workdir: Path) -> WhooshIcuBM25:
        analyzer = WhooshAnalyzer(lang, ICU_ONLY)
        schema = Schema(key=ID(stored=True), title=TEXT(analyzer=analyzer), text=TEXT(analyzer=analyzer))
        Path(workdir).mkdir(parents=True, exist_ok=True)
        index = whoosh_index.create_in(str(workdir), schema)
        with index.writer() as writer:
            for doc_id, position, title, text in passages:
                writer.add_document(key=f"{doc_id}:{position}", title=title, text=text)
        return cls(analyzer, index)

    def terms(self, query: str) -> list[str]:
        return distinct([token.text for token in self.analyzer.tokens(query, QUERY)])

    def search(self, query: str, k: int) -> list[Hit]:
        terms = self.terms(query)
        if not terms:
            return []
        query_tree = Or([Term(field, term) for term in terms for field in SEARCHED_FIELDS])
        hits = []
        for hit in self.searcher.search(query_tree, limit=k):
            doc_id, _, position = hit["key"].rpartition(":")
            hits.append((doc_id, int(position)))
        return hits
