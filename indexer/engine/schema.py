"""The passage schema of a language's Whoosh index, and our analysis adapted to it.

The unit is the passage (one paragraph) carrying its article's fields, so an article can be
rebuilt in order from its passages.
"""

from __future__ import annotations

import threading
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer as WhooshAnalyzerBase
from whoosh.analysis import StandardAnalyzer
from whoosh.analysis import Token as WhooshToken
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.formats import Characters, Positions

from indexer.analysis import INDEX, SETU, Token, analyzer_for
from indexer.documents import Article
from indexer.generations import IndexDirError

# BM25F weight of the headline against a paragraph: a word in the headline says more.
TITLE_BOOST = 2.0
# The position stored for an article's headline-only passage (it has no paragraphs).
HEADLINE_ONLY = -1
# The analysis name for Whoosh's own StandardAnalyzer, kept as a baseline for benchmarks.
WHOOSH_STANDARD = "whoosh-standard"


class WhooshAnalyzer(WhooshAnalyzerBase):
    """Adapts a language's analyzer chain to Whoosh; pickles as its language and analysis names only.

    Whoosh stores the schema (analyzers included) in the index, and ICU objects
    cannot be pickled, so the chain is looked up again from the names on load.
    `analysis` is "setu" (default), "icu" (the ICU baseline) or "whoosh-standard"
    (Whoosh's StandardAnalyzer, the baseline benchmarks compare against).
    """

    def __init__(self, lang: str, analysis: str = SETU):
        self.lang = lang
        self.analysis = analysis
        self._memo = threading.local()

    def __getstate__(self) -> dict:
        return {"lang": self.lang, "analysis": self.analysis}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["lang"], state.get("analysis", SETU))

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Analyze each text once while an article is written: its passages all repeat its headline and
        byline, and its related-coverage keys read every text again."""
        self._memo.texts, self._memo.postings = {}, {}
        try:
            yield
        finally:
            self._memo.texts = self._memo.postings = None

    def postings(self, key: tuple, encode: Callable[[], list]) -> list:
        """A field's encoded postings of one text (`key` names both), encoded once while an article is written:
        every passage repeats its headline and byline."""
        memo = getattr(self._memo, "postings", None)
        if memo is None:
            return encode()
        if key not in memo:
            memo[key] = encode()
        return memo[key]

    @property
    def stems_are_words(self) -> bool:
        """Whether the analysis's stems read as words (indexer.analysis.chain.Tokenizer.stems_are_words)."""
        return self.analysis != WHOOSH_STANDARD and analyzer_for(self.lang, self.analysis).stems_are_words

    def tokens(self, text: str, mode: str = INDEX) -> list[Token]:
        """Our Tokens for `text`, whatever the analysis."""
        memo = getattr(self._memo, "texts", None)
        if memo is not None and (text, mode) in memo:
            return memo[text, mode]
        if self.analysis == WHOOSH_STANDARD:
            analyzed = [
                Token(token.text, token.pos, token.startchar, token.endchar)
                for token in StandardAnalyzer()(text, positions=True, chars=True, mode=mode)
            ]
        else:
            analyzed = list(analyzer_for(self.lang, self.analysis)(text, mode))
        if memo is not None:
            memo[text, mode] = analyzed
        return analyzed

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for ours in self.tokens(value, mode or INDEX):
            token.text = ours.text
            token.boost = ours.boost
            token.stopped = False
            if keeporiginal:
                token.original = value[ours.start : ours.end]
            if positions:
                token.pos = start_pos + ours.pos
            if chars:
                token.startchar = start_char + ours.start
                token.endchar = start_char + ours.end
            yield token


def _token_word_values(form: Positions, value: str, analyzer: WhooshAnalyzer, posting: Callable[[Token], object]):
    """A format's (term, frequency, weight, encoded postings) for `value`, straight from our token list.

    Whoosh's own path wraps every token in its Token object and a chain of generators,
    which py-spy put at a quarter of `add_document`; the postings written are the same.
    """

    def encode() -> list[tuple[str, int, float, bytes]]:
        found: dict[str, list] = defaultdict(list)
        weights: dict[str, float] = defaultdict(float)
        for token in analyzer.tokens(value, INDEX):
            found[token.text].append(posting(token))
            weights[token.text] += token.boost
        return [(term, len(at), weights[term] * form.field_boost, form.encode(at)) for term, at in found.items()]

    return analyzer.postings((type(form), form.field_boost, value), encode)


class TokenPositions(Positions):
    """Whoosh's Positions format (for phrases), fed our token lists directly."""

    def word_values(self, value, analyzer, **kwargs):
        return _token_word_values(self, value, analyzer, lambda token: token.pos)


class TokenCharacters(Characters):
    """Whoosh's Characters format (positions and character spans), fed our token lists directly.

    The spans let a search highlight a hit's words without analyzing its text again (Kiwi, for Korean).
    """

    def word_values(self, value, analyzer, **kwargs):
        return _token_word_values(self, value, analyzer, lambda token: (token.pos, token.start, token.end))


def _text(analyzer: WhooshAnalyzer, chars: bool = False, **options) -> TEXT:
    """A TEXT field analyzed by `analyzer` through our formats: positions, and character spans with `chars`."""
    field = TEXT(analyzer=analyzer, **options)
    field.format = (TokenCharacters if chars else TokenPositions)(field_boost=field.format.field_boost)
    return field


def schema_for(lang: str, analysis: str = SETU) -> Schema:
    """Return the passage schema for one language's index."""
    analyzer = WhooshAnalyzer(lang, analysis)
    return Schema(
        doc_id=ID(stored=True, sortable=True),
        group=ID(stored=True),
        lang=ID(stored=True),
        position=NUMERIC(stored=True, sortable=True, signed=True),
        title=_text(analyzer, chars=True, stored=True, field_boost=TITLE_BOOST, multitoken_query="and"),
        text=_text(analyzer, chars=True, stored=True, multitoken_query="and"),
        url=ID(stored=True),
        byline=_text(analyzer, stored=True),
        published=ID(stored=True, sortable=True),
        source=KEYWORD(stored=True, lowercase=True, sortable=True),  # sortable: facets read the column, not stored docs
    )


def passages_of(article: Article) -> Iterator[dict]:
    """Yield the article's passages as index documents: one per paragraph, or the headline alone."""
    shared = {
        "doc_id": article.id,
        "group": article.group,
        "lang": article.lang,
        "title": article.title,
        "url": article.url,
        "byline": article.byline,
        "published": article.published,
        "source": article.source,
    }
    if not article.paragraphs:
        yield {**shared, "position": HEADLINE_ONLY, "text": ""}
    for position, paragraph in enumerate(article.paragraphs):
        yield {**shared, "position": position, "text": paragraph}


def open_index(folder: Path):
    """The Whoosh index in `folder`; an index whose stored schema names classes this version does not have (one
    written by an earlier Setu) is refused with what to do, not a traceback."""
    with warnings.catch_warnings():
        # Whoosh leaves the table of contents it failed to read open: it is closed when the error is dropped here.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return whoosh_index.open_dir(folder)
        except (ModuleNotFoundError, AttributeError) as error:
            reason = str(error)
    raise IndexDirError(
        f"the index in {folder} was written by an earlier version of Setu ({reason}): "
        "rebuild it with `python -m indexer build`"
    )
