"""Writing passages into a generation's per-language Whoosh indexes, and counting what they hold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.align.keys import ArticleKeys, keys_of
from indexer.analysis import SETU
from indexer.documents import Article
from indexer.engine.codec import PassageCodec
from indexer.engine.schema import open_index, passages_of, schema_for
from indexer.engine.vocabulary import VocabularyWriter

# Memory each language's writer may use for its postings before it sorts them into runs in temporary files, to
# merge again at commit. Unspilled is faster (a 100k-passage build with --jobs 2: 256 MB 117 s, 128 MB 130 s,
# 64 MB 136 s) but each language being written holds its pool: peak RSS 4.1, 3.3 and 2.7 GB (1.4 GB before the
# mining overlapped the workers' commits). Memory is the scarcer here: a build should fit beside a serving index.
WRITER_LIMIT_MB = 64


def open_writer(folder: Path, lang: str, analysis: str = SETU):
    """A writer on the index in `folder`, which is created (with `lang`'s schema) when there is none."""
    if whoosh_index.exists_in(folder):
        index = open_index(folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        index = whoosh_index.create_in(folder, schema_for(lang, analysis))
    return index.writer(limitmb=WRITER_LIMIT_MB, codec=PassageCodec())


def write_article(writer, article: Article, vocabulary: VocabularyWriter | None = None) -> ArticleKeys:
    """Add the article's passages to a Whoosh writer (and its words to `vocabulary`); return its related-coverage
    keys from the same tokens.

    Each text is analyzed once: the analyzer remembers the article's texts while it is
    written, since every passage repeats the headline and byline and the keys read them all.
    """
    analyzer = writer.schema["text"].analyzer  # title, text and byline share it
    with analyzer.remembering():
        for passage in passages_of(article):
            writer.add_document(**passage)
        if vocabulary is not None:
            vocabulary.add(article, analyzer.tokens)
        return keys_of(article, analyzer.tokens)


class LanguageWriters:
    """Opens one Whoosh writer per language on first use, in one generation folder.

    `keep_keys` receives each article's related-coverage keys, made from the tokens just indexed.
    """

    def __init__(self, generation: Path, analysis: str = SETU, keep_keys: Callable[[ArticleKeys], None] | None = None):
        self.generation = generation
        self.analysis = analysis
        self.keep_keys = keep_keys
        self.writers: dict = {}
        self.vocabulary = VocabularyWriter(generation)
        self._existing = sorted(p.name for p in generation.iterdir() if whoosh_index.exists_in(p))

    def writer(self, lang: str):
        if lang not in self.writers:
            folder = self.generation / lang
            self.writers[lang] = open_writer(folder, lang, self.analysis)
        return self.writers[lang]

    def existing_languages(self) -> list[str]:
        """The languages that had an index before this write began."""
        return self._existing

    def write(self, article: Article, replace: bool = False) -> None:
        """Add the article's passages to its language's index, first deleting any by its id (`replace`)."""
        if replace:
            self.delete(article.id)
        keys = write_article(self.writer(article.lang), article, self.vocabulary)
        if self.keep_keys:
            self.keep_keys(keys)

    def delete(self, doc_id: str) -> int:
        """Delete an article's passages (and its words) from every language; return how many passages went."""
        self.vocabulary.remove(doc_id)
        return sum(self.writer(lang).delete_by_term("doc_id", doc_id) for lang in self.existing_languages())

    def commit(self) -> None:
        """Commit every language's writer, and the vocabularies."""
        for writer in self.writers.values():
            writer.commit()
        self.vocabulary.commit()

    def cancel(self) -> None:
        for writer in self.writers.values():
            writer.cancel()
        self.vocabulary.close()


def count_languages(generation: Path) -> dict[str, dict[str, int]]:
    counts = {}
    for folder in sorted(p for p in generation.iterdir() if p.is_dir()):
        index = open_index(folder)
        with index.searcher() as searcher:
            reader = searcher.reader()
            doc_ids = reader.column_reader("doc_id")
            articles = {doc_ids[docnum] for docnum in reader.all_doc_ids()}
            if articles:
                counts[folder.name] = {"articles": len(articles), "passages": reader.doc_count()}
    return counts
