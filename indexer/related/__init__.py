"""Related coverage for editors: which stories tell of the same event or issue (`stories`), by how alike
two stories are (`similarity`), and which languages each story lacks (`coverage`)."""

from indexer.related.coverage import collection_summary, coverage
from indexer.related.stories import (
    MIN_RELATED_SCORE,
    Card,
    catalogue,
    key_evidence,
    related_articles,
    score_stories,
    stories,
)

__all__ = [
    "MIN_RELATED_SCORE",
    "Card",
    "catalogue",
    "collection_summary",
    "coverage",
    "key_evidence",
    "related_articles",
    "score_stories",
    "stories",
]
