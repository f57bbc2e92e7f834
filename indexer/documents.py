"""Plain records passed between stages: the corpus reads them, the index stores them.

No stage hands another a Whoosh or Flask object, only these, so the engine
and the web framework stay swappable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article in one language: a headline and its paragraphs in order."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    lang: str
    group: str
    url: str = ""
    byline: str = ""
    published: str = ""
    source: str = ""
    origin: str = field(default="", compare=False)  # the file it was read from
    origin_line: int | None = field(default=None, compare=False)  # its line there, when a file holds many

    @property
    def where(self) -> str:
        """Where the article was read from, as `path` or `path:line`."""
        return self.origin if self.origin_line is None else f"{self.origin}:{self.origin_line}"


@dataclass(frozen=True)
class Problem:
    """An input that was skipped or repaired, and why: reported, never fatal."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")


class UnpairedSurrogate(ValueError):
    """Text holding a lone UTF-16 surrogate: not a character, so not text any language can analyze."""


def reject_unpaired_surrogates(text: str) -> None:
    """Raise UnpairedSurrogate, naming the first one, when `text` holds any."""
    found = _UNPAIRED_SURROGATE.search(text)
    if found:
        raise UnpairedSurrogate(f"unpaired surrogate U+{ord(found.group()):04X} at character {found.start()}")
