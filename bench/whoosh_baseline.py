"""The plain Whoosh baseline: the same passages written with Whoosh's StandardAnalyzer, and nothing else.

One process, one writer per language, Whoosh's own analysis and postings path; no alignment, no
related-coverage keys, no generations. Setu's builds are measured against it (bench/performance.py).
Run: `.venv/bin/python -m bench.whoosh_baseline CORPUS INDEX_DIR`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import Schema
from whoosh.formats import Positions

from indexer.corpus import find_inputs, read_inputs
from indexer.documents import Article
from indexer.engine.schema import WHOOSH_STANDARD, passages_of, schema_for
from indexer.engine.writing import WRITER_LIMIT_MB

TEXT_FIELDS = ("title", "text", "byline")


def plain_schema(lang: str) -> Schema:
    """Setu's passage schema, its text fields analyzed by Whoosh's StandardAnalyzer in Whoosh's own format."""
    schema = schema_for(lang, WHOOSH_STANDARD)
    for name in TEXT_FIELDS:
        field = schema[name]
        field.analyzer = StandardAnalyzer()
        field.format = Positions(field_boost=field.format.field_boost)
    return schema


def write_plain_indexes(corpus: Path, index_dir: Path) -> int:
    """Write every article's passages into `index_dir/<lang>`; return the number of passages."""
    writers, passages = {}, 0
    for item in read_inputs(find_inputs([corpus])[0]):
        if not isinstance(item, Article):
            continue
        if item.lang not in writers:
            folder = index_dir / item.lang
            folder.mkdir(parents=True)
            writers[item.lang] = whoosh_index.create_in(folder, plain_schema(item.lang)).writer(limitmb=WRITER_LIMIT_MB)
        for passage in passages_of(item):
            writers[item.lang].add_document(**passage)
            passages += 1
    for writer in writers.values():
        writer.commit()
    return passages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("index_dir", type=Path)
    args = parser.parse_args()
    print(write_plain_indexes(args.corpus, args.index_dir), "passages")


if __name__ == "__main__":
    main()
